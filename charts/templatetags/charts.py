"""The charts, drawn on the server as inline SVG with their numbers as a table.

`{% fax_days_chart %}`, `{% failing_destinations_chart %}` and `{% message_days_chart %}`
read the current organization's pre-aggregated rows (charts/services.py: one query each,
plus one for the destinations' contacts), never the faxes or messages themselves, so a page
that shows them costs the same whatever the number of faxes. Pages include them through
templates/charts/fax_charts.html and message_chart.html.
"""

from django import template
from django.utils.formats import date_format

from charts import services
from charts.services import CHART_DAYS, MIN_DESTINATION_FAXES
from charts.svg import daily_bars, horizontal_bars
from common.phone import display_number
from contacts.names import contacts_by_number

register = template.Library()


def _day(day) -> str:
    return date_format(day, "M j")


def _daily(*, chart_id: str, title: str, names: tuple[str, str],
           counts: services.DailyCounts) -> dict:
    chart = daily_bars(counts.days, counts.values)
    for bar in chart.bars:
        bar.note = f"{_day(bar.day)}: " + ", ".join(
            f"{value} {name.lower()}" for name, value in zip(names, bar.values, strict=True))
    totals = chart.totals()
    series = [{"name": name, "total": total, "hatched": index == 1}
              for index, (name, total) in enumerate(zip(names, totals, strict=True))]
    period = f"{_day(counts.days[0])} to {_day(counts.days[-1])}"
    summary = f"{period}: " + ", ".join(f"{total} {name.lower()}" for name, total in
                                        zip(names, totals, strict=True))
    if not chart.empty:
        busiest = max(chart.bars, key=lambda bar: (bar.total, bar.day))
        summary += f"; the busiest day was {_day(busiest.day)} with {busiest.total}."
    else:
        summary += "."
    return {"id": chart_id, "title": title, "summary": summary, "chart": chart,
            "series": series}


@register.inclusion_tag("charts/_daily.html", takes_context=True)
def fax_days_chart(context):
    counts = services.fax_days(organization=context["organization"])
    return _daily(chart_id="fax-days",
                  title=f"Faxes sent and failed per day, last {CHART_DAYS} days",
                  names=("Sent", "Failed"), counts=counts)


@register.inclusion_tag("charts/_daily.html", takes_context=True)
def message_days_chart(context):
    counts = services.message_days(organization=context["organization"],
                                   membership=context.get("membership"))
    return _daily(chart_id="message-days",
                  title=f"Messages in and out per day, last {CHART_DAYS} days",
                  names=("In", "Out"), counts=counts)


@register.inclusion_tag("charts/_failing_destinations.html", takes_context=True)
def failing_destinations_chart(context):
    ranked = services.failing_destinations()
    contacts = contacts_by_number(row.destination for row in ranked)
    chart = horizontal_bars(ranked, [row.rate for row in ranked])
    for row in chart.rows:
        contact = contacts.get(row.item.destination)
        row.name = contact.name if contact else ""
    parts = [f"{display_number(row.item.destination)}"
             f"{f' ({row.name})' if row.name else ''}: {row.percent}% "
             f"({row.item.failed} of {row.item.total} failed)" for row in chart.rows]
    period = (f"{_day(ranked[0].first_day)} to {_day(ranked[0].last_day)}" if ranked
              else f"the last {CHART_DAYS} days")
    summary = (f"Destinations with the highest failure rate, {period}, among those with at "
               f"least {MIN_DESTINATION_FAXES} finished faxes: " + "; ".join(parts) + "."
               if parts else "")
    return {"id": "failing-destinations", "chart": chart, "summary": summary,
            "contacts": contacts, "minimum": MIN_DESTINATION_FAXES, "days": CHART_DAYS,
            "may_work": context.get("may_work", False), "request": context.get("request")}
