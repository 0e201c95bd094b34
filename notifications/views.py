"""Notification pages: the list, opening one, marking all read, the bell's live poll, the
preferences, and the unsubscribe link of e-mails (which works without signing in)."""

import hashlib

from django.contrib import messages
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_GET, require_POST
from django_scopes import scopes_disabled

from accounts.models import Membership
from accounts.tenancy import member_required, organization_scope
from common.pagination import keyset_page
from notifications import services
from notifications.forms import PreferencesForm
from notifications.models import Kind, Notification

PAGE_SIZE = 30


@member_required
@require_GET
def notification_list(request):
    page = keyset_page(Notification.objects.filter(user=request.user),
                       ordering=("-created_at", "-id"), cursor=request.GET.get("cursor"),
                       size=PAGE_SIZE)
    return render(request, "notifications/list.html", {
        "page": page, "bell": services.bell(request.user),
        "kinds": Kind.for_role(request.membership.role)})


@member_required
@require_GET
def open_notification(request, pk: int):
    """Mark it read (and the rest about the same conversation or fax: the member is going
    to see it) and go to what it is about."""
    notification = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
    services.mark_subject_read(user=request.user, subject=notification.subject)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        raise Http404("No such page.")
    return redirect(notification.url)


@member_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, "All notifications are marked read.")
    return redirect("notifications")


# --- the bell's poll ------------------------------------------------------------------------


def _tag(request, bell: services.Bell) -> str:
    """The bell's ETag: exactly which unread ones it counts (the answer is made of them)."""
    ids = ",".join(map(str, bell.ids)).encode()
    return f"{request.organization.pk}-{bell.count}-{hashlib.sha256(ids).hexdigest()[:20]}"


def _bell_etag(request) -> str | None:
    bell = services.bell(request.user)
    request.notification_bell = bell  # the view answers what this tag describes
    if request.GET.get("seen") in bell.subjects:
        return None  # the page shows one of them: mark it read, answer the new count
    return _tag(request, bell)


@member_required
@require_GET
@cache_control(private=True, no_cache=True)
@condition(etag_func=_bell_etag)
def bell_poll(request):
    """The bell's count and its newest unread notification, or 304 while they have not
    changed: one indexed read of at most services.MOST_COUNTED rows. `?seen=<subject>`:
    the page in front of the member shows that conversation, whose notifications are read."""
    bell = request.notification_bell
    seen = request.GET.get("seen")
    if seen in bell.subjects:
        services.mark_subject_read(user=request.user, subject=seen)
        bell = services.bell(request.user)
    newest = None
    if bell.ids:
        row = Notification.objects.filter(pk=bell.ids[0]).values("id", "title").get()
        newest = {"id": row["id"], "title": row["title"],
                  "url": reverse("open_notification", args=[row["id"]])}
    response = JsonResponse({"count": bell.count, "label": bell.label, "newest": newest})
    response["ETag"] = f'"{_tag(request, bell)}"'
    return response


# --- preferences ----------------------------------------------------------------------------


@member_required
def preferences(request):
    membership = request.membership
    form = PreferencesForm(request.POST or None, role=membership.role, initial={
        **{kind.value: delivery for kind, delivery in services.deliveries(request.user).items()},
        "digest_minutes": services.digest_minutes(request.user)})
    if request.method == "POST" and form.is_valid():
        services.set_preferences(organization=request.organization, user=request.user,
                                 deliveries=form.deliveries(),
                                 digest_minutes=form.cleaned_data["digest_minutes"])
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# --- unsubscribing from an e-mail -----------------------------------------------------------


@csrf_exempt  # a mail client's one-click POST (RFC 8058) has no CSRF token: the token is it
def unsubscribe(request, token: str):
    """GET: a page with one button; POST (that button, or the mail client's one-click):
    the token's kinds are e-mailed never. No sign-in: the signed token names the member.
    A GET changes nothing, so a link scanner that follows it unsubscribes nobody."""
    try:
        wanted = services.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    with scopes_disabled():
        membership = (Membership.objects.filter(organization_id=wanted.organization_id,
                                                user_id=wanted.user_id)
                      .select_related("organization", "user").first())
    if membership is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    context = {"member": membership, "kinds": [Kind(kind).label.lower()
                                                    for kind in wanted.kinds]}
    if request.method == "POST":
        with organization_scope(membership.organization):
            services.unsubscribe(organization=membership.organization, user=membership.user,
                                 kinds=wanted.kinds)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
