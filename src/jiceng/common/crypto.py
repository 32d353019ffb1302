"""Field encryption (Fernet) and keyed lookup hashes for ID and phone numbers.

The personal information protection law and GB/T 35273 ask that ID and phone numbers are
protected at rest; lookups and uniqueness use an HMAC so the clear value is never stored.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@lru_cache(maxsize=4)
def _hmac_key(key: str) -> bytes:
    # A separate key for lookup hashes, derived from the field key so one secret is enough.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jiceng-lookup-hash").derive(
        key.encode()
    )


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong JICENG_FIELD_KEY must not look like empty data
        raise RuntimeError(
            "cannot decrypt a field: is JICENG_FIELD_KEY the key the data was written with?"
        ) from exc


def lookup_hash(value: str) -> str:
    return hmac.new(_hmac_key(settings.FIELD_KEY), value.encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()
