"""The Numbers page: owners and admins add numbers and register their webhooks again; a
person waits for the provider there, so each call is one attempt with the short timeout."""

from tests.messaging.provider import answer, sent

OK = {"RESULT": "OK"}


def test_registering_again_from_the_page_asks_the_provider_once(admin_client_, number, sms,
                                                                provider):
    # Retries with backoff could keep the page waiting past the server's own time limit.
    answer(provider, "updateNumber", "Service Unavailable", status=503,
           content_type="text/plain")
    response = admin_client_.post(f"/messaging/numbers/{number.pk}/register/")
    assert response.status_code == 302
    assert len(sent(provider, "updateNumber")) == 1


def test_adding_a_number_from_the_page_asks_the_provider_once(admin_client_, sms, provider):
    answer(provider, "updateNumber", "Service Unavailable", status=503,
           content_type="text/plain")
    response = admin_client_.post("/messaging/numbers/", {"number": "+13109549000",
                                                          "label": "Front desk"})
    assert response.status_code == 302
    assert len(sent(provider, "updateNumber")) == 1


def test_an_agent_may_not_register_a_number(agent_client, number, sms, provider):
    assert agent_client.post(f"/messaging/numbers/{number.pk}/register/").status_code == 403
    assert sent(provider, "updateNumber") == []


def test_an_outsider_gets_404_for_another_organizations_number(outsider_client, number):
    assert outsider_client.post(f"/messaging/numbers/{number.pk}/register/").status_code == 404


def test_the_page_lists_the_organizations_numbers(viewer_client, number):
    response = viewer_client.get("/messaging/numbers/")
    assert response.status_code == 200
    assert number.number.encode() in response.content
