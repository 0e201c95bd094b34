"""The search page: /search/?q=, what the top bar's search box opens."""

from django.shortcuts import render

from accounts.tenancy import member_required
from common.pagination import cursor_after
from common.phone import is_us_number
from contacts.names import contacts_by_number
from search import services


def message_link_cursor(message) -> str:
    """The cursor of the conversation's page whose newest message is `message` (its pages
    run newest first, by sent_at then id)."""
    return cursor_after([message.sent_at, message.pk + 1])


@member_required
def search(request):
    text = request.GET.get("q", "")
    results, problem = None, ""
    if text.strip():
        try:
            results = services.search(organization=request.organization,
                                      membership=request.membership, query=text)
        except services.QueryError as error:
            problem = str(error)
    context = {"q": text.replace("\x00", "").strip()[:services.MAX_LENGTH * 2],
               "results": results, "problem": problem, "min_text": services.MIN_TEXT}
    if results is not None:
        numbers = services.numbers_shown(results)
        context.update(
            contacts=contacts_by_number(numbers),
            dialable={fax.destination_number for fax in results.faxes.items
                      if is_us_number(fax.destination_number)},
            message_rows=[(message, message_link_cursor(message))
                      for message in results.messages.items],
            lookup=services.lookup_offered(results))
    return render(request, "search/results.html", context, status=400 if problem else 200)
