"""Whatever is typed into the search box, the page and the API answer 200 or a 400 that
says why, never a 500; and the API accepts exactly what its schema's pattern allows."""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.fields import schema_pattern
from search import services
from search.api import QUERY
from tests.api.helpers import key_client, make_key
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.search.conftest import REFERENCE

pytestmark = pytest.mark.django_db

ODD = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.sampled_from("%_\\\x00 \t\n'\"-+()0123456789\U0010ffff\ud7ff\ue000"),
            max_size=20),
    st.sampled_from(["+1 (805) 642-1415", "805-642-1415", "1234", "%%", "__", "\\\\",
                     "a\U0010ffff", "ab\ud7ff", REFERENCE[:-1]]),
)


@pytest.fixture
def world(db):
    """A member and a key of an organization with a fax and a message to find."""
    from tests.faxes.factories import FaxFactory
    from tests.messaging.factories import MessageFactory

    org = OrganizationFactory()
    FaxFactory(organization=org, customer_field=REFERENCE)
    MessageFactory(conversation__own_number__organization=org, text=f"About {REFERENCE}")
    member = Client()
    member.force_login(MembershipFactory(organization=org, user=UserFactory()).user)
    return member, key_client(make_key(org)[1])


def _usable(text: str) -> bool:
    try:
        services.clean_query(text)
    except services.QueryError:
        return False
    return True


SETTINGS = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(q=ODD)
@example(q="\x00\x00")
@example(q="a\x00")
def test_the_page_never_fails_on_odd_input(world, q):
    member, _ = world
    response = member.get("/search/", {"q": q})
    assert response.status_code == (200 if _usable(q) or not q.strip() else 400)


@SETTINGS
@given(q=ODD)
def test_the_api_answers_a_400_or_the_groups(world, q):
    _, api = world
    response = api.get("/api/v1/search/", {"q": q})
    if _usable(q):
        assert response.status_code == 200
        assert set(response.json()) >= {"faxes", "messages", "contacts"}
    else:
        assert response.status_code == 400


@given(q=ODD)
@settings(max_examples=300, deadline=None, database=None, derandomize=True)
def test_the_schemas_pattern_takes_what_the_search_takes(q):
    pattern = QUERY.regex.pattern
    assert bool(re.search(pattern, q)) == _usable(q), repr(q)
    assert schema_pattern(pattern).startswith("^")
