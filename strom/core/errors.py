"""Error pages: plain, translated, and free of anything the request carried."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

from strom.core.access import public_view


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


@public_view
def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    return render(request, "errors/400.html", status=400)


def refused_input(request, problem: str):
    """400 for input Strom does not accept, saying what was wrong (never echoing the input)."""
    if _is_api(request):
        return JsonResponse({"detail": problem}, status=400)
    return render(request, "errors/400.html", {"problem": problem}, status=400)


def request_too_large(request):
    """413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (files uploaded with it do not count)."""
    megabytes = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):g}"
    if _is_api(request):
        detail = gettext(
            "The request is too large: a request body may hold at most %(size)s MB. "
            "Send less at once, or shorten the longest texts."
        ) % {"size": megabytes}
        return JsonResponse({"detail": detail}, status=413)
    return render(request, "errors/413.html", {"size": megabytes}, status=413)


@public_view
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@public_view
def page_not_found(request, exception=None):
    if _is_api(request):
        # An API client gets JSON like every other API answer, also for an address no route matches.
        return JsonResponse({"detail": "Not Found"}, status=404)
    return render(request, "errors/404.html", status=404)


@public_view
def server_error(request):
    return render(request, "errors/500.html", status=500)
