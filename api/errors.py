"""Every error of the API as {"error": {"code", "message", "fields"}}: bad input from the
services is a 400 on its field, input a rule refuses (common.refusals) a 422 with the rule's
code; provider failures are 502 (504 when the provider did not
answer in time) and a missing connection is 409."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from axion.errors import AxionError, NoConnection, OutcomeUnknown, is_timeout
from axion.sms import FILE_TOO_LARGE
from axion.wording import describe_provider_error
from common.refusals import Refused


class ProviderFailed(exceptions.APIException):
    status_code = 502
    default_code = "provider_error"
    default_detail = "Axion answered with an error."


class ProviderTimeout(exceptions.APIException):
    status_code = 504
    default_code = "provider_timeout"
    default_detail = "Axion did not answer in time."


class NoConnectionConflict(exceptions.APIException):
    status_code = 409
    default_code = "no_connection"
    default_detail = "This organization has no connection to Axion for this yet."


class UnknownObject(exceptions.NotFound):
    """A field of a request that names an object the organization does not have: a 404,
    as a path to an object of another organization is, with the field named."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def provider_exception(error: AxionError) -> exceptions.APIException:
    """The API's answer to a provider failure, with the portal's message for people."""
    message = describe_provider_error(error)
    if isinstance(error, NoConnection):
        return NoConnectionConflict(message)
    if is_timeout(error) or isinstance(error, OutcomeUnknown):
        return ProviderTimeout(message)
    return ProviderFailed(message)


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Validation details as {"field": [messages]}; nested fields as "to.0"."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, dict):
        fields = {}
        for name, value in detail.items():
            fields.update(_flatten(value, f"{prefix}.{name}" if prefix else str(name)))
        return fields
    if isinstance(detail, list) and any(isinstance(v, dict | list) for v in detail):
        fields = {}
        for i, value in enumerate(detail):
            fields.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
        return fields
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or non_field: [str(m) for m in messages]}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _django_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def api_exception_handler(exc, context):
    """DRF's handler (status, WWW-Authenticate, Retry-After) with the API's error shape."""
    if isinstance(exc, Refused):
        # Well formed, refused by a rule: 422 with the rule's own code.
        fields = _flatten(exc.message_dict)
        message = "; ".join(messages[0] for messages in fields.values())
        set_rollback()
        return Response(error_body(exc.refusal_code, message, fields),
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_detail(exc))
    elif isinstance(exc, RequestDataTooBig):
        # Only a message's media makes a body this large.
        exc = exceptions.ValidationError({"media": [FILE_TOO_LARGE]})
    elif isinstance(exc, AxionError):
        exc = provider_exception(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(" ".join(str(a) for a in exc.args) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(" ".join(str(a) for a in exc.args) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's 500, logged
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "; ".join(
            (messages[0] if name == api_settings.NON_FIELD_ERRORS_KEY
             else f"{name}: {messages[0]}")
            for name, messages in fields.items())
        response.data = error_body("invalid", message or "The request is not valid.", fields)
    else:
        detail = getattr(exc, "detail", "")
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        fields = {exc.field: [str(detail)]} if isinstance(exc, UnknownObject) else None
        response.data = error_body(str(code), str(detail), fields)
    return response
