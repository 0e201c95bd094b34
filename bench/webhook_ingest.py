"""Webhook ingestion throughput against a bare view and against the floor, in one run.

Starts gunicorn on loopback with the portal's gunicorn.conf.py, serving the portal plus two
views (bench/urls.py) on the webhook's own path prefix, so that all three pass the same
middleware: a bare view that answers 200 and nothing else, and the floor, which does
nothing but one durable INSERT of the body through `connection.cursor()`. The same load
generator (wrk, from Debian's `wrk` package) drives the three in rounds after a warm-up,
the order of the views rotating from one round to the next; then every webhook answered
2xx must be stored.

Goal: the webhook answers at least 0.7 as many requests per second as the floor, on
PostgreSQL and on SQLite, with nothing lost.

Every request comes on a connection of its own, as a webhook sender's separate POSTs do.
With keep-alive, each of wrk's connections stays with the gunicorn worker that accepted
it, and several workers were shared unevenly from one run to the next.

    python bench/webhook_ingest.py [--database-url postgres://postgres@127.0.0.1:5432/test]

The last line is `ratio=<webhook/bare view> floor_ratio=<webhook/floor> lost=<n>`; `lost`
is the webhooks answered 2xx minus those stored, negative when more were stored than wrk
counted (answers cut off when a round ends).
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from _setup import ROOT, bench_database, configure_django, free_port, parse_args, wait_ready

# Rounds differ from one another on a small machine: the ratios are medians of many.
ROUNDS = 20
SECONDS = 3
WARM_UP_SECONDS = 3
CONNECTIONS = 16

LUA = """
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"event":"newSMS","uuid":"bench-%%s-%%d",' ..
    '"time":"2026-11-27T10:00:00Z","number":"+18056421414","sourceNumber":"+18056421415",' ..
    '"destinationNumbers":["+18056421414"],"text":"load test","media":""}',
    tostring(math.random(1, 1000000000)), counter)
  return wrk.format("POST", "%(path)s",
    {["Content-Type"] = "application/json", ["Connection"] = "close"}, body)
end
"""


def run_wrk(url: str, path: str, script_dir: Path,
            seconds: int = SECONDS) -> tuple[float, int]:
    """Requests per second answered 2xx, and how many, for one round."""
    script = script_dir / f"{abs(hash(path))}.lua"
    script.write_text(LUA % {"path": path})
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url + path],
        capture_output=True, text=True, check=True).stdout
    # wrk counts the requests it completed; socket errors are requests it never completed,
    # so only the answers that were not 2xx are taken from the count.
    completed = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    not_2xx = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: (.*)", out)
    if not_2xx or errors:
        print(f"  {path[:14]}…: {not_2xx} of {completed} answers not 2xx; "
              f"socket errors: {errors.group(1) if errors else 'none'}")
    ok = completed - not_2xx
    return ok / seconds, ok


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    if shutil.which("wrk") is None:
        raise SystemExit("This benchmark needs wrk: apt-get install wrk (or make bench).")
    with bench_database(args.database_url) as url:
        configure_django(url)
        from django.db import connection
        from django_scopes import scopes_disabled

        from accounts.models import Organization
        from messaging.models import MessagingNumber, WebhookEvent

        organization = Organization.objects.create(name="Bench", slug="bench")
        number = MessagingNumber(organization=organization, number="+18056421414",
                                 activated_at=datetime.now(UTC))  # its webhook receives
        number.set_new_secret()
        number.save()
        vendor = connection.vendor
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_floor (body %s)"
                           % ("bytea" if vendor == "postgresql" else "blob"))
        connection.close()

        port = free_port()
        # One load generator on one address: the per-address webhook limit would turn most
        # requests into 429s, so it is lifted here (it is measured by its own tests).
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings",
               "WEBHOOK_RATE_PER_MINUTE": "100000000",
               "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "",
               "PYTHONPATH": str(ROOT)}
        log_file = tempfile.TemporaryFile()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "-c",
             str(ROOT / "gunicorn.conf.py")], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=log_file)
        base = f"http://127.0.0.1:{port}"
        accepted = 0
        rates = {"bare": [], "webhook": [], "floor": []}
        try:
            try:
                wait_ready(base + "/healthz")
            except SystemExit:
                log_file.seek(0)
                print(log_file.read().decode(errors="replace")[-3000:])
                raise
            with tempfile.TemporaryDirectory() as scripts:
                # Warm-up: every worker connected to the database, every code path loaded.
                paths = [("bare", "/hooks/bench-bare/"), ("webhook", number.webhook_path),
                         ("floor", "/hooks/bench-floor/")]
                for name, path in paths:
                    ok = run_wrk(base, path, Path(scripts), WARM_UP_SECONDS)[1]
                    accepted += ok if name == "webhook" else 0
                for round_number in range(ROUNDS):
                    # Each view goes first, second and third in turn: no view always runs
                    # right after the same other one.
                    shift = round_number % len(paths)
                    for name, path in paths[shift:] + paths[:shift]:
                        rate, ok = run_wrk(base, path, Path(scripts))
                        rates[name].append(rate)
                        accepted += ok if name == "webhook" else 0
                        print(f"{name}: {rate:.0f} requests/s", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
        with scopes_disabled():
            stored = WebhookEvent.objects.count()
        lost = accepted - stored
        bare, webhook, floor = (statistics.median(rates[name])
                                for name in ("bare", "webhook", "floor"))
        print(f"database: {vendor}; medians of {ROUNDS} rounds: webhook {webhook:.0f}/s, "
              f"floor {floor:.0f}/s, bare {bare:.0f}/s; {accepted} webhooks answered 2xx, "
              f"{stored} stored")
        print(f"ratio={webhook / bare:.2f} floor_ratio={webhook / floor:.2f} lost={lost}")


if __name__ == "__main__":
    main()
