"""over_limit: a fixed-window counter per key in the cache."""

import pytest
from django.core.cache import cache

from common.ratelimit import over_limit


@pytest.fixture(autouse=True)
def empty_cache(time_machine):
    time_machine.move_to("2026-11-27 10:00:10", tick=False)
    cache.clear()
    yield
    cache.clear()


def test_requests_up_to_the_limit_pass():
    assert [over_limit("a", limit=3) for _ in range(3)] == [0, 0, 0]


def test_a_request_past_the_limit_gets_the_seconds_left_in_the_window():
    for _ in range(3):
        over_limit("a", limit=3)
    assert over_limit("a", limit=3) == 50


def test_keys_are_counted_apart():
    for _ in range(3):
        over_limit("a", limit=3)
    assert over_limit("a", limit=3) > 0  # the control: "a" is at its limit
    assert over_limit("b", limit=3) == 0


def test_the_next_window_starts_from_zero(time_machine):
    for _ in range(3):
        over_limit("a", limit=3)
    assert over_limit("a", limit=3) > 0  # the control: the window was used up
    time_machine.shift(60)
    assert over_limit("a", limit=3) == 0


def test_a_window_started_by_another_request_meanwhile_is_counted_on(monkeypatch):
    # The window's first increment finds no key; another process adds it before us.
    real_incr, calls = cache.incr, []

    def incr(name, *args):
        calls.append(name)
        if len(calls) == 1:
            cache.set(name, 1)
            raise ValueError("no such key")
        return real_incr(name, *args)

    monkeypatch.setattr(cache, "incr", incr)
    assert over_limit("a", limit=1) == 50
