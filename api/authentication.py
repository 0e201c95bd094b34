"""Who a request of the API acts as: `Authorization: Bearer axp_…` (an API key of an
organization), or a logged-in browser session (DRF's SessionAuthentication, with its CSRF
check), acting for the session's organization."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.api_keys import find_api_key, note_use
from accounts.models import ApiKey


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
