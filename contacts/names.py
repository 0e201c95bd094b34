"""The contacts behind phone numbers, for every page and payload that shows a number."""

from collections.abc import Iterable

from contacts.models import Contact, ContactNumber


def contacts_by_number(numbers: Iterable[str]) -> dict[str, Contact]:
    """The contact of each of `numbers` that has one, in one query (within the current
    organization's scope). Numbers are compared as stored: E.164 for US numbers."""
    wanted = {number for number in numbers if number}
    if not wanted:
        return {}
    rows = ContactNumber.objects.filter(number__in=wanted).select_related("contact")
    return {row.number: row.contact for row in rows}
