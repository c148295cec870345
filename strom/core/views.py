from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from strom.accounts import otp
from strom.accounts.access import get_access
from strom.core import queries
from strom.core.access import public_view
from strom.core.home import tasks_for
from strom.core.outbox import read_outbox
from strom.core.ratelimit import not_rate_limited


@require_http_methods(["GET"])
def home(request):
    access = get_access(request.user)
    context = {
        "sections": tasks_for(access),
        "backup_codes_left": otp.remaining_backup_codes(request.user),
    }
    return render(request, "core/home.html", context)


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


@require_http_methods(["GET"])
def audit_log(request):
    scope = queries.audit_scope_for(request.user, request.GET.get("organisation"))
    page = Paginator(queries.audit_events_in(scope), settings.STROM_AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    extra_query = urlencode({"organisation": scope.organisation.pk}) if scope.organisation else ""
    return render(request, "core/audit_log.html", {"scope": scope, "page": page, "extra_query": extra_query})


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
