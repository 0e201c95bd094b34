"""`contact` in API payloads: the contact behind a number, as {"id", "name"} or null."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contacts.names import contacts_by_number


class ContactRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def contact_ref(contact) -> dict | None:
    return {"id": contact.pk, "name": contact.name} if contact is not None else None


@extend_schema_field(ContactRefSerializer(allow_null=True))
class ContactRefField(serializers.Field):
    """Read-only: the contact of the number the serializer's `number_of(obj)` names, taken
    from the `contacts` map ({number: Contact}) the view put in the serializer's context."""

    def __init__(self, number_of, **kwargs):
        self.number_of = number_of
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value):
        contacts = self.context.get("contacts") or {}
        return contact_ref(contacts.get(self.number_of(value)))


class PageContactsMixin:
    """Puts the contacts of the serialized objects' numbers in the serializer's context
    (`contacts`, read by ContactRefField), one query for a whole page. `contact_number`
    (a staticmethod of the viewset) names the number of an object."""

    def get_serializer(self, *args, **kwargs):
        if args:
            kwargs.setdefault("context", self.contacts_context(
                args[0] if kwargs.get("many") else [args[0]]))
        return super().get_serializer(*args, **kwargs)

    def contacts_context(self, objects) -> dict:
        return {**self.get_serializer_context(),
                "contacts": contacts_by_number(self.contact_number(o) for o in objects)}
