"""The webhooks' lane: requests under /hooks/ go from the request id straight to their
view, past sessions, CSRF, sign-in, tenancy and the browser's headers."""

import pytest
from django.http import HttpResponse
from django.test import Client

pytestmark = pytest.mark.urls("tests.portal.lane_urls")

SPIED = []


class SpyMiddleware:
    """Notes each path it sees: listed after the lane, it should see no webhook."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        SPIED.append(request.path)
        return self.get_response(request)


@pytest.fixture
def spy(settings):
    SPIED.clear()
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.portal.test_webhook_lane.SpyMiddleware"]
    return SPIED


def test_webhook_requests_pass_no_middleware_after_the_lane(client, db, spy):
    client.post("/hooks/probe/")
    client.get("/probe/")
    assert spy == ["/probe/"]


def test_a_webhook_view_gets_no_session_user_organization_or_scope(owner_client):
    response = owner_client.post("/hooks/probe/", data=b"{}", content_type="application/json")
    assert response.json() == {"attributes": [], "scoped query": "refused", "view": "probe"}


def test_a_signed_in_members_cookie_costs_a_webhook_no_query(owner_client,
                                                             django_assert_num_queries):
    with django_assert_num_queries(0):
        owner_client.post("/hooks/probe/", data=b"{}", content_type="application/json")


def test_a_webhook_needs_no_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post("/hooks/not-exempt/")
    assert response.status_code == 200


def test_webhook_answers_carry_their_length(client, db):
    response = client.post("/hooks/probe/")
    assert response["Content-Length"] == str(len(response.content))


def test_a_webhook_path_without_its_slash_is_not_found_rather_than_redirected(client, db):
    # A redirect would come back from the sender as a GET, its event lost.
    assert client.post("/hooks/probe").status_code == 404


def test_a_webhook_with_a_host_not_allowed_is_refused(client, db):
    assert client.post("/hooks/probe/", HTTP_HOST="evil.example").status_code == 400


def test_webhook_responses_carry_a_request_id(client, db):
    response = client.post("/hooks/probe/", HTTP_X_REQUEST_ID="hook-123")
    assert response["X-Request-ID"] == "hook-123"


def test_an_error_in_a_webhook_view_is_answered_500(db):
    response = Client(raise_request_exception=False).post("/hooks/broken/")
    assert response.status_code == 500


def test_other_paths_still_pass_every_middleware(client, db):
    response = client.get("/probe/")
    assert isinstance(response, HttpResponse)
    assert response["X-Frame-Options"] == "DENY"
