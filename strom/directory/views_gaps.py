"""Gap analysis page and its CSV and XLSX downloads."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from strom.core import spreadsheets
from strom.core.access import refuse
from strom.core.ratelimit import rate_limited
from strom.directory import gaps, queries
from strom.directory.languages import is_known, language_choices, language_name

FLAG_LABELS = {
    gaps.NONE: gettext_lazy("No provider"),
    gaps.SINGLE: gettext_lazy("Only one provider"),
    gaps.NO_UNCONDITIONAL: gettext_lazy("No provider confirmed unconditional help"),
    gaps.ONLY_IDENTIFIED: gettext_lazy("Only after formal identification: nothing for presumed victims"),
    gaps.NO_CHILDREN: gettext_lazy("Nobody serves children"),
    gaps.NO_UNACCOMPANIED: gettext_lazy("Nothing for unaccompanied children"),
    gaps.NO_MEN: gettext_lazy("Nobody serves men"),
    gaps.NO_FREE_PLACES: gettext_lazy("No free places right now"),
    gaps.NO_LANGUAGE: gettext_lazy("Nobody in the chosen language"),
    gaps.OVERLAP: gettext_lazy("Many providers: agree who does what"),
}
# Why a provider based elsewhere counts here (issue 9).
REACH_LABELS = {
    gaps.NATIONAL: gettext_lazy("national"),
    gaps.AREA: gettext_lazy("serves here from elsewhere"),
}


class Provider(str):
    """A column of the matrix: the organisation's name, and why it is there if it is based elsewhere."""

    reach = ""


def _providers(matrix) -> list[Provider]:
    providers = []
    for name in matrix.organisations:
        provider = Provider(name)
        provider.reach = REACH_LABELS.get(matrix.reach.get(name), "")
        providers.append(provider)
    return providers


def _analysis(request):
    municipalities = queries.gap_municipalities(request.access)
    chosen = request.GET.get("municipality") or (str(municipalities[0].pk) if municipalities else "")
    municipality = next((m for m in municipalities if str(m.pk) == chosen), None)
    if municipality is None:
        raise refuse(actor=request.user, object_type="accounts.municipality", object_id=chosen or "none")
    language = request.GET.get("language", "")
    language = language if is_known(language) else ""
    needs = list(queries.needs())
    matrix = gaps.gap_matrix([n.code for n in needs], queries.gap_facts(municipality), language)
    names = {n.code: n.name for n in needs}
    return municipalities, municipality, language, matrix, names


@require_http_methods(["GET"])
def gap_analysis(request):
    municipalities, municipality, language, matrix, names = _analysis(request)
    providers = _providers(matrix)
    rows = []
    for row in matrix.rows:
        cells = [row.services_by_organisation.get(org, 0) for org in matrix.organisations]
        rows.append(
            {
                "need": names[row.need],
                "cells": cells,
                # Each count with its provider: on a phone the cell names its column itself.
                "by_organisation": list(zip(providers, cells, strict=True)),
                "flags": [FLAG_LABELS[flag] for flag in row.flags],
                "severity": row.severity,
                "could_offer": row.could_offer,
            }
        )
    context = {
        "municipalities": municipalities,
        "municipality": municipality,
        "language": language,
        "language_label": language_name(language) if language else "",
        "organisations": providers,
        "from_elsewhere": bool(matrix.reach),
        "rows": rows,
        "summary": {label: [names[n] for n in matrix.flagged(flag)] for flag, label in FLAG_LABELS.items()},
        # Providers that could offer a need if asked (not counted above): whom a coordinator can ask.
        "could_offer": [(names[row.need], row.could_offer) for row in matrix.rows if row.could_offer],
        "query": request.GET.urlencode(),
    }
    context["language_choices"] = language_choices()
    return render(request, "directory/gap_analysis.html", context)


def _table(request) -> tuple[str, list[list]]:
    """The gap table, header first; the download views escape it through strom.core.spreadsheets."""
    _municipalities, municipality, _language, matrix, names = _analysis(request)
    # The column that answers the question comes first after the need, as on the page.
    header = [
        _("Need"),
        _("Gaps"),
        _("Could be offered if asked by"),
        *(f"{p} ({p.reach})" if p.reach else str(p) for p in _providers(matrix)),
    ]
    body = [
        [
            names[row.need],
            "; ".join(str(FLAG_LABELS[flag]) for flag in row.flags),
            ", ".join(row.could_offer),
            *[row.services_by_organisation.get(org, 0) for org in matrix.organisations],
        ]
        for row in matrix.rows
    ]
    return slugify(municipality.name) or "municipality", [
        [cell if isinstance(cell, int) else str(cell) for cell in row] for row in [header, *body]
    ]


@require_http_methods(["GET"])
@rate_limited("export_user", methods=("GET",))
def gap_analysis_csv(request):
    name, table = _table(request)
    response = HttpResponse(spreadsheets.csv_text(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gaps-{name}.csv"'
    return response


@require_http_methods(["GET"])
@rate_limited("export_user", methods=("GET",))
def gap_analysis_xlsx(request):
    name, table = _table(request)
    response = HttpResponse(
        spreadsheets.xlsx_bytes({_("Gaps"): table}), content_type=spreadsheets.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="gaps-{name}.xlsx"'
    return response
