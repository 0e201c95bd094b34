"""manage.py create_api_key SLUG --name NAME --scopes read,send"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from accounts.models import ApiKey, AuditEntry, digest
from tests.api.helpers import key_client


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_prints_the_key_once_and_stores_its_digest(org):
    key, note = run("harbor", "--name", "Billing", "--scopes", "read,send")
    with scopes_disabled():
        row = ApiKey.objects.get(organization=org)
    assert row.digest == digest(key)
    assert row.scope_list == ["read", "send"]
    assert "shown once" in note
    assert key not in note


def test_the_key_works(org):
    key, _ = run("harbor", "--name", "Billing", "--scopes", "read")
    assert key_client(key).get("/api/v1/numbers/").status_code == 200


def test_creation_is_audited(org):
    run("harbor", "--name", "Billing")
    with scopes_disabled():
        entry = AuditEntry.objects.get(organization=org, action="api_key.created")
    assert entry.actor_label == "manage.py create_api_key"
    assert entry.detail == {"scopes": ["read"]}


def test_an_unknown_organization_is_an_error(db):
    with pytest.raises(CommandError, match="no organization"):
        run("nowhere", "--name", "Billing")


def test_an_unknown_scope_is_an_error(org):
    with pytest.raises(CommandError, match="--scopes"):
        run("harbor", "--name", "Billing", "--scopes", "read,admin")
