"""Two-factor sign-in, with django-otp: an authenticator app (a TOTP device) and ten
single-use recovery codes (a static device). No cryptography of the portal's own.

- Signing in: a user with a confirmed app gives its code (or a recovery code) after the
  password, before Django logs them in (`begin_second_step`, `complete_second_step`); the
  session then counts as verified for django-otp's `OTPMiddleware`. Wrong codes are failed
  logins for django-axes (the `user_login_failed` signal), so its lockout covers them.
- Who must use it: platform staff, and owners and admins of an organization that requires
  it (`Organization.require_two_factor`), in every organization they are in.
  `TwoFactorMiddleware` sends such a user to set it up before anything else, and a user
  with an app whose session gave no code to give one. The admin site refuses a session
  without a code of its own accord (accounts.admin_site).
- Setting up, turning off and using a recovery code are audited in each of the user's
  organizations.
"""

import time
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials, get_lockout_response
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organization, Role, User
from accounts.services import audit
from accounts.signals import audit_in_each_organization
from accounts.tenancy import MACHINE_PREFIXES

RECOVERY_CODE_COUNT = 10
# How long the second step waits for its code after the password was right.
SECOND_STEP_SECONDS = 300
_PENDING = "two_factor_pending"


# --- Who must, and what they have ------------------------------------------------------

def app_of(user, *, confirmed: bool = True) -> TOTPDevice | None:
    """The user's authenticator app (confirmed, or the one being set up)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


def is_required(user, memberships) -> bool:
    """Staff, and owners and admins of an organization that requires it, must use it."""
    return user.is_staff or any(
        m.organization.require_two_factor and m.allows(Role.ADMIN) for m in memberships)


# --- Setting up and turning off ---------------------------------------------------------

def start_setup(user) -> TOTPDevice:
    """A new, unconfirmed app with a new secret; any earlier unconfirmed one is dropped, so
    a secret is shown on one page only."""
    with transaction.atomic():
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    """The app's otpauth:// link as an inline <svg> element (no script, no image request)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code of the authenticator app's secret")


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def confirm_setup(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code it shows; returns new recovery codes (to be shown once),
    or None when the code is wrong. The session counts as verified from now on."""
    user = device.user
    with transaction.atomic():
        if django_otp.verify_token(user, device.persistent_id, code) is None:
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
    django_otp.login(request, device)
    audit_in_each_organization(user, "auth.two_factor_enabled", request)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.devices_for_user(user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return sorted(codes)


def turn_off(request, user) -> None:
    """Remove the user's app and recovery codes."""
    with transaction.atomic():
        TOTPDevice.objects.devices_for_user(user).delete()
        StaticDevice.objects.devices_for_user(user).delete()
    audit_in_each_organization(user, "auth.two_factor_disabled", request)


# --- Codes -------------------------------------------------------------------------------

def normalize_recovery_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verify_app_code(user, code: str) -> TOTPDevice | None:
    """The app that accepts the code (each code once; django-otp throttles wrong ones)."""
    device = app_of(user)
    if device is None:
        return None
    return django_otp.verify_token(user, device.persistent_id, code)


def verify_recovery_code(user, code: str) -> StaticDevice | None:
    """The recovery codes' device, if the code is one of them; the code is used up."""
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        return None
    return django_otp.verify_token(user, device.persistent_id, normalize_recovery_code(code))


def verify_any_code(user, code: str):
    """A code of the app (6 digits) or a recovery code (8 letters and digits)."""
    code = code.strip()
    if len(code) == 6 and code.isdigit():
        return verify_app_code(user, code)
    return verify_recovery_code(user, code)


def lockout_response(request, user):
    """django-axes' lockout answer if the user, from this address, is locked out, else None."""
    credentials = get_credentials(user.get_username())
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    return get_lockout_response(request, credentials=credentials)


def count_failure(request, user) -> None:
    """A wrong code is a failed login: django-axes counts it (and locks out at its limit,
    its middleware answering), and the audit log records it."""
    user_login_failed.send(sender=__name__, request=request, credentials=get_credentials(
        user.get_username(), step="two-factor code"))


# --- The second step of signing in -------------------------------------------------------

@dataclass
class SecondStep:
    user: User
    next_url: str
    # The password was given but nobody is logged in yet (else: a logged-in session that
    # gave no code, e.g. one opened before the app was set up elsewhere).
    pending: bool
    backend: str = ""


def begin_second_step(request, user, *, next_url: str) -> None:
    """The password was right: remember who gave it, until the code comes."""
    request.session[_PENDING] = {"user": user.pk, "backend": user.backend,
                                 "since": time.time(), "next": next_url}


def second_step_of(request) -> SecondStep | None:
    """Whose code the second step waits for, or None (nothing to wait for, or too late)."""
    if request.user.is_authenticated:
        if request.user.is_verified() or app_of(request.user) is None:
            return None
        return SecondStep(user=request.user, next_url=safe_next(request), pending=False)
    pending = request.session.get(_PENDING)
    if not pending:
        return None
    if time.time() - pending["since"] > SECOND_STEP_SECONDS:
        del request.session[_PENDING]
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return None
    return SecondStep(user=user, next_url=pending["next"], pending=True,
                      backend=pending["backend"])


def complete_second_step(request, step: SecondStep, device) -> None:
    """The code was right: log the user in (if the password step was this session's) and
    mark the session verified."""
    if step.pending:
        request.session.pop(_PENDING, None)
        auth_login(request, step.user, backend=step.backend)
    django_otp.login(request, device)
    if isinstance(device, StaticDevice):
        audit_in_each_organization(step.user, "auth.recovery_code_used", request,
                                   detail={"codes_left": device.token_set.count()})


def safe_next(request, default: str = "/") -> str:
    """The `next` parameter, if it stays on this site; else `default`."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return next_url
    return default


# --- The organization's requirement ------------------------------------------------------

def set_requirement(*, organization: Organization, required: bool, actor,
                    ip: str | None = None) -> None:
    """Require (or not) two-factor sign-in of the organization's owners and admins."""
    if organization.require_two_factor == required:
        return
    organization.require_two_factor = required
    organization.save(update_fields=["require_two_factor"])
    audit(organization=organization, action="organization.two_factor_required", actor=actor,
          detail={"required": required}, ip=ip)


# --- Sending users to set it up, or to give their code ------------------------------------

# What a user who owes a step may still open: the steps themselves, and logging out.
_OPEN_WHILE_OWED = {"two_factor_setup", "two_factor_verify", "two_factor_recovery", "logout"}


class TwoFactorMiddleware:
    """After OrganizationMiddleware (it reads the memberships found there): a user who must
    use two-factor and has no app is sent to set one up, and a user with an app whose session
    gave no code is sent to give one, before any other page. The API answers 403 instead of
    a redirect. Webhooks and API-key requests are machines' and pass untouched (looked at
    before the user is, so a webhook still reads no session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        if path.startswith(MACHINE_PREFIXES):
            return None
        is_api = path.startswith("/api/")
        if is_api and request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
            # An API key acts for its organization, no person: nothing to verify. Any other
            # Authorization header falls back to the session, which may owe its code.
            return None
        if request.resolver_match.url_name in _OPEN_WHILE_OWED:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if app_of(user) is not None:
            step = "two_factor_verify"
        elif is_required(user, getattr(request, "memberships", [])):
            step = "two_factor_setup"
        else:
            return None
        if is_api:
            return JsonResponse({"error": {
                "code": "two_factor_required",
                "message": "Sign in with two-factor on the portal's pages first.",
                "fields": {}}}, status=403)
        url = reverse(step)
        if request.method == "GET":
            back = QueryDict(mutable=True)
            back["next"] = request.get_full_path()
            url += "?" + back.urlencode(safe="/")
        return redirect(url)
