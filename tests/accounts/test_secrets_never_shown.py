"""No page shows a stored secret: not the lists, forms, dashboard, audit log or admin.

Changing a secret stores the new value, encrypted, and shows it nowhere either; a blank
field keeps the stored value. Each check that a secret is absent comes with a positive
control: a value the same page does show (the username, the audit entry), so an empty or
wrong page cannot pass for one that hides the secret.
"""

import pytest
from django.db import connection as db
from django_scopes import scopes_disabled

from accounts.fields import decrypt
from accounts.models import Connection
from accounts.services import audit
from tests.accounts.two_factor_helpers import verified_client
from tests.factories import ConnectionFactory, UserFactory

SECRETS = {"api_key": "AK-never-shown-3a7f", "password": "PW-never-shown-9c2e",
           "session_token": "ST-never-shown-5d1b"}
NEW_SECRETS = {"api_key": "AK-changed-secret-81d4", "password": "PW-changed-secret-0b6a"}
USERNAME = "portal-user-e41c"
API_URLS = {"fax": "https://fax.axion.example/api", "sms": "https://sms.axion.example/api"}
EVERY_SECRET = [*SECRETS.values(), *NEW_SECRETS.values()]


@pytest.fixture
def connections(org):
    made = [ConnectionFactory(organization=org, kind=kind, api_url=API_URLS[kind],
                              username=USERNAME, **SECRETS) for kind in ("fax", "sms")]
    # What creating them on the page records, so the audit log has entries to show.
    for kind in ("fax", "sms"):
        audit(organization=org, action="connection.created", target=kind,
              detail={"fields": ["api_key", "api_url", "password", "username"]})
    return made


@pytest.fixture
def superuser_client(db):
    # The admin lets in a session that gave its two-factor code.
    return verified_client(UserFactory(is_staff=True, is_superuser=True))


def _assert_no_secret(response, shown):
    """The page is the expected one (status 200, `shown` in it) and holds no secret."""
    assert response.status_code == 200
    content = response.content.decode()
    for text in [shown] if isinstance(shown, str) else shown:
        assert text in content  # positive control: the page shows what it is about
    for value in EVERY_SECRET:
        assert value not in content


def _stored(kind) -> dict:
    """The connection's secrets: as read through the model, and the raw columns."""
    with scopes_disabled():
        row = Connection.objects.get(kind=kind)
    with db.cursor() as cursor:
        cursor.execute("SELECT api_key, password FROM accounts_connection WHERE id = %s",
                       [row.pk])
        raw_key, raw_password = cursor.fetchone()
    return {"api_key": row.api_key, "password": row.password,
            "raw_api_key": raw_key, "raw_password": raw_password}


def _edit(client, kind, **values):
    data = {"api_url": API_URLS[kind], "username": USERNAME, "api_key": "", "password": ""}
    if kind == "fax":
        data["time_zone"] = "UTC"
    data.update(values)
    return client.post(f"/organization/connections/{kind}/", data)


# Each page, and a value it shows: the connection's username, its state, the audit entry.
PAGES = [
    ("/", "Configured"),
    ("/organization/connections/", USERNAME),
    ("/organization/connections/fax/", f'value="{USERNAME}"'),
    ("/organization/connections/sms/", f'value="{USERNAME}"'),
    ("/organization/audit/", "connection.created"),
]


@pytest.mark.parametrize(("url", "shown"), PAGES)
def test_page_shows_no_stored_secret(owner_client, connections, url, shown):
    _assert_no_secret(owner_client.get(url), shown)


@pytest.mark.parametrize("kind", ["fax", "sms"])
def test_a_changed_secret_is_stored_encrypted_and_shown_nowhere(owner_client, connections,
                                                               kind):
    response = _edit(owner_client, kind, **NEW_SECRETS)
    assert response.status_code == 302
    _assert_no_secret(owner_client.get(response["Location"]), "was saved")

    stored = _stored(kind)
    assert stored["api_key"] == NEW_SECRETS["api_key"]
    assert stored["password"] == NEW_SECRETS["password"]
    for name in ("api_key", "password"):
        raw = stored[f"raw_{name}"]
        assert NEW_SECRETS[name] not in raw  # encrypted at rest
        assert decrypt(raw) == NEW_SECRETS[name]
    for url, shown in PAGES:
        _assert_no_secret(owner_client.get(url), shown)


@pytest.mark.parametrize("kind", ["fax", "sms"])
def test_blank_secrets_keep_the_stored_ones(owner_client, connections, kind):
    response = _edit(owner_client, kind, username="portal-renamed")
    assert response.status_code == 302
    with scopes_disabled():
        assert Connection.objects.get(kind=kind).username == "portal-renamed"  # it was saved
    stored = _stored(kind)
    assert stored["api_key"] == SECRETS["api_key"]
    assert stored["password"] == SECRETS["password"]


def test_one_changed_secret_keeps_the_other(owner_client, connections):
    response = _edit(owner_client, "fax", api_key=NEW_SECRETS["api_key"])
    assert response.status_code == 302
    stored = _stored("fax")
    assert stored["api_key"] == NEW_SECRETS["api_key"]
    assert stored["password"] == SECRETS["password"]


def test_audit_log_after_changing_secrets_shows_no_secret(owner_client, connections):
    assert _edit(owner_client, "fax", **NEW_SECRETS).status_code == 302
    assert _edit(owner_client, "sms", **NEW_SECRETS).status_code == 302
    _assert_no_secret(owner_client.get("/organization/audit/"),
                      ["connection.changed", "api_key", "password"])


def test_invalid_edit_form_does_not_echo_the_submitted_secrets(owner_client, connections):
    response = _edit(owner_client, "fax", api_url="not a url", **NEW_SECRETS)
    # The form came back with its error and echoes the fields that are not secret.
    _assert_no_secret(response, ['value="not a url"', f'value="{USERNAME}"'])
    assert response.context["form"].errors["api_url"]
    assert _stored("fax")["api_key"] == SECRETS["api_key"]


@pytest.mark.parametrize("kind_index", [0, 1], ids=["fax", "sms"])
def test_admin_change_form_shows_no_stored_secret(superuser_client, connections, kind_index):
    connection = connections[kind_index]
    _assert_no_secret(
        superuser_client.get(f"/admin/accounts/connection/{connection.pk}/change/"),
        f'value="{USERNAME}"')


def test_admin_connection_list_shows_no_stored_secret(superuser_client, connections):
    _assert_no_secret(superuser_client.get("/admin/accounts/connection/"), USERNAME)


def test_admin_change_of_secrets_stores_them_and_shows_them_nowhere(superuser_client,
                                                                    connections):
    fax = connections[0]
    url = f"/admin/accounts/connection/{fax.pk}/change/"
    response = superuser_client.post(url, {
        "api_url": API_URLS["fax"], "username": USERNAME, "time_zone": "UTC", **NEW_SECRETS})
    assert response.status_code == 302
    stored = _stored("fax")
    assert stored["api_key"] == NEW_SECRETS["api_key"]
    assert stored["password"] == NEW_SECRETS["password"]
    _assert_no_secret(superuser_client.get(url), f'value="{USERNAME}"')
    _assert_no_secret(superuser_client.get("/admin/accounts/connection/"), USERNAME)
