"""Languages a service can be offered in: the ISO 639-1 codes, each named in its own language (its
autonym) and in the reader's, from the Unicode CLDR through babel.

A name starts with a capital letter whatever the language writes in running text ("latviešu" becomes
"Latviešu"), because it stands alone as a label, and the languages whose own casing rules differ from
Unicode's (Turkish, Azerbaijani, Lithuanian with accents) have no autonym whose first letter they change.
"""

from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers
from django.conf import settings
from django.utils.translation import get_language

# Spoken by the people who meet victims around the Baltic Sea, and by many of the victims: listed first.
REGION = ("et", "lv", "lt", "ru", "en", "uk", "pl", "be", "fi", "sv", "de")
# CLDR still names Serbo-Croatian, whose code ISO 639-1 withdrew in 2000.
WITHDRAWN = frozenset({"sh"})


@dataclass(frozen=True)
class Language:
    code: str
    own_name: str  # the autonym, capitalised; "" where CLDR has no data for the language itself
    reader_name: str  # in the reader's language, as CLDR writes it; "" where it says the same
    english_name: str

    @property
    def label(self) -> str:
        """The label: "Latviešu (латышский)" for a Russian reader, "Latviešu" for a Latvian one."""
        if not self.own_name:
            name = self.reader_name or self.english_name
            return capitalise(name) if name else self.code
        return f"{self.own_name} ({self.reader_name})" if self.reader_name else self.own_name

    @property
    def search_text(self) -> str:
        """Every name the filter box matches, in any of the languages."""
        names = (self.code, self.own_name, self.reader_name, self.english_name)
        return " ".join(dict.fromkeys(name.casefold() for name in names if name))


def capitalise(name: str) -> str:
    return name[:1].upper() + name[1:]


@cache
def codes() -> frozenset[str]:
    """Every ISO 639-1 code CLDR names."""
    return frozenset(
        code for code in Locale("en").languages if len(code) == 2 and code.isalpha() and code not in WITHDRAWN
    )


def is_known(code: str) -> bool:
    return code in codes()


@cache
def _own_name(code: str) -> str:
    if code not in _locales():
        return ""
    return capitalise(Locale(code).languages.get(code, ""))


@cache
def _locales() -> frozenset[str]:
    return frozenset(locale_identifiers())


def _reader() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


@cache
def _names_in(reader: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(reader).languages)
    except (UnknownLocaleError, ValueError):
        return dict(Locale("en").languages)


@cache
def _language(code: str, reader: str) -> Language:
    own = _own_name(code)
    in_reader = _names_in(reader).get(code, "")
    return Language(
        code=code,
        own_name=own,
        reader_name="" if in_reader.casefold() == own.casefold() else in_reader,
        english_name=_names_in("en").get(code, ""),
    )


def language(code: str) -> Language:
    """A language in the current reader's language; a code CLDR does not know is named by itself."""
    return _language(code, _reader())


def language_name(code: str) -> str:
    return language(code).label


@cache
def _ordered(reader: str) -> tuple[Language, ...]:
    rest = sorted(
        (code for code in codes() if code not in REGION),
        key=lambda code: _language(code, reader).label.casefold(),
    )
    return tuple(_language(code, reader) for code in (*REGION, *rest))


def languages(first=(), extra=()) -> list[Language]:
    """Every language, those in `first` (chosen ones) on top in their order, then the region's, then the
    rest by name. `extra` adds codes outside ISO 639-1 that stored data still uses (an HSDS import may
    bring ISO 639-3 codes), so that a form keeps them valid."""
    ordered = [*_ordered(_reader()), *(language(code) for code in sorted(set(extra) - codes()))]
    offered = {lang.code for lang in ordered}
    on_top = [code for code in dict.fromkeys(first) if code in offered]
    return [language(code) for code in on_top] + [lang for lang in ordered if lang.code not in on_top]


def language_choices(first=(), extra=()) -> list[tuple[str, str]]:
    return [(lang.code, lang.label) for lang in languages(first, extra)]
