"""Answering the fax API with recorded bodies (`responses`), and reading what was sent."""

import json

from responses import matchers

FAX_URL = "https://fax.axion.example/api"


def error_body(error: str) -> str:
    """An error answer; its shape is undocumented (docs/provider.md, quirk 2), this is one the
    client reads."""
    return json.dumps({"RESULT": "ERROR", "ERROR": error})


def answer(provider, method: str, body, *, url: str = FAX_URL, status: int = 200,
           **params) -> None:
    """Answer POSTs of `method` with `body`, a string or an exception to raise; `params`
    (such as DATE="2017-11-29") narrow it to requests that carry them."""
    expected = {"METHOD": method, **params}
    provider.post(url, body=body, status=status, content_type="application/json",
                  match=[matchers.json_params_matcher(expected, strict_match=False)])


def sent(provider, method: str) -> list[dict]:
    """The payloads posted for `method`, in order."""
    payloads = [json.loads(call.request.body) for call in provider.calls]
    return [payload for payload in payloads if payload.get("METHOD") == method]
