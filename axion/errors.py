"""Every error of the provider client, and the one test callers need of them.

str() of each is a short message that is safe to show and log: it never holds a secret.
"""

from typing import Any, ClassVar


class AxionError(Exception):
    """Base of every error of the provider client.

    str() is a short message that is safe to show and log: it never holds a secret. The
    provider's whole answer is kept in `body` (text, secrets redacted) for logs, with the
    HTTP `status` and the provider `method` called.
    """

    def __init__(self, message: str = "", *, method: str = "", body: str = "",
                 status: int | None = None):
        super().__init__(message)
        self.method = method
        self.body = body
        self.status = status


class ProviderError(AxionError):
    """The provider answered with an error string."""

    error_string: ClassVar[str] = ""


class NotAllowed(ProviderError):
    """Invalid API key or session token."""

    error_string = "NOT ALLOWED"


class WrongCredentials(ProviderError):
    """Invalid username or password."""

    error_string = "WRONG CREDENTIALS"


class MissingParameters(ProviderError):
    error_string = "MISSING PARAMETERS"


class InvalidJson(ProviderError):
    error_string = "INVALID JSON"


class InvalidMethod(ProviderError):
    error_string = "INVALID METHOD"


class NotFound(ProviderError):
    """No record matches; the fax lookups turn it into an empty list (docs/provider.md quirk 3)."""

    error_string = "NOT FOUND"


class UnknownProviderError(ProviderError):
    """An error the provider's text does not list.

    `provider_code` is what the provider said when it looks like an error code (upper-case
    letters, digits, spaces, underscores; short), else empty: free text is kept only in
    `body`, for the logs, and never shown to people.
    """

    def __init__(self, message: str = "", *, provider_code: str = "", **kwargs: Any):
        super().__init__(message, **kwargs)
        self.provider_code = provider_code


class MalformedResponse(AxionError):
    """The answer is not a provider answer: HTML, empty, not JSON, a redirect, no RESULT."""


class ReplyTooLarge(MalformedResponse):
    """The answer was larger than the portal accepts; it was not read past the cap."""


class URLNotAllowed(AxionError):
    """The connection's API URL is not one the portal calls: not https, not a public
    address (checked again at every connection), or not among AXION_ALLOWED_HOSTS.
    Nothing was sent."""


class TransportError(AxionError):
    """The provider could not be reached or failed (timeout, refused, reset, HTTP 5xx).

    `request_sent` is False only when nothing went out (the connection was never made).
    """

    def __init__(self, message: str = "", *, request_sent: bool = True, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.request_sent = request_sent


class TransportTimeout(TransportError):
    """No connection or no answer within the timeout."""


class OutcomeUnknown(AxionError):
    """A sendSMS may have reached the provider but its answer was lost (docs/provider.md quirk 16).

    Deliberately not a TransportError, so that code which retries transport errors cannot
    resend by accident: record the send as unknown and reconcile it through getSMS.
    """


PROVIDER_ERRORS: tuple[type[ProviderError], ...] = (
    NotAllowed, WrongCredentials, MissingParameters, InvalidJson, InvalidMethod, NotFound,
)


class NoConnection(AxionError):
    """The organization has no connection of the kind needed: nothing was asked of Axion.

    An AxionError, so that callers who catch provider failures catch it too; its message
    says what to do and is shown as it is.
    """


def is_timeout(error: AxionError) -> bool:
    """Whether the provider did not answer in time (the API answers 504 rather than 502)."""
    return isinstance(error, TransportTimeout)
