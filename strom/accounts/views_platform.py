"""Platform administration: organisations and user accounts. Never case data (security.md 11)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from strom.accounts import actions, queries
from strom.accounts import permissions as can
from strom.accounts.forms import MunicipalityForm, OrganisationForm
from strom.accounts.models import Organisation


@require_http_methods(["GET"])
def organisation_list(request):
    organisations = queries.organisations_for_platform_admin(request.access)
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/platform/organisation_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def organisation_edit(request, organisation_id=None):
    queries.require_platform_admin(request.access, "accounts.organisation", str(organisation_id or "new"))
    organisation = (
        queries.get_organisation_for(request.access, organisation_id) if organisation_id else Organisation()
    )
    is_new = organisation_id is None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        actions.do_save_platform_record(actor=request.user, record=form.instance)
        messages.success(request, _("The organisation has been saved."))
        return redirect("accounts:platform_organisations")
    return render(request, "accounts/platform/organisation_form.html", {"form": form, "is_new": is_new})


@require_http_methods(["GET", "POST"])
def municipality_list(request):
    municipalities = queries.municipalities_for_platform_admin(request.access)
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_save_platform_record(actor=request.user, record=form.instance)
        messages.success(request, _("The municipality has been added."))
        return redirect("accounts:platform_municipalities")
    page = Paginator(municipalities, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/platform/municipality_list.html", {"page": page, "form": form})


@require_http_methods(["GET"])
def user_list(request):
    search = request.GET.get("q", "").strip()[:100]
    users = queries.users_for_platform_admin(request.access, search)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    context = {"page": page, "search": search, "extra_query": urlencode({"q": search}) if search else ""}
    return render(request, "accounts/platform/user_list.html", context)


@require_POST
def user_status(request, user_id):
    target = queries.get_user_for_platform_admin(request.access, user_id)
    active = request.POST.get("active") == "1"
    if not can.can_change_user_status(request.access, target):
        messages.error(request, _("You cannot change the status of your own account."))
        return redirect("accounts:platform_users")
    actions.do_set_user_active(actor=request.user, user=target, active=active)
    if active:
        messages.success(request, _("The account has been reactivated."))
    else:
        messages.success(request, _("The account has been deactivated. Its sessions and tokens have ended."))
    return redirect("accounts:platform_users")
