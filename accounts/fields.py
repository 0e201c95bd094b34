"""Secrets encrypted at rest: a model field over MultiFernet.

Keys come from settings.FIELD_ENCRYPTION_KEYS: the first one encrypts, all of them decrypt,
so a new key can be put in front and `rotate_encryption_keys` re-encrypts the stored values.
The clear text exists only in memory; the column holds a Fernet token.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc


def multifernet() -> MultiFernet:
    """The MultiFernet of the configured keys (cached per key list)."""
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return multifernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return multifernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never include the token in the message: it is the secret's ciphertext.
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS: "
            "was a key removed before rotate_encryption_keys ran?"
        ) from exc


def rotate(token: str) -> str:
    """The same secret, encrypted under the first key."""
    return multifernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column whose value is stored as a Fernet token; empty stays empty.

    Lookups other than isnull make no sense on ciphertext and are not supported.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
