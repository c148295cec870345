"""Field-level encryption keys and AES-GCM sealing (security.md 12 and 13).

Keys come from the environment (``STROM_FIELD_KEYS``), never from the database, so a database dump
alone reveals no identifying data. The variable holds comma-separated ``key_id:base64key`` pairs;
the first is used to encrypt, all of them to decrypt, which is how keys rotate without downtime.

This module is pure: it does not import Django, so settings can use it.
"""

import base64
import binascii
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
NONCE_BYTES = 12


class KeyringError(ValueError):
    """The configured keys cannot be used."""


class TamperedCiphertext(ValueError):
    """A sealed value was altered, truncated or sealed under an unknown key."""


def _strict_b64decode(text: str) -> bytes:
    """URL-safe base64 that refuses stray characters instead of silently dropping them."""
    return base64.b64decode(text.encode(), altchars=b"-_", validate=True)


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current_id: str

    def seal(self, plaintext: str, *, context: str = "") -> str:
        nonce = os.urandom(NONCE_BYTES)
        body = AESGCM(self.keys[self.current_id]).encrypt(nonce, plaintext.encode(), context.encode())
        return f"{self.current_id}${base64.urlsafe_b64encode(nonce + body).decode()}"

    def open(self, sealed: str, *, context: str = "") -> str:
        key_id, _, payload = sealed.partition("$")
        if key_id not in self.keys or not payload:
            raise TamperedCiphertext("unknown key or malformed value")
        try:
            raw = _strict_b64decode(payload)
            plain = AESGCM(self.keys[key_id]).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise TamperedCiphertext("the value does not match its authentication tag") from exc
        return plain.decode()

    def needs_rotation(self, sealed: str) -> bool:
        return sealed.partition("$")[0] != self.current_id


def parse_keyring(line: str | None) -> Keyring:
    if not line or not line.strip():
        raise KeyringError("no field-encryption keys are configured (STROM_FIELD_KEYS)")
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in line.split(","):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not KEY_ID_PATTERN.match(key_id):
            raise KeyringError("each key must be written as key_id:base64key")
        try:
            key = _strict_b64decode(encoded)
        except (binascii.Error, ValueError) as exc:
            raise KeyringError(f"key {key_id} is not valid base64") from exc
        if len(key) != 32:
            raise KeyringError(f"key {key_id} must be 32 bytes (AES-256)")
        if key_id in keys:
            raise KeyringError(f"key id {key_id} appears twice")
        keys[key_id] = key
        order.append(key_id)
    return Keyring(keys=keys, current_id=order[0])


def new_keyring_line(key_id: str = "k1") -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"
