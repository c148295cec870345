import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from strom.accounts.access import attach_access
from strom.core.access import PASSWORD_STEP, PUBLIC, access_level

SESSION_STARTED = "strom_started"
SESSION_SEEN = "strom_seen"
SESSION_ENDED_FLAG = "strom_session_ended"
SEEN_WRITE_INTERVAL = 60  # seconds: do not rewrite the session on every request


def start_session_clock(request) -> None:
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


class SessionLimitsMiddleware:
    """Idle and absolute session limits (security.md 5)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and self._expired(request):
            from strom.core.audit import log_event

            log_event(actor=request.user, action="auth.session.expired")
            logout(request)
            request.session[SESSION_ENDED_FLAG] = True
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> bool:
        now = int(time.time())
        started = request.session.get(SESSION_STARTED)
        seen = request.session.get(SESSION_SEEN)
        if started is None or seen is None:
            return True
        if now - started > settings.STROM_SESSION_ABSOLUTE_HOURS * 3600:
            return True
        if now - seen > settings.STROM_SESSION_IDLE_MINUTES * 60:
            return True
        if now - seen >= SEEN_WRITE_INTERVAL:
            request.session[SESSION_SEEN] = now
        return False


def _redirect(request, url_name: str) -> HttpResponse:
    target = reverse(url_name)
    if request.method == "GET" and request.path_info != target:
        target = f"{target}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


class AccessMiddleware:
    """`request.access`: the Access snapshot of who is signed in, computed on first use, once per
    request. Views pass it to queries. The API's token check attaches it again for the token's owner."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        attach_access(request)
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Deny by default: every page needs a password and a second factor unless its view opts out.

    The API (`/api/`) authenticates with personal tokens in django-ninja and is left to it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        level = access_level(view_func)
        if level == PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return _redirect(request, settings.LOGIN_URL)
        if level == PASSWORD_STEP or user.is_verified():
            return None
        return _redirect(request, "accounts:two_factor")
