"""What text Strom accepts: no control characters, and a known length for every field.

Tab, line feed and carriage return are ordinary parts of a multi-line text. Every other C0 and C1
control character (U+0000-U+001F, U+007F-U+009F) is refused wherever text comes in (forms, the API,
query strings, import files): NUL cannot be stored in PostgreSQL at all, so accepting it on SQLite
would make the two databases behave differently, and the others are invisible, break CSV and terminal
output, and can hide text from a reader. Lone surrogates (U+D800-U+DFFF), which a JSON escape can
carry, cannot be stored as UTF-8 by either database and are refused with them.

The policy refuses rather than strips, so that nothing is quietly changed in what a person saves;
strip_control_characters is for text that is only looked up or shown (search terms, file names).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Lengths by what a text is for; a model field, its form and the API schema use the same number.
NAME_MAX = 200
NOTE_MAX = 2_000
DESCRIPTION_MAX = 5_000

_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def first_refused_character(text: str) -> str | None:
    """The first refused character in text, or None when the text is acceptable."""
    found = _REFUSED.search(text)
    return found.group() if found else None


def code_point(character: str) -> str:
    """U+0000: how a message names an invisible character."""
    return f"U+{ord(character):04X}"


def strip_control_characters(text: str) -> str:
    """text without the characters that the policy refuses (for search terms and file names)."""
    return _REFUSED.sub("", text)


@deconstructible(path="strom.core.text.ControlCharacterValidator")
class ControlCharacterValidator:
    """A field validator that refuses text with a control character, naming the invisible character."""

    message = _(
        "This text contains an invisible control character (%(character)s) that cannot be saved. "
        "Remove it, for example by typing the text again instead of pasting it."
    )
    code = "control_character"

    def __call__(self, value) -> None:
        character = first_refused_character(value) if isinstance(value, str) else None
        if character is not None:
            raise ValidationError(self.message, code=self.code, params={"character": code_point(character)})

    def __eq__(self, other) -> bool:
        return isinstance(other, ControlCharacterValidator)

    def __hash__(self) -> int:
        return hash(self.code)


refuse_control_characters = ControlCharacterValidator()


def long_text(max_length: int) -> list:
    """The validators of a TextField: the policy, and its length, which Django checks only in forms
    unless it is a validator too (an import and the API's full_clean need it)."""
    return [refuse_control_characters, MaxLengthValidator(max_length)]


def other_language(language: str) -> str:
    """`language` when it differs from the language of the page being made, else "": the value of a
    lang attribute for text people wrote in that language, so that a screen reader pronounces it
    right (the page's own lang covers the rest)."""
    from django.utils.translation import get_language

    page = (get_language() or "").split("-")[0]
    return "" if not language or language == page else language
