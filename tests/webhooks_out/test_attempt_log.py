"""Each attempt is logged: when, the status or the error, the latency, and the first
kilobyte of the answer (the answer itself is read up to 64 KB)."""

from tests.clock import NOW
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer, attempts, the_delivery
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import DeliveryState


def test_an_attempt_keeps_the_status_the_time_the_latency_and_the_answer(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 202, '{"queued": true}')
    fax_event(org)
    deliver_organization(organization=org)
    [attempt] = attempts()
    assert (attempt.status_code, attempt.error, attempt.at, attempt.response_body) == (
        202, "", NOW, '{"queued": true}')
    assert attempt.latency_ms >= 0
    assert attempt.delivery == the_delivery()


def test_only_the_first_kilobyte_of_the_answer_is_kept(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 500, "é" * 3000)
    fax_event(org)
    deliver_organization(organization=org)
    [attempt] = attempts()
    assert len(attempt.response_body.encode()) <= 1024
    assert attempt.response_body.startswith("ééé")


def test_an_answer_larger_than_the_cap_still_counts_by_its_status(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 200, "x" * (65 * 1024))
    fax_event(org)
    deliver_organization(organization=org)
    assert the_delivery().state == DeliveryState.SUCCEEDED
    assert "larger than 64 KB" in attempts()[0].response_body


def test_an_error_without_an_answer_is_logged_in_words(org, provider):
    EndpointFactory(organization=org, url=URL)
    provider.post(URL, body=ConnectionError("reset"))
    fax_event(org)
    deliver_organization(organization=org)
    [attempt] = attempts()
    assert (attempt.status_code, attempt.response_body) == (None, "")
    assert attempt.error


def test_nul_characters_of_an_answer_do_not_break_the_log(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 500, "a\x00b")
    fax_event(org)
    deliver_organization(organization=org)
    assert attempts()[0].response_body == "a\ufffdb"
