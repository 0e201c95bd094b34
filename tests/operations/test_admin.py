"""The Django admin: platform staff see every organization's jobs, with the job cluster's
heartbeat, and the ledger, read-only."""

import pytest

from portal.models import Heartbeat
from portal.tasks import CLUSTER
from tests.accounts.two_factor_helpers import verified_client
from tests.clock import NOW
from tests.factories import UserFactory
from tests.operations.factories import JobStateFactory, WebhookDayFactory


@pytest.fixture
def staff(db):
    return verified_client(UserFactory(username="staff", is_staff=True, is_superuser=True))


def test_staff_see_every_organizations_jobs_and_the_heartbeat(staff, org, other_org):
    JobStateFactory(organization=org, last_error="ours")
    JobStateFactory(organization=other_org, last_error="theirs")
    Heartbeat.objects.create(name=CLUSTER, beat_at=NOW)
    response = staff.get("/admin/accounts/jobstate/")
    page = response.content.decode()
    assert response.context["cl"].result_count == 2
    assert "ours" in page and "theirs" in page and "Job cluster heartbeat: 0 s ago" in page


def test_the_ledger_is_read_only_in_the_admin(staff, number):
    day = WebhookDayFactory(number=number)
    assert staff.get("/admin/operations/webhookday/").status_code == 200
    assert staff.post(f"/admin/operations/webhookday/{day.pk}/delete/",
                      {"post": "yes"}).status_code == 403
