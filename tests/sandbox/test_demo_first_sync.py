"""seed_demo runs the demo's first sync itself: its messages and faxes are in the portal
right after it, before any scheduled job runs."""

import socket

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from faxes.models import Fax, FaxSync
from messaging.models import Conversation, Message, MessageSync
from sandbox.models import SandboxFax, SandboxMessage


@pytest.fixture
def at_live_server(live_server, settings):
    """The portal's base URL is the live test server's: a portal already answers there, as
    when seed_demo runs beside `make run`."""
    settings.PORTAL_BASE_URL = live_server.url
    return live_server


def test_the_demos_messages_are_in_the_portal_right_after_seeding(at_live_server, capsys):
    call_command("seed_demo")
    with scopes_disabled():
        assert Message.objects.count() == SandboxMessage.objects.count()
        assert Conversation.objects.count() == 8
        assert MessageSync.objects.get().last_success_at is not None
    assert "First sync done" in capsys.readouterr().out


def test_the_demos_history_is_read_but_for_a_few_conversations(at_live_server):
    call_command("seed_demo")
    with scopes_disabled():
        unread = Conversation.objects.filter(unread_count__gt=0)
        # The sync leaves every conversation with an inbound message unread (6 of 8).
        assert 0 < unread.count() <= 3


def test_the_demos_past_week_of_faxes_is_in_the_portal_right_after_seeding(at_live_server):
    call_command("seed_demo")
    with scopes_disabled():
        stored = set(Fax.objects.values_list("customer_field", "sent_at"))
        sync = FaxSync.objects.get()
    # Every fax sent by then, the week's first day's included (the fax API gives times to
    # the second).
    sent = {(field, time.replace(microsecond=0)) for field, time in SandboxFax.objects
            .filter(time__lte=sync.last_success_at).values_list("customer_field", "time")}
    assert len(sent) > 40
    assert stored == sent
    assert sync.last_error == ""


def test_a_base_url_the_command_cannot_serve_leaves_the_sync_to_the_jobs(db, capsys):
    # pytest.ini's base URL is https://portal.example.test: no network is tried.
    call_command("seed_demo")
    with scopes_disabled():
        assert not Message.objects.exists()
        assert not Fax.objects.exists()
    out = capsys.readouterr().out
    assert "First sync not run here: https://portal.example.test is not a local http" in out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_no_server_running_the_command_serves_the_portal_for_its_sync(
        transactional_db, settings):
    # As under `make run`: the base URL is a local address where nothing answers yet.
    port = _free_port()
    settings.PORTAL_BASE_URL = f"http://127.0.0.1:{port}"
    call_command("seed_demo")
    with scopes_disabled():
        assert Message.objects.count() == SandboxMessage.objects.count()
        assert Fax.objects.exists()
    with socket.socket() as sock:  # and nothing answers there any more: the real server's
        assert sock.connect_ex(("127.0.0.1", port)) != 0
