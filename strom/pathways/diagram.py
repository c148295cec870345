"""The pathway drawn as an SVG flow: stages as columns, responsible organisations as lanes, steps as
boxes with their response times. Boxes with a health-check problem get a red or amber frame and a
mark, so colour is never the only sign. The same SVG goes into the page and into the PDF card.

Only presentation attributes are used (no style attributes), so that the strict Content Security
Policy allows it inline and WeasyPrint draws it the same way.
"""

import textwrap
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.pathways.health import ERROR, WARNING
from strom.pathways.models import Handover, Phase
from strom.pathways.structure import PathwayData, StepData

LANE_LABEL_WIDTH = 170
COLUMN_WIDTH = 190
HEADER_HEIGHT = 66
BOX_WIDTH = 172
BOX_LINE = 15
BOX_PADDING = 8
BOX_GAP = 10
LANE_PADDING = 10
CHARS_PER_LINE = 24
MAX_TITLE_LINES = 3

COLOURS = {
    "ink": "#1f2933",
    "muted": "#52606d",
    "lane": "#f5f7fa",
    "lane_alt": "#ffffff",
    "rule": "#cbd2d9",
    "box": "#ffffff",
    "box_edge": "#3e4c59",
    "header": "#243b53",
    ERROR: "#b42318",
    WARNING: "#b54708",
}
FONT = "DejaVu Sans, Arial, sans-serif"
MARKS = {ERROR: "!", WARNING: "?"}


@dataclass(frozen=True)
class _Box:
    step: StepData
    column: int
    lines: list[str]
    meta: list[str]

    @property
    def height(self) -> int:
        return BOX_PADDING * 2 + BOX_LINE * (len(self.lines) + len(self.meta))


def _title_lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, CHARS_PER_LINE) or [""]
    if len(lines) > MAX_TITLE_LINES:
        lines = lines[:MAX_TITLE_LINES]
        lines[-1] = lines[-1][: CHARS_PER_LINE - 1].rstrip() + "…"
    return lines


def _meta_lines(step: StepData) -> list[str]:
    """The response time and the marks, packed into lines without splitting a mark ("→ NRM")."""
    lines: list[str] = []
    for part in _response_text(step).split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= CHARS_PER_LINE:
            lines[-1] += " · " + part
        elif part:
            lines.append(part)
    return lines


def _response_text(step: StepData) -> str:
    parts = []
    if step.max_response_hours is not None:
        parts.append(
            ngettext("within %(hours)d hour", "within %(hours)d hours", step.max_response_hours)
            % {"hours": step.max_response_hours}
        )
    if step.requires_24_7:
        parts.append(_("24/7"))
    if step.handover == Handover.NATIONAL:
        parts.append(_("→ NRM"))
    elif step.handover == Handover.TRANSNATIONAL:
        parts.append(_("→ abroad"))
    return " · ".join(parts)


def _lanes(data: PathwayData) -> list[tuple[str | None, str]]:
    lanes: dict[str | None, str] = {}
    for _stage, step in data.all_steps():
        key = step.responsible.id if step.responsible else None
        if key not in lanes:
            lanes[key] = step.responsible.name if step.responsible else _("No one responsible")
    # The lane of steps without an organisation goes last, where it stands out.
    ordered = [(key, name) for key, name in lanes.items() if key is not None]
    if None in lanes:
        ordered.append((None, lanes[None]))
    return ordered


def render(data: PathwayData, severities: dict[str, str], *, element_id="pathway-diagram") -> str:
    """The SVG markup. `severities` maps step ids to the worst problem ("error" or "warning").
    It is one image (role img) with no links inside: the list of steps below it is where to edit."""
    phases = [stage.phase for stage in data.stages]
    lanes = _lanes(data)
    grid: dict[tuple[str | None, int], list[_Box]] = {}
    for column, stage in enumerate(data.stages):
        for step in stage.steps:
            key = step.responsible.id if step.responsible else None
            box = _Box(step, column, _title_lines(step.title), _meta_lines(step))
            grid.setdefault((key, column), []).append(box)

    width = LANE_LABEL_WIDTH + COLUMN_WIDTH * max(1, len(phases))
    parts: list[str] = []
    y = HEADER_HEIGHT
    for index, (key, name) in enumerate(lanes):
        cells = [grid.get((key, column), []) for column in range(len(phases))]
        lane_height = (
            max([sum(box.height + BOX_GAP for box in cell) - BOX_GAP for cell in cells if cell] or [40])
            + 2 * LANE_PADDING
        )
        fill = COLOURS["lane"] if index % 2 == 0 else COLOURS["lane_alt"]
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{lane_height}" fill="{fill}"/>')
        parts.append(_text_block(8, y + LANE_PADDING + 12, textwrap.wrap(name, 22)[:4], weight="bold"))
        for column, cell in enumerate(cells):
            box_y = y + LANE_PADDING
            for box in cell:
                parts.append(_box(box, LANE_LABEL_WIDTH + column * COLUMN_WIDTH + 9, box_y, severities))
                box_y += box.height + BOX_GAP
        y += lane_height
    height = y + 4
    header = _header(phases, width)
    columns = "".join(
        f'<line x1="{LANE_LABEL_WIDTH + i * COLUMN_WIDTH}" y1="{HEADER_HEIGHT}" '
        f'x2="{LANE_LABEL_WIDTH + i * COLUMN_WIDTH}" y2="{height}" stroke="{COLOURS["rule"]}"/>'
        for i in range(len(phases))
    )
    title = escape(_("Diagram of the pathway “%(title)s”") % {"title": data.title})
    summary = escape(_summary(data, severities, len(lanes)))
    # Every text in the markup went through escape() above: the whole is safe to place in a page.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" font-family="{FONT}">'
        f'<title id="{element_id}-title">{title}</title><desc id="{element_id}-desc">{summary}</desc>'
        f"{header}{''.join(parts)}{columns}</svg>"
    )


def _header(phases: list[str], width: int) -> str:
    cells = [f'<rect x="0" y="0" width="{width}" height="{HEADER_HEIGHT}" fill="{COLOURS["header"]}"/>']
    for column, phase in enumerate(phases):
        x = LANE_LABEL_WIDTH + column * COLUMN_WIDTH
        lines = textwrap.wrap(f"{column + 1}. {Phase(phase).label}", 21)[:3]
        cells.append(_text_block(x + 10, 20, lines, fill="#ffffff", weight="bold"))
        if column < len(phases) - 1:
            tip = x + COLUMN_WIDTH
            cells.append(
                f'<path d="M{tip - 8} {HEADER_HEIGHT / 2 - 8} L{tip} {HEADER_HEIGHT / 2} '
                f'L{tip - 8} {HEADER_HEIGHT / 2 + 8}" fill="none" stroke="#ffffff" stroke-width="2"/>'
            )
    return "".join(cells)


def _box(box: _Box, x: int, y: int, severities: dict[str, str]) -> str:
    severity = severities.get(box.step.id)
    edge = COLOURS.get(severity, COLOURS["box_edge"])
    stroke_width = 3 if severity else 1
    dash = ' stroke-dasharray="6 3"' if severity == WARNING else ""
    shape = (
        f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{box.height}" rx="6" fill="{COLOURS["box"]}" '
        f'stroke="{edge}" stroke-width="{stroke_width}"{dash}/>'
    )
    text = _text_block(x + BOX_PADDING, y + BOX_PADDING + 11, box.lines)
    meta = _text_block(
        x + BOX_PADDING,
        y + BOX_PADDING + 11 + BOX_LINE * len(box.lines),
        box.meta,
        fill=COLOURS["muted"],
    )
    mark = ""
    if severity:
        cx, cy = x + BOX_WIDTH - 12, y + 12
        mark = (
            f'<circle cx="{cx}" cy="{cy}" r="9" fill="{edge}"/>'
            f'<text x="{cx}" y="{cy + 4}" text-anchor="middle" font-size="12" font-weight="bold" '
            f'fill="#ffffff">{MARKS[severity]}</text>'
        )
    return f'<g class="step" data-step="{box.step.id}">{shape}{text}{meta}{mark}</g>'


def _text_block(x, y, lines, *, fill=None, weight="normal") -> str:
    fill = fill or COLOURS["ink"]
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else BOX_LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" font-size="12" font-weight="{weight}" fill="{fill}">{spans}</text>'


def _summary(data: PathwayData, severities: dict[str, str], lanes: int) -> str:
    steps = len(data.all_steps())
    flagged = sum(1 for _stage, step in data.all_steps() if step.id in severities)
    text = ngettext(
        "%(steps)d step in %(stages)d stages, shared by %(lanes)d organisations.",
        "%(steps)d steps in %(stages)d stages, shared by %(lanes)d organisations.",
        steps,
    ) % {"steps": steps, "stages": len(data.stages), "lanes": lanes}
    if flagged:
        text += " " + ngettext(
            "%(count)d step has a problem; the list below the diagram names it.",
            "%(count)d steps have problems; the list below the diagram names them.",
            flagged,
        ) % {"count": flagged}
    return text
