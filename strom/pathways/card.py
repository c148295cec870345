"""The "who to call" card: the published pathway, stage by stage, as a PDF for frontline staff.

WeasyPrint renders it from a template, in the reader's language, on A4 (with the diagram) or on
pocket-sized A6 pages that fold into a wallet. It reads only the frozen snapshot of a version.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language

from strom.pathways import diagram, queries

SIZES = {"a4": "A4", "pocket": "A6"}


def render_card(version, *, size: str = "a4", language: str | None = None) -> bytes:
    from weasyprint import HTML

    data = queries.version_data(version)
    context = {
        "version": version,
        "data": data,
        "size": SIZES[size],
        "pocket": size == "pocket",
        "language": language or get_language(),
        "mechanism": queries.national_mechanism(version.pathway.municipality.country),
        "diagram": None if size == "pocket" else diagram.render(data, {}, element_id="card-diagram"),
    }
    html = render_to_string("pathways/card.html", context)
    return HTML(string=html).write_pdf()


def card_response(request, version, *, size: str) -> HttpResponse:
    pdf = render_card(version, size=size)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"who-to-call-v{version.number}-{size}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
