"""End-to-end tests: a real browser (Debian's Chromium, driven by Playwright) against the
real portal: gunicorn and a django-q2 cluster, started as processes on a fresh SQLite
database seeded with the demo organization, the sandbox of Axion's APIs switched on.

Every test leaves a screenshot of its last page in test-results/e2e/; a failing test also
leaves the page's HTML there.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.helpers import RESULTS, ROOT
from tests.services import skip_or_fail

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Portal:
    """The running portal: its URL, and `manage()` to run a command against its database."""

    def __init__(self, folder: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DEBUG": "true", "AXION_SANDBOX": "true", "STATIC_MANIFEST": "false",
            "DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"), "PORTAL_BASE_URL": self.url,
            "SECRET_KEY": "e2e-secret-key", "Q_SYNC": "false", "Q_WORKERS": "2",
            "JOB_WAKE_LEASE_SECONDS": "0.1",  # the default, not the unit tests' 0
            "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_ACCESS_LOG": "",
            "LOG_LEVEL": "WARNING",
            # Outgoing webhooks' tests register an endpoint on a receiver of their own.
            "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def manage(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        """Run Python in the portal's Django, e.g. to read what the sandbox holds."""
        # --no-imports: Django 5.2's shell would print what it imported automatically.
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def start(self) -> None:
        self.manage("migrate", "--no-input")
        self.manage("seed_demo")
        log = open(self.folder / "server.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log))
        self.processes.append(subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=self.env,
            stdout=log, stderr=log))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("The portal did not start:\n" +
                           (self.folder / "server.log").read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    shutil.rmtree(RESULTS, ignore_errors=True)
    if not Path(CHROMIUM).exists():
        skip_or_fail("No Chromium at /usr/bin/chromium: install Debian's chromium package "
                     "(make test does it with apt when it can).")
    server = Portal(tmp_path_factory.mktemp("portal"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail("No Chromium at /usr/bin/chromium: install Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, portal, request):
    """A fresh browser page (its own cookies) at 1280 px, base URL the portal's."""
    context = browser.new_context(base_url=portal.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name
    page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        (RESULTS / f"{name}.html").write_text(page.content())
    context.close()

