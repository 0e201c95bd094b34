"""The SMS API (version 9) of the sandbox: one function per `method`.

Keys are camelCase, except RESULT. Times in bodies are UTC as "YYYY-MM-DD HH:MM:SS"
(docs/provider.md quirk 18; webhooks use ISO 8601 with Z instead). `customerProvidedId` is echoed
back only when the request carried one. A message's `text` key is left out when an inbound message
has no text (the provider's "can be empty or missing"), and `media` is left out when a message has
none (an optional field). No match, or an offset past the end, is NOT FOUND.
"""

import uuid

from django.http import HttpResponse

from sandbox import phone, services
from sandbox.models import MessageStatus, SandboxAccount, SandboxMessage, SandboxToken
from sandbox.protocol import (
    MISSING_PARAMETERS,
    NOT_FOUND,
    ApiError,
    api_time,
    optional_int,
    optional_str,
    parse_utc,
    required_str,
)

MAX_MESSAGES = 100

# What the version check reports (docs/provider.md quirk 9: userLogin with only apiKey).
VERSION = {"version": "9", "hash": "5f0c9e7a1d2b4c6e8f0a1b3c5d7e9f1a2b4c6d8e",
           "buildTime": "2024-03-18 10:42:07"}


def user_login(params: dict) -> dict:
    api_key = required_str(params, "apiKey")
    if "username" not in params and "password" not in params:
        services.account_for_key(api_key)
        return {"RESULT": "OK", **VERSION}
    username = required_str(params, "username")
    password = required_str(params, "password")
    token = services.login(api=SandboxToken.Api.SMS, api_key=api_key, username=username,
                           password=password)
    return {"RESULT": "OK", "sessionToken": token.token}


def send_sms(params: dict) -> dict:
    source = required_str(params, "sourceNumber")
    destinations = params.get("destinationNumbers")
    if not isinstance(destinations, list) or not all(isinstance(n, str) for n in destinations):
        raise ApiError(MISSING_PARAMETERS)
    text = optional_str(params, "text") or ""
    file = optional_str(params, "file")
    customer_id = _customer_provided_id(params)
    account = _account(params)
    message = services.send_sms(
        account=account, source=source, destinations=destinations, text=text, file=file,
        customer_provided_id="" if customer_id is None else str(customer_id))
    return {"RESULT": "OK", **_echo(customer_id), "time": api_time(message.time),
            "uuid": str(message.uuid)}


def get_sms(params: dict) -> dict:
    message_uuid = _optional_uuid(params, "uuid")
    messaging_number = optional_str(params, "messagingNumber")
    if messaging_number is not None:
        messaging_number = phone.lenient_us_number(messaging_number)
        if messaging_number is None:
            raise ApiError(MISSING_PARAMETERS)
    number = optional_str(params, "number")
    if number is not None and not phone.is_us_e164(number):
        raise ApiError(MISSING_PARAMETERS)
    status = optional_str(params, "messageStatus")
    if status is not None:
        status = status.strip().upper()
        if status not in MessageStatus.values:
            raise ApiError(MISSING_PARAMETERS)
    from_time = _optional_time(params, "fromTime")
    to_time = _optional_time(params, "toTime")
    # At most 100 per call, whatever the limit asked for (docs/provider.md quirk 15).
    limit = min(optional_int(params, "limit", default=MAX_MESSAGES, minimum=1), MAX_MESSAGES)
    offset = optional_int(params, "offset", default=0, minimum=0)
    sort = (optional_str(params, "sort") or "DESC").strip().upper()
    if sort not in ("ASC", "DESC"):
        raise ApiError(MISSING_PARAMETERS)
    customer_id = _customer_provided_id(params)
    account = _account(params)
    messages = services.find_messages(
        account=account, message_uuid=message_uuid, messaging_number=messaging_number,
        number=number, status=status, from_time=from_time, to_time=to_time,
        newest_first=sort == "DESC", offset=offset, limit=limit)
    if not messages:
        raise ApiError(NOT_FOUND)
    return {"RESULT": "OK", **_echo(customer_id),
            "messages": [message_body(message) for message in messages]}


def get_mms_media(params: dict) -> HttpResponse:
    url = required_str(params, "mediaUrl")
    account = _account(params)
    media = services.media_for_url(account=account, url=url)
    # The body is the file itself, not JSON.
    response = HttpResponse(bytes(media.data), content_type=media.content_type)
    response["Content-Disposition"] = f'inline; filename="{media.key}.{media.extension}"'
    return response


def delete_sms(params: dict) -> dict:
    # The provider's text calls this "Origin number in E.164 format"; it is the message's
    # uuid (docs/provider.md quirk 10).
    message_uuid = _optional_uuid(params, "uuid")
    if message_uuid is None:
        raise ApiError(MISSING_PARAMETERS)
    customer_id = _customer_provided_id(params)
    account = _account(params)
    services.delete_message(account=account, message_uuid=message_uuid)
    return {"RESULT": "OK", **_echo(customer_id)}


def update_number(params: dict) -> dict:
    number = required_str(params, "number")
    callback_url = params.get("callbackUrl")
    if not isinstance(callback_url, str):
        raise ApiError(MISSING_PARAMETERS)
    account = _account(params)
    services.update_number(account=account, number=number, callback_url=callback_url.strip())
    return {"RESULT": "OK"}


METHODS = {
    "userLogin": user_login,
    "sendSMS": send_sms,
    "getSMS": get_sms,
    "getMMSMedia": get_mms_media,
    "deleteSMS": delete_sms,
    "updateNumber": update_number,
}


def message_body(message: SandboxMessage) -> dict:
    body = {"uuid": str(message.uuid), "src": message.src, "dst": list(message.dst)}
    if message.text or message.direction == SandboxMessage.Direction.OUTBOUND:
        body["text"] = message.text
    body["time"] = api_time(message.time)
    media = [services.media_url(item) for item in message.media.all()]
    if media:
        body["media"] = media
    body.update({"status": message.status, "userUuid": message.user_uuid,
                 "associatedNumber": message.number.number})
    return body


def _account(params: dict) -> SandboxAccount:
    api_key = required_str(params, "apiKey")
    token = required_str(params, "sessionToken")
    return services.authenticate(api=SandboxToken.Api.SMS, api_key=api_key, token=token)


def _customer_provided_id(params: dict):
    """Any string or number the client chose; echoed back as it came."""
    value = params.get("customerProvidedId")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float) or len(str(value)) > 200:
        raise ApiError(MISSING_PARAMETERS)
    return value


def _echo(customer_id) -> dict:
    return {} if customer_id is None else {"customerProvidedId": customer_id}


def _optional_uuid(params: dict, key: str) -> uuid.UUID | None:
    value = optional_str(params, key)
    if value is None:
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError as exc:
        raise ApiError(MISSING_PARAMETERS) from exc


def _optional_time(params: dict, key: str):
    value = optional_str(params, key)
    return None if value is None or not value.strip() else parse_utc(value)
