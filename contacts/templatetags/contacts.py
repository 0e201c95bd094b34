"""`{% number_with_contact number contacts %}`: a number as people know it, with its contact.

`contacts` is the page's {number: Contact} map from contacts.names.contacts_by_number (one
query per page, whatever its size). With a contact: its name, linked to its page, and the
number beside it; without: the number and, for members who edit contacts, "Save as contact".
"""

from django import template

register = template.Library()


@register.inclusion_tag("contacts/_number.html", takes_context=True)
def number_with_contact(context, number, contacts, offer_save=True):
    return {
        "number": number,
        "contact": (contacts or {}).get(number),
        "offer_save": offer_save and context.get("may_work", False),
        "here": context["request"].get_full_path() if "request" in context else "",
    }


@register.filter
def contact_name(number, contacts) -> str:
    """The name of the number's contact, or "" (for plain-text places: a row's link)."""
    contact = (contacts or {}).get(number)
    return contact.name if contact else ""
