"""Tests: the same stack as production (real database, real Argon2), tuned for speed only where the
behaviour under test does not change."""

import atexit
import shutil
import tempfile
from pathlib import Path

from strom.settings.base import *  # noqa: F403
from strom.settings.base import DATABASES, HUEY, VAR_DIR
from strom.settings.env import env_str

SECRET_KEY = "test-only-secret-key-not-for-any-deployment-0123456789abcdef"  # noqa: S105
# A fixed test key: 32 bytes of "t".
STROM_FIELD_KEYS = "test:dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ="
STROM_BLIND_INDEX_KEY = "test-only-blind-index-key-not-for-any-deployment"
STROM_AUDIT_CHECKPOINT_KEY = "test-only-audit-checkpoint-key-not-for-any-deployment"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["strom.accounts.hashers.TestArgon2PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
# One process: memory is shared enough, and tests/conftest.py clears it before each test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "strom-test"}}
STROM_DEMO_ENABLED = True

# A file, not memory, so that the live server used by browser tests shares the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": env_str("STROM_TEST_DB_NAME", "test_strom")}

STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Uploads of a test run go to a scratch folder, never into var/ beside a developer's own demo files.
STROM_PRIVATE_FILES_DIR = Path(tempfile.mkdtemp(prefix="strom-test-private-"))
STROM_OUTBOX_DIR = Path(tempfile.mkdtemp(prefix="strom-test-outbox-"))
# Each process makes its own scratch folders and removes them when it ends, so runs leave nothing behind.
for _scratch in (STROM_PRIVATE_FILES_DIR, STROM_OUTBOX_DIR):
    atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
