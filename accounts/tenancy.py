"""Tenant isolation, in one place.

Every organization-owned model has a django-scopes `ScopedManager(organization=...)`, which
refuses to query outside an active scope. This module is where scopes are entered:

- `OrganizationMiddleware` picks the request's organization (the one chosen with the
  switcher, else the user's first) and runs the whole request, rendering included, inside its
  scope. A request without an organization runs in no scope at all, so any scoped query
  fails loudly instead of returning everyone's rows. `/admin/` is for the platform's staff
  and runs with scopes disabled explicitly. `/hooks/` (the provider's webhooks) is a
  machine's: it looks up no member and runs in no scope.
- `organization_scope()` is what jobs, commands and API views use to enter one
  organization's scope.
- `role_required()` guards views by role.

Objects of another organization are simply not in the scoped querysets, so looking one up
is a 404, never a 403 that would confirm it exists.
"""

from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Connection, Membership, Organization, Role
from common import logs

SESSION_KEY = "organization_id"
UNSCOPED_PREFIXES = ("/admin/",)
# Machines' endpoints (the provider's webhooks): no member, no organization, no scope; the
# view finds its organization from the request itself.
MACHINE_PREFIXES = ("/hooks/",)


@contextmanager
def organization_scope(organization: Organization):
    """Run the block in one organization's scope (jobs, commands, API views)."""
    if organization is None or organization.pk is None:
        # django-scopes treats a None value as "no filter": never let that happen.
        raise ValueError("organization_scope needs a saved organization")
    with scope(organization=organization.pk):
        yield


def memberships_of(user) -> list[Membership]:
    """The user's memberships in every organization, for the switcher and the middleware."""
    if not user.is_authenticated:
        return []
    memberships = list(
        Membership.objects.with_scopes_disabled()
        .filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )
    for membership in memberships:
        # The same user, already loaded: what reads membership.user (visible_to, for a
        # member limited to some numbers) must not read it again.
        membership.user = user
    return memberships


def select_organization(request, organization_id: int) -> bool:
    """Make organization_id the request's organization for the rest of the session."""
    if any(m.organization_id == organization_id for m in memberships_of(request.user)):
        request.session[SESSION_KEY] = organization_id
        return True
    return False


class OrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        request.memberships = []
        if request.path_info.startswith(MACHINE_PREFIXES):
            return self.get_response(request)
        if request.path_info.startswith(UNSCOPED_PREFIXES):
            with scopes_disabled():
                return self.get_response(request)
        request.memberships = memberships_of(request.user)
        if not request.memberships:
            return self.get_response(request)
        chosen = request.session.get(SESSION_KEY)
        membership = next(
            (m for m in request.memberships if m.organization_id == chosen), request.memberships[0]
        )
        request.membership = membership
        request.organization = membership.organization
        # Times on the pages read in the organization's time zone; logs name the tenant.
        token = logs.organization_id.set(membership.organization_id)
        try:
            with organization_scope(membership.organization), timezone.override(
                    membership.organization.tzinfo):
                return self.get_response(request)
        finally:
            logs.organization_id.reset(token)


def organization_context(request):
    """Template context: the current organization, membership, whether the member may
    administer it, and the switcher's list."""
    membership = getattr(request, "membership", None)
    may_administer = membership is not None and membership.allows(Role.ADMIN)
    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        # Owners and admins manage the organization: links to its settings are theirs.
        "may_administer": may_administer,
        # Flagged on every page for them until it recovers: one query (of at most two
        # rows), made only when base.html reads it; nobody else's pages make it.
        "failing_connections": (Connection.objects.filter(failing_since__isnull=False)
                                .only("kind", "failing_since") if may_administer else ()),
        # Agents and above work the inbox: edit contacts, assign, label, write notes.
        "may_work": membership is not None and membership.allows(Role.AGENT),
        "memberships": getattr(request, "memberships", []),
        "sandbox_enabled": settings.AXION_SANDBOX,
    }


def role_required(role: Role):
    """Allow the view to members whose role is at least `role`; others get 403.

    Anonymous users go to the login page; a user with no organization sees a page that
    says so.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.membership is None:
                return redirect("no_organization")
            if not request.membership.allows(role):
                raise PermissionDenied(f"This needs the {Role(role).label} role or higher.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


member_required = role_required(Role.VIEWER)
