import functools
import json
import re
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from strom.core import errors
from strom.core.request_context import current_request_id
from strom.core.text import code_point, first_refused_character, strip_control_characters

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


class InputLimitsMiddleware:
    """Large or odd input is answered before any view sees it (security.md 23-24).

    A body over DATA_UPLOAD_MAX_MEMORY_SIZE (uploaded files do not count) answers 413; a control
    character (strom.core.text) in the address, the query string or a JSON body answers 400. The API
    gets JSON like its other answers, a page gets a translated page. Form fields are checked by the
    forms themselves, so that the message stands next to the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = _refused_input(request)
        except RequestDataTooBig:
            request._mark_post_parse_error()  # as Django does: the body cannot be read again
            return errors.request_too_large(request)
        if problem:
            return errors.refused_input(request, problem)
        return self.get_response(request)


def _refused_input(request) -> str:
    """What is wrong with the request's text, or "" when nothing is. Reads (and so measures) the body."""
    if character := first_refused_character(request.path_info):
        return gettext(
            "The address contains an invisible control character (%(character)s), which Strom does not "
            "accept."
        ) % {"character": code_point(character)}
    for key, values in request.GET.lists():
        for text in (key, *values):
            if character := first_refused_character(text):
                return gettext(
                    "The query parameter %(name)s contains an invisible control character (%(character)s), "
                    "which Strom does not accept. Remove it and send again."
                ) % {"name": _shown(key), "character": code_point(character)}
    if request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        request.POST  # noqa: B018 (parsing the form is what checks its size)
    elif request.content_type == "application/json" or request.path_info.startswith("/api/"):
        for path, text in _json_strings(request.body):
            if character := first_refused_character(text):
                return gettext(
                    "The field %(name)s contains an invisible control character (%(character)s), "
                    "which Strom does not accept. Remove it and send again."
                ) % {"name": _shown(path), "character": code_point(character)}
    return ""


def _shown(name: str) -> str:
    return strip_control_characters(name)[:80] or "?"


def _json_strings(body: bytes):
    """(path, text) for every key and string value of a JSON body; nothing if it is not JSON."""
    if not body:
        return
    try:
        stack = [("", json.loads(body))]
    except (ValueError, RecursionError):
        return  # not JSON: the API answers that itself
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else key
                yield child, key
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
