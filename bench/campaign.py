"""A campaign's sends per second against a bare loop of the SMS client's sends, both to the
same sandbox over loopback, side by side in one run; then duplicates and opted-out
recipients reached.

gunicorn serves the portal with the sandbox on (AXION_SANDBOX) on loopback, on a
throw-away database that this process shares. One organization has an SMS connection to
the sandbox and two numbers: the campaign sends from the first, the bare loop from the
second. The campaign has 10,000 recipients plus 200 numbers that opted out before it
starts and 100 more that opt out while it runs (numbers later in the list, opted out after
the first chunk). Its side is the runner of campaigns/runner.py, as the job runs it: claimed
batches, the opt-out check per batch, `send_message` per recipient (recorded before the
provider is asked, its outcome written after) with one provider client, the outcomes and
counts per batch. The bare side is a loop of `SmsClient.send_sms` on one client and
nothing else. They alternate in chunks: the runner for --chunk-seconds, then the bare loop
for as many sends as the runner just made, until the campaign has ended.

    python bench/campaign.py [--recipients 10000] [--chunk-seconds 2]
                             [--database-url postgres://postgres@127.0.0.1:5432/test]

Goal: ratio (campaign / bare) at least 0.7, duplicates=0, opted_out_reached=0. The last
line is `ratio=<r> duplicates=<n> opted_out_reached=<n>`.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _setup import ROOT, bench_database, free_port, wait_ready

OPTED_OUT_BEFORE = 200
OPTED_OUT_DURING = 100
CAMPAIGN_NUMBER = "+18056421414"
BARE_NUMBER = "+18056421415"
TEXT = "Flu shots are in at Harbor Clinic: reply to book a time, STOP to opt out."


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--chunk-seconds", type=float, default=2.0)
    return parser.parse_args()


def environment(database_url: str, port: int) -> dict:
    return {
        "DATABASE_URL": database_url, "DEBUG": "false", "SECRET_KEY": "bench-secret-key",
        "FIELD_ENCRYPTION_KEYS": "FRGTlXw8hpCwW-pHx0Ls3nAK2y6DkCQaDc5wYmRXEM4=",
        "STATIC_MANIFEST": "false", "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "AXION_SANDBOX": "true", "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "600",
        # No limit of the portal's own in the way: the benchmark measures the work per send.
        "CAMPAIGN_MAX_RATE_PER_MINUTE": "100000000",
    }


def configure(database_url: str, port: int) -> None:
    os.environ.update(environment(database_url, port))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def portal_server(port: int):
    """gunicorn serving the portal (and so the sandbox) on loopback, as `make run` would."""
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--worker-class", "gthread", "--threads", "2",
         "--keep-alive", "30", "--max-requests", "0"],
        cwd=ROOT, env={**os.environ, "GUNICORN_ACCESS_LOG": "", "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz")
    except SystemExit:
        log.seek(0)
        print(log.read().decode(errors="replace")[-3000:])
        server.terminate()
        raise
    return server


def set_up(recipients: int):
    """The organization, its connection to the sandbox, its two numbers, the opt-outs and
    the campaign (started, its runner to be run here); returns (campaign, opted-out numbers
    before, numbers to opt out during, the connection)."""
    from django.conf import settings
    from django_scopes import scopes_disabled

    from accounts.models import Connection, Organization
    from campaigns import services
    from campaigns.audience import from_pasted
    from messaging.models import MessagingNumber
    from optouts.services import opt_out
    from sandbox.models import SandboxAccount, SandboxNumber

    account = SandboxAccount.objects.create(name="Bench", username="bench",
                                            password="bench-password")
    for number in (CAMPAIGN_NUMBER, BARE_NUMBER):
        SandboxNumber.objects.create(account=account, number=number)
    organization = Organization.objects.create(name="Harbor Clinic", slug="harbor")
    with scopes_disabled():
        connection = Connection.objects.create(
            organization=organization, kind=Connection.Kind.SMS,
            api_url=f"{settings.PORTAL_BASE_URL}/sandbox/sms", api_key=account.api_key,
            username=account.username, password=account.password)
        for number in (CAMPAIGN_NUMBER, BARE_NUMBER):
            row = MessagingNumber(organization=organization, number=number)
            row.set_new_secret()
            row.save()
    total = recipients + OPTED_OUT_BEFORE + OPTED_OUT_DURING
    numbers = [f"+1310{2000000 + n:07d}" for n in range(total)]
    # Odd places spread over the list, and even places near its end: apart.
    before = set(numbers[1::total // OPTED_OUT_BEFORE // 2 * 2][:OPTED_OUT_BEFORE])
    during = set(numbers[-2 * OPTED_OUT_DURING::2][:OPTED_OUT_DURING])
    for number in before:
        opt_out(organization=organization, number=number, source="import")
    campaign = services.create_campaign(
        organization=organization, user=None, name="Bench", own_number=CAMPAIGN_NUMBER,
        text=TEXT, audience=from_pasted("\n".join(numbers)), source="api",
        rate_per_minute=settings.CAMPAIGN_MAX_RATE_PER_MINUTE)
    services.start_campaign(campaign=campaign, actor=None, actor_label="bench")
    return campaign, before, during, connection


def main() -> None:
    args = parse_args()
    port = free_port()
    with bench_database(args.database_url) as database_url:
        configure(database_url, port)
        from django.db import connection as db
        from django_scopes import scopes_disabled

        import axion
        from campaigns import runner
        from campaigns.models import Campaign, CampaignStatus
        from optouts.services import opt_out
        from sandbox.models import SandboxMessage

        server = portal_server(port)
        try:
            campaign, before, during, connection = set_up(args.recipients)
            # The runner's task is not queued: no job cluster runs; it is run here.
            times = {"campaign": 0.0, "bare": 0.0}
            counts = {"campaign": 0, "bare": 0}
            bare_serial = 0
            with axion.client_for(connection) as bare_client:
                bare_client.send_sms(BARE_NUMBER, ["+12135550000"], TEXT)  # its login
                chunk = 0
                while True:
                    with scopes_disabled():
                        campaign = Campaign.objects.select_related(
                            "organization", "own_number").get(pk=campaign.pk)
                    if campaign.status != CampaignStatus.RUNNING:
                        break
                    sent_before = SandboxMessage.objects.filter(src=CAMPAIGN_NUMBER).count()
                    started = time.perf_counter()
                    runner.run_campaign(campaign=campaign, seconds=args.chunk_seconds)
                    times["campaign"] += time.perf_counter() - started
                    made = SandboxMessage.objects.filter(src=CAMPAIGN_NUMBER).count() - sent_before
                    counts["campaign"] += made
                    started = time.perf_counter()
                    for _ in range(made):
                        bare_serial += 1
                        bare_client.send_sms(BARE_NUMBER, [f"+1213{3000000 + bare_serial:07d}"],
                                             TEXT)
                    times["bare"] += time.perf_counter() - started
                    counts["bare"] += made
                    chunk += 1
                    if chunk == 1:
                        for number in during:
                            opt_out(organization=campaign.organization, number=number,
                                    source="keyword", keyword="STOP")
                    print(f"chunk {chunk}: campaign {made} sends in "
                          f"{times['campaign']:.1f} s so far, bare {counts['bare']} in "
                          f"{times['bare']:.1f} s", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
        received = Counter()
        for dst in SandboxMessage.objects.filter(src=CAMPAIGN_NUMBER).values_list("dst",
                                                                                 flat=True):
            received.update(dst)
        duplicates = sum(1 for n in received.values() if n > 1)
        reached = len((before | during) & set(received))
        campaign_rate = counts["campaign"] / times["campaign"]
        bare_rate = counts["bare"] / times["bare"]
        print(f"database: {db.vendor}; campaign {counts['campaign']} sends at "
              f"{campaign_rate:.0f}/s ({campaign.status}, sent {campaign.sent}, skipped "
              f"{campaign.skipped}, failed {campaign.failed}); bare loop {counts['bare']} "
              f"sends at {bare_rate:.0f}/s; {len(received)} numbers reached")
        print(f"ratio={campaign_rate / bare_rate:.2f} duplicates={duplicates} "
              f"opted_out_reached={reached}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
