"""Each number's replies to STOP, START and HELP: admins edit them on a page linked from the
number's; blank is the default, which names the organization."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from messaging.ingest import IncomingMessage, record_messages
from optouts.keywords import Keyword
from optouts.models import KeywordReplies
from optouts.replies import reply_text
from tests.clock import NOW


def test_the_numbers_page_links_to_its_replies(owner_client, number):
    page = owner_client.get(reverse("edit_number", args=[number.pk])).content.decode()
    assert reverse("number_replies", args=[number.pk]) in page


def test_the_page_shows_the_defaults(owner_client, number):
    page = owner_client.get(reverse("number_replies", args=[number.pk])).content.decode()
    assert "You are unsubscribed from Harbor Clinic messages." in page


def test_an_admin_sets_a_number_s_own_reply(owner_client, number):
    response = owner_client.post(reverse("number_replies", args=[number.pk]), {
        "opted_out": " Harbor: no more texts. START to undo. ", "opted_in": "", "help": ""})
    assert response.status_code == 302
    assert reply_text(number=number, kind=Keyword.OPT_OUT) == \
        "Harbor: no more texts. START to undo."
    assert reply_text(number=number, kind=Keyword.HELP).startswith("Harbor Clinic: ")
    with scopes_disabled():
        assert AuditEntry.objects.get(action="optout.replies_changed").detail == {
            "custom": ["opted_out"]}


def test_a_reply_longer_than_two_segments_is_refused(owner_client, number):
    response = owner_client.post(reverse("number_replies", args=[number.pk]), {
        "opted_out": "x" * 321, "opted_in": "", "help": ""})
    assert response.status_code == 400
    with scopes_disabled():
        assert not KeywordReplies.objects.exists()


@pytest.mark.parametrize("member", ["agent_client", "viewer_client"])
def test_agents_and_viewers_may_not_change_them(request, member, number):
    client = request.getfixturevalue(member)
    assert client.get(reverse("number_replies", args=[number.pk])).status_code == 403


def test_another_organizations_number_is_a_404(outsider_client, number):
    assert outsider_client.get(reverse("number_replies", args=[number.pk])).status_code == 404


def test_the_page_lists_the_keywords_received_and_their_replies(owner_client, org, number,
                                                                takes_sends):
    record_messages(organization=org, incoming=[IncomingMessage(
        uuid="in-1", own_number=number.number, source="+13105550142",
        destinations=[number.number], text="STOP", status="RECEIVED",
        sent_at=NOW - timedelta(days=2))])
    page = owner_client.get(reverse("number_replies", args=[number.pk])).content.decode()
    assert "(310) 555-0142" in page
    assert "Received before the portal saw it (history)" in page
