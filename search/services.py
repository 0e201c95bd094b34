"""One search across an organization's faxes, messages and contacts: what the search page
and the API show.

Each group is read from an index, at most GROUP_SIZE + 1 rows (the extra row only says that
there is more), in a fixed number of queries whatever the organization holds:

- faxes by reference: the reference itself, newest first, then the references that start
  with it, in their order, both over the index (organization, customer_field, sent_at, id).
  The prefix is read as the range of strings from the reference up to the first string
  past all that start with it, which the index answers on both databases (SQLite's LIKE
  and PostgreSQL's outside the C collation cannot use it); `startswith` on top keeps out
  what is not a match. The range holds every match where strings sort by code point:
  SQLite, and PostgreSQL databases made with the C or C.UTF-8 collation; under a
  linguistic collation it may leave some out;
- faxes by number, for a query that reads as a US number: sent from it and sent to it,
  one query each over its index (an OR of the two would sort every fax of a busy number);
- messages whose text holds the query, newest first, from the inbox search's index
  (messaging.search: SQLite's FTS5 table, PostgreSQL's trigram index), from MIN_TEXT
  characters on: neither trigram index can answer fewer. On SQLite the table gives at
  most messaging.search.MOST_IDS ids, whose times are read and sorted here, then the
  newest are loaded; a word in more messages is looked for newest first;
- for a number, the one-to-one conversations with it (`participants` equals it: the
  unique (organization, own_number, participants) index), as a contact's timeline finds
  them;
- contacts by name, reference or number (contacts.search.matching) or company.

Messages and conversations are those the member may see (messaging.models.visible_to);
an API key (membership None) sees the organization's.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from common.phone import is_us_number, parse_us_number
from contacts.models import Contact, ContactNumber
from contacts.search import matching
from faxes.models import Fax
from messaging.models import (
    Conversation,
    Media,
    Message,
    MessagingNumber,
    sees_every_number,
)
from messaging.search import message_ids_with_text

GROUP_SIZE = 10
MIN_LENGTH = 2
MAX_LENGTH = 100
# The trigram indexes of the message search answer only from three characters on.
MIN_TEXT = 3
NEWEST = ("-sent_at", "-id")
# Beyond the last code point no string starts with it; surrogates are no characters.
_LAST_CHARACTER = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


class QueryError(ValueError):
    """A search that cannot be run; its message says why, for people."""


@dataclass
class Group:
    items: list = field(default_factory=list)
    more: bool = False


@dataclass
class FaxGroup(Group):
    # Which of the history's filters lists the rest: the reference's prefix, the number.
    more_by_reference: bool = False
    more_by_number: bool = False


@dataclass
class Results:
    query: str
    number: str  # the query as a US number in E.164, or ""
    faxes: FaxGroup
    messages: Group
    conversations: Group
    contacts: Group

    @property
    def exact_fax(self) -> bool:
        """Whether a fax holds the query as its reference."""
        return any(fax.customer_field == self.query for fax in self.faxes.items)

    @property
    def empty(self) -> bool:
        return not (self.faxes.items or self.messages.items or self.conversations.items
                    or self.contacts.items)


def clean_query(text: str) -> str:
    """The query without surrounding white space; QueryError if it cannot be searched."""
    text = text.strip()
    if "\x00" in text:
        raise QueryError("A search cannot contain a null character.")
    if len(text) < MIN_LENGTH:
        raise QueryError(f"Type at least {MIN_LENGTH} characters to search.")
    if len(text) > MAX_LENGTH:
        raise QueryError(f"Search for at most {MAX_LENGTH} characters.")
    return text


def search(*, organization, membership, query: str) -> Results:
    """What `query` finds in the organization (the current scope) for `membership` (None:
    an API key). QueryError for a query clean_query refuses."""
    query = clean_query(query)
    number = parse_us_number(query) if is_us_number(query) else ""
    return Results(
        query=query, number=number,
        faxes=_faxes(query, number),
        messages=_messages(query, membership) if len(query) >= MIN_TEXT else Group(),
        conversations=_conversations(number, membership) if number else Group(),
        contacts=_contacts(query))


def _capped(rows) -> Group:
    rows = list(rows)
    return Group(items=rows[:GROUP_SIZE], more=len(rows) > GROUP_SIZE)


def _after_prefix(prefix: str) -> str | None:
    """The first string after every string that starts with `prefix` (None: there is no
    such string), in the order of code points."""
    last = ord(prefix[-1]) + 1
    if last in _SURROGATES:
        last = _SURROGATES.stop
    if last > _LAST_CHARACTER:
        return _after_prefix(prefix[:-1]) if len(prefix) > 1 else None
    return prefix[:-1] + chr(last)


def _faxes(query: str, number: str) -> FaxGroup:
    exact = list(Fax.objects.filter(customer_field=query).order_by(*NEWEST)[:GROUP_SIZE + 1])
    longer = Fax.objects.filter(customer_field__gt=query, customer_field__startswith=query)
    end = _after_prefix(query)
    if end is not None:
        longer = longer.filter(customer_field__lt=end)
    prefixed = list(longer.order_by("customer_field", "sent_at", "id")[:GROUP_SIZE + 1])
    by_number = []
    if number:
        by_number = [*Fax.objects.filter(source_number=number).order_by(*NEWEST)[:GROUP_SIZE + 1],
                     *Fax.objects.filter(destination_number=number)
                     .order_by(*NEWEST)[:GROUP_SIZE + 1]]
        by_number.sort(key=lambda fax: (fax.sent_at, fax.pk), reverse=True)
    references = [*exact, *prefixed]
    found, seen = [], set()
    for fax in [*references, *by_number]:
        if fax.pk not in seen:
            seen.add(fax.pk)
            found.append(fax)
    numbered = len({fax.pk for fax in by_number})
    return FaxGroup(items=found[:GROUP_SIZE], more=len(found) > GROUP_SIZE,
                    more_by_reference=len(references) > GROUP_SIZE,
                    more_by_number=numbered > GROUP_SIZE)


def _visible_messages(membership):
    """The messages `membership` sees. A member whose numbers happen to be all of the
    organization's (nobody listed on any, the usual case) gets no filter: with one,
    PostgreSQL joins every conversation of the organization to the few messages found
    (a hash join over a scan of them), a cost that grows with the organization."""
    messages = Message.objects.filter(deleted_at=None)
    if sees_every_number(membership):
        return messages
    visible = set(MessagingNumber.objects.visible_to(membership).values_list("pk", flat=True))
    if visible == set(MessagingNumber.objects.values_list("pk", flat=True)):
        return messages
    return messages.filter(conversation__own_number__in=visible)


def _messages(query: str, membership) -> Group:
    messages = _visible_messages(membership)
    ids = message_ids_with_text(query)
    if ids is None:
        newest = messages.filter(text__icontains=query).order_by(*NEWEST)
    else:
        # At most MOST_IDS candidates, sorted here: ordered in SQL, SQLite would walk the
        # organization's messages newest first (msg_org_newest) looking for them.
        found = sorted(messages.filter(pk__in=ids).values_list("sent_at", "pk"), reverse=True)
        newest = Message.objects.filter(pk__in=[pk for _, pk in found[:GROUP_SIZE + 1]])
    in_order = Prefetch("media", queryset=Media.objects.order_by("position"))
    rows = (newest.select_related("conversation__own_number").prefetch_related(in_order)
            [:GROUP_SIZE + 1])
    return _capped(sorted(rows, key=lambda message: (message.sent_at, message.pk),
                          reverse=True))


def _conversations(number: str, membership) -> Group:
    own_numbers = {own.pk: own for own in MessagingNumber.objects.visible_to(membership)}
    if not own_numbers:
        return Group()
    # The own numbers spelt out and no join or ORDER BY, so that SQLite uses the unique
    # index (as contacts.timeline.conversations_of explains); one row per own number at
    # most, sorted here.
    conversations = list(Conversation.objects.filter(own_number__in=list(own_numbers),
                                                     participants=number)
                         .prefetch_related("assignee", "labels"))
    for conversation in conversations:
        conversation.own_number = own_numbers[conversation.own_number_id]
    conversations.sort(key=lambda c: (c.last_message_at is not None, c.last_message_at, c.pk),
                       reverse=True)
    return _capped(conversations)


def _contacts(query: str) -> Group:
    in_order = Prefetch("numbers", queryset=ContactNumber.objects.order_by("position", "id"))
    contacts = (matching(Contact.objects.all(), query)
                | Contact.objects.filter(company__istartswith=query))
    return _capped(contacts.order_by("name", "id").prefetch_related(in_order)[:GROUP_SIZE + 1])


def numbers_shown(results: Results) -> set[str]:
    """The numbers the results show, whose contacts the page and the API name."""
    numbers = {fax.destination_number for fax in results.faxes.items}
    for message in results.messages.items:
        numbers.add(message.source)
        numbers.update(message.destinations)
    for conversation in results.conversations.items:
        numbers.update(conversation.participant_list)
    return numbers


def lookup_offered(results: Results) -> bool:
    """Whether to offer looking the query up at Axion: no fax holds it as its reference,
    and it reads as one (one reference, not a number)."""
    return not (results.exact_fax or results.number or set(results.query) & set(",\n"))

