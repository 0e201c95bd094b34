"""NOW: where the `clock` fixture (tests/conftest.py) holds the time, unless a test moves it."""

from datetime import UTC, datetime

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
