"""keyset_page (common/pagination.py): cursor pages without COUNT(*) or OFFSET."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scope

from common.pagination import InvalidCursor, batches_by_id, keyset_page
from faxes.models import Fax
from tests.faxes.factories import FaxFactory

pytestmark = pytest.mark.django_db

NEWEST = ("-sent_at", "-id")
OLDEST = ("sent_at", "id")
START = datetime(2017, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def faxes(org):
    """25 faxes; every time is shared by two or three of them, so ties need the id."""
    return [FaxFactory(organization=org, sent_at=START + timedelta(minutes=n // 3))
            for n in range(25)]


@pytest.fixture(autouse=True)
def in_scope(org):
    with scope(organization=org.pk):
        yield


def walk(ordering, size):
    pages, cursor = [], None
    while True:
        page = keyset_page(Fax.objects.all(), ordering=ordering, cursor=cursor, size=size)
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            return pages


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_the_first_page_holds_size_items_newest_first(faxes):
    page = keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=None, size=10)
    expected = sorted(faxes, key=lambda f: (f.sent_at, f.pk), reverse=True)[:10]
    assert page.items == expected
    assert page.next_cursor
    assert not page.has_previous


def test_walking_every_page_gives_each_row_once_in_order(faxes):
    pages = walk(NEWEST, 7)
    seen = [fax for page in pages for fax in page.items]
    assert seen == sorted(faxes, key=lambda f: (f.sent_at, f.pk), reverse=True)
    assert [len(page.items) for page in pages] == [7, 7, 7, 4]


def test_walking_oldest_first_gives_each_row_once_in_order(faxes):
    seen = [fax for page in walk(OLDEST, 6) for fax in page.items]
    assert seen == sorted(faxes, key=lambda f: (f.sent_at, f.pk))


def test_pages_after_the_first_have_a_previous_one(faxes):
    pages = walk(NEWEST, 10)
    assert [page.has_previous for page in pages] == [False, True, True]


def test_the_last_full_page_has_no_next_cursor(faxes):
    pages = walk(NEWEST, 5)
    assert len(pages) == 5
    assert pages[-1].next_cursor is None


def test_a_new_row_does_not_shift_the_next_page(org, faxes):
    first = keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=None, size=10)
    FaxFactory(organization=org, sent_at=START + timedelta(days=1))
    second = keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=first.next_cursor, size=10)
    expected = sorted(faxes, key=lambda f: (f.sent_at, f.pk), reverse=True)[10:20]
    assert second.items == expected


def test_the_cursor_combines_with_filters(org, faxes):
    FaxFactory(organization=org, status="FAILED", sent_at=START)
    failed = Fax.objects.filter(status="FAILED")
    page = keyset_page(failed, ordering=NEWEST, cursor=walk(NEWEST, 10)[0].next_cursor,
                       size=10)
    assert [fax.status for fax in page.items] == ["FAILED"]


def test_a_page_is_one_query_without_count_or_offset(faxes, django_assert_num_queries):
    cursor = walk(NEWEST, 10)[0].next_cursor
    with django_assert_num_queries(1) as captured:
        keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=cursor, size=10)
    sql = captured.captured_queries[0]["sql"].upper()
    assert "COUNT(" not in sql and "OFFSET" not in sql


@pytest.mark.parametrize("cursor", [
    "not-a-cursor!",
    "%%%",
    cursor_of({"sent_at": "2017-11-29"}),
    cursor_of(["2017-11-29T12:00:00+00:00"]),
    cursor_of(["yesterday", "abc"]),
    cursor_of([["nested"], {"x": 1}]),
    cursor_of([None, None]),
])
def test_an_invalid_cursor_gives_the_first_page(faxes, cursor):
    page = keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=cursor, size=10)
    first = keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=None, size=10)
    assert page.items == first.items
    assert not page.has_previous


# Valid ISO 8601 times whose instant in UTC falls outside the calendar a datetime holds
# (year 0 and year 10000): a cursor the pages never issue, whose query would overflow.
BEYOND_THE_CALENDAR = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]


@pytest.mark.parametrize("when", BEYOND_THE_CALENDAR)
def test_a_cursor_time_beyond_the_calendar_gives_the_first_page(faxes, when):
    page = keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=cursor_of([when, 1]), size=10)
    first = keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=None, size=10)
    assert page.items == first.items
    assert not page.has_previous


@pytest.mark.parametrize("when", BEYOND_THE_CALENDAR)
def test_a_strict_page_refuses_a_cursor_time_beyond_the_calendar(faxes, when):
    with pytest.raises(InvalidCursor):
        keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=cursor_of([when, 1]), size=10,
                    strict=True)


def test_a_strict_page_refuses_a_cursor_time_without_an_offset(faxes):
    with pytest.raises(InvalidCursor):
        keyset_page(Fax.objects.all(), ordering=NEWEST,
                    cursor=cursor_of(["2017-11-29T12:00:00", 1]), size=10, strict=True)


def test_a_strict_page_refuses_a_cursor_with_a_character_outside_base64url(faxes):
    issued = walk(NEWEST, 10)[0].next_cursor
    with pytest.raises(InvalidCursor):
        keyset_page(Fax.objects.all(), ordering=NEWEST, cursor=issued[:4] + "!!!!" + issued[4:],
                    size=10, strict=True)


def test_batches_by_id_give_every_row_once_in_id_order(faxes):
    batches = list(batches_by_id(Fax.objects.all(), 10))
    assert [len(batch) for batch in batches] == [10, 10, 5]
    assert [fax.pk for batch in batches for fax in batch] == sorted(f.pk for f in faxes)
