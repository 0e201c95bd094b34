"""Campaigns in REST API v1, /api/v1/campaigns/: list, create (recipients as numbers or a
label, a text or a template), read (with its progress counts), preview, start, pause,
resume, cancel, its recipients (keyset pages) and the CSV of outcomes.

Reads need the `read` scope, the rest `send` (members: viewers read, agents and above act,
from numbers they may send from). Everything goes through campaigns.services, like the
pages: the same checks, the same audit (the API key as the actor).
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.authentication import actor_of, request_key
from api.errors import UnknownObject
from api.fields import E164_US, HAS_TEXT, StringField, schema_pattern
from api.schema import ID_PARAMETER, ErrorSerializer
from api.serializers import BodySerializer
from api.views import OrganizationApiMixin
from campaigns import report, services
from campaigns.audience import Audience
from campaigns.models import (
    AudienceSource,
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    RecipientStatus,
    SkipReason,
)
from common.addresses import client_ip
from common.phone import normalize_number
from message_templates.models import MessageTemplate
from message_templates.rendering import PLACEHOLDERS
from messaging.models import Label, MessagingNumber
from messaging.sending import MAX_TEXT_LENGTH


# A text the portal can fill: braces only as known placeholders, or doubled for a brace.
# At most MAX_TEXT_LENGTH characters, said in the pattern itself (a lookahead) rather than
# as maxLength: a generator that merges the two writes a brace back unescaped, which
# ECMA-262 regular expressions refuse.
class TemplateTextValidator(RegexValidator):
    """The pattern below, with its own message for a text too long."""

    def __call__(self, value):
        if len(value) > MAX_TEXT_LENGTH:
            raise DjangoValidationError(f"At most {MAX_TEXT_LENGTH} characters.")
        super().__call__(value)


TEMPLATE_TEXT = TemplateTextValidator(
    rf"\A(?=[^\x00]{{0,{MAX_TEXT_LENGTH}}}\Z)"
    r"(?:[^{}\x00]|[{][{]|[}][}]|[{](?:" + "|".join(PLACEHOLDERS) + r")[}])*\Z",
    "Braces only around a known placeholder (" + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
    + "); write {{ and }} for a brace.")


class CampaignConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "campaign_conflict"
    default_detail = "The campaign cannot do this now."


CONFLICT = {409: OpenApiResponse(ErrorSerializer, description=(
    "`campaign_conflict`: its status does not allow it (a finished campaign cannot be "
    "started, a draft cannot be paused), or a label gives nobody to send to."))}


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    own_number = serializers.CharField(source="own_number.number",
                                       help_text="The number it sends from, E.164.")
    text = serializers.CharField(allow_blank=True,
                                 help_text="Placeholders such as {first_name} are filled "
                                           "per recipient.")
    template = serializers.IntegerField(source="template_id", allow_null=True)
    has_attachment = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    rate_per_minute = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Recipients.")
    sent = serializers.IntegerField(help_text="Handed to Axion.")
    failed = serializers.IntegerField(help_text="Refused when sent.")
    skipped = serializers.IntegerField(help_text="Opted out, or missing template values.")
    remaining = serializers.IntegerField(help_text="Not sent yet (or never, once cancelled).")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_has_attachment(self, campaign) -> bool:
        return bool(campaign.attachment)


class CampaignBodySerializer(BodySerializer):
    """A new campaign (a draft: start it after its preview). Recipients are either
    `recipients` (numbers) or `label` (the other party of each one-to-one conversation
    with that label); the message is `text`, or a `template`'s text."""

    rules = {"allOf": [
        {"oneOf": [{"required": ["recipients"], "not": {"required": ["label"]}},
                   {"required": ["label"], "not": {"required": ["recipients"]}}]},
        {"anyOf": [{"required": ["text"],
                    "properties": {"text": {"pattern": schema_pattern(HAS_TEXT.regex.pattern)}}},
                   {"required": ["template"]}]},
    ]}

    name = StringField(max_length=services.NAME_LENGTH, validators=[HAS_TEXT])
    from_ = StringField(validators=[E164_US], help_text="A number of the organization, E.164.")
    recipients = serializers.ListField(
        child=StringField(validators=[E164_US]), required=False, min_length=1,
        max_length=10_000, help_text="US numbers in E.164; repeats are sent to once.")
    label = serializers.IntegerField(required=False, min_value=1,
                                     help_text="A conversation label's id.")
    text = StringField(required=False, allow_blank=True, validators=[TEMPLATE_TEXT],
                       help_text="Placeholders in braces are filled per recipient.")
    template = serializers.IntegerField(required=False, min_value=1,
                                        help_text="A message template's id: its text when "
                                                  "`text` is empty, and its file.")
    rate_per_minute = serializers.IntegerField(
        required=False, min_value=1, max_value=settings.CAMPAIGN_MAX_RATE_PER_MINUTE,
        help_text="Messages a minute; the organization's "
                                               "default when left out.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, data):
        if ("recipients" in data) == ("label" in data):
            raise serializers.ValidationError(
                {"recipients": "Give either recipients or label, not both."})
        if not data.get("text", "").strip() and "template" not in data:
            raise serializers.ValidationError({"text": "Give a text or a template."})
        # Last: well formed, but naming what the organization does not have.
        if not MessagingNumber.objects.filter(number=data["from"]).exists():
            raise UnknownObject("from", f"{data['from']} is not a number of this "
                                        f"organization.")
        for field, model in (("label", Label), ("template", MessageTemplate)):
            if field in data:
                data[field] = model.objects.filter(pk=data[field]).first()
                if data[field] is None:
                    raise UnknownObject(field, f"No {field} with this id.")
        return data


class PreviewSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    will_get = serializers.IntegerField(help_text="Recipients it would be sent to now.")
    opted_out = serializers.IntegerField(help_text="Left out: opted out (checked now).")
    invalid = serializers.ListField(child=serializers.DictField(child=serializers.CharField()),
                                    help_text="Lines of the pasted list or CSV that are no "
                                              "US number: {line, reason}.")
    duplicates_removed = serializers.IntegerField()
    missing_values = serializers.IntegerField(help_text="Left out: a placeholder with no "
                                                        "value for them.")
    encoding = serializers.ChoiceField(choices=["GSM-7", "UCS-2", "MMS"])
    segments_per_message = serializers.IntegerField(help_text="The most of any recipient's.")
    total_segments = serializers.IntegerField(help_text="What the campaign costs.")


class RecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    contact = serializers.IntegerField(source="contact_id", allow_null=True)
    status = serializers.ChoiceField(choices=RecipientStatus.choices)
    skip_reason = serializers.ChoiceField(choices=[("", ""), *SkipReason.choices],
                                          allow_blank=True)
    detail = serializers.CharField(allow_blank=True)
    message = serializers.CharField(source="message.uuid", allow_null=True, default=None,
                                    help_text="The uuid of the message sent.")
    message_status = serializers.CharField(source="message.status", allow_null=True,
                                           default=None)


def _act(summary: str):
    return extend_schema(summary=summary, request=None,
                         responses={200: CampaignSerializer, **CONFLICT},
                         parameters=[ID_PARAMETER])


@extend_schema_view(
    list=extend_schema(summary="Campaigns, newest first"),
    retrieve=extend_schema(summary="One campaign with its progress", parameters=[ID_PARAMETER]),
    create=extend_schema(summary="Create a campaign (a draft: nothing is sent yet)",
                         request=CampaignBodySerializer,
                         responses={201: CampaignSerializer, **CONFLICT}),
    preview=extend_schema(summary="Who would get it and what it costs, counted now",
                          responses={200: PreviewSerializer}, parameters=[ID_PARAMETER]),
    start=_act("Start sending a draft"),
    pause=_act("Pause: nothing more is sent after the batch in flight"),
    resume=_act("Resume a paused campaign"),
    cancel=_act("Cancel: nothing more is sent; campaign.finished says so"),
    recipients=extend_schema(summary="The recipients with their outcome, in list order",
                             responses={200: RecipientSerializer(many=True)},
                             parameters=[ID_PARAMETER]),
    outcomes=extend_schema(summary="Every recipient's outcome as CSV (spreadsheet-safe)",
                           responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
                           parameters=[ID_PARAMETER]),
)
class CampaignViewSet(OrganizationApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """The organization's campaigns (bulk sends)."""

    serializer_class = CampaignSerializer
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("-id",)

    def get_queryset(self):
        if self.schema_only:
            return Campaign.objects.none()
        membership = None if request_key(self.request) else self.request.membership
        return services.visible_campaigns(membership).select_related("own_number")

    def query_parameters(self) -> dict[str, bool]:
        accepted = super().query_parameters()
        if self.action == "recipients" and self.paginator is not None:
            accepted.update({parameter["name"]: False for parameter
                             in self.paginator.get_schema_operation_parameters(self)})
        return accepted

    def get_serializer_class(self):
        return RecipientSerializer if self.action == "recipients" else CampaignSerializer

    def _actor(self) -> dict:
        actor = actor_of(self.request)
        return {"actor": actor["user"], "actor_label": actor["actor_label"],
                "ip": client_ip(self.request)}

    def create(self, request, *args, **kwargs):
        body = CampaignBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        label = data.get("label")
        if label is not None:
            audience = services.audience_of_label(label, request.membership)
            if not audience.recipients:
                raise CampaignConflict("No one-to-one conversation has this label: nobody "
                                       "to send to.")
            source = AudienceSource.LABEL
        else:
            audience = Audience()
            for number in data["recipients"]:
                audience.add(number)
            source = AudienceSource.API
        actor = actor_of(request)
        campaign = services.create_campaign(
            organization=self.organization, user=actor["user"],
            actor_label=actor["actor_label"], ip=client_ip(request), name=data["name"],
            own_number=normalize_number(data["from"]), text=data.get("text", ""),
            template=data.get("template"), audience=audience, source=source, label=label,
            rate_per_minute=data.get("rate_per_minute"))
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], pagination_class=None)
    def preview(self, request, pk=None):
        preview = services.preview(campaign=self.get_object())
        return Response(PreviewSerializer(preview).data)

    def _change(self, act):
        campaign = self.get_object()
        if (self.request.user and not request_key(self.request)
                and not campaign.own_number.may_send(self.request.user)):
            raise exceptions.PermissionDenied(
                f"You may not send from {campaign.own_number.number}.")
        try:
            act(campaign=campaign, **self._actor())
        except DjangoValidationError as error:
            raise CampaignConflict(" ".join(error.messages)) from None
        return Response(CampaignSerializer(campaign).data)

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._change(services.start_campaign)

    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._change(services.pause_campaign)

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._change(services.resume_campaign)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._change(services.cancel_campaign)

    @action(detail=True, methods=["get"], keyset_ordering=("id",))
    def recipients(self, request, pk=None):
        campaign = self.get_object()
        rows = CampaignRecipient.objects.filter(campaign=campaign).select_related("message")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RecipientSerializer(page, many=True).data)

    @action(detail=True, methods=["get"], pagination_class=None)
    def outcomes(self, request, pk=None):
        campaign = self.get_object()
        response = StreamingHttpResponse(report.outcome_rows(campaign),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
        return response
