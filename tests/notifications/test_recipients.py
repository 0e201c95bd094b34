"""Who each event tells (notifications/receivers.py): exactly the right members, never the
one who caused it, in the transaction of the change."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from events.models import Event, EventType
from notifications.models import Kind, Notification
from notifications.receivers import notify
from tests.faxes.factories import FaxFactory
from tests.messaging.factories import ConversationFactory, MessageFactory
from tests.messaging.team_factories import member
from tests.notifications.factories import (
    emit_connection_failing,
    emit_fax_failed,
    emit_message_received,
    emit_note_added,
    emit_status_changed,
)


def told(kind=None) -> dict[str, list[str]]:
    """{username: [titles]} of every notification (of `kind`)."""
    with scopes_disabled():
        rows = Notification.objects.select_related("user").order_by("id")
        if kind:
            rows = rows.filter(kind=kind)
        result = {}
        for row in rows:
            result.setdefault(row.user.username, []).append(row.title)
        return result


@pytest.fixture
def team(owner, admin_member, agent, viewer):
    return {"owner": owner, "admin": admin_member, "agent": agent, "viewer": viewer}


def test_message_on_an_open_number_tells_every_agent_and_above(team, number):
    emit_message_received(ConversationFactory(own_number=number, participants="+13235550187"))
    assert set(told()) == {"owner-harbor", "admin-harbor", "agent-harbor"}
    assert told()["agent-harbor"] == ["New message from (323) 555-0187"]


def test_message_on_a_number_with_allowed_users_tells_only_them(team, org, number):
    allowed = member(org, "front-desk", numbers=[number])
    emit_message_received(ConversationFactory(own_number=number))
    # Owners and admins see every number, but are told only of the numbers they use.
    assert set(told()) == {allowed.user.username}


def test_an_assignee_no_longer_allowed_on_the_number_is_not_told(team, org, number):
    assignee = member(org, "nurse")
    member(org, "front-desk", numbers=[number])  # the number is now the front desk's alone
    emit_message_received(ConversationFactory(own_number=number, assignee=assignee.user))
    assert told() == {}


def test_message_in_an_assigned_conversation_tells_only_the_assignee(team, org, number):
    assignee = member(org, "nurse")
    emit_message_received(ConversationFactory(own_number=number, assignee=assignee.user))
    assert set(told()) == {"nurse"}


def test_message_names_the_contact_and_shows_the_text(team, number):
    emit_message_received(ConversationFactory(own_number=number), text="Running late",
                          contact={"id": 4, "name": "Dr. Patel"})
    with scopes_disabled():
        row = Notification.objects.get(user=team["agent"].user)
    assert (row.kind, row.title, row.about, row.body) == (
        Kind.NEW_MESSAGE, "New message from Dr. Patel", "Dr. Patel", "Running late")
    assert row.url == f"/messaging/conversations/{row.subject.split(':')[1]}/"


def test_message_from_a_backfill_of_history_tells_nobody(team, number):
    emit_message_received(ConversationFactory(own_number=number),
                          sent_at=timezone.now() - timedelta(hours=7))
    assert told() == {}


def test_viewer_is_told_nothing(viewer, number):
    emit_message_received(ConversationFactory(own_number=number))
    assert told() == {}


def test_mention_tells_the_mentioned_member(team, number):
    conversation = ConversationFactory(own_number=number, participants="+13235550187")
    emit_note_added(conversation, author=team["agent"].user, mentions=[team["owner"].user])
    assert told() == {"owner-harbor": [
        "agent-harbor mentioned you in a note on (323) 555-0187"]}


def test_own_note_mentioning_oneself_tells_nobody(team, number):
    conversation = ConversationFactory(own_number=number)
    emit_note_added(conversation, author=team["agent"].user, mentions=[team["agent"].user])
    assert told() == {}


def test_failed_send_tells_its_sender_only(team, number):
    message = MessageFactory(conversation=ConversationFactory(
        own_number=number, participants="+13235550187"), sender_user=team["agent"].user)
    emit_status_changed(message, status="FAILED")
    assert told() == {"agent-harbor": ["Your message to (323) 555-0187 failed"]}


def test_send_that_did_not_fail_tells_nobody(team, number):
    message = MessageFactory(conversation=ConversationFactory(own_number=number),
                             sender_user=team["agent"].user)
    emit_status_changed(message, status="SENT")
    assert told() == {}


def test_failed_send_of_an_api_key_tells_nobody(team, number):
    emit_status_changed(MessageFactory(conversation=ConversationFactory(own_number=number)))
    assert told() == {}


def test_fax_failed_events_themselves_tell_nobody(team, org):
    """A failure is told by the organization's "failed" alert rule (fax_alerts), once
    per fax: the event alone makes no notification, so nobody is told twice."""
    emit_fax_failed(FaxFactory(organization=org, destination_number="+18058522606",
                               customer_field="INV-1001"))
    assert told() == {}


def test_failing_connection_tells_owners_and_admins_only(team, org):
    emit_connection_failing(org, "sms")
    assert told() == {"owner-harbor": ["The SMS connection to Axion is failing"],
                      "admin-harbor": ["The SMS connection to Axion is failing"]}


def test_other_organizations_members_are_never_told(team, outsider, number):
    emit_message_received(ConversationFactory(own_number=number))
    emit_connection_failing(number.organization)
    assert outsider.user.username not in told()


def test_change_rolled_back_leaves_no_notification(team, number):
    conversation = ConversationFactory(own_number=number)
    with pytest.raises(RuntimeError), transaction.atomic():
        emit_message_received(conversation)
        raise RuntimeError("the change failed after its event")
    assert told() == {}


def test_a_batch_costs_as_many_queries_as_one_event(team, org, number):
    conversation = ConversationFactory(own_number=number)
    payload = {"message": {"uuid": "x", "conversation": conversation.pk, "from": "+13235550187",
                           "text": "hi", "media_count": 0}, "contact": None}

    def queries_to_notify(how_many: int) -> int:
        events = [Event(organization=org, type=EventType.MESSAGE_RECEIVED, payload=payload,
                        subject=f"conversation:{conversation.pk}") for _ in range(how_many)]
        with CaptureQueriesContext(connection) as queries:
            notify(organization=org, events=events)
        return len(queries)

    # a savepoint, the members, the conversation, its number's allowed users, one INSERT
    assert queries_to_notify(1) == queries_to_notify(20) == 6
    assert len(told()["agent-harbor"]) == 21


def test_members_role_decides_kinds():
    assert Kind.for_role(Role.VIEWER) == []
    assert Kind.CONNECTION_FAILING not in Kind.for_role(Role.AGENT)
    assert Kind.CONNECTION_FAILING in Kind.for_role(Role.ADMIN)
