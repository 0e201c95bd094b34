"""The opt-out list: owners and admins see, search, add (with a reason) and remove (on the
person's word, confirmed); agents, viewers and other organizations do not."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from optouts.models import OptOut
from optouts.services import opted_out_numbers
from tests.optouts.factories import OptOutFactory

NUMBER = "+13105550142"


@pytest.fixture
def row(org):
    return OptOutFactory(organization=org, number=NUMBER, keyword="Stop.")


def test_admins_see_the_list_with_how_each_number_opted_out(admin_client_, row):
    response = admin_client_.get(reverse("opt_outs"))
    assert response.status_code == 200
    assert "(310) 555-0142" in response.content.decode()
    assert "Texted “Stop.”" in response.content.decode()


@pytest.mark.parametrize("member", ["agent_client", "viewer_client"])
def test_agents_and_viewers_may_not_see_or_edit_the_list(request, member, row):
    client = request.getfixturevalue(member)
    assert client.get(reverse("opt_outs")).status_code == 403
    assert client.post(reverse("opt_outs"), {"number": "3105550199",
                                             "note": "x"}).status_code == 403
    assert client.post(reverse("opt_out_remove", args=[row.pk]),
                       {"confirmed": "on"}).status_code == 403


def test_another_organizations_opt_out_is_a_404(outsider_client, row):
    assert outsider_client.get(reverse("opt_out_remove", args=[row.pk])).status_code == 404


def test_search_by_number_in_any_format(owner_client, org, row):
    OptOutFactory(organization=org, number="+12135550100")
    page = owner_client.get(reverse("opt_outs"), {"q": "(310) 555-01"}).content.decode()
    assert "(310) 555-0142" in page and "(213) 555-0100" not in page


def test_an_admin_opts_out_a_number_with_a_reason(owner_client, org, owner):
    response = owner_client.post(reverse("opt_outs"), {"number": "(310) 555-0199",
                                                       "note": "Asked by phone"})
    assert response.status_code == 302
    with scopes_disabled():
        added = OptOut.objects.get(number="+13105550199")
        assert AuditEntry.objects.filter(action="optout.added", actor=owner.user).exists()
    assert (added.source, added.note, added.created_by) == ("member", "Asked by phone",
                                                            owner.user)


def test_adding_needs_a_valid_number_and_a_reason(owner_client):
    response = owner_client.post(reverse("opt_outs"), {"number": "555-12", "note": ""})
    assert response.status_code == 400
    assert set(response.context["add_form"].errors) == {"number", "note"}


def test_removing_asks_that_the_person_asked_to_be_texted_again(owner_client, org, row):
    page = owner_client.get(reverse("opt_out_remove", args=[row.pk]))
    assert "asked us to text them again" in page.content.decode()
    refused = owner_client.post(reverse("opt_out_remove", args=[row.pk]), {})
    assert refused.status_code == 400
    assert opted_out_numbers(organization=org, numbers=[NUMBER]) == {NUMBER}


def test_removing_confirmed_opts_the_number_back_in(owner_client, org, row):
    response = owner_client.post(reverse("opt_out_remove", args=[row.pk]), {"confirmed": "on"})
    assert response.status_code == 302
    assert opted_out_numbers(organization=org, numbers=[NUMBER]) == set()
    with scopes_disabled():
        assert AuditEntry.objects.get(action="optout.removed").detail["source"] == "member"


def test_the_list_reads_a_fixed_number_of_queries(owner_client, org,
                                                  django_assert_max_num_queries):
    OptOutFactory.create_batch(30, organization=org)
    with django_assert_max_num_queries(12):
        assert owner_client.get(reverse("opt_outs")).status_code == 200


def test_admins_find_the_list_in_the_navigation(owner_client, agent_client):
    assert reverse("opt_outs") in owner_client.get(reverse("numbers")).content.decode()
    assert reverse("opt_outs") not in agent_client.get(reverse("numbers")).content.decode()
