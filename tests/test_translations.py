"""Every string a person reads is translated into all five languages (English is the source)."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

LOCALE_DIR = Path(settings.BASE_DIR) / "strom" / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def test_it_offers_exactly_the_five_languages():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "et", "lv", "lt", "ru"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_has_no_untranslated_or_fuzzy_entry(language):
    po = catalog(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    plurals_missing = [e.msgid for e in po if e.msgid_plural and not all(e.msgstr_plural.values())]
    assert (untranslated, fuzzy, plurals_missing) == ([], [], [])
    assert "fuzzy" not in po.metadata_as_entry().flags


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_keeps_placeholders_and_plural_forms_valid(language):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def extracted_msgids(tmp_path_factory) -> set[str]:
    """Extract the strings from the code as it is now, into a scratch copy (the catalogs stay as they are)."""
    scratch = tmp_path_factory.mktemp("extract") / "strom"
    shutil.copytree(
        Path(settings.BASE_DIR) / "strom",
        scratch,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "vendor", "migrations"),
    )
    (scratch / "locale").mkdir()
    cwd = Path.cwd()
    try:
        import os

        os.chdir(scratch)
        call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    po = polib.pofile(str(scratch / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    return {entry.msgid for entry in po if entry.msgid}


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_has_a_catalog_entry_for_every_string_in_the_code(extracted_msgids, language):
    translated = {entry.msgid for entry in catalog(language).translated_entries()}
    missing = sorted(extracted_msgids - translated)
    assert missing == [], f"run makemessages and translate: {missing[:10]}"


@pytest.mark.parametrize(("language", "expected"), [("lv", "Pierakstīties"), ("ru", "Войти")])
def test_it_serves_the_sign_in_page_in_the_chosen_language(db, language, expected):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("accounts:sign_in")).content.decode()
    assert f'<html lang="{language}">' in page
    assert expected in page


# Words the glossary (shared/reference/glossary.md) rules out, because they mean something else: in
# Estonian and Latvian the word for asylum is not the word for a shelter, and in Russian "первичная
# помощь" reads as primary health care.
GLOSSARY_FORBIDDEN = {"et": ["varjupai"], "lv": ["patvēr"], "ru": ["первичн"]}


@pytest.mark.parametrize(("language", "words"), GLOSSARY_FORBIDDEN.items())
def test_it_keeps_to_the_glossary(language, words):
    found = [
        (entry.msgid, word)
        for entry in catalog(language)
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        for word in words
        if word in text.lower()
    ]
    assert found == []
