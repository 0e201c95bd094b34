"""E-mails of notifications, sent by a job (never in the request or transaction that made
them), as each member chose per kind:

- immediately: at the job's next run (every minute);
- in a digest: once the member's oldest waiting one is as old as their digest interval,
  everything waiting goes out together. After a digest nothing waits, so the next one is at
  least an interval later: at most one e-mail per conversation per interval;
- never: nothing.

Either way one e-mail covers one subject (a conversation, a fax, a connection): "3 new
messages from (323) 555-0187". A notification read in the portal before its e-mail went out
is not e-mailed (the member saw it), nor is one of a member without an e-mail address or who
left the organization.

E-mails say who and what, never a message's or note's text: e-mail leaves the portal's
access control, and a clinic's texts are often health information. The link opens the
conversation.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization
from notifications import services
from notifications.models import (
    DEFAULT_DIGEST_MINUTES,
    Delivery,
    DigestInterval,
    Kind,
    Notification,
    Preference,
)

log = logging.getLogger(__name__)

_PLURALS = {
    Kind.NEW_MESSAGE: "{n} new messages from {about}",
    Kind.MENTION: "{n} mentions of you on the conversation with {about}",
    Kind.SEND_FAILED: "{n} of your messages to {about} failed",
    Kind.FAX_FAILED: "{n} faxes to {about} failed",
    Kind.FAX_ALERT: "{n} fax alerts about {about}",
}


def summary(kind: Kind, rows: list[Notification]) -> str:
    """One line for the notifications of one kind about one subject."""
    newest = rows[-1]
    if len(rows) == 1 or kind not in _PLURALS:
        return newest.title
    return _PLURALS[kind].format(n=len(rows), about=newest.about)


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL + path


def compose(*, organization: Organization, rows: list[Notification]) -> EmailMessage:
    """The e-mail of one member's notifications about one subject (rows oldest first)."""
    user = rows[0].user
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[Kind(row.kind)].append(row)
    lines = [summary(kind, kind_rows) for kind, kind_rows in by_kind.items()]

    def unsubscribe_url(kinds) -> str:
        token = services.unsubscribe_token(organization_id=organization.pk, user_id=user.pk,
                                           kinds=kinds)
        return absolute(reverse("notification_unsubscribe", args=[token]))

    body = render_to_string("notifications/email.txt", {
        "user": user, "organization": organization, "lines": lines,
        "url": absolute(rows[-1].url),
        "stop": [(kind.label.lower(), unsubscribe_url([kind])) for kind in by_kind],
        "preferences_url": absolute(reverse("notification_preferences")),
    })
    one_click = unsubscribe_url(list(by_kind))
    return EmailMessage(
        subject=f"{'; '.join(lines)} · {organization.name}", body=body,
        from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
        headers={
            # RFC 8058: mail clients offer "unsubscribe" and POST to the link themselves.
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        })


def _due(rows: list[Notification], *, deliveries: dict, minutes: int,
         now: datetime) -> tuple[list[Notification], list[Notification]]:
    """(to send now, to drop) of one member's waiting notifications; the rest waits."""
    send, drop, digest = [], [], []
    for row in rows:
        delivery = deliveries.get(row.kind, Kind(row.kind).default_delivery)
        if row.read_at is not None or delivery == Delivery.NEVER:
            drop.append(row)
        elif delivery == Delivery.IMMEDIATELY:
            send.append(row)
        else:
            digest.append(row)
    if digest and min(row.created_at for row in digest) <= now - timedelta(minutes=minutes):
        send.extend(digest)
    return send, drop


def send_due_emails(*, organization: Organization, now: datetime | None = None) -> int:
    """Send the organization's notification e-mails that are due (in its scope); returns
    how many e-mails went out."""
    now = now or timezone.now()
    waiting = list(Notification.objects.filter(email_pending=True)
                   .select_related("user").order_by("user_id", "id"))
    if not waiting:
        return 0
    users = {row.user_id for row in waiting}
    members = set(Membership.objects.filter(user_id__in=users).values_list("user_id", flat=True))
    chosen = defaultdict(dict)
    for user_id, kind, delivery in (Preference.objects.filter(user_id__in=users)
                                    .values_list("user_id", "kind", "delivery")):
        chosen[user_id][kind] = delivery
    intervals = dict(DigestInterval.objects.filter(user_id__in=users)
                     .values_list("user_id", "minutes"))
    sent = 0
    with get_connection() as connection:
        for user_id, group in groupby(waiting, key=lambda row: row.user_id):
            rows = list(group)
            if user_id not in members or not rows[0].user.email:
                send, drop = [], rows
            else:
                send, drop = _due(rows, deliveries=chosen[user_id], now=now,
                                  minutes=intervals.get(user_id, DEFAULT_DIGEST_MINUTES))
            if drop:
                Notification.objects.filter(pk__in=[row.pk for row in drop]).update(
                    email_pending=False)
            send.sort(key=lambda row: (row.subject, row.id))
            for _, subject_rows in groupby(send, key=lambda row: row.subject):
                sent += _send(organization, list(subject_rows), connection, now)
    return sent


def _send(organization, rows, connection, now) -> int:
    """Send one e-mail; its notifications count as e-mailed only if it went out (an
    error leaves them waiting for the next run)."""
    message = compose(organization=organization, rows=rows)
    message.connection = connection
    try:
        message.send()
    except Exception:  # noqa: BLE001 - the mail server's error: try again next run
        log.exception("Notification e-mail to user %s failed", rows[0].user_id)
        return 0
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        email_pending=False, emailed_at=now)
    return 1
