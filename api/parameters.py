"""Query parameters an API view does not read are refused, naming them, as Stripe's API
does: a misspelt filter would otherwise list everything, silently."""

from django.http import QueryDict
from rest_framework import exceptions


def refuse_unknown(query: QueryDict, accepted: dict[str, bool]) -> None:
    """A 400 on each parameter of `query` that is not `accepted`, or that is given more
    than once where it is read once (`accepted` says of each name whether it may repeat)."""
    takes = ", ".join(sorted(accepted))
    errors = {}
    for name in query:
        if name not in accepted:
            errors[name] = [f"Unknown parameter: this endpoint takes {takes}."]
        elif not accepted[name] and len(query.getlist(name)) > 1:
            errors[name] = ["Give this parameter once."]
    if errors:
        raise exceptions.ValidationError(errors)
