"""What changes organizations, memberships, invitations and connections, with its audit.

Views, commands and the admin call these functions, so that each rule (an organization keeps
an owner, an admin cannot touch an owner, secrets are write-only) is written once.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import axion
from accounts.connection_signals import (
    SETTINGS_CHANGED,
    connection_added,
    connection_failing,
    connection_recovered,
)
from accounts.models import (
    AuditEntry,
    Connection,
    Invitation,
    Membership,
    Organization,
    Role,
    User,
    digest,
)
from accounts.tenancy import organization_scope
from axion.errors import AxionError, NotAllowed, URLNotAllowed, WrongCredentials
from axion.wording import describe_provider_error
from common.outbound import URLRefused, check_url


def audit(*, organization: Organization, action: str, actor: User | None = None,
          actor_label: str = "", target: str = "", detail: dict | None = None,
          ip: str | None = None) -> AuditEntry:
    """Write one audit entry. `detail` must never hold a secret or a message text."""
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    with organization_scope(organization):
        return AuditEntry.objects.create(
            organization=organization, actor=actor, actor_label=actor_label, action=action,
            target=target, detail=detail or {}, ip_address=ip,
        )


@transaction.atomic
def create_organization(*, name: str, slug: str, owner: User, time_zone: str = "UTC",
                        ip: str | None = None) -> Organization:
    organization = Organization(name=name, slug=slug, time_zone=time_zone)
    organization.full_clean()
    organization.save()
    with organization_scope(organization):
        Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
    audit(organization=organization, action="organization.created", actor=owner,
          target=slug, ip=ip)
    return organization


def _check_may_manage(actor_membership: Membership, membership: Membership, new_role: str | None):
    """Admins manage admins, agents and viewers; only owners touch owners or make new ones."""
    if not actor_membership.allows(Role.ADMIN):
        raise PermissionDenied("Only owners and admins manage members.")
    touches_owner = membership.role == Role.OWNER or new_role == Role.OWNER
    if touches_owner and not actor_membership.allows(Role.OWNER):
        raise PermissionDenied("Only an owner can change an owner or make a new one.")


def _check_keeps_an_owner(membership: Membership, new_role: str | None):
    if membership.role != Role.OWNER or new_role == Role.OWNER:
        return
    # Lock the owner rows (PostgreSQL) so two owners cannot demote each other at once.
    others = (Membership.objects.select_for_update()
              .filter(organization=membership.organization, role=Role.OWNER)
              .exclude(pk=membership.pk))
    if not list(others):
        raise ValidationError("An organization always keeps an owner: make someone else "
                              "owner first.")


@transaction.atomic
def change_role(*, actor_membership: Membership, membership: Membership, role: str,
                ip: str | None = None) -> Membership:
    role = Role(role)
    _check_may_manage(actor_membership, membership, role)
    _check_keeps_an_owner(membership, role)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(organization=membership.organization, action="member.role_changed",
          actor=actor_membership.user, target=membership.user.get_username(),
          detail={"from": old, "to": role.value}, ip=ip)
    return membership


@transaction.atomic
def remove_member(*, actor_membership: Membership, membership: Membership,
                  ip: str | None = None) -> None:
    if actor_membership.pk != membership.pk:
        _check_may_manage(actor_membership, membership, None)
    _check_keeps_an_owner(membership, None)
    membership.delete()
    audit(organization=membership.organization, action="member.removed",
          actor=actor_membership.user, target=membership.user.get_username(), ip=ip)


def invite_member(*, actor_membership: Membership, email: str, role: str,
                  ip: str | None = None) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link; returns the invitation and the link."""
    role = Role(role)
    if not actor_membership.allows(Role.ADMIN):
        raise PermissionDenied("Only owners and admins invite members.")
    if role == Role.OWNER and not actor_membership.allows(Role.OWNER):
        raise PermissionDenied("Only an owner can invite an owner.")
    organization = actor_membership.organization
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, token_digest=digest(token),
        invited_by=actor_membership.user,
    )
    link = settings.PORTAL_BASE_URL + reverse("accept_invitation", args=[token])
    send_mail(
        subject=f"You are invited to {organization.name} on the Axion portal",
        message=(f"{actor_membership.user.get_username()} invites you to join "
                 f"{organization.name} as {role.label}.\n\nAccept within "
                 f"{settings.INVITATION_DAYS} days: {link}\n"),
        from_email=None, recipient_list=[email],
    )
    audit(organization=organization, action="member.invited", actor=actor_membership.user,
          target=email, detail={"role": role.value}, ip=ip)
    return invitation, link


def find_open_invitation(token: str) -> Invitation | None:
    """The open invitation for a link's token, looked up across organizations by digest."""
    invitation = (Invitation.objects.with_scopes_disabled().select_related("organization")
                  .filter(token_digest=digest(token)).first())
    return invitation if invitation is not None and invitation.is_open else None


class InvitationUnavailable(Exception):
    """The invitation was used, revoked or expired since it was looked up."""


class InvitationForAnotherAddress(PermissionDenied):
    """The user's e-mail address is not the one the invitation was sent to."""


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    """Whether the invitation was sent to the user's e-mail address (whatever its case)."""
    address = (user.email or "").strip()
    return bool(address) and address.casefold() == invitation.email.strip().casefold()


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User, ip: str | None = None) -> Membership:
    """Make the user a member, once: the invitation is bound to the address it was sent to,
    and taken by one conditional UPDATE, so of two accepts at once only one succeeds (the
    other one's UPDATE finds it taken, on PostgreSQL after waiting for the first's lock)."""
    if not invitation_is_for(invitation, user):
        raise InvitationForAnotherAddress("This invitation was sent to another e-mail address.")
    organization = invitation.organization
    now = timezone.now()
    with organization_scope(organization):
        taken = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now,
        ).update(accepted_at=now, accepted_by=user)
        if not taken:
            raise InvitationUnavailable("This invitation was used already, was revoked, or "
                                        "has expired.")
        membership, created = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": invitation.role})
    audit(organization=organization, action="member.joined", actor=user,
          detail={"role": membership.role, "already_member": not created}, ip=ip)
    return membership


def check_api_url(url: str) -> None:
    """Refuse, with a ValidationError, an API URL the portal must not call: not a URL, not
    https to a public address, or not allowed by AXION_ALLOWED_HOSTS (the sandbox's own URLs
    are allowed while AXION_SANDBOX is on). The connection page and save_connection share it.
    """
    URLValidator(schemes=["http", "https"])(url)
    try:
        check_url(url, axion.outbound_policy())
    except URLRefused as error:
        raise ValidationError(str(error), code="url_not_allowed") from error


def save_connection(*, organization: Organization, kind: str, values: dict, actor: User | None,
                    ip: str | None = None) -> Connection:
    """Create or update a connection. A blank or missing secret keeps the stored one, and an
    API URL the portal must not call is refused (`check_api_url`).

    Changing where or as whom the portal logs in drops the stored session token, so the next
    call logs in with the new credentials.
    """
    if "api_url" in values:
        # Before the transaction: resolving the URL's host may take a while.
        try:
            check_api_url(values["api_url"])
        except ValidationError as error:
            raise ValidationError({"api_url": error.messages}) from error
    return _store_connection(organization=organization, kind=kind, values=values, actor=actor,
                             ip=ip)


@transaction.atomic
def _store_connection(*, organization: Organization, kind: str, values: dict,
                      actor: User | None, ip: str | None) -> Connection:
    with organization_scope(organization):
        connection = Connection.objects.filter(kind=kind).first() or Connection(
            organization=organization, kind=kind)
        changed = []
        for field, value in values.items():
            if field in Connection.SECRET_FIELDS and not value:
                continue
            if getattr(connection, field) != value:
                setattr(connection, field, value)
                changed.append(field)
        if connection.pk is None:
            missing = [f for f in ("api_key", "password") if not getattr(connection, f)]
            if missing:
                raise ValidationError({f: "Required for a new connection." for f in missing})
        was_failing_since = connection.failing_since if connection.pk else None
        if {"api_url", "api_key", "username", "password"} & set(changed):
            connection.session_token = ""
            connection.token_expires_at = None
            connection.failing_since = None
            connection.last_error = ""
        connection.full_clean()
        created = connection.pk is None
        connection.save()
        if created:
            connection_added.send(sender=Connection, connection=connection)
        if was_failing_since is not None and connection.failing_since is None:
            connection_recovered.send(sender=Connection, connection=connection,
                                      failing_since=was_failing_since,
                                      reason=SETTINGS_CHANGED)
    audit(organization=organization,
          action="connection.created" if created else "connection.changed", actor=actor,
          target=kind, detail={"fields": sorted(changed)}, ip=ip)
    return connection


def note_provider_failure(*, organization: Organization, kind: str,
                          error: AxionError) -> None:
    """Flag the connection as failing when the provider rejected its credentials (username
    and password, or the API key), or the portal refused its API URL at call time (its host
    now resolves to a private address): shown on its settings page and the dashboard. Other
    failures (down, slow) say nothing about the connection's settings and change nothing."""
    if not isinstance(error, WrongCredentials | NotAllowed | URLNotAllowed):
        return
    with organization_scope(organization), transaction.atomic():
        newly_failing = Connection.objects.filter(kind=kind, failing_since__isnull=True).update(
            failing_since=timezone.now())
        Connection.objects.filter(kind=kind).update(
            last_error=describe_provider_error(error)[:500])
        if newly_failing:
            connection_failing.send(sender=Connection,
                                    connection=Connection.objects.get(kind=kind))
