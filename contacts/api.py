"""REST API v1 of contacts: list (with search), read, create, change, delete, and the state of
a CSV import (imports are uploaded on the contacts pages).

Changes go through contacts.services, like the pages: the same rules, the same audit (with
the API key as the actor). A number already on another contact is a 409 that names it.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from api.authentication import actor_of
from api.fields import E164_US, HAS_TEXT, StringField
from api.schema import ID_PARAMETER, ErrorSerializer
from api.serializers import BodySerializer, InputSerializer
from api.views import OrganizationApiMixin
from common.addresses import client_ip
from contacts import services
from contacts.imports import MAX_LENGTHS
from contacts.models import Contact, ContactImport, ContactNumber, ImportState
from contacts.search import matching


class NumberTaken(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "number_taken"
    default_detail = "A number of this contact is already another contact's."


NUMBER_TAKEN = {409: OpenApiResponse(ErrorSerializer, description=(
    "`number_taken`: a number is already another contact's; the message names the number "
    "and that contact (a number belongs to at most one contact)."))}


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    numbers = serializers.SerializerMethodField(help_text="E.164, in the contact's order.")
    company = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    reference = serializers.CharField(
        allow_blank=True, help_text="Your own id for the contact (a patient id, a claim "
                                    "number): faxes whose customer field holds it are its.")
    notes = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_numbers(self, contact) -> list[str]:
        return [row.number for row in contact.numbers.all()]


def _text(name: str, **kwargs) -> StringField:
    kwargs.setdefault("allow_blank", True)
    return StringField(max_length=MAX_LENGTHS[name], **kwargs)


class ContactBodySerializer(BodySerializer):
    """A contact to create (name and numbers required) or change (PATCH: only what is
    given; PUT: all of it, the fields left out becoming empty)."""

    name = _text("name", allow_blank=False, validators=[HAS_TEXT])
    numbers = serializers.ListField(
        child=StringField(validators=[E164_US]), min_length=1,
        max_length=services.MAX_NUMBERS,
        help_text="US numbers in E.164, such as +18056421414; a number given twice counts "
                  "once.")
    company = _text("company", required=False)
    email = _text("email", required=False, validators=[EmailValidator()],
                  help_text="An e-mail address, or empty.")
    reference = _text("reference", required=False)
    notes = _text("notes", required=False)

    def validate_numbers(self, numbers):
        return list(dict.fromkeys(numbers))


class ContactFilterSerializer(InputSerializer):
    q = StringField(required=False, allow_blank=True, max_length=100,
                    help_text="The start of a name or of any word of it, digits of a "
                              "number, or the start of a reference.")


class ImportCountsSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Data rows read.")
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.IntegerField()
    first_errors = serializers.ListField(child=serializers.CharField(),
                                         help_text='The first rows in error, as "row 17: '
                                                   '555-12 is not a US number: …".')


class ContactImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    state = serializers.ChoiceField(choices=ImportState.choices)
    problem = serializers.CharField(allow_blank=True,
                                    help_text="Why the file was refused or the import failed.")
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField(help_text="Rows imported so far.")
    preview = serializers.SerializerMethodField(help_text="What the dry run found.")
    result = serializers.SerializerMethodField(
        help_text="What the import did so far; null until it runs.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    undone_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(ImportCountsSerializer(allow_null=True))
    def get_preview(self, record) -> dict | None:
        return ImportCountsSerializer(record.preview).data if record.preview else None

    @extend_schema_field(ImportCountsSerializer(allow_null=True))
    def get_result(self, record) -> dict | None:
        return ImportCountsSerializer(record.result).data if record.result else None


def _contacts():
    in_order = Prefetch("numbers", queryset=ContactNumber.objects.order_by("position", "id"))
    return Contact.objects.prefetch_related(in_order)


@extend_schema_view(
    list=extend_schema(summary="Contacts, by name"),
    retrieve=extend_schema(summary="One contact", parameters=[ID_PARAMETER]),
    create=extend_schema(summary="Add a contact", request=ContactBodySerializer,
                         responses={201: ContactSerializer, **NUMBER_TAKEN}),
    update=extend_schema(summary="Replace a contact", parameters=[ID_PARAMETER],
                         request=ContactBodySerializer,
                         responses={200: ContactSerializer, **NUMBER_TAKEN}),
    partial_update=extend_schema(summary="Change some of a contact", parameters=[ID_PARAMETER],
                                 request=ContactBodySerializer(partial=True),
                                 responses={200: ContactSerializer, **NUMBER_TAKEN}),
    destroy=extend_schema(summary="Delete a contact (its messages and faxes stay)",
                          parameters=[ID_PARAMETER], responses={204: None}),
)
class ContactViewSet(OrganizationApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The organization's contacts: the people and offices behind its numbers."""

    serializer_class = ContactSerializer
    lookup_value_regex = "[0-9]+"
    keyset_ordering = ("name", "id")
    query_serializers = {"list": ContactFilterSerializer}

    def get_queryset(self):
        return Contact.objects.none() if self.schema_only else _contacts()

    def list(self, request, *args, **kwargs):
        text = self.query().validated_data.get("q", "")
        page = self.paginate_queryset(matching(self.get_queryset(), text))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _body(self, *, partial: bool) -> dict:
        body = ContactBodySerializer(data=self.request.data, partial=partial)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _saved(self, change, contact=None) -> Contact:
        numbers = change.get("numbers")
        if numbers is not None:
            taken = services.numbers_taken(numbers, contact=contact)
            if taken:
                raise NumberTaken(" ".join(taken))
        try:
            return self._call(change, contact)
        except DjangoValidationError as error:
            taken = error.message_dict.get("numbers") if hasattr(error, "error_dict") else None
            if taken:  # given to another contact since the check above
                raise NumberTaken(" ".join(taken)) from None
            raise

    def _call(self, change, contact):
        actor = {**actor_of(self.request), "ip": client_ip(self.request)}
        if contact is None:
            return services.create_contact(organization=self.organization, **change, **actor)
        return services.update_contact(contact=contact, **change, **actor)

    def create(self, request, *args, **kwargs):
        contact = self._saved(self._body(partial=False))
        return Response(self.get_serializer(_contacts().get(pk=contact.pk)).data,
                        status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.get("partial", False)
        change = self._body(partial=partial)
        contact = self.get_object()
        if not partial:
            change = {name: change.get(name, "") for name in services.FIELDS} | {
                "numbers": change["numbers"]}
        self._saved(change, contact)
        return Response(self.get_serializer(_contacts().get(pk=contact.pk)).data)

    def perform_destroy(self, instance):
        services.delete_contact(contact=instance, ip=client_ip(self.request),
                                **actor_of(self.request))


@extend_schema_view(
    retrieve=extend_schema(summary="A CSV import of contacts: its state and counts",
                           parameters=[ID_PARAMETER]),
)
class ContactImportViewSet(OrganizationApiMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Imports are uploaded, checked and confirmed on the contacts pages; a program follows
    one here until its state is done, failed or undone."""

    serializer_class = ContactImportSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return ContactImport.objects.none() if self.schema_only else ContactImport.objects.all()
