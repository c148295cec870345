from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from strom.core.access import public_view
from strom.core.outbox import read_outbox
from strom.core.ratelimit import not_rate_limited


@public_view
@not_rate_limited
@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request):
    """For load balancers: 200 while the database answers, 503 when it does not. Says nothing more."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@public_view
@never_cache
@require_http_methods(["GET"])
def demo_outbox(request):
    """Demo only (404 elsewhere): the e-mails the development backend wrote to STROM_OUTBOX_DIR. Open
    without sign-in because a demo visitor opens invitation and reset links while signed out; the
    demo's accounts and data are fictional, and production turns STROM_DEMO_ENABLED off."""
    if not settings.STROM_DEMO_ENABLED:
        raise Http404
    return render(request, "core/demo_outbox.html", {"outbox": read_outbox()})
