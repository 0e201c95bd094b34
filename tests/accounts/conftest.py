"""Fixtures of the accounts tests."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2's million rounds per fixture user make these tests minutes slower; what is
    tested here is who may log in, not how the hash is made."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
