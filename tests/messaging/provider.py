"""The SMS API as the messaging tests see it: bodies of webhooks and answers, and helpers to
answer and count calls by method on a `responses` mock."""

import json

from responses import matchers

from tests.messaging.factories import SMS_URL

OWN = "+18056421414"
OTHER = "+18056421415"


def new_sms(uuid: str = "in-0001", *, number: str = OWN, source: str = OTHER,
            text: str = "Can I move my appointment?", media="",
            time: str = "2024-03-01T11:58:00Z") -> dict:
    """A newSMS webhook body, as the provider's text shows it (media "" and all)."""
    return {"event": "newSMS", "uuid": uuid, "time": time, "number": number,
            "sourceNumber": source, "destinationNumbers": [number], "text": text,
            "media": media}


def updated_sms(uuid: str = "out-0001", *, status: str = "SENT",
                messaging_number: str = OWN[1:], time: str = "2024-03-01T11:59:00Z") -> dict:
    """An updatedSMS webhook body; `messagingNumber` without the + as the provider writes it."""
    return {"event": "updatedSMS", "uuid": uuid, "time": time, "status": status,
            "messagingNumber": messaging_number, "accountNumber": "100200"}


def message(uuid: str = "in-0001", *, src: str = OTHER, dst=None, own: str = OWN,
            text: str = "Can I move my appointment?", status: str = "RECEIVED",
            time: str = "2024-03-01T11:58:00Z", media="") -> dict:
    """One message as getSMS describes it."""
    return {"uuid": uuid, "src": src, "dst": dst if dst is not None else [own], "text": text,
            "time": time, "media": media, "status": status, "userUuid": "",
            "associatedNumber": own}


def messages_reply(*messages: dict) -> dict:
    return {"RESULT": "OK", "customerProvidedId": None, "messages": list(messages)}


def error(text: str) -> dict:
    return {"RESULT": "ERROR", "ERROR": text}


def answer(provider, method: str, body, *, status: int = 200,
           content_type: str = "application/json") -> None:
    """Answer POSTs of `method` with `body` (dict, str, bytes or exception); given several
    times, the answers come in order and the last one repeats."""
    if isinstance(body, dict):
        body = json.dumps(body)
    provider.post(SMS_URL, body=body, status=status, content_type=content_type,
                  match=[matchers.json_params_matcher({"method": method}, strict_match=False)])


def sent(provider, method: str) -> list[dict]:
    """The payloads posted for `method`, in order."""
    payloads = [json.loads(call.request.body) for call in provider.calls]
    return [p for p in payloads if p.get("method") == method]


def accepted(uuid: str = "out-0001", *, time: str = "2024-03-01T12:00:00Z") -> dict:
    """The answer to a sendSMS the provider took in: the message is QUEUED."""
    return {"RESULT": "OK", "customerProvidedId": None, "time": time, "uuid": uuid}
