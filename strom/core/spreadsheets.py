"""Every CSV and XLSX file Strom writes goes through here, so that no cell runs as a formula.

A spreadsheet treats text that starts with = + - or @ (or a tab or carriage return before one) as a
formula, and a formula can open links, run DDE commands or leak other cells (CSV injection, OWASP).
Names, descriptions and phone numbers come from other people, so every text cell is defused:

- CSV: a leading apostrophe, as OWASP recommends. Spreadsheets show the text, and importers that
  know the convention (Strom's HSDS import, through unescape_cell) take the apostrophe off again.
  Text that already starts with apostrophes before such a character gets one more, so that
  unescape_cell(safe_cell(text)) == text for every text.
- XLSX: the text is written unchanged as a text cell with the "quote prefix" style, which is how a
  spreadsheet itself stores text typed with a leading apostrophe: never a formula, shown as it is.

Numbers, booleans and empty cells stay what they are, and so does text that is only a number or a
phone number ("+371 2000 0000", "-24.1"): made of digits, spaces, brackets, dots, dashes and slashes,
it can call no function and reach no other program, and HSDS readers get phone numbers unchanged.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

# OWASP's list, and the full-width forms that some spreadsheets read as the same operators.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def starts_like_formula(text: str) -> bool:
    return text[:1] in FORMULA_STARTS


# A sign, then digits with the separators phone numbers and amounts use: no letters, no |, no !, so
# whatever a spreadsheet makes of it, it calls nothing.
PLAIN_NUMBER = re.compile(r"[+-]?\(?[0-9][0-9 ().\-/]*")


def _needs_apostrophe(text: str) -> bool:
    bare = text.lstrip("'")
    if bare == text and PLAIN_NUMBER.fullmatch(text):
        return False
    return starts_like_formula(bare)


def safe_cell(value):
    """A CSV cell that no spreadsheet runs: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and _needs_apostrophe(value):
        return "'" + value
    return value


def unescape_cell(value):
    """The text safe_cell was given: one leading apostrophe comes off where safe_cell put one."""
    if isinstance(value, str) and value.startswith("'") and _needs_apostrophe(value):
        return value[1:]
    return value


def csv_text(rows: Iterable[Sequence], **writer_options) -> str:
    """Rows (the header first) as CSV text, every cell through safe_cell."""
    out = io.StringIO()
    writer = csv.writer(out, **writer_options)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, Iterable[Sequence]], *, bold_header: bool = True) -> bytes:
    """A workbook with one sheet per entry (title: rows, the header first). Text is always written as
    text, never as a formula; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title=_sheet_title(title))
        for number, row in enumerate(rows, 1):
            sheet.append([_xlsx_value(cell) for cell in row])
            for cell in sheet[number]:
                _defuse(cell)
                if bold_header and number == 1:
                    cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # XML cannot hold most control characters; openpyxl would refuse the whole file.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


def _defuse(cell) -> None:
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would otherwise store text starting with "=" as a formula
        if starts_like_formula(cell.value):
            cell.quotePrefix = True


def _sheet_title(title: str) -> str:
    """Sheet titles are at most 31 characters and some characters are not allowed in them."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip("' ")
    return cleaned[:31] or "Sheet"
