"""Production settings refuse to start half-configured, and every response carries the security headers."""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

from strom.accounts.roles import Role
from strom.core.crypto import new_keyring_line

BASE_DIR = Path(settings.BASE_DIR)
# Only what a Python process needs to run; nothing that Strom's settings read is inherited.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="strom.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60)[:60],
        STROM_FIELD_KEYS=new_keyring_line(),
        STROM_AUDIT_CHECKPOINT_KEY=secrets.token_urlsafe(64),
        STROM_BLIND_INDEX_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="strom.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3",
        STROM_VAR_DIR=str(tmp_path),
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")


def test_it_passes_the_deployment_check_when_fully_configured(production_env):
    result = deploy_check(production_env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


REQUIRED_VARIABLES = [
    "SECRET_KEY",
    "STROM_FIELD_KEYS",
    "STROM_BLIND_INDEX_KEY",
    "STROM_AUDIT_CHECKPOINT_KEY",
    "ALLOWED_HOSTS",
]


@pytest.mark.parametrize("name", REQUIRED_VARIABLES)
def test_it_refuses_to_start_without_a_required_variable(production_env, name):
    del production_env[name]
    result = deploy_check(production_env)
    assert result.returncode != 0
    assert f"{name} is not set" in result.stderr


@pytest.mark.parametrize("name", REQUIRED_VARIABLES)
def test_it_treats_an_empty_required_variable_as_missing(production_env, name):
    production_env[name] = ""
    result = deploy_check(production_env)
    assert result.returncode != 0
    assert f"{name} is not set" in result.stderr


def test_it_refuses_a_host_list_of_only_commas_and_spaces(production_env):
    production_env["ALLOWED_HOSTS"] = " , "
    result = deploy_check(production_env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param("test-too-short-secret-key", id="too short"),
        pytest.param(secrets.token_urlsafe(60)[:49], id="one character short"),
        pytest.param("ab" * 40, id="long but not random"),
    ],
)
def test_it_refuses_a_weak_secret_key(production_env, secret_key):
    production_env["SECRET_KEY"] = secret_key
    result = deploy_check(production_env)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr


@pytest.mark.parametrize(
    ("field_keys", "complaint"),
    [
        pytest.param("k1-without-a-colon", "key_id:base64key", id="no colon"),
        pytest.param("k1:this-is-not-base64!", "not valid base64", id="not base64"),
        pytest.param("k1:dGVzdC1rZXktdG9vLXNob3J0", "32 bytes", id="too short"),
    ],
)
def test_it_refuses_malformed_field_keys(production_env, field_keys, complaint):
    production_env["STROM_FIELD_KEYS"] = field_keys
    result = deploy_check(production_env)
    assert result.returncode != 0
    assert "KeyringError" in result.stderr
    assert complaint in result.stderr


# --- strength of production secrets (issue 7, item 10) ------------------------------------------

STRONG = secrets.token_urlsafe(64)
ONE_BYTE_KEY = "k1:" + base64.urlsafe_b64encode(b"\x07" * 32).decode()


@pytest.mark.parametrize(
    ("value", "refused_because"),
    [
        pytest.param(secrets.token_urlsafe(64), None, id="token_urlsafe(64)"),
        pytest.param(secrets.token_urlsafe(60)[:60], None, id="60 url-safe characters"),
        pytest.param(secrets.token_hex(64), None, id="128 hex digits"),
        pytest.param("abcdef" * 12 + "abc", "different characters", id="75 characters, six distinct"),
        pytest.param("ab" * 40, "different characters", id="two characters repeated"),
        pytest.param("0123456789abcdefg" * 3, "repeats a piece of 17", id="17 characters, thrice"),
        pytest.param("0123456789abcdef" * 4, "repeats a piece of 16", id="16 hex digits, four times"),
        pytest.param("abcdefghijk" * 7, "different characters", id="eleven characters"),
        pytest.param(secrets.token_hex(32), None, id="64 hex digits"),
        pytest.param(get_random_secret_key(), None, id="Django's get_random_secret_key()"),
        pytest.param(secrets.token_urlsafe(60)[:49], "fewer than 50", id="49 characters"),
        pytest.param("", "fewer than 50", id="empty"),
        pytest.param("django-insecure-" + secrets.token_urlsafe(64), "insecure", id="startproject key"),
        pytest.param(settings.SECRET_KEY, "published", id="the test SECRET_KEY"),
        pytest.param(settings.STROM_AUDIT_CHECKPOINT_KEY, "published", id="the test checkpoint key"),
        pytest.param("test-only-" + secrets.token_urlsafe(64), "published", id="marked test-only"),
    ],
)
def test_it_judges_the_strength_of_a_secret(value, refused_because):
    from strom.settings.secrets_check import strength_problem

    problem = strength_problem(value)
    if refused_because is None:
        assert problem is None
    else:
        assert refused_because in problem


@pytest.mark.parametrize(
    ("values", "complaints"),
    [
        pytest.param({}, [], id="all strong"),
        pytest.param(
            {"checkpoint_key": "same"},
            ["STROM_AUDIT_CHECKPOINT_KEY must differ from SECRET_KEY"],
            id="checkpoint key is the secret key",
        ),
        pytest.param(
            {"checkpoint_key": "abcdef" * 12 + "abc"},
            ["STROM_AUDIT_CHECKPOINT_KEY must be at least 50 random characters", "token_urlsafe(64)"],
            id="weak checkpoint key",
        ),
        pytest.param(
            {"checkpoint_key": settings.STROM_AUDIT_CHECKPOINT_KEY},
            ["STROM_AUDIT_CHECKPOINT_KEY must be at least 50 random characters: it is a published"],
            id="test checkpoint key",
        ),
        pytest.param(
            {"secret_key": settings.SECRET_KEY},
            ["SECRET_KEY must be at least 50 random characters: it is a published"],
            id="test secret key",
        ),
        pytest.param(
            {"field_keys": settings.STROM_FIELD_KEYS},
            ["STROM_FIELD_KEYS is the published test key", "STROM_FIELD_KEYS key test uses 1 different"],
            id="test field keys",
        ),
        pytest.param(
            {"field_keys": f"{new_keyring_line('k2')},{ONE_BYTE_KEY}"},
            ["STROM_FIELD_KEYS key k1 uses 1 different byte values"],
            id="an older field key of one byte repeated",
        ),
    ],
)
def test_it_lists_every_reason_to_refuse_the_production_secrets(values, complaints):
    from strom.core.crypto import parse_keyring
    from strom.settings.secrets_check import production_secret_problems

    secret_key = values.get("secret_key", STRONG)
    checkpoint_key = values.get("checkpoint_key", secrets.token_urlsafe(64))
    checkpoint_key = secret_key if checkpoint_key == "same" else checkpoint_key
    field_keys = values.get("field_keys", new_keyring_line())
    problems = production_secret_problems(
        secret_key=secret_key,
        field_keys_line=field_keys,
        field_keys=parse_keyring(field_keys).keys,
        checkpoint_key=checkpoint_key,
    )
    for complaint in complaints:
        assert any(complaint in problem for problem in problems), (complaint, problems)
    assert bool(problems) == bool(complaints)


def test_it_refuses_to_start_with_the_issues_weak_secret_key(production_env):
    production_env["SECRET_KEY"] = "abcdef" * 12 + "abc"
    result = deploy_check(production_env)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_it_refuses_to_start_with_the_secret_key_as_checkpoint_key(production_env):
    production_env["STROM_AUDIT_CHECKPOINT_KEY"] = production_env["SECRET_KEY"]
    result = deploy_check(production_env)
    assert result.returncode != 0
    assert "STROM_AUDIT_CHECKPOINT_KEY must differ from SECRET_KEY" in result.stderr


def test_it_insists_on_https_only_cookies_and_a_year_of_hsts(production_env):
    names = [
        "DEBUG",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
    ]
    code = (
        "import json, strom.settings.production as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {names!r}}}))"
    )
    result = run(production_env, "-c", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)

    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["ALLOWED_HOSTS"] == ["strom.example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://strom.example.org"]


# --- headers on every response ----------------------------------------------------------------


def test_it_sends_a_strict_content_security_policy(client, db):
    response = client.get(reverse("accounts:sign_in"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_it_sends_the_other_security_headers(client, db):
    response = client.get(reverse("accounts:sign_in"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_it_gives_every_response_a_request_id(client, db):
    first = client.get(reverse("accounts:sign_in"))["X-Request-ID"]
    second = client.get(reverse("accounts:sign_in"))["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_it_keeps_a_well_formed_incoming_request_id_and_replaces_a_malformed_one(client, db):
    kept = client.get(reverse("accounts:sign_in"), HTTP_X_REQUEST_ID="test-request-0001")
    assert kept["X-Request-ID"] == "test-request-0001"
    replaced = client.get(reverse("accounts:sign_in"), HTTP_X_REQUEST_ID="<script>test</script>")
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


def test_it_forbids_caching_pages_a_signed_in_person_sees(world, signed_in):
    response = signed_in(world[Role.CASEWORKER]).get(reverse("site:home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
