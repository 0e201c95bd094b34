"""Faxes pages: the history with filters, the lookup, and the CSV export."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Connection
from accounts.tenancy import member_required, organization_scope
from common.pagination import keyset_page
from common.spreadsheets import spreadsheet_row
from faxes import services
from faxes.forms import FaxFilterForm, LookupForm
from faxes.models import Fax, FaxSync

PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def _filtered(request):
    """The filter form and the matching faxes with their ordering (invalid: unfiltered)."""
    form = FaxFilterForm(request.GET or None)
    faxes = Fax.objects.all()
    ordering = ("-sent_at", "-id")
    if form.is_valid():
        faxes = faxes.matching(**form.filters(request.organization))
        ordering = form.ordering()
    return form, faxes, ordering


@member_required
def fax_list(request):
    form, faxes, ordering = _filtered(request)
    page = keyset_page(faxes, ordering=ordering, cursor=request.GET.get("cursor"),
                       size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "faxes/fax_list.html", {
        "filter_form": form,
        "lookup_form": LookupForm(),
        "page": page,
        "query": query.urlencode(),
        "sync": FaxSync.objects.first(),
        "has_connection": Connection.objects.filter(kind=Connection.Kind.FAX).exists(),
        "counts": services.counts_today(request.organization),
    })


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
                  {"lookup_form": form, "result": result, "searched": searched})


CSV_COLUMNS = ["reference", "from", "to", "time", "pages", "status", "tries",
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
        for fax in faxes.order_by(*ordering).iterator(chunk_size=EXPORT_CHUNK):
            yield writer.writerow(spreadsheet_row([
                fax.customer_field, fax.source_number, fax.destination_number,
                fax.sent_at.astimezone(tz).isoformat(), fax.pages, fax.status, fax.try_count,
                fax.status_changed_at.astimezone(tz).isoformat(),
                fax.last_seen_at.astimezone(tz).isoformat(),
            ]))


@member_required
def fax_export(request):
    _, faxes, ordering = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(request.organization, faxes, ordering),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="faxes-{request.organization.slug}-{stamp}.csv"')
    return response
