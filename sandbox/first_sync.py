"""The demo's first sync, run by seed_demo itself: the first page after `make run` already
shows the demo's messages and faxes, rather than staying empty until the scheduled jobs
first run minutes later.

It runs the sync jobs' own functions (faxes.tasks.sync_faxes, messaging.tasks.sync_messages)
for the demo organization, so the portal reaches the sandbox exactly as those jobs do: over
HTTP, at the connections' URLs (PORTAL_BASE_URL/sandbox/...), through the outbound guard.
`make run` seeds the demo before it starts the web server, so nothing answers there yet:
while the sync runs, `portal_answering()` serves the portal's WSGI application itself, on a
thread of this process, at the base URL's own loopback address and port. The server it
starts is gone before the real one starts. When the port is taken, a portal already runs
there (seed_demo run by hand beside `make run`, or a test's live server) and answers.

A base URL that is not plain http on a loopback address belongs to a deployment whose web
server this command does not run; the first sync is then left to the scheduled jobs, as it
is for every other organization.
"""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connections

from accounts.models import Organization
from charts.tasks import recount_activity_window
from faxes.tasks import sync_faxes
from messaging.tasks import sync_messages

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Days of fax history fetched besides today's: the week the demo's faxes span.
FAX_HISTORY_DAYS = 7


def why_not_served() -> str:
    """Why the first sync cannot run from this command, or "" when it can."""
    if not settings.AXION_SANDBOX:
        return "the sandbox is off (AXION_SANDBOX)"
    url = urlsplit(settings.PORTAL_BASE_URL)
    if url.scheme != "http" or url.hostname not in LOOPBACK_HOSTS:
        return (f"{settings.PORTAL_BASE_URL} is not a local http address this command can "
                "serve; the scheduled sync jobs fetch them")
    return ""


class _QuietHandler(WSGIRequestHandler):
    """No access log on the terminal: these few requests are the sync's own."""

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def _server_class(host: str) -> type[WSGIServer]:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return type("PortalServer", (WSGIServer,), {"address_family": family})


@contextmanager
def portal_answering() -> Iterator[None]:
    """The portal answers at PORTAL_BASE_URL while the block runs (see the module's
    docstring); call only when why_not_served() is ""."""
    url = urlsplit(settings.PORTAL_BASE_URL)
    host, port = url.hostname, url.port or 80
    try:
        server = make_server(host, port, get_wsgi_application(),
                             server_class=_server_class(host), handler_class=_QuietHandler)
    except OSError:
        # The address is taken: a portal already runs there and answers.
        yield
        return

    def serve() -> None:
        try:
            server.serve_forever(poll_interval=0.1)
        finally:
            connections.close_all()  # this thread's own database connection

    thread = threading.Thread(target=serve, name="first-sync-portal", daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run_first_sync(organization: Organization, *, today: date) -> None:
    """The organization's messages, and its faxes of the past week and today, fetched by
    the sync jobs' functions (each records its outcome, failures included, where the pages
    show it: a failed first sync is retried by the scheduled jobs)."""
    with portal_answering():
        sync_messages(organization_id=organization.pk)
        for days_ago in range(FAX_HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=days_ago)
            sync_faxes(organization_id=organization.pk, date=day.isoformat())
        sync_faxes(organization_id=organization.pk)  # today, as every scheduled run does
    recount_activity_window(organization_id=organization.pk)  # the charts' past days
