"""The provider client: everything that talks to Axion's two APIs, free of Django models.

- `errors`: every exception, and `is_timeout`;
- `transport`: the one JSON-over-HTTPS transport (sessions, retries, redaction);
- `answers`: how an answer becomes a result or an error;
- `tokens`: the token store protocol (the portal's own store is accounts/tokens.py);
- `fax`, `sms`: the typed clients of the fax status API and the SMS API;
- `wording`: what people are told when the provider fails;
- `client_for(connection)`: the one way jobs, views and tests get a client;
- `outbound_policy()`: which API URLs the portal calls (checked when a connection is saved,
  and again at every connection the transport makes).

The provider's behaviour, quirks included, is described in docs/provider.md.
"""

from typing import Any, Protocol

from django.conf import settings

from axion.fax import FaxClient
from axion.sms import SmsClient
from axion.tokens import TokenStore
from axion.transport import FAX_API, SMS_API, AxionTransport
from common.outbound import OutboundPolicy

# The key names of each kind of connection's API.
DIALECTS = {"fax": FAX_API, "sms": SMS_API}


class ConnectionLike(Protocol):
    """What a client needs of a connection (accounts.models.Connection is one)."""

    kind: str
    api_url: str
    api_key: str
    username: str
    password: str

    @property
    def tzinfo(self) -> Any: ...

    def token_store(self) -> TokenStore: ...


def outbound_policy() -> OutboundPolicy:
    """The API URLs the portal calls: https to public addresses; only the hosts of
    AXION_ALLOWED_HOSTS when it is set (a host listed exactly also on a private address or
    over http); and the sandbox's own two URLs while AXION_SANDBOX is on."""
    sandbox = ()
    if settings.AXION_SANDBOX:
        sandbox = tuple(f"{settings.PORTAL_BASE_URL}/sandbox/{kind}" for kind in DIALECTS)
    return OutboundPolicy(allowed_hosts=tuple(settings.AXION_ALLOWED_HOSTS),
                          allowed_urls=sandbox)


def client_for(connection: ConnectionLike, *, interactive: bool = False,
               **options: Any) -> FaxClient | SmsClient:
    """The client of a connection's kind, with its token store, and the URL policy,
    timeouts, deadline and answer caps from settings.

    `interactive`: a person waits for the answer (a lookup, a send, a delete, a media
    file), so one attempt with the shorter AXION_INTERACTIVE_READ_TIMEOUT rather than
    retries that could keep the page waiting for a minute. `options` go to the transport
    (tests pass `sleep`, `clock`, `session`). Close the client (or use `with`) when done.
    """
    read_timeout = settings.AXION_READ_TIMEOUT
    deadline = settings.AXION_CALL_DEADLINE_SECONDS
    if interactive:
        read_timeout = settings.AXION_INTERACTIVE_READ_TIMEOUT
        # A page waits for one connection and one answer at the most.
        deadline = min(deadline, settings.AXION_CONNECT_TIMEOUT + read_timeout)
        options.setdefault("attempts", 1)
    options.setdefault("policy", outbound_policy())
    options.setdefault("deadline", deadline)
    options.setdefault("max_reply_bytes", settings.AXION_MAX_REPLY_BYTES)
    # getMMSMedia answers with the file, up to the largest the portal keeps, or with a JSON
    # error, which any answer may be.
    options.setdefault("max_media_bytes",
                       max(settings.MMS_MEDIA_MAX_BYTES, settings.AXION_MAX_REPLY_BYTES))
    transport = AxionTransport(
        url=connection.api_url, api_key=connection.api_key, username=connection.username,
        password=connection.password, dialect=DIALECTS[connection.kind],
        token_store=connection.token_store(),
        timeout=(settings.AXION_CONNECT_TIMEOUT, read_timeout), **options)
    if connection.kind == "fax":
        # Fax times carry no zone: they are read in the connection's (docs/provider.md,
        # quirk 6).
        return FaxClient(transport, time_zone=connection.tzinfo)
    return SmsClient(transport)
