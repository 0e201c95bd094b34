"""The webhook ledger page: per number and day from the counters (a constant number of
queries), the callback URLs compared and registered again, missed webhooks, a day's
events, one event's raw request."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from messaging.models import EventState, MessagingNumber, secret_digest
from messaging.tasks import sync_messages
from tests.clock import NOW
from tests.messaging.factories import MessagingNumberFactory, WebhookEventFactory
from tests.messaging.provider import OWN, answer, message, messages_reply, new_sms, sent
from tests.operations.factories import MissedWebhookFactory, WebhookDayFactory

URL = "/operations/ledger/"
DAY = date(2024, 3, 1)


def registered(number, url=None) -> MessagingNumber:
    with scopes_disabled():
        MessagingNumber.objects.filter(pk=number.pk).update(
            registered_at=NOW, registered_url_digest=secret_digest(url or number.webhook_url))
        return MessagingNumber.objects.get(pk=number.pk)


def test_the_ledger_shows_each_numbers_days(admin_client_, number):
    WebhookDayFactory(number=number, received=7, processed=5, rejected=1, retrying=1)
    page = admin_client_.get(URL).content.decode()
    row = page[page.index("<td data-label=\"Day\">2024-03-01"):]
    row = row[:row.index("</tr>")]
    assert [c in row for c in (">7<", ">5<", ">1<")] == [True] * 3


def test_the_ledger_reads_the_same_queries_for_one_day_or_many(admin_client_, org, number):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client_.get(URL).status_code == 200
        return len(captured)

    WebhookDayFactory(number=number, received=1)
    few = queries()
    for n in range(3):
        other = MessagingNumberFactory(organization=org)
        MissedWebhookFactory(number=other)
        for days in range(10):
            WebhookDayFactory(number=other, day=DAY - timedelta(days=days), received=n + days)
    assert queries() == few


def test_another_organizations_days_are_not_shown(admin_client_, number, other_org):
    theirs = MessagingNumberFactory(organization=other_org, number="+13105550199")
    WebhookDayFactory(number=theirs, received=987654)
    MissedWebhookFactory(number=theirs, message_uuid="their-message")
    page = admin_client_.get(URL).content.decode()
    # Values no random token of the page (a nonce, a CSRF token) would hold by chance.
    assert "987654" not in page and "their-message" not in page
    assert "555-0199" not in page and "+13105550199" not in page


def test_a_missed_webhook_found_by_sync_shows_on_the_ledger(admin_client_, org, sms, provider):
    MessagingNumberFactory(organization=org, number=OWN, activated_at=NOW - timedelta(days=1))
    answer(provider, "getSMS", messages_reply(message("in-missed", time="2024-03-01T11:40:00Z")))
    sync_messages()
    page = admin_client_.get(URL).content.decode()
    assert "in-missed" in page
    row = page[page.index("<td data-label=\"Day\">2024-03-01"):]
    assert '<td data-label="Missed" class="num"><span class="badge bad">1</span>' in row


def test_older_days_are_a_page_further(admin_client_, number):
    WebhookDayFactory(number=number, day=DAY - timedelta(days=20), received=4321)
    assert "4321" not in admin_client_.get(URL).content.decode()
    older = admin_client_.get(URL + "?before=2024-02-16").content.decode()
    assert "4321" in older


def test_a_day_that_is_no_day_is_404(admin_client_):
    assert admin_client_.get(URL + "?before=yesterday").status_code == 404


# --- Callback URLs ---------------------------------------------------------------------

def callback(page: str, number: str) -> str:
    part = page[page.index(f'data-number="{number}"'):]
    return part[:part.index("</li>")]


def test_a_callback_registered_as_expected_matches(admin_client_, number):
    registered(number)
    assert "As expected" in callback(admin_client_.get(URL).content.decode(), number.number)


def test_a_callback_registered_under_another_address_differs(admin_client_, number, settings):
    registered(number, url="https://old-portal.example.test" + number.webhook_path)
    part = callback(admin_client_.get(URL).content.decode(), number.number)
    assert "Differs" in part and "Register again" in part


def test_a_number_never_registered_says_so(admin_client_, number):
    part = callback(admin_client_.get(URL).content.decode(), number.number)
    assert "Not registered" in part and "Register again" in part


def test_the_secret_is_never_shown(admin_client_, number):
    registered(number)
    assert number.webhook_secret not in admin_client_.get(URL).content.decode()


def test_register_again_sets_the_expected_url_at_the_provider(admin_client_, number, sms,
                                                              provider):
    registered(number, url="https://old-portal.example.test" + number.webhook_path)
    answer(provider, "updateNumber", {"RESULT": "OK"})
    response = admin_client_.post(f"/operations/numbers/{number.pk}/register/", follow=True)
    [call] = sent(provider, "updateNumber")
    assert call["callbackUrl"] == number.webhook_url
    assert "As expected" in callback(response.content.decode(), number.number)


def test_another_organizations_number_is_not_registered(outsider_client, number, provider):
    assert outsider_client.post(f"/operations/numbers/{number.pk}/register/").status_code == 404
    assert len(provider.calls) == 0


# --- A day's events and one event --------------------------------------------------------

def test_a_days_events_are_listed_with_their_state(admin_client_, number):
    WebhookEventFactory(number=number, payload=new_sms("in-1"), received_at=NOW,
                        state=EventState.PROCESSED)
    WebhookEventFactory(number=number, payload=new_sms("in-2"), received_at=NOW,
                        state=EventState.REJECTED, error="Not confirmed.")
    WebhookEventFactory(number=number, payload=new_sms("in-3"),
                        received_at=NOW - timedelta(days=1))
    page = admin_client_.get(f"/operations/ledger/{number.pk}/2024-03-01/").content.decode()
    assert "in-1" in page and "in-2" in page and "Not confirmed." in page
    assert "in-3" not in page


def test_an_event_shows_its_headers_and_body_with_secrets_cut_out(admin_client_, number):
    body = {**new_sms("in-1"), "text": "see https://p.example/hooks/sms/s3cr3t-value/ now"}
    event = WebhookEventFactory(number=number, payload=body,
                                headers={"HTTP_USER_AGENT": "Axion-Webhooks/1.0"})
    page = admin_client_.get(f"/operations/events/{event.pk}/").content.decode()
    assert "Axion-Webhooks/1.0" in page and "in-1" in page
    assert "s3cr3t-value" not in page and "/hooks/sms/***/" in page


def test_a_body_that_is_not_json_is_shown_as_text(admin_client_, number):
    event = WebhookEventFactory(number=number, body=b"event=newSMS&x", state=EventState.INVALID)
    page = admin_client_.get(f"/operations/events/{event.pk}/").content.decode()
    assert "event=newSMS&amp;x" in page and "nothing to replay" in page


# --- Who may ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/operations/", URL])
@pytest.mark.parametrize("who", ["viewer_client", "agent_client"])
def test_viewers_and_agents_may_not_see_operations(request, db, who, path):
    assert request.getfixturevalue(who).get(path).status_code == 403


def test_owners_see_operations(owner_client):
    assert owner_client.get("/operations/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_operations_is_in_the_navigation_of_admins_only(admin_client_, agent_client):
    assert 'href="/operations/"' in admin_client_.get("/").content.decode()
    assert 'href="/operations/"' not in agent_client.get("/").content.decode()


def test_the_raw_body_is_json_pretty_printed(admin_client_, number):
    event = WebhookEventFactory(number=number, payload=new_sms("in-1"))
    page = admin_client_.get(f"/operations/events/{event.pk}/").content.decode()
    assert '\n  &quot;uuid&quot;: &quot;in-1&quot;\n}' in page
