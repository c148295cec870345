"""Background work shared by every app. Tasks are idempotent or harmless to repeat."""

import logging

from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, task

logger = logging.getLogger(__name__)


@task(retries=5, retry_delay=60)
def send_email(to: str, subject: str, body: str) -> None:
    """Send one e-mail; if the mail server is down the task is retried, and the work that asked for it
    has already been saved (security.md 30)."""
    send_mail(subject, body, None, [to], fail_silently=False)


def messages_in_their_language(users, subject, template: str, context: dict) -> dict[str, tuple[str, str]]:
    """One e-mail per address, each in its reader's preferred language. `subject` is a lazy
    translation, rendered inside the reader's language."""
    from django.template.loader import render_to_string
    from django.utils import translation

    messages = {}
    for user in users:
        if not user.email:
            continue
        with translation.override(user.preferred_language):
            messages[user.email] = (str(subject), render_to_string(template, context))
    return messages


def send_on_commit(messages: dict[str, tuple[str, str]]) -> None:
    """Queue the e-mails once the caller's transaction commits, so nothing goes out for work that
    rolled back."""
    from django.db import transaction

    for email, (subject, body) in messages.items():
        transaction.on_commit(lambda e=email, s=subject, b=body: send_email(e, s, b))


@db_periodic_task(crontab(hour="3", minute="15"))
def clear_expired_sessions() -> int:
    """Remove sessions past their expiry every night: they hold nothing useful and should not pile up."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@db_periodic_task(crontab(hour="4", minute="0"))
def check_audit_chain() -> bool:
    """Every night, walk the audit chain. A break is written to the error log (with the event number
    only) and into the trail itself as a high-severity event, where administrators see it."""
    from strom.core.audit import Severity, log_event, verify_stored_chain

    problem, _count, _seen = verify_stored_chain()
    if problem is None:
        return True
    logger.error("Audit trail broken at event %s: %s", problem.seq, problem.reason)
    log_event(
        actor=None,
        action="audit.chain.broken",
        severity=Severity.HIGH,
        details={"first_bad_event": problem.seq},
    )
    return False


@db_periodic_task(crontab(minute="*/15"))
def write_audit_checkpoint() -> bool:
    """Every quarter hour, sign the audit chain's head so that removing the newest events is detected
    (strom.core.checkpoints). Idempotent: nothing is written while the head has not moved."""
    from strom.core.checkpoints import CheckpointRefused, write_checkpoint

    try:
        write_checkpoint()
    except CheckpointRefused as exc:
        logger.error("Audit checkpoint refused: %s", exc)
        return False
    return True
