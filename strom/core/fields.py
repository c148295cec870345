"""Encrypted model fields (security.md 12 and 13).

A value is sealed with the current key of ``STROM_FIELD_KEYS`` when it is written and opened when it is
read, so the rest of the code sees plain Python values while the database holds only
``key_id$base64(nonce + ciphertext + tag)``. The column's name ("directory.location.address_1") is the
AES-GCM associated data: a value copied into another column does not open there. A value that does not
open raises ``TamperedCiphertext``; it never turns into garbage.

Empty values are stored as they are (``""`` and NULL), so that blank form fields stay blank and
"has an address" is still a question the database can answer. Nothing else can be filtered on: the
database only sees random bytes. For exact-match searches, store a blind index beside the field
(``strom.core.blind_index``).

``manage.py rotate_field_keys`` re-seals every value under the newest key.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.utils import format_number
from django.db.models.lookups import Exact, Lookup

from strom.core.crypto import KEY_ID_PATTERN, Keyring, parse_keyring

_cached_keyring: tuple[str | None, Keyring] | None = None


def field_keyring() -> Keyring:
    """The keyring of ``settings.STROM_FIELD_KEYS``, parsed once for as long as the setting stays the
    same (tests that rotate keys with override_settings get the new keyring without a reset)."""
    global _cached_keyring
    line = settings.STROM_FIELD_KEYS
    if _cached_keyring is None or _cached_keyring[0] != line:
        _cached_keyring = (line, parse_keyring(line))
    return _cached_keyring[1]


def column_context(model_label: str, field_name: str) -> str:
    """The associated data that binds a sealed value to its column: "directory.location.address_1"."""
    return f"{model_label.lower()}.{field_name}"


def encrypted_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]


class EncryptedFieldMixin:
    """Seal on the way in, open on the way out. The column is always text."""

    allowed_lookups = frozenset({"exact", "isnull", "sealed_with"})

    def get_internal_type(self):
        return "TextField"

    @property
    def seal_context(self) -> str:
        return column_context(self.model._meta.label_lower, self.name)

    def plaintext_for_storage(self, value) -> str:
        """The Python value as the text that gets sealed."""
        return str(value)

    def from_storage_text(self, text: str):
        return text

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return field_keyring().seal(self.plaintext_for_storage(value), context=self.seal_context)

    def get_db_prep_value(self, value, connection, prepared=False):
        # Skip the parent's database adaptation (a decimal for a numeric column): the column is text.
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value if self.empty_strings_allowed else None
        return self.from_storage_text(field_keyring().open(value, context=self.seal_context))

    def get_lookup(self, lookup_name):
        if lookup_name not in self.allowed_lookups:
            raise FieldError(
                f"{self.seal_context} is encrypted and cannot be filtered with '{lookup_name}': "
                "store a blind index beside it (strom.core.blind_index) for exact matches."
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.seal_context} is encrypted: '{lookup_name}' cannot be applied to it.")


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """Free text of any length, sealed. Its form field is a text area."""


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """A short text, sealed. ``max_length`` limits the plaintext (forms and full_clean check it); the
    column itself is text, since the sealed value is longer."""


class EncryptedDecimalField(EncryptedFieldMixin, models.DecimalField):
    """A number with fixed decimals (a coordinate), sealed as its text. It can only be tested for NULL:
    for ranges and sorting keep a plaintext copy where that is safe (Location.map_latitude)."""

    def plaintext_for_storage(self, value) -> str:
        return format_number(value, self.max_digits, self.decimal_places)

    def from_storage_text(self, text: str) -> Decimal:
        return Decimal(text)


class EncryptedExact(Exact):
    """Only ``field=""`` (stored unsealed) can be compared; any other value is sealed with a fresh
    nonce and would never match, so asking is refused instead of silently finding nothing."""

    prepare_rhs = False

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(
                f"{self.lhs.output_field.seal_context} is encrypted: only an empty value can be "
                "compared; use a blind index (strom.core.blind_index) for exact matches."
            )
        return self.rhs


class SealedWith(Lookup):
    """``field__sealed_with="k2"``: the stored value was sealed under key k2. Used by rotate_field_keys.

    A plain comparison of the prefix, not LIKE: LIKE is case-insensitive on SQLite and "_" is one of
    its wildcards, while key ids may contain both.
    """

    lookup_name = "sealed_with"
    prepare_rhs = False

    def get_prep_lookup(self):
        if not isinstance(self.rhs, str) or not KEY_ID_PATTERN.match(self.rhs):
            raise FieldError("sealed_with needs a key id")
        return self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = f"{self.rhs}$"
        return f"SUBSTR({lhs}, 1, {len(prefix)}) = %s", [*lhs_params, prefix]


for _field_class in (EncryptedTextField, EncryptedCharField, EncryptedDecimalField):
    _field_class.register_lookup(EncryptedExact)
    _field_class.register_lookup(SealedWith)
