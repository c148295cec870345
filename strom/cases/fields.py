"""An encrypted date (a date of birth), built on core's field encryption like its text and decimal
fields, so that rotate_field_keys finds and re-seals it with the others (it looks for
EncryptedFieldMixin)."""

from datetime import date

from django.db import models

from strom.core.fields import EncryptedExact, EncryptedFieldMixin, SealedWith


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    """A date sealed as its ISO text. It can only be tested for NULL: no ranges, no sorting."""

    def plaintext_for_storage(self, value) -> str:
        return value.isoformat()

    def from_storage_text(self, text: str) -> date:
        return date.fromisoformat(text)


EncryptedDateField.register_lookup(EncryptedExact)
EncryptedDateField.register_lookup(SealedWith)
