"""Generated query strings thrown at every page and every list of the API: none answers a
500. Bad input is a 400 that says what is wrong (in the API's error shape), or is ignored
where a page link edited by hand should still show something (a cursor no page issued).

The pages are read from the URLconf and the API's lists from its router, so a new one is
covered without a change here. Pages with a path parameter are included where it names
the conversation whose messages they page (PATH_VALUES); the others are forms and actions
on one object, not lists. Keys are mostly the parameters the portal reads, values mostly
the kinds that broke it: dates and times at the edges of the calendar, integers past any
database's, cursors of any JSON, text with NUL and other scripts' digits.

Hypothesis is derandomized with no example database, so every run (CI's too) tries the
same cases; the example counts keep the whole module to seconds.
"""

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal.api_urls import router
from tests.api.helpers import error_of
from tests.faxes.factories import FaxFactory
from tests.messaging.factories import ConversationFactory, MessageFactory

# Not the portal's pages: the admin, the sign-in flows, the provider's webhooks, the
# simulation of the provider, and the API (its lists come from the router below).
NOT_PAGES = ("admin/", "accounts/", "hooks/", "sandbox/", "api/")
PATH_VALUES = {"conversation": "conversation", "conversation_fragment": "conversation"}

PAGE_EXAMPLES = 15
API_EXAMPLES = 50
SETTINGS = {"derandomize": True, "database": None, "deadline": None,
            "suppress_health_check": [HealthCheck.function_scoped_fixture,
                                      HealthCheck.too_slow]}


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def pages() -> list[str]:
    """The name of every page of the URLconf: without a path parameter, or with the one of
    PATH_VALUES."""
    return sorted({entry.name for route, entry in _routes(get_resolver().url_patterns)
                   if entry.name and not route.startswith(NOT_PAGES)
                   and ("<" not in route or entry.name in PATH_VALUES)})


def api_lists() -> list[str]:
    """The name of every list of the API's router: each viewset's list and its actions on
    no object (the fax lookup)."""
    names = []
    for _, viewset, basename in router.registry:
        if hasattr(viewset, "list"):
            names.append(f"{basename}-list")
        names += [f"{basename}-{action.url_name}" for action in viewset.get_extra_actions()
                  if not action.detail]
    return sorted(names)


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


_OFFSETS = st.sampled_from(["Z", "+00:00", "+05:00", "-05:00", "+14:00", "-12:00", ""])
TIMES = st.one_of(
    st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00",
                     "0000-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2016-12-31T23:59:60Z"]),
    st.builds(lambda moment, offset: moment.isoformat() + offset, st.datetimes(), _OFFSETS),
)
DAYS = st.one_of(st.sampled_from(["0001-01-01", "9999-12-31", "0000-01-01", "2024-02-30"]),
                 st.dates().map(str))
NUMBERS = st.one_of(st.sampled_from(["10000000000000000000000000", "-1", "0", "5.0", "²", "٣",
                                     "1e3", "+5", " 5", "5_0"]),
                    st.integers(-(10**30), 10**30).map(str))
CURSORS = st.lists(st.one_of(TIMES, st.integers(-(2**70), 2**70), st.none(),
                             st.floats(allow_nan=False), st.text(max_size=8)),
                   min_size=1, max_size=3).map(cursor_of)
TEXT = st.one_of(st.sampled_from(["", " ", "\x00", "a\x00b"]), st.text(max_size=12))
# The parameters the pages and the API read, each with values of its kind and any text.
PARAMETERS = {
    "cursor": CURSORS, "page_size": NUMBERS, "since": st.one_of(DAYS, TIMES),
    "until": st.one_of(DAYS, TIMES), "day": DAYS, "date": DAYS, "number": NUMBERS,
    "own_number": NUMBERS, "conversation": NUMBERS, "before": NUMBERS, "to": NUMBERS,
    "status": st.sampled_from(["SENT", "FAILED", "LOST"]), "direction": st.just("in"),
    "sort": st.sampled_from(["oldest", "sideways"]), "unread": st.just("1"),
    "q": TEXT, "references": TEXT, "reference": TEXT, "customer_field": TEXT,
    "format": st.sampled_from(["json", "api", "csv"]),
    "assignee": st.one_of(st.sampled_from(["me", "none"]), NUMBERS), "label": NUMBERS,
    "mentions": st.just("me"),
}
PAIRS = st.one_of(
    st.sampled_from(sorted(PARAMETERS)).flatmap(
        lambda name: st.tuples(st.just(name), st.one_of(PARAMETERS[name], TEXT))),
    st.tuples(st.text(max_size=6), TEXT),
)
QUERIES = st.lists(PAIRS, min_size=1, max_size=3).map(urlencode)
# What answered 500 before (the hardening issue's list): tried first, on every page and list.
REGRESSIONS = [
    urlencode({"cursor": cursor_of(["0001-01-01T00:00:00+05:00", 1])}),
    urlencode({"cursor": cursor_of(["9999-12-31T23:59:59-05:00", 1])}),
    "until=9999-12-31", "since=0001-01-01", "day=9999-12-31", "date=9999-12-31",
    "conversation=10000000000000000000000000", "number=10000000000000000000000000",
    "number=%C2%B2", "q=%00", "page_size=5.0", "until=",
]


def with_regressions(test):
    """`test` given each of REGRESSIONS before what Hypothesis generates."""
    for query in reversed(REGRESSIONS):
        test = example(query)(test)
    return test


@pytest.fixture
def world(org, number):
    """Something on every list, so that cursors and filters meet rows."""
    FaxFactory.create_batch(3, organization=org, sent_at=datetime(2024, 3, 1, tzinfo=UTC))
    conversation = ConversationFactory(own_number=number,
                                       last_message_at=datetime(2024, 3, 1, tzinfo=UTC))
    for minutes in range(3):
        MessageFactory(conversation=conversation,
                       sent_at=datetime(2024, 3, 1, tzinfo=UTC) - timedelta(minutes=minutes))
    return {"conversation": conversation.pk}


def body_of(response) -> bytes:
    # The export streams: its query runs only as it is read.
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_pages_and_lists_are_found():
    assert {"fax_list", "fax_export", "fax_lookup", "inbox", "conversation"} <= set(pages())
    assert {"api-conversation-list", "api-fax-list", "api-fax-lookup", "api-label-list",
            "api-message-list", "api-number-list"} <= set(api_lists())


@pytest.mark.parametrize("name", pages())
def test_no_page_answers_500_to_a_generated_query(owner_client, world, name):
    url = reverse(name, args=[world[PATH_VALUES[name]]] if name in PATH_VALUES else [])

    @given(QUERIES)
    @with_regressions
    @hypothesis_settings(max_examples=PAGE_EXAMPLES, **SETTINGS)
    def answers(query):
        response = owner_client.get(f"{url}?{query}")
        body_of(response)
        assert response.status_code < 500, query

    answers()


@pytest.mark.parametrize("name", api_lists())
def test_no_api_list_answers_500_to_a_generated_query(api, world, settings, name):
    settings.API_RATE = ""
    url = reverse(name)

    @given(QUERIES)
    @with_regressions
    @hypothesis_settings(max_examples=API_EXAMPLES, **SETTINGS)
    def answers(query):
        response = api.get(f"{url}?{query}")
        assert response.status_code < 500, query
        if response.status_code >= 400:
            error_of(response)  # the API's error shape

    answers()
