"""create_organization: an organization with its owner, the password never on the command line."""

import os

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from accounts.models import Membership, Organization, Role, User
from tests.factories import UserFactory

STRONG = "granite harbor sunrise 58"


@pytest.fixture
def no_tty(monkeypatch):
    monkeypatch.setattr(os, "isatty", lambda fd: False)


@pytest.fixture
def owner_password(monkeypatch):
    monkeypatch.setenv("PORTAL_OWNER_PASSWORD", STRONG)


def _create(slug="north", **options):
    call_command("create_organization", slug, **{"name": "North Dental", "owner": "nora",
                                                 **options}, stdout=None)


def test_creates_the_organization_and_a_new_owner(db, owner_password, no_tty):
    _create(email="nora@example.test", time_zone="Europe/Berlin")
    organization = Organization.objects.get(slug="north")
    user = User.objects.get(username="nora")
    assert (organization.name, organization.time_zone) == ("North Dental", "Europe/Berlin")
    assert user.check_password(STRONG)
    with scopes_disabled():
        assert Membership.objects.get(organization=organization).user == user
        assert Membership.objects.get(organization=organization).role == Role.OWNER


def test_existing_user_becomes_owner_without_a_password(db, no_tty, monkeypatch):
    monkeypatch.delenv("PORTAL_OWNER_PASSWORD", raising=False)
    UserFactory(username="nora")
    _create()
    with scopes_disabled():
        assert Membership.objects.get().user.username == "nora"


def test_duplicate_slug_is_refused(org, owner_password, no_tty):
    with pytest.raises(CommandError, match="slug 'harbor' exists already"):
        _create(slug="harbor")


def test_invalid_slug_is_refused(db, owner_password, no_tty):
    with pytest.raises(CommandError, match="slug"):
        _create(slug="not a slug")
    assert not Organization.objects.exists()


def test_unknown_time_zone_is_refused_and_creates_nothing(db, owner_password, no_tty):
    with pytest.raises(CommandError, match="time_zone: Value 'Mars/Olympus_Mons'"):
        _create(time_zone="Mars/Olympus_Mons")
    assert not Organization.objects.exists()
    assert not User.objects.filter(username="nora").exists()


def test_weak_owner_password_is_refused(db, monkeypatch, no_tty):
    monkeypatch.setenv("PORTAL_OWNER_PASSWORD", "123")
    with pytest.raises(CommandError, match="The password is too weak"):
        _create()
    assert not User.objects.filter(username="nora").exists()


def test_missing_owner_password_without_a_tty_is_refused(db, monkeypatch, no_tty):
    monkeypatch.delenv("PORTAL_OWNER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="Set PORTAL_OWNER_PASSWORD"):
        _create()
    assert not Organization.objects.exists()


def test_missing_name_is_refused(db):
    with pytest.raises(CommandError, match="--name"):
        call_command("create_organization", "north", owner="nora")
