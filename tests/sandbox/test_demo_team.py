"""After its first sync, seed_demo leaves on some conversations what a team would: labels,
an assignee, a closed status and internal notes (some mentioning a member)."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from messaging.models import Conversation, ConversationStatus, Note


@pytest.fixture
def synced(live_server, settings):
    settings.PORTAL_BASE_URL = live_server.url  # the first sync runs through it
    call_command("seed_demo")


def conversations() -> list[Conversation]:
    with scopes_disabled():
        return list(Conversation.objects.select_related("assignee")
                    .prefetch_related("labels", "notes"))


def test_some_conversations_have_labels(synced):
    labelled = {c.participants: {label.name for label in c.labels.all()}
                for c in conversations() if c.labels.all()}
    assert len(labelled) >= 3
    assert labelled["+13235550187"] == {"Billing", "Follow-up"}


def test_some_conversations_are_assigned_to_demo_members(synced):
    assignees = {c.assignee.username for c in conversations() if c.assignee}
    assert assignees == {"demo", "agent"}


def test_some_conversations_are_closed_and_most_open(synced):
    statuses = [c.status for c in conversations()]
    assert 0 < statuses.count(ConversationStatus.CLOSED) < statuses.count(ConversationStatus.OPEN)


def test_internal_notes_follow_the_last_message_and_mention_members(synced):
    with scopes_disabled():
        notes = list(Note.objects.select_related("conversation", "author")
                     .prefetch_related("mentions"))
    assert len(notes) >= 3
    assert all(n.created_at >= n.conversation.last_message_at for n in notes)
    mentioned = {user.username for n in notes for user in n.mentions.all()}
    assert mentioned == {"agent", "demo"}
    assert all(n.author is not None for n in notes)


def test_running_again_changes_no_conversation(synced):
    def state():
        return sorted((c.participants, c.status, c.assignee_id,
                       sorted(label.pk for label in c.labels.all()), len(c.notes.all()))
                      for c in conversations())

    before = state()
    call_command("seed_demo")
    assert state() == before


def test_a_conversation_a_member_reopened_stays_open(synced):
    with scopes_disabled():
        Conversation.objects.filter(participants="+15105550111").update(
            status=ConversationStatus.OPEN)
    call_command("seed_demo")
    with scopes_disabled():
        assert Conversation.objects.get(participants="+15105550111").status == "open"
