"""Production: refuses to start without its secrets, and passes `check --deploy --fail-level WARNING`."""

from django.core.exceptions import ImproperlyConfigured

from strom.core.crypto import parse_keyring
from strom.settings.base import *  # noqa: F403
from strom.settings.env import env_bool, env_int, env_list, require
from strom.settings.secrets_check import production_secret_problems

DEBUG = False
SECRET_KEY = require("SECRET_KEY")
STROM_FIELD_KEYS = require("STROM_FIELD_KEYS")
# Parsed now: fail at start, not at the first encrypted write.
_field_keyring = parse_keyring(STROM_FIELD_KEYS)
STROM_AUDIT_CHECKPOINT_KEY = require("STROM_AUDIT_CHECKPOINT_KEY")
if _secret_problems := production_secret_problems(
    secret_key=SECRET_KEY,
    field_keys_line=STROM_FIELD_KEYS,
    field_keys=_field_keyring.keys,
    checkpoint_key=STROM_AUDIT_CHECKPOINT_KEY,
):
    raise ImproperlyConfigured("; ".join(_secret_problems))
STROM_BLIND_INDEX_KEY = require("STROM_BLIND_INDEX_KEY")
if len(STROM_BLIND_INDEX_KEY) < 32 or len(set(STROM_BLIND_INDEX_KEY)) < 16:
    raise ImproperlyConfigured("STROM_BLIND_INDEX_KEY must be at least 32 random characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: name the host names the site answers to.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{host}" for host in ALLOWED_HOSTS])

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-strom_session"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STROM_DEMO_ENABLED = False
