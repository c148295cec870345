"""What every view is allowed to assume about who is asking.

Every page needs a signed-in user who has passed the second factor, unless its view says otherwise
with one of these decorators. Deny by default: a new view is protected without anyone remembering to.
"""

from django.http import Http404

PUBLIC = "public"
PASSWORD_STEP = "password_step"  # noqa: S105 (an access level, not a password)
VERIFIED = "verified"


def public_view(view):
    """Anyone, signed in or not (sign-in page, health check, public pages)."""
    view.strom_access = PUBLIC
    return view


def password_step_view(view):
    """Signed in with a password, second factor not yet given (the second-factor pages)."""
    view.strom_access = PASSWORD_STEP
    return view


def access_level(view) -> str:
    return getattr(view, "strom_access", VERIFIED)


def refuse(*, actor, object_type: str, object_id) -> Http404:
    """Log a refused look at something outside the user's reach and return the 404 to raise.

    The answer is the same 404 as for an id that does not exist (security.md 6, 19).
    """
    from strom.core.audit import Severity, log_event

    log_event(
        actor=actor,
        action="access.refused",
        severity=Severity.WARNING,
        details={"object_type": object_type, "object_id": str(object_id)[:80]},
    )
    return Http404()
