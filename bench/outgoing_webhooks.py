"""Outgoing webhooks: the delivery job's deliveries per second against a bare loop that
posts the same signed bodies with requests, to a bare WSGI receiver under gunicorn on
loopback; then, with a receiver that fails every third request once, nothing lost and
nothing delivered twice.

Both sides post to the same receiver (bench/webhook_receiver.py: one gunicorn process with
threads, keep-alive on, allowed through WEBHOOK_ALLOWED_HOSTS=127.0.0.1), one request at a
time, each on a kept-alive connection (the bare loop through one requests.Session, the job
through its session per endpoint). The bare loop posts bodies and headers made and signed
beforehand: it measures nothing but the POSTs. The job's side is the whole of
`deliver_webhooks` (reading due deliveries with their order per subject, signing, the
guarded POST with its deadline and capped answer, writing the attempts and the states)
for events emitted beforehand, run until none is left. Rounds alternate the two; the
figures are medians.

Goal: ratio (job / bare loop) at least 0.5; lost=0 and duplicates=0 with failures.

    python bench/outgoing_webhooks.py [--events 10000] [--rounds 3]
                                      [--database-url postgres://postgres@127.0.0.1:5432/test]

The last line is `ratio=<job/bare> lost=<n> duplicates=<n>`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _setup import ROOT, bench_database, configure_django, free_port  # noqa: E402

SUBJECTS = 1000  # events spread over this many subjects (conversations, faxes)
EMIT_BATCH = 500


@contextmanager
def receiver(fail_every: int = 0):
    """The bare receiver under gunicorn; yields its base URL."""
    port = free_port()
    env = {**os.environ, "RECEIVER_FAIL_EVERY": str(fail_every), "PYTHONPATH": str(ROOT)}
    log = tempfile.TemporaryFile()
    # Run from elsewhere than the project: gunicorn would read the portal's gunicorn.conf.py
    # there, whose max_requests would restart the worker and lose its counts.
    folder = tempfile.mkdtemp(prefix="receiver-")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.webhook_receiver:app",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread",
         "--threads", "4", "--keep-alive", "30"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/stats", timeout=1):  # noqa: S310
                break
        except OSError:
            if time.monotonic() > deadline:
                log.seek(0)
                raise SystemExit("the receiver did not start:\n"
                                 + log.read().decode(errors="replace")[-2000:]) from None
            time.sleep(0.2)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.rmdir(folder)


def stats(base: str) -> dict:
    with urllib.request.urlopen(base + "/stats", timeout=5) as answer:  # noqa: S310
        return json.loads(answer.read())


def reset(base: str) -> None:
    request = urllib.request.Request(base + "/reset", data=b"", method="POST")
    urllib.request.urlopen(request, timeout=5).close()  # noqa: S310


def emit_events(organization, count: int, round_number: int) -> list:
    from events.models import EventType
    from events.services import NewEvent, emit_many

    made = []
    for start in range(0, count, EMIT_BATCH):
        batch = [NewEvent(EventType.FAX_STATUS_CHANGED,
                          f"fax:{round_number}-{(start + n) % SUBJECTS}",
                          {"fax": {"id": start + n, "customer_field": f"bench {start + n}",
                                   "source_number": "+18059731214",
                                   "destination_number": "+18058522606",
                                   "sent_at": "2024-03-01T11:40:00Z", "pages": 2,
                                   "status": "SENT", "try_count": 1},
                           "previous_status": "PROGRESS", "status": "SENT", "contact": None})
                 for n in range(min(EMIT_BATCH, count - start))]
        made += emit_many(organization=organization, events=batch)
    return made


def unfinished(organization) -> int:
    from accounts.tenancy import organization_scope
    from webhooks_out.models import UNFINISHED, Delivery

    with organization_scope(organization):
        return Delivery.objects.filter(UNFINISHED).count()


def run_job_until_done(organization) -> float:
    """Seconds the delivery job took to deliver everything (waiting for retries that are
    not due yet, when there are some, without running)."""
    from django.utils import timezone

    from accounts.tenancy import organization_scope
    from webhooks_out.models import UNFINISHED, Delivery
    from webhooks_out.tasks import deliver_webhooks

    started = time.perf_counter()
    while unfinished(organization):
        deliver_webhooks(organization_id=organization.pk)
        with organization_scope(organization):
            due = (Delivery.objects.filter(UNFINISHED).order_by("next_attempt_at")
                   .values_list("next_attempt_at", flat=True).first())
        if due is not None:
            wait = (due - timezone.now()).total_seconds()
            if wait > 0:
                time.sleep(min(wait, 5))
    return time.perf_counter() - started


def bare_loop(url: str, events: list, secret: str) -> float:
    """Seconds a plain loop takes to POST the same signed bodies, made beforehand."""
    import requests

    from webhooks_out import signing

    now = datetime.now(UTC)
    prepared = [(signing.body_of(event),
                 signing.signed_headers(message_id=signing.event_id(event),
                                        body=signing.body_of(event), secrets=[secret],
                                        at=now)) for event in events]
    with requests.Session() as session:
        started = time.perf_counter()
        for body, headers in prepared:
            response = session.post(url, data=body, headers=headers, timeout=(5, 15))
            response.raise_for_status()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"
    with bench_database(args.database_url) as database_url:
        configure_django(database_url)
        from django.db import connection

        from accounts.models import Organization
        from webhooks_out import services

        vendor = connection.vendor
        rates = {"bare": [], "job": []}
        with receiver() as base:
            for round_number in range(args.rounds):
                organization = Organization.objects.create(name=f"Bench {round_number}",
                                                           slug=f"bench-{round_number}")
                endpoint, secret = services.create_endpoint(organization=organization,
                                                            url=base + "/hooks")
                events = emit_events(organization, args.events, round_number)
                reset(base)
                seconds = bare_loop(base + "/hooks", events, secret)
                rates["bare"].append(len(events) / seconds)
                reset(base)
                seconds = run_job_until_done(organization)
                rates["job"].append(len(events) / seconds)
                got = stats(base)
                print(f"round {round_number + 1}: bare {rates['bare'][-1]:.0f}/s, job "
                      f"{rates['job'][-1]:.0f}/s ({got['accepted']} accepted, "
                      f"{got['duplicates']} again)", flush=True)
        with receiver(fail_every=3) as base:
            organization = Organization.objects.create(name="Bench failures",
                                                       slug="bench-failures")
            services.create_endpoint(organization=organization, url=base + "/hooks")
            events = emit_events(organization, args.events, args.rounds)
            seconds = run_job_until_done(organization)
            got = stats(base)
        lost = len(events) - got["accepted"]
        bare, job = statistics.median(rates["bare"]), statistics.median(rates["job"])
        print(f"database: {vendor}; {args.events} events per round, medians of "
              f"{args.rounds} rounds: job {job:.0f} deliveries/s, bare loop {bare:.0f} "
              f"posts/s; with every third request failing once: {got['requests']} "
              f"requests, {got['failed']} failed, {got['accepted']} accepted in "
              f"{seconds:.1f} s")
        print(f"ratio={job / bare:.2f} lost={lost} duplicates={got['duplicates']}")


if __name__ == "__main__":
    main()
