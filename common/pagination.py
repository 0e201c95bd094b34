"""Keyset ("cursor") pagination for long lists: no COUNT(*), no OFFSET.

A page is the first `size` rows after the cursor in a fixed, unique ordering such as
("-sent_at", "-id"); the cursor is the last row's values of those fields, opaque to the user.
With an index that starts with the organization and follows the ordering, every page
costs the same however deep it is and however many rows there are.
"""

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet

# What _encode writes: base64url without padding. The decoder would skip other characters,
# so a cursor with them is one no page issued.
_CURSOR = re.compile(r"[A-Za-z0-9_-]*")


@dataclass
class Page:
    items: list
    next_cursor: str | None
    has_previous: bool


def _encode(values: list) -> str:
    # A datetime is a date too: both as ISO 8601 (a date field's cursor reads it back).
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def cursor_after(values: list) -> str:
    """The cursor of the page that comes after a row whose ordering fields hold `values`:
    for a link that opens a list at a given row."""
    return _encode(values)


class InvalidCursor(ValueError):
    """A cursor that this ordering's pages could not have made: edited by hand, or stale."""


def _decode(cursor: str, count: int) -> list:
    if not _CURSOR.fullmatch(cursor):
        raise InvalidCursor(cursor)
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        raise InvalidCursor(cursor) from None
    if not isinstance(values, list) or len(values) != count:
        raise InvalidCursor(cursor)
    if any(isinstance(v, str) and "\x00" in v for v in values):
        # No database takes NUL in a text value.
        raise InvalidCursor(cursor)
    return values


def _after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows strictly after `values` in `ordering`: (a > x) or (a = x and b > y) ..."""
    condition = Q()
    for i, field in enumerate(ordering):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[i]})
        for earlier, value in zip(ordering[:i], values[:i], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    return condition


def _value_of(item, field: str):
    value = item
    for part in field.lstrip("-").split("__"):
        value = getattr(value, part)
    return value


def _model_field(model, path: str) -> models.Field:
    """The field that an ordering such as "-conversation__sent_at" sorts by."""
    parts = path.lstrip("-").split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def _cursor_time(value) -> datetime:
    """A time of a cursor, in UTC, as _encode wrote it: ISO 8601 with its offset.

    One without an offset, or whose instant in UTC is outside the calendar a datetime
    holds (0001-01-01T00:00:00+05:00), was not issued by a page; the database would not
    take the second one either (SQLite's adapter overflows converting it to UTC).
    """
    if not isinstance(value, str):
        raise InvalidCursor(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidCursor(value) from None
    if moment.utcoffset() is None:
        raise InvalidCursor(value)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InvalidCursor(value) from None


def _after_cursor(queryset: QuerySet, ordering: tuple[str, ...], cursor: str) -> QuerySet:
    values = _decode(cursor, len(ordering))
    values = [_cursor_time(value)
              if isinstance(_model_field(queryset.model, field), models.DateTimeField)
              else value
              for field, value in zip(ordering, values, strict=True)]
    try:
        return queryset.filter(_after(ordering, values))
    except (ValueError, TypeError, ValidationError):
        # Decodable, but not values of these fields.
        raise InvalidCursor(cursor) from None


def keyset_page(queryset: QuerySet, *, ordering: tuple[str, ...], cursor: str | None,
                size: int, strict: bool = False) -> Page:
    """The page of `queryset` after `cursor` (None: the first page).

    A cursor this ordering could not have made raises InvalidCursor when `strict` (the API
    says so to the program that sent it); otherwise it gives the first page (a page link
    edited by hand in a browser).
    """
    has_previous = False
    if cursor:
        try:
            queryset = _after_cursor(queryset, ordering, cursor)
            has_previous = True
        except InvalidCursor:
            if strict:
                raise
    rows = list(queryset.order_by(*ordering)[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size:
        next_cursor = _encode([_value_of(items[-1], f) for f in ordering])
    return Page(items=items, next_cursor=next_cursor, has_previous=has_previous)


def batches_by_id(queryset: QuerySet, size: int):
    """Every row of `queryset`, `size` at a time in id order, each batch read after the
    last id of the one before: an export of any length in short queries, without OFFSET."""
    after = 0
    while True:
        batch = list(queryset.filter(pk__gt=after).order_by("pk")[:size])
        if not batch:
            return
        after = batch[-1].pk
        yield batch
