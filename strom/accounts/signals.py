"""Sign-in events into the audit trail (security.md 19): never a password, never a typed username
that matches no account (it may be a password typed into the wrong field)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from strom.core.audit import Severity, log_event


def _known_user(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    log_event(actor=user, action="auth.sign_in.password_accepted", obj=user)


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        log_event(actor=user, action="auth.signed_out", obj=user)


@receiver(user_login_failed)
def audit_sign_in_failure(sender, credentials, request=None, **kwargs):
    user = _known_user(credentials.get("username"))
    log_event(
        actor=None,
        action="auth.sign_in.failed",
        obj=user,
        severity=Severity.NOTICE,
        details={"known_account": user is not None},
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    user = _known_user(username)
    log_event(
        actor=None,
        action="auth.lockout",
        obj=user,
        severity=Severity.WARNING,
        details={"known_account": user is not None},
    )
