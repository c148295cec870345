"""Issue #7 item 9: in development the demo's e-mails go to files under var/outbox/, listed on a
demo-only page, instead of being printed to the console."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from strom.accounts.roles import Role
from strom.core.outbox import read_outbox
from strom.core.tasks import send_email

OUTBOX_URL = "/demo/outbox/"
BACKEND = "strom.core.outbox.OutboxBackend"
LINK = "http://testserver/accounts/invitations/not-a-real-secret/"


@pytest.fixture
def outbox(settings, tmp_path) -> Path:
    settings.STROM_OUTBOX_DIR = tmp_path / "outbox"
    settings.EMAIL_BACKEND = BACKEND
    return settings.STROM_OUTBOX_DIR


def test_it_writes_one_file_per_message(outbox):
    with mail.get_connection() as connection:
        sent = connection.send_messages(
            [
                mail.EmailMessage("First", "Body one", to=["first.reader@example.invalid"]),
                mail.EmailMessage("Second", "Body two", to=["second.reader@example.invalid"]),
            ]
        )
    assert sent == 2
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2 and not list(outbox.glob(".*"))  # no half-written files left behind
    assert [message.subject for message in read_outbox()] == ["Second", "First"]  # newest first
    assert read_outbox()[0].to == "second.reader@example.invalid"


def test_it_receives_what_the_background_worker_sends(outbox):
    send_email("worker.reader@example.invalid", "Reminder", f"Open {LINK}")
    (message,) = read_outbox()
    assert message.subject == "Reminder" and LINK in message.body and message.sent_at is not None


def test_it_is_the_development_default(tmp_path):
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="strom.settings.dev", STROM_VAR_DIR=str(tmp_path))
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.STROM_OUTBOX_DIR)",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert shown.stdout.split() == [BACKEND, str(tmp_path / "outbox")]


def test_it_lists_the_emails_newest_first_with_clickable_links(db, client, outbox):
    send_email("older.reader@example.invalid", "Older message", "Nothing to open.")
    send_email("newer.reader@example.invalid", "You are invited", f"Open this link:\n{LINK}\n<b>not bold</b>")
    response = client.get(OUTBOX_URL)  # anonymous: a demo visitor opens the link while signed out
    assert response.status_code == 200
    page = response.content.decode()
    assert "Demo outbox: e-mails the demo would have sent" in page
    assert page.index("You are invited") < page.index("Older message")
    assert "newer.reader@example.invalid" in page
    assert f'<a href="{LINK}"' in page
    assert "<b>not bold</b>" not in page and "&lt;b&gt;not bold&lt;/b&gt;" in page
    assert "no-store" in response["Cache-Control"]


def test_it_says_so_when_the_outbox_is_empty(db, client, outbox):
    assert "No e-mails yet" in client.get(OUTBOX_URL).content.decode()


def test_it_answers_404_where_the_demo_is_off(db, client, outbox, settings):
    send_email("someone@example.invalid", "Hidden", "Hidden body")
    settings.STROM_DEMO_ENABLED = False
    response = client.get(OUTBOX_URL)
    assert response.status_code == 404 and "Hidden" not in response.content.decode()


def test_it_refuses_other_methods(db, client, outbox):
    assert client.post(OUTBOX_URL).status_code == 405


def test_it_links_the_outbox_where_a_demo_visitor_looks(db, client, settings):
    assert f'href="{OUTBOX_URL}"' in client.get(reverse("accounts:sign_in")).content.decode()
    settings.STROM_DEMO_ENABLED = False
    assert OUTBOX_URL not in client.get(reverse("accounts:sign_in")).content.decode()


def test_it_points_to_the_outbox_after_an_invitation_in_the_demo(world, signed_in, outbox):
    coordinator = signed_in(world[Role.COORDINATOR])
    response = coordinator.post(
        reverse("accounts:members", args=[world.municipal.pk]),
        {
            "organisation": str(world.municipal.pk),
            "role": "analyst",
            "email": "invited.reader@example.invalid",
        },
        follow=True,
    )
    assert f'<a href="{OUTBOX_URL}">demo outbox</a>' in response.content.decode()
