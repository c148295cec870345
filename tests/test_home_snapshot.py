"""The home page and the navigation of every persona, compared with a snapshot taken before the apps
plugged themselves in through the registry (issue 8): moving the knowledge out of core changed nothing
anyone sees.

The snapshot holds what the page is built from, in English: each section's heading and intro, each
task's title, description and link, each navigation entry, and the text of each panel an app adds
(with its links' targets). Ids in links are replaced by the names of
the organisations and municipalities they point at, since a fresh database gives new ids.

To record a deliberate change: STROM_WRITE_SNAPSHOT=1 .venv/bin/pytest tests/test_home_snapshot.py
(it writes the file and fails, so that nobody records one by accident), then review the diff."""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from strom.accounts.models import Municipality, Organisation, User

SNAPSHOT = Path(__file__).parent / "snapshots" / "home_and_navigation.json"


def _names_for_ids() -> dict[str, str]:
    names = {str(pk): f"<organisation {name}>" for pk, name in Organisation.objects.values_list("pk", "name")}
    names |= {
        str(pk): f"<municipality {name}>" for pk, name in Municipality.objects.values_list("pk", "name")
    }
    return names


def _without_ids(text: str, names: dict[str, str]) -> str:
    for pk, name in names.items():
        text = text.replace(pk, name)
    return text


def _as_text(html: str) -> str:
    """The words of a fragment and the target of each link, the site's own address left out."""
    html = html.replace(settings.STROM_BASE_URL.rstrip("/"), "{site}")
    html = re.sub(r'<a [^>]*href="([^"]*)"[^>]*>', r"[\1] ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _seen_by(client) -> dict:
    response = client.get(reverse("site:home"))
    assert response.status_code == 200
    names = _names_for_ids()
    with translation.override("en"):
        return {
            "sections": [
                {
                    "heading": _without_ids(str(section.heading), names),
                    "intro": str(section.intro),
                    "tasks": [
                        [str(task.title), str(task.description), _without_ids(str(task.url), names)]
                        for task in section.tasks
                    ],
                }
                for section in response.context["sections"]
            ],
            "navigation": [
                [str(item.label), item.url, item.url_name] for item in response.context["nav_items"]
            ],
            # What apps add to the home page, as text with the links' targets (issue 9: the public
            # help page to share).
            "panels": [
                [panel.app, _without_ids(_as_text(panel.html), names)] for panel in response.context["panels"]
            ],
        }


def _compare(key: str, seen: dict) -> None:
    recorded = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}
    if os.environ.get("STROM_WRITE_SNAPSHOT"):
        recorded[key] = seen
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(recorded, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        pytest.fail(f"snapshot {key} written; review the diff and run again without STROM_WRITE_SNAPSHOT")
    assert key in recorded, f"no snapshot for {key}"
    assert seen == recorded[key]


WORLD_PEOPLE = [
    "coordinator",
    "caseworker",
    "service_provider",
    "trainer",
    "analyst",
    "national_coordinator",
    "platform_admin",
    "outsider",
]


@pytest.mark.parametrize("person", WORLD_PEOPLE)
def test_it_shows_each_world_persona_the_same_home_and_navigation(world, signed_in, person):
    _compare(f"world:{person}", _seen_by(signed_in(world[person])))


def test_it_shows_each_demo_persona_the_same_home_and_navigation(db, signed_in):
    from strom.accounts.demo import PERSONAS

    call_command("load_demo", "--quiet-personas")
    seen = {
        persona.username: _seen_by(signed_in(User.objects.get(username=persona.username)))
        for persona in PERSONAS
    }
    _compare("demo", seen)
