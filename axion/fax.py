"""`FaxClient`: the fax status API (version 3), one typed method per provider method.

Answers become `FaxRecord`s with normalised values: numbers in E.164 where they are US ones
(docs/provider.md quirk 11), times as aware datetimes in the connection's time zone
(docs/provider.md quirk 6), page and try counts as integers whether they came as strings or numbers
(docs/provider.md quirk 4), a customer field that may be None (docs/provider.md quirk 5). `NOT
FOUND` is an empty list, not an error (docs/provider.md quirk 3). Everything else (session,
retries, errors) is the transport's, in axion/transport.py.
"""

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from axion.errors import MalformedResponse, NotFound
from axion.transport import AxionTransport
from common.phone import normalize_number

CUSTOMER_FIELD = "CUSTOMER_PROVIDED_FAX_FIELD"


@dataclass(frozen=True)
class FaxRecord:
    """One fax as the provider reports it. Faxes have no id: see `identity`
    (docs/provider.md quirk 7)."""

    customer_field: str | None
    source_number: str
    destination_number: str
    time: dt.datetime
    pages: int
    status: str
    try_count: int
    raw: dict[str, Any] = field(compare=False, repr=False)

    @property
    def identity(self) -> tuple[str | None, str, str, dt.datetime]:
        """What identifies a fax (faxes.models.fax_identity); its status, tries and pages
        change over time, and its time is read in the connection's zone, which may change."""
        return (self.customer_field, self.source_number, self.destination_number, self.time)


class FaxClient:
    """The fax status API of one connection."""

    def __init__(self, transport: AxionTransport, time_zone: dt.tzinfo = dt.UTC):
        self.transport = transport
        # Fax times (docs/provider.md quirk 6) carry no zone; they are read in the connection's.
        self.time_zone = time_zone

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> "FaxClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def login(self) -> None:
        """Log in now and store the new token (renewal, connection test)."""
        self.transport.login()

    def fax_status(self, customer_field: str) -> list[FaxRecord]:
        """The faxes sent with this customer field (METHOD Fax_Status)."""
        data = self._lookup("Fax_Status", {CUSTOMER_FIELD: customer_field})
        # These faxes do not repeat the field: it is the one asked for.
        return self._faxes(data, default_customer_field=data.get(CUSTOMER_FIELD, customer_field))

    def fax_group_status(self, customer_fields: Sequence[str]) -> list[FaxRecord]:
        """The faxes sent with any of these customer fields (METHOD Fax_Group_Status)."""
        if not customer_fields:
            return []
        data = self._lookup("Fax_Group_Status",
                            {"CUSTOMER_PROVIDED_FAX_FIELDS": list(customer_fields)})
        return self._faxes(data)

    def all_faxes(self, date: dt.date) -> list[FaxRecord]:
        """Every fax of one day (METHOD All_Faxes_Status; the provider's example is wrong,
        docs/provider.md quirk 8)."""
        return self._faxes(self._lookup("All_Faxes_Status", {"DATE": date.isoformat()}))

    def _lookup(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return self.transport.call(method, params, repeatable=True)
        except NotFound:
            return {"RESULT": "NOT FOUND", "FAXES": []}

    def _faxes(self, data: Mapping[str, Any],
               default_customer_field: str | None = None) -> list[FaxRecord]:
        faxes = data.get("FAXES") or []
        if not isinstance(faxes, list):
            raise _malformed("FAXES is not a list", data)
        return [self._record(fax, default_customer_field, data) for fax in faxes]

    def _record(self, fax: Any, default_customer_field: str | None,
                data: Mapping[str, Any]) -> FaxRecord:
        if not isinstance(fax, dict):
            raise _malformed("a fax is not an object", data)
        try:
            customer_field = fax[CUSTOMER_FIELD] if CUSTOMER_FIELD in fax \
                else default_customer_field
            return FaxRecord(
                customer_field=None if customer_field is None else str(customer_field),
                source_number=normalize_number(str(fax["SOURCE_NUMBER"])),
                destination_number=normalize_number(str(fax["DESTINATION_NUMBER"])),
                time=self._time(fax["TIME"]),
                pages=_count(fax["PAGES"]),
                status=str(fax["STATUS"]).strip().upper(),
                try_count=_count(fax["TRY_COUNT"]),
                raw=fax,
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise _malformed(f"a fax is incomplete or unreadable ({exc!r})", data) from exc

    def _time(self, value: Any) -> dt.datetime:
        parsed = dt.datetime.fromisoformat(str(value).strip())
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=self.time_zone)
        return parsed.astimezone(self.time_zone)


def _count(value: Any) -> int:
    """Counts arrive as strings ("2") and are tolerated as JSON integers (docs/provider.md,
    quirk 4)."""
    if isinstance(value, bool):
        raise ValueError(f"not a count: {value!r}")
    if isinstance(value, int):
        return value
    return int(str(value).strip())


def _malformed(reason: str, data: Mapping[str, Any]) -> MalformedResponse:
    # Fax answers hold no secret, so the whole answer is kept for logs.
    return MalformedResponse(f"fax status: {reason}", body=json.dumps(data))
