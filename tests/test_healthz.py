"""/healthz: for load balancers, public, cookie-free, and honest about the database."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection

HEALTHZ = "/healthz"


def test_it_answers_ok_to_anyone_without_a_redirect(client, db):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "Location" not in response


def test_it_never_sets_a_cookie(client, db):
    response = client.get(HEALTHZ)
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not response.cookies
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert not Session.objects.exists()


def test_it_forbids_caching_its_answer(client, db):
    response = client.get(HEALTHZ)
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_refuses_anything_but_reading(client, db, method):
    response = getattr(client, method)(HEALTHZ)
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


@pytest.mark.django_db(transaction=True)
def test_it_answers_unavailable_when_the_database_is_unreachable(client):
    connection.close()
    saved = dict(connection.settings_dict)
    try:
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent-dir/nothing.sqlite3"
        else:
            connection.settings_dict["PORT"] = "1"
        response = client.get(HEALTHZ)
    finally:
        connection.settings_dict.update(saved)
        connection.close()

    assert response.status_code == 503
    # It says nothing about why: no path, port, host or driver message.
    assert response.content == b"database unavailable\n"
    assert client.get(HEALTHZ).status_code == 200
