"""A country's national referral mechanism: the focal point, the contacts for referrals abroad and the
country's rules (identification, reflection period, state programme, instruments), each with its source."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strom.pathways import actions, queries
from strom.pathways import permissions as can
from strom.pathways.country_rules import missing_rules
from strom.pathways.forms import NationalMechanismForm
from strom.pathways.models import NationalMechanism


@require_http_methods(["GET"])
def national_mechanism(request, country_code):
    country = queries.get_country_for(request.access, country_code)
    rules = queries.country_rules_of(country)
    mechanism = rules.rules
    context = {
        "country": country,
        "mechanism": mechanism,
        "country_rules": rules,
        "missing": missing_rules(mechanism) if mechanism else [],
        "can_edit": can.can_edit_national_mechanism(request.access, country.pk),
        "countries": queries.countries_of(request.access),
    }
    return render(request, "pathways/national_mechanism.html", context)


@require_http_methods(["GET", "POST"])
def national_mechanism_edit(request, country_code):
    country = queries.get_country_for(request.access, country_code, for_write=True)
    mechanism = queries.national_mechanism(country) or NationalMechanism(country=country)
    form = NationalMechanismForm(request.POST or None, instance=mechanism)
    if request.method == "POST" and form.is_valid():
        actions.do_save_national_mechanism(actor=request.user, mechanism=form.instance)
        messages.success(request, _("The national referral mechanism has been saved."))
        return redirect("pathways:national_mechanism", country_code=country.pk)
    return render(request, "pathways/national_mechanism_form.html", {"form": form, "country": country})
