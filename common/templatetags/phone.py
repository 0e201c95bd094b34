"""`{{ number|phone }}`: a stored number as people read it (common.phone.display_number)."""

from django import template

from common.phone import display_number

register = template.Library()


@register.filter
def phone(number) -> str:
    return display_number(str(number or ""))
