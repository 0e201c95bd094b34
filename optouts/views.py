"""The opt-out list (owners and admins): search, add, remove, CSV export and import; and
what each messaging number answers to STOP, START and HELP."""

from django.contrib import messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.tenancy import organization_scope, role_required
from common.addresses import client_ip
from common.pagination import batches_by_id, keyset_page
from common.phone import display_number
from common.spreadsheets import csv_download
from contacts.names import contacts_by_number
from messaging.models import MessagingNumber
from optouts import imports, replies, services
from optouts.forms import AddOptOutForm, ImportForm, RemoveOptOutForm, RepliesForm, SearchForm
from optouts.models import InboundKeyword, OptOut, OptOutSource

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
IMPORT_SALT = "optouts.import"
IMPORT_HOURS = 1
RECENT_KEYWORDS = 20
may_administer = role_required(Role.ADMIN)


def _list_context(request, add_form=None) -> dict:
    search = SearchForm(request.GET or None)
    rows = OptOut.objects.select_related("created_by")
    digits = search.digits()
    if digits:
        rows = rows.filter(number__contains=digits)
    page = keyset_page(rows, ordering=("-created_at", "-id"), cursor=request.GET.get("cursor"),
                       size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    return {"page": page, "search": search, "searched": digits, "query": query.urlencode(),
            "contacts": contacts_by_number(row.number for row in page.items),
            "add_form": add_form or AddOptOutForm(), "import_form": ImportForm()}


@may_administer
def opt_out_list(request):
    if request.method == "POST":
        form = AddOptOutForm(request.POST)
        if form.is_valid():
            number = form.cleaned_data["number"]
            _, added = services.opt_out(
                organization=request.organization, number=number,
                source=OptOutSource.MEMBER, user=request.user, note=form.cleaned_data["note"],
                ip=client_ip(request))
            if added:
                messages.success(request, f"{display_number(number)} is opted out: nothing "
                                          "will be sent to it.")
            else:
                messages.info(request, f"{display_number(number)} was already opted out.")
            return redirect("opt_outs")
        return render(request, "optouts/list.html", _list_context(request, form), status=400)
    return render(request, "optouts/list.html", _list_context(request))


@may_administer
def opt_out_remove(request, pk):
    row = get_object_or_404(OptOut, pk=pk)
    form = RemoveOptOutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.opt_in(organization=request.organization, number=row.number,
                        source=OptOutSource.MEMBER, user=request.user, ip=client_ip(request))
        messages.success(request, f"{display_number(row.number)} may be texted again.")
        return redirect("opt_outs")
    return render(request, "optouts/remove.html", {
        "row": row, "form": form, "how": services.how_opted_out(row),
        "contact": contacts_by_number([row.number]).get(row.number)},
        status=400 if form.errors else 200)


# --- Export ---------------------------------------------------------------------------

EXPORT_COLUMNS = ["number", "opted_out_at", "source", "keyword", "note", "added_by"]


def _export_rows(organization):
    tz = organization.tzinfo
    yield EXPORT_COLUMNS
    # The response streams after the middleware has left the request's scope.
    with organization_scope(organization):
        for batch in batches_by_id(OptOut.objects.select_related("created_by"), EXPORT_CHUNK):
            for row in batch:
                yield [row.number, row.created_at.astimezone(tz).isoformat(), row.source,
                       row.keyword, row.note,
                       row.created_by.get_username() if row.created_by else ""]


@may_administer
def opt_out_export(request):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(_export_rows(request.organization),
                        filename=f"opt-outs-{request.organization.slug}-{stamp}.csv")


# --- Import: upload and dry run, then confirm -------------------------------------------

@may_administer
def opt_out_import(request):
    """Upload a file: nothing changes yet; the page shows what the import will do, and
    carries the numbers read (signed) to the confirmation."""
    form = (ImportForm(request.POST, request.FILES) if request.method == "POST"
            else ImportForm())
    if request.method != "POST" or not form.is_valid():
        return render(request, "optouts/import.html", {"form": form},
                      status=400 if form.errors else 200)
    try:
        read = imports.read_opt_out_file(form.cleaned_data["file"].read(imports.MAX_BYTES + 1))
    except imports.FileProblem as problem:
        form.add_error("file", str(problem))
        return render(request, "optouts/import.html", {"form": form}, status=400)
    known = services.numbers_on_list(organization=request.organization, numbers=read.entries)
    new = [number for number in read.entries if number not in known]
    token = signing.dumps({"organization": request.organization.pk, "entries": read.entries},
                          salt=IMPORT_SALT, compress=True)
    return render(request, "optouts/import.html", {
        "form": ImportForm(), "read": read, "new": new, "known": len(known), "token": token,
        "filename": form.cleaned_data["file"].name})


@may_administer
@require_POST
def opt_out_import_confirm(request):
    try:
        data = signing.loads(request.POST.get("token", ""), salt=IMPORT_SALT,
                             max_age=IMPORT_HOURS * 3600)
    except signing.BadSignature:
        messages.error(request, "This import is too old or was changed: upload the file "
                                "again.")
        return redirect("opt_out_import")
    if data.get("organization") != request.organization.pk:
        messages.error(request, "This import was made in another organization: upload the "
                                "file again.")
        return redirect("opt_out_import")
    added = services.import_opt_outs(organization=request.organization,
                                     entries=data["entries"], user=request.user,
                                     ip=client_ip(request))
    messages.success(request, f"Imported: {added} number{'s' if added != 1 else ''} added to "
                              f"the opt-out list.")
    return redirect("opt_outs")


# --- What a number answers --------------------------------------------------------------

@may_administer
def number_replies(request, pk):
    number = get_object_or_404(MessagingNumber, pk=pk)
    form = RepliesForm(request.POST if request.method == "POST" else None,
                       instance=replies.replies_of(number),
                       organization=request.organization)
    if request.method == "POST" and form.is_valid():
        replies.save_replies(number=number, user=request.user, ip=client_ip(request),
                             **{name: form.cleaned_data[name] for name in replies.FIELDS.values()})
        messages.success(request, f"{display_number(number.number)}: keyword replies saved.")
        return redirect("number_replies", pk=number.pk)
    recent = list(InboundKeyword.objects.filter(own_number=number)
                  .order_by("-sent_at", "-id")[:RECENT_KEYWORDS])
    return render(request, "optouts/replies.html", {
        "number": number, "form": form, "recent": recent,
        "contacts": contacts_by_number(row.number for row in recent)},
        status=400 if form.errors else 200)
