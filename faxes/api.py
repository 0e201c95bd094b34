"""REST API v1 of faxes: the stored history with its filters, one fax, and live lookups.

The list reads the database only (Fax.objects.matching, the history page's filters); the
lookup asks the provider through faxes.services, like the lookup page.
"""

from datetime import date, timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.errors import NoConnectionConflict, provider_exception
from api.schema import ID_PARAMETER, PROVIDER_ERRORS
from api.views import OrganizationApiMixin
from common.phone import normalize_number
from faxes import services
from faxes.models import Fax, FaxStatus

EARLIEST_LOOKUP_DAY = date(2000, 1, 1)


class FaxSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fax
        fields = ["id", "customer_field", "source_number", "destination_number", "sent_at",
                  "pages", "status", "try_count", "first_seen_at", "last_seen_at",
                  "status_changed_at"]
        read_only_fields = fields
        extra_kwargs = {
            "customer_field": {"help_text": "The customer's reference of the fax, if any."},
            "sent_at": {"help_text": "When the fax was sent, per the provider."},
            "status_changed_at": {"help_text": "When the portal saw the status change."},
        }


class FaxFilterSerializer(serializers.Serializer):
    """Query parameters of the list; blank ones are ignored."""

    status = serializers.ChoiceField(choices=FaxStatus.choices, required=False,
                                     allow_blank=True)
    customer_field = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                           help_text="Faxes whose reference starts with this.")
    since = serializers.DateTimeField(required=False, allow_null=True,
                                      help_text="Sent at or after this time (ISO 8601; "
                                                "UTC without a zone).")
    until = serializers.DateTimeField(required=False, allow_null=True,
                                      help_text="Sent before this time.")
    number = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                   help_text="The sender or the recipient, in any format.")

    def validate(self, data):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise serializers.ValidationError({"until": "The end is before the start."})
        return data

    def matching_arguments(self) -> dict:
        """Keyword arguments of Fax.objects.matching()."""
        data = self.validated_data
        return {"status": data.get("status") or "", "since": data.get("since"),
                "until": data.get("until"),
                "reference": (data.get("customer_field") or "").strip(),
                "number": normalize_number(data.get("number") or "")}


class FaxLookupSerializer(serializers.Serializer):
    customer_field = serializers.ListField(
        child=serializers.CharField(max_length=255, allow_blank=True), required=False,
        max_length=services.MAX_REFERENCES,
        help_text=f"One reference, or several (repeat the parameter, at most "
                  f"{services.MAX_REFERENCES}).")
    date = serializers.DateField(required=False, allow_null=True,
                                 help_text="Every fax of this day, in the organization's "
                                           "time zone (YYYY-MM-DD).")

    def validate_date(self, value):
        latest = timezone.now().date() + timedelta(days=1)
        if value is not None and not EARLIEST_LOOKUP_DAY <= value <= latest:
            raise serializers.ValidationError(
                f"A day from {EARLIEST_LOOKUP_DAY.isoformat()} to {latest.isoformat()}.")
        return value

    def validate(self, data):
        references = []
        for reference in data.get("customer_field") or []:
            reference = reference.strip()
            if reference and reference not in references:
                references.append(reference)
        data["references"] = references
        if references and data.get("date"):
            raise serializers.ValidationError(
                {"date": "Look up references or a day, not both at once."})
        if not references and not data.get("date"):
            raise serializers.ValidationError(
                {"customer_field": "Give one or more customer_field values, or a date."})
        return data


class FaxLookupResultSerializer(serializers.Serializer):
    faxes = FaxSerializer(many=True)
    not_found = serializers.ListField(child=serializers.CharField(),
                                      help_text="References the provider knows no fax of.")


@extend_schema_view(
    list=extend_schema(summary="Faxes, newest first", parameters=[FaxFilterSerializer]),
    retrieve=extend_schema(summary="One fax", parameters=[ID_PARAMETER]),
)
class FaxViewSet(OrganizationApiMixin, viewsets.ReadOnlyModelViewSet):
    """The organization's faxes as the portal stores them (synced every few minutes)."""

    serializer_class = FaxSerializer
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("-sent_at", "-id")

    def get_queryset(self):
        return Fax.objects.none() if self.schema_only else Fax.objects.all()

    def list(self, request, *args, **kwargs):
        filters = FaxFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        faxes = self.get_queryset().matching(**filters.matching_arguments())
        page = self.paginate_queryset(faxes)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Ask the provider now",
        description="By reference (`customer_field`, repeated for several) or by day "
                    "(`date`). What the provider says is stored and returned.",
        parameters=[FaxLookupSerializer],
        responses={200: FaxLookupResultSerializer, **PROVIDER_ERRORS},
    )
    @action(detail=False, url_path="lookup", pagination_class=None)
    def lookup(self, request):
        query = FaxLookupSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        references = query.validated_data["references"]
        if references:
            result = services.lookup_references(organization=self.organization,
                                                references=references)
        else:
            result = services.lookup_day(organization=self.organization,
                                         day=query.validated_data["date"])
        if result.error:
            if result.failure is None:
                raise NoConnectionConflict(result.error)
            raise provider_exception(result.failure)
        return Response(FaxLookupResultSerializer(
            {"faxes": result.faxes, "not_found": result.not_found}).data)
