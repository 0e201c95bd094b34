"""Campaigns with placeholders or a template: filled per recipient, and recipients whose
values are missing left out (in the preview, and skipped when sent)."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from campaigns import services
from campaigns.audience import from_csv, from_pasted
from campaigns.models import RecipientStatus, SkipReason
from message_templates.models import MessageTemplate
from messaging.models import Message
from tests.campaigns.conftest import NUMBERS, recipients
from tests.messaging.contact_factories import ContactFactory
from tests.messaging.provider import OWN


@pytest.fixture(autouse=True)
def worker_down(queued):
    return queued


def create(org, agent, audience, *, text="", template=None):
    return services.create_campaign(
        organization=org, user=agent.user, name="Hello", own_number=OWN, text=text,
        template=template, audience=audience, source="pasted", rate_per_minute=600)


def test_placeholders_are_filled_per_recipient_and_missing_ones_skipped(
        org, agent, number, sms, sends, run):
    ContactFactory(organization=org, name="Ada Lovelace", numbers=[NUMBERS[0]])
    campaign = create(org, agent, from_pasted("\n".join(NUMBERS[:2])),
                      text="Hi {first_name}, flu shots are in.")
    preview = services.preview(campaign=campaign)
    assert (preview.will_get, preview.missing_values) == (1, 1)
    services.start_campaign(campaign=campaign, actor=agent.user)
    run(campaign)
    assert sends == [NUMBERS[0]]
    with scopes_disabled():
        assert Message.objects.get().text == "Hi Ada, flu shots are in."
    skipped = recipients(campaign)[1]
    assert (skipped.status, skipped.skip_reason) == (RecipientStatus.SKIPPED,
                                                     SkipReason.MISSING_VALUES)
    assert "{first_name}" in skipped.detail


def test_name_from_the_csv_fills_the_name_placeholders(org, agent, number, sms, sends, run):
    audience = from_csv(f"number,name\n{NUMBERS[0]},Grace Hopper\n".encode())
    campaign = create(org, agent, audience, text="Hello {first_name}!")
    services.start_campaign(campaign=campaign, actor=agent.user)
    run(campaign)
    with scopes_disabled():
        assert Message.objects.get().text == "Hello Grace!"


def test_campaign_from_a_template_copies_its_text(org, agent, number, sms):
    with scopes_disabled():
        template = MessageTemplate.objects.create(organization=org, name="Flu",
                                                  text="Flu shots are in, {my_name} here.")
    campaign = create(org, agent, from_pasted(NUMBERS[0]), template=template)
    assert (campaign.text, campaign.template_id) == (template.text, template.pk)


def test_unknown_placeholder_is_refused_on_the_text(org, agent, number, sms):
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        create(org, agent, from_pasted(NUMBERS[0]), text="Hi {nickname}")


def test_preview_counts_segments_of_each_filled_text(org, agent, number, sms):
    ContactFactory(organization=org, name="A" * 150, numbers=[NUMBERS[0]])
    ContactFactory(organization=org, name="Bo", numbers=[NUMBERS[1]])
    campaign = create(org, agent, from_pasted("\n".join(NUMBERS[:2])),
                      text="Dear {name}, flu shots are in.")
    preview = services.preview(campaign=campaign)
    assert (preview.segments_per_message, preview.total_segments) == (2, 3)


def test_preview_counts_every_invalid_line_not_only_those_kept(make_campaign):
    campaign = make_campaign(["+13105550142"] + [f"bad line {n}" for n in range(600)])
    assert services.preview(campaign=campaign).invalid_count == 600
