"""Input that is well formed but that a rule refuses (a recipient who opted out): pages show
its message at the field like any validation error; the API answers 422 with the refusal's
own code, so an integrator can tell it from a typo."""

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A ValidationError of `fields` ({"field": message or [messages]}) carrying `code`."""

    def __init__(self, fields: dict, *, code: str):
        super().__init__(fields)
        self.refusal_code = code
