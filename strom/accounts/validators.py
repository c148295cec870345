import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Passwords up to 128 characters (security.md 4): long passphrases are welcome, megabytes are not."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return ngettext(
            "Your password must contain at most %(max_length)d character.",
            "Your password must contain at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}


class StrengthValidator:
    """Refuses passwords that zxcvbn can guess quickly (security.md 4): repeats, sequences, keyboard
    rows, common passwords and the person's own username, names or e-mail address.

    zxcvbn's own feedback is English only, so the advice shown comes from the kind of weakness it
    found (its match patterns), in Strom's own translated words."""

    def __init__(self, min_score=3, max_length=128):
        self.min_score = min_score
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            return  # MaximumLengthValidator refuses it; zxcvbn would only spend time on it
        from zxcvbn import zxcvbn

        result = zxcvbn(password, user_inputs=user_inputs(user), max_length=self.max_length)
        if result["score"] >= self.min_score:
            return
        errors = [ValidationError(self.get_help_text(), code="password_too_guessable")]
        errors += [ValidationError(hint, code="password_too_guessable") for hint in hints(result["sequence"])]
        raise ValidationError(errors)

    def get_help_text(self):
        return _(
            "This password would be easy to guess. Use a longer phrase of unrelated words, "
            "for example four words that mean nothing together."
        )


def user_inputs(user) -> list[str]:
    """What the person's own details give away: zxcvbn treats each as a word an attacker knows."""
    if user is None:
        return []
    username, first, last, email = (
        getattr(user, name, "") or "" for name in ("username", "first_name", "last_name", "email")
    )
    values = [username, first, last, email, email.partition("@")[0], first + last, last + first]
    pieces = [piece for value in values for piece in re.split(r"[\s.@_+-]+", value)]
    return [value for value in dict.fromkeys(values + pieces) if len(value) >= 3]


def _hint_for(match) -> str | None:
    pattern = match["pattern"]
    if pattern == "dictionary":
        if match.get("dictionary_name") == "user_inputs":
            return _("Do not use your username, your name or your e-mail address.")
        if match.get("dictionary_name") == "passwords":
            return _("Avoid common passwords and small changes to them.")
        if match.get("l33t") or match.get("reversed"):
            return _("Swapping letters for look-alike symbols or writing words backwards does not help much.")
        return _("A single common word or name is easy to guess; add more words.")
    return {
        "repeat": _("Avoid repeated characters and words, such as aaa or abcabc."),
        "sequence": _("Avoid sequences, such as abc or 6543."),
        "spatial": _("Avoid rows and patterns of keys on the keyboard, such as qwerty."),
        "date": _("Avoid dates and years."),
        "regex": _("Avoid dates and years."),
    }.get(pattern)


def hints(sequence) -> list[str]:
    """One line of advice per kind of weakness, longest weak part first."""
    found = []
    for match in sorted(sequence, key=lambda match: len(match["token"]), reverse=True):
        hint = _hint_for(match)
        if hint and hint not in found:
            found.append(hint)
    return found
