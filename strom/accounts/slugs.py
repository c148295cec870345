"""The readable part of a municipality's public address: /help/lv/kalnupe/.

Public identifiers in URLs are otherwise opaque (docs/architecture.md, "Naming"). The public help page
is the stated exception: it names no person and holds nothing confidential, and it is printed on
posters and read aloud, so its address must be short enough to type from a wall. The slug is made
once, when the municipality is created, and kept when its name changes, because printed posters keep
the old address.
"""

from django.utils.text import slugify

MAX_LENGTH = 60

# Letters that Unicode does not decompose into a base letter and a mark, so that slugify's NFKD step
# alone would drop them ("Łódź" would become "odz").
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "Æ": "AE",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Œ": "OE",
        "œ": "oe",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "Þ": "Th",
        "þ": "th",
        "\u0131": "i",  # dotless i (Turkish names)
    }
)

# What a name made only of letters outside the Latin alphabet becomes (then numbered per country).
FALLBACK = "place"


def fold(name: str) -> str:
    """Lower-case ASCII letters, digits and hyphens, diacritics folded: "Ķekava" -> "kekava"."""
    folded = slugify(name.translate(_LETTERS))[:MAX_LENGTH].strip("-")
    return folded or FALLBACK


def first_free(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... when two names in one country fold alike ("Kalnupe" and
    "Kalnupē")."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
