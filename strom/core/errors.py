"""Error pages: plain, translated, and free of anything the request carried."""

from django.http import JsonResponse
from django.shortcuts import render

from strom.core.access import public_view


@public_view
def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


@public_view
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@public_view
def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        # An API client gets JSON like every other API answer, also for an address no route matches.
        return JsonResponse({"detail": "Not Found"}, status=404)
    return render(request, "errors/404.html", status=404)


@public_view
def server_error(request):
    return render(request, "errors/500.html", status=500)
