"""`{% fax_backfill_progress as backfill %}`: the organization's backfill of past days and
how many are fetched (faxes.backfill.Progress), for the fax history and the connections
page (faxes/backfill_progress.html)."""

from django import template

from faxes import backfill

register = template.Library()


@register.simple_tag(takes_context=True)
def fax_backfill_progress(context):
    organization = context.get("organization")
    return backfill.progress(organization) if organization is not None else None
