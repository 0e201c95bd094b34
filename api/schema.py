"""What the OpenAPI schema says beyond drf-spectacular's defaults: the error shape, the
provider's failures and a hook that documents the errors every endpoint can answer; the
closed components of what requests give (api.serializers); each action's query
parameters, from the serializer the view reads them with."""

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: invalid, "
                                           "not_authenticated, permission_denied, not_found, "
                                           "throttled, no_connection, provider_error, "
                                           "provider_timeout, …")
    message = serializers.CharField(help_text="For people.")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="Bad input: the messages of each field.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


PROVIDER_ERRORS = {
    409: OpenApiResponse(ErrorSerializer, description="The organization has no connection "
                                                      "to Axion for this yet."),
    502: OpenApiResponse(ErrorSerializer, description="Axion failed or answered an error."),
    504: OpenApiResponse(ErrorSerializer, description="Axion did not answer in time."),
}

ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH)

_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_COMMON_ERRORS = {
    "400": ("Bad input: `error.fields` names each bad field and why.", {}),
    "401": ("No API key or session, or a key that is not valid or was revoked.",
            {"WWW-Authenticate": {"schema": {"type": "string"}}}),
    "403": ("The key lacks the scope, or the member the role, for this.", {}),
    "404": ("No such object in this organization.", {}),
    "429": ("Too many requests for this key: wait the seconds in Retry-After.",
            {"Retry-After": {"schema": {"type": "integer"}, "required": True}}),
}
def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: document the errors every endpoint can answer.

    They refer to the `Error` component that drf-spectacular makes of ErrorSerializer, the
    one description of the shape, since the provider's failures (PROVIDER_ERRORS) use it.
    """
    if "Error" not in result.get("components", {}).get("schemas", {}):
        raise ImproperlyConfigured("No endpoint answers ErrorSerializer: the schema has no "
                                   "Error component for the common errors to refer to.")
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, (description, headers) in _COMMON_ERRORS.items():
                entry = {"description": description, "content": _ERROR_REF}
                if headers:
                    entry["headers"] = headers
                responses.setdefault(status, entry)
    return result


class ClosedObjectScheme(OpenApiSerializerExtension):
    """The component of an api.serializers.InputSerializer: what drf-spectacular maps from
    its fields, closed, with the serializer's rules. api.serializers makes one subclass per
    serializer (`target_class`); this one targets none."""

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        return {**schema, "additionalProperties": False, **self.target_class.rules}


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, documenting each action's query parameters from the
    serializer the view reads them with (OrganizationApiMixin.query_serializers): the
    parameters documented are the ones read, and no others are taken."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        declared = getattr(self.view, "query_serializers", {})
        serializer = declared.get(getattr(self.view, "action", None))
        if serializer is None:
            return parameters
        if serializer.rules:
            # Rules between parameters (one of two) hold only within one object: the
            # serializer's component as one parameter, each property a query parameter of
            # its own on the wire (form style, exploded).
            parameters.append(OpenApiParameter(
                "query", serializer, OpenApiParameter.QUERY, required=True, style="form",
                explode=True))
        else:
            parameters.append(serializer)  # drf-spectacular makes each field a parameter
        return parameters
