"""The fax alerts' parts of other apps' pages, each one line there: the alerts panel of a
fax's page, and the attention list of the history page and the dashboard."""

from django import template

from fax_alerts import services
from fax_alerts.views import fax_panel_context

register = template.Library()


@register.inclusion_tag("fax_alerts/_fax_panel.html", takes_context=True)
def fax_alert_panel(context, fax):
    """Watching the fax's reference, its alerts, and its place on the attention list."""
    return {**fax_panel_context(context["request"], fax), "may_work": context.get("may_work")}


@register.inclusion_tag("fax_alerts/_attention.html", takes_context=True)
def fax_attention(context):
    """The newest faxes that need attention, with how many there are (two queries)."""
    return {"summary": services.attention_summary(), "request": context["request"],
            "may_work": context.get("may_work"),
            "may_administer": context.get("may_administer")}
