"""The job that answers a keyword: the opt-out or opt-in confirmation, or the help answer."""

from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from accounts.tenancy import organization_scope
from messaging.idempotency import SendInProgress
from messaging.sending import send_message
from optouts.keywords import Keyword
from optouts.models import InboundKeyword, ReplyState
from optouts.replies import reply_text
from optouts.services import OptedOut

OPTED_OUT_SINCE = "Not sent: the number opted out before the answer could go."


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
