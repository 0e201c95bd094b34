"""Password resets are limited per client address and per e-mail address; past a limit the
same neutral page answers and nothing is sent, so the answer never tells whether an account
uses the address."""

import pytest
from django.core import mail

from tests.factories import UserFactory

RESET = "/accounts/password_reset/"
DONE = "/accounts/password_reset/done/"


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 3
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 2


def _ask(client, email, address="203.0.113.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_resets_of_one_email_stop_after_its_limit(client, owner, clock):
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        _ask(client, owner.user.email, address)
    assert len(mail.outbox) == 2


def test_a_limited_reset_answers_the_same_page(client, owner, clock):
    for _ in range(2):
        _ask(client, owner.user.email, "203.0.113.1")
    response = _ask(client, owner.user.email, "203.0.113.2")
    assert (response.status_code, response.url) == (302, DONE)


def test_the_email_limit_ignores_the_case_of_the_address(client, owner, clock):
    for email in (owner.user.email, owner.user.email.upper(), owner.user.email.title()):
        _ask(client, email, "203.0.113.9")
    assert len(mail.outbox) == 2


def test_resets_from_one_address_stop_after_its_limit(client, db, clock):
    users = [UserFactory() for _ in range(4)]
    for user in users:
        _ask(client, user.email)
    assert len(mail.outbox) == 3


def test_unknown_emails_count_towards_the_address_limit(client, owner, clock):
    for n in range(3):
        _ask(client, f"nobody{n}@example.test")
    response = _ask(client, owner.user.email)
    assert (response.status_code, response.url) == (302, DONE)
    assert mail.outbox == []


def test_another_address_is_not_limited_by_one_that_is(client, owner, clock):
    for n in range(3):
        _ask(client, f"nobody{n}@example.test")
    _ask(client, owner.user.email, "198.51.100.4")
    assert len(mail.outbox) == 1


def test_resets_work_again_an_hour_later(client, owner, clock):
    for _ in range(3):
        _ask(client, owner.user.email)
    clock.shift(3600)
    _ask(client, owner.user.email)
    assert len(mail.outbox) == 3
