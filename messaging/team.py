"""The team inbox's services: close and reopen, assign, label, internal notes with
@-mentions, and the organization's labels.

Pages and the API call these, so each rule is written once: who may be assigned (an agent
or above who sees the conversation's number), who a mention resolves to (a member who sees
it), what a note may hold. Every change moves Conversation.changed_at, the marker that
live pages poll, and is written to the audit log (never a note's text: like a message's, it
is the customer's business, not the log's).
"""

import re
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Membership, Organization, Role, User
from accounts.services import audit
from events import payloads as event_payloads
from events.services import emit
from messaging.models import (
    Conversation,
    ConversationStatus,
    Label,
    LabelColour,
    MessagingNumber,
    Note,
)

NOTE_MAX_LENGTH = 2000
# Mentions looked up per note: past this many, the rest are plain text (a list pasted in
# a note is not a reason for a query with hundreds of conditions).
MOST_MENTIONS = 20
# Django's username characters, after an "@" that does not follow a word character (so an
# e-mail address in a note is no mention). A sentence's full stop after a name is not part
# of it: mention_candidates tries the name without trailing punctuation too.
MENTION = re.compile(r"(?<![\w@])@([\w.@+-]+)")
_TRAILING = ".,;:!?-+@"


def mark_changed(conversation_ids: Iterable[int], now: datetime | None = None) -> None:
    """Move the change marker of these conversations (in the current scope): something a
    reader of the inbox or of the conversation sees changed without an UPDATE of its own
    (a message's status, a label renamed)."""
    ids = set(conversation_ids)
    if ids:
        Conversation.objects.filter(pk__in=ids).update(changed_at=now or timezone.now())


# The inbox's label and mentions filters. A label or mention on few conversations: their
# ids, read from the label's or the member's own index, so that the database looks up
# those few (PostgreSQL then sorts a handful of rows instead of walking the organization's
# conversations newest first for ones that have it). On many: EXISTS, probed while walking
# newest first, which finds a page's worth soon. The bound keeps short the list that is
# read, and dropped, when the label is a common one.
MOST_IDS = 300


def _few_ids_or_exists(ids, exists: Exists) -> Q:
    few = list(ids[:MOST_IDS + 1])
    return Q(pk__in=few) if len(few) <= MOST_IDS else Q(exists)


def with_label(label_id: int) -> Q:
    """A filter of conversations that carry the label `label_id` (of the current
    organization: another's finds none of its conversations in the scoped queryset)."""
    through = Conversation.labels.through.objects.filter(label_id=label_id)
    return _few_ids_or_exists(through.values_list("conversation_id", flat=True),
                              Exists(through.filter(conversation_id=OuterRef("pk"))))


def mentioning(user: User) -> Q:
    """A filter of conversations with a note that mentions `user`."""
    notes = Note.objects.filter(mentions=user)
    return _few_ids_or_exists(notes.values_list("conversation_id", flat=True).distinct(),
                              Exists(notes.filter(conversation_id=OuterRef("pk"))))


def _target(conversation: Conversation) -> str:
    return f"conversation {conversation.pk}"


# Who sees a conversation, and who may work it -------------------------------------------

def members_who_see(conversation: Conversation):
    """The organization's members who see `conversation`: owners and admins, and everyone
    when its number lists nobody, else the members it lists (models.sees_every_number)."""
    allowed = MessagingNumber.allowed_users.through.objects.filter(
        messagingnumber_id=conversation.own_number_id)
    return (Membership.objects.filter(
        Q(role__in=(Role.ADMIN, Role.OWNER)) | Q(user_id__in=allowed.values("user_id"))
        | ~Exists(allowed)).select_related("user"))


def assignable_members(conversation: Conversation):
    """Who may be assigned `conversation`: a member who sees it and may answer it (agents
    and above; a viewer could neither reply nor close it)."""
    return members_who_see(conversation).filter(role__in=(Role.AGENT, Role.ADMIN, Role.OWNER))


# Status ----------------------------------------------------------------------------------

def set_status(*, conversation: Conversation, status: str, user: User | None,
               actor_label: str = "", ip: str | None = None) -> bool:
    """Open or close `conversation`; False when it already had this status."""
    if status not in ConversationStatus.values:
        raise ValidationError({"status": f"Choose one of: {', '.join(ConversationStatus.values)}."})
    now = timezone.now()
    changed = (Conversation.objects.filter(pk=conversation.pk).exclude(status=status)
               .update(status=status, changed_at=now))
    if not changed:
        return False
    conversation.status, conversation.changed_at = status, now
    audit(organization=conversation.organization,
          action="conversation.closed" if status == ConversationStatus.CLOSED
          else "conversation.reopened",
          actor=user, actor_label=actor_label, target=_target(conversation), ip=ip)
    return True


def close_conversation(*, conversation: Conversation, user: User | None,
                       actor_label: str = "", ip: str | None = None) -> bool:
    return set_status(conversation=conversation, status=ConversationStatus.CLOSED, user=user,
                      actor_label=actor_label, ip=ip)


def reopen_conversation(*, conversation: Conversation, user: User | None,
                        actor_label: str = "", ip: str | None = None) -> bool:
    return set_status(conversation=conversation, status=ConversationStatus.OPEN, user=user,
                      actor_label=actor_label, ip=ip)


# Assignment ------------------------------------------------------------------------------

def assign(*, conversation: Conversation, assignee: User | None, user: User | None,
           actor_label: str = "", ip: str | None = None) -> bool:
    """Give `conversation` to `assignee` (None: to nobody); False when nothing changed.

    ValidationError when `assignee` may not have it: not a member of the organization, or
    one who does not see its number, or a viewer.
    """
    if assignee is not None and not assignable_members(conversation).filter(
            user_id=assignee.pk).exists():
        raise ValidationError({"assignee": (
            f"{assignee.get_username()} cannot be assigned this conversation: only agents, "
            f"admins and owners who may use {conversation.own_number.number} can.")})
    now = timezone.now()
    changed = (Conversation.objects.filter(pk=conversation.pk)
               .exclude(assignee_id=assignee.pk if assignee else None)
               .update(assignee=assignee, changed_at=now))
    if not changed:
        return False
    conversation.assignee, conversation.changed_at = assignee, now
    audit(organization=conversation.organization,
          action="conversation.assigned" if assignee else "conversation.unassigned",
          actor=user, actor_label=actor_label, target=_target(conversation), ip=ip,
          detail={"assignee": assignee.get_username() if assignee else None})
    return True


# Labels on a conversation ----------------------------------------------------------------

def set_labels(*, conversation: Conversation, labels: Iterable[Label], user: User | None,
               actor_label: str = "", ip: str | None = None) -> bool:
    """Make `labels` the conversation's labels (any number, none included); False when
    they already were."""
    labels = list({label.pk: label for label in labels}.values())
    foreign = [label for label in labels if label.organization_id != conversation.organization_id]
    if foreign:
        raise ValidationError({"labels": "These labels are not this organization's."})
    with transaction.atomic():
        # Locked, so that two members labelling at once each see the other's result.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        before = set(conversation.labels.values_list("pk", flat=True))
        if before == {label.pk for label in labels}:
            return False
        conversation.labels.set(labels)
        now = timezone.now()
        Conversation.objects.filter(pk=conversation.pk).update(changed_at=now)
    conversation.changed_at = now
    audit(organization=conversation.organization, action="conversation.labelled", actor=user,
          actor_label=actor_label, target=_target(conversation), ip=ip,
          detail={"labels": sorted(label.name for label in labels)})
    return True


# Notes -----------------------------------------------------------------------------------

def mention_candidates(text: str) -> list[str]:
    """The usernames a note's @-mentions may mean, in order: each as written and without
    the punctuation that may end a sentence after it ("@alice." is alice)."""
    names: list[str] = []
    for match in MENTION.finditer(text):
        for name in (match.group(1), match.group(1).rstrip(_TRAILING)):
            if name and name not in names:
                names.append(name)
        if len(names) >= MOST_MENTIONS:
            break
    return names[:MOST_MENTIONS]


def mentioned_members(*, conversation: Conversation, text: str) -> list[User]:
    """The members of the organization who see `conversation` that `text` @-mentions; a
    name that is no such member's is only text. Names match whatever their letter case;
    where two usernames differ only by case, the one written exactly wins."""
    names = mention_candidates(text)
    if not names:
        return []
    matches = Q()
    for name in names:
        matches |= Q(user__username__iexact=name)
    members = list(members_who_see(conversation).filter(matches))
    exact = {m.user.username: m.user for m in members}
    folded: dict[str, User] = {}
    for member in members:
        folded.setdefault(member.user.username.lower(), member.user)
    found: dict[int, User] = {}
    for name in names:
        user = exact.get(name) or folded.get(name.lower())
        if user is not None:
            found.setdefault(user.pk, user)
    return list(found.values())


def check_note_text(text: str) -> str:
    """The note's text as kept (surrounding white space removed); ValidationError saying
    what is wrong otherwise."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note."})
    if "\x00" in text:
        raise ValidationError({"text": "Null characters are not allowed."})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": f"At most {NOTE_MAX_LENGTH} characters "
                                       f"(this one has {len(text)})."})
    return text


def add_note(*, conversation: Conversation, author: User | None, text: str,
             actor_label: str = "", ip: str | None = None) -> Note:
    """An internal note in `conversation`: kept here, shown to the team, never sent. The
    members it @-mentions are kept in Note.mentions (the inbox's "mentions" filter, and
    what notifications will read)."""
    text = check_note_text(text)
    mentioned = mentioned_members(conversation=conversation, text=text)
    now = timezone.now()
    with transaction.atomic():
        note = Note.objects.create(organization=conversation.organization,
                                   conversation=conversation, author=author, text=text,
                                   created_at=now)
        note.mentions.set(mentioned)
        Conversation.objects.filter(pk=conversation.pk).update(changed_at=now)
        added = event_payloads.note_added_event(note, conversation, mentioned)
        emit(organization=conversation.organization, type=added.type, subject=added.subject,
             payload=added.payload)
    conversation.changed_at = now
    audit(organization=conversation.organization, action="note.added", actor=author,
          actor_label=actor_label, target=_target(conversation), ip=ip,
          detail={"note": note.pk, "mentions": sorted(u.get_username() for u in mentioned)})
    return note


def note_html(note: Note) -> SafeString:
    """A note's text as HTML: escaped, line breaks kept, and its resolved @-mentions
    marked (a name that resolved to nobody stays plain text). Reads note.mentions, which
    pages prefetch."""
    mentioned = {user.username for user in note.mentions.all()}
    folded = {name.lower() for name in mentioned}
    parts, end = [], 0
    for match in MENTION.finditer(note.text):
        token = match.group(1)
        name = next((n for n in (token, token.rstrip(_TRAILING))
                     if n and (n in mentioned or n.lower() in folded)), None)
        if name is None:
            continue
        parts.append(escape(note.text[end:match.start()]))
        parts.append(f'<mark class="mention">@{escape(name)}</mark>')
        end = match.start() + 1 + len(name)
    parts.append(escape(note.text[end:]))
    return mark_safe("".join(parts).replace("\r\n", "\n").replace("\n", "<br>"))  # noqa: S308 - escaped above


# The organization's labels (admins) -------------------------------------------------------

def _check_label(name: str, colour: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the label a name."})
    if "\x00" in name:
        raise ValidationError({"name": "Null characters are not allowed."})
    if len(name) > Label._meta.get_field("name").max_length:
        raise ValidationError({"name": "At most 50 characters."})
    if colour not in LabelColour.values:
        raise ValidationError({"colour": f"Choose one of: {', '.join(LabelColour.values)}."})
    return name, colour


def _taken(name: str, exclude: int | None = None) -> bool:
    return Label.objects.filter(name__iexact=name).exclude(pk=exclude).exists()


def create_label(*, organization: Organization, name: str, colour: str = LabelColour.GREY,
                 user: User | None, actor_label: str = "", ip: str | None = None) -> Label:
    name, colour = _check_label(name, colour)
    if _taken(name):
        raise ValidationError({"name": f"There is already a label {name!r}."})
    try:
        with transaction.atomic():
            label = Label.objects.create(organization=organization, name=name, colour=colour)
    except IntegrityError:
        raise ValidationError({"name": f"There is already a label {name!r}."}) from None
    audit(organization=organization, action="label.created", actor=user,
          actor_label=actor_label, target=name, ip=ip, detail={"colour": colour})
    return label


def update_label(*, label: Label, name: str, colour: str, user: User | None,
                 actor_label: str = "", ip: str | None = None) -> bool:
    """Rename or recolour `label`; the conversations that carry it change with it."""
    name, colour = _check_label(name, colour)
    if (name, colour) == (label.name, label.colour):
        return False
    if _taken(name, exclude=label.pk):
        raise ValidationError({"name": f"There is already a label {name!r}."})
    before = label.name
    try:
        with transaction.atomic():
            Label.objects.filter(pk=label.pk).update(name=name, colour=colour)
            Conversation.objects.filter(labels=label).update(changed_at=timezone.now())
    except IntegrityError:
        raise ValidationError({"name": f"There is already a label {name!r}."}) from None
    label.name, label.colour = name, colour
    audit(organization=label.organization, action="label.changed", actor=user,
          actor_label=actor_label, target=name, ip=ip,
          detail={"was": before, "colour": colour})
    return True


def delete_label(*, label: Label, user: User | None, actor_label: str = "",
                 ip: str | None = None) -> None:
    """Delete `label`: it goes from every conversation that had it."""
    with transaction.atomic():
        Conversation.objects.filter(labels=label).update(changed_at=timezone.now())
        Label.objects.filter(pk=label.pk).delete()
    audit(organization=label.organization, action="label.deleted", actor=user,
          actor_label=actor_label, target=label.name, ip=ip)
