"""`{% load team %}{{ note|note_html }}`: a note's text with its @-mentions marked."""

from django import template

from messaging import team

register = template.Library()


@register.filter
def note_html(note):
    return team.note_html(note)
