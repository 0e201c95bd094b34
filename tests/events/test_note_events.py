"""conversation.note_added, with the ids of the members it mentions."""

from accounts.tenancy import organization_scope
from messaging import team
from tests.events.helpers import emitted
from tests.messaging.factories import ConversationFactory
from tests.messaging.provider import OTHER
from tests.messaging.team_factories import member


def test_a_note_is_an_event_with_its_mentions(org, number, agent, clock):
    conversation = ConversationFactory(own_number=number, participants=OTHER)
    alice = member(org, "alice")
    with organization_scope(org):
        note = team.add_note(conversation=conversation, author=agent.user,
                             text="@alice please call back")
    [event] = emitted()
    assert (event.type, event.subject) == ("conversation.note_added",
                                           f"conversation:{conversation.pk}")
    assert event.payload == {
        "conversation": {"id": conversation.pk, "participants": [OTHER]},
        "note": {"id": note.pk, "text": "@alice please call back",
                 "author": {"id": agent.user.pk, "username": agent.user.username},
                 "created_at": "2024-03-01T12:00:00Z", "mentions": [alice.user.pk]}}
