"""Reading configuration from the environment, with clear errors.

Every setting that differs between machines comes from an environment variable, so one build runs
anywhere. Secrets never have a default outside development and tests.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def require(name: str) -> str:
    value = env_str(name)
    if value is None:
        raise ImproperlyConfigured(
            f"{name} is not set. Production settings refuse to start without it; see docs/deployment.md."
        )
    return value


def local_secret(path: Path, factory=lambda: secrets.token_urlsafe(50)) -> str:
    """A secret kept in a file under var/ for development: made once, stable across restarts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(factory())
        path.chmod(0o600)
    return path.read_text().strip()
