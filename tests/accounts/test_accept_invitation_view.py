"""Accepting an invitation link: sign up as a new user, or join as a logged-in user."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation, Membership, Role, User, digest
from tests.factories import InvitationFactory

NEW_PASSWORD = "plum tree lantern 42"


def _link_path(message) -> str:
    return re.search(r"https://portal\.example\.test(/invitation/[^/\s]+/)", message.body)[1]


def _signup(email="new@example.test"):
    return {"username": "newbie", "email": email, "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD}


@pytest.fixture
def invitation(org, admin_member):
    return InvitationFactory(organization=org, role=Role.AGENT, token="the-token",
                             invited_by=admin_member.user)


def test_invitation_email_carries_a_link_that_opens_the_page(admin_client_, client):
    admin_client_.post("/organization/members/", {"email": "new@example.test", "role": "agent"})
    response = client.get(_link_path(mail.outbox[0]))
    assert response.status_code == 200
    assert b"Join Harbor Clinic" in response.content


def test_only_the_digest_of_the_token_is_stored(admin_client_):
    admin_client_.post("/organization/members/", {"email": "new@example.test", "role": "agent"})
    token = _link_path(mail.outbox[0]).split("/")[2]
    with scopes_disabled():
        invitation = Invitation.objects.get()
    assert invitation.token_digest == digest(token)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Invitation._meta.db_table}")  # noqa: S608
        row = cursor.fetchone()
    assert not any(token in str(value) for value in row)


def test_new_user_signs_up_and_joins_with_the_invited_role(client, invitation, org):
    response = client.post("/invitation/the-token/", _signup(), follow=True)
    user = User.objects.get(username="newbie")
    with scopes_disabled():
        assert Membership.objects.get(user=user).role == Role.AGENT
    assert response.context["user"] == user
    assert response.context["organization"] == org


def test_sign_up_with_a_weak_password_gets_a_field_error(client, invitation):
    data = {**_signup(), "password1": "123", "password2": "123"}
    response = client.post("/invitation/the-token/", data)
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="newbie").exists()


@pytest.fixture
def outsider_invitation(org, outsider):
    """An invitation to `org` sent to the address of `outsider`'s account."""
    return InvitationFactory(organization=org, role=Role.AGENT, token="outsider-token",
                             email=outsider.user.email)


def test_logged_in_existing_user_joins_and_lands_in_the_new_organization(outsider_client,
                                                                         outsider,
                                                                         outsider_invitation,
                                                                         org):
    response = outsider_client.post("/invitation/outsider-token/", follow=True)
    with scopes_disabled():
        assert Membership.objects.get(user=outsider.user, organization=org).role == Role.AGENT
    assert response.context["organization"] == org


def test_logged_in_user_sees_a_join_button_and_no_sign_up_form(outsider_client,
                                                              outsider_invitation):
    response = outsider_client.get("/invitation/outsider-token/")
    assert response.context["form"] is None
    assert b"You are logged in as" in response.content


def test_accepted_invitation_is_marked_used(client, invitation):
    client.post("/invitation/the-token/", _signup())
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.accepted_by.username == "newbie"
    assert invitation.accepted_at is not None


def test_used_link_shows_the_invalid_page(client, invitation):
    client.post("/invitation/the-token/", _signup())
    client.logout()
    response = client.get("/invitation/the-token/")
    assert response.status_code == 404
    assert b"This invitation is not valid" in response.content


def test_expired_link_shows_the_invalid_page(client, invitation, time_machine):
    time_machine.move_to(timezone.now() + timedelta(days=8))
    response = client.get("/invitation/the-token/")
    assert response.status_code == 404
    assert b"This invitation is not valid" in response.content


def test_link_is_still_valid_the_day_before_it_expires(client, invitation, time_machine):
    time_machine.move_to(timezone.now() + timedelta(days=6))
    assert client.get("/invitation/the-token/").status_code == 200


def test_unknown_token_shows_the_invalid_page(client, invitation):
    response = client.get("/invitation/not-the-token/")
    assert response.status_code == 404
    assert b"This invitation is not valid" in response.content


def test_expired_link_cannot_be_accepted(client, invitation, time_machine):
    time_machine.move_to(timezone.now() + timedelta(days=8))
    response = client.post("/invitation/the-token/", _signup())
    assert response.status_code == 404
    assert not User.objects.filter(username="newbie").exists()


def test_revoked_link_shows_the_invalid_page(admin_client_, client, invitation):
    admin_client_.post(f"/organization/invitations/{invitation.pk}/revoke/")
    assert client.get("/invitation/the-token/").status_code == 404


def test_signed_in_user_of_another_address_is_told_the_invitation_is_for_another(
        outsider_client, invitation):
    response = outsider_client.get("/invitation/the-token/")
    assert response.status_code == 403
    assert b"sent to another e-mail address" in response.content


def test_page_for_another_address_does_not_show_the_invited_address(outsider_client,
                                                                    invitation):
    response = outsider_client.get("/invitation/the-token/")
    assert response.status_code == 403
    assert b"sent to another e-mail address" in response.content
    assert invitation.email.encode() not in response.content


def test_signed_in_user_of_another_address_cannot_join(outsider_client, outsider, invitation,
                                                       org):
    response = outsider_client.post("/invitation/the-token/")
    assert response.status_code == 403
    with scopes_disabled():
        assert not Membership.objects.filter(user=outsider.user, organization=org).exists()
        invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_signed_in_user_whose_address_differs_only_in_case_joins(outsider_client, outsider,
                                                                 org):
    InvitationFactory(organization=org, token="case-token", email=outsider.user.email.upper())
    outsider_client.post("/invitation/case-token/")
    with scopes_disabled():
        assert Membership.objects.filter(user=outsider.user, organization=org).exists()


def test_sign_up_creates_the_account_with_the_invited_address(client, invitation):
    client.post("/invitation/the-token/", _signup(email="someone-else@example.test"))
    assert User.objects.get(username="newbie").email == invitation.email


def test_a_link_used_by_another_tab_is_refused_and_creates_no_account(client, invitation,
                                                                      monkeypatch):
    # The page found the invitation open, but another request took it before this one did.
    from accounts import services

    found = services.find_open_invitation("the-token")
    services.accept_invitation(invitation=found,
                               user=User.objects.create_user("first", invitation.email))
    monkeypatch.setattr(services, "find_open_invitation", lambda token: found)
    response = client.post("/invitation/the-token/", _signup())
    assert response.status_code == 404
    assert not User.objects.filter(username="newbie").exists()
