"""The inbox of a team: open by default, closed, whose (mine, unassigned, mentions), by
label, with the number and search filters; contact names, labels and assignees on the
rows, at a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import ConversationStatus
from tests.clock import NOW
from tests.factories import MembershipFactory
from tests.messaging.contact_factories import ContactFactory
from tests.messaging.factories import ConversationFactory, MessageFactory, MessagingNumberFactory
from tests.messaging.team_factories import LabelFactory, NoteFactory

INBOX = reverse("inbox")
FRAGMENT = reverse("inbox_fragment")


def chat(number, *, minutes_ago=1, labels=(), **values):
    values.setdefault("last_preview", "See you then")
    conversation = ConversationFactory(own_number=number,
                                       last_message_at=NOW - timedelta(minutes=minutes_ago),
                                       **values)
    if labels:
        with scopes_disabled():
            conversation.labels.set(labels)
    return conversation


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [c.pk for c in response.context["page"].items]


def test_the_inbox_opens_on_open_conversations(viewer_client, number):
    open_one = chat(number)
    chat(number, status=ConversationStatus.CLOSED)
    assert listed(viewer_client.get(INBOX)) == [open_one.pk]


def test_closed_lists_only_closed_conversations(viewer_client, number):
    chat(number)
    closed = chat(number, status=ConversationStatus.CLOSED)
    assert listed(viewer_client.get(INBOX, {"status": "closed"})) == [closed.pk]


def test_all_lists_open_and_closed(viewer_client, number):
    closed = chat(number, minutes_ago=2, status=ConversationStatus.CLOSED)
    open_one = chat(number, minutes_ago=1)
    assert listed(viewer_client.get(INBOX, {"status": "all"})) == [open_one.pk, closed.pk]


def test_an_unknown_status_shows_the_open_ones(viewer_client, number):
    open_one = chat(number)
    chat(number, status=ConversationStatus.CLOSED)
    assert listed(viewer_client.get(INBOX, {"status": "snoozed"})) == [open_one.pk]


def test_mine_lists_the_conversations_assigned_to_me(agent_client, agent, org, number):
    mine = chat(number, assignee=agent.user)
    chat(number, assignee=MembershipFactory(organization=org).user)
    chat(number)
    assert listed(agent_client.get(INBOX, {"assignee": "me"})) == [mine.pk]


def test_unassigned_lists_the_conversations_of_nobody(agent_client, agent, number):
    nobodys = chat(number)
    chat(number, assignee=agent.user)
    assert listed(agent_client.get(INBOX, {"assignee": "none"})) == [nobodys.pk]


def test_a_members_id_lists_their_conversations(viewer_client, org, number):
    alice = MembershipFactory(organization=org).user
    hers = chat(number, assignee=alice)
    chat(number)
    assert listed(viewer_client.get(INBOX, {"assignee": alice.pk})) == [hers.pk]


@pytest.fixture(params=["few", "many"])
def ids_or_exists(request, monkeypatch):
    """Both ways the label and mentions filters take: from the ids of few conversations,
    and (past team.MOST_IDS, here 1) with EXISTS."""
    if request.param == "many":
        monkeypatch.setattr("messaging.team.MOST_IDS", 1)
    return request.param


@pytest.mark.usefixtures("ids_or_exists")
def test_the_label_filter_lists_conversations_with_the_label(viewer_client, org, number):
    billing, urgent = LabelFactory(organization=org), LabelFactory(organization=org)
    both = chat(number, minutes_ago=1, labels=[billing, urgent])
    billed = chat(number, minutes_ago=2, labels=[billing])
    chat(number, labels=[urgent])
    chat(number)
    assert listed(viewer_client.get(INBOX, {"label": billing.pk})) == [both.pk, billed.pk]


@pytest.mark.usefixtures("ids_or_exists")
def test_another_organizations_label_lists_nothing(viewer_client, org, other_org, number):
    theirs = LabelFactory(organization=other_org)
    mine = LabelFactory(organization=org)
    chat(number, labels=[mine])
    assert listed(viewer_client.get(INBOX, {"label": theirs.pk})) == []


@pytest.mark.usefixtures("ids_or_exists")
def test_mentions_lists_conversations_with_a_note_mentioning_me(agent_client, agent, viewer,
                                                                number):
    mentioned = chat(number, minutes_ago=1)
    NoteFactory(conversation=mentioned, mentions=[agent.user])
    NoteFactory(conversation=mentioned, mentions=[agent.user])  # twice: listed once
    twice = chat(number, minutes_ago=2)
    NoteFactory(conversation=twice, mentions=[agent.user, viewer.user])
    NoteFactory(conversation=chat(number), mentions=[viewer.user])
    NoteFactory(conversation=chat(number), mentions=[])
    assert listed(agent_client.get(INBOX, {"mentions": "me"})) == [mentioned.pk, twice.pk]


def test_closed_and_mine_combine(agent_client, agent, number):
    chat(number, assignee=agent.user)
    closed_mine = chat(number, assignee=agent.user, status=ConversationStatus.CLOSED)
    chat(number, status=ConversationStatus.CLOSED)
    assert listed(agent_client.get(INBOX, {"assignee": "me", "status": "closed"})) == [
        closed_mine.pk]


def test_search_unread_number_and_label_combine_with_the_team_filters(agent_client, agent, org,
                                                                       number):
    billing = LabelFactory(organization=org)
    other_number = MessagingNumberFactory(organization=org)
    wanted = chat(number, assignee=agent.user, unread_count=1, labels=[billing])
    MessageFactory(conversation=wanted, text="the insurance card")
    for near_miss in (chat(number, assignee=agent.user, unread_count=0, labels=[billing]),
                      chat(number, assignee=agent.user, unread_count=1),
                      chat(other_number, assignee=agent.user, unread_count=1, labels=[billing]),
                      chat(number, unread_count=1, labels=[billing])):
        MessageFactory(conversation=near_miss, text="the insurance card")
    query = {"assignee": "me", "unread": "1", "label": billing.pk, "number": number.pk,
             "q": "insurance"}
    assert listed(agent_client.get(INBOX, query)) == [wanted.pk]


def test_the_fragment_keeps_the_team_filters(agent_client, agent, number):
    mine = chat(number, assignee=agent.user)
    chat(number)
    html = agent_client.get(FRAGMENT, {"assignee": "me"}).content.decode()
    assert f'/messaging/conversations/{mine.pk}/' in html
    assert html.count("conversation-row") == 1


def test_tabs_keep_the_other_filters(agent_client, org, number):
    billing = LabelFactory(organization=org)
    tabs = agent_client.get(INBOX, {"label": billing.pk, "q": "card"}).context["tabs"]
    mine = next(tab for tab in tabs["who"] if tab["name"] == "Mine")
    closed = next(tab for tab in tabs["status"] if tab["name"] == "Closed")
    assert mine["query"] == f"label={billing.pk}&q=card&assignee=me"
    assert closed["query"] == f"label={billing.pk}&q=card&status=closed"


def test_a_row_shows_the_contact_name_labels_and_assignee(viewer_client, org, agent, number):
    ContactFactory(organization=org, name="Maria Lopez", numbers=["+13105550142"])
    billing = LabelFactory(organization=org, name="billing", colour="green")
    chat(number, participants="+13105550142", labels=[billing], assignee=agent.user)
    html = viewer_client.get(INBOX).content.decode()
    assert "Maria Lopez" in html and "(310) 555-0142" in html
    assert '<span class="label-chip label-green">billing</span>' in html
    assert f"Assigned to {agent.user.username}" in html


def test_a_row_without_a_contact_shows_the_number(viewer_client, number):
    chat(number, participants="+13105550142")
    html = viewer_client.get(INBOX).content.decode()
    assert "(310) 555-0142" in html
    assert "Assigned to" not in html and "label-chip" not in html


def test_the_label_filter_offers_the_organizations_labels_only(viewer_client, org, other_org,
                                                               number):
    LabelFactory(organization=org, name="billing")
    LabelFactory(organization=other_org, name="their-secret-label")
    html = viewer_client.get(INBOX).content.decode()
    assert ">billing</option>" in html
    assert "their-secret-label" not in html


def test_the_labels_page_is_linked_for_admins_only(admin_client_, agent_client, number):
    assert reverse("labels") in admin_client_.get(INBOX).content.decode()
    assert reverse("labels") not in agent_client.get(INBOX).content.decode()


def _fill(org, number, agent, count):
    labels = [LabelFactory(organization=org) for _ in range(3)]
    for n in range(count):
        party = f"+1310555{n:04d}"
        ContactFactory(organization=org, numbers=[party])
        conversation = chat(number, minutes_ago=n + 1, participants=party, labels=labels,
                            assignee=agent.user, unread_count=1)
        NoteFactory(conversation=conversation, mentions=[agent.user])


@pytest.mark.parametrize("query", [{}, {"assignee": "me"}, {"label": "LABEL"},
                                   {"status": "all", "mentions": "me"}])
def test_the_inbox_costs_the_same_queries_at_any_page_size(agent_client, agent, org, number,
                                                           monkeypatch, django_assert_num_queries,
                                                           query):
    _fill(org, number, agent, 12)
    if "label" in query:
        query = {"label": agent_client.get(INBOX).context["labels"][0].pk}
    monkeypatch.setattr("messaging.views.INBOX_PAGE", 3)
    with CaptureQueriesContext(connection) as small:
        assert len(listed(agent_client.get(INBOX, query))) == 3
    monkeypatch.setattr("messaging.views.INBOX_PAGE", 12)
    with django_assert_num_queries(len(small.captured_queries)):
        page = agent_client.get(INBOX, query)
    assert len(listed(page)) == 12
    html = page.content.decode()
    assert html.count("label-chip") == 12 * 3 and html.count("Contact ") >= 12
