"""The transport's guards (axion/transport.py over common/outbound.py): the URL policy at
every call, the total deadline, the cap on answers, and the work's time budget.

Deadlines are shown against a loopback server that drips its answer (allowed by the
policy's host list); the caps and refusals use the recorded provider.
"""

import ipaddress
import time

import pytest

from axion import errors
from common import outbound
from common.outbound import OutboundPolicy
from tests.axion.recorded import answer, make_transport, sent
from tests.common import servers

LOOPBACK = OutboundPolicy(allowed_hosts=("127.0.0.1",))
MEDIA = b"\x89PNG\r\n\x1a\n" + b"\0" * 4_992


def test_answer_that_drips_past_the_deadline_is_a_transport_timeout(valid_store, sleeps):
    with servers.LoopbackServer(servers.drip(0.3)) as server:
        transport = make_transport(valid_store, sleeps, url=server.url, policy=LOOPBACK,
                                   deadline=1.0)
        started = time.monotonic()
        with pytest.raises(errors.TransportTimeout,
                           match="no complete answer from the provider within 1 s") as caught:
            transport.call("Fax_Status", repeatable=False)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert caught.value.request_sent


def test_answer_larger_than_the_cap_is_a_clear_error(provider, valid_store, sleeps):
    answer(provider, "Fax_Status", {"RESULT": "OK", "FAXES": [], "PAD": "x" * 2_000})
    transport = make_transport(valid_store, sleeps, max_reply_bytes=1_000)
    with pytest.raises(errors.ReplyTooLarge, match="larger than the 1000 bytes"):
        transport.call("Fax_Status", repeatable=True)
    assert sleeps == []  # an answer, not a failure to reach the provider: no retry


def test_too_large_answer_to_a_send_is_outcome_unknown(provider, valid_store, sleeps):
    answer(provider, "sendThing", {"RESULT": "OK", "PAD": "x" * 2_000})
    transport = make_transport(valid_store, sleeps, max_reply_bytes=1_000)
    with pytest.raises(errors.OutcomeUnknown):
        transport.call("sendThing", repeatable=False, outcome_unknown_if_lost=True)


def test_media_may_be_as_large_as_the_media_cap(provider, valid_store, sleeps):
    answer(provider, "getMedia", MEDIA, content_type="image/png")
    transport = make_transport(valid_store, sleeps, max_reply_bytes=1_000,
                               max_media_bytes=len(MEDIA))
    assert transport.call_raw("getMedia").content == MEDIA


def test_media_larger_than_the_media_cap_is_refused(provider, valid_store, sleeps):
    answer(provider, "getMedia", MEDIA, content_type="image/png")
    transport = make_transport(valid_store, sleeps, max_media_bytes=len(MEDIA) - 1)
    with pytest.raises(errors.ReplyTooLarge):
        transport.call_raw("getMedia")


def test_url_the_policy_refuses_is_not_called_nor_retried(provider, valid_store, sleeps):
    transport = make_transport(valid_store, sleeps, url="http://fax.axion.example/api")
    with pytest.raises(errors.URLNotAllowed, match="must start with https://"):
        transport.call("Fax_Status", repeatable=True)
    assert (len(provider.calls), sleeps) == (0, [])


def test_name_that_resolves_to_a_private_address_at_call_time_is_refused(valid_store, sleeps):
    rebound = OutboundPolicy(resolver=lambda host, port: [ipaddress.ip_address("10.0.0.7")])
    transport = make_transport(valid_store, sleeps, url="https://fax.provider.example/api",
                               policy=rebound)
    with pytest.raises(errors.URLNotAllowed, match="does not resolve to a public address"):
        transport.call("Fax_Status", repeatable=True)
    assert sleeps == []


def test_call_in_a_spent_budget_fails_at_once_without_retries(provider, valid_store, sleeps):
    answer(provider, "Fax_Status", {"RESULT": "OK", "FAXES": []})
    transport = make_transport(valid_store, sleeps)
    now = [100.0]
    with outbound.time_budget(10, clock=lambda: now[0]):
        now[0] += 10
        with pytest.raises(errors.TransportTimeout, match="budget") as caught:
            transport.call("Fax_Status", repeatable=True)
    assert caught.value.request_sent is False
    assert (sent(provider, "Fax_Status"), sleeps) == ([], [])
