"""The composer's "To": numbers and contacts' names, several at once. Without JavaScript,
a contact's full name is accepted when it means one number; otherwise the error says what
matched. The page gives the script the contact search and the names of numbers already in
"To"."""

import json
import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import Message
from tests.messaging.contact_factories import ContactFactory
from tests.messaging.provider import OWN, accepted, answer, sent

COMPOSE = reverse("compose")
ANNA = "+13235550187"
BEN = "+16195550122"

pytestmark = pytest.mark.usefixtures("sms", "number")


def compose(client, to, text="Your results are in", token="token-1"):
    return client.post(COMPOSE, {"to": to, "text": text, "send_token": token,
                                 "own_number": OWN})


def to_errors(response) -> list[str]:
    assert response.status_code == 400
    return response.context["form"].errors["to"]


def destinations() -> list[list[str]]:
    with scopes_disabled():
        return [m.destinations for m in Message.objects.order_by("id")]


@pytest.fixture
def anna(org):
    return ContactFactory(organization=org, name="Anna Ortiz", company="Harbor Lab",
                          numbers=[ANNA])


def test_a_contacts_full_name_sends_to_its_number(agent_client, provider, anna):
    answer(provider, "sendSMS", accepted())
    assert compose(agent_client, "Anna Ortiz").status_code == 302
    assert [p["destinationNumbers"] for p in sent(provider, "sendSMS")] == [[ANNA]]


def test_the_name_is_matched_in_any_case_and_spacing(agent_client, provider, anna):
    answer(provider, "sendSMS", accepted())
    compose(agent_client, "  anna   ORTIZ ")
    assert destinations() == [[ANNA]]


def test_names_and_numbers_mix_each_recipient_once(agent_client, provider, anna, org):
    ContactFactory(organization=org, name="Ben Ode", numbers=[BEN])
    for n in range(3):
        answer(provider, "sendSMS", accepted(f"out-{n}"))
    compose(agent_client, "Anna Ortiz, (619) 555-0122\nBen Ode; 323.555.0187; 3105550142")
    assert destinations() == [[ANNA], [BEN], ["+13105550142"]]


def test_a_name_several_contacts_have_is_refused_listing_them(agent_client, provider, anna,
                                                               org):
    ContactFactory(organization=org, name="anna ortiz", numbers=[BEN])
    [problem] = to_errors(compose(agent_client, "Anna Ortiz"))
    assert problem == ("Anna Ortiz: several contacts have this name (Anna Ortiz (Harbor Lab): "
                       "(323) 555-0187; anna ortiz: (619) 555-0122). Enter the number to text.")
    assert sent(provider, "sendSMS") == []


def test_a_contact_with_several_numbers_is_refused_listing_them(agent_client, provider, org):
    ContactFactory(organization=org, name="Carl Diaz", numbers=[ANNA, BEN])
    [problem] = to_errors(compose(agent_client, "Carl Diaz"))
    assert problem == ("Carl Diaz: Carl Diaz has 2 numbers, (323) 555-0187 and "
                       "(619) 555-0122. Enter the one to text.")
    assert sent(provider, "sendSMS") == []


def test_a_contact_without_number_is_refused(agent_client, provider, org):
    ContactFactory(organization=org, name="Dana Fox")
    [problem] = to_errors(compose(agent_client, "Dana Fox"))
    assert problem == "Dana Fox: Dana Fox has no phone number. Enter one."


def test_part_of_a_name_says_whom_it_finds(agent_client, provider, anna):
    [problem] = to_errors(compose(agent_client, "Anna"))
    assert problem == ("Anna: no contact has exactly this name; it finds Anna Ortiz "
                       "(Harbor Lab): (323) 555-0187. Enter a full name or a number.")
    assert sent(provider, "sendSMS") == []


def test_a_name_nobody_has_is_refused(agent_client, provider):
    [problem] = to_errors(compose(agent_client, "Zed Nobody"))
    assert problem.startswith("Zed Nobody: no contact has this name.")


def test_a_contact_of_another_organization_is_unknown(agent_client, provider, other_org):
    ContactFactory(organization=other_org, name="Anna Ortiz", numbers=[ANNA])
    [problem] = to_errors(compose(agent_client, "Anna Ortiz"))
    assert problem.startswith("Anna Ortiz: no contact has this name.")
    assert "323" not in problem
    assert sent(provider, "sendSMS") == []


def test_every_bad_entry_is_named_and_nothing_is_sent(agent_client, provider, anna):
    problems = to_errors(compose(agent_client, "Anna Ortiz, Zed Nobody, 555-0142"))
    assert [p.split(":")[0] for p in problems] == ["Zed Nobody", "555-0142"]
    assert sent(provider, "sendSMS") == []


def test_only_separators_is_no_recipient(agent_client, provider):
    assert to_errors(compose(agent_client, " , ;\n")) == ["Enter at least one recipient."]


def test_the_page_offers_the_contact_search_to_its_script(agent_client):
    page = agent_client.get(COMPOSE).content.decode()
    assert f'data-contact-search="{reverse("contact_search")}"' in page
    assert '<script src="/static/portal/compose.js" defer></script>' in page


def names_given_to_the_script(response) -> dict:
    match = re.search(r'<script id="recipient-names" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    return json.loads(match.group(1))


def test_a_number_from_a_link_comes_with_its_contacts_name(agent_client, anna):
    response = agent_client.get(COMPOSE, {"to": "(323) 555-0187"})
    assert names_given_to_the_script(response) == {
        ANNA: {"name": "Anna Ortiz", "display": "(323) 555-0187"}}


def test_a_form_sent_back_keeps_the_names_of_its_numbers(agent_client, provider, anna):
    response = compose(agent_client, f"{ANNA}, Zed Nobody")
    assert names_given_to_the_script(response) == {
        ANNA: {"name": "Anna Ortiz", "display": "(323) 555-0187"}}


def test_the_from_list_shows_numbers_as_people_read_them(agent_client, number):
    number.label = "Front desk"
    number.save()
    form = agent_client.get(COMPOSE).context["form"]
    assert form.fields["own_number"].choices == [(OWN, "Front desk · (805) 642-1414")]
