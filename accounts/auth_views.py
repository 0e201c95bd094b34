"""Signing in: Django's views with the portal's rules, and the two-factor pages.

- The password step hands a user with an authenticator app to the second step instead of
  logging them in; the second step takes the app's code or a recovery code.
- Password resets are limited per client address and per e-mail address, and answer the
  same page whether or not they send.
- The admin's login page is the portal's (one sign-in, with its lockout and second step).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import two_factor
from accounts.forms import AnyCodeForm, AppCodeForm, RecoveryCodeForm
from accounts.models import digest
from common.addresses import client_ip
from common.ratelimit import over_limit

log = logging.getLogger(__name__)

HOUR = 3600
WRONG_CODE = ("That code is not right. The app shows a new code every 30 seconds; after a "
              "wrong one, wait a few seconds before the next try.")


class SignInView(auth_views.LoginView):
    """The password step. A user with an authenticator app is not logged in yet: the second
    step asks for its code."""

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.app_of(user) is None:
            return super().form_valid(form)
        two_factor.begin_second_step(self.request, user, next_url=self.get_success_url())
        return redirect("two_factor_verify")


def admin_login(request):
    """The admin's login page: the portal's sign-in, then back to the admin."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the reset link unless the client's address or the e-mail address asked too
    often this hour; either way the answer is the same "check your e-mail" page, so it never
    tells whether an account uses the address."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        # Both are counted on every request (no short-circuit), so each limit sees them all.
        limited = [
            over_limit(f"password-reset:address:{client_ip(self.request)}",
                       limit=settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR,
                       window_seconds=HOUR),
            over_limit(f"password-reset:email:{digest(email)}",
                       limit=settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR,
                       window_seconds=HOUR),
        ]
        if any(limited):
            log.warning("password reset not sent: limit reached (address %s)",
                        client_ip(self.request))
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


# --- The second step ---------------------------------------------------------------------

def two_factor_verify(request):
    return _second_step(request, AppCodeForm, two_factor.verify_app_code,
                        "registration/two_factor_verify.html")


def two_factor_recovery(request):
    return _second_step(request, RecoveryCodeForm, two_factor.verify_recovery_code,
                        "registration/two_factor_recovery.html")


def _second_step(request, form_class, verify, template):
    step = two_factor.second_step_of(request)
    if step is None:
        if request.user.is_authenticated:
            return redirect(two_factor.safe_next(request, settings.LOGIN_REDIRECT_URL))
        messages.info(request, "Log in with your password first (the code is asked for within "
                               "five minutes of it).")
        return redirect_to_login(two_factor.safe_next(request))
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        locked = two_factor.lockout_response(request, step.user)
        if locked is not None:
            return locked
        if form.is_valid():
            device = verify(step.user, form.cleaned_data["code"])
            if device is not None:
                two_factor.complete_second_step(request, step, device)
                return redirect(step.next_url)
            two_factor.count_failure(request, step.user)
            form.add_error("code", WRONG_CODE)
    return render(request, template, {"form": form, "next": step.next_url})


# --- Setting up, looking at, turning off --------------------------------------------------

@login_required
def two_factor_page(request, form=None):
    user = request.user
    app = two_factor.app_of(user)
    return render(request, "accounts/two_factor.html", {
        "app": app,
        "codes_left": two_factor.recovery_codes_left(user) if app else 0,
        "required": two_factor.is_required(user, request.memberships),
        "form": form or AnyCodeForm(),
    })


@never_cache
@login_required
def two_factor_setup(request):
    user = request.user
    if two_factor.app_of(user) is not None:
        return redirect("two_factor")
    next_url = two_factor.safe_next(request, reverse("two_factor"))
    device = two_factor.app_of(user, confirmed=False)
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and device is not None:
        if form.is_valid():
            codes = two_factor.confirm_setup(request, device, form.cleaned_data["code"])
            if codes is not None:
                # Shown in this answer only: never stored but as django-otp's tokens.
                return render(request, "accounts/two_factor_recovery_codes.html",
                              {"recovery_codes": codes, "next": next_url})
            form.add_error("code", WRONG_CODE)
    else:
        # Each visit makes a new secret: a secret is on one page, once.
        device = two_factor.start_setup(user)
        form = AppCodeForm()
    return render(request, "accounts/two_factor_setup.html", {
        "form": form,
        "qr_code": mark_safe(two_factor.qr_code_svg(device)),  # noqa: S308 - segno's own SVG
        "secret": two_factor.secret_text(device),
        "next": next_url,
    })


@login_required
@require_POST
def two_factor_turn_off(request):
    user = request.user
    if two_factor.app_of(user) is None:
        return redirect("two_factor")
    locked = two_factor.lockout_response(request, user)
    if locked is not None:
        return locked
    form = AnyCodeForm(request.POST)
    if form.is_valid():
        if two_factor.verify_any_code(user, form.cleaned_data["code"]) is not None:
            two_factor.turn_off(request, user)
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("two_factor")
        two_factor.count_failure(request, user)
        form.add_error("code", WRONG_CODE)
    return two_factor_page(request, form=form)
