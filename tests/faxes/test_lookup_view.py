"""The lookup page: one reference, several, or a day; what it shows and says."""

from datetime import UTC, datetime

import pytest
import requests
from django_scopes import scopes_disabled

from faxes.models import Fax
from tests.axion import bodies
from tests.faxes.factories import FaxFactory, connection_for
from tests.faxes.pages import references, table_rows
from tests.faxes.recorded import answer, error_body, sent

pytestmark = pytest.mark.django_db

LOOKUP = "/faxes/lookup/"


def test_one_reference_shows_each_fax_in_full(viewer_client, connection, provider):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    response = viewer_client.get(LOOKUP, {"references": "test 1"})
    assert response.status_code == 200
    # Reference, from, to, time (New York), pages, status, tries.
    assert [row[:7] for row in table_rows(response)] == [
        ["test 1", "(805) 642-1414", "(800) 225-5288", "2016-12-12 07:43:59", "2", "Sent",
         "1 of 3"],
        ["test 1", "(805) 642-1415", "(800) 225-5211", "2016-12-12 07:44:38", "2", "Sent",
         "3 of 3"],
    ]


def test_references_one_per_line_are_looked_up_together(viewer_client, connection, provider):
    answer(provider, "Fax_Group_Status", bodies.FAX_GROUP_OK)
    response = viewer_client.get(LOOKUP, {"references": "test 1\ntest 2"})
    assert sent(provider, "Fax_Group_Status")[0]["CUSTOMER_PROVIDED_FAX_FIELDS"] == [
        "test 1", "test 2"]
    assert sorted(references(response)) == ["test 1", "test 1", "test 2"]


def test_comma_separated_references_are_looked_up_together(viewer_client, connection,
                                                           provider):
    answer(provider, "Fax_Group_Status", bodies.FAX_GROUP_OK)
    viewer_client.get(LOOKUP, {"references": "test 1, test 2"})
    assert sent(provider, "Fax_Group_Status")[0]["CUSTOMER_PROVIDED_FAX_FIELDS"] == [
        "test 1", "test 2"]


def test_a_day_shows_every_fax_of_that_day(viewer_client, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    response = viewer_client.get(LOOKUP, {"day": "2017-11-29"})
    assert sent(provider, "All_Faxes_Status")[0]["DATE"] == "2017-11-29"
    assert len(table_rows(response)) == 4
    assert b"Results for 2017-11-29" in response.content


def test_a_looked_up_day_is_in_the_history_and_its_export(viewer_client, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    response = viewer_client.get(LOOKUP, {"day": "2017-11-29"})
    assert response.status_code == 200, response.content
    assert b"test 1" in response.content
    response = viewer_client.get("/faxes/")
    assert response.content.count(b"<tr>") == 5
    export = viewer_client.get("/faxes/export.csv")
    assert len(b"".join(export.streaming_content).splitlines()) == 5


def test_times_are_shown_in_the_organizations_time_zone(viewer_client, connection, provider):
    # The connection reads the provider's times in UTC; the organization is in New York.
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    response = viewer_client.get(LOOKUP, {"day": "2017-11-29"})
    assert b"Time (America/New_York)" in response.content
    assert [row[3] for row in table_rows(response)][-1] == "2017-11-29 07:43:59"


def test_status_is_a_badge(viewer_client, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    response = viewer_client.get(LOOKUP, {"day": "2017-11-29"})
    assert b'<span class="badge bad">Failed</span>' in response.content
    assert b'<span class="badge good">Sent</span>' in response.content


def test_when_the_portal_last_heard_of_the_fax_is_shown(viewer_client, connection, provider,
                                                       time_machine):
    time_machine.move_to(datetime(2017, 11, 29, 18, 0, tzinfo=UTC), tick=False)
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    response = viewer_client.get(LOOKUP, {"references": "test 1"})
    assert b'<time datetime="2017-11-29T13:00:00-05:00">' in response.content


def test_a_fax_without_reference_says_no_reference(viewer_client, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    response = viewer_client.get(LOOKUP, {"day": "2017-11-29"})
    assert "no reference" in references(response)


def test_an_unparseable_destination_is_shown_as_it_came(viewer_client, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    response = viewer_client.get(LOOKUP, {"day": "2017-11-29"})
    assert ["no reference", "(310) 356-0491", "1234"] in [row[:3] for row in table_rows(response)]


def test_not_found_says_no_fax_with_the_reference_and_is_no_error(viewer_client, connection,
                                                                 provider):
    answer(provider, "Fax_Status", error_body("NOT FOUND"))
    response = viewer_client.get(LOOKUP, {"references": "INV-404"})
    assert response.status_code == 200
    assert b"No fax with the reference <strong>INV-404</strong>" in response.content
    assert b'role="alert"' not in response.content


def test_group_references_not_found_are_named(viewer_client, connection, provider):
    answer(provider, "Fax_Group_Status", bodies.FAX_GROUP_OK)
    response = viewer_client.get(LOOKUP, {"references": "test 1\nINV-404"})
    assert b"No fax with the reference <strong>INV-404</strong>" in response.content
    assert b"No fax with the reference <strong>test 1</strong>" not in response.content


def test_a_day_without_faxes_says_so(viewer_client, connection, provider):
    answer(provider, "All_Faxes_Status", error_body("NOT FOUND"))
    response = viewer_client.get(LOOKUP, {"day": "2017-11-30"})
    assert b"No faxes that day." in response.content


def test_provider_down_says_what_to_do_and_shows_the_known_faxes(viewer_client, org,
                                                                 connection, provider):
    FaxFactory(organization=org, customer_field="test 1")
    answer(provider, "Fax_Status", requests.ConnectionError("refused"))
    response = viewer_client.get(LOOKUP, {"references": "test 1"})
    assert response.status_code == 200
    assert b"Axion could not be reached." in response.content
    assert b"try again in a minute" in response.content
    assert b"What the portal already knows" in response.content
    assert references(response) == ["test 1"]


def test_provider_too_slow_says_what_to_do_and_shows_the_known_faxes(viewer_client, org,
                                                                     connection, provider):
    FaxFactory(organization=org, customer_field="test 1")
    answer(provider, "Fax_Status", requests.ReadTimeout("read timed out"))
    response = viewer_client.get(LOOKUP, {"references": "test 1"})
    assert b"Axion did not answer in time." in response.content
    assert references(response) == ["test 1"]


def test_provider_failure_with_nothing_known_says_so(viewer_client, connection, provider):
    answer(provider, "All_Faxes_Status", "", status=503)
    response = viewer_client.get(LOOKUP, {"day": "2017-11-29"})
    assert b"The portal has no fax of its own for this search yet." in response.content


def test_wrong_credentials_say_an_admin_can_update_them(viewer_client, org, provider):
    connection_for(org, session_token="", token_expires_at=None)
    answer(provider, "User_Login", error_body("WRONG CREDENTIALS"))
    response = viewer_client.get(LOOKUP, {"references": "test 1"})
    assert b"Axion rejected the stored username or password" in response.content
    assert b"under Connections" in response.content


def test_wrong_credentials_flag_the_connection_as_failing(viewer_client, org, provider):
    connection = connection_for(org, session_token="", token_expires_at=None)
    answer(provider, "User_Login", error_body("WRONG CREDENTIALS"))
    viewer_client.get(LOOKUP, {"references": "test 1"})
    connection.refresh_from_db()
    assert connection.failing_since is not None


def test_without_a_fax_connection_the_page_says_how_to_add_one(viewer_client, provider):
    response = viewer_client.get(LOOKUP, {"references": "test 1"})
    assert b"no fax connection yet" in response.content
    assert len(provider.calls) == 0


def test_the_first_visit_shows_the_form_and_asks_nothing(viewer_client, connection, provider):
    response = viewer_client.get(LOOKUP)
    assert response.status_code == 200
    assert b'name="references"' in response.content
    assert len(provider.calls) == 0


def test_an_empty_lookup_asks_for_a_reference_or_a_day(viewer_client, connection, provider):
    response = viewer_client.get(LOOKUP, {"references": " \n ", "day": ""})
    assert b"Enter a reference, several references, or a day." in response.content
    assert len(provider.calls) == 0


def test_references_and_a_day_at_once_are_refused(viewer_client, connection, provider):
    response = viewer_client.get(LOOKUP, {"references": "test 1", "day": "2017-11-29"})
    assert b"Look up references or a day, not both at once." in response.content
    assert len(provider.calls) == 0


def test_more_than_a_hundred_references_are_refused(viewer_client, connection, provider):
    pasted = "\n".join(f"REF-{n}" for n in range(101))
    response = viewer_client.get(LOOKUP, {"references": pasted})
    assert b"At most 100 references at once." in response.content
    assert len(provider.calls) == 0


def test_an_invalid_day_is_a_field_error(viewer_client, connection, provider):
    response = viewer_client.get(LOOKUP, {"day": "2017-13-45"})
    assert b"Enter a valid date." in response.content
    assert len(provider.calls) == 0


@pytest.mark.parametrize("member", ["owner_client", "admin_client_", "agent_client",
                                    "viewer_client"])
def test_every_role_may_look_up(request, member, connection, provider):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    response = request.getfixturevalue(member).get(LOOKUP, {"references": "test 1"})
    assert response.status_code == 200
    assert len(table_rows(response)) == 2


def test_anonymous_is_sent_to_login(client, provider):
    response = client.get(LOOKUP, {"references": "test 1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert len(provider.calls) == 0


def test_an_outsider_sees_none_of_the_organizations_faxes(outsider_client, org, connection,
                                                          provider):
    FaxFactory(organization=org, customer_field="test 1")
    response = outsider_client.get(LOOKUP, {"references": "test 1"})
    assert response.status_code == 200
    assert b"Results for" in response.content  # the control: the lookup ran and shows results
    assert table_rows(response) == []
    assert len(provider.calls) == 0  # the outsider's organization has no connection


def test_an_outsiders_lookup_uses_and_stores_only_its_own_organization(outsider_client, org,
                                                                       other_org, provider):
    FaxFactory(organization=org, customer_field="test 1")
    theirs = connection_for(other_org)
    answer(provider, "Fax_Status", error_body("NOT FOUND"))
    response = outsider_client.get(LOOKUP, {"references": "test 1"})
    assert sent(provider, "Fax_Status")[0]["API_KEY"] == theirs.api_key
    assert table_rows(response) == []
    with scopes_disabled():
        assert not Fax.objects.filter(organization=other_org).exists()
