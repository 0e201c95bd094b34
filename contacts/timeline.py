"""A contact's timeline: its messages and its faxes in one list, newest first, in pages.

Every source is read as its own keyset stream over an index that ends with the time, so a
page costs the same whether the contact has a hundred items or a million:

- messages, one stream per conversation of the contact that the member may see: the
  one-to-one conversations of each of its numbers with each of the organization's numbers
  (`participants` equals the number: an indexed equality on the unique (organization,
  own_number, participants)). Group conversations are left out: finding a number inside a
  comma-joined list is a scan of every conversation of the organization;
- faxes, one stream per number and side (sent to it, sent from it) and one for the
  contact's reference (the fax's customer field), over the fax indexes that end with the
  time (faxes/models.py).

The streams are merged in Python (heapq) by (time, kind, id); the page's cursor is the last
entry's (time, kind, id), from which every stream resumes, so nothing is skipped or shown
twice between pages. A fax found by two streams (its number and its reference) shows once.

Only this module of contacts imports messaging and faxes: they import contacts.names, and
nothing of theirs imports this, so there is no cycle.
"""

import base64
import heapq
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from django.db.models import Q, QuerySet

from common.pagination import InvalidCursor
from contacts.models import Contact
from faxes.models import Fax
from messaging.models import Conversation, Message, MessagingNumber

PAGE_SIZE = 50
MESSAGE, FAX = "message", "fax"
# Within one instant, messages come before faxes.
_RANK = {MESSAGE: 0, FAX: 1}


@dataclass
class Entry:
    kind: str
    at: datetime
    item: Message | Fax

    @property
    def key(self) -> tuple:
        """Newest first is this key's descending order: later times, then messages before
        faxes, then larger ids first."""
        return (self.at, -_RANK[self.kind], self.item.pk)


@dataclass
class TimelinePage:
    entries: list[Entry]
    next_cursor: str | None
    has_previous: bool


def conversations_of(contact: Contact, membership) -> list[Conversation]:
    """The one-to-one conversations with the contact's numbers that `membership` (None: an
    API key, the whole organization) may see."""
    numbers = [row.number for row in contact.numbers.all()]
    if not numbers:
        return []
    # The own numbers spelt out as values (a handful): with a subquery, SQLite would walk
    # every conversation of the organization instead of using the unique (organization,
    # own_number, participants) index.
    own = MessagingNumber.objects.visible_to(membership) if membership is not None \
        else MessagingNumber.objects.all()
    own_numbers = {number.pk: number for number in own}
    if not own_numbers:
        return []
    # No join and no ORDER BY either: with them, SQLite walks every conversation of the
    # number (or of the organization) rather than use that index.
    conversations = sorted(Conversation.objects.filter(own_number__in=list(own_numbers),
                                                       participants__in=numbers),
                           key=lambda conversation: conversation.pk)
    for conversation in conversations:
        conversation.own_number = own_numbers[conversation.own_number_id]
    return conversations


def _after(queryset: QuerySet, kind: str, cursor: tuple | None) -> QuerySet:
    """The rows of one stream (ordered by -sent_at, -id) that come after the cursor."""
    if cursor is None:
        return queryset
    at, cursor_kind, pk = cursor
    if _RANK[kind] > _RANK[cursor_kind]:
        condition = Q(sent_at__lte=at)
    elif _RANK[kind] < _RANK[cursor_kind]:
        condition = Q(sent_at__lt=at)
    else:
        condition = Q(sent_at__lt=at) | Q(sent_at=at, id__lt=pk)
    return queryset.filter(condition)


def _streams(contact: Contact, conversations: list[Conversation]) -> list[tuple[str, QuerySet]]:
    streams = [(MESSAGE, Message.objects.filter(conversation=conversation))
               for conversation in conversations]
    for row in contact.numbers.all():
        streams.append((FAX, Fax.objects.filter(destination_number=row.number)))
        streams.append((FAX, Fax.objects.filter(source_number=row.number)))
    if contact.reference:
        streams.append((FAX, Fax.objects.filter(customer_field=contact.reference)))
    return streams


_CURSOR = re.compile(r"[A-Za-z0-9_-]{1,200}")


def make_cursor(entry: Entry) -> str:
    plain = [entry.at.astimezone(UTC).isoformat(), entry.kind, entry.item.pk]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def parse_cursor(cursor: str | None) -> tuple | None:
    """The (time, kind, id) of a page's cursor; InvalidCursor if no page could have made it."""
    if not cursor:
        return None
    try:
        if not _CURSOR.fullmatch(cursor):
            raise ValueError(cursor)
        at, kind, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        moment = datetime.fromisoformat(at)
        if moment.utcoffset() is None or kind not in _RANK or type(pk) is not int:
            raise ValueError(cursor)
        moment = moment.astimezone(UTC)
    except (ValueError, TypeError, OverflowError):
        raise InvalidCursor(cursor) from None
    if not 0 < pk < 2**63:
        raise InvalidCursor(cursor)
    return moment, kind, pk


def timeline_page(contact: Contact, *, membership, cursor: str | None = None,
                  size: int | None = None, strict: bool = False) -> TimelinePage:
    """The page of the contact's timeline after `cursor` (None: the newest), of `size`
    entries (PAGE_SIZE unless given). A cursor no page made raises InvalidCursor when
    `strict`, else gives the first page."""
    size = size or PAGE_SIZE
    try:
        position = parse_cursor(cursor)
    except InvalidCursor:
        if strict:
            raise
        position = None
    conversations = conversations_of(contact, membership)
    by_id = {conversation.pk: conversation for conversation in conversations}
    rows = []
    for kind, queryset in _streams(contact, conversations):
        page = _after(queryset, kind, position).order_by("-sent_at", "-id")[: size + 1]
        rows.append([Entry(kind, item.sent_at, item) for item in page])
    merged, seen = [], set()
    # Each stream is newest first: descending by the key.
    for entry in heapq.merge(*rows, key=lambda entry: entry.key, reverse=True):
        identity = (entry.kind, entry.item.pk)
        if identity in seen:
            continue
        seen.add(identity)
        merged.append(entry)
        if len(merged) > size:
            break
    entries = list(islice(merged, size))
    for entry in entries:
        if entry.kind == MESSAGE:
            # Shown with its conversation (own number): already loaded.
            entry.item.conversation = by_id[entry.item.conversation_id]
    next_cursor = None
    if len(merged) > size:
        next_cursor = make_cursor(entries[-1])
    return TimelinePage(entries=entries, next_cursor=next_cursor,
                        has_previous=position is not None)
