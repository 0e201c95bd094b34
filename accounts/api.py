"""What every endpoint of the REST API v1 shares, written once.

- `ApiKeyAuthentication`: `Authorization: Bearer axp_…`; the request then acts for the
  key's organization. Logged-in browser sessions work too (DRF's SessionAuthentication,
  with its CSRF check), acting for the session's organization.
- `OrganizationApiMixin`: runs the whole DRF dispatch in the organization's scope. A key
  is only known once DRF authenticates, after the tenancy middleware has run, so the view
  enters the scope itself right after authentication; permissions, throttles, the handler
  and the exception handler all run inside it. Times are read and written in UTC.
- `OrganizationAccess`: "read" for GET, "send" for POST and DELETE; a key by its scopes, a
  member by role (viewer reads, agent sends and deletes).
- `ApiRateThrottle`: API_RATE requests per key (or per logged-in user), 429 + Retry-After.
- `KeysetPagination`: the portal's keyset pages (portal.pagination), no COUNT, no OFFSET.
- `api_exception_handler`: every error as {"error": {"code", "message", "fields"}}; bad
  input from the services is a 400 on its field; provider failures are 502 (504 when the
  provider did not answer in time) and a missing connection is 409.
"""

from contextlib import ExitStack
from datetime import UTC

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import BasePagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.urls import replace_query_param

from accounts.api_keys import find_api_key, note_use
from accounts.axion import AxionError, OutcomeUnknown
from accounts.models import ApiKey, Role
from accounts.provider import NoConnection, describe_provider_error, is_timeout
from accounts.tenancy import organization_scope
from portal import logs
from portal.pagination import _decode, keyset_page

READ = ApiKey.Scope.READ.value
SEND = ApiKey.Scope.SEND.value


# --- Authentication ------------------------------------------------------------------------


class ApiKeyUser:
    """Who a request with an API key acts as: the organization through the key, no person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, key: ApiKey):
        self.api_key = key
        self.username = key.label

    def get_username(self) -> str:
        return self.username

    def __str__(self):
        return self.username


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`; other schemes are left to the next authenticator."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the key as 'Authorization: Bearer <key>'.", code="invalid_key")
        try:
            clear = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This API key is not valid.",
                                                  code="invalid_key") from None
        key = find_api_key(clear)
        if key is None:
            raise exceptions.AuthenticationFailed("This API key is not valid.",
                                                  code="invalid_key")
        if not key.is_active:
            raise exceptions.AuthenticationFailed("This API key was revoked.",
                                                  code="revoked_key")
        note_use(key)
        return ApiKeyUser(key), key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without valid credentials.
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "An API key of the organization, made by an owner or admin "
                               "under Organization › API keys: `Authorization: Bearer axp_…`."}


def request_key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


def actor_of(request) -> dict:
    """The `user` and `actor_label` arguments of a service for this request."""
    key = request_key(request)
    if key is not None:
        return {"user": None, "actor_label": key.label}
    return {"user": request.user, "actor_label": ""}


# --- Tenancy, permissions, throttling ------------------------------------------------------


class OrganizationAccess(BasePermission):
    """"read" for safe methods, "send" for the others: a key's scope, or a member's role."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False  # DRF turns this into 401 Not authenticated
        needed = READ if request.method in SAFE_METHODS else SEND
        key = request_key(request)
        if key is not None:
            if not key.allows(needed):
                self.message = f"This API key does not have the {needed} scope."
                return False
            return True
        membership = getattr(request._request, "membership", None)
        if membership is None:
            self.message = "You are not a member of any organization."
            return False
        role = Role.VIEWER if needed == READ else Role.AGENT
        if not membership.allows(role):
            self.message = f"This needs the {role.label} role or higher."
            return False
        return True


class ApiRateThrottle(SimpleRateThrottle):
    """At most API_RATE requests ("120/min") per key, or per user for browser sessions."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE or None

    def get_cache_key(self, request, view):
        key = request_key(request)
        if key is not None:
            return f"throttle_api_key_{key.pk}"
        if request.user and request.user.is_authenticated:
            return f"throttle_api_user_{request.user.pk}"
        return None


class OrganizationApiMixin:
    """Base of the API views: the organization's scope and UTC for the whole dispatch."""

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as stack:
            stack.enter_context(timezone.override(UTC))
            self._contexts = stack
            return super().dispatch(request, *args, **kwargs)

    def perform_authentication(self, request):
        super().perform_authentication(request)
        key = request_key(request)
        if key is not None:
            # The middleware saw no session user: the key says which organization it is.
            request._request.organization = key.organization
            request._request.membership = None
        organization = getattr(request._request, "organization", None)
        if organization is not None and request.user.is_authenticated:
            self._contexts.enter_context(organization_scope(organization))
            token = logs.organization_id.set(organization.pk)
            self._contexts.callback(logs.organization_id.reset, token)

    @property
    def organization(self):
        return self.request._request.organization

    @property
    def schema_only(self) -> bool:
        """True while drf-spectacular inspects the view, outside any request or scope."""
        return getattr(self, "swagger_fake_view", False)


# --- Pagination ----------------------------------------------------------------------------


class KeysetPagination(BasePagination):
    """Pages of `view.keyset_ordering` (unique, indexed), `page_size` rows, no counts.

    `next` is the URL of the following page, null on the last one.
    """

    page_size = 50
    max_page_size = 200
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [
                f"A whole number from 1 to {self.max_page_size}."]})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        size = self.get_page_size(request)
        cursor = request.query_params.get(self.cursor_query_param) or None
        values = _decode(cursor, len(view.keyset_ordering)) if cursor else None
        if values and any(isinstance(v, str) and "\x00" in v for v in values):
            # No database takes NUL in a text value: made by hand, like any bad cursor.
            raise self.invalid_cursor()
        page = keyset_page(queryset, ordering=view.keyset_ordering, cursor=cursor, size=size)
        if cursor and not page.has_previous:
            # keyset_page reads a cursor it cannot use as the first page: say so instead.
            raise self.invalid_cursor()
        self.request = request
        self.page = page
        return page.items

    def invalid_cursor(self) -> exceptions.ValidationError:
        return exceptions.ValidationError({self.cursor_query_param: [
            "This cursor is not valid: use the `next` link of a page."]})

    def get_next_link(self) -> str | None:
        if self.page.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.page.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True,
                         "description": "The next page, null on the last one."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "Where the page starts: from the `next` link of the page before.",
             "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Rows per page, {self.page_size} unless given.",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]


# --- Errors ------------------------------------------------------------------------------


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
    # Imported here: DRF imports the authentication classes (this module) from its views.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_detail(exc))
    elif isinstance(exc, RequestDataTooBig):
        # Only a message's media makes a body this large.
        exc = exceptions.ValidationError({"media": ["The file is larger than 3.5 MB."]})
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
        response.data = error_body(str(code), str(detail))
    return response


def api_not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a 404 in the API's error shape, not an HTML page."""
    return JsonResponse(error_body("not_found", "There is no such API endpoint."), status=404)


# --- Schema ------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: invalid, "
                                           "not_authenticated, permission_denied, not_found, "
                                           "throttled, no_connection, provider_error, "
                                           "provider_timeout, …")
    message = serializers.CharField(help_text="For people.")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="Bad input: the messages of each field.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


PROVIDER_ERRORS = {
    409: OpenApiResponse(ErrorSerializer, description="The organization has no connection "
                                                      "to Axion for this yet."),
    502: OpenApiResponse(ErrorSerializer, description="Axion failed or answered an error."),
    504: OpenApiResponse(ErrorSerializer, description="Axion did not answer in time."),
}

ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH)

_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_COMMON_ERRORS = {
    "400": ("Bad input: `error.fields` names each bad field and why.", {}),
    "401": ("No API key or session, or a key that is not valid or was revoked.",
            {"WWW-Authenticate": {"schema": {"type": "string"}}}),
    "403": ("The key lacks the scope, or the member the role, for this.", {}),
    "404": ("No such object in this organization.", {}),
    "429": ("Too many requests for this key: wait the seconds in Retry-After.",
            {"Retry-After": {"schema": {"type": "integer"}, "required": True}}),
}
_ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "fields"],
        "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object",
                       "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    }},
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: document the errors every endpoint can answer."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "Error", _ERROR_SCHEMA)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, (description, headers) in _COMMON_ERRORS.items():
                entry = {"description": description, "content": _ERROR_REF}
                if headers:
                    entry["headers"] = headers
                responses.setdefault(status, entry)
    return result
