"""The job that answers a keyword: the opt-out or opt-in confirmation, or the help answer."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.jobs import for_each_organization
from accounts.models import Connection, Organization
from accounts.tenancy import organization_scope
from events.payloads import is_news
from messaging.idempotency import SendInProgress
from messaging.sending import send_message
from optouts.keywords import Keyword
from optouts.models import InboundKeyword, ReplyState
from optouts.replies import reply_text
from optouts.services import OptedOut

OPTED_OUT_SINCE = "Not sent: the number opted out before the answer could go."
TOO_LATE = "Not sent: the job that answers was down until the answer was too late."
# The job that sends replies right after the commit gets this long before the periodic
# run takes over (it would only find that send, by its idempotency key, but need not).
GRACE = timedelta(minutes=1)


def send_keyword_reply(keyword_id: int) -> str:
    """Send the reply to one InboundKeyword still waiting for it, once: the send's
    idempotency key is the keyword's, so a second run of this job (a broker handing the
    task out twice) finds the first send instead of sending again."""
    with scopes_disabled():
        row = (InboundKeyword.objects.select_related("organization", "own_number")
               .filter(pk=keyword_id, reply_state=ReplyState.PENDING).first())
    if row is None:
        return "nothing to send"
    organization = row.organization
    values = {}
    try:
        [message] = send_message(
            organization=organization, user=None, own_number=row.own_number.number,
            to=[row.number], text=reply_text(number=row.own_number, kind=row.kind),
            idempotency_key=f"keyword-reply-{row.pk}", actor_label="Keyword reply",
            confirming_opt_out=row.kind == Keyword.OPT_OUT)
    except SendInProgress:
        return "being sent by another run"
    except OptedOut:
        # A HELP or a START answered after the sender opted out (again): never texted.
        values = {"reply_state": ReplyState.NOT_SENT, "reply_note": OPTED_OUT_SINCE}
    except ValidationError as error:
        values = {"reply_state": ReplyState.NOT_SENT,
                  "reply_note": "; ".join(error.messages)[:300]}
    else:
        values = {"reply_state": ReplyState.SENT, "reply": message}
    with organization_scope(organization):
        InboundKeyword.objects.filter(pk=row.pk, reply_state=ReplyState.PENDING).update(**values)
    return values["reply_state"]


def send_pending_keyword_replies(organization_id: int | None = None) -> str:
    """The safety net of send_keyword_reply: answers still waiting a minute after their
    keyword arrived (its job was lost: a worker died, a broker without receipts) are sent,
    while the keyword is news; older ones are marked not sent."""
    return for_each_organization("send_keyword_replies", Connection.Kind.SMS,
                                 _send_pending, organization_id=organization_id)


def _send_pending(organization: Organization) -> int:
    now = timezone.now()
    with organization_scope(organization):
        waiting = list(InboundKeyword.objects.filter(reply_state=ReplyState.PENDING,
                                                     created_at__lt=now - GRACE)
                       .order_by("sent_at", "id").values_list("pk", "sent_at"))
        late = [pk for pk, sent_at in waiting if not is_news(sent_at, now)]
        InboundKeyword.objects.filter(pk__in=late, reply_state=ReplyState.PENDING).update(
            reply_state=ReplyState.NOT_SENT, reply_note=TOO_LATE)
    for pk, sent_at in waiting:
        if is_news(sent_at, now):
            send_keyword_reply(pk)
    return len(waiting)
