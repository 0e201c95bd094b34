"""Creating, changing and deleting contacts: the rules every page, API call and import keeps.

A contact's numbers are E.164 US numbers (common.phone.parse_us_number), and a number
belongs to at most one contact of the organization: a number already on another contact is
refused, naming that contact. Every change is audited, never with the notes' text.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization
from accounts.services import audit
from common.phone import parse_us_number
from contacts.models import Contact, ContactNumber

# The fields of a contact besides its numbers, as forms, the API and imports name them.
FIELDS = ("name", "company", "email", "reference", "notes")
# What separates several numbers in one text: a line break, ";", "," or "/".
NUMBER_SEPARATORS = re.compile(r"[;,/\n\r]+")
MAX_NUMBERS = 20


def parse_numbers(text: str) -> list[str]:
    """The E.164 numbers of a text such as "(805) 642-1414; 323.555.0187", in order and
    without repeats; ValidationError naming each number that is not a US one, and why."""
    numbers, errors = [], []
    for part in NUMBER_SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        try:
            number = parse_us_number(part)
        except ValueError as error:
            errors.append(f"{part}: {error}")
            continue
        if number not in numbers:
            numbers.append(number)
    if errors:
        raise ValidationError(errors)
    if len(numbers) > MAX_NUMBERS:
        raise ValidationError(f"A contact has at most {MAX_NUMBERS} numbers.")
    return numbers


def numbers_taken(numbers: Iterable[str], *, contact: Contact | None = None) -> list[str]:
    """Why each of `numbers` that another contact has cannot be given to `contact` (None: a
    new one): "+18056421414 is already Jane Doe's number." One query."""
    others = (ContactNumber.objects.filter(number__in=list(numbers)).select_related("contact")
              .order_by("number"))
    if contact is not None and contact.pk is not None:
        others = others.exclude(contact=contact)
    return [f"{row.number} is already the number of {row.contact.name} "
            f"(contact {row.contact_id})." for row in others]


def check_numbers_free(numbers: Iterable[str], *, contact: Contact | None = None) -> None:
    taken = numbers_taken(numbers, contact=contact)
    if taken:
        raise ValidationError({"numbers": taken})


def _set_numbers(contact: Contact, numbers: list[str]) -> None:
    """Make `numbers` the contact's, in this order: removed ones deleted, new ones added."""
    current = {row.number: row for row in contact.numbers.all()}
    stale = [row.pk for number, row in current.items() if number not in numbers]
    if stale:
        ContactNumber.objects.filter(pk__in=stale).delete()
    for position, number in enumerate(numbers):
        row = current.get(number)
        if row is None:
            ContactNumber.objects.create(organization_id=contact.organization_id,
                                         contact=contact, number=number, position=position)
        elif row.position != position:
            ContactNumber.objects.filter(pk=row.pk).update(position=position)


def _save_numbers(contact: Contact, numbers: list[str]) -> None:
    """_set_numbers, or the ValidationError of check_numbers_free if another request gave
    one of them to another contact in the meantime (the unique constraint caught it)."""
    check_numbers_free(numbers, contact=contact)
    try:
        with transaction.atomic():
            _set_numbers(contact, numbers)
    except IntegrityError:
        check_numbers_free(numbers, contact=contact)
        raise


def _clean(values: dict) -> dict:
    cleaned = {name: (values.get(name) or "").strip() if name != "notes"
               else (values.get(name) or "") for name in FIELDS}
    if not cleaned["name"]:
        raise ValidationError({"name": "Give the contact a name."})
    return cleaned


@transaction.atomic
def create_contact(*, organization: Organization, numbers: list[str], user=None,
                   actor_label: str = "", ip: str | None = None, **values) -> Contact:
    """A new contact with these E.164 `numbers` and FIELDS `values`."""
    fields = _clean(values)
    contact = Contact(organization=organization, **fields)
    contact.full_clean(exclude=["organization"])
    contact.save()
    _save_numbers(contact, numbers)
    audit(organization=organization, action="contact.created", actor=user,
          actor_label=actor_label, target=f"contact {contact.pk}",
          detail={"name": contact.name, "numbers": numbers}, ip=ip)
    return contact


def snapshot(contact: Contact) -> dict:
    """The contact's values, to compare or restore: {"fields": {...}, "numbers": [...]}."""
    return {"fields": {name: getattr(contact, name) for name in FIELDS},
            "numbers": [row.number for row in contact.numbers.all()]}


@transaction.atomic
def update_contact(*, contact: Contact, numbers: list[str] | None = None, user=None,
                   actor_label: str = "", ip: str | None = None, **values) -> Contact:
    """Change the FIELDS given in `values` and, when given, the numbers. The audit entry
    names the fields that changed (the notes' text is never in it)."""
    # From the database: a ModelForm has already written the new values on `contact`.
    before = snapshot(Contact.objects.get(pk=contact.pk))
    given = {name: values[name] for name in FIELDS if name in values}
    fields = _clean({**before["fields"], **given})
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.full_clean(exclude=["organization"])
    changed = [name for name in FIELDS if before["fields"][name] != fields[name]]
    if numbers is not None and numbers != before["numbers"]:
        _save_numbers(contact, numbers)
        changed.append("numbers")
    if not changed:
        return contact
    contact.updated_at = timezone.now()
    contact.save()
    detail = {"changed": changed}
    if "numbers" in changed:
        detail.update(numbers_before=before["numbers"], numbers=numbers)
    if "name" in changed:
        detail.update(name_before=before["fields"]["name"], name=contact.name)
    audit(organization=contact.organization, action="contact.updated", actor=user,
          actor_label=actor_label, target=f"contact {contact.pk}", detail=detail, ip=ip)
    return contact


@transaction.atomic
def delete_contact(*, contact: Contact, user=None, actor_label: str = "",
                   ip: str | None = None) -> None:
    numbers = [row.number for row in contact.numbers.all()]
    pk, name = contact.pk, contact.name
    contact.delete()
    audit(organization=contact.organization, action="contact.deleted", actor=user,
          actor_label=actor_label, target=f"contact {pk}",
          detail={"name": name, "numbers": numbers}, ip=ip)
