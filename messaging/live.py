"""Live updates of the inbox and of a conversation, cheap when nothing happens.

Every open inbox or conversation tab polls every few seconds (static/portal/live.js).
Rendering the page's fragment for each poll would cost hundreds of renders a second with a
few hundred tabs open, for pages that mostly did not change. Instead each poll reads one
change marker with one indexed query, and renders only when it moved:

- `Conversation.changed_at` moves on every change a reader would see (messages, status,
  assignment, labels, notes, deletes, the unread count);
- the inbox's marker is the organization's latest `changed_at` (the index
  conv_org_changed); the member's filters are in the poll's URL, so one marker per
  organization serves them all (a change in a conversation the member does not see costs
  a harmless render);
- a conversation's marker is its own `changed_at`, read with the member's visibility check.

Commit order. Two transactions may commit in another order than the times they stamped:
a change stamped t may become visible after a render that already saw a change stamped
after t. A render therefore vouches only for what was stamped more than `GRACE` before it
was read (by then every transaction stamped earlier has committed), and a marker is given
out only once it is that old ("settled"); until then each poll renders again. So a render
whose marker is L saw every change stamped up to L, and any change it missed is stamped
after L and moves the marker. The cost: after each change, every open tab renders two or
three times (for GRACE, then once more for the settled marker) instead of once.

The inbox's poll is plain HTTP: the marker is its ETag, and a poll whose If-None-Match
still matches is answered 304 Not Modified by Django's `condition` decorator, without a
render. A conversation's poll also carries who else has it open and who is typing
(messaging/presence.py), which a 304 cannot, so it answers a small JSON object:
`{"changed": false, "presence": [...], "presence_text": "..."}`, or, when its marker is
not the client's (`?marker=`; any difference: a late commit may write an older stamp),
`"changed": true` with the new marker and the fragment's HTML. Either poll costs, beyond
what the middleware costs for any signed-in request, one indexed read when nothing
happened, plus, for a conversation, a few reads and one write in the cache.
"""

from datetime import UTC, datetime, timedelta

from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET, require_POST

from accounts.models import Role
from accounts.tenancy import member_required, role_required
from messaging import presence, views
from messaging.models import Conversation

# How long a change may take from its stamp to its commit. SQLite waits up to its 5 s busy
# timeout for the write lock, which a change stamped before its transaction began may spend;
# transactions never wait on the provider (docs/architecture.md).
GRACE = timedelta(seconds=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def settled_marker(latest: datetime | None, *, read_at: datetime) -> str | None:
    """The marker of a render that read `latest` (the newest change stamp) at `read_at`:
    None while a change stamped earlier may still commit (see the module's docstring)."""
    if latest is None:
        return "none"  # nothing yet: any change moves it
    if latest > read_at - GRACE:
        return None
    return str((latest - _EPOCH) // timedelta(microseconds=1))


def _inbox_etag(request) -> str | None:
    read_at = timezone.now()
    latest = (Conversation.objects.order_by("-changed_at")
              .values_list("changed_at", flat=True).first())
    marker = settled_marker(latest, read_at=read_at)
    # The organization in the tag: a member who switched organizations in another tab
    # polls the same URL for another inbox.
    return None if marker is None else f"{request.organization.pk}-{marker}"


@member_required
@require_GET
@cache_control(private=True, no_cache=True)
@condition(etag_func=_inbox_etag)
def inbox(request):
    """The inbox's rows (messaging.views.inbox_fragment, with the same filters), or 304
    while the organization's marker matches If-None-Match."""
    return views.inbox_fragment(request)


def _conversation_marker(request, pk: int) -> str | None:
    """The conversation's marker (one query); a 404 for a conversation the member does not
    see."""
    read_at = timezone.now()
    row = (Conversation.objects.visible_to(request.membership).filter(pk=pk)
           .values_list("changed_at", "unread_count").first())
    if row is None:
        raise Http404("No such conversation.")
    changed_at, unread = row
    if unread:
        # Something arrived that the member has not seen: the render marks it read
        # (views.conversation_fragment), which moves the marker for the inbox's badge.
        return None
    return settled_marker(changed_at, read_at=read_at)


@member_required
@require_GET
@cache_control(private=True, no_store=True)
def conversation(request, pk: int):
    """The conversation's poll: who else is here, and the messages when they changed
    (views.conversation_fragment, which also marks what arrived read)."""
    marker = _conversation_marker(request, pk)
    others = presence.check_in(conversation_id=pk, user=request.user)
    body = {"changed": False, "presence": [p.as_json() for p in others],
            "presence_text": presence.describe(others)}
    if marker is None or marker != request.GET.get("marker"):
        # Rendered after the marker was read: the render holds at least what it vouches for.
        fragment = views.conversation_fragment(request, pk)
        body.update(changed=True, marker=marker or "", html=fragment.content.decode())
    return JsonResponse(body)


@role_required(Role.AGENT)
@require_POST
def typing(request, pk: int):
    """live.js pings this (at most every few seconds) while the member types a reply."""
    if not Conversation.objects.visible_to(request.membership).filter(pk=pk).exists():
        raise Http404("No such conversation.")
    presence.record_typing(conversation_id=pk, user=request.user)
    return HttpResponse(status=204)
