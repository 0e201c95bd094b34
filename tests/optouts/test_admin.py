"""The staff's read-only admin pages of opt-outs."""

import pytest

from optouts.models import OptOutSource
from optouts.services import opt_out
from tests.accounts.two_factor_helpers import verified_client
from tests.factories import UserFactory


@pytest.fixture
def staff_client(db):
    return verified_client(UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize("model", ["optout", "inboundkeyword"])
def test_changelist_renders(staff_client, org, model):
    opt_out(organization=org, number="+13105550142", source=OptOutSource.MEMBER)
    assert staff_client.get(f"/admin/optouts/{model}/").status_code == 200


def test_an_opt_out_cannot_be_changed_there(staff_client, org):
    row, _ = opt_out(organization=org, number="+13105550142", source=OptOutSource.MEMBER)
    assert staff_client.post(f"/admin/optouts/optout/{row.pk}/delete/",
                             {"post": "yes"}).status_code == 403
