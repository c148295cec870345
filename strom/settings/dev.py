"""Development: the embedded SQLite default, e-mail into an outbox folder, demo data allowed."""

from strom.core.crypto import new_keyring_line
from strom.settings.base import *  # noqa: F403
from strom.settings.base import VAR_DIR
from strom.settings.env import env_list, env_str, local_secret

DEBUG = True
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
SECRET_KEY = env_str("SECRET_KEY") or local_secret(VAR_DIR / "secret_key")
STROM_FIELD_KEYS = env_str("STROM_FIELD_KEYS") or local_secret(
    VAR_DIR / "field_keys", factory=new_keyring_line
)
STROM_BLIND_INDEX_KEY = env_str("STROM_BLIND_INDEX_KEY") or local_secret(VAR_DIR / "blind_index_key")
STROM_AUDIT_CHECKPOINT_KEY = env_str("STROM_AUDIT_CHECKPOINT_KEY") or local_secret(
    VAR_DIR / "audit_checkpoint_key"
)
# E-mails go to files under var/outbox/, listed on the demo outbox page; never to the console log.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "strom.core.outbox.OutboxBackend")
STROM_DEMO_ENABLED = True
# Static files straight from the source folders; no collectstatic in development.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
