"""KeysetPagination (api/pagination.py): the `cursor` and `page_size` of every API list.

A cursor is what a page's `next` link carries; one no page issued is a 400 on `cursor`,
and so is one whose time lies beyond the calendar in UTC, which no page issues either.
`page_size` is the schema's integer: digits only.
"""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.helpers import error_of
from tests.faxes.factories import FaxFactory

# The lists whose pages are ordered by a time first.
TIMED_LISTS = ["/api/v1/faxes/", "/api/v1/messages/", "/api/v1/conversations/"]
BEYOND_THE_CALENDAR = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]
CURSOR_ERROR = ["This cursor is not valid: use the `next` link of a page."]


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("when", BEYOND_THE_CALENDAR)
@pytest.mark.parametrize("url", TIMED_LISTS)
def test_a_cursor_time_beyond_the_calendar_is_400_on_cursor(api, url, when):
    response = api.get(url, {"cursor": cursor_of([when, 1])})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"cursor": CURSOR_ERROR}


def test_a_cursor_with_a_character_outside_base64url_is_400(org, api):
    FaxFactory.create_batch(2, organization=org)
    next_link = api.get("/api/v1/faxes/", {"page_size": 1}).json()["next"]
    [issued] = parse_qs(urlsplit(next_link).query)["cursor"]
    response = api.get("/api/v1/faxes/", {"cursor": issued[:4] + "!!!!" + issued[4:]})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"cursor": CURSOR_ERROR}


def test_an_empty_cursor_is_the_first_page(org, api):
    fax = FaxFactory(organization=org)
    response = api.get("/api/v1/faxes/", {"cursor": ""})
    assert [f["id"] for f in response.json()["results"]] == [fax.pk]


@pytest.mark.parametrize("size", ["", " 5", "5.0", "+5", "5_0", "\u0665"])
def test_a_page_size_that_is_not_plain_digits_is_400(api, size):
    response = api.get("/api/v1/numbers/", {"page_size": size})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"page_size": ["A whole number from 1 to 200."]}
