"""What the portal says to people when the provider fails, for every app alike: the portal's
own words, with the provider's error code where it gave one, never its raw answer."""

from axion.errors import (
    AxionError,
    MalformedResponse,
    NoConnection,
    NotAllowed,
    OutcomeUnknown,
    ReplyTooLarge,
    TransportError,
    UnknownProviderError,
    URLNotAllowed,
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
    if isinstance(error, URLNotAllowed):
        return ("The portal does not call this connection's API URL: it must be https to a "
                "public address, or a host the portal's operator allows. An admin of your "
                "organization can correct it under Connections.")
    if isinstance(error, TransportError):
        if is_timeout(error):
            return f"Axion did not answer in time. {_WHAT_TO_DO}"
        return f"Axion could not be reached. {_WHAT_TO_DO}"
    if isinstance(error, ReplyTooLarge):
        return f"Axion's answer was larger than the portal accepts. {_WHAT_TO_DO}"
    if isinstance(error, MalformedResponse):
        return f"Axion answered with something the portal could not read. {_WHAT_TO_DO}"
    if isinstance(error, UnknownProviderError) and error.provider_code:
        return f"Axion answered with an error (code {error.provider_code}). {_WHAT_TO_DO}"
    return f"Axion answered with an error. {_WHAT_TO_DO}"
