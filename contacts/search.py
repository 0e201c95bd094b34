"""Finding contacts by what people type: a name (its start or any word's), a number (any
run of its digits), or a reference (its start)."""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet

from common.phone import is_us_number, parse_us_number
from contacts.models import Contact, ContactNumber

# At least this many digits make a search also look in the numbers: "3" alone would match
# nearly every contact.
MIN_NUMBER_DIGITS = 3


def matching(contacts: QuerySet, text: str) -> QuerySet:
    """The contacts of `contacts` that `text` finds; all of them for an empty text."""
    text = " ".join((text or "").split())
    if not text:
        return contacts
    condition = (Q(name__istartswith=text) | Q(name__icontains=f" {text}")
                 | Q(reference__istartswith=text))
    digits = re.sub(r"\D", "", text)
    if is_us_number(text):
        # A whole number: its one row, through the unique (organization, number) index.
        numbers = ContactNumber.objects.filter(number=parse_us_number(text))
        condition |= Q(Exists(numbers.filter(contact=OuterRef("pk"))))
    elif len(digits) >= MIN_NUMBER_DIGITS and not re.search(r"[^\d\s().+\-]", text):
        numbers = ContactNumber.objects.filter(number__contains=digits)
        condition |= Q(Exists(numbers.filter(contact=OuterRef("pk"))))
    return contacts.filter(condition)


def suggestions(text: str, *, limit: int = 10) -> list[Contact]:
    """At most `limit` contacts `text` finds, by name, with their numbers."""
    return list(matching(Contact.objects.all(), text).order_by("name", "id")
                .prefetch_related("numbers")[:limit])
