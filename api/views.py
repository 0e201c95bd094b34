"""The base of every API view, and the API's answer to a path it does not have.

A key is only known once DRF authenticates, after the tenancy middleware has run, so the
view enters the organization's scope itself right after authentication; permissions,
throttles, the handler and the exception handler all run inside it. Times are read and
written in UTC.
"""

from contextlib import ExitStack
from datetime import UTC

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework.serializers import ListField
from rest_framework.settings import api_settings

from accounts.tenancy import organization_scope
from api.authentication import request_key
from api.errors import error_body
from api.parameters import refuse_unknown
from api.schema import ApiSchema
from common import logs


class OrganizationApiMixin:
    """Base of the API views: the organization's scope and UTC for the whole dispatch, and
    the query parameters each action reads, no others."""

    schema = ApiSchema()
    #: The serializer (an api.serializers.InputSerializer) of each action's query
    #: parameters, e.g. {"list": FaxFilterSerializer}: the view reads them with it
    #: (query()), refuses any other (but pagination's and `format`), and the schema
    #: documents them from it.
    query_serializers: dict = {}

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as stack:
            stack.enter_context(timezone.override(UTC))
            self._contexts = stack
            return super().dispatch(request, *args, **kwargs)

    def perform_authentication(self, request):
        super().perform_authentication(request)
        key = request_key(request)
        if key is not None:
            # The middleware saw no session user: the key says which organization it is.
            # Set on DRF's request, which otherwise reads through to Django's (where the
            # tenancy middleware put a session member's organization and membership).
            request.organization = key.organization
            request.membership = None
        organization = getattr(request, "organization", None)
        if organization is not None and request.user.is_authenticated:
            self._contexts.enter_context(organization_scope(organization))
            token = logs.organization_id.set(organization.pk)
            self._contexts.callback(logs.organization_id.reset, token)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        if getattr(self, "action", None) is not None:  # else a 405, whatever the query
            refuse_unknown(request.query_params, self.query_parameters())

    def query_parameters(self) -> dict[str, bool]:
        """The query parameters of this action, each with whether it may repeat."""
        accepted = {}
        if api_settings.URL_FORMAT_OVERRIDE:
            accepted[api_settings.URL_FORMAT_OVERRIDE] = False
        if self.action == "list" and self.paginator is not None:
            # What drf-spectacular documents of lists: the paginator's parameters.
            accepted.update({parameter["name"]: False for parameter
                             in self.paginator.get_schema_operation_parameters(self)})
        serializer = self.query_serializers.get(self.action)
        if serializer is not None:
            accepted.update({name: isinstance(field, ListField)
                             for name, field in serializer().fields.items()})
        return accepted

    def query(self):
        """The action's query parameters, read by its serializer; a 400 if not valid."""
        serializer = self.query_serializers[self.action](data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer

    @property
    def organization(self):
        return self.request.organization

    @property
    def schema_only(self) -> bool:
        """True while drf-spectacular inspects the view, outside any request or scope."""
        return getattr(self, "swagger_fake_view", False)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a 404 in the API's error shape, not an HTML page."""
    return JsonResponse(error_body("not_found", "There is no such API endpoint."), status=404)
