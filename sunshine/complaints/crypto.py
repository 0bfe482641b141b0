"""Encryption at rest and receipt codes.

Everything a reporter writes (text, attachments, name, phone, the names of people complained
about) is stored as Fernet tokens (AES-128-CBC + HMAC-SHA256) under settings.
COMPLAINTS_ENCRYPTION_KEY, so neither a database dump nor the media folder reveals it.

A receipt code is 16 random digits, shown to the reporter once. The database keeps:

* ``receipt_bucket``: an HMAC (keyed from the encryption key) of the code's first 6 digits.
  It narrows a look-up to the few complaints in one of a million buckets, so we never have to
  run Argon2 against every row; without the key it says nothing about the code, and with it
  only 6 of 16 digits.
* ``receipt_hash``: an Argon2id hash of the whole code, which is what actually verifies it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

RECEIPT_DIGITS = 16
BUCKET_DIGITS = 6

_hasher = PasswordHasher()
# Verifying against this when no row matches keeps a miss as slow as a near-miss.
_DUMMY_HASH = _hasher.hash("0" * RECEIPT_DIGITS)


class DecryptionError(Exception):
    pass


def _keys() -> list[str]:
    return [k.strip() for k in str(settings.COMPLAINTS_ENCRYPTION_KEY).split(",") if k.strip()]


@lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode("ascii")) for k in keys])


def fernet() -> MultiFernet:
    return _fernet_for(tuple(_keys()))


@lru_cache(maxsize=8)
def _index_key_for(first_key: str) -> bytes:
    raw = base64.urlsafe_b64decode(first_key.encode("ascii"))
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"complaints.receipt")
    return hkdf.derive(raw)


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("cannot decrypt: wrong COMPLAINTS_ENCRYPTION_KEY?") from exc


def encrypt_text(text: str) -> str:
    if text == "":
        return ""
    return encrypt_bytes(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    if not token:
        return ""
    return decrypt_bytes(token.encode("ascii")).decode("utf-8")


# Receipt codes ---------------------------------------------------------------------------


def new_receipt() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise_receipt(raw: str) -> str | None:
    """Digits only; None unless exactly 16 remain (spaces and dashes are fine)."""
    digits = "".join(ch for ch in str(raw) if ch.isdigit() and ch.isascii())
    return digits if len(digits) == RECEIPT_DIGITS else None


def format_receipt(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def receipt_bucket(code: str, key: str | None = None) -> str:
    index_key = _index_key_for(key or _keys()[0])
    return hmac.new(index_key, code[:BUCKET_DIGITS].encode("ascii"), hashlib.sha256).hexdigest()


def receipt_buckets(code: str) -> list[str]:
    """The bucket under every configured key, so codes issued before a key rotation still work."""
    return [receipt_bucket(code, key) for key in _keys()]


def hash_receipt(code: str) -> str:
    return _hasher.hash(code)


def check_receipt(code: str, stored_hash: str) -> bool:
    try:
        return _hasher.verify(stored_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def burn_time(code: str) -> None:
    """Spend one Argon2 verification, so a miss costs what a hit costs."""
    check_receipt(code, _DUMMY_HASH)
