"""How the webhook endpoint writes an event: one statement, and a second try when the
server dropped the persistent connection (the provider does not retry)."""

import json

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from messaging.models import WebhookEvent
from tests.messaging.provider import new_sms

pytestmark = pytest.mark.usefixtures("kicks")

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="server restarts")


def post(client, number, uuid="in-0001"):
    return client.post(number.webhook_path, json.dumps(new_sms(uuid)),
                       content_type="application/json")


def stored_uuids() -> list[str]:
    with scopes_disabled():
        return list(WebhookEvent.objects.order_by("id").values_list("message_uuid", flat=True))


def test_event_is_stored_with_one_statement_while_a_woken_job_waits(
        client, number, settings, django_assert_num_queries):
    # The lease of the wake-up's read (common.wakeups) outlasts the test.
    settings.JOB_WAKE_LEASE_SECONDS = 60
    post(client, number, "in-0001")  # wakes the processing job, which has not looked yet
    with django_assert_num_queries(1):
        assert post(client, number, "in-0002").status_code == 200
    assert stored_uuids() == ["in-0001", "in-0002"]


def test_without_a_lease_an_event_costs_one_read_of_the_wake_up_marker_more(
        client, number, django_assert_num_queries):
    post(client, number, "in-0001")
    with django_assert_num_queries(2):  # the event's INSERT, and the marker's read
        assert post(client, number, "in-0002").status_code == 200


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_event_is_stored_after_the_server_dropped_the_connection(client, number,
                                                                 server_drops_connection):
    server_drops_connection()
    assert post(client, number).status_code == 200
    assert stored_uuids() == ["in-0001"]
