"""The team inbox in REST API v1: what a conversation shows of it (status, assignee,
labels), the body of a conversation's PATCH, its notes, the inbox's list filters, and the
organization's labels (/api/v1/labels/).

messaging.api's ConversationViewSet uses the serializers and filters here; the changes
themselves go through messaging.team, like the pages', with the same checks and audit.
"""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounts.models import User
from api.authentication import actor_of, request_key
from api.errors import UnknownObject
from api.fields import HAS_TEXT, LARGEST_ID, StringField, WholeNumberField
from api.permissions import AdminsManage
from api.schema import ID_PARAMETER
from api.serializers import BodySerializer, InputSerializer
from api.views import OrganizationApiMixin
from common.addresses import client_ip
from common.phone import normalize_number
from messaging import team
from messaging.models import ConversationStatus, Label, LabelColour, Note

MOST_LABELS = 50
ASSIGNEE_FILTER = RegexValidator(r"\A(?:me|none|[1-9][0-9]{0,18})\Z",
                                 "Give me, none, or a member's user id.")


class MemberRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The member's user id.")
    username = serializers.CharField()


class LabelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    colour = serializers.ChoiceField(choices=LabelColour.choices)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField(source="conversation_id")
    author = MemberRefSerializer(allow_null=True,
                                 help_text="Who wrote it; null when an API key did.")
    text = serializers.CharField()
    mentions = MemberRefSerializer(many=True, source="mentions.all",
                                   help_text="The members it @-mentions (who see the "
                                             "conversation).")
    created_at = serializers.DateTimeField()


class ConversationChangeSerializer(BodySerializer):
    """The body of a conversation's PATCH: any of the three; what is left out stays."""

    status = serializers.ChoiceField(choices=ConversationStatus.choices, required=False)
    assignee = WholeNumberField(
        required=False, allow_null=True, min_value=1, max_value=LARGEST_ID,
        help_text="The user id of an agent, admin or owner who may use the conversation's "
                  "number; null to unassign.")
    labels = serializers.ListField(
        child=WholeNumberField(min_value=1, max_value=LARGEST_ID), required=False,
        max_length=MOST_LABELS,
        help_text="The ids of all the labels it should have (replaces them); [] for none.")


class NoteBodySerializer(BodySerializer):
    text = StringField(validators=[HAS_TEXT], max_length=team.NOTE_MAX_LENGTH,
                       help_text="Mention members with @username; never sent.")


class TeamFilterSerializer(InputSerializer):
    """The inbox's filters of the conversation list; a blank one is ignored."""

    number = StringField(required=False, allow_blank=True, max_length=32,
                         help_text="The other party, in any format.")
    status = serializers.ChoiceField(choices=ConversationStatus.choices, required=False,
                                     allow_blank=True)
    assignee = StringField(
        required=False, allow_blank=True, validators=[ASSIGNEE_FILTER],
        help_text="`me` (a member's session only: an API key is no member), `none` "
                  "(unassigned), or a member's user id.")
    label = WholeNumberField(required=False, min_value=1, max_value=LARGEST_ID,
                             help_text="A label's id.")


def member_of_organization(user_id: int, organization) -> User | None:
    return User.objects.filter(pk=user_id, memberships__organization=organization).first()


def apply_team_filters(conversations, data: dict, request):
    """The conversation list with TeamFilterSerializer's filters. Another organization's
    label or member is a 404 naming the parameter; `me` with an API key is refused."""
    if data.get("number"):
        conversations = conversations.filter(
            participants__contains=normalize_number(data["number"]))
    if data.get("status"):
        conversations = conversations.filter(status=data["status"])
    assignee = data.get("assignee")
    if assignee == "me":
        if request_key(request) is not None:
            raise exceptions.PermissionDenied(
                "assignee=me names the signed-in member, and an API key is no member: give "
                "the member's user id.")
        conversations = conversations.filter(assignee=request.user)
    elif assignee == "none":
        conversations = conversations.filter(assignee__isnull=True)
    elif assignee:
        if int(assignee) > LARGEST_ID or member_of_organization(
                int(assignee), request.organization) is None:
            raise UnknownObject("assignee", "There is no member with this id here.")
        conversations = conversations.filter(assignee_id=int(assignee))
    if data.get("label"):
        if not Label.objects.filter(pk=data["label"]).exists():
            raise UnknownObject("label", "There is no label with this id here.")
        conversations = conversations.filter(team.with_label(data["label"]))
    return conversations


def change_conversation(request, conversation, data: dict) -> None:
    """Apply a PATCH's validated body: every id is checked before anything changes."""
    assignee = labels = None
    if data.get("assignee") is not None:
        assignee = member_of_organization(data["assignee"], request.organization)
        if assignee is None:
            raise UnknownObject("assignee", "There is no member with this id here.")
        if not team.assignable_members(conversation).filter(user_id=assignee.pk).exists():
            raise exceptions.ValidationError({"assignee": [
                f"{assignee.get_username()} cannot be assigned this conversation: only "
                f"agents, admins and owners who may use {conversation.own_number.number} "
                "can."]})
    if "labels" in data:
        wanted = set(data["labels"])
        labels = list(Label.objects.filter(pk__in=wanted))
        if len(labels) != len(wanted):
            raise UnknownObject("labels", "There is no label with one of these ids here.")
    actor = {**actor_of(request), "ip": client_ip(request)}
    if data.get("status"):
        team.set_status(conversation=conversation, status=data["status"], **actor)
    if "assignee" in data:
        team.assign(conversation=conversation, assignee=assignee, **actor)
    if labels is not None:
        team.set_labels(conversation=conversation, labels=labels, **actor)


def add_note(request, conversation, data: dict) -> Note:
    actor = actor_of(request)
    return team.add_note(conversation=conversation, author=actor["user"], text=data["text"],
                         actor_label=actor["actor_label"], ip=client_ip(request))


# /api/v1/labels/ ---------------------------------------------------------------------------

class LabelBodySerializer(BodySerializer):
    name = StringField(validators=[HAS_TEXT], max_length=50)
    colour = serializers.ChoiceField(choices=LabelColour.choices, required=False,
                                     help_text="grey unless given.")


class LabelChangeSerializer(BodySerializer):
    name = StringField(validators=[HAS_TEXT], max_length=50, required=False)
    colour = serializers.ChoiceField(choices=LabelColour.choices, required=False)


class LabelAccess(AdminsManage):
    """Every key and member reads labels (as anything else, with the read scope); owners
    and admins manage them, signed in: an API key only reads them."""

    member_refusal = "Only owners and admins manage labels."
    key_refusal = "Labels are managed by owners and admins; an API key reads them."


@extend_schema_view(
    list=extend_schema(summary="The organization's labels, by name"),
    retrieve=extend_schema(summary="One label", parameters=[ID_PARAMETER]),
    create=extend_schema(summary="Add a label (owners and admins, signed in)",
                         request=LabelBodySerializer, responses={201: LabelSerializer}),
    partial_update=extend_schema(summary="Rename or recolour a label (owners and admins)",
                                 request=LabelChangeSerializer, responses=LabelSerializer,
                                 parameters=[ID_PARAMETER]),
    destroy=extend_schema(summary="Delete a label: it goes from every conversation "
                                  "(owners and admins)",
                          responses={204: None}, parameters=[ID_PARAMETER]),
)
class LabelViewSet(OrganizationApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """Labels that agents put on conversations."""

    serializer_class = LabelSerializer
    permission_classes = [LabelAccess]
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("name", "id")

    def get_queryset(self):
        return Label.objects.none() if self.schema_only else Label.objects.all()

    def create(self, request, *args, **kwargs):
        body = LabelBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actor = actor_of(request)
        label = team.create_label(
            organization=self.organization, name=body.validated_data["name"],
            colour=body.validated_data.get("colour", LabelColour.GREY), user=actor["user"],
            actor_label=actor["actor_label"], ip=client_ip(request))
        return Response(LabelSerializer(label).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        body = LabelChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        label = self.get_object()
        actor = actor_of(request)
        team.update_label(label=label, name=body.validated_data.get("name", label.name),
                          colour=body.validated_data.get("colour", label.colour),
                          user=actor["user"], actor_label=actor["actor_label"],
                          ip=client_ip(request))
        return Response(LabelSerializer(label).data)

    def destroy(self, request, *args, **kwargs):
        actor = actor_of(request)
        team.delete_label(label=self.get_object(), user=actor["user"],
                          actor_label=actor["actor_label"], ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
