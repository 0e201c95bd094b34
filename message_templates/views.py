"""Pages of the organization's message templates, and the composer's template picker.

Every member reads the templates; agents and above use them in messages; owners and admins
manage them. The picker (static/portal/templates.js) asks two small JSON views: the
templates whose names match what follows "/", and one template filled for the
conversation's contact (or the composer's one recipient) and the member."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.tenancy import member_required, role_required
from common.addresses import client_ip
from message_templates import rendering, services
from message_templates.forms import TemplateForm
from message_templates.models import MessageTemplate
from message_templates.rendering import InvalidTemplate, MissingValues, preview
from messaging.forms import resolve_recipient, split_recipients
from messaging.models import Conversation

# Templates the picker lists at most.
PICKER_LIMIT = 8
# An id as links write it: ASCII digits that fit a database integer.
_ID = re.compile(r"[0-9]{1,18}")


def _form_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _new_file(form):
    upload = form.cleaned_data.get("attachment")
    return services.NewFile(name=upload.name, content=upload.read()) if upload else None


def _preview(form) -> str:
    """The form's text with sample values, when the member asked for a preview."""
    if form.is_bound and "preview" in form.data and form.is_valid():
        return preview(form.cleaned_data["text"])
    return ""


@member_required
def template_list(request):
    templates = list(MessageTemplate.objects.all())
    for template in templates:
        template.preview = preview(template.text)
    return render(request, "message_templates/list.html", {"templates": templates})


@role_required(Role.ADMIN)
def create_template(request):
    form = TemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            template = services.create_template(
                organization=request.organization, name=form.cleaned_data["name"],
                text=form.cleaned_data["text"], attachment=_new_file(form),
                user=request.user, ip=client_ip(request))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Template “{template.name}” added.")
            return redirect("templates")
    return render(request, "message_templates/form.html",
                  {"form": form, "preview": _preview(form)},
                  status=400 if form.errors else 200)


@role_required(Role.ADMIN)
def edit_template(request, pk):
    template = get_object_or_404(MessageTemplate, pk=pk)
    form = TemplateForm(request.POST or None, request.FILES or None,
                        initial={"name": template.name, "text": template.text},
                        has_attachment=bool(template.attachment))
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            services.update_template(
                template=template, name=form.cleaned_data["name"],
                text=form.cleaned_data["text"], attachment=_new_file(form),
                remove_attachment=form.cleaned_data.get("remove_attachment", False),
                user=request.user, ip=client_ip(request))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Template “{template.name}” saved.")
            return redirect("templates")
    return render(request, "message_templates/form.html",
                  {"form": form, "template": template,
                   "preview": _preview(form) or (preview(template.text)
                                                 if not form.is_bound else "")},
                  status=400 if form.errors else 200)


@role_required(Role.ADMIN)
def delete_template(request, pk):
    template = get_object_or_404(MessageTemplate, pk=pk)
    if request.method == "POST":
        services.delete_template(template=template, user=request.user, ip=client_ip(request))
        messages.success(request, f"Template “{template.name}” deleted.")
        return redirect("templates")
    return render(request, "message_templates/delete.html", {"template": template})


def _attachment_of(template) -> dict | None:
    if not template.attachment:
        return None
    return {"name": template.attachment_name, "content_type": template.attachment_type}


@role_required(Role.AGENT)
@require_GET
def picker_suggestions(request):
    """{"results": [{id, name, text, attachment}]}: the templates whose names contain
    `q` (any case), those starting with it first."""
    # Without NUL characters, which PostgreSQL refuses in a query.
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:60]
    found = MessageTemplate.objects.filter(name__icontains=query).order_by("name", "id")
    found = sorted(found[:100], key=lambda t: not t.name.lower().startswith(query.lower()))
    return JsonResponse({"results": [
        {"id": t.pk, "name": t.name, "text": t.text[:120], "attachment": _attachment_of(t)}
        for t in found[:PICKER_LIMIT]]})


def _recipient(request) -> tuple[str, str]:
    """(number, why there is no one number) of the message the template goes into: the
    other party of a one-to-one conversation, or the composer's one recipient."""
    if "conversation" in request.GET:
        if not _ID.fullmatch(request.GET["conversation"]):
            raise Http404("No such conversation.")
        conversation = get_object_or_404(Conversation.objects.visible_to(request.membership),
                                         pk=request.GET["conversation"])
        participants = conversation.participant_list
        if len(participants) == 1:
            return participants[0], ""
        return "", "this conversation has several people"
    entries = split_recipients(request.GET.get("to", ""))
    if len(entries) != 1:
        return "", ("enter one recipient first" if not entries
                    else "there are several recipients")
    try:
        return resolve_recipient(entries[0]), ""
    except ValueError as error:
        return "", str(error)


@role_required(Role.AGENT)
@require_GET
def picker_fill(request, pk):
    """{"text", "attachment"} of the template filled for this message's recipient and the
    member; 422 {"missing": [...], "message"} when a placeholder has no value."""
    template = get_object_or_404(MessageTemplate, pk=pk)
    number, no_number = _recipient(request)
    try:
        text = rendering.render(text=template.text, contact=services.contact_of(number),
                    member=request.user, number=number)
    except MissingValues as missing:
        problems = [m.message + (f" ({no_number})" if no_number and m.placeholder != "my_name"
                                 else "") for m in missing.missing]
        return JsonResponse({"missing": problems,
                             "message": f"“{template.name}” was not inserted: "
                                        + "; ".join(problems) + "."}, status=422)
    except InvalidTemplate as error:  # saved before a rule changed: say so, never send it
        return JsonResponse({"missing": [str(error)], "message": str(error)}, status=422)
    return JsonResponse({"id": template.pk, "name": template.name, "text": text,
                         "attachment": _attachment_of(template)})
