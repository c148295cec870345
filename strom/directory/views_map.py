"""The service map: the directory's services on a map, with the list's filters, and the same services as a
table below it, so that the page works without JavaScript, without map tiles and with a screen reader.

Confidential locations (shelters) are never plotted and never sent to the page, not even to the people
who may read their address on the detail page: a map is easy to share, to photograph and to leave open
on a screen. They are not even read from the database here.
"""

import json
from functools import cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Exists, OuterRef, Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from strom.directory import queries
from strom.directory.forms import FilterForm
from strom.directory.models import Location

# Enough for a national directory filtered by need; beyond that markers hide each other and the page
# grows heavy, so the page asks for narrower filters instead.
MAP_LIMIT = 500

# The offline base layer under the pins (and under the tiles, if any): the Baltic Sea region's countries,
# borders and coastline from Natural Earth, made by scripts/make-base-layer.py.
BASE_LAYER = "vendor/world-atlas-2.0.2/baltic-countries.geojson"


@cache
def _base_layer_codes() -> tuple[str, ...]:
    path = finders.find(BASE_LAYER)
    if not path:
        return ()
    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return tuple(sorted({f["properties"]["code"] for f in features if f["properties"].get("code")}))


@cache
def _country_names(reader: str) -> str:
    """The base layer's country names in the reader's language (CLDR), as JSON for the map script."""
    try:
        names = Locale.parse(reader).territories
    except (UnknownLocaleError, ValueError):
        names = Locale("en").territories
    return json.dumps(
        {code: names[code] for code in _base_layer_codes() if code in names}, ensure_ascii=False
    )


def _plottable():
    # The plaintext map columns are empty for every confidential location (a database constraint).
    return Location.objects.filter(
        is_confidential=False, map_latitude__isnull=False, map_longitude__isnull=False
    )


def _matching(request):
    """The filter form and every service it leaves, on the map or not."""
    form = FilterForm(
        request.GET or None,
        municipalities=queries.municipalities_with_services(),
        organisations=queries.organisations_to_filter_by(request.access),
    )
    return form, queries.services_visible_to(request.access, form.to_filter())


def _on_the_map():
    return Exists(_plottable().filter(services=OuterRef("pk")))


def _mapped_services(request):
    """The filter form, the services it leaves that have a plottable location (each with the list
    `plotted`), whether there were more than MAP_LIMIT, and how many matching services have no
    plottable location. The number of queries is fixed."""
    form, matching = _matching(request)
    services = (
        matching.filter(_on_the_map())
        .prefetch_related(None)
        .prefetch_related(
            "needs",
            Prefetch("locations", queryset=_plottable().order_by("name"), to_attr="plotted"),
        )
    )
    services = list(services[: MAP_LIMIT + 1])
    return form, services[:MAP_LIMIT], len(services) > MAP_LIMIT, matching


@require_http_methods(["GET"])
def service_map(request):
    form, services, truncated, matching = _mapped_services(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "services": services,
        # What the page says it shows is what the map draws: one pin per plottable location of each
        # service listed (the data endpoint sends exactly these), and the matching services that have
        # no public address with coordinates (no location, only confidential ones, or no coordinates) are
        # counted apart.
        "pins": sum(len(service.plotted) for service in services),
        "not_on_map": matching.exclude(_on_the_map()).count(),
        "truncated": truncated,
        "map_limit": MAP_LIMIT,
        "query": query.urlencode(),
        "tile_url": settings.STROM_MAP_TILE_URL,
        "base_layer": BASE_LAYER,
        "country_names": _country_names((get_language() or settings.LANGUAGE_CODE).split("-")[0]),
        "attribution": settings.STROM_MAP_ATTRIBUTION,
    }
    return render(request, "directory/service_map.html", context)


@require_http_methods(["GET"])
def service_map_data(request):
    """GeoJSON: one point per plottable location of each service that matches the filters."""
    _form, services, truncated, _matching_services = _mapped_services(request)
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
