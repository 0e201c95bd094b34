"""API keys: creating, revoking, and finding the key a request presents, with their audit.

A key is "axp_" followed by 43 url-safe characters (256 random bits). It is shown once, at
creation; only its SHA-256 digest is stored, with its visible start (`prefix`). Because the
key is long and random, a fast digest is safe: no slow password hash runs per request.
The keys page, the `create_api_key` command and the API's authentication call these.
"""

import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiKey, Organization, User, digest
from accounts.services import audit
from accounts.tenancy import organization_scope

KEY_MARKER = "axp_"
VISIBLE_CHARACTERS = 8
# Longer than any key this module makes; anything longer is refused before hashing.
MAX_KEY_LENGTH = 100
# last_used_at is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def new_clear_key() -> str:
    return KEY_MARKER + secrets.token_urlsafe(32)


def parse_scopes(scopes) -> list[str]:
    """Scopes as a list in canonical order, from a list or a comma-separated string.

    Raises ValidationError on the `scopes` field for an unknown or missing scope.
    """
    if isinstance(scopes, str):
        scopes = scopes.split(",")
    wanted = {s.strip().lower() for s in scopes if s and s.strip()}
    unknown = sorted(wanted - set(ApiKey.Scope.values))
    if unknown:
        raise ValidationError({"scopes": f"Unknown scope {', '.join(unknown)}: use "
                                         f"{' and '.join(ApiKey.Scope.values)}."})
    if not wanted:
        raise ValidationError({"scopes": "Choose at least one scope."})
    return [s for s in ApiKey.Scope.values if s in wanted]


def create_api_key(*, organization: Organization, name: str, scopes, actor: User | None = None,
                   actor_label: str = "", ip: str | None = None) -> tuple[ApiKey, str]:
    """Create a key; returns the stored row and the clear key, which is never kept."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the key a name, such as the system that will use it."
    elif len(name) > ApiKey._meta.get_field("name").max_length:
        errors["name"] = "At most 100 characters."
    try:
        scope_list = parse_scopes(scopes)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    clear = new_clear_key()
    with organization_scope(organization):
        key = ApiKey.objects.create(
            organization=organization, name=name,
            prefix=clear[:len(KEY_MARKER) + VISIBLE_CHARACTERS], digest=digest(clear),
            scopes=",".join(scope_list), created_by=actor)
    audit(organization=organization, action="api_key.created", actor=actor,
          actor_label=actor_label, target=key.label, detail={"scopes": scope_list}, ip=ip)
    return key, clear


def revoke_api_key(*, key: ApiKey, actor: User | None = None, actor_label: str = "",
                   ip: str | None = None) -> ApiKey:
    """Revoke a key at once: its next request gets 401. Revoking twice changes nothing."""
    if key.revoked_at is not None:
        return key
    now = timezone.now()
    with organization_scope(key.organization):
        revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=now)
    key.revoked_at = now
    if revoked:
        audit(organization=key.organization, action="api_key.revoked", actor=actor,
              actor_label=actor_label, target=key.label, ip=ip)
    return key


def find_api_key(clear: str) -> ApiKey | None:
    """The key (active or revoked) whose digest matches `clear`, with its organization.

    Looked up across organizations: the request's organization is the key's.
    """
    if not clear.startswith(KEY_MARKER) or len(clear) > MAX_KEY_LENGTH:
        return None
    wanted = digest(clear)
    key = (ApiKey.objects.with_scopes_disabled().select_related("organization")
           .filter(digest=wanted).first())
    if key is None or not hmac.compare_digest(key.digest, wanted):
        return None
    return key


def note_use(key: ApiKey, now: datetime | None = None) -> None:
    """Record that the key was used, at most once per LAST_USED_RESOLUTION per key."""
    now = now or timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    # The condition in the UPDATE keeps concurrent requests from writing it twice.
    (ApiKey.objects.with_scopes_disabled()
     .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
             pk=key.pk)
     .update(last_used_at=now))
    key.last_used_at = now
