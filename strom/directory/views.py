from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from strom.accounts.models import Municipality
from strom.accounts.roles import Perm
from strom.core.access import public_view, refuse
from strom.core.ratelimit import rate_limited
from strom.directory import actions, queries
from strom.directory import permissions as can
from strom.directory.areas import serves_whole_country
from strom.directory.forms import CapacityForm, FilterForm, LocationForm, ServiceForm
from strom.directory.languages import language_name
from strom.directory.models import Availability, Service
from strom.directory.public_address import address_of

PAGE_SIZE = 25


@require_http_methods(["GET"])
@rate_limited("search_user", methods=("GET",))
def service_list(request):
    form = FilterForm(
        request.GET or None,
        municipalities=queries.municipalities_with_services(),
        organisations=queries.organisations_to_filter_by(request.access),
    )
    # Help offered today first; what could be offered if asked comes after it.
    services = queries.services_visible_to(request.access, form.to_filter()).order_by("availability", "name")
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    access = request.access
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(service, queries.listed_locations(service)) for service in page],
        "extra_query": query.urlencode(),
        # The export starts at the municipality filtered by, or else at the person's own.
        "export_municipality": form.to_filter().municipality or queries.own_municipality_id(access),
        "can_add": queries.editable_organisations(request.access).exists(),
        "can_import": bool(access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)),
        # A platform administrator has no municipality and no country's statistics: no gaps to show.
        "can_see_gaps": queries.gap_municipalities(access).exists(),
        "coordinated": queries.coordinated_municipalities(request.access),
        "public_addresses": [address_of(m) for m in queries.municipalities_to_share(access)],
    }
    template = "directory/service_list.html#results" if request.htmx else "directory/service_list.html"
    return render(request, template, context)


@require_http_methods(["GET"])
def service_detail(request, service_id):
    service = queries.get_service_for(request.access, service_id)  # a refusal is audited and kept
    access = request.access
    # The addresses are read, audited and rendered in one transaction: no event, no address.
    with transaction.atomic():
        locations, revealed = queries.visible_locations(access, service)
        actions.record_confidential_reads(actor=request.user, locations=revealed, channel="page")
        context = {
            "service": service,
            "locations": locations,
            "withheld": any(location.address_withheld for location in locations),
            "languages": [language_name(lang.code) for lang in service.languages.all()],
            "can_edit": can.can_edit_service(access, service),
            "not_on_public_page": service.status == Service.Status.ACTIVE
            and service.availability == Availability.EXISTING
            and not queries.is_publicly_reachable(service),
            "capacity_form": CapacityForm(service=service, initial={"capacity_free": service.capacity_free}),
        }
        return render(request, "directory/service_detail.html", context)


def _service_forms(request, service):
    access = request.access
    first_location = None if service._state.adding else service.locations.first()
    service_form = ServiceForm(
        request.POST or None,
        instance=service,
        organisations=queries.editable_organisations(request.access),
        municipalities=queries.editable_municipalities(request.access),
        access=access,
    )
    location_form = LocationForm(request.POST or None, instance=first_location, prefix="location")
    return service_form, location_form


@require_http_methods(["GET", "POST"])
def service_edit(request, service_id=None):
    if service_id is None:
        if not queries.editable_organisations(request.access).exists():
            raise refuse(actor=request.user, object_type="directory.service", object_id="new")
        service = Service()
    else:
        service = queries.get_service_for(request.access, service_id, for_write=True)
    service_form, location_form = _service_forms(request, service)
    # The form shows the first location's stored address: a confidential one only to those who may see
    # it, and each showing is audited like the detail page's.
    first = location_form.instance
    confidential = [first] if not first._state.adding and first.is_confidential else []
    if confidential and not can.can_see_confidential(request.access, first):
        raise refuse(actor=request.user, object_type="directory.service", object_id=service.pk)
    if request.method == "POST" and service_form.is_valid() and location_form.is_valid():
        saved = actions.do_save_service(
            actor=request.user,
            service=service_form.instance,
            needs=service_form.cleaned_data["needs"],
            languages=service_form.cleaned_data["languages"],
            location=location_form.instance if location_form.has_location() else None,
            areas=service_form.areas,
        )
        messages.success(request, _("The service has been saved."))
        return redirect("directory:service_detail", service_id=saved.pk)
    context = {"form": service_form, "location_form": location_form, "service": service}
    shown = confidential if request.method == "GET" else []  # a failed POST shows what was sent
    with transaction.atomic():
        actions.record_confidential_reads(actor=request.user, locations=shown, channel="page")
        return render(request, "directory/service_form.html", context)


@require_POST
def update_capacity(request, service_id):
    service = queries.get_service_for(request.access, service_id, for_write=True)
    form = CapacityForm(request.POST, service=service)
    if form.is_valid():
        service = actions.do_update_capacity(
            actor=request.user, service=service, free=form.cleaned_data["capacity_free"]
        )
        form = CapacityForm(service=service, initial={"capacity_free": service.capacity_free})
        saved = True
    else:
        saved = False
    if request.htmx:
        context = {"service": service, "capacity_form": form, "can_edit": True, "saved": saved}
        # The badges and "Up to date?" show the same numbers and time: they are swapped out of band.
        return render(request, "directory/_capacity_updated.html", context)
    if saved:
        messages.success(request, _("The free places have been updated."))
    else:
        messages.error(request, " ".join(form.errors.get("capacity_free", [])))
    return redirect("directory:service_detail", service_id=service.pk)


@require_POST
def confirm_listing(request, service_id):
    service = queries.get_service_for(request.access, service_id, for_write=True)
    actions.do_confirm_listing(actor=request.user, service=service)
    messages.success(request, _("Thank you: the listing is confirmed as up to date."))
    return redirect("directory:service_detail", service_id=service.pk)


@public_view
@require_http_methods(["GET"])
def public_help_by_id(request, municipality_id):
    """The first address of the public page: printed links keep working, permanently moved."""
    municipality = get_object_or_404(Municipality.objects.select_related("country"), pk=municipality_id)
    return redirect(address_of(municipality).path, permanent=True)


@public_view
@require_http_methods(["GET"])
def public_help(request, country, slug):
    # The one address in Strom that names its object (strom/directory/public_address.py says why).
    municipality = queries.municipality_at_public_address(country, slug)
    canonical = address_of(municipality).path
    if request.path != canonical:  # typed in capitals from a poster
        return redirect(canonical, permanent=True)
    services = [
        (service, queries.public_locations(service)) for service in queries.public_services(municipality)
    ]
    context = {
        "municipality": municipality,
        "helplines": [row for row in services if row[0].is_helpline],
        # Named beside 112: a helpline with a number that serves the whole country (issue 9).
        "national_hotlines": [
            service
            for service, _locations in services
            if service.is_helpline and service.phone and serves_whole_country(service)
        ],
        "services": [row for row in services if not row[0].is_helpline],
        "quick_exit_url": settings.STROM_QUICK_EXIT_URL,
    }
    return render(request, "directory/public_help.html", context)


@public_view
@require_http_methods(["GET"])
@rate_limited("export_user", methods=("GET",))  # a signed-in reader; anonymous ones count as public_ip
def public_poster(request, country, slug):
    from strom.directory.poster import chosen_language, poster_response

    municipality = queries.municipality_at_public_address(country, slug)
    return poster_response(address_of(municipality), language=chosen_language(request.GET.get("language")))
