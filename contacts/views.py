"""Contacts pages: the list and its search, a contact with its timeline, the forms, the CSV
export, and the CSV import (upload and dry run, confirm, progress, undo)."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.tenancy import member_required, organization_scope, role_required
from common.addresses import client_ip
from common.pagination import batches_by_id, keyset_page
from common.phone import display_number, parse_us_number
from common.spreadsheets import csv_download
from contacts import imports, services
from contacts.forms import ContactForm, ImportForm, SearchForm, import_max_bytes, too_large_message
from contacts.models import Contact, ContactImport, ImportState
from contacts.search import matching, suggestions
from contacts.timeline import timeline_page

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
may_work = role_required(Role.AGENT)


def _safe_next(request) -> str | None:
    """The `next` of the request if it is a path of this site ("/messaging/..."), else None."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return None


@member_required
def contact_list(request):
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    contacts = matching(Contact.objects.all(), text).prefetch_related("numbers")
    page = keyset_page(contacts, ordering=("name", "id"), cursor=request.GET.get("cursor"),
                       size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    last = imports.last_import()
    return render(request, "contacts/contact_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "searched": text,
        "running_import": last if last and last.state in imports.ACTIVE else None})


@member_required
def contact_search(request):
    """Contacts for a picker: {"results": [{"id", "name", "numbers": [{"number",
    "display"}]}]}, at most 10."""
    # No database keeps a NUL in text (PostgreSQL refuses one in a query): none is searched.
    text = request.GET.get("q", "").replace("\x00", "")[:100]
    results = [{"id": contact.pk, "name": contact.name,
                "numbers": [{"number": row.number, "display": display_number(row.number)}
                            for row in contact.numbers.all()]}
               for contact in (suggestions(text) if text.strip() else [])]
    return JsonResponse({"results": results})


@member_required
def contact_detail(request, pk):
    contact = get_object_or_404(Contact.objects.prefetch_related("numbers"), pk=pk)
    page = timeline_page(contact, membership=request.membership,
                         cursor=request.GET.get("cursor"))
    return render(request, "contacts/contact_detail.html", {
        "contact": contact, "page": page,
        "numbers": [row.number for row in contact.numbers.all()]})


@may_work
def contact_create(request):
    back = _safe_next(request)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                contact = services.create_contact(
                    organization=request.organization, numbers=form.cleaned_data["numbers"],
                    user=request.user, ip=client_ip(request), **form.values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{contact.name} is saved.")
                return redirect(back or reverse("contact", args=[contact.pk]))
    else:
        number = request.GET.get("number", "")
        try:
            initial = [parse_us_number(number)] if number else None
        except ValueError:
            initial = None
        form = ContactForm(initial_numbers=initial)
    return render(request, "contacts/contact_form.html", {
        "form": form, "next": back, "cancel": back or reverse("contacts")},
        status=400 if form.errors else 200)


@may_work
def contact_edit(request, pk):
    contact = get_object_or_404(Contact, pk=pk)
    back = _safe_next(request)
    if request.method == "POST":
        form = ContactForm(request.POST, instance=contact)
        if form.is_valid():
            try:
                services.update_contact(contact=contact, numbers=form.cleaned_data["numbers"],
                                        user=request.user, ip=client_ip(request),
                                        **form.values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{contact.name} is saved.")
                return redirect(back or reverse("contact", args=[contact.pk]))
    else:
        form = ContactForm(instance=contact)
    return render(request, "contacts/contact_form.html", {
        "form": form, "contact": contact, "next": back,
        "cancel": back or reverse("contact", args=[contact.pk])},
        status=400 if form.errors else 200)


@may_work
def contact_delete(request, pk):
    contact = get_object_or_404(Contact.objects.prefetch_related("numbers"), pk=pk)
    if request.method == "POST":
        services.delete_contact(contact=contact, user=request.user, ip=client_ip(request))
        messages.success(request, f"{contact.name} is deleted.")
        return redirect("contacts")
    return render(request, "contacts/contact_delete.html", {"contact": contact})


# --- Export ---------------------------------------------------------------------------

EXPORT_COLUMNS = ["name", "numbers", "company", "email", "reference", "notes", "created_at",
                  "updated_at"]


def _export_rows(organization):
    tz = organization.tzinfo
    yield EXPORT_COLUMNS
    # The response streams after the middleware has left the request's scope: enter it again.
    with organization_scope(organization):
        # Keyset batches: prefetching the numbers of each batch is one query per batch.
        for batch in batches_by_id(Contact.objects.prefetch_related("numbers"), EXPORT_CHUNK):
            for contact in batch:
                yield [contact.name, "; ".join(row.number for row in contact.numbers.all()),
                       contact.company, contact.email, contact.reference, contact.notes,
                       contact.created_at.astimezone(tz).isoformat(),
                       contact.updated_at.astimezone(tz).isoformat()]


@member_required
def contact_export(request):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(_export_rows(request.organization),
                        filename=f"contacts-{request.organization.slug}-{stamp}.csv")


# --- Import ---------------------------------------------------------------------------

class ImportSizeLimit(FileUploadHandler):
    """Refuses an upload larger than the import's limit as it arrives: the request's
    Content-Length says so before any byte of the file is read, and the bytes counted
    confirm it (a body sent in chunks has no length). Nothing of a refused file is kept;
    what is left of the body is read and dropped by Django's parser."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = import_max_bytes()
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Room for the form's other fields and the multipart headers. (Raised here, the
        # refusal would escape the parser: it is raised when the file starts.)
        self.too_large = bool(content_length and content_length > self.limit + 64 * 1024)

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        self.request.contact_import_too_large = True
        raise StopUpload(connection_reset=False)


@csrf_exempt
def contact_import(request):
    # The size limit must be in place before the CSRF check reads the body: exempt here,
    # checked by csrf_protect right after (Django's documented way to change handlers).
    if request.method == "POST":
        request.upload_handlers.insert(0, ImportSizeLimit(request))
    return _contact_import(request)


@csrf_protect
@may_work
def _contact_import(request):
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if getattr(request, "contact_import_too_large", False):
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", too_large_message())
        elif form.is_valid():
            record = imports.start_import(organization=request.organization,
                                          upload=form.cleaned_data["file"], user=request.user)
            return redirect("contact_import_detail", pk=record.pk)
    else:
        form = ImportForm()
    recent = ContactImport.objects.order_by("-created_at", "-id").exclude(
        state=ImportState.REPLACED)[:10]
    return render(request, "contacts/import.html", {
        "form": form, "recent": recent, "last": imports.last_import()},
        status=400 if form.errors else 200)


def _import_context(record: ContactImport) -> dict:
    return {"record": record, "may_undo": imports.may_undo(record),
            "active": record.state in imports.ACTIVE,
            "preview_errors": record.preview.get("first_errors", []),
            "result_errors": record.result.get("first_errors", [])}


@member_required
def contact_import_detail(request, pk):
    record = get_object_or_404(ContactImport, pk=pk)
    return render(request, "contacts/import_detail.html", _import_context(record))


@member_required
def contact_import_progress(request, pk):
    """The progress fragment, fetched again every few seconds while the import runs."""
    record = get_object_or_404(ContactImport, pk=pk)
    return render(request, "contacts/_import_progress.html", _import_context(record))


@may_work
@require_POST
def contact_import_confirm(request, pk):
    record = get_object_or_404(ContactImport, pk=pk)
    try:
        imports.confirm_import(contact_import=record, user=request.user, ip=client_ip(request))
    except imports.ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("contact_import_detail", pk=record.pk)


@may_work
@require_POST
def contact_import_undo(request, pk):
    record = get_object_or_404(ContactImport, pk=pk)
    try:
        done = imports.undo_import(contact_import=record, user=request.user,
                                   ip=client_ip(request))
    except imports.ImportRefused as refusal:
        messages.error(request, str(refusal))
    else:
        text = (f"Import undone: {done['deleted']} contacts deleted, {done['restored']} "
                "given their previous values back.")
        if done["numbers_not_restored"]:
            text += (" These numbers now belong to other contacts and were not given back: "
                     + ", ".join(done["numbers_not_restored"][:10]))
        messages.success(request, text)
    return redirect("contact_import_detail", pk=record.pk)

