"""Fixtures of the accounts tests: names resolve from a table instead of DNS."""

import pytest

from common import outbound
from tests.common.resolving import PUBLIC, resolver


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Connection URLs name hosts under .example, which never resolve: here they resolve to a
    public address, as a provider's would. A test adds its own names to the table it gets
    (`dns["intranet.example"] = ["10.0.0.1"]`); no look-up reaches the system's resolver."""
    table: dict = {}
    monkeypatch.setattr(outbound, "system_resolver",
                        resolver(table, suffix_default=(".example", [PUBLIC])))
    return table
