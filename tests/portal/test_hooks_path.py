"""Requests under /hooks/ (machines' endpoints: the provider's webhooks) pass the same
middleware as every page, and that middleware keeps them cheap and safe for a sender that
never follows a redirect: no member looked up, no scope, no CSRF token, no redirect."""

import pytest
from django.test import Client

pytestmark = pytest.mark.urls("tests.portal.hooks_urls")


def test_a_hooks_view_gets_no_organization_and_no_scope(owner_client):
    response = owner_client.post("/hooks/probe/")
    assert response.json() == {"organization": None, "membership": None,
                               "scoped query": "refused"}


def test_the_same_member_gets_an_organization_on_a_page(owner_client):
    # The positive control of the test above: the same client, off /hooks/.
    assert owner_client.get("/").context["organization"] is not None


def test_a_signed_in_members_cookie_costs_a_hooks_request_no_query(owner_client,
                                                                   django_assert_num_queries):
    with django_assert_num_queries(0):
        owner_client.post("/hooks/probe/")


def test_a_hooks_path_without_its_slash_is_not_found_rather_than_redirected(client, db):
    # A redirect would come back from the sender as a GET, its event lost.
    assert client.post("/hooks/probe").status_code == 404


def test_an_unknown_hooks_path_is_not_found(client, db):
    assert client.post("/hooks/nothing/here/").status_code == 404


def test_a_webhook_over_http_is_answered_rather_than_redirected_to_https(client, db,
                                                                         settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.post("/hooks/probe/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # the control: pages redirect


def test_a_hooks_request_with_a_host_not_allowed_is_refused(client, db):
    assert client.post("/hooks/probe/", HTTP_HOST="evil.example").status_code == 400


def test_hooks_answers_carry_a_request_id_and_their_length(client, db):
    response = client.post("/hooks/probe/", HTTP_X_REQUEST_ID="hook-123")
    assert response["X-Request-ID"] == "hook-123"
    assert response["Content-Length"] == str(len(response.content))


def test_an_unknown_hooks_path_is_not_found_even_where_csrf_is_enforced(db):
    # The test client skips CSRF checks; a sender's POST never carries a token.
    response = Client(enforce_csrf_checks=True).post("/hooks/nothing/here/")
    assert response.status_code == 404
