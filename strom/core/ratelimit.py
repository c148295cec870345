"""Rate limits per class of endpoint (security.md 26), counted by django-ratelimit in Django's cache.

Each class in ``settings.STROM_RATE_LIMITS`` has its own key: the client address, the person, the
API token or the e-mail address a message would go to. Keys are keyed hashes (HMAC with
``SECRET_KEY``), so neither the cache nor the audit trail ever holds an address, a username or a
token. Over the limit the answer is 429 with ``Retry-After`` (the seconds to the end of the window),
a translated page or, under ``/api/``, JSON; the first refusal of a window writes one
``security.rate_limited`` audit event, later ones in the same window write none.

Sign-in and second-factor classes count failed tries only (``failures_only``): a whole room that
signs in behind one address is never throttled, someone guessing passwords or codes soon is.
"""

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from strom.core.access import PUBLIC, access_level

AUDIT_ACTION = "security.rate_limited"


# --- Who is asking ----------------------------------------------------------------------------


def _parsed(address: str):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind ``STROM_TRUSTED_PROXY_COUNT`` reverse proxies
    that each append to X-Forwarded-For, the entry the outermost of them added. Entries further left
    come from the client and prove nothing. IPv6 clients count per /64, the block a household or a
    phone is given, so that rotating through one's own block does not reset the count."""
    ip = _parsed(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.STROM_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            ip = _parsed(forwarded[-proxies]) or ip
    if ip is None:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _keyed(kind: str, value: str) -> str:
    return salted_hmac(f"strom.core.ratelimit.{kind}", value, algorithm="sha256").hexdigest()


def _by_ip(request) -> str:
    return _keyed("ip", client_ip(request))


def _by_user(request) -> str | None:
    user = getattr(request, "user", None)
    return _keyed("user", str(user.pk)) if user is not None and user.is_authenticated else None


def _by_email(request) -> str | None:
    email = request.POST.get("email", "").strip().lower()
    return _keyed("email", email) if email else None


def _by_api_token(request) -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return _keyed("api_token", token.strip()) if scheme.lower() == "bearer" and token.strip() else None


KEYS: dict[str, Callable[[HttpRequest], str | None]] = {
    "sign_in_ip": _by_ip,
    "two_factor_ip": _by_ip,
    "two_factor_user": _by_user,
    "api_token": _by_api_token,
    "public_ip": _by_ip,
    "invitation_email": _by_email,
    "password_reset_email": _by_email,
    "search_user": _by_user,
    "export_user": _by_user,
}


# --- Counting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    limit: str
    retry_after: int


class RateLimited(Exception):
    """Raised where a response cannot be returned (API authentication); answered by the API's handler."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.limit)
        self.refusal = refusal


def _usage(request, name: str, value: str, *, increment: bool) -> dict | None:
    return get_usage(
        request,
        group=f"strom.{name}",
        key=lambda _group, _request: value,
        rate=settings.STROM_RATE_LIMITS[name],
        increment=increment,
    )


def _check(request, name: str, *, increment: bool) -> Refusal | None:
    value = KEYS[name](request)
    if value is None:
        return None
    usage = _usage(request, name, value, increment=increment)
    if usage is None:  # RATELIMIT_ENABLE = False
        return None
    # Counting this request, it may be the last allowed one; only looking, the allowance may be used up.
    over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
    if not over:
        return None
    refusal = Refusal(limit=name, retry_after=max(1, usage["time_left"]))
    _audit_once(request, refusal, value)
    return refusal


def hit(request, name: str) -> Refusal | None:
    """Count this request against the class ``name``; a Refusal when it goes over."""
    return _check(request, name, increment=True)


def _audit_once(request, refusal: Refusal, value: str) -> None:
    """One event per key and window: ``add`` succeeds only for the first refusal of the window."""
    window_end = int(time.time()) + refusal.retry_after
    marker = f"strom:rl-audited:{refusal.limit}:{value}:{window_end}"
    if not cache.add(marker, 1, timeout=refusal.retry_after + 5):
        return
    from strom.core.audit import Severity, log_event

    log_event(
        actor=getattr(request, "user", None),
        action=AUDIT_ACTION,
        severity=Severity.WARNING,
        # The class, and a short keyed hash that tells sources apart without naming one.
        details={"limit": refusal.limit, "source": value[:16]},
    )


# --- Answering ----------------------------------------------------------------------------------


def too_many_requests(request, refusal: Refusal) -> HttpResponse:
    minutes = max(1, -(-refusal.retry_after // 60))
    if request.path.startswith("/api/"):
        detail = ngettext(
            "Too many requests. Try again in %(minutes)d minute.",
            "Too many requests. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        response = JsonResponse({"detail": detail}, status=429)
    else:
        response = render(request, "errors/429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def rate_limited(*names: str, methods=("POST",), failures_only: bool = False):
    """Limit a view by the classes ``names`` for the given methods.

    With ``failures_only`` a request is refused once the allowance is used up, but only answers that
    show the form again (status 200 to a POST: wrong password, wrong code) use it up.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                return view(request, *args, **kwargs)
            for name in names:
                refusal = _check(request, name, increment=not failures_only)
                if refusal is not None:
                    return too_many_requests(request, refusal)
            response = view(request, *args, **kwargs)
            if failures_only and response.status_code == 200:
                for name in names:
                    value = KEYS[name](request)
                    if value is not None:
                        _usage(request, name, value, increment=True)
            return response

        return wrapped

    return decorator


def not_rate_limited(view):
    """A public view that no limit applies to (the load balancer's health check)."""
    view.strom_not_rate_limited = True
    return view


class PublicPageRateLimitMiddleware:
    """Every view open without sign-in is limited per client address for anonymous visitors, so a
    new public page is covered without anyone remembering to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if access_level(view_func) != PUBLIC or getattr(view_func, "strom_not_rate_limited", False):
            return None
        if request.user.is_authenticated:
            return None
        refusal = hit(request, "public_ip")
        return too_many_requests(request, refusal) if refusal is not None else None
