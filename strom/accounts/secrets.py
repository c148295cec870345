"""Secrets handed to people once (invitation links, API tokens) and stored only as digests."""

import hashlib
import secrets

API_TOKEN_PREFIX = "strom"  # noqa: S105 (a label, not a secret)


def digest(secret: str) -> str:
    # The secrets are 256-bit random values, so a plain SHA-256 is enough: no dictionary to attack.
    return hashlib.sha256(secret.encode()).hexdigest()


def new_invitation_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> tuple[str, str]:
    """Return (full token, public prefix). The prefix lets people tell their tokens apart."""
    prefix = secrets.token_hex(4)
    return f"{API_TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix
