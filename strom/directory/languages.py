"""Languages a service can be offered in: ISO 639-1 codes with their own names, as Django knows them."""

from django.conf.locale import LANG_INFO

# The languages people who meet victims in the Baltic Sea region most often need, first.
COMMON = ["en", "et", "lv", "lt", "ru", "uk", "pl", "fi", "sv", "de", "ro", "bg", "vi", "ar", "fa", "es"]


def language_name(code: str) -> str:
    info = LANG_INFO.get(code, {})
    return info.get("name_local") or info.get("name") or code


def language_choices() -> list[tuple[str, str]]:
    rest = sorted(
        (
            code
            for code, info in LANG_INFO.items()
            if "name_local" in info and "-" not in code and code not in COMMON
        ),
        key=language_name,
    )
    return [(code, language_name(code)) for code in COMMON + rest]


def is_known(code: str) -> bool:
    return code in LANG_INFO and "name_local" in LANG_INFO[code]
