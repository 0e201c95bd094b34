"""Every page carries the security headers: CSP without inline script, no framing, a strict
referrer policy, and a request id."""


def test_pages_send_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_cannot_be_framed_and_send_a_strict_referrer_policy(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script(owner_client):
    for path in ("/", "/messaging/", "/faxes/", "/organization/members/"):
        response = owner_client.get(path)
        assert response.status_code == 200, path  # the control: the page, not a redirect
        content = response.content.decode()
        assert "<script>" not in content and "onclick=" not in content, path


def test_a_request_id_from_the_proxy_is_kept_and_echoed(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32
