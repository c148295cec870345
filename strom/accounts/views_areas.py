"""Where organisations may list services: a municipality's coordinators record which organisations
serve it; a national coordinator appoints organisations for the whole country (issue 7)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from strom.accounts import actions, queries
from strom.accounts.forms import GrantAreaForm


@require_http_methods(["GET", "POST"])
def serving_organisations(request, municipality_id):
    municipality = queries.get_municipality_for_grants(request.access, municipality_id)
    form = GrantAreaForm(request.POST or None, organisations=queries.organisations_grantable_in(municipality))
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        actions.do_grant_municipality(
            actor=request.user, organisation=organisation, municipality=municipality
        )
        messages.success(
            request,
            _("%(organisation)s can now list its services in %(municipality)s.")
            % {"organisation": organisation.name, "municipality": municipality.name},
        )
        return redirect("accounts:serving_organisations", municipality_id=municipality.pk)
    context = {
        "municipality": municipality,
        "areas": queries.areas_granted_in(municipality),
        "national": queries.national_appointments_in(municipality.country),
        "form": form,
    }
    return render(request, "accounts/serving_organisations.html", context)


@require_http_methods(["GET", "POST"])
def national_organisations(request, country_code):
    country = queries.get_country_for_appointments(request.access, country_code)
    form = GrantAreaForm(request.POST or None, organisations=queries.organisations_appointable_in(country))
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        actions.do_appoint_nationally(actor=request.user, organisation=organisation, country=country)
        messages.success(
            request,
            _("%(organisation)s can now list its services in every municipality of %(country)s.")
            % {"organisation": organisation.name, "country": country.display_name},
        )
        return redirect("accounts:national_organisations", country_code=country.pk)
    context = {"country": country, "areas": queries.national_appointments_in(country), "form": form}
    return render(request, "accounts/national_organisations.html", context)


@require_POST
def revoke_area(request, area_id):
    area = queries.get_area_for(request.access, area_id)
    actions.do_revoke_area(actor=request.user, area=area)
    if area.country_id:
        messages.success(
            request,
            _("%(organisation)s can no longer list new services across the country.")
            % {"organisation": area.organisation.name},
        )
        return redirect("accounts:national_organisations", country_code=area.country_id)
    messages.success(
        request,
        _(
            "%(organisation)s can no longer list or change services here. Its existing listings stay; "
            "you can still change or withdraw them."
        )
        % {"organisation": area.organisation.name},
    )
    return redirect("accounts:serving_organisations", municipality_id=area.municipality_id)
