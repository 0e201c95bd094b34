"""The fax status API (version 3) of the sandbox: one function per METHOD.

Keys are UPPER_SNAKE and every value is a string, numbers included ("PAGES": "2"), as in the
provider's examples. TIME is the account's local time without a zone (docs/provider.md quirk 6); a
fax sent without a customer field reports it as null (docs/provider.md quirk 5); DESTINATION_NUMBER
is whatever was dialled, "1234" included (docs/provider.md quirk 11). No match is the error NOT
FOUND (docs/provider.md quirk 3).
"""

from datetime import datetime

from django.utils import timezone

from sandbox import services
from sandbox.models import SandboxAccount, SandboxFax, SandboxToken
from sandbox.protocol import (
    API_TIME_FORMAT,
    MISSING_PARAMETERS,
    NOT_FOUND,
    ApiError,
    required_str,
)


def user_login(params: dict) -> dict:
    api_key = required_str(params, "API_KEY")
    username = required_str(params, "USERNAME")
    password = required_str(params, "PASSWORD")
    token = services.login(api=SandboxToken.Api.FAX, api_key=api_key, username=username,
                           password=password)
    return {"RESULT": "OK", "SESSION_TOKEN": token.token}


def fax_status(params: dict) -> dict:
    field = required_str(params, "CUSTOMER_PROVIDED_FAX_FIELD")
    account = _account(params)
    now = timezone.now()
    faxes = services.visible_faxes(account, now).filter(customer_field=field)
    return {"RESULT": "OK", "CUSTOMER_PROVIDED_FAX_FIELD": field,
            "FAXES": _fax_list(faxes, account, now, with_field=False)}


def all_faxes_status(params: dict) -> dict:
    day_text = required_str(params, "DATE")
    try:
        day = datetime.strptime(day_text, "%Y-%m-%d").date()
    except ValueError as exc:
        raise ApiError(MISSING_PARAMETERS) from exc
    account = _account(params)
    now = timezone.now()
    faxes = services.faxes_of_day(account, day, now)
    return {"RESULT": "OK", "DATE": day_text,
            "FAXES": _fax_list(faxes, account, now, with_field=True)}


def fax_group_status(params: dict) -> dict:
    fields = params.get("CUSTOMER_PROVIDED_FAX_FIELDS")
    if (not isinstance(fields, list) or not fields
            or not all(isinstance(field, str) for field in fields)):
        raise ApiError(MISSING_PARAMETERS)
    account = _account(params)
    now = timezone.now()
    faxes = services.visible_faxes(account, now).filter(customer_field__in=fields)
    return {"RESULT": "OK", "FAXES": _fax_list(faxes, account, now, with_field=True)}


METHODS = {
    "User_Login": user_login,
    "Fax_Status": fax_status,
    "All_Faxes_Status": all_faxes_status,
    "Fax_Group_Status": fax_group_status,
}


def _account(params: dict) -> SandboxAccount:
    api_key = required_str(params, "API_KEY")
    token = required_str(params, "SESSION_TOKEN")
    return services.authenticate(api=SandboxToken.Api.FAX, api_key=api_key, token=token)


def _fax_list(faxes, account: SandboxAccount, now: datetime, *, with_field: bool) -> list[dict]:
    bodies = [fax_body(fax, account, now, with_field=with_field) for fax in faxes]
    if not bodies:
        raise ApiError(NOT_FOUND)
    return bodies


def fax_body(fax: SandboxFax, account: SandboxAccount, now: datetime, *,
             with_field: bool) -> dict:
    status, try_count = services.fax_state(fax, now)
    body = {"CUSTOMER_PROVIDED_FAX_FIELD": fax.customer_field} if with_field else {}
    body.update({
        "SOURCE_NUMBER": fax.source,
        "DESTINATION_NUMBER": fax.destination,
        "TIME": fax.time.astimezone(services.account_tzinfo(account)).strftime(API_TIME_FORMAT),
        "PAGES": str(fax.pages),
        "STATUS": str(status),
        "TRY_COUNT": str(try_count),
    })
    return body
