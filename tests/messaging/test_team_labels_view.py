"""The labels pages: owners and admins list, add, rename, recolour and delete the
organization's labels; agents and viewers may not; another organization's label is a 404."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from messaging.models import Label
from tests.messaging.factories import ConversationFactory
from tests.messaging.team_factories import LabelFactory

LABELS = reverse("labels")


def names() -> list[tuple[str, str]]:
    with scopes_disabled():
        return list(Label.objects.order_by("name").values_list("name", "colour"))


def test_an_admin_sees_the_labels_with_their_use(admin_client_, org, number):
    billing = LabelFactory(organization=org, name="billing")
    with scopes_disabled():
        ConversationFactory(own_number=number).labels.set([billing])
    html = admin_client_.get(LABELS).content.decode()
    assert "billing" in html
    assert f'?status=all&amp;label={billing.pk}">1 conversation</a>' in html


def test_an_admin_adds_a_label(admin_client_, org):
    response = admin_client_.post(LABELS, {"name": " Billing  questions ", "colour": "green"})
    assert response.status_code == 302
    assert names() == [("Billing questions", "green")]
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="label.created").count() == 1


def test_a_label_name_is_unique_whatever_its_case(admin_client_, org):
    LabelFactory(organization=org, name="Billing")
    response = admin_client_.post(LABELS, {"name": "billing", "colour": "red"})
    assert response.status_code == 400
    assert "There is already a label" in response.content.decode()
    assert names() == [("Billing", "blue")]


def test_another_organization_may_have_the_same_name(admin_client_, org, other_org):
    LabelFactory(organization=other_org, name="billing")
    assert admin_client_.post(LABELS, {"name": "billing", "colour": "red"}).status_code == 302


@pytest.mark.parametrize(("data", "field"), [({"name": "", "colour": "red"}, "name"),
                                             ({"name": "x" * 51, "colour": "red"}, "name"),
                                             ({"name": "vip", "colour": "pink"}, "colour")])
def test_a_bad_label_is_refused_with_what_is_wrong(admin_client_, org, data, field):
    response = admin_client_.post(LABELS, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert names() == []


def test_an_admin_renames_and_recolours_a_label(admin_client_, org):
    label = LabelFactory(organization=org, name="billing")
    response = admin_client_.post(reverse("edit_label", args=[label.pk]),
                                  {"name": "invoices", "colour": "purple"})
    assert response.status_code == 302
    assert names() == [("invoices", "purple")]


def test_an_admin_deletes_a_label_and_it_goes_from_its_conversations(admin_client_, org,
                                                                      number):
    label = LabelFactory(organization=org)
    conversation = ConversationFactory(own_number=number)
    with scopes_disabled():
        conversation.labels.set([label])
    page = admin_client_.get(reverse("delete_label", args=[label.pk]))
    assert "the one conversation" in page.content.decode()
    assert admin_client_.post(reverse("delete_label", args=[label.pk])).status_code == 302
    assert names() == []
    with scopes_disabled():
        assert not conversation.labels.exists()


@pytest.mark.parametrize("name", ["edit_label", "delete_label"])
def test_another_organizations_label_is_404(admin_client_, other_org, name):
    theirs = LabelFactory(organization=other_org, name="theirs")
    assert admin_client_.post(reverse(name, args=[theirs.pk]),
                              {"name": "mine", "colour": "red"}).status_code == 404
    assert names() == [("theirs", "blue")]


@pytest.mark.parametrize("client_name", ["agent_client", "viewer_client"])
def test_agents_and_viewers_may_not_manage_labels(request, org, client_name):
    client = request.getfixturevalue(client_name)
    label = LabelFactory(organization=org, name="billing")
    assert client.get(LABELS).status_code == 403
    assert client.post(LABELS, {"name": "vip", "colour": "red"}).status_code == 403
    assert client.post(reverse("delete_label", args=[label.pk])).status_code == 403
    assert names() == [("billing", "blue")]


def test_the_navigation_links_labels_for_admins(admin_client_, agent_client, org):
    link = f'href="{LABELS}"'
    assert link in admin_client_.get(reverse("dashboard")).content.decode()
    assert link not in agent_client.get(reverse("dashboard")).content.decode()
