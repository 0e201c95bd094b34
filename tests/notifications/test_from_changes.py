"""Notifications made where the changes happen, through the apps' own services and the
events they emit (not events written by hand): an inbound message, a note, a failed send,
a failed fax, a connection that starts failing."""

from datetime import UTC, datetime, timedelta

from django_scopes import scopes_disabled

from accounts import services as account_services
from accounts.tenancy import organization_scope
from axion.errors import WrongCredentials
from axion.fax import FaxRecord
from faxes.services import upsert_faxes
from messaging import team
from messaging.ingest import IncomingMessage, apply_status, record_messages
from messaging.models import MessageStatus
from notifications.models import Kind, Notification
from tests.factories import ConnectionFactory
from tests.messaging.factories import ConversationFactory, MessageFactory
from tests.messaging.provider import OTHER, OWN

SENT_AT = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)  # an hour before the clock's NOW


def told() -> set[tuple[str, str]]:
    with scopes_disabled():
        return set(Notification.objects.values_list("user__username", "kind"))


def test_inbound_message_tells_the_agents(org, number, agent, viewer, clock):
    record_messages(organization=org, incoming=[IncomingMessage(
        uuid="in-0001", own_number=OWN, source=OTHER, destinations=[OWN],
        text="Is parking available?", status=MessageStatus.RECEIVED, sent_at=SENT_AT)])
    assert told() == {(agent.user.username, Kind.NEW_MESSAGE)}
    with scopes_disabled():
        assert Notification.objects.get().body == "Is parking available?"


def test_history_of_a_first_sync_tells_nobody(org, number, agent, clock):
    record_messages(organization=org, incoming=[IncomingMessage(
        uuid="in-0002", own_number=OWN, source=OTHER, destinations=[OWN], text="Old news",
        status=MessageStatus.RECEIVED, sent_at=SENT_AT - timedelta(days=2))])
    assert told() == set()


def test_outbound_message_seen_by_the_sync_tells_nobody(org, number, agent, clock):
    record_messages(organization=org, incoming=[IncomingMessage(
        uuid="out-0001", own_number=OWN, source=OWN, destinations=[OTHER], text="On my way",
        status=MessageStatus.QUEUED, sent_at=SENT_AT)])
    assert told() == set()


def test_note_tells_whom_it_mentions(org, number, agent, owner):
    conversation = ConversationFactory(own_number=number, participants=OTHER)
    with organization_scope(org):
        team.add_note(conversation=conversation, author=agent.user,
                      text=f"@{owner.user.username} please call them back")
    assert told() == {(owner.user.username, Kind.MENTION)}


def test_failed_send_tells_its_sender(org, number, agent, owner):
    message = MessageFactory(conversation=ConversationFactory(own_number=number),
                             sender_user=agent.user)
    with organization_scope(org):
        apply_status(message=message, status=MessageStatus.FAILED, reason="Invalid number")
    assert told() == {(agent.user.username, Kind.SEND_FAILED)}


def test_failed_fax_tells_agents_and_above(org, agent, viewer, clock):
    upsert_faxes(organization=org, records=[FaxRecord(
        customer_field="INV-1001", source_number="+18059731214",
        destination_number="+18058522606", time=SENT_AT, pages=2, status="FAILED",
        try_count=3, raw={})])
    assert told() == {(agent.user.username, Kind.FAX_FAILED)}


def test_connection_starting_to_fail_tells_the_admins(org, admin_member, agent):
    ConnectionFactory(organization=org, kind="fax")
    account_services.note_provider_failure(organization=org, kind="fax",
                                           error=WrongCredentials("WRONG CREDENTIALS"))
    assert told() == {(admin_member.user.username, Kind.CONNECTION_FAILING)}
