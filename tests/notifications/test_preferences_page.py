"""The preferences page: per kind the member receives, immediately / digest / never, and the
digest's interval; each member's own, in their organization."""

from django.urls import reverse
from django_scopes import scopes_disabled

from notifications.models import DigestInterval, Kind, Preference

PAGE = reverse("notification_preferences")


def stored(membership):
    with scopes_disabled():
        kinds = dict(Preference.objects.filter(user=membership.user)
                     .values_list("kind", "delivery"))
        minutes = DigestInterval.objects.filter(user=membership.user).values_list(
            "minutes", flat=True).first()
    return kinds, minutes


AGENT_CHOICES = {"new_message": "never", "mention": "digest", "send_failed": "immediately",
                 "fax_failed": "digest", "fax_alert": "never", "digest_minutes": "60"}


def test_page_shows_the_defaults(agent_client):
    form = agent_client.get(PAGE).context["form"]
    assert {kind: form[kind].value() for kind in ("new_message", "mention")} == {
        "new_message": "digest", "mention": "immediately"}
    assert form["digest_minutes"].value() == 15


def test_saving_stores_each_kind_and_the_interval(agent_client, agent):
    response = agent_client.post(PAGE, AGENT_CHOICES)
    assert response.status_code == 302
    assert stored(agent) == ({"new_message": "never", "mention": "digest",
                              "send_failed": "immediately", "fax_failed": "digest",
                              "fax_alert": "never"}, 60)


def test_choices_are_the_members_own(agent_client, agent, owner):
    agent_client.post(PAGE, AGENT_CHOICES)
    assert stored(owner) == ({}, None)


def test_agent_is_not_offered_failing_connections(agent_client):
    assert Kind.CONNECTION_FAILING.value not in agent_client.get(PAGE).context["form"].fields


def test_admin_chooses_for_failing_connections(admin_client_, admin_member):
    admin_client_.post(PAGE, {**AGENT_CHOICES, "connection_failing": "never"})
    assert stored(admin_member)[0]["connection_failing"] == "never"


def test_unknown_choice_is_refused(agent_client, agent):
    response = agent_client.post(PAGE, {**AGENT_CHOICES, "mention": "hourly"})
    assert response.status_code == 200
    assert response.context["form"].errors["mention"]
    assert stored(agent) == ({}, None)


def test_viewer_has_nothing_to_choose(viewer_client):
    assert "as a viewer you get none" in viewer_client.get(PAGE).content.decode()


def test_reachable_from_the_account_menu(agent_client):
    assert f'href="{PAGE}"' in agent_client.get(reverse("dashboard")).content.decode()
