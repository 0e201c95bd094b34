"""add_number, register_webhook, rotate_webhook_secret: a number's webhook URL and its secret."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from messaging.models import WebhookEvent, secret_digest
from messaging.services import add_number, register_webhook, rotate_webhook_secret
from tests.clock import NOW
from tests.messaging.provider import answer, error, new_sms, sent

OK = {"RESULT": "OK"}


def test_number_is_stored_in_e164(org, sms, provider):
    answer(provider, "updateNumber", OK)
    assert add_number(organization=org, number="(805) 642-1414").number == "+18056421414"


def test_new_number_registers_its_webhook_url(org, sms, provider, settings):
    answer(provider, "updateNumber", OK)
    number = add_number(organization=org, number="8056421414")
    [call] = sent(provider, "updateNumber")
    assert call["number"] == "+18056421414"
    assert call["callbackUrl"] == f"https://portal.example.test/hooks/sms/{number.webhook_secret}/"
    number.refresh_from_db()
    assert (number.registered_at, number.registration_error) == (NOW, "")


def test_webhook_secret_is_long_random_and_differs_per_number(org, sms, provider):
    answer(provider, "updateNumber", OK)
    one = add_number(organization=org, number="8056421414")
    two = add_number(organization=org, number="8056421415")
    assert len(one.webhook_secret) >= 40
    assert one.webhook_secret != two.webhook_secret


def test_secret_is_stored_encrypted_and_as_its_digest(org, sms, provider):
    answer(provider, "updateNumber", OK)
    number = add_number(organization=org, number="8056421414")
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_secret, webhook_secret_digest FROM "
                       "messaging_messagingnumber WHERE id = %s", [number.pk])
        raw = cursor.fetchone()
    assert number.webhook_secret not in raw[0]
    assert raw[1] == secret_digest(number.webhook_secret)


def test_number_that_is_not_us_is_refused(org, sms, provider):
    with pytest.raises(ValidationError, match="US numbers"):
        add_number(organization=org, number="+44 20 7946 0958")
    assert len(provider.calls) == 0


def test_number_is_kept_when_registration_fails(org, sms, provider):
    answer(provider, "updateNumber", error("MISSING PARAMETERS"))
    number = add_number(organization=org, number="8056421414")
    number.refresh_from_db()
    assert number.registered_at is None
    assert "Axion answered with an error" in number.registration_error


def test_number_without_sms_connection_says_what_to_do(org, provider):
    number = add_number(organization=org, number="8056421414")
    number.refresh_from_db()
    assert "No SMS connection yet" in number.registration_error
    assert len(provider.calls) == 0


def test_adding_a_number_is_audited_without_its_secret(org, sms, provider, owner):
    answer(provider, "updateNumber", OK)
    number = add_number(organization=org, number="8056421414", actor=owner.user, ip="192.0.2.7")
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="number.added")
    assert (entry.target, entry.actor_id, entry.ip_address) == (
        "+18056421414", owner.user.pk, "192.0.2.7")
    assert number.webhook_secret not in json.dumps(entry.detail)


def test_registering_again_after_a_failure_clears_the_error(number, sms, provider):
    answer(provider, "updateNumber", error("MISSING PARAMETERS"))
    register_webhook(number=number)
    provider.replace("POST", "https://sms.axion.example/api", json=OK)
    assert register_webhook(number=number)
    number.refresh_from_db()
    assert (number.registered_at, number.registration_error) == (NOW, "")


def test_rotation_stops_the_old_url_at_once(client, number, sms, provider):
    answer(provider, "updateNumber", OK)
    old_path = number.webhook_path
    rotate_webhook_secret(number=number)
    response = client.post(old_path, json.dumps(new_sms()), content_type="application/json")
    assert response.status_code == 404
    with scopes_disabled():
        assert not WebhookEvent.objects.exists()


def test_rotation_registers_the_new_url_which_works(client, number, sms, provider, kicks):
    answer(provider, "updateNumber", OK)
    rotate_webhook_secret(number=number)
    assert sent(provider, "updateNumber")[0]["callbackUrl"].endswith(number.webhook_path)
    number.refresh_from_db()
    response = client.post(number.webhook_path, json.dumps(new_sms()),
                           content_type="application/json")
    assert response.status_code == 200


def test_rotation_is_audited(number, sms, provider, owner):
    answer(provider, "updateNumber", OK)
    rotate_webhook_secret(number=number, actor=owner.user)
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="number.secret_rotated",
                                         target=number.number).exists()
