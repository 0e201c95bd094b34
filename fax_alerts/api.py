"""Fax alerts in REST API v1:

- /api/v1/fax-attention/: faxes failed or stuck that nobody handled yet, newest first
  (read), and `POST {id}/handle/` to mark one handled (send scope; agents and above);
- /api/v1/fax-watches/: the signed-in member's watched references (an API key is no member,
  so watches are for sessions only);
- /api/v1/fax-alert-rules/: the organization's rules (read), managed by owners and admins
  signed in, as on the rules page.

Changes go through fax_alerts.services, like the pages', with the same checks and audit.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.authentication import actor_of, request_key
from api.fields import HAS_TEXT, StringField, WholeNumberField
from api.permissions import AdminsManage, OrganizationAccess
from api.schema import ID_PARAMETER
from api.serializers import BodySerializer
from api.views import OrganizationApiMixin
from common.addresses import client_ip
from contacts.api_fields import PageContactsMixin
from fax_alerts import services
from fax_alerts.models import (
    AUDIENCE_CHOICES,
    MOST_MINUTES,
    AlertRule,
    Attention,
    AttentionReason,
    Match,
    RuleKind,
    Watch,
)
from faxes.api import FaxSerializer
from webhooks_out.api import StrictBooleanField

ROLES = [value for value, _ in AUDIENCE_CHOICES]


class AttentionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=AttentionReason.choices)
    raised_at = serializers.DateTimeField(help_text="When it failed or was found stuck.")
    handled_at = serializers.DateTimeField(allow_null=True)
    handled_by = serializers.CharField(source="handled_by_label", allow_blank=True,
                                       help_text="Who marked it handled (a username, or an "
                                                 "API key's name); blank while open.")
    fax = FaxSerializer()


def destination_of_attention(attention: Attention) -> str:
    return attention.fax.destination_number


@extend_schema_view(
    list=extend_schema(summary="Faxes that need attention, newest first",
                       description="Failed or stuck faxes nobody marked handled yet; a "
                                   "stuck one that went through meanwhile is left out."),
)
class FaxAttentionViewSet(OrganizationApiMixin, PageContactsMixin, mixins.ListModelMixin,
                          viewsets.GenericViewSet):
    """The attention list of the fax history page and the dashboard."""

    contact_number = staticmethod(destination_of_attention)

    serializer_class = AttentionSerializer
    # Reading is `read`; marking handled is `send` (agents and above, as on the pages).
    permission_classes = [OrganizationAccess]
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("-raised_at", "-id")

    def get_queryset(self):
        return Attention.objects.none() if self.schema_only else services.open_attention()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="Mark a fax handled (send scope)", request=None,
                   parameters=[ID_PARAMETER], responses={200: AttentionSerializer},
                   description="Takes it off the attention list, audited with who and "
                               "when. Marking one already handled changes nothing.")
    @action(detail=True, methods=["post"], pagination_class=None)
    def handle(self, request, pk=None):
        if request.data:
            raise exceptions.ValidationError({name: ["Unknown field: this request takes no "
                                                     "body."] for name in request.data})
        attention = self._attention(pk)
        actor = actor_of(request)
        services.mark_handled(attention=attention, user=actor["user"],
                              actor_label=actor["actor_label"], ip=client_ip(request))
        return Response(self.get_serializer(attention).data)

    def _attention(self, pk) -> Attention:
        attention = (Attention.objects.filter(pk=pk).select_related("fax").first()
                     if pk.isdigit() and len(pk) < 19 else None)
        if attention is None:
            raise exceptions.NotFound("No such fax on the attention list here.")
        return attention


# /api/v1/fax-watches/ ----------------------------------------------------------------------

class WatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(help_text="The reference, or the start of references.")
    match = serializers.ChoiceField(choices=Match.choices)
    created_at = serializers.DateTimeField()


class WatchBodySerializer(BodySerializer):
    text = StringField(validators=[HAS_TEXT], max_length=255)
    match = serializers.ChoiceField(choices=Match.choices, required=False,
                                    help_text="exact unless given.")


class MemberOnly(OrganizationAccess):
    """Watches are a member's own: an API key (no member) may not have any."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request_key(request) is not None:
            self.message = "Watches are a member's own: sign in to read or change them."
            return False
        return True


@extend_schema_view(
    list=extend_schema(summary="The references I watch (signed in)"),
    create=extend_schema(summary="Watch a reference (signed in)", request=WatchBodySerializer,
                         responses={201: WatchSerializer}),
    destroy=extend_schema(summary="Stop watching (signed in)", responses={204: None},
                          parameters=[ID_PARAMETER]),
)
class FaxWatchViewSet(OrganizationApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """References the signed-in member watches: the rules that tell watchers tell them of
    the faxes with these references."""

    serializer_class = WatchSerializer
    permission_classes = [MemberOnly]
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("text", "id")

    def get_queryset(self):
        return Watch.objects.none() if self.schema_only else services.watches_of(
            self.request.user)

    def create(self, request, *args, **kwargs):
        body = WatchBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        watch = services.watch(organization=self.organization, user=request.user,
                               text=body.validated_data["text"],
                               match=body.validated_data.get("match", Match.EXACT))
        return Response(WatchSerializer(watch).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.unwatch(watch=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# /api/v1/fax-alert-rules/ ------------------------------------------------------------------

RULE_HELP = {
    "kind": "failed; third_try (on its last try); stuck (queued or in progress longer than "
            "`minutes`); none_sent (no fax sent by `hour`:00 on a weekday).",
    "least_role": "Also tell members of this role and above (agent, admin, owner); blank "
                  "for nobody else. none_sent needs one.",
}


class RuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RuleKind.choices, help_text=RULE_HELP["kind"])
    enabled = serializers.BooleanField()
    to_watchers = serializers.BooleanField(help_text="Tell the watchers of the fax's "
                                                     "reference.")
    least_role = serializers.ChoiceField(choices=ROLES, allow_blank=True,
                                         help_text=RULE_HELP["least_role"])
    minutes = serializers.IntegerField(allow_null=True)
    hour = serializers.IntegerField(allow_null=True)
    description = serializers.CharField(source="describe", help_text="The rule in words.")


class RuleBodySerializer(BodySerializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices, help_text=RULE_HELP["kind"])
    enabled = StrictBooleanField(required=False, help_text="true unless given.")
    to_watchers = StrictBooleanField(required=False, help_text="true unless given.")
    least_role = serializers.ChoiceField(choices=ROLES, required=False, allow_blank=True,
                                         help_text=RULE_HELP["least_role"])
    minutes = WholeNumberField(required=False, allow_null=True, min_value=1,
                               max_value=MOST_MINUTES, help_text="stuck: needed.")
    hour = WholeNumberField(required=False, allow_null=True, min_value=0, max_value=23,
                            help_text="none_sent: needed (the organization's time zone).")


class RuleChangeSerializer(RuleBodySerializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices, required=False)


class RuleAccess(AdminsManage):
    """Every key and member reads the rules; owners and admins, signed in, manage them."""

    member_refusal = "Only owners and admins manage alert rules."
    key_refusal = "Alert rules are managed by owners and admins; an API key reads them."


@extend_schema_view(
    list=extend_schema(summary="The organization's fax alert rules"),
    retrieve=extend_schema(summary="One rule", parameters=[ID_PARAMETER]),
    create=extend_schema(summary="Add a rule (owners and admins, signed in)",
                         request=RuleBodySerializer, responses={201: RuleSerializer}),
    partial_update=extend_schema(summary="Change a rule (owners and admins)",
                                 request=RuleChangeSerializer, responses=RuleSerializer,
                                 parameters=[ID_PARAMETER]),
    destroy=extend_schema(summary="Delete a rule (owners and admins)", responses={204: None},
                          parameters=[ID_PARAMETER]),
)
class FaxAlertRuleViewSet(OrganizationApiMixin, mixins.ListModelMixin,
                          mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """When the organization is alerted of its faxes, and whom each rule tells."""

    serializer_class = RuleSerializer
    permission_classes = [RuleAccess]
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("kind", "id")

    def get_queryset(self):
        return AlertRule.objects.none() if self.schema_only else AlertRule.objects.all()

    def _changed(self, change):
        actor = actor_of(self.request)
        try:
            return change(user=actor["user"], actor_label=actor["actor_label"],
                          ip=client_ip(self.request))
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None

    def create(self, request, *args, **kwargs):
        body = RuleBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rule = self._changed(lambda **actor: services.create_rule(
            organization=self.organization, values=body.validated_data, **actor))
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        body = RuleChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rule = self.get_object()
        self._changed(lambda **actor: services.update_rule(
            rule=rule, values=body.validated_data, **actor))
        return Response(RuleSerializer(rule).data)

    def destroy(self, request, *args, **kwargs):
        rule = self.get_object()
        self._changed(lambda **actor: services.delete_rule(rule=rule, **actor))
        return Response(status=status.HTTP_204_NO_CONTENT)
