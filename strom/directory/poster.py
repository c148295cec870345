"""The poster of a municipality's public help page: one A4 page to print and put up where people who
may need help will see it (a waiting room, a laundrette, a bus stop).

WeasyPrint renders it from a template, like the pathway's card, in the reader's language or in one
of the interface languages chosen for the people it is meant for. It carries the municipality's name,
the emergency number 112, the page's short address in large type and a QR code of that address made
by segno as SVG, drawn as vector paths in the PDF so that it stays sharp at any size.

What it says is only what holds everywhere: that the page lists who can help and how to reach them,
that it needs no sign-in, and that 112 answers in an emergency. Whether a service is free,
confidential or independent of the police is for each service's entry on the page to say.
"""

import segno
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html

from strom.directory.public_address import PublicAddress

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
EMERGENCY_NUMBER = "112"  # the European emergency number, in every country Strom serves


def chosen_language(requested: str | None) -> str:
    """One of the interface languages: the one asked for, or else the reader's."""
    if requested in LANGUAGES:
        return requested
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current in LANGUAGES else settings.LANGUAGE_CODE


def qr_code(url: str) -> segno.QRCode:
    # Level M survives a little dirt or a crease on a wall; the short address keeps it a small symbol.
    return segno.make(url, error="m", micro=False)


# The printable width of the page (A4 less the margins) in points, and the width of one character of
# DejaVu Sans Mono Bold as a share of its size: the address is set as large as fits on one line.
LINE_WIDTH_PT = 500
MONO_ADVANCE = 0.602


def address_size(text: str) -> int:
    """Font size in points for the address: 30 for a short one, smaller for a long site address, and
    never below 14 (a very long one wraps instead)."""
    return max(14, min(30, int(LINE_WIDTH_PT / (MONO_ADVANCE * max(len(text), 1)))))


def render_poster(address: PublicAddress, *, language: str) -> bytes:
    from weasyprint import HTML

    qr = qr_code(address.url)
    with translation.override(language):
        html = render_to_string(
            "directory/public_poster.html",
            {
                "address": address,
                "municipality": address.municipality,
                "language": language,
                "address_size": address_size(address.without_scheme),
                # One sentence for the translators, the number set large wherever their grammar puts it.
                "emergency_number": format_html('<span class="number">{}</span>', EMERGENCY_NUMBER),
                "qr_svg": qr.svg_inline(omitsize=True, border=4, svgclass="qr-code", lineclass=None),
            },
        )
    return HTML(string=html).write_pdf()


def poster_response(address: PublicAddress, *, language: str) -> HttpResponse:
    response = HttpResponse(render_poster(address, language=language), content_type="application/pdf")
    name = f"help-{address.municipality.country_id.lower()}-{address.municipality.slug}-{language}.pdf"
    # Inline: the browser shows the poster and its print button; the name is for saving it.
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
