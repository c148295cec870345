"""Per-username lockout (security.md 2) on top of django-axes.

Five failures lock the username for 15 minutes; each further failure doubles the time, up to a day.
A locked username gets the very same answer as a wrong password or an unknown user.
"""

from datetime import timedelta

from django.conf import settings

BASE_COOL_OFF = timedelta(minutes=15)
MAX_COOL_OFF = timedelta(hours=24)


def cool_off_for(failures: int) -> timedelta:
    extra = max(0, failures - settings.AXES_FAILURE_LIMIT)
    return min(BASE_COOL_OFF * (2**extra), MAX_COOL_OFF)


def cool_off(request=None) -> timedelta:
    from axes.models import AccessAttempt

    username = None
    if request is not None and request.method == "POST":
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not username:
        return BASE_COOL_OFF
    attempt = AccessAttempt.objects.filter(username=username).order_by("-failures_since_start").first()
    return cool_off_for(attempt.failures_since_start if attempt else 0)


def locked_out_response(request, original_response=None, credentials=None):
    """The sign-in view has already rendered the generic failure; answer exactly that."""
    return original_response
