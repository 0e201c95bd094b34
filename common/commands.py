"""What the management commands of every app share."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def command_error(error: ValidationError, names: dict[str, str] | None = None) -> CommandError:
    """A CommandError that lists a ValidationError's messages by field.

    `names` renames fields to what the operator typed (an option or environment variable).
    """
    names = names or {}
    if not hasattr(error, "error_dict"):
        return CommandError(" ".join(error.messages))
    return CommandError("; ".join(
        f"{names.get(field, field)}: {' '.join(messages)}"
        for field, messages in error.message_dict.items()))
