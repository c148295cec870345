import functools
import re
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.cache import add_never_cache_headers

from strom.core.request_context import current_request_id

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an id that ties its log lines and audit events together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")


def tile_origin(url_template: str) -> str:
    """scheme://host[:port] of a Leaflet tile URL template; a leading {s}. becomes the wildcard *."""
    try:
        parts = urlsplit(url_template)
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"STROM_MAP_TILE_URL is not a URL: {url_template!r}") from exc
    host = parts.hostname or ""
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if parts.scheme not in {"https", "http"} or parts.username or parts.password or not _HOST.match(host):
        raise ImproperlyConfigured(
            f"STROM_MAP_TILE_URL must look like https://tiles.example.org/{{z}}/{{x}}/{{y}}.png, "
            f"not {url_template!r}"
        )
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


@functools.lru_cache(maxsize=8)
def content_security_policy(policy: str, tile_url: str) -> str:
    """The policy, with the map tile server's origin added to img-src when a tile server is set."""
    if not tile_url:
        return policy
    origin = tile_origin(tile_url)
    directives = [directive.strip() for directive in policy.split(";") if directive.strip()]
    for index, directive in enumerate(directives):
        if directive.split()[0] == "img-src":
            directives[index] = f"{directive} {origin}"
            break
    else:
        directives.append(f"img-src 'self' {origin}")
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    """CSP and Permissions-Policy on every response; no caching of anything a signed-in person sees."""

    def __init__(self, get_response):
        self.get_response = get_response
        content_security_policy(settings.STROM_CSP, settings.STROM_MAP_TILE_URL)  # a bad URL fails at start

    def __call__(self, request):
        response = self.get_response(request)
        policy = content_security_policy(settings.STROM_CSP, settings.STROM_MAP_TILE_URL)
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", settings.STROM_PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path_info.startswith("/api/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private"
        return response
