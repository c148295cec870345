"""Test settings without some feature apps: STROM_DROP_APPS names them by label, comma-separated
("directory,pathways"). tests/test_app_removal.py starts Django with these in a subprocess to show
that leaving an app (with the apps that depend on it) out of INSTALLED_APPS removes it everywhere."""

import os

from strom.settings.test import *  # noqa: F403
from strom.settings.test import INSTALLED_APPS

_DROPPED = {
    f"strom.{label.strip()}" for label in os.environ.get("STROM_DROP_APPS", "").split(",") if label.strip()
}

INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in _DROPPED]
