"""Live polls with nothing new against full fragment renders, side by side in one run.

200 simulated open tabs of one organization (each its own member, signed in, with its own
session): 100 on the inbox (5,000 conversations, 30 rows a page) and 100 on a conversation
(two members on each of 50 conversations of 60 messages, so each poll also finds the other
in presence). The organization shares the tables with a neighbour of the same size.

gunicorn serves the portal on loopback with its gunicorn.conf.py, and the same load
generator (wrk, from Debian's `wrk` package) sends, in rounds, the tabs' requests in turn:

- polls: what static/portal/live.js sends now that nothing happens: the inbox's poll with
  the ETag it holds (answered 304) and the conversation's poll with its marker (answered
  `{"changed": false, ...}`, its presence recorded in the cache);
- renders: what live.js sent before: the inbox's and the conversation's fragment, rendered
  in full at every poll.

Each answer is checked once before the rounds (a redirect to the login page would look
cheap); the two kinds alternate which goes first from one round to the next.

    python bench/live.py [--database-url postgres://postgres@127.0.0.1:5432/test]

Goal: polls answer at least 5 times as many requests per second as renders. The last line
is `ratio=<polls/renders> inbox_ratio=<…> conversation_ratio=<…>`.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _setup import ROOT, bench_database, configure_django, free_port, wait_ready

TABS = 200
CONVERSATIONS = 5_000
OPEN_CONVERSATIONS = 50  # two tabs on each
MESSAGES_PER_OPEN = 60  # more than a page (50)
CONNECTIONS = 16
WARM_UP_SECONDS = 2

LUA = """
local requests = {}
local i = 0
init = function(args)
  for _, tab in ipairs(TABS) do
    local headers = {["Cookie"] = "sessionid=" .. tab[2], ["X-Requested-With"] = "fetch"}
    if tab[3] ~= "" then headers["If-None-Match"] = tab[3] end
    requests[#requests + 1] = wrk.format("GET", tab[1], headers)
  end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server to use (a new database is created and "
                             "dropped on it); default: a temporary SQLite file")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of each kind")
    parser.add_argument("--seconds", type=int, default=3, help="seconds of each round")
    return parser.parse_args()


def fill(organization, *, seed: int) -> list:
    """The organization's number, conversations and messages; returns the conversations
    that tabs keep open (the newest, so that they are on the inbox's first page too)."""
    from django_scopes import scopes_disabled

    from messaging.models import Conversation, Direction, Message, MessageStatus, MessagingNumber

    # Every marker settled: changed well before the polls (messaging/live.py GRACE).
    start = datetime.now(UTC) - timedelta(days=30)
    with scopes_disabled():
        number = MessagingNumber(organization=organization, number=f"+1800555{seed:04d}",
                                 activated_at=start)
        number.set_new_secret()
        number.save()
        conversations = Conversation.objects.bulk_create([
            Conversation(organization=organization, own_number=number,
                         participants=f"+1415{seed:02d}{i:05d}",
                         last_message_at=start + timedelta(minutes=i),
                         last_preview=f"Last message about the appointment {i}",
                         last_direction=Direction.INBOUND, unread_count=0, changed_at=start)
            for i in range(CONVERSATIONS)], batch_size=1000)
        conversations = list(Conversation.objects.filter(organization=organization)
                             .order_by("-last_message_at"))
        open_ones = conversations[:OPEN_CONVERSATIONS]
        rows = []
        for conversation in conversations:
            count = MESSAGES_PER_OPEN if conversation in open_ones else 1
            for j in range(count):
                inbound = j % 2 == 0
                rows.append(Message(
                    organization=organization, uuid=f"{seed}-{conversation.pk}-{j}",
                    conversation=conversation,
                    direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
                    source=conversation.participants if inbound else number.number,
                    destinations=[number.number if inbound else conversation.participants],
                    text=f"Message {j}: can we move Tuesday's appointment to the afternoon?",
                    status=MessageStatus.RECEIVED if inbound else MessageStatus.SENT,
                    sent_at=conversation.last_message_at - timedelta(minutes=count - j),
                    created_at=start, updated_at=start))
        Message.objects.bulk_create(rows, batch_size=2000)
    return open_ones


def sign_in(organization, count: int, *, prefix: str) -> list[str]:
    """`count` agents of the organization, each signed in: their session cookies."""
    from django.test import Client
    from django_scopes import scopes_disabled

    from accounts.models import Membership, Role, User

    cookies = []
    with scopes_disabled():
        for i in range(count):
            user = User(username=f"{prefix}-{i:03d}")
            user.set_unusable_password()  # no password hash per user: they never type one
            user.save()
            Membership.objects.create(user=user, organization=organization, role=Role.AGENT)
            client = Client()
            client.force_login(user)
            cookies.append(client.cookies["sessionid"].value)
    return cookies


def get(base: str, path: str, cookie: str, etag: str = ""):
    request = urllib.request.Request(base + path, headers={
        "Cookie": f"sessionid={cookie}", "X-Requested-With": "fetch",
        **({"If-None-Match": etag} if etag else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:  # 304 comes as an "error"
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the login page) is an answer to check, not to follow


def tabs_of(base: str, inbox_cookies: list[str], conversation_cookies: list[str],
            open_ones: list) -> dict[str, list[tuple[str, str, str]]]:
    """Each tab's poll and render requests: (path, session cookie, If-None-Match), each
    checked once against the running server."""
    urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
    polls, renders = [], []
    for cookie in inbox_cookies:
        status, headers, _ = get(base, "/messaging/live/", cookie)
        assert status == 200 and headers.get("ETag"), (status, headers)
        etag = headers["ETag"]
        assert get(base, "/messaging/live/", cookie, etag)[0] == 304
        polls.append(("/messaging/live/", cookie, etag))
        status, _, body = get(base, "/messaging/fragment/", cookie)
        assert status == 200 and body.count(b'<li class="conversation-row') == 30, status
        renders.append(("/messaging/fragment/", cookie, ""))
    for i, cookie in enumerate(conversation_cookies):
        conversation = open_ones[i % len(open_ones)]
        live = f"/messaging/conversations/{conversation.pk}/live/"
        status, _, body = get(base, live, cookie)
        answer = json.loads(body)
        assert status == 200 and answer["changed"] and answer["marker"], (status, answer)
        path = f"{live}?marker={answer['marker']}"
        polls.append((path, cookie, ""))
        fragment = f"/messaging/conversations/{conversation.pk}/fragment/"
        status, _, body = get(base, fragment, cookie)
        assert status == 200 and body.count(b'<li class="bubble') == 50, status
        renders.append((fragment, cookie, ""))
    for path, cookie, _ in polls[len(inbox_cookies):]:
        answer = json.loads(get(base, path, cookie)[2])
        # Nothing new, and the other member of the conversation is found in the cache.
        assert answer["changed"] is False and len(answer["presence"]) == 1, answer
    return {"polls": polls, "renders": renders}


def run_wrk(base: str, script: Path, seconds: int) -> float:
    """Requests per second answered 2xx or 304 in one round."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), base + "/"],
        capture_output=True, text=True, check=True).stdout
    completed = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or errors:
        print(f"  {script.stem}: {bad.group(1) if bad else 0} answers not 2xx or 3xx; "
              f"socket errors: {errors.group(1) if errors else 'none'}")
    return (completed - (int(bad.group(1)) if bad else 0)) / seconds


def lua_script(folder: Path, name: str, tabs: list[tuple[str, str, str]]) -> Path:
    rows = ",\n".join("{" + ", ".join(json.dumps(v) for v in tab) + "}" for tab in tabs)
    script = folder / f"{name}.lua"
    script.write_text(f"TABS = {{\n{rows}\n}}\n{LUA}")
    return script


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("This benchmark needs wrk: apt-get install wrk (or make bench).")
    with bench_database(args.database_url) as url:
        configure_django(url)
        from django.db import connection

        from accounts.models import Organization

        began = time.perf_counter()
        organization = Organization.objects.create(name="Bench", slug="bench")
        open_ones = fill(organization, seed=1)
        fill(Organization.objects.create(name="Neighbour", slug="neighbour"), seed=2)
        cookies = sign_in(organization, TABS, prefix="agent")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        vendor = connection.vendor
        connection.close()
        print(f"filled: 2 x {CONVERSATIONS} conversations, {TABS} members signed in, in "
              f"{time.perf_counter() - began:.1f}s", flush=True)

        port = free_port()
        env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "",
               "PYTHONPATH": str(ROOT)}
        log_file = tempfile.TemporaryFile()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "-c",
             str(ROOT / "gunicorn.conf.py")], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=log_file)
        base = f"http://127.0.0.1:{port}"
        rates: dict[str, list[float]] = {}
        try:
            try:
                wait_ready(base + "/healthz")
            except SystemExit:
                log_file.seek(0)
                print(log_file.read().decode(errors="replace")[-3000:])
                raise
            half = TABS // 2
            tabs = tabs_of(base, cookies[:half], cookies[half:], open_ones)
            with tempfile.TemporaryDirectory() as folder:
                scripts = {}
                for kind in ("polls", "renders"):
                    # All tabs together, and each half alone for the ratio per page.
                    scripts[kind] = lua_script(Path(folder), kind, tabs[kind])
                    scripts[f"inbox_{kind}"] = lua_script(Path(folder), f"inbox_{kind}",
                                                          tabs[kind][:half])
                    scripts[f"conversation_{kind}"] = lua_script(
                        Path(folder), f"conversation_{kind}", tabs[kind][half:])
                for script in scripts.values():
                    run_wrk(base, script, WARM_UP_SECONDS)
                names = list(scripts)
                rates = {name: [] for name in names}
                for round_number in range(args.rounds):
                    shift = round_number % len(names)
                    for name in names[shift:] + names[:shift]:
                        rates[name].append(run_wrk(base, scripts[name], args.seconds))
                    print(f"round {round_number + 1}: " + ", ".join(
                        f"{name} {rates[name][-1]:.0f}/s" for name in names), flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
        median = {name: statistics.median(values) for name, values in rates.items()}
        print(f"database: {vendor}; medians of {args.rounds} rounds of {args.seconds}s, "
              f"{TABS} tabs ({TABS // 2} inbox, {TABS // 2} conversation), requests/s: "
              + ", ".join(f"{name} {value:.0f}" for name, value in median.items()))
        print(f"ratio={median['polls'] / median['renders']:.2f} "
              f"inbox_ratio={median['inbox_polls'] / median['inbox_renders']:.2f} "
              f"conversation_ratio="
              f"{median['conversation_polls'] / median['conversation_renders']:.2f}")


if __name__ == "__main__":
    main()
