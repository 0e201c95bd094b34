"""Operations in REST API v1, read-only, for monitoring systems: the connections' state (no
secret), the jobs, and the webhook ledger. A key needs the read scope; a signed-in member,
the admin role (as the operations pages)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from accounts.models import Connection, Role
from api.fields import DayField, StringField
from api.permissions import OrganizationAccess
from api.serializers import InputSerializer
from api.views import OrganizationApiMixin
from common.phone import normalize_number
from operations import job_status
from operations.connections import lifecycles
from operations.models import WebhookDay


class OperationsAccess(OrganizationAccess):
    """A key with the read scope, or a member who is an owner or admin."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        membership = getattr(request, "membership", None)
        if membership is not None and not membership.allows(Role.ADMIN):
            self.message = f"This needs the {Role.ADMIN.label} role or higher."
            return False
        return True


class CheckSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    ok = serializers.BooleanField()
    detail = serializers.CharField(help_text="What happened, in the portal's words.")


class ConnectionStateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Connection.Kind.choices,
                                   source="connection.kind")
    state = serializers.ChoiceField(
        choices=["ok", "failing", "unused"],
        help_text="failing: Axion refused its credentials (or the portal its URL) until a "
                  "login succeeds; ok: it holds a valid session token; unused: no token yet.")
    failing_since = serializers.DateTimeField(source="connection.failing_since",
                                              allow_null=True)
    last_error = serializers.CharField(source="connection.last_error", allow_blank=True)
    last_success_at = serializers.DateTimeField(
        allow_null=True, help_text="The last call known to have worked (a login, a sync, a "
                                   "test).")
    last_login_at = serializers.DateTimeField(allow_null=True)
    token_expires_at = serializers.DateTimeField(source="connection.token_expires_at",
                                                 allow_null=True)
    renewal_planned_at = serializers.DateTimeField(
        allow_null=True, help_text="The run of the renewal job that will log in again.")
    last_renewal = CheckSerializer(allow_null=True)
    last_test = CheckSerializer(allow_null=True)


class JobSerializer(serializers.Serializer):
    name = serializers.CharField()
    help = serializers.CharField()
    interval_minutes = serializers.IntegerField(source="minutes")
    outcome = serializers.ChoiceField(choices=["ok", "failed", "never"],
                                      help_text="Of the last run for this organization.")
    running = serializers.BooleanField()
    queued = serializers.BooleanField()
    last_started_at = serializers.DateTimeField(source="state.last_started_at",
                                                allow_null=True, default=None)
    last_finished_at = serializers.DateTimeField(source="state.last_finished_at",
                                                 allow_null=True, default=None)
    last_duration_ms = serializers.IntegerField(source="state.last_duration_ms",
                                                allow_null=True, default=None)
    last_success_at = serializers.DateTimeField(source="state.last_success_at",
                                                allow_null=True, default=None)
    last_error = serializers.CharField(allow_blank=True)
    last_error_at = serializers.DateTimeField(allow_null=True)
    next_run_at = serializers.DateTimeField(allow_null=True)


class LedgerDaySerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="number.number", help_text="E.164.")
    in_progress = serializers.IntegerField(
        help_text="Received, not settled yet (pending, or waiting for their message).")

    class Meta:
        model = WebhookDay
        fields = ["number", "day", "received", "processed", "rejected", "invalid",
                  "retrying", "gave_up", "in_progress", "unknown", "waited", "missed",
                  "replayed"]
        read_only_fields = fields
        extra_kwargs = {
            "day": {"help_text": "In the organization's time zone."},
            "rejected": {"help_text": "Not confirmed by Axion (now)."},
            "retrying": {"help_text": "Failed, waiting for a retry."},
            "gave_up": {"help_text": "Failed for good after the retries."},
            "unknown": {"help_text": "Rejected: Axion does not know the message."},
            "waited": {"help_text": "Status updates that came before their message."},
            "missed": {"help_text": "Inbound messages the sync found that no webhook "
                                    "announced."},
        }


class LedgerFilterSerializer(InputSerializer):
    number = StringField(required=False, allow_blank=True, max_length=32,
                         help_text="One own number, in any format.")
    since = DayField(required=False, help_text="Days on or after this one (YYYY-MM-DD).")


@extend_schema_view(list=extend_schema(summary="The state of the organization's connections"))
class ConnectionStateViewSet(OrganizationApiMixin, mixins.ListModelMixin,
                             viewsets.GenericViewSet):
    """Each connection to Axion: whether it works, its token and its renewal. No secret."""

    serializer_class = ConnectionStateSerializer
    permission_classes = [OperationsAccess]
    pagination_class = None

    def get_queryset(self):
        if self.schema_only:
            return []
        return lifecycles(list(Connection.objects.all()))


@extend_schema_view(list=extend_schema(summary="The organization's jobs"))
class JobViewSet(OrganizationApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every job that runs for the organization: its last run here and its next one."""

    serializer_class = JobSerializer
    permission_classes = [OperationsAccess]
    pagination_class = None

    def get_queryset(self):
        return [] if self.schema_only else job_status.job_rows(self.organization)


@extend_schema_view(list=extend_schema(summary="The webhook ledger, newest day first"))
class WebhookLedgerViewSet(OrganizationApiMixin, mixins.ListModelMixin,
                           viewsets.GenericViewSet):
    """Per own number and day: the webhooks received and what became of them, and the
    messages the sync found that no webhook announced."""

    serializer_class = LedgerDaySerializer
    permission_classes = [OperationsAccess]
    keyset_ordering = ("-day", "-id")
    query_serializers = {"list": LedgerFilterSerializer}

    def get_queryset(self):
        if self.schema_only:
            return WebhookDay.objects.none()
        days = WebhookDay.objects.select_related("number")
        if self.action == "list":
            data = self.query().validated_data
            if data.get("number"):
                days = days.filter(number__number=normalize_number(data["number"]))
            if data.get("since"):
                days = days.filter(day__gte=data["since"])
        return days
