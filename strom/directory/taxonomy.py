"""The need taxonomy as versioned data: strom/directory/data/need_taxonomy.json names its sources and
carries every term in the five languages. The database copy is kept in step by a migration and by
`manage.py sync_need_taxonomy`."""

import json
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "need_taxonomy.json"
LANGUAGES = ("en", "et", "lv", "lt", "ru")


@cache
def taxonomy() -> dict:
    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    for term in data["terms"]:
        missing = [
            lang for lang in LANGUAGES if not term["name"].get(lang) or not term["definition"].get(lang)
        ]
        if missing:
            raise ValueError(f"need {term['code']} lacks a name or definition in {missing}")
    return data


def sync_need_terms(need_term_model) -> int:
    """Create or update every term of the file; returns how many rows changed. Idempotent."""
    data = taxonomy()
    changed = 0
    for term in data["terms"]:
        values = {
            "taxonomy_version": data["version"],
            "position": term["position"],
            "names": term["name"],
            "definitions": term["definition"],
            "basis": term.get("basis", []),
            "urgent": term.get("urgent", False),
        }
        row = need_term_model.objects.filter(code=term["code"]).first()
        if row is None or any(getattr(row, key) != value for key, value in values.items()):
            need_term_model.objects.update_or_create(code=term["code"], defaults=values)
            changed += 1
    return changed
