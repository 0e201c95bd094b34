"""The strip on the faxes page: today's counts by status, and how fresh the sync is."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from faxes.models import FaxSync
from tests.factories import ScopeFreeFactory
from tests.faxes.factories import FaxFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2017, 11, 29, 18, 0, tzinfo=UTC)


class FaxSyncFactory(ScopeFreeFactory):
    class Meta:
        model = FaxSync


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def strip(response) -> str:
    match = re.search(r'<section class="strip".*?</section>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_todays_counts_by_status(viewer_client, org):
    FaxFactory.create_batch(3, organization=org, status="SENT", sent_at=NOW)
    FaxFactory(organization=org, status="FAILED", sent_at=NOW)
    FaxFactory(organization=org, status="QUEUED", sent_at=NOW - timedelta(days=1))
    text = strip(viewer_client.get("/faxes/"))
    assert "Today Queued 0 In progress 0 Sent 3 Failed 1" in text


def test_never_synced_says_so(viewer_client):
    assert "Not synced yet" in strip(viewer_client.get("/faxes/"))


def test_the_time_of_the_last_successful_sync(viewer_client, org):
    FaxSyncFactory(organization=org, last_success_at=NOW - timedelta(minutes=4))
    assert "Synced 4 minutes ago" in strip(viewer_client.get("/faxes/"))


def test_the_last_error_when_the_sync_is_failing(viewer_client, org):
    FaxSyncFactory(organization=org, last_success_at=NOW - timedelta(hours=2),
                   last_error_at=NOW - timedelta(minutes=3),
                   last_error="Axion could not be reached. Try again in a minute.")
    text = strip(viewer_client.get("/faxes/"))
    assert "Sync failing Axion could not be reached. Try again in a minute. (3 minutes ago)" \
        in text
    assert "last good sync 2 hours ago" in text


def test_an_old_error_is_not_shown_after_a_good_sync(viewer_client, org):
    FaxSyncFactory(organization=org, last_success_at=NOW - timedelta(minutes=1),
                   last_error_at=NOW - timedelta(minutes=6), last_error="Axion was down.")
    text = strip(viewer_client.get("/faxes/"))
    assert "Synced 1 minute ago" in text
    assert "Axion was down." not in text


def test_another_organizations_sync_is_not_shown(outsider_client, org):
    FaxSyncFactory(organization=org, last_success_at=NOW, last_error_at=NOW,
                   last_error="ours")
    FaxFactory(organization=org, sent_at=NOW)
    text = strip(outsider_client.get("/faxes/"))
    assert "Not synced yet" in text
    assert "Sent 0" in text
