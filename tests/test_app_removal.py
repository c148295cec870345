"""Leaving a feature app (with the apps that depend on it) out of INSTALLED_APPS removes it everywhere:
the site starts, migrations run on a fresh database, `load_demo` runs, the coordinator's home page
renders, and every link in the navigation answers.

Each case starts Django in a subprocess with tests/settings_without_apps.py and a fresh SQLite file.
Starting Django again is slow, so these tests exist only in SQLite runs: the property does not depend
on the database, and the PostgreSQL run keeps its time for what does."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from strom.core import registry

BASE_DIR = Path(settings.BASE_DIR)

# Runs inside the subprocess; prints one JSON line with what it saw.
SCRIPT = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()  # so that responses carry the context they were rendered with
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from strom.accounts.middleware import SESSION_SEEN, SESSION_STARTED
from strom.accounts.models import User

call_command("check", fail_level="ERROR")
call_command("migrate", verbosity=0)
call_command("load_demo", "--quiet-personas", verbosity=0)
call_command("load_demo", "--quiet-personas", verbosity=0)

client = Client()
coordinator = User.objects.get(username="coordinator")
client.force_login(coordinator)
session = client.session
now = int(timezone.now().timestamp())
session[SESSION_STARTED] = session[SESSION_SEEN] = now
session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=coordinator, confirmed=True).persistent_id
session.save()

home = client.get("/")
nav = [item.url for item in home.context["nav_items"]]
tasks = [task.url for section in home.context["sections"] for task in section.tasks]

def reverses(name):
    try:
        reverse(name)
        return True
    except NoReverseMatch:
        return False

print(json.dumps({
    "home": home.status_code,
    "nav": {url: client.get(url).status_code for url in nav},
    "tasks": {url: client.get(url).status_code for url in tasks},
    "services_page": reverses("directory:service_list"),
    "pathways_page": reverses("pathways:pathway_list"),
    "api_paths": sorted(p for p in client.get("/api/v1/openapi.json").json()["paths"]),
}))
"""


def _without(labels: tuple[str, ...], tmp_path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "STROM_TEST_DB_NAME", "PYTEST_XDIST_WORKER"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.settings_without_apps",
        "STROM_DROP_APPS": ",".join(labels),
        "STROM_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'strom.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _on_sqlite() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_it_declares_that_pathways_cannot_stay_without_the_directory():
    depends = dict((label, c.depends_on) for label, c in registry.contributions())
    assert "directory" in depends["pathways"]
    assert "pathways" not in depends["directory"]


if _on_sqlite():

    def test_it_runs_without_the_referral_mechanism(tmp_path):
        seen = _without(("pathways",), tmp_path)
        assert seen["home"] == 200
        assert "/pathways/" not in seen["nav"] and "/directory/" in seen["nav"]
        assert set(seen["nav"].values()) == {200} and set(seen["tasks"].values()) == {200}
        assert seen["services_page"] and not seen["pathways_page"]
        assert not any("pathway" in path or "agreement" in path for path in seen["api_paths"])
        assert "/api/v1/services" in seen["api_paths"]

    def test_it_runs_without_the_directory_and_the_referral_mechanism(tmp_path):
        seen = _without(("directory", "pathways"), tmp_path)
        assert seen["home"] == 200
        assert "/directory/" not in seen["nav"] and "/pathways/" not in seen["nav"]
        assert "/accounts/security/" in seen["nav"]
        assert set(seen["nav"].values()) == {200} and set(seen["tasks"].values()) == {200}
        assert not seen["services_page"] and not seen["pathways_page"]
        assert not any(path.startswith(("/api/v1/services", "/api/v1/hsds")) for path in seen["api_paths"])
        assert "/api/v1/me" in seen["api_paths"]
