"""security.md 22 and issue #7 item 9: no link secret, query string or e-mail address in a log line:
the development server's request lines, Django's error lines, tracebacks, gunicorn's access log, and
whatever an invitation sets off."""

import logging
import re
import runpy
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import reverse
from gunicorn.config import Config

from strom.accounts.roles import Role
from strom.core.logging import RedactFilter, RequestIdFilter
from tests.test_invitations import ACCEPT, REGISTRATION, link_in

SECRET = "Sup3rSecretInvitationToken_abc"
CANARY = "canary.invitee-7f3a@example.invalid"


@pytest.fixture
def server_log(caplog):
    """The development server's logger does not propagate to the root, where caplog listens."""
    logger = logging.getLogger("django.server")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def request_line(path: str, status: int = 302) -> None:
    """What `manage.py runserver` logs for one request, through Django's own request handler."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request, handler.requestline = None, f"GET {path} HTTP/1.1"
    handler.log_request(status)


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/accounts/invitations/{SECRET}/", "/accounts/invitations/[redacted]/"),
        (f"/accounts/password/reset/MTIzNDU/{SECRET}/", "/accounts/password/reset/[redacted]/[redacted]/"),
        (f"/directory/?q={SECRET}&page=2", "/directory/ "),
        (f"/accounts/sign-in/?next=/accounts/invitations/{SECRET}/", "/accounts/sign-in/ "),
    ],
)
def test_it_redacts_the_development_servers_request_lines(server_log, path, logged):
    request_line(path)
    assert SECRET not in server_log.text and logged in server_log.text


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/invitations/accept/",
        "/accounts/password/reset/new-password/",
        "/accounts/password/reset/sent/",
    ],
)
def test_it_leaves_paths_without_secrets_readable(server_log, path):
    request_line(path, 200)
    assert f"GET {path} HTTP/1.1" in server_log.text


def test_it_redacts_paths_in_djangos_error_lines(caplog):
    logging.getLogger("django.request").error("Internal Server Error: %s", f"/accounts/invitations/{SECRET}/")
    assert SECRET not in caplog.text and "/accounts/invitations/[redacted]/" in caplog.text


def test_it_redacts_email_addresses_in_messages_and_tracebacks():
    try:
        raise RuntimeError(f"mail server refused {CANARY}")
    except RuntimeError:
        record = logging.LogRecord(
            "huey", logging.ERROR, __file__, 1, "task for %s failed", (CANARY,), sys.exc_info()
        )
    assert RedactFilter().filter(record)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    assert CANARY not in handler.format(record) and "[e-mail]" in handler.format(record)


def test_it_redacts_every_line_of_the_configured_console_handler():
    consoles = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(each, RequestIdFilter) for each in handler.filters)
    ]
    assert consoles and all(any(isinstance(each, RedactFilter) for each in h.filters) for h in consoles)
    assert any(isinstance(each, RedactFilter) for each in logging.getLogger("django.server").filters)


def test_it_keeps_secrets_and_query_strings_out_of_gunicorns_access_log(caplog):
    config = Config()
    for name, value in runpy.run_path(str(django_settings.BASE_DIR / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    config.set("accesslog", "-")
    logger = config.logger_class(config)
    logger.access_log.addHandler(caplog.handler)
    request_access(logger)
    logger.access_log.removeHandler(caplog.handler)
    assert '"GET /accounts/invitations/[redacted]/ HTTP/1.1" 302' in caplog.text
    assert "req-42" in caplog.text
    assert SECRET not in caplog.text and CANARY not in caplog.text


def request_access(logger) -> None:
    """What gunicorn logs for one request to an invitation link with a query string and a Referer."""
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/accounts/invitations/{SECRET}/?from={CANARY}",
        "PATH_INFO": f"/accounts/invitations/{SECRET}/",
        "QUERY_STRING": f"from={CANARY}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://strom.example.org/accounts/password/reset/MTIz/{SECRET}/",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    request = SimpleNamespace(headers=[("X-REQUEST-ID", "req-42"), ("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=3))


def test_it_keeps_the_invitees_address_and_the_secret_out_of_logs_and_the_console(
    world, signed_in, client, caplog, capsys, settings, tmp_path, django_capture_on_commit_callbacks
):
    """With the development e-mail backend, an invitation from sending to registering leaves the
    address and the link's secret in the outbox only."""
    settings.EMAIL_BACKEND = "strom.core.outbox.OutboxBackend"
    settings.STROM_OUTBOX_DIR = tmp_path
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world[Role.COORDINATOR]).post(
            reverse("accounts:members", args=[world.municipal.pk]),
            {"organisation": str(world.municipal.pk), "role": "caseworker", "email": CANARY},
        )
    (eml,) = tmp_path.glob("*.eml")
    body = eml.read_text()
    assert CANARY in body
    link = link_in(SimpleNamespace(body=body))
    secret = re.search(r"/invitations/([^/]+)/", link).group(1)
    assert client.get(link)["Location"] == ACCEPT
    client.post(ACCEPT, REGISTRATION)
    captured = capsys.readouterr()
    logged = caplog.text + " ".join(str(record.__dict__) for record in caplog.records)
    for canary in (CANARY, secret, REGISTRATION["last_name"]):
        assert canary not in logged and canary not in captured.out + captured.err


def test_it_keeps_a_typed_username_out_of_the_lockout_log(world, client, caplog):
    """django-axes names the client it counts; AXES_SENSITIVE_PARAMETERS masks the username."""
    caplog.set_level(logging.DEBUG)
    for username in ("canary-typed-username", world[Role.ANALYST].username):
        for _attempt in range(6):
            client.post(reverse("accounts:sign_in"), {"username": username, "password": "not-the-password"})
    assert "AXES" in caplog.text  # the lockout log still says what happened
    assert "canary-typed-username" not in caplog.text and world[Role.ANALYST].username not in caplog.text
