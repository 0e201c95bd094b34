"""Acting on the keywords of inbound messages, as messaging's ingest stores them.

Every message stored for the first time (from a webhook or from sync) is matched; a
message seen again is not, so nothing is done twice. STOP and its kin opt the sender out of
the organization's messages, START and its kin opt them back in, in the order the messages
were sent, history included: a STOP in the old messages of a first sync still counts, as
carriers require. A keyword that a later opt-out or opt-in keyword of the same sender
already overrode changes nothing (a sync may bring an old STOP after a newer START).

Each keyword message is recorded once (`InboundKeyword`, one per message) and answered at
most once, and only when it is news (events.payloads.is_news): the reply is sent after the
commit by the `optouts.tasks.send_keyword_reply` job, from the number that received it.
"""

from django.db import transaction
from django_q.tasks import async_task

from accounts.models import Organization
from events.payloads import is_news
from messaging.models import Direction
from optouts.keywords import Keyword, keyword_of, keyword_word
from optouts.models import InboundKeyword, OptOutSource, ReplyState
from optouts.services import opt_in, opt_out

HISTORY = "Received before the portal saw it (history): carriers expect no late answer."
NOT_A_KEYWORD_HERE = ("YES from a number that had not opted out: an answer to a question "
                      "rather than a keyword.")
OPT_KINDS = (Keyword.OPT_OUT, Keyword.OPT_IN)


def act_on_keywords(*, organization: Organization, messages, now) -> list[InboundKeyword]:
    """Record and act on the keywords among `messages` (messaging.Message rows stored for
    the first time, in the organization's scope and the ingest's transaction)."""
    found = [(message, keyword_of(message.text)) for message in messages
             if message.direction == Direction.INBOUND and 0 < len(message.source) <= 16]
    found = sorted(((m, kind) for m, kind in found if kind is not None),
                   key=lambda pair: (pair[0].sent_at, pair[0].uuid))
    recorded = []
    for message, kind in found:
        news = is_news(message.sent_at, now)
        note = "" if news else HISTORY
        if kind in OPT_KINDS and not _overridden(message.source, message.sent_at):
            change = opt_out if kind == Keyword.OPT_OUT else opt_in
            changed = change(organization=organization, number=message.source,
                             source=OptOutSource.KEYWORD, keyword=message.text.strip()[:40],
                             actor_label=f"Text from {message.source}", now=message.sent_at)
            if kind == Keyword.OPT_IN and not changed and keyword_word(message.text) == "YES":
                # "Yes" answers many a question: only someone opted out is answered.
                news, note = False, NOT_A_KEYWORD_HERE
        row = InboundKeyword.objects.create(
            organization=organization, message=message,
            own_number_id=message.conversation.own_number_id, number=message.source,
            kind=kind, sent_at=message.sent_at,
            reply_state=ReplyState.PENDING if news else ReplyState.NOT_SENT, reply_note=note)
        if news:
            transaction.on_commit(lambda pk=row.pk: async_task(
                "optouts.tasks.send_keyword_reply", pk))
        recorded.append(row)
    return recorded


def _overridden(number: str, sent_at) -> bool:
    """Whether `number` sent a later opt-out or opt-in keyword, already acted on."""
    return InboundKeyword.objects.filter(number=number, kind__in=OPT_KINDS,
                                         sent_at__gt=sent_at).exists()
