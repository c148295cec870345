from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from strom.core.tasks import clear_expired_sessions, send_email


def test_it_removes_expired_sessions_and_keeps_live_ones(db):
    live, stale = SessionStore(), SessionStore()
    live.create()
    stale.create()
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    Session.objects.filter(session_key=stale.session_key).update(expire_date=a_minute_ago)

    clear_expired_sessions()
    clear_expired_sessions()  # running twice is harmless

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_it_sends_an_email_through_the_worker(db):
    send_email("someone@example.invalid", "Subject line", "Body text")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["someone@example.invalid"], "Subject line")]
