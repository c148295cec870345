"""The pathway drawn as an SVG flow: stages as columns, responsible organisations as lanes, steps as
boxes with their response times. Boxes with a health-check problem get a red or amber frame and a
mark, so colour is never the only sign. A band over the first two columns says that first assistance
does not wait for identification.

Nothing is ever cut: step titles, organisation names and phase names wrap onto as many lines as they
need, and every row, the header and the viewBox grow to hold them. The printed card draws the same
diagram keyed: each box carries the step's number in the card's list instead of its title, so that
a pathway of twenty or thirty steps still fits on the page next to its contacts.

Only presentation attributes are used (no style attributes), so that the strict Content Security
Policy allows it inline and WeasyPrint draws it the same way.
"""

import textwrap
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from strom.pathways.health import ERROR, WARNING
from strom.pathways.models import Handover, Phase
from strom.pathways.structure import PathwayData, StepData
from strom.pathways.templatetags.pathways import response_within

# The same sentence goes into the diagram's description, the pathway page and the card.
PARALLEL_SENTENCE = gettext_lazy(
    "First assistance does not wait for identification: it starts as soon as there are reasonable "
    "grounds to believe that the person is a victim."
)
PARALLEL_LABEL = gettext_lazy("Can run at the same time: first assistance starts on reasonable grounds")
PARALLEL_STAGE = gettext_lazy("starts on reasonable grounds, at the same time as identification")


@dataclass(frozen=True)
class Layout:
    lane_label_width: int
    column_width: int
    font_size: int
    line: int  # the height of one line of text
    box_chars: int  # characters per line in a step's box (DejaVu Sans is about 0.6 em a character)
    lane_chars: int
    header_chars: int
    padding: int = 8
    gap: int = 10

    @property
    def box_width(self) -> int:
        return self.column_width - 2 * 9

    def chars(self, width: int) -> int:
        return max(8, int(width / (self.font_size * 0.62)))


SCREEN = Layout(
    lane_label_width=170,
    column_width=190,
    font_size=12,
    line=15,
    box_chars=21,
    lane_chars=22,
    header_chars=21,
)
# On the card the SVG is scaled to the width of the page (190 mm, about 720 px): 10 px stays 7.5 pt.
PRINT = Layout(
    lane_label_width=140,
    column_width=116,
    font_size=10,
    line=11,
    box_chars=17,
    lane_chars=21,
    header_chars=17,
    padding=3,
    gap=3,
)

COLOURS = {
    "ink": "#1f2933",
    "muted": "#52606d",
    "lane": "#f5f7fa",
    "lane_alt": "#ffffff",
    "rule": "#cbd2d9",
    "box": "#ffffff",
    "box_edge": "#3e4c59",
    "header": "#243b53",
    "band": "#0b6e69",
    ERROR: "#b42318",
    WARNING: "#b54708",
}
FONT = "DejaVu Sans, Arial, sans-serif"
MARKS = {ERROR: "!", WARNING: "?"}


def nrm() -> str:
    return pgettext("abbreviation of national referral mechanism", "NRM")


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters; a word longer than a line is split, never dropped."""
    return textwrap.wrap(text, width) or [""]


@dataclass(frozen=True)
class _Box:
    step: StepData
    lines: list[str]
    meta: list[str]
    width: int
    layout: Layout

    @property
    def height(self) -> int:
        return self.layout.padding * 2 + self.layout.line * (len(self.lines) + len(self.meta))


def _marks(step: StepData) -> list[str]:
    marks = []
    if step.handover == Handover.NATIONAL:
        marks.append("→ " + nrm())
    elif step.handover == Handover.TRANSNATIONAL:
        marks.append(_("→ abroad"))
    return marks


def _meta_lines(step: StepData, chars: int = SCREEN.box_chars) -> list[str]:
    """The response time and the marks, packed into lines without splitting a mark ("→ NRM")."""
    parts = [response_within(step.max_response_hours)] if step.max_response_hours is not None else []
    if step.requires_24_7:
        parts.append(_("24/7"))
    lines: list[str] = []
    for part in parts + _marks(step):
        if lines and len(lines[-1]) + 3 + len(part) <= chars:
            lines[-1] += " · " + part
        elif part:
            lines.append(part)
    return lines


def _box(step: StepData, layout: Layout, key: str | None, flagged: bool = False) -> _Box:
    if key is None:
        # A flagged box carries its mark in the top right corner: the title keeps clear of it.
        return _Box(
            step,
            _wrap(step.title, layout.box_chars - (3 if flagged else 0)),
            _meta_lines(step, layout.box_chars),
            layout.box_width,
            layout,
        )
    label = " ".join([key, *_marks(step)])
    width = min(layout.box_width, int(len(label) * layout.font_size * 0.62) + 2 * layout.padding + 4)
    return _Box(step, [label], [], width, layout)


def _flow(cell: list[_Box], inner_width: int, gap: int) -> tuple[list[tuple[_Box, int, int]], int]:
    """Boxes left to right, wrapping onto a new row when the cell is full: keyed boxes share rows,
    boxes with titles take a row each. Returns the boxes with their offsets and the cell's height."""
    placed, x, y, row_height = [], 0, 0, 0
    for box in cell:
        if x and x + box.width > inner_width:
            x, y, row_height = 0, y + row_height + gap, 0
        placed.append((box, x, y))
        x += box.width + gap
        row_height = max(row_height, box.height)
    return placed, (y + row_height if placed else 0)


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


def render(
    data: PathwayData,
    severities: dict[str, str],
    *,
    element_id="pathway-diagram",
    keys: dict[str, str] | None = None,
) -> str:
    """The SVG markup. `severities` maps step ids to the worst problem ("error" or "warning").
    It is one image (role img) with no links inside: the list of steps below it is where to edit.
    With `keys` (step id to its number in a printed list) the boxes carry numbers, not titles."""
    layout = PRINT if keys is not None else SCREEN
    phases = [stage.phase for stage in data.stages]
    columns = max(1, len(phases))
    width = layout.lane_label_width + layout.column_width * columns
    grid: dict[tuple[str | None, int], list[_Box]] = {}
    for column, stage in enumerate(data.stages):
        for step in stage.steps:
            lane = step.responsible.id if step.responsible else None
            key = None if keys is None else keys.get(step.id, "?")
            grid.setdefault((lane, column), []).append(_box(step, layout, key, step.id in severities))

    band, band_height = _band(phases, layout, width)
    corner = _("Numbers: the steps in the list") if keys is not None else ""
    header, header_height = _header(phases, layout, width, band_height, corner)
    parts: list[str] = []
    y = band_height + header_height
    for index, (lane, name) in enumerate(_lanes(data)):
        label = _wrap(name, layout.lane_chars)
        flows = [
            _flow(grid.get((lane, column), []), layout.column_width - 18, layout.gap)
            for column in range(columns)
        ]
        lane_height = 2 * layout.gap + max(
            [layout.line * len(label) + 2, *(height for _placed, height in flows)]
        )
        fill = COLOURS["lane"] if index % 2 == 0 else COLOURS["lane_alt"]
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{lane_height}" fill="{fill}"/>')
        parts.append(_text_block(8, y + layout.gap + layout.font_size, label, layout, weight="bold"))
        for column, (placed, _height) in enumerate(flows):
            left = layout.lane_label_width + column * layout.column_width + 9
            for box, dx, dy in placed:
                parts.append(_draw_box(box, left + dx, y + layout.gap + dy, severities))
        y += lane_height
    rules = "".join(
        f'<line x1="{layout.lane_label_width + i * layout.column_width}" y1="{band_height + header_height}" '
        f'x2="{layout.lane_label_width + i * layout.column_width}" y2="{y}" stroke="{COLOURS["rule"]}"/>'
        for i in range(columns)
    )
    # The card explains its marks under the list; the page needs the legend in the picture.
    legend, legend_height = ("", 0) if keys is not None else _legend(data, layout, width, y)
    height = y + legend_height + 4
    title = escape(_("Diagram of the pathway “%(title)s”") % {"title": data.title})
    summary = escape(_summary(data, severities, len(_lanes(data)), parallel=bool(band)))
    # Every text in the markup went through escape(): the whole is safe to place in a page.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" font-family="{FONT}">'
        f'<title id="{element_id}-title">{title}</title><desc id="{element_id}-desc">{summary}</desc>'
        f"{band}{header}{''.join(parts)}{rules}{legend}</svg>"
    )


def _band(phases: list[str], layout: Layout, width: int) -> tuple[str, int]:
    """A bracket over the identification and first-assistance columns: both may run at once. Its
    label starts over the bracket and may run on to the right edge, so it needs one line or two."""
    try:
        first = phases.index(Phase.IDENTIFICATION)
        second = phases.index(Phase.FIRST_ASSISTANCE)
    except ValueError:
        return "", 0
    if abs(first - second) != 1:
        return "", 0
    left = layout.lane_label_width + min(first, second) * layout.column_width + 6
    right = left + 2 * layout.column_width - 12
    lines = _wrap(str(PARALLEL_LABEL), layout.chars(width - left - 8))
    bracket_y = 4 + layout.line * len(lines)
    height = bracket_y + 5
    label = _text_block(left, 1 + layout.font_size, lines, layout, fill=COLOURS["band"], weight="bold")
    bracket = (
        f'<path d="M{left} {height} L{left} {bracket_y} L{right} {bracket_y} L{right} {height}" '
        f'fill="none" stroke="{COLOURS["band"]}" stroke-width="2"/>'
    )
    return f'<g class="parallel">{label}{bracket}</g>', height


def _header(phases: list[str], layout: Layout, width: int, top: int, corner: str) -> tuple[str, int]:
    """The phases as column heads; the empty corner over the lanes says how to read the grid."""
    wrapped = [
        _wrap(f"{column + 1}. {Phase(phase).label}", layout.header_chars)
        for column, phase in enumerate(phases)
    ]
    corner_lines = _wrap(corner, layout.lane_chars) if corner else []
    rows = max([len(lines) for lines in wrapped] + [len(corner_lines)])
    height = 2 * layout.gap + 4 + layout.line * rows
    baseline = top + layout.gap + 2 + layout.font_size
    cells = [
        f'<rect x="0" y="{top}" width="{width}" height="{height}" fill="{COLOURS["header"]}"/>',
        _text_block(8, baseline, corner_lines, layout, fill="#d9e2ec"),
    ]
    middle = top + height / 2
    for column, lines in enumerate(wrapped):
        x = layout.lane_label_width + column * layout.column_width
        cells.append(_text_block(x + 10, baseline, lines, layout, fill="#ffffff", weight="bold"))
        if column < len(phases) - 1:
            tip = x + layout.column_width
            cells.append(
                f'<path d="M{tip - 6} {middle - 6} L{tip} {middle} L{tip - 6} {middle + 6}" '
                f'fill="none" stroke="#ffffff" stroke-width="2"/>'
            )
    return "".join(cells), height


def _legend(data: PathwayData, layout: Layout, width: int, top: int) -> tuple[str, int]:
    """What the marks and abbreviations mean, under the diagram, in the reader's language."""
    steps = [step for _stage, step in data.all_steps()]
    entries = []
    if any(step.handover == Handover.NATIONAL for step in steps):
        entries.append(
            _("%(mark)s: passes to the national referral mechanism (%(nrm)s).")
            % {"mark": "→ " + nrm(), "nrm": nrm()}
        )
    if any(step.handover == Handover.TRANSNATIONAL for step in steps):
        entries.append(_("%(mark)s: passes to a referral abroad.") % {"mark": _("→ abroad")})
    if any(step.requires_24_7 for step in steps):
        entries.append(_("24/7: must be reachable at any hour."))
    if not entries:
        return "", 0
    lines = _wrap("   ".join(entries), layout.chars(width - 16))
    text = _text_block(8, top + 6 + layout.font_size, lines, layout, fill=COLOURS["muted"])
    return f'<g class="legend">{text}</g>', 10 + layout.line * len(lines)


def _draw_box(box: _Box, x: int, y: int, severities: dict[str, str]) -> str:
    layout = box.layout
    severity = severities.get(box.step.id)
    edge = COLOURS.get(severity, COLOURS["box_edge"])
    stroke_width = 3 if severity else 1
    dash = ' stroke-dasharray="6 3"' if severity == WARNING else ""
    shape = (
        f'<rect x="{x}" y="{y}" width="{box.width}" height="{box.height}" rx="5" fill="{COLOURS["box"]}" '
        f'stroke="{edge}" stroke-width="{stroke_width}"{dash}/>'
    )
    baseline = y + layout.padding + layout.font_size - 1
    text = _text_block(x + layout.padding, baseline, box.lines, layout)
    meta = _text_block(
        x + layout.padding, baseline + layout.line * len(box.lines), box.meta, layout, fill=COLOURS["muted"]
    )
    mark = ""
    if severity:
        cx, cy = x + box.width - 12, y + 12
        mark = (
            f'<circle cx="{cx}" cy="{cy}" r="9" fill="{edge}"/>'
            f'<text x="{cx}" y="{cy + 4}" text-anchor="middle" font-size="12" font-weight="bold" '
            f'fill="#ffffff">{MARKS[severity]}</text>'
        )
    return f'<g class="step" data-step="{escape(box.step.id)}">{shape}{text}{meta}{mark}</g>'


def _text_block(x, y, lines, layout: Layout, *, fill=None, weight="normal", anchor="start") -> str:
    if not lines:
        return ""
    fill = fill or COLOURS["ink"]
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else layout.line}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    align = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return (
        f'<text x="{x}" y="{y}" font-size="{layout.font_size}" font-weight="{weight}" fill="{fill}"{align}>'
        f"{spans}</text>"
    )


def _summary(data: PathwayData, severities: dict[str, str], lanes: int, *, parallel: bool) -> str:
    steps = len(data.all_steps())
    flagged = sum(1 for _stage, step in data.all_steps() if step.id in severities)
    text = ngettext(
        "%(steps)d step in %(stages)d stages, shared by %(lanes)d organisations.",
        "%(steps)d steps in %(stages)d stages, shared by %(lanes)d organisations.",
        steps,
    ) % {"steps": steps, "stages": len(data.stages), "lanes": lanes}
    if parallel:
        text += " " + str(PARALLEL_SENTENCE)
    if flagged:
        text += " " + ngettext(
            "%(count)d step has a problem; the list below the diagram names it.",
            "%(count)d steps have problems; the list below the diagram names them.",
            flagged,
        ) % {"count": flagged}
    return text
