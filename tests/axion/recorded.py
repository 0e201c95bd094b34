"""The provider as the client tests record it (`responses`): its URLs, the tests' clock and
timeouts, helpers to answer and count calls by provider method, and transports that never
sleep."""

import json
from datetime import UTC, datetime

from responses import matchers

from axion.transport import FAX_API, SMS_API, AxionTransport
from tests.axion.bodies import API_KEY, PASSWORD, USERNAME

FAX_URL = "https://fax.axion.example/api"
SMS_URL = "https://sms.axion.example/api"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
TIMEOUT = (3.0, 7.0)


def method_key(url: str) -> str:
    return "METHOD" if url == FAX_URL else "method"


def answer(provider, method: str, body, *, url: str = FAX_URL, status: int = 200,
           content_type: str = "application/json", headers: dict | None = None) -> None:
    """Answer the next POST of `method` with `body` (a string, bytes, dict or exception).

    Several answers of one method are given in order; the last one repeats.
    """
    if isinstance(body, dict | list):
        body = json.dumps(body)
    provider.post(url, body=body, status=status, content_type=content_type, headers=headers,
                  match=[matchers.json_params_matcher({method_key(url): method},
                                                      strict_match=False)])


def sent(provider, method: str, url: str = FAX_URL) -> list[dict]:
    """The payloads posted for `method`, in order."""
    payloads = [json.loads(call.request.body) for call in provider.calls
                if call.request.url == url]
    return [p for p in payloads if p.get(method_key(url)) == method]


def make_transport(store, sleeps, *, url=FAX_URL, **options) -> AxionTransport:
    return AxionTransport(url=url, api_key=API_KEY, username=USERNAME, password=PASSWORD,
                          dialect=FAX_API if url == FAX_URL else SMS_API, token_store=store,
                          timeout=TIMEOUT, clock=lambda: NOW, sleep=sleeps.append, **options)
