"""Changing and resetting a password with Django's views and the portal's templates."""

import re

from django.core import mail

from tests.factories import PASSWORD

NEW_PASSWORD = "quiet violet meadow 93"


def test_member_changes_their_password(owner_client, owner):
    response = owner_client.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert response.url == "/accounts/password_change/done/"
    owner.user.refresh_from_db()
    assert owner.user.check_password(NEW_PASSWORD)


def test_password_change_with_a_wrong_old_password_gets_a_field_error(owner_client):
    response = owner_client.post("/accounts/password_change/", {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors


def test_password_reset_sends_a_link_by_email(client, owner):
    response = client.post("/accounts/password_reset/", {"email": owner.user.email})
    assert response.url == "/accounts/password_reset/done/"
    assert mail.outbox[0].to == [owner.user.email]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_reset_link_sets_a_new_password(client, owner):
    client.post("/accounts/password_reset/", {"email": owner.user.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": NEW_PASSWORD,
                                      "new_password2": NEW_PASSWORD})
    assert response.url == "/accounts/reset/done/"
    owner.user.refresh_from_db()
    assert owner.user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_sends_nothing(client, owner):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.test"})
    assert response.url == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_used_password_reset_link_no_longer_works(client, owner):
    client.post("/accounts/password_reset/", {"email": owner.user.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link, follow=True)
    assert b"This link no longer works" in response.content
