"""GET /api/v1/numbers/: the organization's messaging numbers, never their secrets."""

import base64
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.helpers import key_client
from tests.messaging.factories import MessagingNumberFactory

URL = "/api/v1/numbers/"


def test_lists_the_organizations_numbers(org, other_org, api):
    MessagingNumberFactory(organization=org, number="+18056421415", label="Front desk",
                           registered_at=timezone.now())
    MessagingNumberFactory(organization=org, number="+18056421414")
    MessagingNumberFactory(organization=other_org, number="+18056429999")
    results = api.get(URL).json()["results"]
    assert [n["number"] for n in results] == ["+18056421414", "+18056421415"]
    assert results[1]["label"] == "Front desk"
    assert results[0]["registered_at"] is None and results[1]["registered_at"]


def test_the_webhook_secret_is_never_shown(org, api):
    number = MessagingNumberFactory(organization=org)
    body = api.get(URL).content.decode()
    assert number.number in body
    assert number.webhook_secret not in body
    assert number.webhook_secret_digest not in body
    assert "webhook" not in body


def test_pages_follow_next_links(org, api):
    for n in range(3):
        MessagingNumberFactory(organization=org, number=f"+1805642141{n}")
    first = api.get(URL, {"page_size": 2}).json()
    assert len(first["results"]) == 2
    assert [n["number"] for n in api.get(first["next"]).json()["results"]] == ["+18056421412"]


def test_the_key_lists_its_own_organizations_numbers_even_beside_a_session(org, outsider,
                                                                           api_key):
    MessagingNumberFactory(organization=org, number="+18056421414")
    MessagingNumberFactory(organization=outsider.organization, number="+18056429999")
    client = key_client(api_key[1])
    client.force_login(outsider.user)
    assert [n["number"] for n in client.get(URL).json()["results"]] == ["+18056421414"]


def test_a_cursor_made_by_hand_is_400(org, api):
    cursor = base64.urlsafe_b64encode(json.dumps(["+1805\x00"]).encode()).decode()
    response = api.get(URL, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


def test_a_send_only_key_cannot_list_numbers(sender_only):
    assert sender_only.get(URL).status_code == 403


def test_the_list_costs_the_same_queries_at_any_page_size(org, api):
    for n in range(10):
        MessagingNumberFactory(organization=org, number=f"+1805642140{n}")
    api.get(URL)
    counts = []
    for size in (1, 10):
        with CaptureQueriesContext(connection) as queries:
            api.get(URL, {"page_size": size})
        counts.append(len(queries))
    assert counts[0] == counts[1]
