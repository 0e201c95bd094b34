"""REST API v1 of message templates: list and read them (the `read` scope), add, change
and delete them (the `send` scope; signed-in members need the admin role), and fill one for
a contact or a number (`render`).

A template's text follows the same rule here as on the pages: known placeholders only,
`{{` and `}}` for literal braces. The schema's pattern says so, so a generated client knows.
"""

import base64
import binascii
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.authentication import actor_of, request_key
from api.errors import UnknownObject, error_body
from api.fields import (
    BASE64_FILE,
    BASE64_FILES,
    E164_US,
    HAS_TEXT,
    LARGEST_ID,
    StringField,
    WholeNumberField,
    schema_pattern,
)
from api.permissions import AdminsManage
from api.schema import ID_PARAMETER, ErrorSerializer
from api.serializers import BodySerializer
from api.views import OrganizationApiMixin
from axion.sms import FILE_TOO_LARGE, MAX_FILE_BYTES, MAX_FILE_SIZE
from common.addresses import client_ip
from common.filetypes import MMS_TYPES
from contacts.models import Contact
from message_templates import rendering, services
from message_templates.models import MAX_NAME_LENGTH, MessageTemplate
from messaging.sending import MAX_TEXT_LENGTH, check_attachment

MAX_MEDIA_BASE64 = (MAX_FILE_BYTES + 2) // 3 * 4
# What str.strip() removes, spelt out so that the schema's pattern means what Python's does.
_SPACE = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x10000)) if c.isspace())
_PIECE = (r"\{\{|\}\}|\{(?:" + "|".join(rendering.PLACEHOLDERS) + r")\}")
# A template's text: characters other than braces, doubled braces and known placeholders,
# with something other than white space.
TEMPLATE_TEXT = RegexValidator(
    rf"\A[{_SPACE}]*(?:[^{{}}\x00{_SPACE}]|{_PIECE})(?:[^{{}}\x00]|{_PIECE})*\Z",
    f"Use only the placeholders {rendering.KNOWN}; write {{{{ and }}}} for a literal brace.")
TEXT_HELP = (f"At most {MAX_TEXT_LENGTH} characters. Placeholders, filled for each "
             f"recipient: {rendering.KNOWN}; {{{{ and }}}} write a literal brace.")
MEDIA_HELP = (f"A jpg, png, gif or mp3 of at most {MAX_FILE_SIZE}, base64-encoded: sent with "
              "the text when the member attaches no other file.")


def _media_rules(*also: dict) -> dict:
    """media and media_type together, the pattern of the type's first bytes, or neither."""
    return {"oneOf": [
        {"not": {"anyOf": [{"required": ["media"]}, {"required": ["media_type"]}]}},
        *({"required": ["media", "media_type"],
           "properties": {"media": {"pattern": schema_pattern(BASE64_FILES[media_type])},
                          "media_type": {"pattern": f"^{re.escape(media_type)}$"}}}
          for media_type in sorted(MMS_TYPES)),
        *also,
    ]}


class TemplateAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="attachment_name", help_text="As it was uploaded.")
    content_type = serializers.CharField(source="attachment_type")


class TemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="Unique in the organization, whatever its case; "
                                           "members type /name in a message to use it.")
    text = serializers.CharField(help_text=TEXT_HELP)
    placeholders = serializers.SerializerMethodField(help_text="The placeholders its text "
                                                               "uses, by name.")
    attachment = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_placeholders(self, template) -> list[str]:
        return sorted(rendering.placeholders_of(template.text))

    @extend_schema_field(TemplateAttachmentSerializer(allow_null=True))
    def get_attachment(self, template):
        return TemplateAttachmentSerializer(template).data if template.attachment else None


class TemplateBodySerializer(BodySerializer):
    rules = _media_rules()

    name = StringField(validators=[HAS_TEXT], max_length=MAX_NAME_LENGTH)
    text = StringField(validators=[TEMPLATE_TEXT], max_length=MAX_TEXT_LENGTH,
                       help_text=TEXT_HELP)
    media = StringField(required=False, validators=[BASE64_FILE], help_text=MEDIA_HELP)
    media_type = serializers.ChoiceField(choices=sorted(MMS_TYPES), required=False,
                                         help_text="What `media` is; must match its bytes.")

    def validate(self, data):
        data["attachment"] = (decoded_media(data["media"], data.get("media_type"))
                              if "media" in data else None)
        if data.get("media_type") and "media" not in data:
            raise serializers.ValidationError({"media": "Give the file with its type."})
        return data


class TemplateChangeSerializer(TemplateBodySerializer):
    """A PATCH: what is left out stays; `remove_media` drops the attachment."""

    name = StringField(validators=[HAS_TEXT], max_length=MAX_NAME_LENGTH, required=False)
    text = StringField(validators=[TEMPLATE_TEXT], max_length=MAX_TEXT_LENGTH,
                       help_text=TEXT_HELP, required=False)
    remove_media = serializers.BooleanField(required=False, default=False,
                                            help_text="true removes the attachment (a new "
                                                      "`media` replaces it anyway).")


class RenderBodySerializer(BodySerializer):
    """Whom to fill the template for: a contact, a number (its contact, if it has one), or
    neither for a text without the contact's placeholders."""

    rules = {"not": {"required": ["contact", "number"]}}

    contact = WholeNumberField(required=False, min_value=1, max_value=LARGEST_ID,
                               help_text="A contact's id.")
    number = StringField(required=False, validators=[E164_US],
                         help_text="The recipient's number, E.164: its contact's values.")

    def validate(self, data):
        if "contact" in data and "number" in data:
            raise serializers.ValidationError("Give a contact or a number, not both.")
        return data


class RenderedSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The text, filled: ready to send.")


def decoded_media(media: str, media_type: str | None) -> services.NewFile:
    """The file of a body's base64 `media`, checked like the composer's attachment."""
    if not media_type:
        raise serializers.ValidationError({"media_type": "Say what the file is."})
    encoded = "".join(media.split())  # line breaks, as MIME encoders write, are no data
    if len(encoded) > MAX_MEDIA_BASE64:
        raise serializers.ValidationError({"media": FILE_TOO_LARGE})
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise serializers.ValidationError({"media": "This is not valid base64."}) from None
    try:
        checked = check_attachment(content)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.message_dict) from error
    if checked.content_type != media_type:
        raise serializers.ValidationError(
            {"media_type": f"The file is {checked.content_type}, not {media_type}."})
    return services.NewFile(name=f"attachment.{MMS_TYPES[media_type]}", content=content)


class NameTakenConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "name_taken"
    default_detail = "There is already a template with this name."


class TemplateAccess(AdminsManage):
    """Keys by scope (read, or send for changes and render); signed-in members read as
    viewers, render as agents and change templates as owners and admins."""

    member_refusal = "Only owners and admins manage templates."

    def anyone_may(self, request, view) -> bool:
        return getattr(view, "action", None) == "render"


NAME_TAKEN = {409: OpenApiResponse(ErrorSerializer, description=(
    "`name_taken`: another template of the organization has this name (in any case)."))}


@extend_schema_view(
    list=extend_schema(summary="The organization's message templates, by name"),
    retrieve=extend_schema(summary="One template", parameters=[ID_PARAMETER]),
    create=extend_schema(summary="Add a template", request=TemplateBodySerializer,
                         responses={201: TemplateSerializer, **NAME_TAKEN}),
    partial_update=extend_schema(summary="Change a template", request=TemplateChangeSerializer,
                                 responses={200: TemplateSerializer, **NAME_TAKEN},
                                 parameters=[ID_PARAMETER]),
    destroy=extend_schema(summary="Delete a template", responses={204: None},
                          parameters=[ID_PARAMETER]),
    render=extend_schema(
        summary="Fill a template for a contact or a number",
        description="The template's text with its placeholders filled for the contact (or "
                    "the number's contact) and the member (an API key has no name: "
                    "{my_name} needs a member's session). Nothing is sent. A placeholder "
                    "without a value is a 422 `missing_values` whose `fields` name each one "
                    "(by placeholder) and for whom.",
        request=RenderBodySerializer, parameters=[ID_PARAMETER],
        responses={200: RenderedSerializer, 422: OpenApiResponse(
            ErrorSerializer, description="`missing_values`: placeholders without a value.")}),
)
class TemplateViewSet(OrganizationApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Texts that members insert in messages with /name."""

    serializer_class = TemplateSerializer
    permission_classes = [TemplateAccess]
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("name", "id")

    def get_queryset(self):
        if self.schema_only:
            return MessageTemplate.objects.none()
        return MessageTemplate.objects.all()

    def _changed(self, call, **values):
        actor = actor_of(self.request)
        try:
            return call(**values, user=actor["user"], actor_label=actor["actor_label"],
                        ip=client_ip(self.request))
        except services.NameTaken as error:
            raise NameTakenConflict(error.messages[0]) from error

    def create(self, request, *args, **kwargs):
        body = TemplateBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        template = self._changed(
            services.create_template, organization=self.organization,
            name=body.validated_data["name"], text=body.validated_data["text"],
            attachment=body.validated_data["attachment"])
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        body = TemplateChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        template = self.get_object()
        self._changed(services.update_template, template=template,
                      name=body.validated_data.get("name"),
                      text=body.validated_data.get("text"),
                      attachment=body.validated_data["attachment"],
                      remove_attachment=body.validated_data["remove_media"])
        return Response(TemplateSerializer(template).data)

    def destroy(self, request, *args, **kwargs):
        self._changed(services.delete_template, template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def render(self, request, *args, **kwargs):
        body = RenderBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        template = self.get_object()
        number = body.validated_data.get("number", "")
        contact = services.contact_of(number)
        if "contact" in body.validated_data:
            contact = Contact.objects.filter(pk=body.validated_data["contact"]).first()
            if contact is None:
                raise UnknownObject("contact", "There is no contact with this id here.")
        key = request_key(request)
        try:
            text = rendering.render(text=template.text, contact=contact,
                                    member=None if key is not None else request.user,
                                    number=number)
        except rendering.MissingValues as missing:
            return Response(error_body(
                "missing_values", str(missing),
                {m.placeholder: [m.message] for m in missing.missing}),
                status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        return Response({"text": text})
