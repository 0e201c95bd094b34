"""What members do with their notifications: read them, choose how they are e-mailed, and
unsubscribe from an e-mail's link. Every function works in the current organization's scope
(the request's, or the one the unsubscribe link names)."""

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import Organization, User
from notifications.models import (
    DEFAULT_DIGEST_MINUTES,
    Delivery,
    DigestInterval,
    Kind,
    Notification,
    Preference,
)

# The bell counts at most this many unread ones ("99+"): its poll reads no more rows.
MOST_COUNTED = 100


def unread(user: User):
    return Notification.objects.filter(user=user, read_at__isnull=True)


@dataclass(frozen=True)
class Bell:
    """What the bell shows: how many are unread (up to MOST_COUNTED) and the newest."""

    ids: tuple[int, ...]
    subjects: frozenset[str]

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def label(self) -> str:
        return f"{MOST_COUNTED - 1}+" if self.count >= MOST_COUNTED else str(self.count)


def bell(user: User) -> Bell:
    """The member's unread notifications as the bell counts them: one read of the partial
    index notif_member_unread, at most MOST_COUNTED rows."""
    rows = list(unread(user).order_by("-id").values_list("id", "subject")[:MOST_COUNTED])
    return Bell(ids=tuple(pk for pk, _ in rows), subjects=frozenset(s for _, s in rows))


def mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at)


def mark_subject_read(*, user: User, subject: str) -> int:
    """Mark read the member's notifications about `subject` (a conversation they opened)."""
    return unread(user).filter(subject=subject).update(read_at=timezone.now())


def mark_all_read(*, user: User) -> int:
    return unread(user).update(read_at=timezone.now())


# --- preferences -----------------------------------------------------------------------------


def deliveries(user: User) -> dict[Kind, Delivery]:
    """How the member wants each kind e-mailed: their choice, else the kind's default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: Delivery(chosen.get(kind, kind.default_delivery)) for kind in Kind}


def digest_minutes(user: User) -> int:
    minutes = DigestInterval.objects.filter(user=user).values_list("minutes", flat=True).first()
    return minutes or DEFAULT_DIGEST_MINUTES


def set_preferences(*, organization: Organization, user: User,
                    deliveries: dict[Kind, Delivery], digest_minutes: int | None = None) -> None:
    """Store the member's choices (those given; the others stay as they are)."""
    with transaction.atomic():
        for kind, delivery in deliveries.items():
            Preference.objects.update_or_create(
                organization=organization, user=user, kind=kind,
                defaults={"delivery": delivery})
        if digest_minutes is not None:
            DigestInterval.objects.update_or_create(
                organization=organization, user=user, defaults={"minutes": digest_minutes})


# --- unsubscribing from an e-mail's link ---------------------------------------------------

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    organization_id: int
    user_id: int
    kinds: tuple[Kind, ...]


def unsubscribe_token(*, organization_id: int, user_id: int, kinds) -> str:
    """A signed token that sets these kinds to "never" for this member. It needs no
    sign-in (a mail client follows it), so it is signed with SECRET_KEY and names
    nothing but ids; it does not expire: an old e-mail's link keeps working."""
    return signing.dumps({"o": organization_id, "u": user_id, "k": sorted(kinds)},
                         salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> Unsubscribe:
    """The token's request; signing.BadSignature when it was not made by this portal."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    try:
        return Unsubscribe(organization_id=int(data["o"]), user_id=int(data["u"]),
                           kinds=tuple(Kind(kind) for kind in data["k"]))
    except (KeyError, TypeError, ValueError):
        raise signing.BadSignature("Not an unsubscribe token") from None


def unsubscribe(*, organization: Organization, user: User, kinds) -> None:
    set_preferences(organization=organization, user=user,
                    deliveries=dict.fromkeys(kinds, Delivery.NEVER))


# --- notifications made by other apps' rules -----------------------------------------------


def tell(*, organization: Organization, users, kind: Kind, title: str, url: str,
         subject: str, about: str = "", body: str | dict = "") -> list[Notification]:
    """Notify `users` (user ids) of one thing, in the caller's transaction; `body` is one
    text for all, or {user id: text} when each is told why they are told. Apps whose own
    rules decide who is told (fax_alerts) call this; events of the others go through
    notifications/receivers.py."""
    rows = [Notification(
        organization=organization, user_id=user, kind=kind,
        title=Truncator(title).chars(200), about=Truncator(about).chars(200),
        body=Truncator(body.get(user, "") if isinstance(body, dict) else body).chars(300),
        url=url, subject=subject) for user in sorted(set(users))]
    return Notification.objects.bulk_create(rows)
