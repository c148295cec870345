"""Blind indexes: exact-match lookups over encrypted fields (security.md 12).

An encrypted field cannot be searched, since every value is sealed with a fresh nonce. Beside it a model
stores ``blind_index(value, purpose=...)``, a keyed hash of the normalised value, and searches that:
equal values give equal indexes, and without the key an index cannot be computed from a guessed value
(which a plain hash of a name or a document number would allow).

The key, ``STROM_BLIND_INDEX_KEY``, is its own: not a field key (those rotate, and re-sealing keeps
the plaintext, while a new index key needs every index recomputed from the plaintext) and not
SECRET_KEY. The purpose separates the indexes of different fields, so that equal values in two fields
do not reveal that they are equal.
"""

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PURPOSE_PATTERN = re.compile(r"^[a-z0-9_.:-]{1,100}$")
_WHITESPACE = re.compile(r"\s+")


def normalise(value: str) -> str:
    """The form in which two spellings of the same value become equal: Unicode NFKC, case folded,
    whitespace trimmed and runs of it collapsed to one space."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return _WHITESPACE.sub(" ", folded).strip()


def _index_key() -> bytes:
    key = settings.STROM_BLIND_INDEX_KEY
    if not key or len(key) < 32:
        raise ImproperlyConfigured("STROM_BLIND_INDEX_KEY must be set to at least 32 random characters.")
    return key.encode()


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of the normalised value under a key derived for this purpose, as 64 hex digits."""
    if not PURPOSE_PATTERN.match(purpose):
        raise ValueError("purpose must be a short code such as 'cases.person.document_number'")
    purpose_key = hmac.new(_index_key(), b"strom-blind-index:" + purpose.encode(), hashlib.sha256).digest()
    return hmac.new(purpose_key, normalise(value).encode(), hashlib.sha256).hexdigest()
