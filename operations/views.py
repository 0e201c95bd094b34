"""The operations pages, for owners and admins: the overview (connections, jobs, the job
cluster's heartbeat, today's webhooks), the webhook ledger, a day's events, one event;
and their actions: test a connection, run a job now, register a number's callback URL
again, replay an event or a day."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Connection, Role
from accounts.tenancy import role_required
from common.addresses import client_ip
from common.pagination import keyset_page
from messaging import services as messaging_services
from messaging.models import EventState, MessagingNumber, WebhookEvent, secret_digest
from messaging.webhooks import RETRY_LIMIT
from operations import job_status, registry, replay
from operations.connections import lifecycles, test_connection
from operations.ledger import MISSED_GRACE
from operations.models import MissedWebhook, WebhookDay

LEDGER_DAYS = 14
EVENTS_PAGE = 50
MISSED_SHOWN = 20

admin_required = role_required(Role.ADMIN)


def _today(request) -> date:
    return timezone.localdate(timezone.now(), request.organization.tzinfo)


def _heartbeat() -> dict:
    beat = registry.last_heartbeat()
    age = (timezone.now() - beat).total_seconds() if beat else None
    return {"at": beat, "ok": age is not None and age <= settings.HEALTH_MAX_JOB_AGE_SECONDS}


@admin_required
def overview(request):
    today = _today(request)
    todays = list(WebhookDay.objects.filter(day=today).select_related("number")
                  .order_by("number__number"))
    return render(request, "operations/overview.html", {
        "lifecycles": lifecycles(list(Connection.objects.all())),
        "jobs": job_status.job_rows(request.organization),
        "heartbeat": _heartbeat(),
        "today": today,
        "todays": todays,
        "failing_numbers": [d for d in todays if d.rejected > 0 or d.retrying > 0
                            or d.gave_up > 0 or d.missed > 0],
    })


@admin_required
@require_POST
def run_job(request, name):
    try:
        outcome = job_status.run_now(organization=request.organization, name=name,
                                     actor=request.user, ip=client_ip(request))
    except LookupError:
        raise Http404("No such job.") from None
    if outcome == job_status.RunNow.RUNNING:
        messages.warning(request, f"{name} is already running for your organization: it "
                                  "was not queued again.")
    elif outcome == job_status.RunNow.ALREADY_QUEUED:
        messages.warning(request, f"{name} is already queued: it starts shortly.")
    else:
        messages.success(request, f"{name} is queued: it runs within a minute.")
    return redirect(reverse("operations") + "#jobs")


@admin_required
@require_POST
def test_connection_view(request, kind):
    connection = Connection.objects.filter(kind=kind).first()
    if connection is None:
        raise Http404("No such connection.")
    test_connection(connection=connection, actor=request.user, ip=client_ip(request))
    # The outcome shows in the connection's panel (its last test).
    return redirect(reverse("connections") + f"#connection-{kind}")


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404("Not a day.") from None


def callback_state(number: MessagingNumber) -> dict:
    """The callback URL the portal expects for the number against the one the provider
    last accepted (the provider cannot be asked: the portal keeps its digest)."""
    expected = secret_digest(number.webhook_url)
    registered = number.registered_url_digest
    if registered == expected:
        state, words = "matches", "Registered with Axion, as expected."
    elif not registered and number.registered_at is None:
        state = "missing"
        words = number.registration_error or "Never registered with Axion."
    elif not registered:
        state = "unknown"
        words = ("Registered before the portal kept the URL it registered: register again "
                 "to be sure.")
    else:
        state = "differs"
        words = ("Axion has another URL (an older secret or another PORTAL_BASE_URL): "
                 "webhooks go elsewhere until it is registered again.")
        if number.registration_error:
            words += f" The last registration failed: {number.registration_error}"
    return {"number": number, "state": state, "words": words,
            "expected_url": f"{settings.PORTAL_BASE_URL}/hooks/sms/***/",
            "expected": expected[:8], "registered": registered[:8]}


@admin_required
def ledger(request):
    today = _today(request)
    before = _parse_day(request.GET["before"]) if request.GET.get("before") else today
    first = before - timedelta(days=LEDGER_DAYS - 1)
    days = list(WebhookDay.objects.filter(day__gte=first, day__lte=before)
                .select_related("number").order_by("-day", "number__number"))
    numbers = list(MessagingNumber.objects.order_by("number"))
    missed = list(MissedWebhook.objects.select_related("number")
                  .order_by("-message_time", "-id")[:MISSED_SHOWN])
    return render(request, "operations/ledger.html", {
        "days": days, "first": first, "before": before, "today": today,
        "older": first - timedelta(days=1),
        "newer": min(before + timedelta(days=LEDGER_DAYS), today) if before < today else None,
        "callbacks": [callback_state(n) for n in numbers], "missed": missed,
        "grace_minutes": int(MISSED_GRACE.total_seconds() // 60),
    })


@admin_required
def ledger_day(request, number_pk, day):
    number = get_object_or_404(MessagingNumber, pk=number_pk)
    day = _parse_day(day)
    row = WebhookDay.objects.filter(number=number, day=day).first()
    events = replay.day_events(organization=request.organization, number=number, day=day)
    page = keyset_page(events.only("id", "received_at", "event_type", "message_uuid",
                                   "state", "error", "attempts", "processed_at"),
                       ordering=("-id",), cursor=request.GET.get("cursor"),
                       size=EVENTS_PAGE)
    return render(request, "operations/ledger_day.html", {
        "number": number, "day": day, "row": row, "page": page,
        "replayable": [s.label for s in EventState if s.value in replay.REPLAYED_BY_DAY],
        "retry_limit": RETRY_LIMIT,
    })


@admin_required
def event(request, pk):
    found = get_object_or_404(WebhookEvent.objects.select_related("number"), pk=pk)
    day = timezone.localdate(found.received_at, request.organization.tzinfo)
    return render(request, "operations/event.html", {
        "event": found, "day": day, "raw": replay.inspect(found),
        "replayable": found.state != EventState.INVALID, "retry_limit": RETRY_LIMIT,
    })


@admin_required
@require_POST
def replay_event(request, pk):
    found = get_object_or_404(WebhookEvent, pk=pk)
    before = found.get_state_display()
    try:
        after = replay.replay_event(organization=request.organization, event=found,
                                    actor=request.user, ip=client_ip(request))
    except replay.NotReplayable as refused:
        messages.error(request, str(refused))
    else:
        if before == after.get_state_display() and after.state == EventState.PROCESSED:
            messages.success(request, "Replayed: it was processed already, and processing it "
                                      "again changed nothing.")
        else:
            messages.success(request, f"Replayed: {before} → {after.get_state_display()}."
                                      + (f" {after.error}" if after.error else ""))
    return redirect("operations_event", pk=pk)


@admin_required
@require_POST
def replay_day(request, number_pk, day):
    number = get_object_or_404(MessagingNumber, pk=number_pk)
    day = _parse_day(day)
    count = replay.replay_day(organization=request.organization, number=number, day=day,
                              actor=request.user, ip=client_ip(request))
    if count:
        messages.success(request, f"{count} event{'s' if count != 1 else ''} put back to be "
                                  "processed: the processing job is queued.")
    else:
        messages.info(request, "Nothing to replay that day: no event was rejected or failed "
                               "(events waiting to be processed are processed anyway).")
    return redirect("operations_ledger_day", number_pk=number.pk, day=day.isoformat())


@admin_required
@require_POST
def register_number(request, pk):
    number = get_object_or_404(MessagingNumber, pk=pk)
    if messaging_services.register_webhook(number=number, interactive=True):
        messages.success(request, f"{number.number}: the callback URL is registered with "
                                  "Axion again.")
    else:
        messages.error(request, f"{number.number}: the callback URL is not registered. "
                                f"{number.registration_error}")
    return redirect(reverse("operations_ledger") + "#callbacks")
