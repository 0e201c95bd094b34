"""/api/v1/opt-outs/: list (read scope, filter by number, keyset pages), read one, add and
remove (send scope; source api, audited, with events)."""

import json

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from events.models import Event
from optouts.services import opted_out_numbers
from tests.messaging.contact_factories import ContactFactory
from tests.optouts.factories import OptOutFactory

NUMBER = "+13105550142"


def post(client, body):
    return client.post("/api/v1/opt-outs/", json.dumps(body), content_type="application/json")


def test_the_list_shows_each_opt_out_with_its_contact(api, org):
    ContactFactory(organization=org, name="Ana Reyes", numbers=[NUMBER])
    OptOutFactory(organization=org, number=NUMBER, keyword="Stop")
    [row] = api.get("/api/v1/opt-outs/").json()["results"]
    assert row["number"] == NUMBER
    assert row["contact"]["name"] == "Ana Reyes"
    assert (row["source"], row["keyword"], row["created_by"]) == ("keyword", "Stop", None)


def test_the_list_filters_by_number(reader, org):
    OptOutFactory(organization=org, number=NUMBER)
    OptOutFactory(organization=org, number="+12135550100")
    results = reader.get("/api/v1/opt-outs/", {"number": NUMBER}).json()["results"]
    assert [row["number"] for row in results] == [NUMBER]


def test_the_filter_takes_e164_only(reader):
    response = reader.get("/api/v1/opt-outs/", {"number": "310 555 0142"})
    assert response.status_code == 400
    assert "number" in response.json()["error"]["fields"]


def test_the_list_comes_in_keyset_pages(reader, org):
    OptOutFactory.create_batch(3, organization=org)
    first = reader.get("/api/v1/opt-outs/", {"page_size": 2}).json()
    second = reader.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert second["next"] is None


def test_one_number_reads_its_opt_out_or_404(reader, org):
    OptOutFactory(organization=org, number=NUMBER)
    assert reader.get(f"/api/v1/opt-outs/{NUMBER}/").json()["number"] == NUMBER
    assert reader.get("/api/v1/opt-outs/%2B13105550142/").status_code == 200
    missing = reader.get("/api/v1/opt-outs/+12135550100/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_a_path_that_is_no_number_is_404(reader):
    assert reader.get("/api/v1/opt-outs/%00/").status_code == 404
    assert reader.get("/api/v1/opt-outs/stop/").status_code == 404


def test_adding_opts_the_number_out_with_source_api(api, org):
    response = post(api, {"number": NUMBER, "note": "Asked by e-mail"})
    assert response.status_code == 201
    assert (response.json()["source"], response.json()["note"]) == ("api", "Asked by e-mail")
    assert opted_out_numbers(organization=org, numbers=[NUMBER]) == {NUMBER}
    with scopes_disabled():
        assert AuditEntry.objects.get(action="optout.added").actor_label
        assert Event.objects.get(type="contact.opted_out").payload["source"] == "api"


def test_adding_a_number_already_opted_out_answers_the_first_opt_out(api, org):
    OptOutFactory(organization=org, number=NUMBER, keyword="STOP")
    response = post(api, {"number": NUMBER})
    assert response.status_code == 200
    assert response.json()["source"] == "keyword"


def test_adding_refuses_a_number_that_is_not_e164(api):
    response = post(api, {"number": "(310) 555-0142"})
    assert response.status_code == 400
    assert "number" in response.json()["error"]["fields"]


def test_removing_opts_the_number_back_in(api, org):
    OptOutFactory(organization=org, number=NUMBER)
    assert api.delete(f"/api/v1/opt-outs/{NUMBER}/").status_code == 204
    assert opted_out_numbers(organization=org, numbers=[NUMBER]) == set()
    with scopes_disabled():
        assert Event.objects.get(type="contact.opted_in").payload["source"] == "api"


def test_removing_a_number_not_on_the_list_is_a_404(api):
    assert api.delete(f"/api/v1/opt-outs/{NUMBER}/").status_code == 404


def test_a_read_only_key_may_not_change_the_list(reader, org):
    OptOutFactory(organization=org, number=NUMBER)
    assert post(reader, {"number": "+12135550100"}).status_code == 403
    assert reader.delete(f"/api/v1/opt-outs/{NUMBER}/").status_code == 403


def test_a_send_only_key_may_not_read_it(sender_only):
    assert sender_only.get("/api/v1/opt-outs/").status_code == 403


@pytest.mark.parametrize("member", ["agent_client", "viewer_client"])
def test_agents_and_viewers_read_but_may_not_change_it(db, request, member):
    client = request.getfixturevalue(member)
    assert client.get("/api/v1/opt-outs/").status_code == 200
    assert post(client, {"number": NUMBER}).status_code == 403


def test_an_admin_signed_in_changes_it(admin_client_, org):
    assert post(admin_client_, {"number": NUMBER}).status_code == 201


def test_another_organizations_opt_out_is_a_404(outsider_api, org):
    OptOutFactory(organization=org, number=NUMBER)
    assert outsider_api.get(f"/api/v1/opt-outs/{NUMBER}/").status_code == 404
    assert outsider_api.delete(f"/api/v1/opt-outs/{NUMBER}/").status_code == 404
    assert outsider_api.get("/api/v1/opt-outs/").json()["results"] == []
