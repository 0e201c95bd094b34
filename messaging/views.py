"""The inbox, conversations, the composer, deletes and media.

Pages read only the database (conversations carry their last message and unread count),
so they cost the same at any size; the provider is asked only to send, delete, or fetch a
media file not archived yet. Live refresh polls the small `*_fragment` views.
"""

import re
import uuid

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from accounts.tenancy import member_required, role_required
from axion.errors import AxionError
from axion.sms import FILE_TOO_LARGE, MAX_FILE_BYTES
from axion.wording import describe_provider_error
from common.addresses import client_ip
from common.pagination import keyset_page
from common.phone import display_number, normalize_number
from contacts.names import contacts_by_number
from message_templates.services import template_attachment
from messaging import scheduling, sending, team
from messaging.forms import ComposeForm, ScheduledChangeForm, SendLaterForm, split_recipients
from messaging.idempotency import IdempotencyKeyReused, SendInProgress
from messaging.media import media_bytes
from messaging.models import (
    Conversation,
    ConversationStatus,
    Direction,
    Label,
    Media,
    Message,
    MessageStatus,
    MessagingNumber,
    Note,
)
from messaging.search import conversations_with_text
from messaging.team_forms import NoteForm
from optouts.services import opt_outs_of

INBOX_PAGE = 30
CONVERSATION_PAGE = 50
INBOX_ORDER = ("-last_message_at", "-id")
MESSAGE_ORDER = ("-sent_at", "-id")


# The inbox's views of its conversations: (query value, tab name). "all" is no filter.
STATUS_TABS = (("open", "Open"), ("closed", "Closed"), ("all", "All"))
WHO_TABS = (("", "Everyone's"), ("me", "Mine"), ("none", "Unassigned"), ("mentions", "Mentions"))
# An id as links write it: ASCII digits that fit a database integer ("²" is a digit to
# str.isdigit, not to int()).
_ID = re.compile(r"[0-9]{1,18}")


def _status_filter(query) -> str:
    status = query.get("status", "")
    return status if status in dict(STATUS_TABS) else "open"  # the inbox opens on "open"


def _who_filter(query) -> str:
    """Whose conversations: "" (everyone's), "me", "none", "mentions" or a member's id."""
    if query.get("mentions"):
        return "mentions"
    assignee = query.get("assignee", "")
    return assignee if assignee in ("me", "none") or _ID.fullmatch(assignee) else ""


def _inbox_page(request):
    conversations = (Conversation.objects.visible_to(request.membership)
                     .select_related("own_number", "assignee").prefetch_related("labels")
                     .filter(last_message_at__isnull=False))
    status = _status_filter(request.GET)
    if status != "all":
        conversations = conversations.filter(status=status)
    who = _who_filter(request.GET)
    if who == "me":
        conversations = conversations.filter(assignee=request.user)
    elif who == "none":
        conversations = conversations.filter(assignee__isnull=True)
    elif who == "mentions":
        conversations = conversations.filter(team.mentioning(request.user))
    elif who:
        conversations = conversations.filter(assignee_id=int(who))
    own = request.GET.get("number", "")
    if _ID.fullmatch(own):
        conversations = conversations.filter(own_number_id=int(own))
    label = request.GET.get("label", "")
    if _ID.fullmatch(label):
        conversations = conversations.filter(team.with_label(int(label)))
    if request.GET.get("unread"):
        conversations = conversations.filter(unread_count__gt=0)
    # No database keeps a NUL in text (PostgreSQL refuses one in a query): none is searched.
    query = request.GET.get("q", "").replace("\x00", "").strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        matches = conversations_with_text(query)
        if len(digits) >= 3:
            matches |= Q(participants__contains=digits)
        conversations = conversations.filter(matches)
    return keyset_page(conversations, ordering=INBOX_ORDER, cursor=request.GET.get("cursor"),
                       size=INBOX_PAGE)


def _page_contacts(conversations) -> dict:
    """The contacts of every number on the page: one query."""
    return contacts_by_number(p for c in conversations for p in c.participant_list)


def _query_with(query: QueryDict, **changes) -> str:
    """`query` (the inbox's filters) with `changes` (None: left out), from its first page."""
    query = query.copy()
    query.pop("cursor", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return query.urlencode()


def _tabs(query: QueryDict) -> dict:
    status, who = _status_filter(query), _who_filter(query)
    return {
        "status": [{"name": name, "current": value == status,
                    "query": _query_with(query, status=value if value != "open" else None)}
                   for value, name in STATUS_TABS],
        "who": [{"name": name, "current": value == who,
                 "query": _query_with(query, assignee=value if value in ("me", "none") else None,
                                      mentions="me" if value == "mentions" else None)}
                for value, name in WHO_TABS],
    }


@member_required
def inbox(request):
    page = _inbox_page(request)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "messaging/inbox.html", {
        "page": page, "query": query.urlencode(), "contacts": _page_contacts(page.items),
        "numbers": MessagingNumber.objects.visible_to(request.membership),
        "labels": Label.objects.all(), "tabs": _tabs(request.GET),
        "status_filter": _status_filter(request.GET),
        "filters": request.GET, "may_send": sending.may_send_or_delete(request.membership)})


@member_required
def inbox_fragment(request):
    page = _inbox_page(request)
    return render(request, "messaging/_conversations.html", {
        "page": page, "contacts": _page_contacts(page.items),
        "status_filter": _status_filter(request.GET)})


def _conversation_messages(conversation, cursor=None):
    in_order = Prefetch("media", queryset=Media.objects.order_by("position"))
    resends = Prefetch("resends", queryset=Message.objects.only("pk", "resent_from_id"))
    messages_qs = (Message.objects.filter(conversation=conversation)
                   .select_related("sender_user").prefetch_related(in_order, resends))
    page = keyset_page(messages_qs, ordering=MESSAGE_ORDER, cursor=cursor,
                       size=CONVERSATION_PAGE)
    page.items.reverse()  # oldest at the top, like a chat
    return page


def _timeline(conversation, page) -> list[tuple[str, object]]:
    """The page's messages and the internal notes written in the time they span, oldest
    first, as ("message", m) and ("note", n). A page holds the notes from its oldest
    message (none before it if it is the oldest page) up to the next page's first (no
    limit on the newest page), so each note shows on exactly one page."""
    notes = (Note.objects.filter(conversation=conversation).select_related("author")
             .prefetch_related("mentions"))
    if page.items:
        oldest, newest = page.items[0], page.items[-1]
        if page.next_cursor:
            notes = notes.filter(created_at__gte=oldest.sent_at)
        if page.has_previous:
            after = (Message.objects.filter(conversation=conversation)
                     .filter(Q(sent_at__gt=newest.sent_at)
                             | Q(sent_at=newest.sent_at, id__gt=newest.id))
                     .order_by("sent_at", "id").values_list("sent_at", flat=True).first())
            if after is not None:
                notes = notes.filter(created_at__lt=after)
    entries = [((m.sent_at, 0, m.pk), "message", m) for m in page.items]
    entries += [((n.created_at, 1, n.pk), "note", n) for n in notes]
    return [(kind, item) for _, kind, item in sorted(entries, key=lambda e: e[0])]


def _compose_form(data=None, files=None, *, request, reply):
    numbers = [n for n in MessagingNumber.objects.prefetch_related("allowed_users")
               if n.may_send(request.user)]
    initial = {"send_token": uuid.uuid4().hex}
    if not reply and numbers:
        initial["own_number"] = numbers[0].number
    return ComposeForm(data, files, initial=initial, numbers=numbers, reply=reply)


def _send_later_form(request, data=None) -> SendLaterForm:
    return SendLaterForm(data, zone=request.organization.tzinfo)


def _visible_conversation(request, pk) -> Conversation:
    """The conversation if the member sees it; a 404 otherwise, as for another
    organization's (allowed_users of its number, models.sees_every_number)."""
    return get_object_or_404(Conversation.objects.visible_to(request.membership)
                             .select_related("own_number"), pk=pk)


def _mark_read(conversation) -> None:
    if conversation.unread_count:
        # The unread badge goes from the inbox: a change its readers see.
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=0,
                                                               changed_at=timezone.now())


def _conversation_context(request, conversation, *, cursor=None, form=None,
                          note_form=None, later_form=None) -> dict:
    """What the conversation page shows; `form` and `note_form` bound to what the member
    wrote, when it came back with errors."""
    may_send = sending.may_send_or_delete(request.membership)
    page = _conversation_messages(conversation, cursor)
    may_work = request.membership.allows(Role.AGENT)
    # A participant who opted out: the page says so, and offers no composer (every send
    # to them is refused).
    opt_outs = list(opt_outs_of(organization=request.organization,
                                numbers=conversation.participant_list).values())
    context = {
        "conversation": conversation, "page": page, "timeline": _timeline(conversation, page),
        "conversation_labels": list(conversation.labels.all()),
        "contacts": contacts_by_number(conversation.participant_list),
        "form": None if opt_outs else (
            form or (_compose_form(request=request, reply=True) if may_send else None)),
        "may_send": may_send, "opt_outs": opt_outs,
        "later_form": later_form or _send_later_form(request),
    }
    if may_work:
        members = list(team.members_who_see(conversation))
        context.update(
            note_form=note_form or NoteForm(),
            labels=list(Label.objects.all()),
            assignable=[m.user for m in members if m.allows(Role.AGENT)],
            mentionable=[m.user.get_username() for m in members
                         if m.user_id != request.user.pk])
    return context


@member_required
def conversation(request, pk):
    conversation = _visible_conversation(request, pk)
    _mark_read(conversation)
    return render(request, "messaging/conversation.html", _conversation_context(
        request, conversation, cursor=request.GET.get("cursor")))


@member_required
def conversation_fragment(request, pk):
    conversation = _visible_conversation(request, pk)
    # The member is looking at it: what arrives while the page is open is read.
    _mark_read(conversation)
    page = _conversation_messages(conversation)
    return render(request, "messaging/_messages.html", {
        "conversation": conversation, "page": page, "timeline": _timeline(conversation, page),
        "may_send": sending.may_send_or_delete(request.membership)})


def _party_name(conversation, contacts=None) -> str:
    """The conversation as the flash messages name it: its contact, or its number."""
    contacts = contacts if contacts is not None else contacts_by_number(
        conversation.participant_list)
    return ", ".join(contacts[p].name if p in contacts else display_number(p)
                     for p in conversation.participant_list) or "nobody"


@role_required(Role.AGENT)
@require_POST
def conversation_status(request, pk):
    """Close (back to the inbox, as Gmail's "e" does) or reopen a conversation."""
    conversation = _visible_conversation(request, pk)
    status = request.POST.get("status", "")
    try:
        team.set_status(conversation=conversation, status=status, user=request.user,
                        ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.message_dict["status"]))
        return redirect("conversation", pk=pk)
    if status == ConversationStatus.CLOSED:
        messages.success(request, f"Closed the conversation with {_party_name(conversation)}.")
        return redirect("inbox")
    messages.success(request, "The conversation is open again.")
    return redirect("conversation", pk=pk)


@role_required(Role.AGENT)
@require_POST
def assign_conversation(request, pk):
    conversation = _visible_conversation(request, pk)
    value = request.POST.get("assignee", "")
    assignee = None
    if value == "me":
        assignee = request.user
    elif _ID.fullmatch(value):
        # Anyone who is no member of this organization is unknown here, as on the API.
        assignee = User.objects.filter(
            pk=int(value), memberships__organization=request.organization).first()
        if assignee is None:
            messages.error(request, "There is no such member in this organization.")
            return redirect("conversation", pk=pk)
    elif value:
        messages.error(request, "Choose a member to assign, or nobody.")
        return redirect("conversation", pk=pk)
    try:
        changed = team.assign(conversation=conversation, assignee=assignee, user=request.user,
                              ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.message_dict["assignee"]))
        return redirect("conversation", pk=pk)
    if changed:
        whom = ("you" if assignee == request.user else assignee.get_username()) \
            if assignee else "nobody"
        messages.success(request, f"Assigned to {whom}.")
    return redirect("conversation", pk=pk)


@role_required(Role.AGENT)
@require_POST
def label_conversation(request, pk):
    conversation = _visible_conversation(request, pk)
    wanted = request.POST.getlist("labels")
    if not all(_ID.fullmatch(value) for value in wanted):
        messages.error(request, "Choose labels from the list.")
        return redirect("conversation", pk=pk)
    labels = list(Label.objects.filter(pk__in={int(value) for value in wanted}))
    if len(labels) != len(set(wanted)):
        messages.error(request, "One of these labels no longer exists: choose again.")
        return redirect("conversation", pk=pk)
    if team.set_labels(conversation=conversation, labels=labels, user=request.user,
                       ip=client_ip(request)):
        messages.success(request, "Labels saved." if labels else "Labels removed.")
    return redirect("conversation", pk=pk)


@role_required(Role.AGENT)
@require_POST
def add_note(request, pk):
    conversation = _visible_conversation(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note = team.add_note(conversation=conversation, author=request.user,
                                 text=form.cleaned_data["text"], ip=client_ip(request))
        except ValidationError as error:
            form.add_error("text", error.message_dict["text"])
        else:
            return redirect(reverse("conversation", args=[pk]) + f"#note-{note.pk}")
    # Nothing is lost: the page again, the note as written, and what is wrong with it.
    return render(request, "messaging/conversation.html",
                  _conversation_context(request, conversation, note_form=form), status=400)


def _send(request, form, *, own_number, recipients, group=False, send_at=None):
    attachment = None
    upload = form.cleaned_data.get("attachment")
    if upload:
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError({"attachment": FILE_TOO_LARGE})
        try:
            attachment = sending.check_attachment(upload.read())
        except ValidationError as error:
            raise ValidationError({"attachment": error.message_dict["media"]}) from error
    elif form.cleaned_data.get("template"):
        attachment = template_attachment(template_id=form.cleaned_data["template"])
    try:
        sent = sending.send_message(
            organization=request.organization, user=request.user, own_number=own_number,
            to=recipients, text=form.cleaned_data.get("text", ""), attachment=attachment,
            idempotency_key=form.cleaned_data["send_token"], ip=client_ip(request),
            group=group, send_at=send_at)
    except PermissionDenied as error:
        # A number the member may not use (allowed_users): say so on the form; the generic
        # 403 page would blame the member's role.
        raise ValidationError({"from": str(error)}) from error
    except SendInProgress as pending:
        # The same form again (a double click, a reload) while the first send has no
        # outcome: nothing is sent again; the first send's messages are what there is.
        sent = pending.messages
    except IdempotencyKeyReused as error:
        raise ValidationError({NON_FIELD_ERRORS: "This form was already sent, with another "
                                                 "message: open a new one to send this."}) \
            from error
    if send_at is not None:
        messages.success(request, f"Scheduled for {_local(request, send_at)}: it can be "
                                  "changed or cancelled in its conversation until then.")
    for message in sent:
        if message.status == MessageStatus.SENDING:
            messages.info(request, f"To {', '.join(message.destinations)}: still being sent.")
        elif message.status == MessageStatus.FAILED:
            messages.error(request, f"Not sent to {', '.join(message.destinations)}: "
                                    f"{message.status_reason}")
        elif message.status == MessageStatus.UNKNOWN:
            messages.warning(request,
                             f"To {', '.join(message.destinations)}: {message.status_reason}")
    return sent


def _local(request, moment) -> str:
    """A time as pages say it to the organization: its local time and zone."""
    return f"{moment.astimezone(request.organization.tzinfo):%a %b %-d, %H:%M %Z}"


def _form_errors(form, error: ValidationError, later=None) -> None:
    for field, problems in error.message_dict.items():
        if field == "send_at" and later is not None:
            later.add_error("send_time", problems)
            continue
        field = {"from": "own_number", "media": "attachment"}.get(field, field)
        form.add_error(field if field in form.fields else None, problems)


@role_required(Role.AGENT)
@require_POST
def reply(request, pk):
    conversation = _visible_conversation(request, pk)
    form = _compose_form(request.POST, request.FILES, request=request, reply=True)
    later = _send_later_form(request, request.POST)
    if form.is_valid() and later.is_valid():
        try:
            _send(request, form, own_number=conversation.own_number.number,
                  recipients=conversation.participant_list, group=True,
                  send_at=later.cleaned_data["send_at"])
        except ValidationError as error:
            _form_errors(form, error, later)
        else:
            return redirect("conversation", pk=pk)
    return render(request, "messaging/conversation.html",
                  _conversation_context(request, conversation, form=form, later_form=later),
                  status=400)


def _recipient_names(form) -> dict[str, dict[str, str]]:
    """{entry: {"name", "display"}} for each entry of the composer's "To" that is a
    contact's number: its chip shows the name (static/portal/compose.js)."""
    entries = {entry: normalize_number(entry)
               for entry in split_recipients(form["to"].value() or "")}
    contacts = contacts_by_number(entries.values())
    return {entry: {"name": contacts[number].name, "display": display_number(number)}
            for entry, number in entries.items() if number in contacts}


@role_required(Role.AGENT)
def compose(request):
    form = _compose_form(request.POST or None, request.FILES or None, request=request,
                         reply=False)
    later = _send_later_form(request, request.POST or None)
    if request.method == "GET" and request.GET.get("to"):
        form.initial["to"] = normalize_number(request.GET["to"])
    if request.method == "POST" and form.is_valid() and later.is_valid():
        send_at = later.cleaned_data["send_at"]
        try:
            sent = _send(request, form, own_number=form.cleaned_data["own_number"],
                         recipients=form.recipients(), send_at=send_at)
        except ValidationError as error:
            _form_errors(form, error, later)
        else:
            if len(sent) == 1:
                return redirect("conversation", pk=sent[0].conversation_id)
            done = "Scheduled for" if send_at else "Sent to"
            messages.success(request, f"{done} {len(sent)} recipients, one conversation each.")
            return redirect("inbox")
    status = 400 if request.method == "POST" else 200
    return render(request, "messaging/compose.html",
                  {"form": form, "later_form": later, "recipient_names": _recipient_names(form)},
                  status=status)


@role_required(Role.AGENT)
def delete_message(request, pk):
    message = get_object_or_404(Message.objects.visible_to(request.membership)
                                .select_related("conversation"), pk=pk, deleted_at=None)
    if request.method == "POST":
        try:
            sending.delete_message(message=message, user=request.user, ip=client_ip(request))
        except AxionError as error:
            messages.error(request,
                           f"The message was not deleted. {describe_provider_error(error)}")
        else:
            messages.success(request, "The message was deleted.")
        return redirect("conversation", pk=message.conversation_id)
    return render(request, "messaging/confirm_delete.html", {"message": message})


@member_required
def media(request, pk):
    item = get_object_or_404(Media.objects.visible_to(request.membership)
                             .select_related("message"), pk=pk)
    if item.message.deleted_at is not None:
        raise Http404("The message was deleted.")
    try:
        content, content_type = media_bytes(media=item)
    except AxionError as error:
        return HttpResponse(describe_provider_error(error), status=502,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response



def _own_message(request, pk) -> Message:
    """An outbound message the member sees, not deleted (else a 404)."""
    return get_object_or_404(Message.objects.visible_to(request.membership)
                             .select_related("organization", "conversation__own_number"),
                             pk=pk, deleted_at=None, direction=Direction.OUTBOUND)


@role_required(Role.AGENT)
def change_scheduled_message(request, pk):
    """Change a scheduled send's text and time, while it is still scheduled."""
    message = _own_message(request, pk)
    back = reverse("conversation", args=[message.conversation_id]) + f"#m{message.pk}"
    if message.status != MessageStatus.SCHEDULED:
        messages.error(request, "This message is no longer scheduled: it can no longer be "
                                "changed.")
        return redirect(back)
    local = message.send_at.astimezone(request.organization.tzinfo)
    form = ScheduledChangeForm(request.POST or None, zone=request.organization.tzinfo,
                               initial={"text": message.text, "send_date": local.date(),
                                        "send_time": local.time().replace(tzinfo=None)})
    if request.method == "POST" and form.is_valid():
        try:
            if not message.conversation.own_number.may_send(request.user):
                raise PermissionDenied(f"You may not send from {message.source}.")
            changed = scheduling.change_scheduled(
                message=message, user=request.user, text=form.cleaned_data["text"],
                send_at=form.cleaned_data["send_at"], ip=client_ip(request))
        except ValidationError as error:
            _form_errors(form, error, form)
        except (PermissionDenied, scheduling.NotScheduled) as error:
            messages.error(request, str(error))
            return redirect(back)
        else:
            messages.success(request, f"Scheduled for {_local(request, changed.send_at)}.")
            return redirect(back)
    return render(request, "messaging/change_scheduled.html",
                  {"message": message, "form": form},
                  status=400 if request.method == "POST" else 200)


@role_required(Role.AGENT)
@require_POST
def cancel_scheduled_message(request, pk):
    message = _own_message(request, pk)
    try:
        scheduling.cancel_scheduled(message=message, user=request.user, ip=client_ip(request))
    except scheduling.NotScheduled as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The scheduled message was cancelled: it will not be sent.")
    return redirect("conversation", pk=message.conversation_id)


@role_required(Role.AGENT)
@require_POST
def resend_message(request, pk):
    """"Send again": the failed message's text and media, as a new message linked to it."""
    message = _own_message(request, pk)
    try:
        sent = sending.resend_message(message=message, user=request.user,
                                      ip=client_ip(request))
    except sending.NotResendable as error:
        messages.error(request, str(error))
    except PermissionDenied as error:
        messages.error(request, str(error))
    except SendInProgress:
        messages.info(request, "It is being sent again already.")
    except ValidationError as error:
        messages.error(request, "Not sent again: " + " ".join(
            problem for problems in error.message_dict.values() for problem in problems))
    else:
        for new in sent:
            if new.status == MessageStatus.FAILED:
                messages.error(request, f"Sent again, and failed again: {new.status_reason}")
            elif new.status == MessageStatus.UNKNOWN:
                messages.warning(request, f"Sent again: {new.status_reason}")
            else:
                messages.success(request, "Sent again.")
    return redirect(reverse("conversation", args=[message.conversation_id]) + f"#m{message.pk}")
