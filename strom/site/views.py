from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from strom.accounts import otp
from strom.core import registry
from strom.site import queries
from strom.site.audit_rows import audit_rows
from strom.site.home import tasks_for


@require_http_methods(["GET"])
def home(request):
    context = {
        "sections": tasks_for(request.access),
        "backup_codes_left": otp.remaining_backup_codes(request.user),
        # What apps add to the home page (the directory: the public help page to share).
        "panels": registry.panels_for("site.home", request, None),
    }
    return render(request, "site/home.html", context)


@require_http_methods(["GET"])
def audit_log(request):
    scope = queries.audit_scope_for(request.access, request.GET.get("organisation"))
    page = Paginator(queries.audit_events_in(scope), settings.STROM_AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    extra_query = urlencode({"organisation": scope.organisation.pk}) if scope.organisation else ""
    context = {
        "scope": scope,
        "page": page,
        "rows": audit_rows(request.access, page.object_list),
        "extra_query": extra_query,
    }
    return render(request, "site/audit_log.html", context)
