"""The unsubscribe link of notification e-mails: one click sets that kind to never without
signing in; a GET alone changes nothing; a token not made by the portal is refused."""

from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from notifications.models import Delivery, Kind, Preference
from notifications.services import unsubscribe_token


def link(membership, *kinds) -> str:
    token = unsubscribe_token(organization_id=membership.organization_id,
                              user_id=membership.user_id, kinds=kinds or [Kind.NEW_MESSAGE])
    return reverse("notification_unsubscribe", args=[token])


def chosen(membership) -> dict[str, str]:
    with scopes_disabled():
        return dict(Preference.objects.filter(user=membership.user)
                    .values_list("kind", "delivery"))


def test_one_click_sets_the_kind_to_never_without_signing_in(agent):
    response = Client().post(link(agent, Kind.NEW_MESSAGE))
    assert response.status_code == 200
    assert "You get no more e-mails about new messages" in response.content.decode()
    assert chosen(agent) == {Kind.NEW_MESSAGE: Delivery.NEVER}


def test_mail_clients_one_click_post_works(agent):
    # RFC 8058: the client POSTs this body, with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        link(agent, Kind.MENTION, Kind.NEW_MESSAGE), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert chosen(agent) == {Kind.MENTION: Delivery.NEVER, Kind.NEW_MESSAGE: Delivery.NEVER}


def test_opening_the_link_only_asks(agent):
    response = Client().get(link(agent))
    assert "Stop these e-mails?" in response.content.decode()
    assert chosen(agent) == {}


def test_tampered_token_is_refused(agent):
    token = link(agent).split("/")[-2]
    tampered = reverse("notification_unsubscribe",
                       args=[token[:-1] + ("A" if token[-1] != "A" else "B")])
    response = Client().post(tampered)
    assert response.status_code == 400
    assert chosen(agent) == {}


def test_token_of_a_member_who_left_is_refused(agent):
    url = link(agent)
    with scopes_disabled():
        agent.delete()
    assert Client().post(url).status_code == 404


def test_signed_in_member_of_another_organization_unsubscribes_the_tokens_member(
        agent, outsider_client):
    outsider_client.post(link(agent))
    assert chosen(agent) == {Kind.NEW_MESSAGE: Delivery.NEVER}
