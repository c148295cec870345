"""The service map: the directory's services on a map, with the list's filters, and the same services as a
table below it, so that the page works without JavaScript, without map tiles and with a screen reader.

Confidential locations (shelters) are never plotted and never sent to the page, not even to the people
who may read their address on the detail page: a map is easy to share, to photograph and to leave open
on a screen. They are not even read from the database here.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from strom.directory import queries
from strom.directory.forms import FilterForm
from strom.directory.models import Location

# Enough for a national directory filtered by need; beyond that markers hide each other and the page
# grows heavy, so the page asks for narrower filters instead.
MAP_LIMIT = 500


def _plottable():
    # The plaintext map columns are empty for every confidential location (a database constraint).
    return Location.objects.filter(
        is_confidential=False, map_latitude__isnull=False, map_longitude__isnull=False
    )


def _mapped_services(request):
    """The filter form, the services it leaves that have a plottable location (each with the list
    `plotted`), and whether there were more than MAP_LIMIT. The number of queries is fixed."""
    form = FilterForm(
        request.GET or None,
        municipalities=queries.municipalities_with_services(),
        organisations=queries.organisations_to_filter_by(request.access),
    )
    services = (
        queries.services_visible_to(request.access, form.to_filter())
        .filter(Exists(_plottable().filter(services=OuterRef("pk"))))
        .prefetch_related(None)
        .prefetch_related(
            "needs",
            Prefetch("locations", queryset=_plottable().order_by("name"), to_attr="plotted"),
        )
    )
    services = list(services[: MAP_LIMIT + 1])
    return form, services[:MAP_LIMIT], len(services) > MAP_LIMIT


@require_http_methods(["GET"])
def service_map(request):
    form, services, truncated = _mapped_services(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "services": services,
        "truncated": truncated,
        "map_limit": MAP_LIMIT,
        "query": query.urlencode(),
        "tile_url": settings.STROM_MAP_TILE_URL,
        "attribution": settings.STROM_MAP_ATTRIBUTION,
    }
    return render(request, "directory/service_map.html", context)


@require_http_methods(["GET"])
def service_map_data(request):
    """GeoJSON: one point per plottable location of each service that matches the filters."""
    _form, services, truncated = _mapped_services(request)
    features = []
    for service in services:
        properties = {
            "name": service.name,
            "organisation": service.organisation.name,
            "needs": [need.name for need in service.needs.all()],
            "url": reverse("directory:service_detail", args=[service.pk]),
        }
        for location in service.plotted:
            lat, lon = float(location.map_latitude), float(location.map_longitude)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {**properties, "location": location.name, "lat": lat, "lon": lon},
                }
            )
    return JsonResponse({"type": "FeatureCollection", "features": features, "truncated": truncated})
