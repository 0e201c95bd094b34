"""What a number answers to STOP, START and HELP: its own words where an admin wrote them,
otherwise defaults in the form carriers and the CTIA handbook expect (the organization's
name, what happened, how to get back or out, and that rates may apply)."""

from django.utils import timezone

from accounts.models import Organization, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from optouts.keywords import Keyword
from optouts.models import KeywordReplies

FIELDS = {Keyword.OPT_OUT: "opted_out", Keyword.OPT_IN: "opted_in", Keyword.HELP: "help"}

DEFAULTS = {
    Keyword.OPT_OUT: "You are unsubscribed from {organization} messages. No more messages "
                     "will be sent. Reply START to resubscribe.",
    Keyword.OPT_IN: "You are resubscribed to {organization} messages. Reply HELP for help, "
                    "STOP to opt out. Msg&data rates may apply.",
    Keyword.HELP: "{organization}: reply to this message to reach us. Reply STOP to opt out, "
                  "START to opt back in. Msg&data rates may apply.",
}


def default_reply(organization: Organization, kind: Keyword) -> str:
    return DEFAULTS[kind].format(organization=organization.name)


def reply_text(*, number, kind: Keyword) -> str:
    """What `number` (a MessagingNumber) answers to a keyword of `kind`."""
    with organization_scope(number.organization):
        replies = KeywordReplies.objects.filter(number=number).first()
    own = getattr(replies, FIELDS[kind], "") if replies else ""
    return own.strip() or default_reply(number.organization, kind)


def replies_of(number) -> KeywordReplies:
    """The number's replies as stored (blank where it uses the default), unsaved if none."""
    with organization_scope(number.organization):
        return (KeywordReplies.objects.filter(number=number).first()
                or KeywordReplies(organization=number.organization, number=number))


def save_replies(*, number, opted_out: str, opted_in: str, help: str, user: User | None,
                 ip: str | None = None) -> KeywordReplies:
    """Set the number's replies (blank: the default); audited."""
    replies = replies_of(number)
    replies.opted_out, replies.opted_in, replies.help = (
        opted_out.strip(), opted_in.strip(), help.strip())
    replies.updated_by, replies.updated_at = user, timezone.now()
    with organization_scope(number.organization):
        replies.save()
    audit(organization=number.organization, action="optout.replies_changed", actor=user,
          target=number.number, ip=ip,
          detail={"custom": [name for name in FIELDS.values() if getattr(replies, name)]})
    return replies
