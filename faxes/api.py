"""REST API v1 of faxes: the stored history with its filters, one fax with its timeline,
live lookups, and the progress of the backfill of past days.

The list reads the database only (Fax.objects.matching, the history page's filters); the
lookup asks the provider through faxes.services, like the lookup page.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.errors import NoConnectionConflict, provider_exception
from api.fields import HAS_TEXT, DayField, StringField, TimeField
from api.schema import ID_PARAMETER, PROVIDER_ERRORS
from api.serializers import InputSerializer
from api.views import OrganizationApiMixin
from common.phone import normalize_number
from contacts.api_fields import ContactRefField, PageContactsMixin
from faxes import backfill, services
from faxes.forms import lookup_days
from faxes.models import Fax, FaxObservation, FaxStatus


def destination_of(fax: Fax) -> str:
    return fax.destination_number


class FaxSerializer(serializers.ModelSerializer):
    contact = ContactRefField(
        number_of=destination_of,
        help_text="The organization's contact with the destination number, or null.")

    class Meta:
        model = Fax
        fields = ["id", "customer_field", "source_number", "destination_number", "contact",
                  "sent_at", "pages", "status", "try_count", "first_seen_at", "last_seen_at",
                  "status_changed_at"]
        read_only_fields = fields
        extra_kwargs = {
            "customer_field": {"help_text": "The customer's reference of the fax, if any."},
            "sent_at": {"help_text": "When the fax was sent, per the provider."},
            "status_changed_at": {"help_text": "When the portal saw the status change."},
        }


class ObservationSerializer(serializers.ModelSerializer):
    class Meta:
        model = FaxObservation
        fields = ["status", "try_count", "observed_at", "via"]
        read_only_fields = fields
        extra_kwargs = {
            "observed_at": {"help_text": "When the portal saw this status and try count."},
            "via": {"help_text": "How: the periodic sync, a lookup, the backfill of past "
                                 "days, or earlier (the fax's state when the portal began "
                                 "keeping timelines)."},
        }


class FaxDetailSerializer(FaxSerializer):
    timeline = ObservationSerializer(
        many=True, read_only=True, source="observed",
        help_text="Every status and try count the portal observed, oldest first.")

    class Meta(FaxSerializer.Meta):
        fields = [*FaxSerializer.Meta.fields, "timeline"]
        read_only_fields = fields


class BackfillSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["not_started", "running", "failed", "finished"],
        help_text="running: started, or waiting for the job's next run; failed: stopped by "
                  "the provider's failure (the job's next run goes on where it stopped).")
    days_fetched = serializers.IntegerField(source="fetched")
    days_total = serializers.IntegerField(source="total")
    first_day = serializers.DateField(source="backfill.first_day", allow_null=True,
                                      default=None,
                                      help_text="The oldest day, in the fax connection's zone.")
    last_day = serializers.DateField(source="backfill.last_day", allow_null=True, default=None)
    started_at = serializers.DateTimeField(source="backfill.started_at", allow_null=True,
                                           default=None)
    finished_at = serializers.DateTimeField(source="backfill.finished_at", allow_null=True,
                                            default=None)
    last_error = serializers.CharField(source="backfill.last_error", allow_blank=True,
                                       default="")
    last_error_at = serializers.DateTimeField(source="backfill.last_error_at", allow_null=True,
                                              default=None)


class FaxFilterSerializer(InputSerializer):
    """Query parameters of the list: a blank status, customer_field or number is ignored;
    a time is never blank. A range that ends before it starts holds no fax: an empty page
    (the schema cannot tell a client so, and the two would disagree)."""

    status = serializers.ChoiceField(choices=FaxStatus.choices, required=False,
                                     allow_blank=True)
    customer_field = StringField(required=False, allow_blank=True, max_length=255,
                                 help_text="Faxes whose reference starts with this.")
    since = TimeField(required=False, help_text="Sent at or after this time (RFC 3339, "
                                                "with its offset: Z for UTC).")
    until = TimeField(required=False, help_text="Sent before this time.")
    number = StringField(required=False, allow_blank=True, max_length=32,
                         help_text="The sender or the recipient, in any format.")

    def matching_arguments(self) -> dict:
        """Keyword arguments of Fax.objects.matching()."""
        data = self.validated_data
        return {"status": data.get("status") or "", "since": data.get("since"),
                "until": data.get("until"),
                "reference": (data.get("customer_field") or "").strip(),
                "number": normalize_number(data.get("number") or "")}


class FaxLookupSerializer(InputSerializer):
    """References or a day, one of the two."""

    rules = {"oneOf": [{"required": ["customer_field"]}, {"required": ["date"]}]}

    customer_field = serializers.ListField(
        # At least one: an empty list is no parameter at all on the wire.
        child=StringField(max_length=255, validators=[HAS_TEXT]), required=False,
        min_length=1, max_length=services.MAX_REFERENCES,
        help_text=f"One reference, or several (repeat the parameter, at most "
                  f"{services.MAX_REFERENCES}).")
    date = DayField(required=False,
                    help_text="Every fax of this day, in the organization's time zone "
                              "(YYYY-MM-DD). A day before 2000 or after tomorrow has none: "
                              "the answer is empty, and Axion is not asked.")

    def validate(self, data):
        references = []
        for reference in data.get("customer_field") or []:
            reference = reference.strip()
            if reference not in references:
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
    list=extend_schema(summary="Faxes, newest first"),
    retrieve=extend_schema(summary="One fax, with its timeline", parameters=[ID_PARAMETER]),
)
class FaxViewSet(OrganizationApiMixin, PageContactsMixin, viewsets.ReadOnlyModelViewSet):
    """The organization's faxes as the portal stores them (synced every few minutes)."""

    serializer_class = FaxSerializer
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("-sent_at", "-id")
    query_serializers = {"list": FaxFilterSerializer, "lookup": FaxLookupSerializer}

    contact_number = staticmethod(destination_of)

    def get_queryset(self):
        return Fax.objects.none() if self.schema_only else Fax.objects.all()

    def get_serializer_class(self):
        return FaxDetailSerializer if self.action == "retrieve" else FaxSerializer

    def get_object(self):
        fax = super().get_object()
        fax.observed = services.timeline(fax)
        return fax

    def list(self, request, *args, **kwargs):
        filters = self.query()
        faxes = self.get_queryset().matching(**filters.matching_arguments())
        page = self.paginate_queryset(faxes)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Ask the provider now",
        description="By reference (`customer_field`, repeated for several) or by day "
                    "(`date`), one of the two. What the provider says is stored and "
                    "returned.",
        responses={200: FaxLookupResultSerializer, **PROVIDER_ERRORS},
    )
    @action(detail=False, url_path="lookup", pagination_class=None)
    def lookup(self, request):
        query = self.query().validated_data
        references, day = query["references"], query.get("date")
        first, last = lookup_days()
        if references:
            result = services.lookup_references(organization=self.organization,
                                                references=references)
        elif not first <= day <= last:
            # No fax that day; and 9999-12-31 would end in year 10000.
            return Response(FaxLookupResultSerializer({"faxes": [], "not_found": []}).data)
        else:
            result = services.lookup_day(organization=self.organization, day=day)
        if result.error:
            if result.failure is None:
                raise NoConnectionConflict(result.error)
            raise provider_exception(result.failure)
        return Response(FaxLookupResultSerializer(
            {"faxes": result.faxes, "not_found": result.not_found},
            context=self.contacts_context(result.faxes)).data)

    @extend_schema(
        summary="The backfill of past days",
        description="The fetch of the past days of faxes that starts when a fax connection "
                    "is added: one call to the provider per day, never a day twice.",
        responses={200: BackfillSerializer},
    )
    @action(detail=False, url_path="backfill", pagination_class=None)
    def backfill_progress(self, request):
        return Response(BackfillSerializer(backfill.progress(self.organization)).data)
