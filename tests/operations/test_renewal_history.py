"""renew_tokens keeps each renewal in the connection's history: when, and its outcome in
the portal's words; its run is the organization's renew_tokens run."""

from datetime import timedelta

from django_scopes import scopes_disabled

from accounts.models import ConnectionCheck, JobState
from accounts.tasks import renew_tokens
from tests.axion.bodies import OTHER_TOKEN
from tests.clock import NOW
from tests.messaging.factories import SmsConnectionFactory
from tests.messaging.provider import answer, error


def history():
    with scopes_disabled():
        return list(ConnectionCheck.objects.values_list("kind", "ok", "detail", "at"))


def test_a_renewal_is_kept_with_its_time(org, provider):
    SmsConnectionFactory(organization=org, token_expires_at=NOW + timedelta(days=1))
    answer(provider, "userLogin", {"RESULT": "OK", "sessionToken": OTHER_TOKEN})
    renew_tokens()
    assert history() == [("renewal", True, "Logged in: a new session token for 30 days.", NOW)]


def test_a_failed_renewal_is_kept_with_the_reason(org, provider):
    SmsConnectionFactory(organization=org, token_expires_at=NOW + timedelta(days=1))
    answer(provider, "userLogin", error("WRONG CREDENTIALS"))
    renew_tokens()
    [(kind, ok, detail, _)] = history()
    assert (kind, ok) == ("renewal", False)
    assert detail.startswith("Axion rejected the stored username or password")


def test_a_token_far_from_expiry_leaves_no_history(org, provider):
    SmsConnectionFactory(organization=org, token_expires_at=NOW + timedelta(days=20))
    renew_tokens()
    assert history() == []


def test_the_renewal_is_the_organizations_renew_tokens_run(org, provider):
    SmsConnectionFactory(organization=org, token_expires_at=NOW + timedelta(days=1))
    answer(provider, "userLogin", {"RESULT": "OK", "sessionToken": OTHER_TOKEN})
    renew_tokens()
    with scopes_disabled():
        assert JobState.objects.get(organization=org, job="renew_tokens").last_outcome == "ok"
