"""The network guard of tests/conftest.py holds even against code that swallows errors.

A small suite of its own runs in a subprocess with the guard: tests that reach for the
network and catch what they get must fail, naming the address; loopback must keep working.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SUITE = '''
import socket

import requests


def test_swallowed_request():
    try:
        requests.get("http://example.com", timeout=2)
    except Exception:
        pass


def test_swallowed_connect_to_an_address():
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=2)
    except Exception:
        pass


def test_swallowed_even_as_a_base_exception():
    try:
        socket.gethostbyname("example.org")
    except BaseException:
        pass


def test_loopback_works():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        for host in ("127.0.0.1", "localhost"):
            socket.create_connection((host, port), timeout=2).close()
    assert socket.gethostbyname("localhost").startswith("127.")
'''


def test_the_guard_fails_tests_that_swallow_the_attempt(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "portal.settings")
    pytester.makeconftest("import pytest\nfrom tests.network_guard import guard_network\n"
                          "no_network = pytest.fixture(autouse=True)(guard_network)\n")
    pytester.makepyfile(test_swallowing=SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA")
    summary = {}
    for line in result.outlines:
        outcome, _, rest = line.partition(" ")
        if outcome in ("PASSED", "FAILED", "ERROR"):
            summary.setdefault(rest.split(" ")[0].split("::")[-1], set()).add(outcome)
    # Positive control: the loopback test ran, and passed (setup, call and teardown).
    assert summary["test_loopback_works"] == {"PASSED"}
    # Each swallowing test fails, at teardown at the latest, naming what it reached for.
    for name in ("test_swallowed_request", "test_swallowed_connect_to_an_address",
                 "test_swallowed_even_as_a_base_exception"):
        assert summary[name] & {"FAILED", "ERROR"}, name
    output = result.stdout.str()
    assert "DNS look-up of 'example.com'" in output
    assert "connect to ('192.0.2.1', 80)" in output
    assert "DNS look-up of 'example.org'" in output
    assert result.ret != 0
