"""Bases of the serializers that read a request: its body, or an action's query parameters.

The API refuses what it does not know, as Stripe's does: a misspelt or unsupported option
(`send_at` on a send) must be an error, not a message sent at once. A body's unknown
fields are refused here; a request's unknown query parameters by the view
(api.views.OrganizationApiMixin), which also knows pagination's and `format`.
"""

from collections.abc import Mapping

from rest_framework import serializers

from api.schema import ClosedObjectScheme


class InputSerializer(serializers.Serializer):
    """What a request gives: its OpenAPI component is closed (additionalProperties: false)
    and carries `rules`, JSON Schema keywords about the whole object for what no field
    says alone (one of two parameters, a file and its type). validate() enforces them."""

    rules: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # drf-spectacular matches an extension to a serializer by its exact class.
        type(f"{cls.__name__}Scheme", (ClosedObjectScheme,), {"target_class": cls})


class BodySerializer(InputSerializer):
    """A request body: a field it does not declare is a 400 naming it."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            known = sorted(name for name, field in self.fields.items() if not field.read_only)
            unknown = [name for name in data if name not in known]
            if unknown:
                message = f"Unknown field: this request takes {', '.join(known)}."
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)
