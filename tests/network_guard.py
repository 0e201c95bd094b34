"""The suite's network guard: any connection or name look-up beyond loopback fails the test.

Tests use `responses` or the sandbox over the live test server. tests/conftest.py makes
`no_network` autouse; tests/test_network_guard.py checks the guard itself.
"""

import ipaddress
import socket

import pytest

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def _address(host):
    """The IP address `host` spells, else None (a name, or None)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except (AttributeError, ValueError):
        return None


def _is_address(host) -> bool:
    return _address(host) is not None


def _is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or host.lower().rstrip(".") in (*LOCAL_NAMES, ""):
        return True
    address = _address(host)
    # 0.0.0.0 and :: name this host (binding a server, or connecting to it).
    return address is not None and (address.is_loopback or address.is_unspecified)


class NetworkAttempt(BaseException):  # noqa: N818 - it names what happened
    """A test reached for the network. Not an Exception: the `except Exception` of the code
    under test cannot swallow it (and the fixture fails the test at teardown regardless)."""


def guard_network(monkeypatch):
    """Fail any outbound connection or DNS look-up beyond loopback: tests use `responses`
    or the sandbox. Loopback (127.0.0.0/8, ::1, localhost) keeps working for live_server,
    PostgreSQL, Redis and the processes some tests start."""
    attempts = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname
    real_gethostbyname_ex = socket.gethostbyname_ex

    def refuse(what):
        attempts.append(what)
        raise NetworkAttempt(f"Test tried to reach the network: {what}")

    def check(address):
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            refuse(f"connect to {address!r}")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    def look_up(host):
        # An address needs no look-up (connecting to it is checked above); a name does.
        if not _is_loopback(host) and not _is_address(host):
            refuse(f"DNS look-up of {host!r}")

    def getaddrinfo(host, *args, **kwargs):
        look_up(host)
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host):
        look_up(host)
        return real_gethostbyname(host)

    def gethostbyname_ex(host):
        look_up(host)
        return real_gethostbyname_ex(host)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "gethostbyname", gethostbyname)
    monkeypatch.setattr(socket, "gethostbyname_ex", gethostbyname_ex)
    yield
    if attempts:
        pytest.fail("Test tried to reach the network (the attempt was refused, and may have "
                    "been caught by the code): " + "; ".join(attempts), pytrace=False)
