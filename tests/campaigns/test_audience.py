"""campaigns/audience.py: pasted lists, CSV files and labels become numbers, without
repeats, with the lines left out and why."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from accounts.tenancy import organization_scope
from campaigns.audience import from_csv, from_label, from_pasted
from tests.factories import UserFactory
from tests.messaging.factories import ConversationFactory, MessagingNumberFactory
from tests.messaging.team_factories import LabelFactory


def test_pasted_numbers_one_per_line_or_comma_separated():
    audience = from_pasted("(310) 555-0142\n213.555.0100, +1 805 642 1415;\n\n")
    assert [n for n, _ in audience.recipients] == ["+13105550142", "+12135550100",
                                                   "+18056421415"]


def test_pasted_repeats_are_removed_and_counted():
    audience = from_pasted("3105550142\n+13105550142\n(310) 555-0142")
    assert (len(audience.recipients), audience.duplicates) == (1, 2)


def test_pasted_bad_lines_are_kept_with_the_reason():
    audience = from_pasted("3105550142\nhello\n+44 20 7946 0958")
    assert [bad["line"] for bad in audience.invalid] == ["hello", "+44 20 7946 0958"]
    assert "Only US numbers" in audience.invalid[1]["reason"]


def test_csv_with_number_and_name_columns():
    audience = from_csv(b"\xef\xbb\xbfName,Phone\nAda Lovelace,3105550142\nBob,bad\n")
    assert audience.recipients == [("+13105550142", "Ada Lovelace")]
    assert audience.invalid[0]["line"] == "bad"


def test_csv_separated_by_semicolons():
    audience = from_csv(b"number;name\n3105550142;Ada\n2135550100;Bob\n")
    assert [n for n, _ in audience.recipients] == ["+13105550142", "+12135550100"]


def test_csv_without_a_number_column_is_refused():
    with pytest.raises(ValidationError, match="number"):
        from_csv(b"who,where\nAda,home\n")


def test_csv_that_is_not_utf8_is_refused():
    with pytest.raises(ValidationError, match="UTF-8"):
        from_csv("number\n3105550142\nJosé".encode("utf-16"))


def test_label_gives_the_other_party_of_one_to_one_conversations(org, number):
    label = LabelFactory(organization=org, name="Flu shots")
    other = LabelFactory(organization=org, name="Billing")
    for participants, labels in (("+13105550142", [label]), ("+12135550100", [other]),
                                 ("+13105550142,+12135550100", [label]),
                                 ("+18056421415", [label])):
        conversation = ConversationFactory(own_number=number, participants=participants)
        with scopes_disabled():
            conversation.labels.set(labels)
    with organization_scope(org):
        audience = from_label(label, None)
    assert [n for n, _ in audience.recipients] == ["+13105550142", "+18056421415"]


def test_label_leaves_out_conversations_of_numbers_the_member_may_not_see(org, number, agent):
    """Labels are the organization's, numbers are not: a member building a campaign from
    a label gets only the customers of numbers they are allowed on."""
    label = LabelFactory(organization=org, name="VIP")
    kept_for_alice = MessagingNumberFactory(organization=org, number="+18056421499")
    with scopes_disabled():
        kept_for_alice.allowed_users.set([UserFactory()])
    for own, participant in ((number, "+13105550142"), (kept_for_alice, "+12135550100")):
        conversation = ConversationFactory(own_number=own, participants=participant)
        with scopes_disabled():
            conversation.labels.set([label])
    with organization_scope(org):
        theirs = from_label(label, agent)
        everyone = from_label(label, None)
    assert [n for n, _ in theirs.recipients] == ["+13105550142"]
    assert [n for n, _ in everyone.recipients] == ["+13105550142", "+12135550100"]


def test_csv_with_a_field_beyond_the_csv_limit_is_refused_not_a_crash():
    with pytest.raises(ValidationError, match="cannot be read as CSV"):
        from_csv(b"number,name\n2025550123," + b"x" * 200_000 + b"\n")


def test_csv_nul_characters_are_left_out():
    audience = from_csv(b"number,name\n310555\x000142,Ana\x00\n")
    assert audience.recipients == [("+13105550142", "Ana")]
