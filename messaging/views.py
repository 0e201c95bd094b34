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
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.tenancy import member_required, role_required
from axion.errors import AxionError
from axion.sms import FILE_TOO_LARGE, MAX_FILE_BYTES
from axion.wording import describe_provider_error
from common.addresses import client_ip
from common.pagination import keyset_page
from common.phone import normalize_number
from messaging import sending
from messaging.forms import ComposeForm
from messaging.idempotency import IdempotencyKeyReused, SendInProgress
from messaging.media import media_bytes
from messaging.models import Conversation, Media, Message, MessageStatus, MessagingNumber
from messaging.search import conversations_with_text

INBOX_PAGE = 30
CONVERSATION_PAGE = 50
INBOX_ORDER = ("-last_message_at", "-id")
MESSAGE_ORDER = ("-sent_at", "-id")


def _inbox_page(request):
    conversations = (Conversation.objects.visible_to(request.membership)
                     .select_related("own_number").filter(last_message_at__isnull=False))
    own = request.GET.get("number", "")
    # The id of one of the organization's numbers, as the filter's links write it: ASCII
    # digits that fit a database integer ("²" is a digit to str.isdigit, not to int()).
    if re.fullmatch(r"[0-9]{1,18}", own):
        conversations = conversations.filter(own_number_id=int(own))
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


@member_required
def inbox(request):
    page = _inbox_page(request)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "messaging/inbox.html", {
        "page": page, "query": query.urlencode(),
        "numbers": MessagingNumber.objects.visible_to(request.membership),
        "filters": request.GET, "may_send": sending.may_send_or_delete(request.membership)})


@member_required
def inbox_fragment(request):
    return render(request, "messaging/_conversations.html", {"page": _inbox_page(request)})


def _conversation_messages(conversation, cursor=None):
    in_order = Prefetch("media", queryset=Media.objects.order_by("position"))
    messages_qs = (Message.objects.filter(conversation=conversation)
                   .select_related("sender_user").prefetch_related(in_order))
    page = keyset_page(messages_qs, ordering=MESSAGE_ORDER, cursor=cursor,
                       size=CONVERSATION_PAGE)
    page.items.reverse()  # oldest at the top, like a chat
    return page


def _compose_form(data=None, files=None, *, request, reply):
    numbers = [n for n in MessagingNumber.objects.prefetch_related("allowed_users")
               if n.may_send(request.user)]
    initial = {"send_token": uuid.uuid4().hex}
    if not reply and numbers:
        initial["own_number"] = numbers[0].number
    return ComposeForm(data, files, initial=initial, numbers=numbers, reply=reply)


def _visible_conversation(request, pk) -> Conversation:
    """The conversation if the member sees it; a 404 otherwise, as for another
    organization's (allowed_users of its number, models.sees_every_number)."""
    return get_object_or_404(Conversation.objects.visible_to(request.membership)
                             .select_related("own_number"), pk=pk)


@member_required
def conversation(request, pk):
    conversation = _visible_conversation(request, pk)
    if conversation.unread_count:
        Conversation.objects.filter(pk=pk).update(unread_count=0)
    may_send = sending.may_send_or_delete(request.membership)
    return render(request, "messaging/conversation.html", {
        "conversation": conversation,
        "page": _conversation_messages(conversation, request.GET.get("cursor")),
        "form": _compose_form(request=request, reply=True) if may_send else None,
        "may_send": may_send})


@member_required
def conversation_fragment(request, pk):
    conversation = _visible_conversation(request, pk)
    if conversation.unread_count:
        # The member is looking at it: what arrives while the page is open is read.
        Conversation.objects.filter(pk=pk).update(unread_count=0)
    return render(request, "messaging/_messages.html", {
        "conversation": conversation, "page": _conversation_messages(conversation),
        "may_send": sending.may_send_or_delete(request.membership)})


def _send(request, form, *, own_number, recipients, group=False):
    attachment = None
    upload = form.cleaned_data.get("attachment")
    if upload:
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError({"attachment": FILE_TOO_LARGE})
        try:
            attachment = sending.check_attachment(upload.read())
        except ValidationError as error:
            raise ValidationError({"attachment": error.message_dict["media"]}) from error
    try:
        sent = sending.send_message(
            organization=request.organization, user=request.user, own_number=own_number,
            to=recipients, text=form.cleaned_data.get("text", ""), attachment=attachment,
            idempotency_key=form.cleaned_data["send_token"], ip=client_ip(request),
            group=group)
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


def _form_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        field = {"from": "own_number", "media": "attachment"}.get(field, field)
        form.add_error(field if field in form.fields else None, problems)


@role_required(Role.AGENT)
@require_POST
def reply(request, pk):
    conversation = _visible_conversation(request, pk)
    form = _compose_form(request.POST, request.FILES, request=request, reply=True)
    if form.is_valid():
        try:
            _send(request, form, own_number=conversation.own_number.number,
                  recipients=conversation.participant_list, group=True)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("conversation", pk=pk)
    return render(request, "messaging/conversation.html", {
        "conversation": conversation, "page": _conversation_messages(conversation),
        "form": form, "may_send": True}, status=400)


@role_required(Role.AGENT)
def compose(request):
    form = _compose_form(request.POST or None, request.FILES or None, request=request,
                         reply=False)
    if request.method == "GET" and request.GET.get("to"):
        form.initial["to"] = normalize_number(request.GET["to"])
    if request.method == "POST" and form.is_valid():
        try:
            sent = _send(request, form, own_number=form.cleaned_data["own_number"],
                         recipients=form.recipients())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if len(sent) == 1:
                return redirect("conversation", pk=sent[0].conversation_id)
            messages.success(request, f"Sent to {len(sent)} recipients, one conversation each.")
            return redirect("inbox")
    status = 400 if request.method == "POST" else 200
    return render(request, "messaging/compose.html", {"form": form}, status=status)


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

