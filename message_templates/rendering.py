"""Placeholders of message templates, filled for one recipient: pure functions, no queries.

A template's text names values in braces, as str.format does: `{first_name}`, `{name}`,
`{company}`, `{reference}` (of the contact) and `{my_name}` (of the member sending). `{{`
and `}}` write a literal brace. A value is inserted as it is, never read as a placeholder
itself. A placeholder with no value is an error naming each one and whom it is missing for:
a message is never sent with braces in it.

Campaigns render one text for thousands of recipients: the parsed text is cached, and
nothing here reads the database (the caller passes the contact and the member).
"""

from dataclasses import dataclass
from functools import lru_cache
from string import Formatter

from common.phone import display_number

# What each placeholder is, for forms, docs and the API, and the value a preview shows.
PLACEHOLDERS = {
    "first_name": ("The contact's first name (the first word of their name)", "Ada"),
    "name": ("The contact's full name", "Ada Lovelace"),
    "company": ("The contact's company", "Analytical Engines Ltd"),
    "reference": ("The contact's reference (your own id for them)", "PT-1815"),
    "my_name": ("Your name (the member sending): full name, else username", "Grace Hopper"),
}
CONTACT_PLACEHOLDERS = ("first_name", "name", "company", "reference")
KNOWN = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
BRACES_HELP = "Write {{ and }} for a literal brace."


class InvalidTemplate(ValueError):
    """A text that is not a template: an unmatched brace, a placeholder with a format, an
    unknown placeholder. The message says how to write it."""


@dataclass(frozen=True)
class Missing:
    placeholder: str
    message: str


class MissingValues(ValueError):
    """Placeholders with no value for this recipient; `missing` names each one."""

    def __init__(self, missing: list[Missing]):
        self.missing = missing
        super().__init__("; ".join(m.message for m in missing))


@lru_cache(maxsize=512)
def _parse(text: str) -> tuple[tuple[str, str | None], ...]:
    """(literal text, placeholder name or None) pairs of `text`, braces doubled undone."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError as error:
        raise InvalidTemplate(f"{_brace_problem(str(error))} {BRACES_HELP}") from None
    parsed = []
    for literal, name, format_spec, conversion in parts:
        if name is not None:
            if format_spec or conversion:
                raise InvalidTemplate(f"Write placeholders as a name in braces, such as "
                                      f"{{first_name}}: {{{name}}} has a ':' or '!'. "
                                      f"{BRACES_HELP}")
            if not name.isidentifier():
                shown = f"{{{name}}}" if name else "{}"
                raise InvalidTemplate(f"{shown} is not a placeholder: use {KNOWN}. "
                                      f"{BRACES_HELP}")
        parsed.append((literal, name))
    return tuple(parsed)


def _brace_problem(error: str) -> str:
    if "'}'" in error:
        return "A closing brace } has no opening one."
    return "An opening brace { is not closed."


def placeholders_of(text: str) -> set[str]:
    """The placeholder names in `text` (known or not); InvalidTemplate if it is malformed."""
    return {name for _, name in _parse(text) if name is not None}


def check_text(text: str) -> None:
    """InvalidTemplate unless every placeholder of `text` is a known one."""
    unknown = sorted(placeholders_of(text) - PLACEHOLDERS.keys())
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        raise InvalidTemplate(f"Unknown placeholder{'s' if len(unknown) > 1 else ''} "
                              f"{names}: use {KNOWN}. {BRACES_HELP}")


def member_name(member) -> str:
    """A member as {my_name} says them: their full name, else their username."""
    if member is None:
        return ""
    return member.get_full_name().strip() or member.get_username()


def values_for(*, contact, member) -> dict[str, str]:
    """Each placeholder's value for this contact (or None) and member (a User, or None for
    an API key); "" where there is none."""
    values = {"my_name": member_name(member)}
    for name in CONTACT_PLACEHOLDERS:
        values[name] = (getattr(contact, name, "") or "").strip() if contact else ""
    return values


def _missing(name: str, *, contact, member, number: str) -> Missing:
    braces = f"{{{name}}}"
    if name == "my_name":
        return Missing(name, f"{braces} needs a member: an API key has no name")
    if contact is None:
        recipient = f" for {display_number(number)}" if number else ""
        return Missing(name, f"{braces} needs a contact{recipient}")
    return Missing(name, f"{braces} has no value for {contact.name}")


def render(*, text: str, contact, member, number: str = "") -> str:
    """`text` with its placeholders filled for `contact` (a contacts.Contact or None) and
    `member` (the sending User, or None). `number` is the recipient's, for messages about
    a recipient who is no contact. Raises MissingValues naming every placeholder without a
    value, and InvalidTemplate for a text that is not a template."""
    check_text(text)
    values = values_for(contact=contact, member=member)
    missing, pieces = [], []
    for literal, name in _parse(text):
        pieces.append(literal)
        if name is None:
            continue
        if values[name]:
            pieces.append(values[name])
        elif name not in (m.placeholder for m in missing):
            missing.append(_missing(name, contact=contact, member=member, number=number))
    if missing:
        raise MissingValues(missing)
    return "".join(pieces)


def preview(text: str) -> str:
    """`text` filled with sample values, to show what a template looks like."""
    check_text(text)
    samples = {name: sample for name, (_, sample) in PLACEHOLDERS.items()}
    return "".join(literal + (samples[name] if name else "") for literal, name in _parse(text))
