"""Scale-out: two gunicorn processes and two job clusters on one PostgreSQL and one Redis.

Messages are sent through both web processes with the API, inbound messages arrive as
webhooks (the sandbox posts them to one server, and each is replayed to the other), and the
test checks that every event is processed, each message stored once, each conversation's
unread count counted once, each scheduled job run once per interval, not once per
cluster, and each scheduled send handed to the provider once while both clusters race on
it. Run by .ci/run (`pytest -m scaleout`); needs PostgreSQL and Redis on loopback.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.services import skip_or_fail

pytestmark = pytest.mark.scaleout

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("SCALEOUT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/7")
CONTACTS = ["+12135550143", "+13235550187", "+16195550122", "+14155550199"]
INBOUND = 8


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:  # not listening yet
        return 0, b""


def _wait(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def database():
    try:
        import psycopg
    except ImportError:
        skip_or_fail("psycopg is not installed")
    name = f"portal_scaleout_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        skip_or_fail(f"PostgreSQL is not reachable at {POSTGRES}: {error}")
    yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(database, tmp_path_factory):
    try:
        import redis
    except ImportError:
        skip_or_fail("redis (the Python client) is not installed")
    try:
        redis.Redis.from_url(REDIS).flushdb()
    except redis.exceptions.ConnectionError as error:
        skip_or_fail(f"Redis is not reachable at {REDIS}: {error}")
    folder = tmp_path_factory.mktemp("scaleout")
    ports = [_port(), _port()]
    env = {
        **os.environ, "DEBUG": "false", "SECRET_KEY": "scale-out-test-key",
        "FIELD_ENCRYPTION_KEYS": "FRGTlXw8hpCwW-pHx0Ls3nAK2y6DkCQaDc5wYmRXEM4=",
        "STATIC_MANIFEST": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
        "AXION_SANDBOX": "true", "DATABASE_URL": database.replace("postgresql", "postgres", 1),
        "REDIS_URL": REDIS, "Q_BROKER": "redis", "Q_CLUSTER_NAME": "scaleout",
        "Q_SYNC": "false", "PORTAL_BASE_URL": f"http://127.0.0.1:{ports[0]}",
        "MEDIA_ROOT": str(folder / "media"), "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "", "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4",
        "API_RATE": "", "WEBHOOK_CONFIRM_NEW_SMS": "true",
        "JOB_WAKE_LEASE_SECONDS": "0.1",  # the default, not the unit tests' 0
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def manage(*args):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--no-input")
    manage("seed_demo")
    key = manage("create_api_key", "demo", "--name", "scale-out", "--scopes",
                 "read,send").strip().splitlines()[-1].strip()
    log = open(folder / "processes.log", "wb")  # noqa: SIM115 - closed at the end
    processes = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "portal.wsgi", "-c",
                          "gunicorn.conf.py"], cwd=ROOT, stdout=log, stderr=log,
                         env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"})
        for port in ports
    ] + [subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                          stdout=log, stderr=log) for _ in range(2)]
    started = time.time()
    try:
        for port in ports:
            _wait(lambda p=port: _http("GET", f"http://127.0.0.1:{p}/healthz")[0] == 200,
                  60, f"gunicorn on {port}")
        yield {"urls": [f"http://127.0.0.1:{p}" for p in ports], "key": key,
               "manage": manage, "started": started}
    finally:
        _stop(processes)
        log.close()


def _stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _state(cluster) -> dict:
    """What the portal's database holds, read through Django in a fresh process."""
    out = cluster["manage"]("shell", "--no-imports", "-c", """
import json
from django.db.models import Count
from django_scopes import scopes_disabled
from django_q.models import Task
from messaging.models import Conversation, Message, WebhookEvent
with scopes_disabled():
    print(json.dumps({
        "events": dict(WebhookEvent.objects.values_list("state").annotate(n=Count("id"))),
        "messages": list(Message.objects.values("uuid", "status", "direction")),
        # The conversations of this test's inbound senders (+1707555....).
        "unread": sum(Conversation.objects.filter(participants__startswith="+1707555")
                      .values_list("unread_count", flat=True)),
        "inbound": list(Message.objects.filter(source__startswith="+1707555")
                        .values_list("uuid", flat=True)),
        "tasks": [(t.group, t.started.timestamp()) for t in Task.objects.exclude(group=None)],
    }))
""")
    return json.loads(out.strip().splitlines()[-1])


def test_every_event_once_every_message_once_every_job_once_per_interval(cluster):
    web_a, web_b = cluster["urls"]
    auth = {"Authorization": f"Bearer {cluster['key']}", "Content-Type": "application/json"}

    # Sends through both web processes.
    sent = []
    for i, contact in enumerate(CONTACTS * 2):
        url = (web_a, web_b)[i % 2] + "/api/v1/messages/"
        body = json.dumps({"from": "+18056421414", "to": [contact],
                           "text": f"Scale-out message {i}"}).encode()
        status, answer = _http("POST", url, body, {**auth, "Idempotency-Key": f"so-{i}"})
        assert status == 201, answer
        sent += [m["uuid"] for m in json.loads(answer)["messages"]]

    # Inbound messages: the sandbox posts each newSMS to the first server...
    for i in range(INBOUND):
        cluster["manage"]("sandbox_inbound", "+13109549528", "--from", f"+1707555{i:04d}",
                          "--text", f"Inbound {i}")
    bodies = json.loads(cluster["manage"]("shell", "--no-imports", "-c", """
import json
from django_scopes import scopes_disabled
from messaging.models import WebhookEvent
with scopes_disabled():
    print(json.dumps([bytes(e.body).decode() for e in WebhookEvent.objects.filter(
        event_type="newSMS").order_by("id")]))
""").strip().splitlines()[-1])
    assert len(bodies) == INBOUND
    # ...and each is delivered again to the second, as an at-least-once sender would.
    number_path = json.loads(cluster["manage"]("shell", "--no-imports", "-c", """
import json
from django_scopes import scopes_disabled
from messaging.models import MessagingNumber
with scopes_disabled():
    print(json.dumps(MessagingNumber.objects.get(number="+13109549528").webhook_path))
""").strip().splitlines()[-1])
    for body in bodies:
        status, _ = _http("POST", web_b + number_path, body.encode(),
                          {"Content-Type": "application/json"})
        assert status == 200

    last = {}

    def settled():
        state = _state(cluster)
        by_uuid = {m["uuid"]: m for m in state["messages"]}
        last.update(events=state["events"],
                    sends=[by_uuid.get(u, {}).get("status") for u in sent])
        done = (set(state["events"]) <= {"processed"}
                and all(status == "SENT" for status in last["sends"]))
        return state if done else None

    try:
        state = _wait(settled, 120, "every event processed and every send SENT")
    except AssertionError as error:
        raise AssertionError(f"{error}; last seen: {last}") from None
    uuids = [m["uuid"] for m in state["messages"]]
    assert len(uuids) == len(set(uuids)), "a message was stored twice"
    assert len(state["inbound"]) == INBOUND
    # Each inbound message counted once as unread, though its event came twice.
    assert state["unread"] == INBOUND

    # Scheduled jobs: watch more than a minute. Two clusters that both fired a due schedule
    # would leave two runs of it seconds apart; runs on the schedule's grid are a minute
    # apart (the first, late one can be closer to the second).
    elapsed = time.time() - cluster["started"]
    if elapsed < 100:
        time.sleep(100 - elapsed)
    tasks = _state(cluster)["tasks"]
    runs: dict[str, list[float]] = {}
    for group, started in tasks:
        runs.setdefault(group, []).append(started)
    for every_minute in ("heartbeat", "process_webhook_events", "sandbox_advance"):
        assert runs.get(every_minute), f"{every_minute} never ran: {runs}"
    for group, times in runs.items():
        times.sort()
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert all(gap > 15 for gap in gaps), f"{group} ran twice in one interval: {times}"


SCHEDULED = 20


def test_two_job_clusters_send_each_due_scheduled_message_once(cluster):
    """20 messages scheduled for the same moment; when it comes, both clusters run the
    scheduled-send job (on its schedule, and queued again on both at once, as a task run twice
    or a restart would): each message reaches the sandbox exactly once."""
    web_a, web_b = cluster["urls"]
    auth = {"Authorization": f"Bearer {cluster['key']}", "Content-Type": "application/json"}
    due = datetime.now(UTC) + timedelta(seconds=10)
    texts = [f"Scheduled scale-out message {i}" for i in range(SCHEDULED)]
    for i, text in enumerate(texts):
        body = json.dumps({"from": "+18056421414", "to": [CONTACTS[i % len(CONTACTS)]],
                           "text": text, "send_at": due.isoformat()}).encode()
        status, answer = _http("POST", (web_a, web_b)[i % 2] + "/api/v1/messages/", body, auth)
        assert status == 201, answer
        assert json.loads(answer)["messages"][0]["status"] == "SCHEDULED"
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1)
    cluster["manage"]("shell", "--no-imports", "-c", """
from django_q.tasks import async_task
for _ in range(6):
    async_task("messaging.tasks.send_scheduled_messages")
""")

    def state():
        out = cluster["manage"]("shell", "--no-imports", "-c", """
import json
from django.db.models import Count
from django_scopes import scopes_disabled
from messaging.models import Message
from sandbox.models import SandboxMessage
with scopes_disabled():
    print(json.dumps({
        "portal": list(Message.objects.filter(text__startswith="Scheduled scale-out")
                       .values_list("status", flat=True)),
        "sandbox": dict(SandboxMessage.objects.filter(text__startswith="Scheduled scale-out")
                        .values_list("text").annotate(n=Count("id"))),
    }))
""")
        return json.loads(out.strip().splitlines()[-1])

    last = {}

    def all_handed_over():
        last.update(state())
        waiting = {"SCHEDULED", "SENDING", "UNKNOWN"}
        return len(last["portal"]) == SCHEDULED and not waiting & set(last["portal"])

    try:
        _wait(all_handed_over, 120, "every scheduled message handed over")
    except AssertionError as error:
        raise AssertionError(f"{error}; last seen: {last}") from None
    time.sleep(5)  # a late duplicate would show now
    counts = state()["sandbox"]
    assert counts == {text: 1 for text in texts}, counts
