"""Outbound calls (common/outbound.py): the URL policy, the check at connect time, no
redirects, no proxies, the total deadline, the cap on the answer, and time budgets.

Names resolve through a fake resolver given to the policy, never the system's; calls go to
the loopback servers of tests/common/servers.py.
"""

import ipaddress
import time

import pytest

from common import outbound
from common.outbound import OutboundPolicy, URLRefused, check_url
from tests.common import servers
from tests.common.resolving import PUBLIC, resolver

PUBLIC_V6 = "2606:4700::1111"


def policy(allowed_hosts=(), allowed_urls=(), names=None):
    """A policy whose names resolve from `names` only."""
    return OutboundPolicy(allowed_hosts=tuple(allowed_hosts), allowed_urls=tuple(allowed_urls),
                          resolver=resolver(names or {}))


def call(policy_, url, *, deadline=5.0, max_bytes=10_000, timeout=(2.0, 2.0)):
    with outbound.guarded_session(policy_) as session:
        return outbound.post(session, url, json={"method": "test"}, timeout=timeout,
                             deadline=deadline, max_bytes=max_bytes)


LOOPBACK = policy(allowed_hosts=["127.0.0.1"])


# --- The URL policy -----------------------------------------------------------------------

def test_https_url_of_a_public_name_is_allowed():
    check_url("https://api.example/fax", policy(names={"api.example": [PUBLIC]}))


def test_plain_http_is_refused():
    with pytest.raises(URLRefused, match="must start with https://"):
        check_url("http://api.example/fax", policy(names={"api.example": [PUBLIC]}))


@pytest.mark.parametrize("url", ["ftp://api.example/fax", "file:///etc/passwd", "api.example"])
def test_other_schemes_are_refused(url):
    with pytest.raises(URLRefused, match="must start with https://"):
        check_url(url, policy(names={"api.example": [PUBLIC]}))


@pytest.mark.parametrize("host", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "224.0.0.1", "240.0.0.1", "0.0.0.0", "[::1]", "[fe80::1]", "[fc00::1]", "[ff02::1]",
    "[::ffff:127.0.0.1]", "[64:ff9b::a00:1]", "[2002:a00:1::]", "[::]",
])
def test_loopback_private_link_local_multicast_and_reserved_addresses_are_refused(host):
    with pytest.raises(URLRefused, match="is not a public address"):
        check_url(f"https://{host}/api", policy())


@pytest.mark.parametrize("host", [PUBLIC, f"[{PUBLIC_V6}]", "[::ffff:93.184.215.14]"])
def test_public_addresses_are_allowed(host):
    check_url(f"https://{host}/api", policy())


def test_name_that_resolves_to_a_private_address_is_refused_without_saying_which():
    with pytest.raises(URLRefused, match="does not resolve to a public address") as caught:
        check_url("https://intranet.example/api",
                  policy(names={"intranet.example": ["10.20.30.40"]}))
    assert "10.20.30.40" not in str(caught.value)


def test_name_with_one_private_address_among_public_ones_is_refused():
    with pytest.raises(URLRefused, match="does not resolve to a public address"):
        check_url("https://mixed.example/api",
                  policy(names={"mixed.example": [PUBLIC, "::1"]}))


def test_name_that_does_not_resolve_is_refused_with_the_same_words():
    with pytest.raises(URLRefused, match="nowhere.example does not resolve to a public"):
        check_url("https://nowhere.example/api", policy())


def test_url_with_credentials_is_refused():
    with pytest.raises(URLRefused, match="user name or password"):
        check_url("https://user:secret@api.example/api",
                  policy(names={"api.example": [PUBLIC]}))


def test_url_with_a_bad_port_is_refused():
    with pytest.raises(URLRefused, match="not a valid URL"):
        check_url("https://api.example:99999/api", policy(names={"api.example": [PUBLIC]}))


def test_host_listed_by_name_is_allowed_on_a_private_address_over_http():
    check_url("http://gateway.corp/api",
              policy(["gateway.corp"], names={"gateway.corp": ["10.0.0.5"]}))


def test_host_listed_by_address_is_allowed_over_http():
    check_url("http://127.0.0.1:8080/api", policy(["127.0.0.1"]))


@pytest.mark.parametrize("entry", ["::1", "[::1]", "0:0::1"])
def test_ipv6_host_listed_in_any_spelling_is_allowed(entry):
    check_url("http://[::1]:8080/api", policy([entry]))


def test_allow_list_refuses_every_other_host_even_public():
    with pytest.raises(URLRefused, match="api.example is not one of them"):
        check_url("https://api.example/api",
                  policy(["gateway.corp"], names={"api.example": [PUBLIC]}))


def test_domain_entry_admits_names_under_it_when_https_and_public():
    allowed = policy([".provider.example"], names={"eu.provider.example": [PUBLIC],
                                                   "lan.provider.example": ["192.168.0.9"]})
    check_url("https://eu.provider.example/api", allowed)
    with pytest.raises(URLRefused, match="does not resolve to a public address"):
        check_url("https://lan.provider.example/api", allowed)
    with pytest.raises(URLRefused, match="must start with https://"):
        check_url("http://eu.provider.example/api", allowed)


def test_allowed_url_is_allowed_over_http_on_loopback_with_or_without_a_slash():
    allowed = policy(allowed_urls=["http://127.0.0.1:8000/sandbox/fax"])
    check_url("http://127.0.0.1:8000/sandbox/fax", allowed)
    check_url("http://127.0.0.1:8000/sandbox/fax/", allowed)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/admin/",
                                 "http://127.0.0.1:8001/sandbox/fax",
                                 "http://127.0.0.1:8000/sandbox/fax?x=1"])
def test_other_urls_of_an_allowed_urls_host_are_refused(url):
    with pytest.raises(URLRefused):
        check_url(url, policy(allowed_urls=["http://127.0.0.1:8000/sandbox/fax"]))


@pytest.mark.parametrize("entry", ["https://gateway.corp", "gateway.corp:8443", "gw/api"])
def test_allow_list_entry_that_is_not_a_host_is_a_clear_error(entry):
    with pytest.raises(ValueError, match="names or addresses without a scheme, path or port"):
        OutboundPolicy(allowed_hosts=(entry,))


# --- Calls --------------------------------------------------------------------------------

def test_post_reads_the_whole_answer():
    with servers.LoopbackServer(servers.answer(b'{"RESULT": "OK"}')) as server:
        reply = call(LOOPBACK, server.url)
    assert (reply.status, reply.content) == (200, b'{"RESULT": "OK"}')
    assert b'"method": "test"' in server.requests[0]


def test_call_to_a_url_the_policy_refuses_never_connects():
    with servers.LoopbackServer(servers.answer(b"{}")) as server:
        with pytest.raises(URLRefused, match="must start with https://"):
            call(policy(), server.url)
    assert server.connections == 0


def test_name_is_checked_again_at_connect_time():
    """Public when the URL was checked, private when the call connects (DNS rebinding)."""
    changing = policy(names={"api.provider.example": [[PUBLIC], ["127.0.0.1"]]})
    with servers.LoopbackServer(servers.answer(b"{}")) as server:
        url = f"https://api.provider.example:{server.port}/api"
        check_url(url, changing)
        with pytest.raises(URLRefused, match="does not resolve to a public address"):
            call(changing, url)
    assert server.connections == 0


def test_connection_goes_to_the_checked_address_with_the_name_as_host():
    pinned = policy(["gateway.corp"], names={"gateway.corp": ["127.0.0.1"]})
    with servers.LoopbackServer(servers.answer(b"{}")) as server:
        call(pinned, f"http://gateway.corp:{server.port}/api")
    assert f"Host: gateway.corp:{server.port}".encode() in server.requests[0]


def test_next_address_is_tried_when_one_refuses_the_connection():
    # Nothing listens on 127.0.0.2 at the server's port: that connection is refused.
    two = policy(["gateway.corp"], names={"gateway.corp": ["127.0.0.2", "127.0.0.1"]})
    with servers.LoopbackServer(servers.answer(b"{}")) as server:
        reply = call(two, f"http://gateway.corp:{server.port}/api")
    assert reply.status == 200


def test_redirect_is_returned_as_it_came_and_not_followed():
    moved = servers.answer(b"", status="302 Found", headers={"Location": "/elsewhere"})
    with servers.LoopbackServer(moved) as server:
        reply = call(LOOPBACK, server.url)
    assert reply.status == 302
    assert len(server.requests) == 1


def test_redirect_body_is_not_read_past_the_cap():
    moved = servers.Endless(status="302 Found", headers={"Location": "/elsewhere"})
    with servers.LoopbackServer(moved) as server:
        with pytest.raises(outbound.ReplyTooLarge):
            call(LOOPBACK, server.url, max_bytes=100_000)
    # What the socket buffers took, at most: far from the 64 MiB on offer.
    assert moved.sent < 16 * 1024 * 1024
    assert len(server.requests) == 1


def test_proxies_from_the_environment_are_not_used(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    with servers.LoopbackServer(servers.answer(b"{}")) as server:
        assert call(LOOPBACK, server.url).status == 200


def test_total_deadline_ends_an_answer_that_drips():
    """Each byte comes well within the read timeout; the deadline still ends the call."""
    with servers.LoopbackServer(servers.drip(0.3)) as server:
        started = time.monotonic()
        with pytest.raises(outbound.DeadlineExceeded, match="within 1 s") as caught:
            call(LOOPBACK, server.url, deadline=1.0, timeout=(1.0, 1.0))
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert caught.value.request_sent


def test_answer_announcing_more_than_the_cap_is_refused():
    with servers.LoopbackServer(servers.answer(b"x" * 2_000)) as server:
        with pytest.raises(outbound.ReplyTooLarge, match="2000 bytes, more than the 1000"):
            call(LOOPBACK, server.url, max_bytes=1_000)


def test_answer_without_a_length_is_cut_at_the_cap():
    with servers.LoopbackServer(servers.Endless()) as server:
        with pytest.raises(outbound.ReplyTooLarge, match="larger than the 100000 bytes"):
            call(LOOPBACK, server.url, max_bytes=100_000)


# --- Time budgets -------------------------------------------------------------------------

class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_call_in_a_spent_budget_fails_without_connecting():
    clock = FakeClock()
    with servers.LoopbackServer(servers.answer(b"{}")) as server:
        with outbound.time_budget(5, clock=clock):
            clock.now += 5
            with pytest.raises(outbound.DeadlineExceeded, match="budget") as caught:
                call(LOOPBACK, server.url)
    assert server.connections == 0
    assert (caught.value.request_sent, caught.value.budget_spent) == (False, True)


def test_budget_shorter_than_the_deadline_ends_the_call():
    with servers.LoopbackServer(servers.silent) as server:
        started = time.monotonic()
        with outbound.time_budget(0.5), pytest.raises(outbound.DeadlineExceeded) as caught:
            call(LOOPBACK, server.url, deadline=10.0, timeout=(10.0, 10.0))
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert caught.value.budget_spent


def test_budget_inside_another_never_extends_it():
    clock = FakeClock()
    with outbound.time_budget(5, clock=clock):
        with outbound.time_budget(60, clock=clock):
            assert outbound.budget_remaining() == 5
        with outbound.time_budget(2, clock=clock):
            assert outbound.budget_remaining() == 2


def test_budget_ends_with_its_block():
    with outbound.time_budget(5):
        assert 0 < outbound.budget_remaining() <= 5  # the control: there was one inside
    assert outbound.budget_remaining() is None


def test_system_resolver_gives_each_address_of_a_name_once():
    found = outbound.system_resolver("localhost", 80)
    assert ipaddress.ip_address("127.0.0.1") in found
    assert len(found) == len(set(found))
