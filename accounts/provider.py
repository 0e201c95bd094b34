"""What the portal says and records when the provider fails, for every app alike."""

from django.utils import timezone

from accounts.axion import (
    AxionError,
    MalformedResponse,
    NotAllowed,
    OutcomeUnknown,
    TransportError,
    UnknownProviderError,
    WrongCredentials,
)
from accounts.models import Connection, Organization
from accounts.tenancy import organization_scope

_WHAT_TO_DO = "What the portal already knows is shown; try again in a minute."


class NoConnection(AxionError):
    """The organization has no connection of the kind needed: nothing was asked of Axion.

    An AxionError, so that callers who catch provider failures catch it too; its message
    says what to do and is shown as it is.
    """


def is_timeout(error: AxionError) -> bool:
    """Whether the provider did not answer in time (the API answers 504 rather than 502)."""
    return isinstance(error, TransportError) and (
        "timed out" in str(error).lower() or "timeout" in type(error).__name__.lower())


def describe_provider_error(error: AxionError) -> str:
    """A message for people: what happened and what to do. Never contains a secret."""
    if isinstance(error, WrongCredentials):
        return ("Axion rejected the stored username or password. An admin of your "
                "organization can update them under Connections.")
    if isinstance(error, NotAllowed):
        return ("Axion did not accept the API key. An admin of your organization can check "
                "it under Connections.")
    if isinstance(error, OutcomeUnknown):
        return ("Axion did not confirm the message: it may or may not have gone out. It is "
                "marked as unknown and checked with Axion before anything is sent again.")
    if isinstance(error, NoConnection):
        return str(error)
    if isinstance(error, TransportError):
        if is_timeout(error):
            return f"Axion did not answer in time. {_WHAT_TO_DO}"
        return f"Axion could not be reached. {_WHAT_TO_DO}"
    if isinstance(error, MalformedResponse):
        return f"Axion answered with something the portal could not read. {_WHAT_TO_DO}"
    if isinstance(error, UnknownProviderError):
        return f"Axion answered with an error ({error.provider_text}). {_WHAT_TO_DO}"
    return f"Axion answered with an error. {_WHAT_TO_DO}"


def note_provider_failure(*, organization: Organization, kind: str,
                          error: AxionError) -> None:
    """Flag the connection as failing when the provider rejected its credentials (username
    and password, or the API key): shown on its settings page and the dashboard. Other
    failures (down, slow) say nothing about the credentials and change nothing."""
    if not isinstance(error, WrongCredentials | NotAllowed):
        return
    with organization_scope(organization):
        Connection.objects.filter(kind=kind, failing_since__isnull=True).update(
            failing_since=timezone.now())
        Connection.objects.filter(kind=kind).update(
            last_error=describe_provider_error(error)[:500])
