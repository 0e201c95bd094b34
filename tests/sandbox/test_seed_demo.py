"""seed_demo: the demo organization on the sandbox, with history; idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEntry, Connection, Membership, Organization, Role, User
from sandbox import services
from sandbox.models import SandboxAccount, SandboxFax, SandboxMedia, SandboxMessage


@pytest.fixture
def seeded(db, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    call_command("seed_demo")
    return SandboxAccount.objects.get(username="demo-clinic")


def counts():
    with scopes_disabled():
        return (Organization.objects.count(), User.objects.count(), Connection.objects.count(),
                AuditEntry.objects.count(), SandboxAccount.objects.count(),
                SandboxFax.objects.count(), SandboxMessage.objects.count(),
                SandboxMedia.objects.count())


def test_creates_demo_clinic_owned_by_demo(seeded):
    organization = Organization.objects.get(slug="demo")
    assert organization.name == "Demo Clinic"
    with scopes_disabled():
        membership = Membership.objects.get(organization=organization, role=Role.OWNER)
    assert membership.user.username == "demo"
    assert membership.role == Role.OWNER
    assert membership.user.check_password("demo")


def test_demo_has_an_agent_and_a_viewer_login(seeded):
    with scopes_disabled():
        roles = dict(Membership.objects.filter(organization__slug="demo")
                     .values_list("user__username", "role"))
    assert roles == {"demo": Role.OWNER, "agent": Role.AGENT, "viewer": Role.VIEWER}
    assert User.objects.get(username="agent").check_password("agent")


def test_demo_numbers_are_registered_at_the_sandbox(seeded):
    from messaging.models import MessagingNumber

    with scopes_disabled():
        numbers = {n.number: n for n in MessagingNumber.objects.filter(organization__slug="demo")}
    assert set(numbers) == {"+13109549528", "+18056421414"}
    callback = seeded.numbers.get(number="+18056421414").callback_url
    assert callback == numbers["+18056421414"].webhook_url
    assert numbers["+18056421414"].registered_at is not None


def test_connections_point_at_the_sandbox_with_its_credentials(seeded):
    with scopes_disabled():
        connections = {c.kind: c for c in Connection.objects.filter(organization__slug="demo")}
    assert connections["fax"].api_url == "https://portal.example.test/sandbox/fax"
    assert connections["sms"].api_url == "https://portal.example.test/sandbox/sms"
    for connection in connections.values():
        assert connection.api_key == seeded.api_key
        assert services.login(api=connection.kind, api_key=connection.api_key,
                              username=connection.username, password=connection.password)
    assert connections["fax"].time_zone == seeded.time_zone


def test_creates_two_messaging_numbers_and_a_spare_one(seeded):
    assert set(seeded.numbers.values_list("number", flat=True)) == {
        "+13109549528", "+18056421414", "+16265550100"}


def test_faxes_have_every_status_now(seeded):
    now = timezone.now()
    states = {services.fax_state(fax, now)[0] for fax in services.visible_faxes(seeded, now)}
    assert states == {"QUEUED", "PROGRESS", "SENT", "FAILED"}


def test_faxes_span_a_week_with_the_providers_quirks(seeded):
    faxes = SandboxFax.objects.filter(account=seeded)
    days = {fax.time.date() for fax in faxes}
    assert len(days) >= 7
    assert faxes.filter(customer_field__isnull=True).exists()
    assert faxes.exclude(destination__regex=r"^1\d{10}$").exists()


def test_some_faxes_arrive_later(seeded):
    assert SandboxFax.objects.filter(account=seeded, time__gt=timezone.now()).exists()


def test_a_few_hundred_messages_in_both_directions(seeded):
    messages = SandboxMessage.objects.filter(account=seeded)
    assert 200 <= messages.count() <= 500
    assert messages.filter(direction="in", status="RECEIVED").count() > 50
    assert messages.filter(direction="out", status="SENT").count() > 50
    assert messages.filter(status="FAILED").exists()
    assert not messages.filter(time__gt=timezone.now()).exists()


def test_several_conversations_some_with_media(seeded):
    contacts = {m.src for m in SandboxMessage.objects.filter(direction="in")}
    assert len(contacts) >= 5
    assert SandboxMedia.objects.filter(message__account=seeded).count() >= 5


def test_prints_the_url_and_the_login(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "https://portal.example.test/" in out
    assert "demo / demo" in out


def test_running_again_changes_nothing(seeded):
    before = counts()
    call_command("seed_demo")
    assert counts() == before


def test_if_new_does_nothing_when_the_demo_exists(seeded, capsys):
    SandboxFax.objects.all().delete()
    call_command("seed_demo", "--if-new")
    assert not SandboxFax.objects.exists()
    assert "exists" in capsys.readouterr().out


def test_if_new_creates_the_demo_on_a_fresh_database(db):
    call_command("seed_demo", "--if-new")
    assert Organization.objects.filter(slug="demo").exists()
