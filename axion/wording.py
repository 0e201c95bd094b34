"""What the portal says to people when the provider fails, for every app alike."""

from axion.errors import (
    AxionError,
    MalformedResponse,
    NoConnection,
    NotAllowed,
    OutcomeUnknown,
    TransportError,
    UnknownProviderError,
    WrongCredentials,
    is_timeout,
)

_WHAT_TO_DO = "What the portal already knows is shown; try again in a minute."


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
