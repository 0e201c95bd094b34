"""Faxes pages: the history with filters, the lookup, and the CSV export.

Each page and each chunk of the export looks up the contacts of its faxes' destinations
once (contacts.names.contacts_by_number): one query whatever the number of rows.
"""

import csv
from itertools import islice

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Connection, Role
from accounts.tenancy import member_required, organization_scope, role_required
from common.addresses import client_ip
from common.pagination import keyset_page
from common.phone import is_us_number
from common.spreadsheets import spreadsheet_row
from contacts.names import contacts_by_number
from faxes import backfill, services
from faxes.forms import FaxFilterForm, LookupForm
from faxes.models import Fax, FaxSync

PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def _filtered(request):
    """The filter form and the matching faxes with their ordering: every fax without
    filters, none when the filters are not valid (the form says why)."""
    form = FaxFilterForm(request.GET or None)
    faxes = Fax.objects.all()
    ordering = ("-sent_at", "-id")
    if form.is_valid():
        faxes = faxes.matching(**form.filters(request.organization))
        ordering = form.ordering()
    elif form.errors:
        faxes = Fax.objects.none()
    return form, faxes, ordering


def _history(request, form, faxes, ordering):
    """The history page; a 400 when the filters are not valid, with the form saying why."""
    page = keyset_page(faxes, ordering=ordering, cursor=request.GET.get("cursor"),
                       size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "faxes/fax_list.html", {
        "filter_form": form,
        "lookup_form": LookupForm(),
        "page": page,
        **destinations(page.items),
        "query": query.urlencode(),
        "sync": FaxSync.objects.first(),
        "has_connection": Connection.objects.filter(kind=Connection.Kind.FAX).exists(),
        "counts": services.counts_today(request.organization),
    }, status=400 if form.errors else 200)


def destination_contacts(faxes) -> dict:
    """{number: Contact} for the destinations of `faxes`, in one query."""
    return contacts_by_number(fax.destination_number for fax in faxes)


def destinations(faxes) -> dict:
    """What the fax rows show of their destinations: `contacts` ({number: Contact}) and
    `dialable`, the destinations that are phone numbers (a tel: link, "Save as contact"),
    unlike a mis-dialled "1234" shown as it came."""
    return {"contacts": destination_contacts(faxes),
            "dialable": {fax.destination_number for fax in faxes
                         if is_us_number(fax.destination_number)}}


@member_required
def fax_list(request):
    return _history(request, *_filtered(request))


@member_required
def fax_lookup(request):
    form = LookupForm(request.GET or None)
    result = None
    searched = ""
    if form.is_valid():
        references = form.cleaned_data["reference_list"]
        if references:
            result = services.lookup_references(organization=request.organization,
                                                references=references)
            searched = ", ".join(references)
        else:
            day = form.cleaned_data["day"]
            result = services.lookup_day(organization=request.organization, day=day)
            searched = day.isoformat()
    return render(request, "faxes/fax_lookup.html",
                  {"lookup_form": form, "result": result, "searched": searched,
                   **destinations(result.faxes if result else [])},
                  status=400 if form.errors else 200)


@member_required
def fax_detail(request, pk):
    """One fax: its fields, the contact of its destination, and its timeline (a constant
    number of queries, however long the timeline)."""
    fax = get_object_or_404(Fax, pk=pk)
    return render(request, "faxes/fax_detail.html",
                  {"fax": fax, "timeline": services.timeline(fax), **destinations([fax])})


@require_POST
@role_required(Role.AGENT)
def fax_refresh(request, pk):
    """"Look up at Axion now": what the provider says of the fax is stored (observed via
    lookup) and the page shows it."""
    fax = get_object_or_404(Fax, pk=pk)
    result = services.lookup_fax(organization=request.organization, fax=fax)
    if result.error:
        messages.error(request, result.error)
    elif result.not_found:
        messages.warning(request, "Axion knows no fax with this reference any more: the "
                                  "page shows what the portal saw last.")
    else:
        fax.refresh_from_db()
        messages.success(request, f"Axion says: {fax.get_status_display().lower()}, "
                                  f"{fax.try_count} of {fax.MAX_TRIES} tries.")
    return redirect("fax_detail", pk=fax.pk)


@require_POST
@role_required(Role.ADMIN)
def backfill_retry(request):
    """Retry a backfill that stopped: a run is queued that resumes at the first day not
    fetched."""
    backfill.retry(organization=request.organization, actor=request.user,
                   ip=client_ip(request))
    messages.success(request, "The fetch of the fax history goes on in a moment.")
    return redirect("connections" if request.POST.get("back") == "connections"
                    else "fax_list")


# Numbers as stored (E.164 for US numbers), for other systems to read; "contact" is the
# name of the destination's contact, empty without one.
CSV_COLUMNS = ["reference", "from", "to", "contact", "time", "pages", "status", "tries",
               "status_changed_at", "last_seen_at"]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv rows."""

    def write(self, value):
        return value


def _csv_rows(organization, faxes, ordering):
    writer = csv.writer(_Echo())
    tz = organization.tzinfo
    yield writer.writerow(CSV_COLUMNS)
    # The response streams after the middleware has left the request's scope: enter it again.
    with organization_scope(organization):
        rows = faxes.order_by(*ordering).iterator(chunk_size=EXPORT_CHUNK)
        # One contacts query per chunk of rows, not one per row.
        while chunk := list(islice(rows, EXPORT_CHUNK)):
            contacts = destination_contacts(chunk)
            for fax in chunk:
                contact = contacts.get(fax.destination_number)
                yield writer.writerow(spreadsheet_row([
                    fax.customer_field, fax.source_number, fax.destination_number,
                    contact.name if contact else "",
                    fax.sent_at.astimezone(tz).isoformat(), fax.pages, fax.status,
                    fax.try_count, fax.status_changed_at.astimezone(tz).isoformat(),
                    fax.last_seen_at.astimezone(tz).isoformat(),
                ]))


@member_required
def fax_export(request):
    form, faxes, ordering = _filtered(request)
    if form.errors:
        # A link edited by hand: say what is wrong where the filters are, rather than
        # export every fax or an empty file.
        return _history(request, form, faxes, ordering)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(request.organization, faxes, ordering),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="faxes-{request.organization.slug}-{stamp}.csv"')
    return response
