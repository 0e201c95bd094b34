"""Who a campaign goes to: a pasted list, a CSV file, or the conversations with a label.

Each source gives E.164 numbers (common/phone.py, as everywhere in the portal) in their
order, without repeats, and the lines it could not read with the reason, so a preview can
show them. "By label" means the other party of every one-to-one conversation that carries
the label: members already label conversations in the team inbox ("VIP", "flu shot
2026"), so the audience is one they built and see there; contacts have no labels of their
own, and a second kind of label would be one more thing to keep apart.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from common.phone import parse_us_number
from messaging.models import Conversation, Label

SEPARATORS = re.compile(r"[\n,;]")
NUMBER_COLUMNS = ("number", "phone", "mobile", "phone number", "mobile number", "cell")
NAME_COLUMNS = ("name", "full name")
MAX_INVALID_KEPT = 500  # bad lines shown in a preview; the count goes on past them


@dataclass
class Audience:
    """Recipients as (E.164, name) in order, the lines left out, and repeats dropped."""

    recipients: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)
    invalid_count: int = 0
    duplicates: int = 0
    _seen: set = field(default_factory=set, repr=False)

    def add(self, line: str, name: str = "") -> None:
        line = line.strip()
        if not line:
            return
        try:
            number = parse_us_number(line)
        except ValueError as error:
            self.invalid_count += 1
            if len(self.invalid) < MAX_INVALID_KEPT:
                self.invalid.append({"line": line[:100], "reason": str(error)})
            return
        if number in self._seen:
            self.duplicates += 1
            return
        self._seen.add(number)
        self.recipients.append((number, name.strip()[:200]))


def from_pasted(text: str) -> Audience:
    """Numbers one per line, or separated by commas or semicolons."""
    audience = Audience()
    for line in SEPARATORS.split(text or ""):
        audience.add(line)
    return audience


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(name) for name in names if name in lowered), None)


def from_csv(content: bytes) -> Audience:
    """A CSV with a header row: a number column (number, phone, mobile…) and optionally a
    name column. ValidationError (field "csv") when it cannot be read as one."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError({"csv": "The file is not UTF-8 text: save it as CSV UTF-8."}
                              ) from error
    text = text.replace("\x00", "")  # never in a number or a name; PostgreSQL refuses it
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _read_csv(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:  # a field beyond the csv module's limit, a stray quote
        raise ValidationError({"csv": f"The file cannot be read as CSV: {error}."}) from error


def _read_csv(rows) -> Audience:
    header = next(rows, None)
    number_at = _column(header or [], NUMBER_COLUMNS)
    if number_at is None:
        raise ValidationError({"csv": "The first row must name the columns, one of them "
                                      "\"number\" (or phone, mobile); \"name\" is optional."})
    name_at = _column(header, NAME_COLUMNS)
    audience = Audience()
    for row in rows:
        if number_at >= len(row):
            continue
        name = row[name_at] if name_at is not None and name_at < len(row) else ""
        audience.add(row[number_at], name)
    return audience


def from_label(label: Label, membership) -> Audience:
    """The other party of each one-to-one conversation with `label` that `membership` sees
    (None: an API key, the whole organization), in the current scope, oldest conversation
    first; group conversations are left out. Labels are the organization's, numbers are
    not: a member never gets the customers of a number they are not allowed on."""
    audience = Audience()
    participants = (Conversation.objects.visible_to(membership).filter(labels=label)
                    .exclude(participants__contains=",")
                    .order_by("id").values_list("participants", flat=True))
    for participant in participants:
        audience.add(participant)
    return audience
