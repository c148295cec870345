"""Is a production secret strong enough? Pure functions, no Django, so settings can call them.

A length check alone passes ``"abcdef" * 13``. The estimate used here is the Shannon entropy of the
value's own characters times its length: low for anything with few distinct characters, and a
lower bound for a random value. The threshold (200 bits) is set so that the usual generators pass
every time (Django's ``get_random_secret_key()`` measures 214 bits or more, 64 hex digits 218 or
more, over 20,000 draws each), while six characters in any arrangement stay below it; a value that
repeats a shorter piece is refused whatever it measures. Known development and test
values are refused outright, whatever they measure.
"""

import math
from collections import Counter
from collections.abc import Mapping

MIN_LENGTH = 50
MIN_BITS = 200
MIN_DISTINCT = 12
MIN_DISTINCT_KEY_BYTES = 16
HOW_TO_MAKE_ONE = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
HOW_TO_MAKE_FIELD_KEYS = (
    "make a key with: python3 -c 'from strom.core.crypto import new_keyring_line; print(new_keyring_line())'"
)

# The fixed values of strom/settings/test.py: published in the repository, so never secret.
KNOWN_TEST_VALUES = frozenset(
    {
        "test-only-secret-key-not-for-any-deployment-0123456789abcdef",
        "test-only-audit-checkpoint-key-not-for-any-deployment",
        "test-only-blind-index-key-not-for-any-deployment",
        "test:dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=",
        "test:dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=",
    }
)
KNOWN_MARKERS = ("not-for-any-deployment", "test-only-")


def estimated_bits(value: str) -> float:
    """Shannon entropy per character of ``value`` times its length."""
    if not value:
        return 0.0
    counts = Counter(value)
    length = len(value)
    per_character = -sum(n / length * math.log2(n / length) for n in counts.values())
    return per_character * length


def shortest_period(value: str) -> int:
    """The length of the shortest piece that ``value`` repeats (its own length if none)."""
    for period in range(1, len(value) // 2 + 1):
        if all(value[i] == value[i % period] for i in range(len(value))):
            return period
    return len(value)


def strength_problem(value: str) -> str | None:
    """Why ``value`` is not good enough for a production secret, or None."""
    if value in KNOWN_TEST_VALUES or any(marker in value for marker in KNOWN_MARKERS):
        return "it is a published development or test value"
    if value.startswith("django-insecure-"):
        return "it is a development key made by Django's startproject (django-insecure-)"
    if len(value) < MIN_LENGTH:
        return f"it has {len(value)} characters, fewer than {MIN_LENGTH}"
    if len(set(value)) < MIN_DISTINCT:
        return f"it uses {len(set(value))} different characters, fewer than {MIN_DISTINCT}"
    if (period := shortest_period(value)) < len(value):
        return f"it repeats a piece of {period} characters"
    bits = estimated_bits(value)
    if bits < MIN_BITS:
        return f"its characters carry about {bits:.0f} bits of entropy, fewer than {MIN_BITS}"
    return None


def field_key_problem(key_id: str, key: bytes) -> str | None:
    """A 32-byte field-encryption key that is plainly not random (e.g. one byte repeated)."""
    if len(set(key)) < MIN_DISTINCT_KEY_BYTES:
        return (
            f"key {key_id} uses {len(set(key))} different byte values, fewer than {MIN_DISTINCT_KEY_BYTES}: "
            "it is not random"
        )
    return None


def production_secret_problems(
    *, secret_key: str, field_keys_line: str, field_keys: Mapping[str, bytes], checkpoint_key: str
) -> list[str]:
    """Every reason the production secrets must be refused; an empty list when they are fine."""
    problems = []
    if field_keys_line.strip() in KNOWN_TEST_VALUES:
        problems.append(f"STROM_FIELD_KEYS is the published test key; {HOW_TO_MAKE_FIELD_KEYS}")
    for key_id, key in field_keys.items():
        if reason := field_key_problem(key_id, key):
            problems.append(f"STROM_FIELD_KEYS {reason}; {HOW_TO_MAKE_FIELD_KEYS}")
    if reason := strength_problem(secret_key):
        problems.append(f"SECRET_KEY must be at least {MIN_LENGTH} random characters: {reason}")
    if reason := strength_problem(checkpoint_key):
        problems.append(
            f"STROM_AUDIT_CHECKPOINT_KEY must be at least {MIN_LENGTH} random characters: {reason}"
        )
    elif checkpoint_key == secret_key:
        problems.append(
            "STROM_AUDIT_CHECKPOINT_KEY must differ from SECRET_KEY: whoever learns SECRET_KEY from "
            "the web server must not be able to sign audit checkpoints"
        )
    if any(problem.startswith(("SECRET_KEY", "STROM_AUDIT")) for problem in problems):
        problems.append(HOW_TO_MAKE_ONE)
    return problems
