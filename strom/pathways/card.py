"""The "who to call" card: the published pathway, stage by stage, as a PDF for frontline staff.

WeasyPrint renders it from a template, in the reader's language, from the frozen snapshot of a
version. Both sizes are measured, not guessed: WeasyPrint lays the card out and counts the pages.

- A4: one page. The contacts are a table, one numbered row per step; above them the diagram, keyed
  with the same numbers, if it still fits on the page. If it does not, the card leaves it out; only
  a pathway too long for one page of contacts goes on to a second page.
- Pocket: one A4 sheet printed on one side and folded twice into an A6 card (105 x 148 mm): fold it
  across with the print outside, then down the middle. The upper half of the sheet is printed upside
  down and becomes the front and back covers; the lower half is the inside spread. The contacts are
  first laid out on A6 panels, then each panel is placed on the sheet where the folds take it.
"""

from dataclasses import dataclass

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language

from strom.pathways import diagram, queries
from strom.pathways.country_rules import cite, coe, eu, instruments_of
from strom.pathways.models import Phase
from strom.pathways.structure import PathwayData, StageData, StepData

SIZES = ("a4", "pocket")
PANELS_PER_SHEET = 4
# Where each panel of the pocket card goes on the A4 sheet (left, top in mm) and whether it is
# printed upside down: front cover, inside left, inside right, back cover.
PANEL_PLACES = ((0, 0, True), (0, 148.5, False), (105, 148.5, False), (105, 0, True))
PARALLEL_BASIS = (coe("Art. 10(2)"), eu("Art. 11(2)"))


@dataclass(frozen=True)
class Row:
    number: int
    step: StepData


@dataclass(frozen=True)
class Block:
    """One piece of the pocket card that is never split: the cover, a stage heading, a step."""

    id: str
    kind: str
    stage: StageData | None = None
    number: int = 0
    row: Row | None = None


def numbered(data: PathwayData) -> list[tuple[int, StageData, list[Row]]]:
    """The stages that have steps, each with its number in the pathway, and its steps numbered
    through the whole pathway: the numbers in the card's diagram and list."""
    stages, count = [], 0
    for position, stage in enumerate(data.stages, start=1):
        rows = []
        for step in stage.steps:
            count += 1
            rows.append(Row(count, step))
        if rows:
            stages.append((position, stage, rows))
    return stages


def render_card(version, *, size: str = "a4", language: str | None = None) -> bytes:
    return render_document(version, size=size, language=language).write_pdf()


def render_document(version, *, size: str = "a4", language: str | None = None):
    """The laid-out card (a WeasyPrint Document): its pages can be counted before it is written."""
    data = queries.version_data(version)
    mechanism = queries.national_mechanism(version.pathway.municipality.country)
    stages = numbered(data)
    context = {
        "version": version,
        "pathway": version.pathway,
        "data": data,
        "stages": stages,
        "language": language or get_language(),
        "mechanism": mechanism,
        "emergency_number": mechanism.emergency_number if mechanism and mechanism.emergency_number else "112",
        "parallel": diagram.PARALLEL_SENTENCE,
        "parallel_stage": diagram.PARALLEL_STAGE,
        "parallel_basis": cite(PARALLEL_BASIS, instruments_of(mechanism)),
        "first_assistance": Phase.FIRST_ASSISTANCE.value,
        "nrm": diagram.nrm(),
    }
    if size == "pocket":
        return _pocket(context)
    keys = {row.step.id: str(row.number) for _position, _stage, rows in stages for row in rows}
    drawing = diagram.render(data, {}, element_id="card-diagram", keys=keys)
    document = None
    for variant in ({"diagram": drawing}, {"diagram": None}, {"diagram": None, "lean": True}):
        document = _layout("pathways/card.html", {**context, **variant})
        if len(document.pages) == 1:
            break
    return document


def _layout(template: str, context: dict):
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).render()


def _blocks(stages) -> list[Block]:
    blocks = [Block("cover", "cover")]
    for position, stage, rows in stages:
        blocks.append(Block(f"stage-{position}", "stage", stage=stage, number=position))
        blocks.extend(Block(f"step-{row.number}", "step", row=row) for row in rows)
    blocks.append(Block("footer", "footer"))
    return blocks


def _pocket(context: dict):
    """Lay the blocks out on A6 panels, see which panel each block landed on, then place the panels
    on A4 sheets. A lean version (no contact function, no backup) is tried if the full one needs more
    than one sheet."""
    blocks = _blocks(context["stages"])
    for lean in (False, True):
        flow = _layout("pathways/card.html", {**context, "pocket": "flow", "lean": lean, "panels": [blocks]})
        if len(flow.pages) <= PANELS_PER_SHEET:
            break
    panels = _panels(blocks, flow.pages)
    if len(panels) < PANELS_PER_SHEET and panels[-1][-1].kind == "footer":
        # A short pathway leaves the back cover free: the footer goes there, where a folded card ends.
        footer = panels[-1].pop()
        panels += [[] for _missing in range(PANELS_PER_SHEET - len(panels))]
        panels[-1].append(footer)
    sheets = [
        [
            (panel, *PANEL_PLACES[index])
            for index, panel in enumerate(panels[start : start + PANELS_PER_SHEET])
        ]
        for start in range(0, len(panels), PANELS_PER_SHEET)
    ]
    return _layout("pathways/card.html", {**context, "pocket": "sheet", "lean": lean, "sheets": sheets})


def _panels(blocks: list[Block], pages) -> list[list[Block]]:
    """Each block on the panel (page) where WeasyPrint put its start."""
    page_of = {}
    for index, page in enumerate(pages):
        for anchor in page.anchors:
            page_of.setdefault(anchor, index)
    panels: list[list[Block]] = [[] for _page in pages]
    current = 0
    for block in blocks:
        current = page_of.get(block.id, current)
        panels[current].append(block)
    return panels


def card_response(request, version, *, size: str) -> HttpResponse:
    pdf = render_card(version, size=size)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"who-to-call-v{version.number}-{size}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
