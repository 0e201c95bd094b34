"""Audit entries for logins and failed logins, from Django's auth signals."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.services import audit
from accounts.tenancy import memberships_of
from common.addresses import client_ip

log = logging.getLogger(__name__)


def audit_in_each_organization(user, action, request, detail=None):
    """Audit what a user did to their own sign-in (logins, two-factor): it belongs to no
    single organization, so each one the user is in sees it (staff may be in none: logged)."""
    memberships = memberships_of(user)
    if not memberships:
        log.info("%s by %s (in no organization) from %s", action, user.get_username(),
                 client_ip(request))
    for membership in memberships:
        audit(organization=membership.organization, action=action, actor=user,
              ip=client_ip(request), detail=detail)


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_in_each_organization(user, "auth.login", request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_in_each_organization(user, "auth.logout", request)


@receiver(user_login_failed)
def audit_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None:
        log.info("failed login for an unknown username from %s", client_ip(request))
        return
    # A wrong two-factor code says which step failed (accounts.two_factor.count_failure).
    detail = {"step": credentials["step"]} if "step" in credentials else None
    audit_in_each_organization(user, "auth.login_failed", request, detail=detail)


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None:
        log.warning("logins locked out for an unknown username from %s", ip_address)
        return
    audit_in_each_organization(user, "auth.locked_out", request)
