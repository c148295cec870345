from django.conf import settings

from strom.accounts.access import get_access
from strom.site.home import navigation_for


def _access(request):
    # An error page drawn before AccessMiddleware ran has no request.access yet.
    return request.access if hasattr(request, "access") else get_access(request.user)


def navigation(request):
    user = getattr(request, "user", None)
    # An error page can be drawn before the second-factor middleware has wrapped the user.
    verified = getattr(user, "is_verified", None)
    signed_in = bool(user and user.is_authenticated and verified and verified())
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {
        "nav_items": navigation_for(_access(request)) if signed_in else [],
        "nav_current": current,
        "signed_in": signed_in,
        "strom_languages": settings.LANGUAGES,
        "demo_mode": settings.STROM_DEMO_ENABLED,
    }
