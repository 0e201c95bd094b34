"""The platform staff's view of operations across every organization (scopes are disabled
for /admin/): each organization's jobs with their last run, the job cluster's heartbeat
above the list, and the connections' renewals and tests. Read-only: the pages and the
jobs write these rows."""

from django.conf import settings
from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django_q.models import Schedule

from accounts.models import ConnectionCheck, JobState
from operations import registry
from operations.models import MissedWebhook, WebhookDay


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobState)
class JobStateAdmin(ReadOnlyAdmin):
    list_display = ("job", "organization", "last_started_at", "last_duration_ms",
                    "last_outcome", "next_run", "last_error_at", "last_error", "running_since",
                    "queued_at")
    list_filter = ("job", "last_outcome")
    search_fields = ("organization__slug", "organization__name", "job")
    list_select_related = ("organization",)
    ordering = ("job", "organization__name")

    def get_queryset(self, request):
        # Each job's next run from its schedule, in the same query as the rows.
        schedule = Schedule.objects.filter(name=OuterRef("job")).order_by("id")
        return super().get_queryset(request).annotate(
            next_run_at=Subquery(schedule.values("next_run")[:1]))

    @admin.display(description="next run (schedule)", ordering="next_run_at")
    def next_run(self, state):
        return state.next_run_at

    def changelist_view(self, request, extra_context=None):
        beat = registry.last_heartbeat()
        age = round((timezone.now() - beat).total_seconds()) if beat else None
        healthy = age is not None and age <= settings.HEALTH_MAX_JOB_AGE_SECONDS
        heartbeat = (f"Job cluster heartbeat: {age} s ago ({'running' if healthy else 'STALE'})"
                     if age is not None else "Job cluster heartbeat: never")
        extra_context = {**(extra_context or {}), "title": f"Job states · {heartbeat}"}
        return super().changelist_view(request, extra_context)


@admin.register(ConnectionCheck)
class ConnectionCheckAdmin(ReadOnlyAdmin):
    list_display = ("at", "organization", "connection", "kind", "ok", "detail", "actor_label")
    list_filter = ("kind", "ok")
    search_fields = ("organization__slug",)
    list_select_related = ("organization", "connection")


@admin.register(WebhookDay)
class WebhookDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "organization", "number", "received", "processed", "rejected",
                    "invalid", "retrying", "gave_up", "missed", "unknown", "replayed")
    list_filter = ("day",)
    search_fields = ("organization__slug", "number__number")
    list_select_related = ("organization", "number")
    ordering = ("-day",)


@admin.register(MissedWebhook)
class MissedWebhookAdmin(ReadOnlyAdmin):
    list_display = ("message_time", "organization", "number", "message_uuid", "found_at")
    search_fields = ("organization__slug", "message_uuid")
    list_select_related = ("organization", "number")
    ordering = ("-message_time",)
