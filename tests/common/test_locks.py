"""Named locks of the jobs (common.locks): one holder at a time, and rounds for work that
keeps arriving, so that a run that finds the lock held never leaves its work behind."""

from datetime import timedelta

import pytest

from common.locks import job_lock, run_in_rounds, take_lock
from common.models import JobLock

pytestmark = pytest.mark.django_db


def test_a_lock_is_held_by_one_block_at_a_time():
    with job_lock("sync") as first, job_lock("sync") as second:
        assert (first, second) == (True, False)


def test_a_lock_is_let_go_after_its_block():
    with job_lock("sync"):
        pass
    assert not JobLock.objects.exists()


def test_an_expired_lock_is_taken_over(clock):
    with job_lock("sync", ttl_seconds=60) as first:
        clock.shift(timedelta(seconds=61))
        with job_lock("sync") as second:
            assert (first, second) == (True, True)


def test_work_nobody_asks_about_runs_once():
    rounds = []
    assert run_in_rounds("process", lambda: rounds.append(1) or 3) == 3
    assert rounds == [1]
    assert not JobLock.objects.exists()


def test_a_run_that_finds_the_lock_held_asks_the_holder_for_another_round():
    asked = []

    def work():
        if not asked:  # work arrives meanwhile, and a run woken for it comes
            asked.append(run_in_rounds("process", lambda: pytest.fail("ran beside the holder")))
        return 1

    assert run_in_rounds("process", work) == 2
    assert asked == [None]  # the newcomer did nothing itself


def test_the_holder_goes_round_as_often_as_it_is_asked():
    rounds = []

    def work():
        rounds.append(1)
        if len(rounds) < 3:
            run_in_rounds("process", lambda: 0)
        return 1

    assert run_in_rounds("process", work) == 3


def test_a_failing_round_lets_go_of_the_lock():
    def work():
        raise RuntimeError("provider down")

    with pytest.raises(RuntimeError):
        run_in_rounds("process", work)
    assert not JobLock.objects.exists()


def test_a_block_asked_for_a_round_it_cannot_run_calls_when_asked():
    called = []
    with job_lock("process", when_asked=lambda: called.append(1)):
        assert run_in_rounds("process", lambda: 1) is None
        assert called == []
    assert called == [1]
    assert not JobLock.objects.exists()


def test_a_block_nobody_asked_does_not_call_when_asked():
    called = []
    with job_lock("process", when_asked=lambda: called.append(1)):
        pass
    assert called == []


def test_no_round_starts_once_the_time_is_up_and_the_ask_is_handed_on(monkeypatch):
    from common import locks

    now = [0.0]
    monkeypatch.setattr(locks, "monotonic", lambda: now[0])
    rounds, handed_on = [], []

    def work():
        rounds.append(1)
        run_in_rounds("process", lambda: 0)  # asked every round
        now[0] += 30
        return 1

    total = run_in_rounds("process", work, seconds=60, when_asked=lambda: handed_on.append(1))
    assert (total, len(rounds), handed_on) == (2, 2, [1])
    assert not JobLock.objects.exists()


def test_a_round_that_fails_after_an_ask_hands_the_ask_on():
    handed_on = []

    def work():
        run_in_rounds("process", lambda: 0)
        raise RuntimeError("provider down")

    with pytest.raises(RuntimeError):
        run_in_rounds("process", work, when_asked=lambda: handed_on.append(1))
    assert handed_on == [1]
    assert not JobLock.objects.exists()


def test_a_round_that_fails_unasked_hands_nothing_on():
    handed_on = []

    def work():
        raise RuntimeError("provider down")

    with pytest.raises(RuntimeError):
        run_in_rounds("process", work, when_asked=lambda: handed_on.append(1))
    assert handed_on == []


def test_a_holder_whose_lock_was_taken_over_goes_no_further_round(clock):
    rounds = []

    def work():
        rounds.append(1)
        clock.shift(timedelta(seconds=61))
        assert take_lock("process", ttl_seconds=60)  # expired: another process took it
        return 1

    assert run_in_rounds("process", work, ttl_seconds=60) == 1
    assert rounds == [1]
    assert JobLock.objects.count() == 1  # the new holder's


def test_a_failing_hand_on_is_logged_not_raised(caplog):
    def broker_down():
        raise ConnectionError("Connection refused.")

    with job_lock("process", when_asked=broker_down):
        run_in_rounds("process", lambda: 0)
    assert "could not act on the ask for another round of process" in caplog.text
    assert not JobLock.objects.exists()
