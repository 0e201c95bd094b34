"""messaging.team: close and reopen, assign, label, notes with @-mentions; each change
moves the conversation's change marker and is audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from accounts.models import AuditEntry, Role
from accounts.tenancy import organization_scope
from messaging import team
from messaging.models import Conversation, ConversationStatus, Note
from tests.clock import NOW
from tests.factories import MembershipFactory, UserFactory
from tests.messaging.factories import MessagingNumberFactory
from tests.messaging.team_factories import LabelFactory, NoteFactory, member


def fresh(conversation) -> Conversation:
    with scopes_disabled():
        return Conversation.objects.select_related("assignee").get(pk=conversation.pk)


def audits(action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


@pytest.fixture
def restricted(org, number):
    """`number` limited to alice: bob (an agent too) does not see its conversations."""
    alice = member(org, "alice", numbers=[number])
    bob = member(org, "bob")
    return alice.user, bob.user


def close(conversation, user=None):
    with organization_scope(conversation.organization):
        return team.close_conversation(conversation=conversation, user=user)


def test_closing_closes_the_conversation(conversation, agent):
    assert close(conversation, agent.user) is True
    assert fresh(conversation).status == ConversationStatus.CLOSED


def test_closing_is_audited_with_who_closed(conversation, agent):
    close(conversation, agent.user)
    [entry] = audits("conversation.closed")
    assert entry.actor == agent.user
    assert entry.target == f"conversation {conversation.pk}"


def test_closing_a_closed_conversation_changes_nothing(conversation, agent):
    close(conversation, agent.user)
    assert close(conversation, agent.user) is False
    assert len(audits("conversation.closed")) == 1


def test_reopening_opens_a_closed_conversation(conversation, agent):
    close(conversation, agent.user)
    with organization_scope(conversation.organization):
        assert team.reopen_conversation(conversation=conversation, user=agent.user)
    assert fresh(conversation).status == ConversationStatus.OPEN
    assert len(audits("conversation.reopened")) == 1


def test_an_unknown_status_is_refused(conversation, agent):
    with organization_scope(conversation.organization), pytest.raises(ValidationError) as error:
        team.set_status(conversation=conversation, status="snoozed", user=agent.user)
    assert "status" in error.value.message_dict
    assert fresh(conversation).status == ConversationStatus.OPEN


def assign(conversation, assignee, user=None):
    with organization_scope(conversation.organization):
        return team.assign(conversation=conversation, assignee=assignee, user=user)


def test_assigning_gives_the_conversation_to_the_member(conversation, agent):
    assert assign(conversation, agent.user, agent.user) is True
    assert fresh(conversation).assignee == agent.user
    [entry] = audits("conversation.assigned")
    assert entry.detail == {"assignee": agent.user.username}


def test_assigning_to_someone_who_cannot_use_the_number_is_refused(conversation, restricted):
    alice, bob = restricted
    assert assign(conversation, alice) is True  # the control: alice may use it
    with pytest.raises(ValidationError) as error:
        assign(conversation, bob)
    assert "cannot be assigned" in error.value.message_dict["assignee"][0]
    assert fresh(conversation).assignee == alice


def test_an_admin_may_be_assigned_a_number_they_are_not_listed_on(conversation, restricted,
                                                                   admin_member):
    assert assign(conversation, admin_member.user) is True


def test_a_viewer_cannot_be_assigned(conversation, viewer, agent):
    assert assign(conversation, agent.user) is True  # the control: an agent can
    with pytest.raises(ValidationError):
        assign(conversation, viewer.user)


def test_a_member_of_another_organization_cannot_be_assigned(conversation, outsider):
    with pytest.raises(ValidationError):
        assign(conversation, outsider.user)
    assert fresh(conversation).assignee is None


def test_unassigning_leaves_the_conversation_to_nobody(conversation, agent):
    assign(conversation, agent.user)
    assert assign(conversation, None, agent.user) is True
    assert fresh(conversation).assignee is None
    assert len(audits("conversation.unassigned")) == 1


def test_assigning_the_same_member_again_changes_nothing(conversation, agent):
    assign(conversation, agent.user)
    assert assign(conversation, agent.user) is False
    assert len(audits("conversation.assigned")) == 1


def set_labels(conversation, labels):
    with organization_scope(conversation.organization):
        return team.set_labels(conversation=conversation, labels=labels, user=None)


def conversation_labels(conversation) -> set[str]:
    with scopes_disabled():
        return {label.name for label in fresh(conversation).labels.all()}


def test_labels_replace_the_conversations_labels(org, conversation):
    billing, urgent, vip = (LabelFactory(organization=org, name=n)
                            for n in ("billing", "urgent", "vip"))
    set_labels(conversation, [billing, urgent])
    assert conversation_labels(conversation) == {"billing", "urgent"}
    set_labels(conversation, [vip])
    assert conversation_labels(conversation) == {"vip"}
    set_labels(conversation, [])
    assert conversation_labels(conversation) == set()


def test_the_same_labels_again_change_nothing(org, conversation):
    billing = LabelFactory(organization=org, name="billing")
    assert set_labels(conversation, [billing]) is True
    assert set_labels(conversation, [billing]) is False
    assert len(audits("conversation.labelled")) == 1


def test_another_organizations_label_is_refused(org, other_org, conversation):
    mine = LabelFactory(organization=org, name="billing")
    theirs = LabelFactory(organization=other_org, name="billing")
    with pytest.raises(ValidationError):
        set_labels(conversation, [mine, theirs])
    assert conversation_labels(conversation) == set()


def note(conversation, text, author=None):
    with organization_scope(conversation.organization):
        return team.add_note(conversation=conversation, author=author, text=text)


def mentioned(note_row) -> set[str]:
    with scopes_disabled():
        return {user.username for user in note_row.mentions.all()}


def test_a_note_mentions_members_who_see_the_conversation(org, conversation, agent):
    member(org, "alice")
    member(org, "carol", Role.VIEWER)
    written = note(conversation, "@alice and @carol: the form came back.", agent.user)
    assert mentioned(written) == {"alice", "carol"}


def test_a_mention_of_someone_who_does_not_see_the_conversation_is_only_text(
        conversation, restricted):
    written = note(conversation, "@alice @bob please look")
    assert mentioned(written) == {"alice"}


def test_a_mention_of_another_organizations_member_is_only_text(conversation, outsider):
    written = note(conversation, f"ask @{outsider.user.username}")
    assert outsider.user.username.startswith("owner-")  # the name as written is theirs
    assert mentioned(written) == set()


@pytest.mark.parametrize("text", ["thanks @alice.", "@ALICE can you call?", "(@alice)",
                                  "@alice, @alice!"])
def test_mentions_read_through_punctuation_and_letter_case(org, conversation, text):
    member(org, "alice")
    assert mentioned(note(conversation, text)) == {"alice"}


def test_an_email_address_is_no_mention(org, conversation):
    member(org, "example.com")
    assert mentioned(note(conversation, "write to billing@example.com")) == set()
    assert mentioned(note(conversation, "@example.com")) == {"example.com"}  # the control


def test_a_username_with_a_dot_is_mentioned_whole(org, conversation):
    member(org, "j.doe")
    member(org, "j")
    assert mentioned(note(conversation, "cc @j.doe")) == {"j.doe"}


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (team.NOTE_MAX_LENGTH + 1), "a\x00b"])
def test_a_note_without_text_or_too_long_is_refused(conversation, text):
    with pytest.raises(ValidationError) as error:
        note(conversation, text)
    assert "text" in error.value.message_dict
    with scopes_disabled():
        assert not Note.objects.exists()


def test_a_note_is_kept_trimmed(conversation):
    assert note(conversation, "  Called back.\n").text == "Called back."


def test_a_note_is_audited_without_its_text(org, conversation, agent):
    member(org, "alice")
    note(conversation, "@alice the card number is 4111", agent.user)
    [entry] = audits("note.added")
    assert entry.detail["mentions"] == ["alice"]
    assert "4111" not in str(entry.detail) + entry.target


def test_the_html_of_a_note_marks_resolved_mentions_and_escapes_the_rest(org, conversation):
    member(org, "alice")
    written = NoteFactory(conversation=conversation, text="<b>@alice</b> and @nobody.\nok",
                          mentions=[])
    with scopes_disabled():
        written.mentions.set([UserFactory(username="alice2")])  # not named in the text
    assert "<mark" not in team.note_html(written)  # the control: only resolved names
    resolved = note(conversation, "<b>@alice</b> and @nobody.\nok")
    with scopes_disabled():
        html = team.note_html(resolved)
    assert html == ('&lt;b&gt;<mark class="mention">@alice</mark>&lt;/b&gt; and @nobody.'
                    '<br>ok')


def test_a_mention_at_the_end_of_a_sentence_is_marked_without_the_full_stop(org, conversation):
    member(org, "alice")
    with scopes_disabled():
        html = team.note_html(note(conversation, "thanks @alice."))
    assert html == 'thanks <mark class="mention">@alice</mark>.'


def test_members_who_see_a_number_limited_to_some(org, number, conversation, restricted,
                                                  admin_member, owner):
    other = MessagingNumberFactory(organization=org)
    with organization_scope(org):
        names = {m.user.username for m in team.members_who_see(conversation)}
        unlimited = {m.user.username
                     for m in team.members_who_see(type(conversation)(own_number=other))}
    assert names == {"alice", admin_member.user.username, owner.user.username}
    assert unlimited >= {"alice", "bob"}


CHANGES = {
    "close": lambda c, org: close(c),
    "assign": lambda c, org: assign(c, MembershipFactory(organization=org).user),
    "label": lambda c, org: set_labels(c, [LabelFactory(organization=org)]),
    "note": lambda c, org: note(c, "called back"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_moves_the_change_marker(org, conversation, clock, change):
    assert fresh(conversation).changed_at == NOW
    clock.shift(timedelta(seconds=30))
    CHANGES[change](conversation, org)
    assert fresh(conversation).changed_at == NOW + timedelta(seconds=30)


def test_reopening_and_unassigning_move_the_change_marker(org, conversation, agent, clock):
    close(conversation)
    assign(conversation, agent.user)
    clock.shift(timedelta(seconds=30))
    with organization_scope(org):
        team.reopen_conversation(conversation=conversation, user=None)
    assert fresh(conversation).changed_at == NOW + timedelta(seconds=30)
    clock.shift(timedelta(seconds=30))
    assign(conversation, None)
    assert fresh(conversation).changed_at == NOW + timedelta(seconds=60)


@pytest.mark.parametrize("change", ["rename", "delete"])
def test_renaming_or_deleting_a_label_moves_its_conversations_markers(org, conversation, clock,
                                                                      change):
    label = LabelFactory(organization=org, name="billing")
    set_labels(conversation, [label])
    clock.shift(timedelta(seconds=30))
    with organization_scope(org):
        if change == "rename":
            team.update_label(label=label, name="invoices", colour=label.colour, user=None)
        else:
            team.delete_label(label=label, user=None)
    assert fresh(conversation).changed_at == NOW + timedelta(seconds=30)
