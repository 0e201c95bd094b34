"""REST API v1 of the opt-out list: /api/v1/opt-outs/.

Read with the read scope; adding and removing take the send scope (a member signed in must
be an owner or an admin, as on the list's page). Changes go through optouts.services, like
the pages': the same rules, the same audit (with the API key as the actor), the same
contact.opted_out and contact.opted_in events, with source `api`.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from api.authentication import actor_of
from api.fields import E164_US, StringField
from api.permissions import AdminsManage
from api.serializers import BodySerializer, InputSerializer
from api.views import OrganizationApiMixin
from common.addresses import client_ip
from contacts.api_fields import ContactRefField, PageContactsMixin
from optouts import services
from optouts.models import OptOut, OptOutSource

NUMBER_PARAMETER = OpenApiParameter(
    "number", str, OpenApiParameter.PATH, pattern=r"^\+1[2-9][0-9]{2}[2-9][0-9]{6}$",
    description="The number, E.164 (the + may be written %2B).")


class OptOutSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="E.164.")
    contact = ContactRefField(lambda row: row.number, help_text="The number's contact.")
    source = serializers.ChoiceField(choices=OptOutSource.choices,
                                     help_text="How it came on the list.")
    keyword = serializers.CharField(allow_blank=True,
                                    help_text='The text that opted out ("Stop."), for a '
                                              "keyword.")
    note = serializers.CharField(allow_blank=True, help_text="Why, in the words of whoever "
                                                             "added it.")
    created_at = serializers.DateTimeField(help_text="When it opted out.")
    created_by = serializers.SerializerMethodField(
        help_text="The member who added it; null for a keyword, an API key or an import "
                  "by a member since removed.")

    def get_created_by(self, row) -> str | None:
        return row.created_by.get_username() if row.created_by else None


class OptOutBodySerializer(BodySerializer):
    number = StringField(validators=[E164_US])
    note = StringField(required=False, allow_blank=True, max_length=200,
                       help_text="Why (kept on the list, shown on its page).")


class OptOutFilterSerializer(InputSerializer):
    number = StringField(required=False, validators=[E164_US],
                         help_text="Only this number (E.164): an empty list when it did not "
                                   "opt out.")


class OptOutAccess(AdminsManage):
    """The read scope reads the list, the send scope changes it; a member signed in reads
    it as a viewer and changes it as an owner or an admin."""

    member_refusal = "Only owners and admins change the opt-out list."


@extend_schema_view(
    list=extend_schema(summary="Numbers that opted out, newest first"),
    retrieve=extend_schema(summary="Whether a number opted out: its opt-out, or a 404",
                           parameters=[NUMBER_PARAMETER]),
    create=extend_schema(
        summary="Opt a number out (source api): nothing is sent to it any more",
        description="201 with the new opt-out; 200 with the existing one when the number "
                    "had already opted out (it keeps how and when it first did).",
        request=OptOutBodySerializer, responses={201: OptOutSerializer, 200: OptOutSerializer}),
    destroy=extend_schema(
        summary="Opt a number back in, on the person's word (source api)",
        description="Only when the person asked to be texted again: carriers hold a sender "
                    "to a STOP until then.",
        parameters=[NUMBER_PARAMETER], responses={204: None}),
)
class OptOutViewSet(OrganizationApiMixin, PageContactsMixin, mixins.ListModelMixin,
                    mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The organization's opt-out list."""

    contact_number = staticmethod(lambda row: row.number)
    serializer_class = OptOutSerializer
    permission_classes = [OptOutAccess]
    lookup_field = "number"
    # E.164: anything else (a NUL character, which PostgreSQL refuses in a query) is a 404.
    lookup_value_regex = r"\+[0-9]{1,15}"
    keyset_ordering = ("-created_at", "-id")
    query_serializers = {"list": OptOutFilterSerializer}

    def get_queryset(self):
        if self.schema_only:
            return OptOut.objects.none()
        return OptOut.objects.select_related("created_by")

    def get_object(self):
        row = self.get_queryset().filter(number=self.kwargs["number"]).first()
        if row is None:
            raise exceptions.NotFound("This number is not on the opt-out list.")
        return row

    def list(self, request, *args, **kwargs):
        number = self.query().validated_data.get("number")
        rows = self.get_queryset()
        if number:
            rows = rows.filter(number=number)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        body = OptOutBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row, added = services.opt_out(
            organization=self.organization, number=body.validated_data["number"],
            source=OptOutSource.API, note=body.validated_data.get("note", ""),
            ip=client_ip(request), **actor_of(request))
        row = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer(row).data,
                        status=status.HTTP_201_CREATED if added else status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        services.opt_in(organization=self.organization, number=row.number,
                        source=OptOutSource.API, ip=client_ip(request), **actor_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
