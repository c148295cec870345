"""A set of codes from a fixed list, kept in one text column.

A service's special needs, funding sources or forms of exploitation are a handful of codes each. They
are stored framed by spaces (" addiction pregnancy ") so that ``filter(field__contains="pregnancy")``
finds one code with the same SQL in SQLite and PostgreSQL, without a join table per list. Python code
sees a sorted list of codes; forms offer check boxes; an unknown code is refused by validation.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def frame(codes) -> str:
    """' a b ' for the codes a and b (sorted, once each); '' for none."""
    if isinstance(codes, str):
        codes = codes.split()
    unique = sorted(set(codes or ()))
    return f" {' '.join(unique)} " if unique else ""


class CodeSetField(models.CharField):
    """``codes`` is a Django ``TextChoices`` class (or a list of (code, label) pairs). The codes are not
    part of the column's definition: a new code needs no migration, a removed one fails validation."""

    def __init__(self, *args, codes=(), **kwargs):
        self.codes = codes
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 400:
            del kwargs["max_length"]
        kwargs.pop("blank", None)
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    @property
    def code_choices(self) -> list[tuple[str, str]]:
        codes = self.codes
        return list(codes.choices) if hasattr(codes, "choices") else list(codes)

    def from_db_value(self, value, expression, connection):
        return value.split() if value else []

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            return value.split()
        return sorted(set(value))

    def get_prep_value(self, value):
        # A list from Python, or one code as the right-hand side of a `contains` lookup: both framed.
        return frame(value)

    def value_to_string(self, obj):
        return " ".join(self.value_from_object(obj))

    def validate(self, value, model_instance):
        known = {code for code, _label in self.code_choices}
        unknown = [code for code in value if code not in known]
        if unknown:
            raise ValidationError(
                _("Unknown choice: %(codes)s."), code="invalid_choice", params={"codes": ", ".join(unknown)}
            )
        if not value and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value):
        # The framed text's length is what the column holds.
        super().run_validators(frame(value))

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.code_choices,
            "required": not self.blank,
            "widget": forms.CheckboxSelectMultiple,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        for key in ("max_length", "empty_value", "choices_form_class"):
            defaults.pop(key, None)
        return form_class(**defaults)

    def labels(self, value) -> list[str]:
        """The codes' labels in the active language, in the list's own order."""
        chosen = set(value or ())
        return [str(label) for code, label in self.code_choices if code in chosen]
