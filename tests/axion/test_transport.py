"""The transport (axion/transport.py): sessions, error mapping (docs/provider.md, quirk 2),
retries, secrets."""

import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from axion import errors, tokens, transport
from tests.axion.bodies import API_KEY, FAX_LOGIN_OK, OTHER_TOKEN, PASSWORD, TOKEN
from tests.axion.recorded import FAX_URL, NOW, TIMEOUT, answer, make_transport, sent

OK = {"RESULT": "OK", "FAXES": []}
NOT_ALLOWED = {"RESULT": "ERROR", "ERROR": "NOT ALLOWED"}


def refused() -> requests.ConnectionError:
    """What requests raises when the connection is refused: nothing was sent."""
    return requests.ConnectionError(MaxRetryError(
        None, FAX_URL, NewConnectionError(None, "Connection refused")))


# --- Session (docs/provider.md, quirk 1) ---------------------------------------------------

def test_call_without_token_logs_in_first_and_stores_token_for_30_days(provider, empty_store,
                                                                        sleeps):
    answer(provider, "User_Login", FAX_LOGIN_OK)
    answer(provider, "Fax_Status", OK)
    make_transport(empty_store, sleeps).call("Fax_Status", repeatable=True)
    assert sent(provider, "Fax_Status")[0]["SESSION_TOKEN"] == TOKEN
    assert empty_store.token == TOKEN
    assert empty_store.expires_at == NOW + timedelta(days=30)


def test_stored_token_is_reused_without_login(provider, fax_transport):
    answer(provider, "Fax_Status", OK)
    fax_transport.call("Fax_Status", repeatable=True)
    assert sent(provider, "Fax_Status")[0]["SESSION_TOKEN"] == TOKEN
    assert sent(provider, "User_Login") == []


def test_expired_token_is_replaced_by_a_login(provider, sleeps):
    store = tokens.MemoryTokenStore(TOKEN, NOW - timedelta(seconds=1), clock=lambda: NOW)
    answer(provider, "User_Login", {"RESULT": "OK", "SESSION_TOKEN": OTHER_TOKEN})
    answer(provider, "Fax_Status", OK)
    make_transport(store, sleeps).call("Fax_Status", repeatable=True)
    assert store.token == OTHER_TOKEN


def test_not_allowed_logs_in_again_once_and_repeats_once(provider, fax_transport, valid_store):
    answer(provider, "Fax_Status", NOT_ALLOWED)
    answer(provider, "Fax_Status", OK)
    answer(provider, "User_Login", {"RESULT": "OK", "SESSION_TOKEN": OTHER_TOKEN})
    assert fax_transport.call("Fax_Status", repeatable=True) == OK
    assert len(sent(provider, "User_Login")) == 1
    assert [p["SESSION_TOKEN"] for p in sent(provider, "Fax_Status")] == [TOKEN, OTHER_TOKEN]
    assert valid_store.token == OTHER_TOKEN


def test_second_not_allowed_is_raised(provider, fax_transport):
    answer(provider, "Fax_Status", NOT_ALLOWED)
    answer(provider, "User_Login", {"RESULT": "OK", "SESSION_TOKEN": OTHER_TOKEN})
    with pytest.raises(errors.NotAllowed):
        fax_transport.call("Fax_Status", repeatable=True)
    assert len(sent(provider, "User_Login")) == 1
    assert len(sent(provider, "Fax_Status")) == 2


def test_wrong_credentials_at_login_are_raised_without_calling(provider, empty_store, sleeps):
    answer(provider, "User_Login", {"RESULT": "ERROR", "ERROR": "WRONG CREDENTIALS"})
    with pytest.raises(errors.WrongCredentials):
        make_transport(empty_store, sleeps).call("Fax_Status", repeatable=True)
    assert sent(provider, "Fax_Status") == []


def test_login_answer_without_token_is_malformed(provider, empty_store, sleeps):
    answer(provider, "User_Login", {"RESULT": "OK"})
    with pytest.raises(errors.MalformedResponse, match="without a session token"):
        make_transport(empty_store, sleeps).login()


def test_thousand_calls_on_one_connection_make_exactly_one_login(provider, empty_store,
                                                                 sleeps):
    answer(provider, "User_Login", FAX_LOGIN_OK)
    answer(provider, "Fax_Status", OK)
    transport = make_transport(empty_store, sleeps)
    for _ in range(1000):
        transport.call("Fax_Status", repeatable=True)
    assert len(sent(provider, "User_Login")) == 1


def test_concurrent_callers_of_one_connection_make_one_login(provider, empty_store, sleeps):
    answer(provider, "User_Login", FAX_LOGIN_OK)
    answer(provider, "Fax_Status", OK)
    start = threading.Barrier(8)
    errors = []

    def job():
        transport = make_transport(empty_store, sleeps)  # one client per job, one store
        start.wait()
        try:
            for _ in range(125):
                transport.call("Fax_Status", repeatable=True)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=job) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(sent(provider, "User_Login")) == 1


def test_token_saved_while_waiting_for_the_lock_is_used(provider, empty_store, sleeps):
    class OtherCallerLogsInFirst(tokens.MemoryTokenStore):
        @contextmanager
        def lock(self):
            self.save(OTHER_TOKEN, NOW + timedelta(days=30))
            yield

    store = OtherCallerLogsInFirst(clock=lambda: NOW)
    answer(provider, "Fax_Status", OK)
    make_transport(store, sleeps).call("Fax_Status", repeatable=True)
    assert sent(provider, "User_Login") == []
    assert sent(provider, "Fax_Status")[0]["SESSION_TOKEN"] == OTHER_TOKEN


# --- Error strings wherever the body carries them (docs/provider.md, quirk 2) ------------

ERRORS = [
    ("NOT ALLOWED", errors.NotAllowed),
    ("WRONG CREDENTIALS", errors.WrongCredentials),
    ("MISSING PARAMETERS", errors.MissingParameters),
    ("INVALID JSON", errors.InvalidJson),
    ("INVALID METHOD", errors.InvalidMethod),
    ("NOT FOUND", errors.NotFound),
]
SHAPES = [
    lambda e: {"RESULT": "ERROR", "ERROR": e},
    lambda e: {"RESULT": "ERROR", "MESSAGE": e},
    lambda e: {"RESULT": "ERROR", "DESCRIPTION": e},
    lambda e: {"RESULT": "ERROR", "error": e},
    lambda e: {"RESULT": "ERROR", "message": e},
    lambda e: {"RESULT": e},
    lambda e: {"ERROR": e},
    lambda e: {"RESULT": "ERROR", "ERROR": {"CODE": "7", "MESSAGE": e}},
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("error_string", "error_class"), ERRORS)
def test_error_string_in_any_body_shape_maps_to_its_exception(provider, fax_transport, shape,
                                                              error_string, error_class):
    answer(provider, "User_Login", shape(error_string))
    with pytest.raises(error_class) as caught:
        fax_transport.login()
    assert caught.value.body  # the whole answer is kept for logs


@pytest.mark.parametrize("text", ["not allowed", "  Not  Allowed ", "NOT_ALLOWED"])
def test_error_strings_compare_without_case_or_space(provider, fax_transport, text):
    answer(provider, "User_Login", {"RESULT": "ERROR", "ERROR": text})
    with pytest.raises(errors.NotAllowed):
        fax_transport.login()


def test_unlisted_error_keeps_the_providers_error_code(provider, fax_transport):
    answer(provider, "User_Login", {"RESULT": "ERROR", "MESSAGE": "ACCOUNT SUSPENDED"})
    with pytest.raises(errors.UnknownProviderError) as caught:
        fax_transport.login()
    assert caught.value.provider_code == "ACCOUNT SUSPENDED"
    assert "ACCOUNT SUSPENDED" in str(caught.value)


def test_bare_result_error_is_an_unknown_provider_error(provider, fax_transport):
    answer(provider, "User_Login", {"RESULT": "ERROR"})
    with pytest.raises(errors.UnknownProviderError):
        fax_transport.login()


def test_error_string_in_a_4xx_answer_is_still_mapped(provider, fax_transport):
    answer(provider, "User_Login", {"RESULT": "ERROR", "ERROR": "WRONG CREDENTIALS"},
           status=401)
    with pytest.raises(errors.WrongCredentials):
        fax_transport.login()


@pytest.mark.parametrize(("body", "content_type", "says"), [
    ("<html><body>502 Bad Gateway</body></html>", "text/html", "HTML page"),
    ("", "application/json", "empty body"),
    ("Service temporarily unavailable", "text/plain", "not JSON"),
    ('{"FAXES": []}', "application/json", "without RESULT"),
    ('["OK"]', "application/json", "not an object"),
])
def test_unreadable_answer_is_a_clear_malformed_response(provider, fax_transport, body,
                                                         content_type, says):
    answer(provider, "User_Login", body, content_type=content_type)
    with pytest.raises(errors.MalformedResponse, match=says):
        fax_transport.login()


def test_redirect_is_not_followed(provider, fax_transport):
    answer(provider, "User_Login", "", status=302, headers={"Location": "https://elsewhere/"})
    with pytest.raises(errors.MalformedResponse, match="redirected"):
        fax_transport.login()
    assert len(provider.calls) == 1


# --- Transport failures and retries ------------------------------------------------------

def test_every_request_carries_the_connect_and_read_timeouts(provider, fax_transport):
    answer(provider, "Fax_Status", OK)
    fax_transport.call("Fax_Status", repeatable=True)
    assert provider.calls[0].request.req_kwargs["timeout"] == TIMEOUT


def test_timeouts_must_be_positive(empty_store):
    with pytest.raises(ValueError, match="timeouts"):
        transport.AxionTransport(url=FAX_URL, api_key=API_KEY, username="u", password=PASSWORD,
                             dialect=transport.FAX_API, token_store=empty_store, timeout=(0, 5))


def test_server_error_is_a_transport_error_after_three_attempts(provider, fax_transport,
                                                                sleeps):
    answer(provider, "Fax_Status", "<h1>503</h1>", status=503, content_type="text/html")
    with pytest.raises(errors.TransportError) as caught:
        fax_transport.call("Fax_Status", repeatable=True)
    assert caught.value.status == 503
    assert len(sent(provider, "Fax_Status")) == 3
    assert sleeps == [0.5, 1.0]


def test_repeatable_call_succeeds_after_a_transient_failure(provider, fax_transport):
    answer(provider, "Fax_Status", requests.ConnectionError("reset by peer"))
    answer(provider, "Fax_Status", OK)
    assert fax_transport.call("Fax_Status", repeatable=True) == OK


def test_call_that_is_not_repeatable_is_tried_once(provider, fax_transport, sleeps):
    answer(provider, "deleteThing", "", status=500)
    with pytest.raises(errors.TransportError):
        fax_transport.call("deleteThing", repeatable=False)
    assert len(provider.calls) == 1
    assert sleeps == []


def test_read_timeout_is_a_transport_timeout(provider, fax_transport):
    answer(provider, "Fax_Status", requests.ReadTimeout())
    with pytest.raises(errors.TransportTimeout, match="no answer from the provider within 7 s"):
        fax_transport.call("Fax_Status", repeatable=True)


def test_connect_timeout_says_nothing_was_sent(provider, fax_transport):
    answer(provider, "Fax_Status", requests.ConnectTimeout())
    with pytest.raises(errors.TransportTimeout) as caught:
        fax_transport.call("Fax_Status", repeatable=False)
    assert caught.value.request_sent is False


def test_refused_connection_says_nothing_was_sent(provider, fax_transport):
    answer(provider, "Fax_Status", refused())
    with pytest.raises(errors.TransportError) as caught:
        fax_transport.call("Fax_Status", repeatable=False)
    assert caught.value.request_sent is False


def test_lost_answer_with_outcome_unknown_flag_raises_outcome_unknown(provider, fax_transport):
    answer(provider, "sendThing", requests.ReadTimeout())
    with pytest.raises(errors.OutcomeUnknown):
        fax_transport.call("sendThing", repeatable=False, outcome_unknown_if_lost=True)


def test_outcome_unknown_is_not_a_transport_error():
    assert issubclass(errors.OutcomeUnknown, errors.AxionError)  # the control: an Axion error
    assert not issubclass(errors.OutcomeUnknown, errors.TransportError)


# --- Raw bodies (getMMSMedia) ------------------------------------------------------------

def test_raw_call_returns_bytes_and_content_type(provider, fax_transport):
    answer(provider, "getMedia", b"\x89PNG\r\n\x1a\n...", content_type="image/png")
    reply = fax_transport.call_raw("getMedia", {"mediaUrl": "m"})
    assert reply == transport.RawReply(b"\x89PNG\r\n\x1a\n...", "image/png")


def test_raw_call_maps_a_json_error_body(provider, fax_transport):
    answer(provider, "getMedia", {"RESULT": "ERROR", "MESSAGE": "NOT FOUND"})
    with pytest.raises(errors.NotFound):
        fax_transport.call_raw("getMedia")


@pytest.mark.parametrize(("body", "content_type"), [
    (b"", "image/png"), (b"<html>login</html>", "text/html"), (b'{"RESULT": "OK"}', None),
])
def test_raw_call_refuses_what_is_not_media(provider, fax_transport, body, content_type):
    answer(provider, "getMedia", body, content_type=content_type)
    with pytest.raises(errors.MalformedResponse, match="instead of media"):
        fax_transport.call_raw("getMedia")


# --- Secrets -------------------------------------------------------------------------------

SECRET_LEAKS = [
    {"RESULT": "ERROR", "MESSAGE": f"bad key {API_KEY} for password {PASSWORD}"},
    {"RESULT": "MAYBE", "SESSION_TOKEN": OTHER_TOKEN},
    f"<html>token={TOKEN} key={API_KEY}</html>",
    {"RESULT": "ERROR", "ERROR": "NOT ALLOWED", "echo": TOKEN},
]


@pytest.mark.parametrize("body", SECRET_LEAKS)
@pytest.mark.parametrize("status", [200, 500])
def test_no_exception_shows_a_secret(provider, fax_transport, body, status):
    answer(provider, "User_Login", body, status=status)
    with pytest.raises(errors.AxionError) as caught:
        fax_transport.login()
    error = caught.value
    for secret in (API_KEY, PASSWORD, TOKEN, OTHER_TOKEN):
        assert secret not in str(error)
        assert secret not in repr(error)
        assert secret not in error.body


def test_memory_store_forgets_an_expired_token():
    store = tokens.MemoryTokenStore(TOKEN, datetime(2024, 1, 1, tzinfo=UTC),
                                   clock=lambda: datetime(2024, 1, 2, tzinfo=UTC))
    assert store.get() is None
