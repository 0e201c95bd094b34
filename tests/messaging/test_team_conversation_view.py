"""The conversation page of a team: close (one click or "e") and reopen, assign, labels,
internal notes between the messages with their mentions marked, the contact's name in the
header or "Save as contact"; viewers read, outsiders get 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import Conversation, ConversationStatus, Direction, MessageStatus, Note
from tests.clock import NOW
from tests.messaging.contact_factories import ContactFactory
from tests.messaging.factories import MessageFactory, MessagingNumberFactory
from tests.messaging.provider import OTHER
from tests.messaging.team_factories import LabelFactory, NoteFactory, member


def url(name, conversation) -> str:
    return reverse(name, args=[conversation.pk])


def page(client, conversation) -> str:
    response = client.get(url("conversation", conversation))
    assert response.status_code == 200
    return response.content.decode()


def fresh(conversation) -> Conversation:
    with scopes_disabled():
        return Conversation.objects.select_related("assignee").get(pk=conversation.pk)


def flash(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# Close and reopen


def test_closing_is_one_click_back_to_the_inbox(agent_client, conversation):
    response = agent_client.post(url("conversation_status", conversation), {"status": "closed"})
    assert response.status_code == 302 and response.url == reverse("inbox")
    assert fresh(conversation).status == ConversationStatus.CLOSED


def test_the_close_button_answers_the_e_key(agent_client, conversation):
    html = page(agent_client, conversation)
    assert 'value="closed"' in html and 'data-key="e"' in html
    assert "<kbd>e</kbd> close" in html  # the hint
    assert "portal/inbox.js" in html


def test_a_closed_conversation_offers_to_reopen(agent_client, conversation):
    agent_client.post(url("conversation_status", conversation), {"status": "closed"})
    html = page(agent_client, conversation)
    assert ">Reopen</button>" in html and 'data-key="e"' not in html
    response = agent_client.post(url("conversation_status", conversation), {"status": "open"})
    assert response.url == url("conversation", conversation)
    assert fresh(conversation).status == ConversationStatus.OPEN


def test_an_unknown_status_is_refused_with_a_message(agent_client, conversation):
    response = agent_client.post(url("conversation_status", conversation), {"status": "gone"},
                                 follow=True)
    assert "Choose one of: open, closed." in response.content.decode()
    assert fresh(conversation).status == ConversationStatus.OPEN


@pytest.mark.parametrize("name", ["conversation_status", "assign_conversation",
                                  "label_conversation", "add_note"])
def test_a_viewer_may_not_change_a_conversation(viewer_client, conversation, name):
    response = viewer_client.post(url(name, conversation),
                                  {"status": "closed", "assignee": "me", "note-text": "hi"})
    assert response.status_code == 403
    assert fresh(conversation).status == ConversationStatus.OPEN
    with scopes_disabled():
        assert not Note.objects.exists()


@pytest.mark.parametrize("name", ["conversation_status", "assign_conversation",
                                  "label_conversation", "add_note"])
def test_an_outsider_gets_404(outsider_client, conversation, name):
    response = outsider_client.post(url(name, conversation),
                                    {"status": "closed", "assignee": "me", "note-text": "hi"})
    assert response.status_code == 404
    assert fresh(conversation).status == ConversationStatus.OPEN


def test_an_agent_who_does_not_see_the_number_gets_404(org, client, number, conversation):
    member(org, "alice", numbers=[number])
    bob = member(org, "bob", numbers=[MessagingNumberFactory(organization=org)])
    client.force_login(bob.user)
    assert client.post(url("conversation_status", conversation),
                       {"status": "closed"}).status_code == 404


def test_the_viewer_sees_no_team_controls(viewer_client, conversation):
    html = page(viewer_client, conversation)
    assert "Internal note" not in html and 'name="assignee"' not in html
    assert "Close" not in html


# Assign


def test_assign_to_me(agent_client, agent, conversation):
    response = agent_client.post(url("assign_conversation", conversation), {"assignee": "me"},
                                 follow=True)
    assert fresh(conversation).assignee == agent.user
    assert "Assigned to you." in flash(response)
    assert "Assigned to you" in response.content.decode()


def test_assign_to_someone_who_sees_the_number(agent_client, org, conversation):
    alice = member(org, "alice").user
    agent_client.post(url("assign_conversation", conversation), {"assignee": alice.pk})
    assert fresh(conversation).assignee == alice
    assert "Assigned to alice" in page(agent_client, conversation)


def test_the_assignee_list_offers_only_who_may_have_it(admin_client_, org, number,
                                                       conversation, viewer):
    member(org, "alice", numbers=[number])
    member(org, "bob", numbers=[MessagingNumberFactory(organization=org)])
    html = page(admin_client_, conversation)
    assert ">alice</option>" in html
    assert ">bob</option>" not in html and f">{viewer.user.username}</option>" not in html


def test_assign_to_someone_who_cannot_see_the_number_is_refused(admin_client_, org, number,
                                                                conversation):
    member(org, "alice", numbers=[number])
    bob = member(org, "bob", numbers=[MessagingNumberFactory(organization=org)]).user
    response = admin_client_.post(url("assign_conversation", conversation),
                                 {"assignee": bob.pk}, follow=True)
    assert fresh(conversation).assignee is None
    assert any("bob cannot be assigned" in m for m in flash(response))


def test_assign_to_a_member_of_another_organization_is_refused(agent_client, outsider,
                                                               conversation):
    response = agent_client.post(url("assign_conversation", conversation),
                                 {"assignee": outsider.user.pk}, follow=True)
    assert fresh(conversation).assignee is None
    assert "There is no such member in this organization." in flash(response)


def test_unassign(agent_client, agent, conversation):
    agent_client.post(url("assign_conversation", conversation), {"assignee": "me"})
    agent_client.post(url("assign_conversation", conversation), {"assignee": ""})
    assert fresh(conversation).assignee is None
    assert "Unassigned" in page(agent_client, conversation)


@pytest.mark.parametrize("value", ["someone", "²", "1" * 30])
def test_an_assignee_that_is_no_id_is_refused(agent_client, conversation, value):
    response = agent_client.post(url("assign_conversation", conversation), {"assignee": value},
                                 follow=True)
    assert response.status_code == 200
    assert fresh(conversation).assignee is None
    assert flash(response)


# Labels


def test_labels_are_applied_and_shown_as_chips(agent_client, org, conversation):
    billing = LabelFactory(organization=org, name="billing", colour="red")
    LabelFactory(organization=org, name="urgent")
    agent_client.post(url("label_conversation", conversation), {"labels": [billing.pk]})
    html = page(agent_client, conversation)
    assert '<span class="label-chip label-red">billing</span>' in html
    assert f'value="{billing.pk}" checked' in html
    with scopes_disabled():
        assert [label.name for label in fresh(conversation).labels.all()] == ["billing"]


def test_unticking_every_label_removes_them(agent_client, org, conversation):
    billing = LabelFactory(organization=org)
    agent_client.post(url("label_conversation", conversation), {"labels": [billing.pk]})
    agent_client.post(url("label_conversation", conversation), {})
    with scopes_disabled():
        assert not fresh(conversation).labels.exists()


def test_another_organizations_label_is_refused(agent_client, org, other_org, conversation):
    mine = LabelFactory(organization=org)
    theirs = LabelFactory(organization=other_org)
    response = agent_client.post(url("label_conversation", conversation),
                                 {"labels": [mine.pk, theirs.pk]}, follow=True)
    assert flash(response) == ["One of these labels no longer exists: choose again."]
    with scopes_disabled():
        assert not fresh(conversation).labels.exists()


# Notes


def test_a_note_is_shown_as_an_internal_note(agent_client, agent, conversation):
    response = agent_client.post(url("add_note", conversation),
                                 {"note-text": "Called them, they will send the form."})
    with scopes_disabled():
        note = Note.objects.get()
    assert response.url == url("conversation", conversation) + f"#note-{note.pk}"
    html = page(agent_client, conversation)
    assert f'<li class="note" id="note-{note.pk}">' in html
    assert "Internal note, not sent" in html
    assert "Called them, they will send the form." in html
    assert (note.author, note.conversation_id) == (agent.user, conversation.pk)


def test_a_note_is_never_sent_to_the_provider(agent_client, sms, conversation, provider):
    agent_client.post(url("add_note", conversation), {"note-text": "Do not text this"})
    with scopes_disabled():
        assert Note.objects.count() == 1  # the control: the note was written
        assert not conversation.messages.exists()
    assert len(provider.calls) == 0


def test_a_mention_is_highlighted(agent_client, org, conversation):
    member(org, "alice")
    agent_client.post(url("add_note", conversation), {"note-text": "@alice can you call?"})
    assert '<mark class="mention">@alice</mark> can you call?' in page(agent_client, conversation)


def test_the_note_form_names_who_may_be_mentioned(admin_client_, org, number, conversation):
    member(org, "alice", numbers=[number])
    member(org, "bob", numbers=[MessagingNumberFactory(organization=org)])
    html = page(admin_client_, conversation)
    assert "@alice" in html and "@bob" not in html


def test_an_empty_note_is_refused_on_the_page(agent_client, conversation):
    response = agent_client.post(url("add_note", conversation), {"note-text": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    with scopes_disabled():
        assert not Note.objects.exists()


def test_a_note_too_long_comes_back_as_written(agent_client, conversation):
    text = "Long story. " * 200
    response = agent_client.post(url("add_note", conversation), {"note-text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 2000 characters" in html
    assert text.strip() in html  # nothing lost: the note is in the form again


def test_notes_are_between_the_messages_in_time_order(viewer_client, conversation):
    first = MessageFactory(conversation=conversation, sent_at=NOW - timedelta(minutes=10))
    note = NoteFactory(conversation=conversation, created_at=NOW - timedelta(minutes=5))
    last = MessageFactory(conversation=conversation, sent_at=NOW - timedelta(minutes=1),
                          direction=Direction.INBOUND, source=OTHER,
                          status=MessageStatus.RECEIVED)
    timeline = viewer_client.get(url("conversation", conversation)).context["timeline"]
    assert [(kind, item.pk) for kind, item in timeline] == [
        ("message", first.pk), ("note", note.pk), ("message", last.pk)]


def test_each_note_is_on_exactly_one_page(viewer_client, conversation, monkeypatch):
    monkeypatch.setattr("messaging.views.CONVERSATION_PAGE", 2)
    for minutes in (60, 50, 40, 30, 20):
        MessageFactory(conversation=conversation, sent_at=NOW - timedelta(minutes=minutes))
    notes = [NoteFactory(conversation=conversation, created_at=NOW - timedelta(minutes=m)).pk
             for m in (70, 45, 35, 25, 5)]
    seen, cursor = [], None
    while True:
        response = viewer_client.get(url("conversation", conversation),
                                     {"cursor": cursor} if cursor else {})
        seen += [item.pk for kind, item in response.context["timeline"] if kind == "note"]
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(notes)


def test_the_page_costs_the_same_queries_with_more_notes(agent_client, org, conversation,
                                                         django_assert_num_queries):
    alice = member(org, "alice").user
    MessageFactory(conversation=conversation)
    NoteFactory(conversation=conversation, mentions=[alice])
    with CaptureQueriesContext(connection) as one:
        page(agent_client, conversation)
    for _ in range(5):
        NoteFactory(conversation=conversation, mentions=[alice], author=alice)
    with django_assert_num_queries(len(one.captured_queries)):
        html = page(agent_client, conversation)
    assert html.count("Internal note, not sent") == 6


# The header


def test_the_header_shows_the_contacts_name(viewer_client, org, conversation):
    contact = ContactFactory(organization=org, name="Maria Lopez", numbers=[OTHER])
    html = page(viewer_client, conversation)
    assert "<h1>Maria Lopez</h1>" in html
    assert reverse("contact", args=[contact.pk]) in html
    assert "Save as contact" not in html


def test_an_unknown_number_offers_save_as_contact(agent_client, conversation):
    html = page(agent_client, conversation)
    assert "<h1>(805) 642-1415</h1>" in html
    assert "Save as contact" in html and reverse("contact_create") in html


def test_a_viewer_is_not_offered_save_as_contact(viewer_client, conversation):
    html = page(viewer_client, conversation)
    assert "(805) 642-1415" in html  # the control: the number is there
    assert "Save as contact" not in html


def test_the_header_shows_status_labels_and_assignee(agent_client, agent, org, conversation):
    billing = LabelFactory(organization=org, name="billing")
    with scopes_disabled():
        conversation.labels.set([billing])
        Conversation.objects.filter(pk=conversation.pk).update(assignee=agent.user)
    html = page(agent_client, conversation)
    assert '<span class="badge info">Open</span>' in html
    assert 'label-chip label-blue">billing' in html
    assert "Assigned to you" in html


def test_opening_an_unread_conversation_moves_its_change_marker(viewer_client, conversation,
                                                                clock):
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=2)
    clock.shift(timedelta(seconds=30))
    page(viewer_client, conversation)
    assert fresh(conversation).changed_at == NOW + timedelta(seconds=30)
    clock.shift(timedelta(seconds=30))
    page(viewer_client, conversation)  # read already: no change
    assert fresh(conversation).changed_at == NOW + timedelta(seconds=30)
