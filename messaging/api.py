"""REST API v1 of messaging: messages (list, read, send, delete, media), conversations and
numbers.

Sending and deleting go through messaging.sending, like the composer: the same checks, the
same idempotency, the same audit (with the API key as the actor).
"""

import base64
import binascii
import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.authentication import actor_of, request_key
from api.errors import NoConnectionConflict, ProviderFailed, ProviderTimeout, UnknownObject
from api.fields import (
    BASE64_FILE,
    BASE64_FILES,
    E164_US,
    HAS_TEXT,
    LARGEST_ID,
    StringField,
    TimeField,
    WholeNumberField,
    schema_pattern,
)
from api.schema import ID_PARAMETER, PROVIDER_ERRORS, ErrorSerializer
from api.serializers import BodySerializer, InputSerializer
from api.views import OrganizationApiMixin
from axion.errors import NotFound as ProviderNotFound
from axion.sms import FILE_TOO_LARGE, MAX_FILE_BYTES, MAX_FILE_SIZE
from common.addresses import client_ip
from common.filetypes import MMS_TYPES
from common.phone import normalize_number
from contacts.api_fields import ContactRefField, PageContactsMixin
from messaging import scheduling, sending
from messaging.idempotency import IdempotencyKeyReused, SendInProgress
from messaging.media import media_bytes
from messaging.models import (
    Conversation,
    ConversationStatus,
    Direction,
    Media,
    MediaState,
    Message,
    MessageStatus,
    MessagingNumber,
    Note,
)
from messaging.send_times import MAX_SCHEDULE_DAYS
from messaging.services import sms_connection
from messaging.team_api import (
    ConversationChangeSerializer,
    LabelSerializer,
    MemberRefSerializer,
    NoteBodySerializer,
    NoteSerializer,
    TeamFilterSerializer,
    add_note,
    apply_team_filters,
    change_conversation,
)

MAX_RECIPIENTS = 20


def visible(request, queryset):
    """What the request may see of conversations or messages: an API key acts for the
    organization and sees all; a member's session sees what the pages show the member
    (models.sees_every_number: the numbers' allowed users)."""
    if request_key(request) is not None:
        return queryset
    membership = getattr(request, "membership", None)
    return queryset.none() if membership is None else queryset.visible_to(membership)


def other_party(message: Message) -> str:
    """The number whose contact a message shows: the sender of an inbound message, the
    recipient of an outbound one to one number ("" for several: no one contact)."""
    if message.direction == Direction.INBOUND:
        return message.source
    return message.destinations[0] if len(message.destinations) == 1 else ""


def sole_participant(conversation: Conversation) -> str:
    """The other party of a one-to-one conversation; "" for a group."""
    participants = conversation.participant_list
    return participants[0] if len(participants) == 1 else ""


class SendInProgressConflict(exceptions.APIException):
    """A repeated Idempotency-Key whose first send is still SENDING or UNKNOWN."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "send_in_progress"
    default_detail = "The first request with this Idempotency-Key has no outcome yet."


class IdempotencyKeyReusedError(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for another message."


IDEMPOTENCY_ERRORS = {
    409: OpenApiResponse(ErrorSerializer, description=(
        "`no_connection`: the organization has no connection to Axion yet; "
        "`send_in_progress`: the first request with this Idempotency-Key has no outcome "
        "yet (SENDING or UNKNOWN): its message names each message, its uuid and status.")),
    422: OpenApiResponse(ErrorSerializer, description=(
        "`idempotency_key_reused`: this Idempotency-Key was used for another message; "
        "`opted_out`: a recipient opted out of the organization's messages (texted STOP, or "
        "is on the opt-out list): nothing was sent, and `error.fields.to` names each such "
        "number (E.164).")),
}


# Longer keys would not fit Message.idempotency_key once the recipient is appended.
MAX_IDEMPOTENCY_KEY = 40
MAX_MEDIA_BASE64 = (MAX_FILE_BYTES + 2) // 3 * 4
MAX_UUID = 64


def _renamed(fields: dict, python_name: str, name: str) -> dict:
    """Serializer fields with `python_name` published as `name` (e.g. the keyword "from")."""
    return {name if key == python_name else key: field for key, field in fields.items()}


class MediaSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="n in the media URL, from 0.")
    content_type = serializers.CharField(help_text="Known once the file is archived.")
    size = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=MediaState.choices)
    url = serializers.SerializerMethodField(help_text="Where to GET the bytes.")

    def get_url(self, media) -> str:
        path = reverse("api-message-media", args=[media.message.uuid, media.position])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MessageSerializer(serializers.Serializer):
    uuid = serializers.CharField(help_text="The provider's id; `local-…` until it has one.")
    conversation = serializers.IntegerField(source="conversation_id")
    direction = serializers.ChoiceField(choices=Direction.choices)
    from_ = serializers.CharField(source="source", help_text="Sender, E.164.")
    to = serializers.ListField(child=serializers.CharField(), source="destinations",
                               help_text="Recipients, E.164.")
    text = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=MessageStatus.choices)
    status_reason = serializers.CharField(allow_blank=True)
    sent_at = serializers.DateTimeField()
    client_reference = serializers.CharField(source="customer_provided_id", allow_blank=True)
    contact = ContactRefField(
        number_of=other_party,
        help_text="The organization's contact of the other party: the sender of an inbound "
                  "message, the recipient of an outbound one to one number; else null.")
    media = MediaSerializer(many=True)
    send_at = serializers.DateTimeField(
        allow_null=True, help_text="A scheduled send's time (status SCHEDULED until then); "
                                   "null for a message sent at once or received.")
    resent_from = serializers.CharField(
        source="resent_from.uuid", allow_null=True,
        help_text="The uuid of the failed message this one sends again; else null.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_fields(self):
        return _renamed(super().get_fields(), "from_", "from")


class SentMessagesSerializer(serializers.Serializer):
    messages = MessageSerializer(many=True, help_text="One message per recipient.")


class SendSerializer(BodySerializer):
    """The body of a send: a text with something in it, or a file with its type (and any
    text). The rules say so in the schema too, so that a generated client knows."""

    rules = {"oneOf": [
        {"required": ["text"],
         "properties": {"text": {"pattern": schema_pattern(HAS_TEXT.regex.pattern)}},
         "not": {"anyOf": [{"required": ["media"]}, {"required": ["media_type"]}]}},
        *({"required": ["media", "media_type"],
           "properties": {"media": {"pattern": schema_pattern(BASE64_FILES[media_type])},
                          # A pattern, not an enum: drf-spectacular's enum hook would
                          # make it the component of every media type.
                          "media_type": {"pattern": f"^{re.escape(media_type)}$"}}}
          for media_type in sorted(MMS_TYPES)),
    ]}

    from_ = StringField(validators=[E164_US], help_text="A number of the organization, E.164.")
    to = serializers.ListField(child=StringField(validators=[E164_US]), min_length=1,
                               max_length=MAX_RECIPIENTS,
                               help_text="US numbers, E.164; each gets its own message and "
                                         "conversation.")
    text = StringField(required=False, allow_blank=True, max_length=sending.MAX_TEXT_LENGTH)
    media = StringField(required=False, validators=[BASE64_FILE],
                        help_text=f"A jpg, png, gif or mp3 of at most {MAX_FILE_SIZE}, "
                                  "base64-encoded (line breaks between groups of four "
                                  "characters, as MIME encoders write, are ignored).")
    media_type = serializers.ChoiceField(choices=sorted(MMS_TYPES), required=False,
                                         help_text="What `media` is; must match its bytes.")
    client_reference = StringField(required=False, allow_blank=True, max_length=200,
                                   help_text="Your id for the message.")
    send_at = TimeField(required=False, help_text=(
        "Send later, at this time (RFC 3339 with its offset; in the future, at most "
        f"{MAX_SCHEDULE_DAYS} days ahead): the messages are SCHEDULED until then."))

    def get_fields(self):
        return _renamed(super().get_fields(), "from_", "from")

    def validate(self, data):
        media_type = data.get("media_type")
        data["attachment"] = None
        if "media" not in data:
            if media_type:
                raise serializers.ValidationError({"media": "Give the file with its type."})
            if not data.get("text", "").strip():
                raise serializers.ValidationError({"text": "Write a message or attach a file."})
        else:
            data["attachment"] = self._attachment(data["media"], media_type)
        # Last: a well-formed request for a number the organization does not have.
        if not MessagingNumber.objects.filter(number=data["from"]).exists():
            raise UnknownObject("from", f"{data['from']} is not a number of this organization.")
        return data

    def _attachment(self, media: str, media_type: str | None) -> sending.Attachment:
        if not media_type:
            raise serializers.ValidationError({"media_type": "Say what the file is."})
        # Line breaks, as MIME encoders write them, are not part of the file.
        encoded = "".join(media.split())
        if len(encoded) > MAX_MEDIA_BASE64:
            raise serializers.ValidationError({"media": FILE_TOO_LARGE})
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                {"media": "This is not valid base64."}) from None
        try:
            attachment = sending.check_attachment(content)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        if attachment.content_type != media_type:
            raise serializers.ValidationError(
                {"media_type": f"The file is {attachment.content_type}, not {media_type}."})
        return attachment


class MessageFilterSerializer(InputSerializer):
    """Query parameters of the list: a blank number, own_number, direction or status is
    ignored; a time or a conversation is never blank. A range that ends before it starts
    holds no message: an empty page (the schema cannot tell a client so)."""

    number = StringField(required=False, allow_blank=True, max_length=32,
                         help_text="The other party, in any format.")
    own_number = StringField(required=False, allow_blank=True, max_length=32,
                             help_text="The organization's number.")
    direction = serializers.ChoiceField(choices=Direction.choices, required=False,
                                        allow_blank=True)
    status = serializers.ChoiceField(choices=MessageStatus.choices, required=False,
                                     allow_blank=True)
    since = TimeField(required=False, help_text="Sent at or after this time (RFC 3339, with "
                                                "its offset: Z for UTC).")
    until = TimeField(required=False, help_text="Sent before this time.")
    conversation = WholeNumberField(required=False, min_value=1, max_value=LARGEST_ID)

    def apply(self, messages):
        data = self.validated_data
        if data.get("own_number"):
            messages = messages.filter(
                conversation__own_number__number=normalize_number(data["own_number"]))
        if data.get("number"):
            messages = messages.filter(
                conversation__participants__contains=normalize_number(data["number"]))
        if data.get("direction"):
            messages = messages.filter(direction=data["direction"])
        if data.get("status"):
            messages = messages.filter(status=data["status"])
        if data.get("since"):
            messages = messages.filter(sent_at__gte=data["since"])
        if data.get("until"):
            messages = messages.filter(sent_at__lt=data["until"])
        if data.get("conversation"):
            messages = messages.filter(conversation_id=data["conversation"])
        return messages


class ScheduledChangeSerializer(BodySerializer):
    """A scheduled send's new text and/or time; what is left out stays."""

    text = StringField(required=False, allow_blank=True, max_length=sending.MAX_TEXT_LENGTH)
    send_at = TimeField(required=False, help_text="RFC 3339 with its offset, in the future.")


class NotScheduledConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_scheduled"
    default_detail = "This message is no longer scheduled."


class NotResendableConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_resendable"
    default_detail = "Only a failed outbound message can be sent again."


NOT_SCHEDULED = {409: OpenApiResponse(ErrorSerializer, description=(
    "`not_scheduled`: the message is no longer scheduled (sent or being sent, failed, or "
    "cancelled)."))}


MEDIA_TYPES = [*MMS_TYPES, "application/octet-stream"]


@extend_schema_view(
    list=extend_schema(summary="Messages, newest first"),
    retrieve=extend_schema(summary="One message"),
    create=extend_schema(
        summary="Send a message",
        description="One message per recipient, answered with the messages as recorded "
                    "(QUEUED at the provider). A repeated request with the same "
                    "`Idempotency-Key` header answers the first one's messages instead of "
                    "sending again once they have an outcome; while the first is still "
                    "SENDING or UNKNOWN it is a 409 `send_in_progress` whose message names "
                    "each message and its status, and the same key with another body is a "
                    "422 `idempotency_key_reused`. When nothing could be sent, the answer is "
                    "502 (504 when the provider's answer was lost: the message is then "
                    "checked with the provider, never sent twice) and the messages stay "
                    "listed with status FAILED or UNKNOWN. With `send_at`, the messages are "
                    "recorded SCHEDULED (201, nothing sent yet) and sent at that time by the "
                    "portal's jobs, each once; cancel one with DELETE, change it with PATCH.",
        request=SendSerializer,
        parameters=[OpenApiParameter(
            "Idempotency-Key", {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY,
                                # Printable, as Django reads a header: in Latin-1.
                                "pattern": "^[\\u0020-\\u007e\\u00a1-\\u00ac\\u00ae-\\u00ff]*$"},
            OpenApiParameter.HEADER,
            description=f"At most {MAX_IDEMPOTENCY_KEY} printable characters.")],
        responses={201: SentMessagesSerializer, **PROVIDER_ERRORS, **IDEMPOTENCY_ERRORS}),
    destroy=extend_schema(
        summary="Delete a message, at the provider too (permanent); cancel a scheduled one",
        description="A SCHEDULED message is cancelled instead (nothing reaches the provider); "
                    "one the portal's jobs started sending meanwhile is a 409 "
                    "`not_scheduled`.",
        responses={204: None, **PROVIDER_ERRORS, **NOT_SCHEDULED}),
    partial_update=extend_schema(
        summary="Change a scheduled message's text or time",
        description="Only while it is SCHEDULED: afterwards a 409 `not_scheduled`.",
        request=ScheduledChangeSerializer, responses={200: MessageSerializer, **NOT_SCHEDULED}),
)
class MessageViewSet(OrganizationApiMixin, PageContactsMixin, mixins.ListModelMixin,
                     mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                     viewsets.GenericViewSet):
    """The organization's messages, deleted ones left out."""

    contact_number = staticmethod(other_party)
    serializer_class = MessageSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[^/]+"
    keyset_ordering = ("-sent_at", "-id")
    query_serializers = {"list": MessageFilterSerializer}

    def get_queryset(self):
        if self.schema_only:
            return Message.objects.none()
        in_order = Prefetch("media", queryset=Media.objects.order_by("position"))
        return visible(self.request, Message.objects.filter(deleted_at=None)
                       .select_related("resent_from").prefetch_related(in_order))

    def get_object(self):
        uuid = self.kwargs["uuid"]
        message = None
        if len(uuid) <= MAX_UUID and "\x00" not in uuid:
            message = self.get_queryset().filter(uuid=uuid).first()
        if message is None:
            raise exceptions.NotFound("There is no message with this uuid.")
        return message

    def perform_content_negotiation(self, request, force=False):
        # The media endpoint answers bytes of any type; its errors are JSON whatever the
        # client accepts.
        return super().perform_content_negotiation(request, force=force or self.action == "media")

    def list(self, request, *args, **kwargs):
        filters = self.query()
        page = self.paginate_queryset(filters.apply(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        form = SendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if len(idempotency_key) > MAX_IDEMPOTENCY_KEY or not idempotency_key.isprintable():
            raise exceptions.ValidationError({"Idempotency-Key": [
                f"At most {MAX_IDEMPOTENCY_KEY} printable characters."]})
        try:
            sent = sending.send_message(
                organization=self.organization, own_number=normalize_number(data["from"]),
                to=data["to"], text=data.get("text", ""), attachment=data["attachment"],
                idempotency_key=idempotency_key,
                client_reference=data.get("client_reference", ""),
                send_at=data.get("send_at"), ip=client_ip(request), **actor_of(request))
        except SendInProgress as error:
            raise SendInProgressConflict(
                f"The first request with this Idempotency-Key has no outcome yet: {error}. "
                "It is checked with Axion and never sent twice: ask again later.") from None
        except IdempotencyKeyReused as error:
            raise IdempotencyKeyReusedError(str(error)) from None
        self._raise_if_nothing_sent(sent)
        body = SentMessagesSerializer({"messages": sent}, context=self.contacts_context(sent))
        return Response(body.data, status=status.HTTP_201_CREATED)

    def _raise_if_nothing_sent(self, sent: Sequence[Message]) -> None:
        """Provider failures of a send are its messages' status: when no message went out,
        answer them as errors (the messages stay, FAILED or UNKNOWN)."""
        failed = (MessageStatus.FAILED, MessageStatus.UNKNOWN)
        if any(m.status not in failed for m in sent):
            return
        reason = sent[0].status_reason
        if any(m.status == MessageStatus.UNKNOWN for m in sent):
            raise ProviderTimeout(reason)
        if sms_connection(self.organization) is None:
            raise NoConnectionConflict(reason)
        raise ProviderFailed(f"The message was not sent. {reason}")

    def perform_destroy(self, instance):
        if instance.status == MessageStatus.SCHEDULED:
            try:
                scheduling.cancel_scheduled(message=instance, ip=client_ip(self.request),
                                            **actor_of(self.request))
            except scheduling.NotScheduled as error:
                raise NotScheduledConflict(str(error)) from None
            return
        sending.delete_message(message=instance, ip=client_ip(self.request),
                               **actor_of(self.request))

    def partial_update(self, request, *args, **kwargs):
        # The body first: a request the API cannot read is a 400 whatever the uuid.
        body = ScheduledChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = self.get_object()
        if message.status != MessageStatus.SCHEDULED:
            raise NotScheduledConflict()
        try:
            changed = scheduling.change_scheduled(
                message=message, text=body.validated_data.get("text"),
                send_at=body.validated_data.get("send_at"), ip=client_ip(request),
                **actor_of(request))
        except scheduling.NotScheduled as error:
            raise NotScheduledConflict(str(error)) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=changed.pk)).data)

    @extend_schema(
        summary="Send a failed message again",
        description="Its text and media as a new message linked to it (`resent_from`), with "
                    "the checks of any send. Asked again, it answers the same new message "
                    "instead of sending twice. Only a FAILED outbound message: otherwise a 409 "
                    "`not_resendable` (one whose outcome is unknown is settled first).",
        request=None,
        responses={201: SentMessagesSerializer, **PROVIDER_ERRORS, **IDEMPOTENCY_ERRORS,
                   409: OpenApiResponse(ErrorSerializer, description=(
                       "`not_resendable`: not a failed outbound message; `send_in_progress`: "
                       "the resend has no outcome yet; `no_connection`."))})
    @action(detail=True, methods=["post"], url_path="resend", url_name="resend")
    def resend(self, request, uuid=None):
        message = self.get_object()
        try:
            sent = sending.resend_message(message=message, ip=client_ip(request),
                                          **actor_of(request))
        except sending.NotResendable as error:
            raise NotResendableConflict(str(error)) from None
        except SendInProgress as error:
            raise SendInProgressConflict(f"The resend has no outcome yet: {error}.") from None
        except IdempotencyKeyReused as error:
            raise IdempotencyKeyReusedError(str(error)) from None
        body = SentMessagesSerializer({"messages": sent}, context=self.contacts_context(sent))
        return Response(body.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The bytes of a message's media file",
        parameters=[OpenApiParameter("position", int, OpenApiParameter.PATH,
                                     description="The file's position, from 0.")],
        responses={**{(200, media_type): OpenApiResponse(OpenApiTypes.BINARY)
                      for media_type in MEDIA_TYPES},
                   **PROVIDER_ERRORS})
    @action(detail=True, url_path=r"media/(?P<position>[0-9]+)", url_name="media",
            pagination_class=None)
    def media(self, request, uuid=None, position=None):
        message = self.get_object()
        item = (Media.objects.filter(message=message, position=int(position))
                .select_related("organization", "message").first())
        if item is None:
            raise exceptions.NotFound("This message has no media file at this position.")
        try:
            content, content_type = media_bytes(media=item)
        except ProviderNotFound:
            raise exceptions.NotFound("Axion no longer has this file.") from None
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = "inline"
        response["Cache-Control"] = "private, max-age=3600"
        return response


class ConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    own_number = serializers.CharField(source="own_number.number")
    participants = serializers.ListField(child=serializers.CharField(),
                                         source="participant_list")
    last_message_at = serializers.DateTimeField(allow_null=True)
    last_preview = serializers.CharField(allow_blank=True)
    last_direction = serializers.ChoiceField(choices=Direction.choices, allow_blank=True)
    unread_count = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ConversationStatus.choices)
    assignee = MemberRefSerializer(allow_null=True, help_text="Null: unassigned.")
    labels = LabelSerializer(many=True, source="labels.all")
    contact = ContactRefField(
        number_of=sole_participant,
        help_text="The organization's contact of the other party of a one-to-one "
                  "conversation; null for a group or a number that is no contact.")
    created_at = serializers.DateTimeField()


class ConversationFilterSerializer(TeamFilterSerializer):
    own_number = StringField(required=False, allow_blank=True, max_length=32,
                             help_text="The organization's number.")


@extend_schema_view(
    list=extend_schema(summary="Conversations, latest activity first"),
    retrieve=extend_schema(summary="One conversation", parameters=[ID_PARAMETER]),
    partial_update=extend_schema(
        summary="Close or reopen, assign, label a conversation",
        description="Any of `status`, `assignee` and `labels`; what is left out stays. Every "
                    "id is checked before anything changes: another organization's label "
                    "or member is a 404 naming the field, a member who may not have the "
                    "conversation a 400.",
        request=ConversationChangeSerializer, responses=ConversationSerializer,
        parameters=[ID_PARAMETER]),
)
class ConversationViewSet(OrganizationApiMixin, PageContactsMixin,
                          viewsets.ReadOnlyModelViewSet):
    """Conversations; their messages are at messages/?conversation={id}, their internal
    notes at notes/."""

    contact_number = staticmethod(sole_participant)
    serializer_class = ConversationSerializer
    lookup_value_regex = "[0-9]+"
    query_serializers = {"list": ConversationFilterSerializer}

    @property
    def keyset_ordering(self):
        return ("-created_at", "-id") if self.action == "notes" else ("-last_message_at", "-id")

    def get_queryset(self):
        if self.schema_only:
            return Conversation.objects.none()
        return visible(self.request, Conversation.objects.select_related("own_number", "assignee")
                       .prefetch_related("labels"))

    def query_parameters(self):
        accepted = super().query_parameters()
        if self.action == "notes" and self.request.method == "GET":
            # A list too: the paginator's parameters, as for the viewset's own list.
            accepted.update({parameter["name"]: False for parameter
                             in self.paginator.get_schema_operation_parameters(self)})
        return accepted

    def list(self, request, *args, **kwargs):
        filters = self.query()
        conversations = self.get_queryset().filter(last_message_at__isnull=False)
        own = filters.validated_data.get("own_number")
        if own:
            conversations = conversations.filter(own_number__number=normalize_number(own))
        conversations = apply_team_filters(conversations, filters.validated_data, request)
        page = self.paginate_queryset(conversations)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def partial_update(self, request, *args, **kwargs):
        # The body first: a request the API cannot read is a 400 whatever the id.
        body = ConversationChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        conversation = self.get_object()
        change_conversation(request, conversation, body.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(methods=["GET"], summary="A conversation's internal notes, newest first",
                   responses=NoteSerializer(many=True), parameters=[ID_PARAMETER])
    @extend_schema(methods=["POST"], summary="Write an internal note (never sent)",
                   description="Members it @-mentions by username, who see the "
                               "conversation, are kept in `mentions`.",
                   request=NoteBodySerializer, responses={201: NoteSerializer},
                   parameters=[ID_PARAMETER])
    @action(detail=True, methods=["get", "post"], url_path="notes", url_name="notes")
    def notes(self, request, pk=None):
        if request.method == "POST":
            body = NoteBodySerializer(data=request.data)
            body.is_valid(raise_exception=True)
            note = add_note(request, self.get_object(), body.validated_data)
            return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        notes = (Note.objects.filter(conversation=self.get_object()).select_related("author")
                 .prefetch_related("mentions"))
        page = self.paginate_queryset(notes)
        return self.get_paginated_response(NoteSerializer(page, many=True).data)


class NumberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="E.164.")
    label = serializers.CharField(allow_blank=True)
    registered_at = serializers.DateTimeField(
        allow_null=True, help_text="When the provider accepted its webhook URL; null if not.")
    created_at = serializers.DateTimeField()


@extend_schema_view(list=extend_schema(summary="The organization's messaging numbers"))
class NumberViewSet(OrganizationApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The numbers the organization sends and receives messages on."""

    serializer_class = NumberSerializer
    keyset_ordering = ("number",)

    def get_queryset(self):
        return MessagingNumber.objects.none() if self.schema_only else MessagingNumber.objects.all()
