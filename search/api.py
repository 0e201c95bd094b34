"""GET /api/v1/search/?q=: the search page's results (search.services) in the shapes of
the faxes, messages, conversations and contacts endpoints."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from api.fields import StringField, stripped_length
from api.serializers import InputSerializer
from api.views import OrganizationApiMixin
from contacts.api import ContactSerializer
from contacts.names import contacts_by_number
from faxes.api import FaxSerializer
from messaging.api import ConversationSerializer, MessageSerializer
from search import services

# What clean_query takes, for the schema too.
QUERY = stripped_length(
    services.MIN_LENGTH, services.MAX_LENGTH,
    f"Search for {services.MIN_LENGTH} to {services.MAX_LENGTH} characters (white space "
    "around them aside), without a null character.")


class SearchQuerySerializer(InputSerializer):
    q = StringField(max_length=1000, validators=[QUERY], help_text=(
        "A fax's reference (or its start), a number in any format, words of a message "
        f"(from {services.MIN_TEXT} characters), a contact's name, company or reference."))


class MoreSerializer(serializers.Serializer):
    faxes = serializers.BooleanField(help_text=(
        "More faxes than listed: GET /api/v1/faxes/ with `customer_field` (the reference's "
        "start) or `number` lists them all."))
    messages = serializers.BooleanField(help_text="More messages than listed.")
    conversations = serializers.BooleanField(help_text="More conversations than listed.")
    contacts = serializers.BooleanField(help_text=(
        "More contacts than listed: GET /api/v1/contacts/ with `q` lists them."))


class SearchResultSerializer(serializers.Serializer):
    faxes = FaxSerializer(many=True, help_text=(
        "The reference itself first (newest first), then references that start with it, "
        "then faxes from or to the number."))
    messages = MessageSerializer(many=True, help_text="Messages whose text holds q, newest "
                                                      "first.")
    conversations = ConversationSerializer(many=True, help_text=(
        "For a number: the one-to-one conversations with it."))
    contacts = ContactSerializer(many=True, help_text="By name, company, reference or number.")
    more = MoreSerializer()


class SearchViewSet(OrganizationApiMixin, viewsets.GenericViewSet):
    """One search across the organization's faxes, messages and contacts: one object, not a
    list, so it is routed by hand (portal/api_urls.py) to its action `search`."""

    serializer_class = SearchResultSerializer
    pagination_class = None
    query_serializers = {"search": SearchQuerySerializer}

    def get_queryset(self):
        return []

    @extend_schema(
        summary="Search faxes, messages and contacts",
        description=f"At most {services.GROUP_SIZE} of each kind; `more` says where there "
                    "are others. Messages and conversations are those the caller may see.",
        responses={200: SearchResultSerializer})
    def search(self, request, *args, **kwargs):
        query = self.query().validated_data["q"]
        try:
            results = services.search(organization=self.organization,
                                      membership=request.membership, query=query)
        except services.QueryError as error:
            raise serializers.ValidationError({"q": [str(error)]}) from None
        context = {**self.get_serializer_context(),
                   "contacts": contacts_by_number(services.numbers_shown(results))}
        groups = {"faxes": results.faxes, "messages": results.messages,
                  "conversations": results.conversations, "contacts": results.contacts}
        body = {name: group.items for name, group in groups.items()}
        body["more"] = {name: group.more for name, group in groups.items()}
        return Response(SearchResultSerializer(body, context=context).data)
