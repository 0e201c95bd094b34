"""Services the tests need beyond Python (a browser, PostgreSQL, Redis): on a developer's
machine a missing one skips its tests; under CI's flag it fails them."""

import os
from typing import NoReturn

import pytest

# Set by .ci/run: a missing browser, PostgreSQL or Redis fails the run instead of skipping.
REQUIRE_SERVICES = "PORTAL_TESTS_REQUIRE_SERVICES"
# Set by .ci/run to the database vendor a run must use ("sqlite", "postgresql"), so that a
# run meant for PostgreSQL cannot pass on SQLite by skipping PostgreSQL's tests.
EXPECTED_DATABASE = "PORTAL_TESTS_DATABASE"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip for a missing service (browser, PostgreSQL, Redis); fail under CI's flag."""
    if os.environ.get(REQUIRE_SERVICES, "") not in ("", "0"):
        pytest.fail(f"{reason} ({REQUIRE_SERVICES} is set: CI needs it)", pytrace=False)
    pytest.skip(reason)
