"""Webhook endpoints in REST API v1, /api/v1/webhook-endpoints/: list, create (the secret
in that answer only), read (never the secret), change, delete, rotate the secret (the new
one in that answer only), send a test event, an endpoint's deliveries, and the event
types with each one's documented payload.

For owners and admins signed in, and for API keys with the `webhooks` scope: an endpoint's
URL may carry a credential of the system it points to, so reading needs that too. The
changes go through webhooks_out.services, like the pages', with the same checks and audit.
"""

from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import ApiKey, Role
from api.authentication import actor_of, request_key
from api.fields import HAS_TEXT, StringField
from api.permissions import OrganizationAccess
from api.schema import ID_PARAMETER
from api.serializers import BodySerializer
from api.views import OrganizationApiMixin
from common.addresses import client_ip
from events import schema as event_schema
from events.models import EventType
from webhooks_out import services
from webhooks_out.models import Delivery, DeliveryState, Endpoint
from webhooks_out.policy import MAX_URL_LENGTH

SUBSCRIBABLE = [t.value for t in services.SUBSCRIBABLE]


class StrictBooleanField(serializers.BooleanField):
    """The schema's boolean: JSON true or false (DRF's also takes "yes", 1, "on")."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid")


class EndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE),
        help_text="The event types it receives; [] for every type (also those added later).")
    enabled = serializers.BooleanField()
    failing_since = serializers.DateTimeField(
        allow_null=True, help_text="Since when every attempt has failed; null if the last "
                                   "one succeeded.")
    last_success_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField(
        allow_blank=True, help_text="Why the portal turned it off (after days of failures).")
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="After a rotation, until when the previous secret signs "
                                   "beside the new one.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class NewEndpointSerializer(EndpointSerializer):
    secret = serializers.CharField(help_text="The signing secret (whsec_…): shown in this "
                                             "answer only.")


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret: shown in this answer "
                                             "only.")
    previous_secret_expires_at = serializers.DateTimeField(
        help_text="Until then the previous secret signs too.")


class EndpointBodySerializer(BodySerializer):
    url = StringField(validators=[HAS_TEXT], max_length=MAX_URL_LENGTH,
                      help_text="https, reachable from the internet (the portal's operator "
                                "may allow other hosts).")
    description = StringField(required=False, allow_blank=True,
                              max_length=services.DESCRIPTION_LENGTH)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE), required=False,
        max_length=len(SUBSCRIBABLE), help_text="[] or left out: every type.")
    enabled = StrictBooleanField(required=False, help_text="true unless given.")


class EndpointChangeSerializer(BodySerializer):
    """The body of a PATCH: any of the four; what is left out stays."""

    url = StringField(validators=[HAS_TEXT], max_length=MAX_URL_LENGTH, required=False)
    description = StringField(required=False, allow_blank=True,
                              max_length=services.DESCRIPTION_LENGTH)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE), required=False,
        max_length=len(SUBSCRIBABLE))
    enabled = StrictBooleanField(required=False)


class EventRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The `webhook-id` of its deliveries (evt_…).")
    type = event_schema.enum_field(EventType.values)
    created_at = serializers.DateTimeField()


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.SerializerMethodField()
    state = serializers.ChoiceField(
        choices=DeliveryState.choices,
        help_text="pending (not tried yet), failed (retried at next_attempt_at), "
                  "succeeded, or abandoned (every retry failed).")
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(
        allow_null=True, help_text="When it is tried next; null once it is finished.")
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(EventRefSerializer)
    def get_event(self, delivery) -> dict:
        return {"id": f"evt_{delivery.event_id}", "type": delivery.event.type,
                "created_at": serializers.DateTimeField().to_representation(
                    delivery.event.created_at)}


class TestSentSerializer(serializers.Serializer):
    delivery = DeliverySerializer(help_text="The test event's delivery, sent in a moment.")


def _envelope(event_type: EventType) -> type[serializers.Serializer]:
    """The body a receiver gets for `event_type`, as a serializer of its own (one schema
    component per event type)."""
    name = "".join(part.title() for part in event_type.value.replace(".", "_").split("_"))
    return type(f"{name}Webhook", (serializers.Serializer,), {
        "__doc__": f"The body of a {event_type.value} webhook: {event_type.label.lower()}.",
        "id": serializers.CharField(help_text="evt_…, also the webhook-id header."),
        "type": event_schema.constant_field(event_type.value),
        "created_at": serializers.DateTimeField(),
        "data": event_schema.DATA[event_type](),
    })


WEBHOOK_BODY = PolymorphicProxySerializer(
    component_name="WebhookBody", resource_type_field_name="type",
    serializers={event_type.value: _envelope(event_type) for event_type in EventType})


class EventTypeSerializer(serializers.Serializer):
    type = event_schema.enum_field(EventType.values)
    description = serializers.CharField()
    example = WEBHOOK_BODY


class WebhookAccess(OrganizationAccess):
    """Owners and admins signed in, or an API key with the webhooks scope, for reading as
    for changing (an endpoint's URL may hold a credential of the system it points to)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        key = request_key(request)
        if key is not None:
            if not key.allows(ApiKey.Scope.WEBHOOKS):
                self.message = "This API key does not have the webhooks scope."
                return False
            return True
        membership = getattr(request, "membership", None)
        if membership is None:
            self.message = "You are not a member of any organization."
            return False
        if not membership.allows(Role.ADMIN):
            self.message = "Only owners and admins manage webhook endpoints."
            return False
        return True


def _example(event_type: EventType) -> dict:
    return {"id": "evt_1042", "type": event_type.value, "created_at": "2024-03-01T12:00:00Z",
            "data": event_schema.EXAMPLES[event_type]}


@extend_schema_view(
    list=extend_schema(summary="The organization's webhook endpoints"),
    retrieve=extend_schema(summary="One endpoint (never its secret)",
                           parameters=[ID_PARAMETER]),
    create=extend_schema(
        summary="Add an endpoint; the answer holds its signing secret, shown once",
        request=EndpointBodySerializer, responses={201: NewEndpointSerializer}),
    update=extend_schema(summary="Replace an endpoint's URL, description, event types and "
                                 "state", request=EndpointBodySerializer,
                         responses={200: EndpointSerializer}, parameters=[ID_PARAMETER]),
    partial_update=extend_schema(summary="Change any of an endpoint's URL, description, "
                                         "event types and state",
                                 request=EndpointChangeSerializer,
                                 responses={200: EndpointSerializer},
                                 parameters=[ID_PARAMETER]),
    destroy=extend_schema(summary="Delete an endpoint with its deliveries",
                          responses={204: None}, parameters=[ID_PARAMETER]),
    rotate=extend_schema(
        summary="Make a new signing secret (shown once); the previous one signs beside it "
                "for WEBHOOK_SECRET_GRACE_HOURS", request=None,
        responses={200: SecretSerializer}, parameters=[ID_PARAMETER]),
    test=extend_schema(summary="Send a test event (type ping) to this endpoint only",
                       request=None, responses={202: TestSentSerializer},
                       parameters=[ID_PARAMETER]),
    deliveries=extend_schema(summary="The endpoint's deliveries, newest first",
                             responses={200: DeliverySerializer(many=True)},
                             parameters=[ID_PARAMETER]),
    event_types=extend_schema(
        summary="The event types, each with an example of the body its webhooks carry",
        description="Each webhook is a POST of a JSON body {id, type, created_at, data}, "
                    "signed as the Standard Webhooks specification says (headers "
                    "webhook-id, webhook-timestamp, webhook-signature). The WebhookBody "
                    "component documents `data` for each type.",
        responses={200: OpenApiResponse(EventTypeSerializer(many=True))}),
)
class EndpointViewSet(OrganizationApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """An organization's webhook endpoints."""

    serializer_class = EndpointSerializer
    permission_classes = [WebhookAccess]
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("id",)

    def get_queryset(self):
        return Endpoint.objects.none() if self.schema_only else Endpoint.objects.all()

    def query_parameters(self) -> dict[str, bool]:
        accepted = super().query_parameters()
        if self.action == "deliveries" and self.paginator is not None:
            # A list too: the paginator's parameters, as the schema documents them.
            accepted.update({parameter["name"]: False for parameter
                             in self.paginator.get_schema_operation_parameters(self)})
        return accepted

    def get_serializer_class(self):
        if self.action == "deliveries":
            return DeliverySerializer
        if self.action == "event_types":
            return EventTypeSerializer
        return EndpointSerializer

    def _actor(self) -> dict:
        actor = actor_of(self.request)
        return {"actor": actor["user"], "actor_label": actor["actor_label"],
                "ip": client_ip(self.request)}

    def create(self, request, *args, **kwargs):
        body = EndpointBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint, secret = services.create_endpoint(
            organization=self.organization, **body.validated_data, **self._actor())
        return Response({**EndpointSerializer(endpoint).data, "secret": secret},
                        status=status.HTTP_201_CREATED)

    def _change(self, body_class, *, full: bool):
        # The body first: a request the API cannot read is a 400 whatever the id.
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        endpoint = self.get_object()
        values = dict(body.validated_data)
        if full:
            values.setdefault("description", "")
            values.setdefault("event_types", [])
            values.setdefault("enabled", True)
        services.update_endpoint(endpoint=endpoint, values=values, **self._actor())
        return Response(EndpointSerializer(endpoint).data)

    def update(self, request, *args, **kwargs):
        return self._change(EndpointBodySerializer, full=True)

    def partial_update(self, request, *args, **kwargs):
        return self._change(EndpointChangeSerializer, full=False)

    def destroy(self, request, *args, **kwargs):
        services.delete_endpoint(endpoint=self.get_object(), **self._actor())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        endpoint = self.get_object()
        secret = services.rotate_secret(endpoint=endpoint, **self._actor())
        return Response(SecretSerializer({
            "secret": secret,
            "previous_secret_expires_at": endpoint.previous_secret_expires_at}).data)

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        delivery = services.send_test_event(endpoint=self.get_object(), **self._actor())
        return Response(TestSentSerializer({"delivery": delivery}).data,
                        status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["get"], keyset_ordering=("-id",))
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        rows = Delivery.objects.filter(endpoint=endpoint).select_related("event")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @action(detail=False, methods=["get"], url_path="event-types", pagination_class=None)
    def event_types(self, request):
        return Response([{"type": t.value, "description": t.label, "example": _example(t)}
                         for t in EventType])
