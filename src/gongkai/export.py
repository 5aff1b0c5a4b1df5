"""Exports of a store: CSV (cells long, reports wide, findings), JSON Lines (records), Excel.

The Excel workbook has a summary sheet, one sheet per report with tables 二, 三 and 四 in the
official layout of the national format (`layout`: merged header and group cells as printed), the cells
that findings concern filled by severity with the finding as a cell comment, and a findings
sheet. `read_xlsx` reads the numbers back from that layout by its labels, which is how the
tests hold the export to the stored values. The workbook and JSON Lines are written in one pass
over the reports, which may be the store's iterator (see `export_xlsx`).

Every label comes from `formats`; nothing here spells a row or column of the format itself.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from . import formats, layout
from .analyse.indicators import MAIN_INDICATORS
from .analyse.stats import report_table
from .model import Finding, Record, Value
from .render import SEVERITY_NAMES
from .safe import csv_value, xlsx_clean, xlsx_text
from .store import StoredReport
from .textwidth import display_width

CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel open Chinese CSV as UTF-8

# ---------------------------------------------------------------- labels and paths

_COLUMN_LABELS = {c.key: c.label for c in formats.REQUEST_COLUMNS}
_BLOCK_LABELS = {b.key: b.label for b in formats.REVIEW_BLOCKS}
_FIELD_LABELS = {f.key: f.label for f in formats.REVIEW_FIELDS}


def request_row_label(key: str) -> str:
    """A table-三 row as people name it: the group prefixed where the label alone is ambiguous."""
    row = formats.ALL_REQUEST_ROWS[key]
    return f"{row.group}·{row.label}" if row.group and row.group.startswith("（") else row.label


def _active_row(template: str, key: str) -> formats.ActiveRow | None:
    for rows in (formats.active_rows(template), formats.ACTIVE_ROWS_2021, formats.ACTIVE_ROWS_2019):
        for row in rows:
            if row.key == key:
                return row
    return None


def cell_labels(path: str, template: str) -> tuple[str, str]:
    """(row label, column label) of a dotted cell path, as printed in the template."""
    table, row, column = formats.CellPath.parse(path)
    if table == "requests":
        return request_row_label(row), _COLUMN_LABELS[column]
    if table == "review_litigation":
        return _BLOCK_LABELS[row], _FIELD_LABELS[column]
    active = _active_row(template, row)
    if active is None:
        return row, column
    return active.label, next((f.label for f in active.fields if f.key == column), column)


def canonical_paths() -> list[str]:
    """Every cell path of either format, in table order (三, 四, 二): the stable columns of reports.csv."""
    paths = [f"requests.{r.key}.{c}" for r in layout.REQUEST_ROW_ORDER for c in formats.REQUEST_COLUMN_KEYS]
    paths += [f"review_litigation.{b.key}.{f.key}" for b in formats.REVIEW_BLOCKS for f in formats.REVIEW_FIELDS]
    for rows in (formats.ACTIVE_ROWS_2021, formats.ACTIVE_ROWS_2019):
        for row in rows:
            paths += [p for p in (f"active.{row.key}.{f.key}" for f in row.fields) if p not in paths]
    return paths


# ---------------------------------------------------------------- CSV


CELL_COLUMNS = (
    "report_id", "agency", "agency_key", "region", "year", "table", "row", "column",
    "row_label", "column_label", "value", "page", "line", "text", "derived",
)  # fmt: skip
REPORT_COLUMNS = ("id", "path", "agency", "agency_key", "region", "year", "template", "published", "errors", "warnings", "infos")
FINDING_COLUMNS = (
    "report_id", "agency", "agency_key", "region", "year", "rule", "code", "severity", "message",
    "table", "row", "column", "page", "line", "location", "expected", "actual",
)  # fmt: skip


def _csv_value(value: Any) -> Any:
    """A CSV field; text is made safe for spreadsheets (`safe.csv_text`: no formula, no controls)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_value(value)


def _json_or_empty(value: Any) -> Any:
    """A finding's expected or actual value: a number as it is (so that -2 stays a number, not
    text to be defused), anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _whose(item: StoredReport) -> dict[str, Any]:
    """The columns that say which report a cell or finding row belongs to."""
    return {"report_id": item.id, "agency": item.record.agency, "agency_key": item.agency_key, "region": item.region, "year": item.record.year}


def cell_rows(item: StoredReport) -> Iterator[dict[str, Any]]:
    """One row per table cell of a report (the long form of cells.csv)."""
    record = item.record
    for path, value in record.cell_values().items():
        cell = formats.CellPath.parse(path)
        row_label, column_label = cell_labels(path, record.template)
        provenance = record.provenance.get(path)
        yield {
            **_whose(item),
            "table": cell.table.number,
            "row": cell.row,
            "column": cell.column,
            "row_label": row_label,
            "column_label": column_label,
            "value": value,
            "page": provenance.page if provenance else None,
            "line": provenance.line if provenance else None,
            "text": provenance.text if provenance else None,
            "derived": bool(provenance and provenance.derived),
        }


def report_row(item: StoredReport) -> dict[str, Any]:
    record = item.record
    return {
        "id": item.id,
        "path": record.source.path,
        "agency": record.agency,
        "agency_key": item.agency_key,
        "region": item.region,
        "year": record.year,
        "template": record.template,
        "published": record.published,
        "errors": record.count("error"),
        "warnings": record.count("warning"),
        "infos": record.count("info"),
        **record.cell_values(),
    }


def finding_rows(item: StoredReport) -> Iterator[dict[str, Any]]:
    record = item.record
    for finding in record.findings:
        location = finding.location
        yield {
            **_whose(item),
            "rule": finding.rule,
            "code": finding.code,
            "severity": finding.severity,
            "message": finding.message,
            "table": location.get("table"),
            "row": location.get("row"),
            "column": location.get("column") or ("|".join(location["columns"]) if location.get("columns") else None),
            "page": location.get("page"),
            "line": location.get("line"),
            "location": json.dumps(location, ensure_ascii=False),
            "expected": _json_or_empty(finding.expected),
            "actual": _json_or_empty(finding.actual),
        }


def export_csv(reports: Iterable[StoredReport], folder: Path) -> dict[str, int]:
    """cells.csv (long), reports.csv (wide, one column per cell path of either format), findings.csv,
    written in one pass over `reports` (one report in memory at a time); rows written per file.
    Every cell is a row of cells.csv; reports.csv has the columns of both formats' cells, which
    are all the cells gongkai reads."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = {
        "cells.csv": CELL_COLUMNS,
        "reports.csv": (*REPORT_COLUMNS, *canonical_paths()),
        "findings.csv": FINDING_COLUMNS,
    }
    rows_of: dict[str, Callable[[StoredReport], Iterable[dict[str, Any]]]] = {
        "cells.csv": cell_rows,
        "reports.csv": lambda item: [report_row(item)],
        "findings.csv": finding_rows,
    }
    counts = dict.fromkeys(columns, 0)
    with ExitStack() as files:
        writers = {}
        for name, names in columns.items():
            writers[name] = csv.writer(files.enter_context((folder / name).open("w", encoding=CSV_ENCODING, newline="")))
            writers[name].writerow([_csv_value(c) for c in names])
        for item in reports:
            for name, writer in writers.items():
                for row in rows_of[name](item):
                    writer.writerow([_csv_value(row.get(c)) for c in columns[name]])
                    counts[name] += 1
    return counts


# ---------------------------------------------------------------- JSON Lines


def export_jsonl(reports: Iterable[StoredReport], path: Path) -> int:
    """One record per line, in the record.md contract (cross-year findings included)."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for item in reports:
            handle.write(json.dumps(item.record.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count


# ---------------------------------------------------------------- Excel: sheet names

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f-\x9f]")
MAX_SHEET_NAME = 31
SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def sanitize_sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: no []:*?/\\, no leading/trailing apostrophe, ≤ 31 UTF-16 units.

    `taken` holds the casefolded names already used (Excel compares names case-insensitively);
    the result is added to it.
    """
    base = _INVALID_SHEET_CHARS.sub("_", xlsx_clean(name)).strip().strip("'") or "报告"
    if base.casefold() == "history":  # reserved by Excel
        base += "_"
    suffix_number = 1
    candidate = base
    while True:
        while _utf16_len(candidate) > MAX_SHEET_NAME:
            # Cut the base, never the distinguishing suffix.
            base = base[:-1]
            candidate = base + ("" if suffix_number == 1 else f"~{suffix_number}")
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
        suffix_number += 1
        candidate = f"{base}~{suffix_number}"


def _sheet_label(item: StoredReport) -> str:
    return f"{item.id}-{item.record.year or '未知年度'} {item.record.agency or '未识别机关'}"


def sheet_names(reports: Iterable[StoredReport]) -> dict[int, str]:
    """The sheet name of each report: 编号-年度 机关 (shortened)."""
    taken = {SUMMARY_SHEET.casefold(), FINDINGS_SHEET.casefold()}
    return {item.id: sanitize_sheet_name(_sheet_label(item), taken) for item in reports}


# ---------------------------------------------------------------- Excel: styles

FONT_NAME = "宋体"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT = Font(name=FONT_NAME, size=10)
FONT_DEFAULT = Font(name="Calibri", size=11, family=2)  # the workbook's Normal style
FONT_BOLD = Font(name=FONT_NAME, size=10, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True)
FONT_HEADING = Font(name=FONT_NAME, size=11, bold=True)
FONT_SMALL = Font(name=FONT_NAME, size=9, color="444444")
FONT_LINK = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
SEVERITY_FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, eq=False)
class Look:
    """One cell format of the workbook, made once per workbook (`_Styles`) and referred to by
    number from every cell of that look. A cell that findings concern gets its look with the
    fill of the most severe one instead (a format of its own, also made once)."""

    name: str  # unique: the key of its format
    font: Font = FONT
    alignment: Alignment = CENTER
    fill: PatternFill | None = None
    border: Border | None = BORDER
    number_format: str = "General"


TITLE = Look("标题", FONT_TITLE, LEFT, border=None)
NOTE = Look("说明", FONT_SMALL, LEFT, border=None)
HEADING = Look("表名", FONT_HEADING, LEFT, border=None)
UNREAD = Look("未读出", FONT, LEFT, border=None)
HEADER = Look("表头", FONT_BOLD, CENTER, HEADER_FILL)
BOXED = Look("居中", FONT, CENTER)
BOXED_LEFT = Look("居左", FONT, LEFT)
VALUE = Look("数值", FONT, CENTER)
LINK = Look("链接", FONT_LINK, LEFT)
RATIO = Look("比率", FONT, CENTER, number_format="0.0%")
COUNT = Look("计数", FONT, CENTER, number_format="0")


@lru_cache(maxsize=16)
def _frame(left: bool, right: bool, top: bool, bottom: bool) -> Look:
    """The look of a cell a bordered merged block covers: the block's border on the sides of the
    cell that are on the block's edge (as openpyxl draws a merged block), so that it draws whole."""
    border = Border(left=_THIN if left else None, right=_THIN if right else None, top=_THIN if top else None, bottom=_THIN if bottom else None)
    name = "框线" + "".join(side for side, edge in zip("左右上下", (left, right, top, bottom)) if edge)
    return Look(name, FONT_DEFAULT, Alignment(), border=border)


# Sheet columns of a report sheet: A–C hold the labels of table 三 (group, sub-group, label),
# D onwards the numbers. Table 二's four columns map to A:C | D:E | F:G | H:J, table 四's
# fifteen to D:R, so that all three tables share one set of column widths.
LABEL_COLUMNS = 3
FIRST_VALUE = LABEL_COLUMNS + 1  # D
ACTIVE_SPANS = ((4, 5), (6, 7), (8, 10))
REVIEW_WIDTH = len(formats.REVIEW_BLOCKS) * len(formats.REVIEW_FIELDS)
COLUMN_WIDTHS = {1: 4.5, 2: 14.0, 3: 40.0} | {c: 10.0 for c in range(FIRST_VALUE, FIRST_VALUE + REVIEW_WIDTH)}
LINE_HEIGHT = 14.0
LAST_COLUMN = FIRST_VALUE + REVIEW_WIDTH - 1  # R


# ---------------------------------------------------------------- Excel: the file
#
# The workbook is written as SpreadsheetML straight into the zip, a sheet at a time: a report's
# sheet is laid out in memory (one report's worth), written and let go before the next report
# is read; the summary and findings sheets grow row by row in temporary files and go into the
# zip at the end, with the parts that list every sheet (workbook, relationships, content types)
# and the cell formats. The parts are those openpyxl writes, cell for cell (fonts, fills,
# borders, merges, comments, links, filters, print titles, page setup). openpyxl's own writer,
# even a write-only workbook with shared styles, spends ≈ 30 µs on each cell (a report sheet has
# ≈ 500 with the borders of its merged blocks): ≈ 23 ms a report against ≈ 4 ms here, and it
# keeps every sheet's objects until the workbook is saved (bench/export.py measures the export).
# openpyxl still reads the file back (`read_xlsx`, the tests), and its style objects above are
# what the formats are made from.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAX_CELL_TEXT = 32767  # characters Excel holds in a cell
_PAGE = (
    '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
    '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
)  # printed (and converted to PDF) in landscape, one page wide, as many pages long as needed
_LETTERS = ["", *(get_column_letter(c) for c in range(1, 65))]


def _escape(text: str) -> str:
    """Text as XML character data (a carriage return kept as one: a parser would make it a line feed)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def _attribute(text: str) -> str:
    """Text as an XML attribute value (quoted with double quotes; white space kept as it is)."""
    return _escape(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def _coordinate(row: int, column: int) -> str:
    return f"{_LETTERS[column] if column < len(_LETTERS) else get_column_letter(column)}{row}"


def _cell(row: int, column: int, value: Any, style: int) -> str:
    """Every value of the workbook is written here: text made storable and never a formula
    (`safe.xlsx_text`) and stored as text (an inline string, so that neither "=…" nor "#N/A"
    from a document becomes a formula or an error value); numbers stay numbers."""
    reference = _coordinate(row, column)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return f'<c r="{reference}" s="{style}"/>'
    if isinstance(value, bool):
        return f'<c r="{reference}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{reference}" s="{style}"><v>{value!r}</v></c>'
    text = _escape(xlsx_text(str(value))[:MAX_CELL_TEXT])
    return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row_xml(row: int, cells: str, height: float | None = None) -> str:
    size = f' ht="{height:g}" customHeight="1"' if height is not None else ""
    return f'<row r="{row}"{size}>{cells}</row>'


def _sheet_head(widths: dict[int, float], *, frozen: bool = False, gridlines: bool = True) -> str:
    """A sheet up to its rows: fit to one page wide, the grid lines, the header row frozen."""
    view = "" if gridlines else ' showGridLines="0"'
    if frozen:
        panes = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    else:
        panes = '<selection activeCell="A1" sqref="A1"/>'
    columns = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>' for c, w in widths.items())
    return (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<sheetViews><sheetView{view} workbookViewId="0">{panes}</sheetView></sheetViews>'
        f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
    )


def _sheet_tail(merges: Sequence[str], *, comments: bool) -> str:
    """A report sheet after its rows, in the schema's order."""
    tail = "</sheetData>"
    if merges:
        tail += f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
    tail += _PAGE
    if comments:
        tail += '<legacyDrawing r:id="rId2"/>'  # the comments' boxes (see `_Book.comments`)
    return tail + "</worksheet>"


def _link(row: int, column: int, sheet: str, coordinate: str = "A1") -> str:
    # An internal link is a location, not a target URL (which would become an external relationship).
    # Within the quotes of a reference an apostrophe of the sheet's name is doubled.
    location = "'" + xlsx_clean(sheet).replace("'", "''") + "'!" + coordinate
    return f'<hyperlink ref="{_coordinate(row, column)}" location="{_attribute(location)}"/>'


def _xml(part: Font | PatternFill | Border | Alignment) -> str:
    xml: str | bytes = tostring(part.to_tree())  # bytes (UTF-8) with lxml, whatever the stubs say
    return xml.decode("utf-8") if isinstance(xml, bytes) else xml


class _Styles:
    """The cell formats of the workbook: one per look and one per look with a severity's fill,
    each made when first used; a cell refers to its format by number (0 is the default)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str | None], int] = {}
        self.formats: list[tuple[Font, PatternFill | None, Border | None, Alignment, str]] = []

    def id(self, look: Look, severity: str | None = None) -> int:
        key = (look.name, severity)
        found = self.ids.get(key)
        if found is None:
            fill = look.fill if severity is None else SEVERITY_FILLS[severity]
            self.formats.append((look.font, fill, look.border, look.alignment, look.number_format))
            found = self.ids[key] = len(self.formats)
        return found

    def xml(self) -> str:
        """styles.xml: the fonts, fills, borders and number formats the formats use, each once."""
        fonts = [_xml(FONT_DEFAULT)]
        fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']  # reserved by Excel
        borders = ["<border/>"]
        index = {xml: i for listed in (fonts, fills, borders) for i, xml in enumerate(listed)}

        def number(listed: list[str], xml: str) -> int:
            if xml not in index:
                index[xml] = len(listed)
                listed.append(xml)
            return index[xml]

        custom: dict[str, int] = {}
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        for font, fill, border, alignment, number_format in self.formats:
            if number_format in BUILTIN_FORMATS_REVERSE:
                format_id = BUILTIN_FORMATS_REVERSE[number_format]
            else:
                format_id = custom.setdefault(number_format, 164 + len(custom))
            font_id = number(fonts, _xml(font))
            fill_id = number(fills, _xml(fill)) if fill is not None else 0
            border_id = number(borders, _xml(border)) if border is not None else 0
            xfs.append(
                f'<xf numFmtId="{format_id}" fontId="{font_id}" fillId="{fill_id}" borderId="{border_id}" xfId="0" applyNumberFormat="1" '
                f'applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">{_xml(alignment)}</xf>'
            )
        numbers = [f'<numFmt numFmtId="{i}" formatCode="{_attribute(code)}"/>' for code, i in custom.items()]
        return (
            f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(numbers)}">{"".join(numbers)}</numFmts>' if numbers else "")
            + f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts><fills count="{len(fills)}">{"".join(fills)}</fills>'
            f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        )


class _Note(NamedTuple):
    """A cell comment: its text (made storable) and the height of its box in pixels."""

    text: str
    height: int


COMMENT_WIDTH = 420  # pixels


class _Book:
    """The workbook's zip, written part by part; what lists every sheet is written on `close`."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.styles = _Styles()
        self.titles: list[str] = []
        self.commented: list[int] = []  # sheets with comments
        self.defined: list[str] = []  # <definedName> elements

    def sheet(self, title: str) -> int:
        """The next sheet's number (its place in the workbook)."""
        self.titles.append(title)
        return len(self.titles)

    def part(self, number: int) -> str:
        return f"xl/worksheets/sheet{number}.xml"

    def comments(self, number: int, notes: Sequence[tuple[int, int, _Note]]) -> None:
        """A sheet's comments, and the VML boxes Excel shows them in (rId1 and rId2 of the sheet)."""
        self.commented.append(number)
        listed = "".join(
            f'<comment ref="{_coordinate(r, c)}" authorId="0"><text><t xml:space="preserve">{_escape(note.text)}</t></text></comment>' for r, c, note in notes
        )
        self.zip.writestr(
            f"xl/comments{number}.xml",
            f'{_DECLARATION}<comments xmlns="{_MAIN}"><authors><author>gongkai</author></authors><commentList>{listed}</commentList></comments>',
        )
        shapes = "".join(
            f'<v:shape id="_x0000_s{1024 * number + i}" type="#_x0000_t202" fillcolor="#ffffe1" o:insetmode="auto" '
            f'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:{COMMENT_WIDTH}px;height:{note.height}px;z-index:{i};visibility:hidden">'
            '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>'
            f"<x:Row>{r - 1}</x:Row><x:Column>{c - 1}</x:Column></x:ClientData></v:shape>"
            for i, (r, c, note) in enumerate(notes, start=1)
        )
        self.zip.writestr(
            f"xl/drawings/vmlDrawing{number}.vml",
            '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{number}"/></o:shapelayout>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            f'<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>{shapes}</xml>',
        )
        self.zip.writestr(
            f"xl/worksheets/_rels/sheet{number}.xml.rels",
            f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}">'
            f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/comments" Target="../comments{number}.xml"/>'
            f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/vmlDrawing" Target="../drawings/vmlDrawing{number}.vml"/></Relationships>',
        )

    def close(self) -> None:
        count = len(self.titles)
        sheets = "".join(f'<sheet name="{_attribute(title)}" sheetId="{n}" r:id="rId{n}"/>' for n, title in enumerate(self.titles, start=1))
        defined = f"<definedNames>{''.join(self.defined)}</definedNames>" if self.defined else ""
        self.zip.writestr("xl/styles.xml", self.styles.xml())
        self.zip.writestr(
            "xl/workbook.xml",
            f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets>{sheets}</sheets>{defined}<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>',
        )
        relationships = "".join(f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in range(1, count + 1))
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}">{relationships}'
            f'<Relationship Id="rId{count + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>',
        )
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.zip.writestr(
            "docProps/core.xml",
            f'{_DECLARATION}<cp:coreProperties xmlns:cp="{_PACKAGE}/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>gongkai</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>',
        )
        self.zip.writestr(
            "docProps/app.xml",
            f'{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>gongkai</Application></Properties>',
        )
        self.zip.writestr(
            "_rels/.rels",
            f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PACKAGE}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_RELATIONSHIPS}/extended-properties" Target="docProps/app.xml"/></Relationships>',
        )
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SPREADSHEET}.worksheet+xml"/>' for n in range(1, count + 1))
        overrides += "".join(f'<Override PartName="/xl/comments{n}.xml" ContentType="{_SPREADSHEET}.comments+xml"/>' for n in self.commented)
        self.zip.writestr(
            "[Content_Types].xml",
            f'{_DECLARATION}<Types xmlns="{_CONTENT_TYPES}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_SPREADSHEET}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_SPREADSHEET}.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>{overrides}</Types>',
        )
        self.zip.close()


class _ListSheet:
    """The summary or findings sheet: a header row, then one row at a time into a temporary file
    (its hyperlinks into another), put into the workbook by `close`."""

    def __init__(self, book: _Book, title: str, titles: Sequence[str], widths: Sequence[float]) -> None:
        self.book = book
        self.title = title
        self.number = book.sheet(title)
        self.width = len(titles)
        self.widths = dict(enumerate(widths, start=1))
        self.rows = tempfile.TemporaryFile()
        self.links = tempfile.TemporaryFile()
        self.count = 0
        header = book.styles.id(HEADER)
        self.append([(title, header) for title in titles], height=30)

    def append(self, cells: Sequence[tuple[Any, int]], *, height: float | None = None, link: tuple[int, str, str] | None = None) -> int:
        """A row of (value, format) cells, and a link from one of its cells (column, sheet, coordinate); returns the row's number."""
        self.count += 1
        r = self.count
        self.rows.write(_row_xml(r, "".join(_cell(r, c, value, style) for c, (value, style) in enumerate(cells, start=1)), height).encode("utf-8"))
        if link is not None:
            self.links.write(_link(r, *link).encode("utf-8"))
        return r

    def close(self, last_row: int) -> None:
        """Into the workbook, with the header row repeated on each printed page and an auto
        filter over rows 1 to `last_row`."""
        quoted = _escape("'" + self.title.replace("'", "''") + "'")
        column = get_column_letter(self.width)
        self.book.defined.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{self.number - 1}" hidden="1">{quoted}!$A$1:${column}${last_row}</definedName>'
        )
        self.book.defined.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{self.number - 1}">{quoted}!$1:$1</definedName>')
        part = zipfile.ZipInfo(self.book.part(self.number), date_time=time.localtime()[:6])
        part.compress_type = zipfile.ZIP_DEFLATED
        with self.book.zip.open(part, "w") as out:
            out.write(_sheet_head(self.widths, frozen=True).encode("utf-8"))
            self.rows.seek(0)
            shutil.copyfileobj(self.rows, out)
            out.write(f'</sheetData><autoFilter ref="A1:{column}{last_row}"/>'.encode())
            if self.links.tell():
                out.write(b"<hyperlinks>")
                self.links.seek(0)
                shutil.copyfileobj(self.links, out)
                out.write(b"</hyperlinks>")
            out.write(f"{_PAGE}</worksheet>".encode())
        self.rows.close()
        self.links.close()


# ---------------------------------------------------------------- Excel: one report sheet


@dataclass(slots=True)
class _Entry:
    """A cell of a report sheet before it is written."""

    value: Any
    look: Look
    severity: str | None = None
    note: _Note | None = None


@dataclass
class _Sheet:
    """A report sheet laid out in memory (one report's worth) before it is written: where each
    cell path and table landed, for highlighting, and the rows' heights."""

    row: int = 1
    entries: dict[tuple[int, int], _Entry] = field(default_factory=dict)  # (row, column) → cell
    merges: list[str] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # dotted path → position
    headings: dict[str, tuple[int, int]] = field(default_factory=dict)  # table 二/三/四 → heading position
    info: tuple[int, int] = (2, 1)

    def put(self, row: int, column: int, value: Any, look: Look, *, rowspan: int = 1, colspan: int = 1) -> tuple[int, int]:
        """A value in a (merged) block of cells; a bordered block's other cells get the border
        too, so that the merge draws whole."""
        self.entries[row, column] = _Entry(value, look)
        if rowspan > 1 or colspan > 1:
            if look.border is not None:
                last_row, last_column = row + rowspan - 1, column + colspan - 1
                for r in range(row, last_row + 1):
                    for c in range(column + (r == row), last_column + 1):
                        if r in (row, last_row) or c in (column, last_column):  # not inside the block
                            self.entries[r, c] = _Entry(None, _frame(c == column, c == last_column, r == row, r == last_row))
            self.merges.append(f"{_coordinate(row, column)}:{_coordinate(row + rowspan - 1, column + colspan - 1)}")
        return row, column

    def header(self, row: int, column: int, text: str, *, rowspan: int = 1, colspan: int = 1) -> tuple[int, int]:
        return self.put(row, column, text, HEADER, rowspan=rowspan, colspan=colspan)

    def value(self, row: int, column: int, path: str, value: Value, *, colspan: int = 1) -> None:
        self.cells[path] = self.put(row, column, value, VALUE, colspan=colspan)

    def height(self, row: int, lines: int) -> None:
        current = self.heights.get(row) or LINE_HEIGHT
        self.heights[row] = max(current, LINE_HEIGHT * lines + 4)

    def write(self, book: _Book, number: int) -> None:
        """The sheet's part (its rows top to bottom) and its comments' parts."""
        rows: dict[int, list[str]] = {}
        notes: list[tuple[int, int, _Note]] = []
        for (r, c), entry in sorted(self.entries.items()):
            rows.setdefault(r, []).append(_cell(r, c, entry.value, book.styles.id(entry.look, entry.severity)))
            if entry.note is not None:
                notes.append((r, c, entry.note))
        body = "".join(_row_xml(r, "".join(rows.get(r, ())), self.heights.get(r)) for r in sorted(rows.keys() | self.heights.keys()))
        book.zip.writestr(book.part(number), _sheet_head(COLUMN_WIDTHS, gridlines=False) + body + _sheet_tail(self.merges, comments=bool(notes)))
        if notes:
            book.comments(number, notes)


@lru_cache(maxsize=4096)  # the same labels on every sheet
def _lines(text: str, width: float) -> int:
    """Lines a wrapped label needs in a column `width` characters wide (a CJK character counts 2)."""
    usable = max(1.0, width - 1)
    return max(1, -(-display_width(text) // int(usable)))


def _width(first: int, last: int) -> float:
    return sum(COLUMN_WIDTHS.get(c, 10.0) for c in range(first, last + 1))


def _not_read(sheet: _Sheet) -> None:
    sheet.put(sheet.row, 1, "（未读出此表）", UNREAD, colspan=LABEL_COLUMNS)
    sheet.row += 1


def _heading(sheet: _Sheet, table: formats.Table, section: formats.Section) -> None:
    sheet.row += 1
    sheet.headings[table.number] = sheet.put(sheet.row, 1, f"{table.number}、{section.title}", HEADING, colspan=LAST_COLUMN)
    sheet.height(sheet.row, 1)
    sheet.row += 1


# Where the grid columns of each table land on the sheet (first, last sheet column): table 三's
# ten columns one to one from A, table 二's four over A:C | D:E | F:G | H:J, table 四's fifteen
# from D, so that all three tables share one set of column widths.
_SHEET_COLUMNS: dict[formats.Table, tuple[tuple[int, int], ...]] = {
    formats.TABLE_OF_NUMBER["二"]: ((1, LABEL_COLUMNS), *ACTIVE_SPANS),
    formats.TABLE_OF_NUMBER["三"]: tuple((c, c) for c in range(1, LAST_COLUMN + 1)),
    formats.TABLE_OF_NUMBER["四"]: tuple((c, c) for c in range(FIRST_VALUE, LAST_COLUMN + 1)),
}


def _draw(sheet: _Sheet, grid: layout.Grid) -> None:
    """A table of the official layout at the sheet's current row: headers and the 勾稽 note bold
    on grey, labels plain (table 三's row labels left-aligned), every value cell remembered by its path."""
    columns = _SHEET_COLUMNS[grid.table]
    top = sheet.row
    for cell in grid.cells:
        first, last = columns[cell.col][0], columns[cell.last_col][1]
        r = top + cell.row
        if cell.path is not None:
            sheet.value(r, first, str(cell.path), cell.value, colspan=last - first + 1)
        elif cell.kind in ("header", "note"):
            sheet.header(r, first, cell.text, rowspan=cell.rowspan, colspan=last - first + 1)
        else:
            look = BOXED_LEFT if cell.kind == "label" and grid.table.number == "三" else BOXED
            sheet.put(r, first, cell.text, look, rowspan=cell.rowspan, colspan=last - first + 1)
    _fit_rows(sheet, grid, top, columns)
    sheet.row = top + grid.rows


def _fit_rows(sheet: _Sheet, grid: layout.Grid, top: int, columns: tuple[tuple[int, int], ...]) -> None:
    """Rows as tall as their wrapped labels need: the headers right above values in table 二 (its
    field labels) and table 三 (商业企业 …), table 三's row labels and its 勾稽 note (over its
    three header rows); table 四's labels fit their cells."""
    if grid.table.number == "四":
        return
    cover = grid.cover_map()
    for cell in grid.cells:
        width = _width(columns[cell.col][0], columns[cell.last_col][1])
        lines = _lines(cell.text, width)
        if cell.kind == "note" and lines > cell.rowspan:
            sheet.height(top + cell.row, lines - cell.rowspan + 1)
        elif cell.kind == "label" and grid.table.number == "三":
            sheet.height(top + cell.row, lines)
        elif cell.kind == "header" and cell.rowspan == 1 and cover.get((cell.row + 1, cell.col), cell).is_value:
            sheet.height(top + cell.row, lines)


def _tables(sheet: _Sheet, record: Record) -> None:
    """Tables 二, 三 and 四 as the national format prints them, each under its section's heading."""
    grids = layout.record_tables(record)
    for table, section in zip(formats.TABLES, formats.SECTIONS[1:4], strict=True):
        _heading(sheet, table, section)
        grid = grids.grid(table)
        if grid is None:
            _not_read(sheet)
        else:
            _draw(sheet, grid)


def _finding_targets(record: Record, finding: Finding, sheet: _Sheet) -> list[tuple[int, int]]:
    """The cells a finding concerns: its cell(s), a whole row, a column's 勾稽 cells, a table, or the document."""
    location = finding.location
    name = location.get("table")
    table = formats.TABLE_OF_NUMBER[name].group if name in formats.TABLE_OF_NUMBER else None
    if table is None:
        return [sheet.info]
    row, column, columns = location.get("row"), location.get("column"), location.get("columns")
    prefix = f"{table}."
    cells = [formats.CellPath.parse(p) for p in sheet.cells if p.startswith(prefix)]
    if row is not None:
        cells = [c for c in cells if c.row == row]
    if column is not None:
        cells = [c for c in cells if c.column == column]
    elif columns:
        cells = [c for c in cells if c.column in columns]
    if row is None and column is not None and table == "requests":
        # A column-wide finding (勾稽关系) concerns the four terms of the balance, not every row.
        cells = [c for c in cells if c.row in ("new_received", "carried_over", "total_processed", "carried_forward")]
    paths = [str(c) for c in cells]
    if (row is None and column is None) or not paths:
        return [sheet.headings[name]] if name in sheet.headings else [sheet.info]
    return [sheet.cells[p] for p in paths]


def _highlight(sheet: _Sheet, record: Record) -> dict[int, str]:
    """Fill and comment every cell a finding concerns; returns finding index → first coordinate."""
    by_cell: dict[tuple[int, int], list[Finding]] = {}
    first: dict[int, str] = {}
    for index, finding in enumerate(record.findings):
        targets = _finding_targets(record, finding, sheet)
        first[index] = _coordinate(*targets[0])
        for position in targets:
            by_cell.setdefault(position, []).append(finding)
    for position, found in by_cell.items():
        found.sort(key=lambda f: SEVERITY_ORDER[f.severity])
        entry = sheet.entries[position]
        entry.severity = found[0].severity
        text = "\n".join(f"{SEVERITY_NAMES[f.severity]} {f.code} {f.rule}：{f.message}" for f in found)
        entry.note = _Note(xlsx_text(text), min(600, 40 + 18 * sum(_lines(line, 40) for line in text.splitlines())))
    return first


def _report_sheet(book: _Book, name: str, item: StoredReport) -> dict[int, str]:
    """A report's sheet, written whole; returns finding index → the coordinate it points at."""
    record = item.record
    sheet = _Sheet()
    title = f"{record.agency or '（未识别机关）'} {record.year or '（未识别年度）'}年度政府信息公开工作年度报告"
    sheet.put(1, 1, title, TITLE, colspan=LAST_COLUMN)
    sheet.heights[1] = 24
    info = (
        f"编号 {item.id} · 格式 {record.template} · 落款日期 {record.published or '无'} · "
        f"错误 {record.count('error')} 条，警告 {record.count('warning')} 条，提示 {record.count('info')} 条 · 文件 {record.source.path}"
    )
    sheet.info = sheet.put(2, 1, info, NOTE, colspan=LAST_COLUMN)
    sheet.row = 3
    _tables(sheet, record)
    legend = (
        "说明：空白 = 原文空白、“/”、“—”或无法读出（记为空，不等于0）。有底色的单元格有问题："
        "红 = 错误，黄 = 警告，蓝 = 提示；问题说明见单元格批注和“问题”工作表。"
    )
    sheet.put(sheet.row + 1, 1, legend, NOTE, colspan=LAST_COLUMN)
    sheet.heights[sheet.row + 1] = 2 * LINE_HEIGHT
    first = _highlight(sheet, record)
    sheet.write(book, book.sheet(name))
    return first


# ---------------------------------------------------------------- Excel: summary and findings sheets


class _Summary:
    """The summary sheet, one row per report as it is exported: its indicators and finding counts."""

    TEXT_COLUMNS = frozenset({2, 3, 4})

    def __init__(self, book: _Book) -> None:
        self.indicators = [i for i in MAIN_INDICATORS if i.kind != "per_report"]
        titles = ["编号", "工作表", "机关", "地区", "年度", "格式", "落款日期", *(i.name for i in self.indicators), "错误", "警告", "提示"]
        widths = [7, 26, 30, 16, 8, 8, 12, *(10 for _ in self.indicators), 7, 7, 7]
        # Each column's look: the sheet name a link, the indicators by kind, the rest boxed.
        looks = [BOXED_LEFT if c in self.TEXT_COLUMNS else BOXED for c in range(1, len(titles) + 1)]
        looks[1] = LINK
        for c, indicator in enumerate(self.indicators, start=7):
            looks[c] = RATIO if indicator.kind == "ratio" else COUNT
        self.styles = [book.styles.id(look) for look in looks]
        self.counted = [book.styles.id(BOXED, severity) for severity in ("error", "warning", "info")]  # the counts, when not 0
        self.sheet = _ListSheet(book, SUMMARY_SHEET, titles, widths)
        self.reports = 0

    def add(self, item: StoredReport, name: str) -> None:
        record = item.record
        row = next(iter(report_table([item], self.indicators).rows))  # a report's indicators are its own: no other report is needed
        counts = [record.count("error"), record.count("warning"), record.count("info")]
        values: list[Any] = [item.id, name, record.agency, item.region, record.year, record.template, record.published]
        values += [row[i.key] for i in self.indicators] + counts
        styles = self.styles[:-3] + [counted if n else plain for n, counted, plain in zip(counts, self.counted, self.styles[-3:])]
        self.sheet.append(list(zip(values, styles)), link=(2, name, "A1"))
        self.reports += 1

    def close(self) -> None:
        self.sheet.close(max(1, self.reports) + 1)


class _Findings:
    """The findings sheet, one row per finding, each linked to the cell it marks."""

    TITLES = ("编号", "工作表", "机关", "年度", "级别", "代码", "规则", "说明", "表", "行", "列", "页", "行号", "应为", "实为")
    WIDTHS = (7, 26, 26, 8, 7, 8, 22, 80, 5, 30, 14, 5, 7, 12, 12)
    TEXT_COLUMNS = frozenset({2, 3, 7, 8, 10, 11})

    def __init__(self, book: _Book) -> None:
        self.styles = [book.styles.id(BOXED_LEFT if c in self.TEXT_COLUMNS else BOXED) for c in range(1, len(self.TITLES) + 1)]
        self.styles[1] = book.styles.id(LINK)  # the sheet's name, linked to the cell the finding marks
        self.severities = {severity: book.styles.id(BOXED, severity) for severity in SEVERITY_FILLS}  # the 级别 column
        self.sheet = _ListSheet(book, FINDINGS_SHEET, self.TITLES, self.WIDTHS)

    def add(self, item: StoredReport, name: str, targets: dict[int, str]) -> None:
        record = item.record
        for index, finding in enumerate(record.findings):
            row_label, column_label = _location_labels(record, finding)
            location = finding.location
            values = [
                item.id, name, record.agency, record.year, SEVERITY_NAMES[finding.severity], finding.code,
                finding.rule, finding.message, location.get("table"), row_label, column_label,
                location.get("page"), location.get("line"), _plain_json(finding.expected), _plain_json(finding.actual),
            ]  # fmt: skip
            styles = list(self.styles)
            styles[4] = self.severities[finding.severity]
            height = LINE_HEIGHT * _lines(finding.message, self.WIDTHS[7]) + 4
            self.sheet.append(list(zip(values, styles)), height=height, link=(2, name, targets.get(index, "A1")))

    def close(self) -> None:
        self.sheet.close(max(1, self.sheet.count))


def _location_labels(record: Record, finding: Finding) -> tuple[str | None, str | None]:
    """The row and column(s) a finding names, as printed labels (the keys when unknown)."""
    location = finding.location
    number = location.get("table")
    table = formats.TABLE_OF_NUMBER[number].group if number in formats.TABLE_OF_NUMBER else None
    row, columns = location.get("row"), location.get("columns") or ([location["column"]] if location.get("column") else [])
    if table is None or (row is None and not columns):
        return None, None
    if table == "requests":
        row_label = request_row_label(row) if row in formats.ALL_REQUEST_ROWS else row
        column_labels = [_COLUMN_LABELS.get(c, c) for c in columns]
    elif table == "review_litigation":
        row_label = _BLOCK_LABELS.get(row, row) if row else None
        column_labels = [_FIELD_LABELS.get(c, c) for c in columns]
    else:
        active = _active_row(record.template, row) if row else None
        row_label = active.label if active else row
        fields = {f.key: f.label for f in active.fields} if active else {}
        column_labels = [fields.get(c, c) for c in columns]
    return row_label, "、".join(column_labels) or None


def _plain_json(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)


def export_xlsx(reports: Iterable[StoredReport], path: Path | str) -> dict[int, str]:
    """The workbook; returns each report's sheet name.

    One pass over `reports` (a list, or the store's iterator, which loads a page of reports at a
    time): each report's sheet is laid out, written and let go before the next report is read,
    and its rows of the summary and findings sheets are written with it. What the export keeps
    per report is its sheet name. The file appears when it is complete (written beside it first)."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    book = _Book(partial)
    try:
        summary, findings = _Summary(book), _Findings(book)
        taken = {SUMMARY_SHEET.casefold(), FINDINGS_SHEET.casefold()}
        names: dict[int, str] = {}
        for item in reports:
            name = names[item.id] = sanitize_sheet_name(_sheet_label(item), taken)
            targets = _report_sheet(book, name, item)
            summary.add(item, name)
            findings.add(item, name, targets)
        summary.close()
        findings.close()
        book.close()
    except BaseException:
        book.zip.close()
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return names


# ---------------------------------------------------------------- Excel: reading back


def _covering(ws: Worksheet, row: int, column: int) -> Any:
    """The value shown at a position: the top-left value of the merged range covering it."""
    cell = ws.cell(row, column)
    if not isinstance(cell, MergedCell):
        return cell.value
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return ws.cell(merged.min_row, merged.min_col).value
    return None


def _number(value: Any, decimal: bool) -> Value:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    if decimal:
        return float(value)
    return int(value) if isinstance(value, float) and value.is_integer() else value


_ROWS_BY_LABEL = {r.label: r.key for r in formats.ALL_REQUEST_ROWS.values()}
_COLUMNS_BY_LABEL = {c.label: c.key for c in formats.REQUEST_COLUMNS}
_FIELDS_BY_LABEL = {f.label: f.key for f in formats.REVIEW_FIELDS}
_BLOCKS_BY_LEVELS = {layout.block_levels(b): b.key for b in formats.REVIEW_BLOCKS}
_ACTIVE_BY_LABEL: dict[str, list[formats.ActiveRow]] = {}
for _row in formats.ACTIVE_ROWS_2021 + formats.ACTIVE_ROWS_2019:
    _ACTIVE_BY_LABEL.setdefault(_row.label, []).append(_row)


# Where each value of a sheet is: dotted path → (coordinate, whether the value is an amount).
Located = dict[str, tuple[str, bool]]


def _locate_active(ws: Worksheet, out: Located) -> None:
    header: list[tuple[int, str]] = []
    for r in range(1, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if label == formats.CONTENT_HEADER:
            header = [(c, str(ws.cell(r, c).value)) for c in range(FIRST_VALUE, ACTIVE_SPANS[-1][1] + 1) if ws.cell(r, c).value is not None]
            continue
        if not header or not isinstance(label, str) or label not in _ACTIVE_BY_LABEL:
            continue
        labels = [text for _, text in header]
        row = next((x for x in _ACTIVE_BY_LABEL[label] if [f.label for f in x.fields] == labels), None)
        if row is None:
            continue
        for (c, _), field_ in zip(header, row.fields):
            out[f"active.{row.key}.{field_.key}"] = (ws.cell(r, c).coordinate, field_.key in row.decimal)


def _locate_requests(ws: Worksheet, out: Located) -> None:
    top = next((r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == formats.BALANCE_NOTE), None)
    if top is None:
        return
    columns: dict[int, str] = {}
    for c in range(FIRST_VALUE, FIRST_VALUE + len(formats.REQUEST_COLUMNS)):
        label = _covering(ws, top + 2, c)
        if label in _COLUMNS_BY_LABEL:
            columns[c] = _COLUMNS_BY_LABEL[label]
    r = top + 3
    while True:
        # The row's own label is the rightmost label cell that is not covered by a merge from its left.
        labels = [ws.cell(r, c).value for c in range(1, LABEL_COLUMNS + 1) if not isinstance(ws.cell(r, c), MergedCell)]
        label = next((x for x in reversed(labels) if x is not None), None)
        if label not in _ROWS_BY_LABEL:
            return
        key = _ROWS_BY_LABEL[str(label)]
        for c, column in columns.items():
            out[f"requests.{key}.{column}"] = (ws.cell(r, c).coordinate, False)
        r += 1


def _locate_review(ws: Worksheet, out: Located) -> None:
    review = formats.REVIEW_BLOCKS[0]
    top = next((r for r in range(1, ws.max_row + 1) if ws.cell(r, FIRST_VALUE).value == review.label), None)
    if top is None:
        return
    for c in range(FIRST_VALUE, FIRST_VALUE + REVIEW_WIDTH):
        group, middle, low = (_covering(ws, top + i, c) for i in range(3))
        block = _BLOCKS_BY_LEVELS.get((str(group),)) or _BLOCKS_BY_LEVELS.get((str(group), str(middle)))
        field_ = _FIELDS_BY_LABEL.get(str(low))
        if block and field_:
            out[f"review_litigation.{block}.{field_}"] = (ws.cell(top + 3, c).coordinate, False)


def locate_cells(ws: Worksheet) -> dict[str, str]:
    """Where each value of a report sheet is, by dotted path, found from the sheet's labels alone."""
    return {path: coordinate for path, (coordinate, _) in _locate(ws).items()}


def _locate(ws: Worksheet) -> Located:
    out: Located = {}
    _locate_requests(ws, out)
    _locate_review(ws, out)
    _locate_active(ws, out)
    return out


def read_sheet(ws: Worksheet) -> dict[str, Value]:
    """The cell values of one report sheet, by dotted path (an empty cell is null)."""
    return {path: _number(ws[coordinate].value, decimal) for path, (coordinate, decimal) in _locate(ws).items()}


def read_xlsx(path: Path | str) -> dict[str, dict[str, Value]]:
    """Every report sheet of an exported workbook → its cell values by dotted path."""
    workbook = load_workbook(path)
    return {ws.title: read_sheet(ws) for ws in workbook.worksheets if ws.title not in (SUMMARY_SHEET, FINDINGS_SHEET)}


# ---------------------------------------------------------------- the command


FORMATS = ("csv", "xlsx", "jsonl")


def export(reports: Iterable[StoredReport], output: str, out: Path) -> str:
    """Write one export and return a Chinese line saying what was written.

    `reports` may be the store's iterator (`Store.reports()`): every format is written in one
    pass, holding one page of reports at a time."""
    if output == "csv":
        counts = export_csv(reports, out)
        files = "，".join(f"{name} {count} 行" for name, count in counts.items())
        return f"已导出 {counts['reports.csv']} 份报告到文件夹 {out}：{files}。"
    if output == "jsonl":
        count = export_jsonl(reports, out)
        return f"已导出 {count} 份报告到 {out}（每行一条记录）。"
    names = export_xlsx(reports, out)
    return f"已导出 {len(names)} 份报告到 {out}（汇总、每份报告一个工作表、问题清单）。"
