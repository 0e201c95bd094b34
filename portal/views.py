"""The dashboard: what the organization's people look at first. It composes the apps'
summaries (today's faxes, unread conversations, the connections) from the database only."""

from django.db.models import Count, Sum
from django.http import HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from accounts.models import Connection
from accounts.tenancy import member_required
from faxes.models import FaxSync
from faxes.services import counts_today
from messaging.models import Conversation, MessageSync


@member_required
def dashboard(request):
    connections = {c.kind: c for c in Connection.objects.all()}
    unread = Conversation.objects.visible_to(request.membership).filter(
        unread_count__gt=0).aggregate(
        conversations=Count("id"), messages=Sum("unread_count"))
    return render(request, "dashboard.html", {
        "fax_connection": connections.get(Connection.Kind.FAX),
        "sms_connection": connections.get(Connection.Kind.SMS),
        "counts": counts_today(request.organization),
        "sync": FaxSync.objects.first(),
        "message_sync": MessageSync.objects.first(),
        "unread_conversations": unread["conversations"] or 0,
        "unread_messages": unread["messages"] or 0,
    })


@csrf_exempt
def hook_not_found(request, *args, **kwargs):
    """Any other path under /hooks/ is a 404, never the redirect to an added slash that
    CommonMiddleware gives a path no view has: a sender would follow it as a GET, and its
    event would be lost."""
    return HttpResponseNotFound("Unknown webhook.", content_type="text/plain")
