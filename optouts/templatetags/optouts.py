"""{% opt_outs_among numbers as opted_out %}: the opt-outs of a page's numbers, one query,
for pages that show whether a number may be texted (a contact's)."""

from django import template

from optouts.models import OptOut

register = template.Library()


@register.simple_tag
def opt_outs_among(numbers) -> dict:
    """{number: OptOut} of those of `numbers` that opted out (in the request's scope)."""
    numbers = [number for number in numbers if number]
    if not numbers:
        return {}
    return {row.number: row for row in OptOut.objects.filter(number__in=numbers)}


@register.filter
def opt_out_of(number, opt_outs: dict):
    return opt_outs.get(number)
