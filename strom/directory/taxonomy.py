"""The need taxonomy as versioned data: each published version lives in its own file,
strom/directory/data/need_taxonomy-<version>.json, names its sources and carries every term in the five
languages. A published file never changes: a new version is a new file, listed in VERSIONS, loaded by
its own data migration (which calls sync_need_terms with that version). `manage.py sync_need_taxonomy`
brings a database in step with the current version.

A term's position is its bit in Service.need_mask, so a later version keeps the position of every term
it keeps and appends new terms after the last one."""

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
VERSIONS = ("2026.1", "2026.2")  # every published version, oldest first
CURRENT_VERSION = VERSIONS[-1]
LANGUAGES = ("en", "et", "lv", "lt", "ru")
MAX_POSITION = 62  # need_mask is a signed 64-bit column in PostgreSQL: bits 0 to 62


def taxonomy_file(version: str) -> Path:
    if version not in VERSIONS:
        raise ValueError(f"unknown need taxonomy version {version!r}; published: {', '.join(VERSIONS)}")
    return DATA_DIR / f"need_taxonomy-{version}.json"


def taxonomy(version: str = CURRENT_VERSION) -> dict:
    """One published version of the taxonomy (the current one unless asked), checked. Shared: read it,
    never change it."""
    return _load(version)


@cache
def _load(version: str) -> dict:
    data = json.loads(taxonomy_file(version).read_text(encoding="utf-8"))
    if data["version"] != version:
        raise ValueError(f"{taxonomy_file(version).name} holds version {data['version']}")
    codes = [term["code"] for term in data["terms"]]
    positions = [term["position"] for term in data["terms"]]
    if len(set(codes)) != len(codes) or len(set(positions)) != len(positions):
        raise ValueError(f"need taxonomy {version} repeats a code or a position")
    for term in data["terms"]:
        if not 0 <= term["position"] <= MAX_POSITION:
            raise ValueError(f"need {term['code']} has position {term['position']}, beyond 0-{MAX_POSITION}")
        missing = [
            lang for lang in LANGUAGES if not term["name"].get(lang) or not term["definition"].get(lang)
        ]
        if missing:
            raise ValueError(f"need {term['code']} lacks a name or definition in {missing}")
    return data


def sync_need_terms(need_term_model, version: str = CURRENT_VERSION) -> int:
    """Create or update every term of that version; returns how many rows changed. Idempotent. Terms
    that the version does not hold are left alone (a data migration removes them if it must)."""
    data = taxonomy(version)
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


def refresh_need_masks(service_model) -> int:
    """Recompute every service's need_mask from the positions of its needs, as Service.refresh_codes
    does for one service; returns how many masks changed. For data migrations: works on historical
    models too."""
    positions = defaultdict(set)
    links = service_model.needs.through.objects.values_list("service_id", "needterm__position")
    for service_id, position in links:
        positions[service_id].add(position)
    changed = 0
    for service_id, mask in list(service_model.objects.values_list("pk", "need_mask")):
        wanted = sum(1 << position for position in positions.get(service_id, ()))
        if wanted != mask:
            service_model.objects.filter(pk=service_id).update(need_mask=wanted)
            changed += 1
    return changed
