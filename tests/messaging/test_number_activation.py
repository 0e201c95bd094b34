"""A number is this organization's once the provider accepted its webhook (updateNumber) with
this organization's own credentials: until then it is inactive and receives nothing. Numbers
are unique per organization; at most one organization has a number active, and nothing any
organization is told reveals another's numbers."""

import json
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.ingest import IncomingMessage, record_messages
from messaging.models import MessagingNumber, WebhookEvent
from messaging.services import NOT_ACTIVATED, add_number, register_webhook
from tests.clock import NOW
from tests.messaging.factories import MessagingNumberFactory, SmsConnectionFactory
from tests.messaging.provider import OTHER, OWN, answer, error, new_sms, sent

OK = {"RESULT": "OK"}


@pytest.fixture
def theirs(other_org):
    """OWN, active in another organization."""
    return MessagingNumberFactory(organization=other_org, number=OWN)


def reloaded(number) -> MessagingNumber:
    with scopes_disabled():
        return MessagingNumber.objects.get(pk=number.pk)


def events() -> list[WebhookEvent]:
    with scopes_disabled():
        return list(WebhookEvent.objects.all())


# --- Adding and activating -------------------------------------------------------------

def test_number_is_active_once_the_provider_accepts_its_webhook(org, sms, provider):
    answer(provider, "updateNumber", OK)
    assert add_number(organization=org, number=OWN).activated_at == NOW


def test_webhook_is_registered_with_the_organizations_own_credentials(org, sms, provider,
                                                                       other_org):
    SmsConnectionFactory(organization=other_org)
    answer(provider, "updateNumber", OK)
    add_number(organization=org, number=OWN)
    assert sent(provider, "updateNumber")[0]["apiKey"] == sms.api_key


def test_number_the_provider_refuses_is_kept_inactive(org, sms, provider):
    answer(provider, "updateNumber", error("NOT FOUND"))
    number = add_number(organization=org, number=OWN)
    assert (reloaded(number).activated_at, reloaded(number).registered_at) == (None, None)


def test_number_without_an_sms_connection_is_inactive(org, provider):
    assert add_number(organization=org, number=OWN).activated_at is None


def test_registering_again_activates_it_once_the_provider_accepts(org, sms, provider):
    answer(provider, "updateNumber", error("NOT FOUND"))
    number = add_number(organization=org, number=OWN)
    provider.replace("POST", "https://sms.axion.example/api", json=OK)
    assert register_webhook(number=number)
    assert reloaded(number).activated_at == NOW


def test_number_of_another_organization_can_be_added_without_a_word_about_it(
        org, sms, provider, theirs):
    answer(provider, "updateNumber", error("NOT FOUND"))
    number = add_number(organization=org, number=OWN)
    assert reloaded(number).activated_at is None
    assert reloaded(theirs).activated_at is not None


def test_second_organization_the_provider_accepts_too_is_refused_neutrally(
        org, sms, provider, theirs):
    answer(provider, "updateNumber", OK)
    number = add_number(organization=org, number=OWN)
    assert (reloaded(number).activated_at, reloaded(number).registration_error) == (
        None, NOT_ACTIVATED)
    assert reloaded(theirs).activated_at is not None


def test_neutral_refusal_names_no_other_organization(theirs):
    assert theirs.organization.name not in NOT_ACTIVATED
    assert "organization" not in NOT_ACTIVATED.replace("this organization", "")
    assert "already" not in NOT_ACTIVATED


def test_number_added_twice_to_one_organization_is_refused(org, sms, provider, number):
    with pytest.raises(ValidationError, match="already one of this organization's numbers"):
        add_number(organization=org, number=OWN)


# --- Webhooks of an inactive number ------------------------------------------------------

def test_webhook_of_an_inactive_number_is_404_and_stores_nothing(client, org, kicks):
    inactive = MessagingNumberFactory(organization=org, number=OWN, activated_at=None)
    response = client.post(inactive.webhook_path, json.dumps(new_sms()),
                           content_type="application/json")
    assert response.status_code == 404
    assert events() == [] and kicks == []


def test_oversized_webhook_of_an_inactive_number_is_404(client, org):
    inactive = MessagingNumberFactory(organization=org, number=OWN, activated_at=None)
    response = client.post(inactive.webhook_path, b"x" * 1_000_001,
                           content_type="application/json")
    assert response.status_code == 404


def test_webhook_of_the_active_claim_is_stored(client, org, theirs, kicks):
    MessagingNumberFactory(organization=org, number=OWN, activated_at=None)
    response = client.post(theirs.webhook_path, json.dumps(new_sms()),
                           content_type="application/json")
    assert response.status_code == 200
    assert [e.organization_id for e in events()] == [theirs.organization_id]


# --- Sync --------------------------------------------------------------------------------

def test_sync_adds_a_number_another_organization_only_claims(org, other_org):
    MessagingNumberFactory(organization=other_org, number=OWN, activated_at=None)
    record_messages(organization=org, add_unknown_numbers=True, incoming=[IncomingMessage(
        uuid="in-1", own_number=OWN, source=OTHER, destinations=[OWN], text="Hi",
        status="RECEIVED", sent_at=NOW)])
    with scopes_disabled():
        assert MessagingNumber.objects.filter(organization=org, number=OWN).exists()


# --- Numbers page ------------------------------------------------------------------------

def test_numbers_page_refusal_says_nothing_of_other_organizations(admin_client_, sms,
                                                                 provider, theirs):
    answer(provider, "updateNumber", OK)
    response = admin_client_.post(reverse("numbers"), {"number": OWN, "label": ""},
                                  follow=True)
    html = response.content.decode()
    assert NOT_ACTIVATED in html
    assert theirs.organization.name not in html and "already" not in html


def test_numbers_page_says_an_inactive_number_receives_nothing(admin_client_, org):
    MessagingNumberFactory(organization=org, number=OWN, activated_at=None)
    html = admin_client_.get(reverse("numbers")).content.decode()
    assert "Not active" in html and "receives nothing" in html


# --- Migration ---------------------------------------------------------------------------

def test_numbers_registered_before_the_migration_stay_active(org, other_org):
    migration = import_module(
        "messaging.migrations.0008_number_unique_per_organization_active_once_accepted")
    registered = MessagingNumberFactory(organization=org, activated_at=None,
                                        registered_at=NOW)
    never = MessagingNumberFactory(organization=other_org, activated_at=None)
    with scopes_disabled():  # migrations see models without their scoped managers
        migration.activate_registered_numbers(apps, None)
    assert (reloaded(registered).activated_at, reloaded(never).activated_at) == (NOW, None)
