"""`{% notification_bell %}`: the top bar's bell with the member's unread count, which
static/portal/notifications.js keeps up to date."""

from django import template

from notifications import services

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"show": False}
    seen = ""
    match = request.resolver_match
    if match is not None and match.url_name == "conversation":
        # The poll marks this conversation's notifications read while it is on screen.
        seen = f"conversation:{match.kwargs['pk']}"
    return {"show": True, "bell": services.bell(request.user), "seen": seen}
