"""What the report page (报告详情) and the comparison page (对比) show, as typed values.

The three tables come from `layout` (the official grids, merged headers and all); each value
cell carries its dotted `CellPath`, the findings that concern it (a cell, columns of a row, a
whole row, or — a column-wide 勾稽关系 of table 三 — the four terms of that column's balance),
and whether it was derived or split by the table's arithmetic. Null stays null: it is shown as
空, never as 0.

Provenance: the printed text of a value with the lines around it, from the original file read
again when it is still on disk with the same content (else what the record kept: the printed
text and its line), and the page to draw for PDFs and scans.

Nothing here knows about HTTP: the routes in `web.routes.reports` turn these into pages and JSON.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from .. import formats, layout
from ..analyse.indicators import MAIN_INDICATORS, Indicator
from ..check import RULES
from ..export import cell_labels, request_row_label
from ..model import Box, Finding, Provenance, Record, Severity, Value
from ..read import Line, ReadError, load
from ..render import SEVERITY_NAMES
from ..store import StoredReport

SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")  # the terms of a column's 勾稽关系
NULL_TEXT = "空"
CONTEXT_LINES = 3  # lines shown before and after the printed line
META_LABELS: dict[str, str] = {"agency": "机关名称", "year": "年度", "published": "落款日期"}
_RULE_TITLES = {r.name: r.title for r in RULES}
TEMPLATE_NAMES: dict[str, str] = {
    formats.TEMPLATE_2021: "2021年版（国办公开办函〔2021〕30号）",
    formats.TEMPLATE_2019: "2019年版（国办公开办函〔2019〕60号）",
    formats.TEMPLATE_PRE2019: "2019年以前的格式",
    formats.TEMPLATE_UNKNOWN: "未识别",
}


def template_name(template: str) -> str:
    return TEMPLATE_NAMES.get(template, template)


def media_name(media_type: str | None) -> str:
    """A file type as people name it: PDF, 纯文本, 网页, 扫描图片, Word …"""
    kinds = {
        "application/pdf": "PDF",
        "text/plain": "纯文本",
        "text/html": "网页（HTML）",
        "application/msword": "Word（DOC/WPS）",
        "application/x-ole-storage": "Word（DOC/WPS）",
        "application/rtf": "RTF",
        "application/vnd.oasis.opendocument.text": "ODT（OpenDocument）",
    }
    if not media_type:
        return "未知类型"
    if media_type.startswith("image/"):
        return f"扫描图片（{media_type.split('/', 1)[1].upper()}）"
    if "wordprocessingml" in media_type:
        return "Word（DOCX）"
    return kinds.get(media_type, media_type)

# pdfium (PDF rendering and reading) is not thread-safe; the web app serves requests from a pool of threads.
PDFIUM_LOCK = threading.Lock()


# ---------------------------------------------------------------- findings and the cells they concern


def finding_paths(finding: Finding, paths: Iterable[str]) -> list[str]:
    """The value cells among `paths` (dotted) that a finding concerns, in the order given: its
    cell, some columns of a row, a whole row, or, for a column-wide finding of table 三 (a
    勾稽关系), the four terms of that column's balance. None for a finding about a whole table or
    about the document."""
    location = finding.location
    number = location.get("table")
    if number not in formats.TABLE_OF_NUMBER:
        return []
    group = formats.TABLE_OF_NUMBER[number].group
    row, column, columns = location.get("row"), location.get("column"), location.get("columns")
    if row is None and column is None and not columns:
        return []
    prefix = f"{group}.{row}." if row is not None else f"{group}."
    out: list[str] = []
    for dotted in paths:
        if not dotted.startswith(prefix):
            continue
        cell = formats.CellPath.parse(dotted)
        if column is not None and cell.column != column:
            continue
        if column is None and columns and cell.column not in columns:
            continue
        if row is None and group == "requests" and cell.row not in BALANCE_ROWS:
            continue
        out.append(dotted)
    return out


def _worst(severities: Iterable[str]) -> Severity | None:
    worst: Severity | None = None
    for severity in severities:
        if severity in SEVERITY_RANK and (worst is None or SEVERITY_RANK[severity] < SEVERITY_RANK[worst]):
            worst = severity  # type: ignore[assignment]  # checked against SEVERITY_RANK
    return worst


def plain(value: Any) -> str | None:
    """A finding's expected or actual value as people read it (None when there is none)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return layout.format_number(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        return "、".join(plain(v) or NULL_TEXT for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{plain(v) or NULL_TEXT}" for k, v in value.items())
    return str(value)


def cell_label(path: str, template: str) -> str:
    """A cell as people name it: 表三 · 一、本年新收政府信息公开申请数量 · 总计."""
    if path in META_LABELS:
        return META_LABELS[path]
    try:
        cell = formats.CellPath.parse(path)
        row, column = cell_labels(path, template)
    except (ValueError, KeyError):
        return path
    return f"表{cell.table.number} · {row} · {column}"


_REQUEST_COLUMN_LABELS = {c.key: c.label for c in formats.REQUEST_COLUMNS}
_BLOCK_LABELS = {b.key: b.label for b in formats.REVIEW_BLOCKS}
_FIELD_LABELS = {f.key: f.label for f in formats.REVIEW_FIELDS}


def _row_and_columns(group: str, row: str | None, columns: Sequence[str], template: str) -> tuple[str | None, list[str]]:
    """A finding's row and columns as printed labels (the keys when unknown)."""
    if group == "requests":
        row_label = (request_row_label(row) if row in formats.ALL_REQUEST_ROWS else row) if row else None
        return row_label, [_REQUEST_COLUMN_LABELS.get(c, c) for c in columns]
    if group == "review_litigation":
        return (_BLOCK_LABELS.get(row, row) if row else None), [_FIELD_LABELS.get(c, c) for c in columns]
    if row is None:
        return None, list(columns)
    labels = [cell_labels(f"active.{row}.{c}", template) for c in columns] or [cell_labels(f"active.{row}.-", template)]
    return labels[0][0], [column for _, column in labels] if columns else []


def place_of(finding: Finding, template: str) -> str:
    """Where a finding points, in words: 表三 · （七）总计 · 自然人列, 表四 · 行政复议, 第6部分 · 第97行."""
    location = finding.location
    parts: list[str] = []
    number = location.get("table")
    if number in formats.TABLE_OF_NUMBER:
        parts.append(f"表{number}")
        columns = location.get("columns") or ([location["column"]] if location.get("column") else [])
        row, names = _row_and_columns(formats.TABLE_OF_NUMBER[number].group, location.get("row"), columns, template)
        if row:
            parts.append(row)
        if names:
            parts.append("、".join(names) + "列")
    elif location.get("section"):
        parts.append(f"第{location['section']}部分")
    if location.get("page"):
        parts.append(f"第{location['page']}页")
    if location.get("line"):
        parts.append(f"第{location['line']}行")
    if location.get("previous"):
        parts.append(f"对照：{location['previous']}")
    return " · ".join(parts) or "全文"


@dataclass(frozen=True)
class FindingView:
    """One finding as the page lists it, with the cells it concerns and where a click leads."""

    index: int
    finding: Finding
    cells: tuple[str, ...]
    place: str
    target: str | None  # the cell whose provenance a click shows (one with a printed source when there is one)
    line: int | None  # else the printed line the finding names
    page: int | None

    @property
    def fingerprint(self) -> str:
        return self.finding.fingerprint

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES.get(self.finding.severity, self.finding.severity)

    @property
    def title(self) -> str:
        return _RULE_TITLES.get(self.finding.rule, "")

    @property
    def expected(self) -> str | None:
        return plain(self.finding.expected)

    @property
    def actual(self) -> str | None:
        return plain(self.finding.actual)

    @property
    def arithmetic(self) -> bool:
        """Whether the finding states what a figure should be and what was printed."""
        return self.finding.expected is not None and self.finding.actual is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "fingerprint": self.fingerprint,
            **self.finding.to_dict(),
            "severity_name": self.severity_name,
            "title": self.title,
            "place": self.place,
            "cells": list(self.cells),
            "target": self.target,
        }


def finding_views(record: Record, paths: Sequence[str] | None = None) -> list[FindingView]:
    """Every finding of a record, in the record's order (its index is its id on the page)."""
    cells = list(record.cell_values()) if paths is None else list(paths)
    out = []
    for index, finding in enumerate(record.findings):
        covered = finding_paths(finding, cells)
        printed = [p for p in covered if p in record.provenance and record.provenance[p].line is not None]
        boxed = [p for p in printed if record.provenance[p].box is not None]
        target = next(iter(boxed or printed or covered), None)
        location = finding.location
        line = location.get("line")
        page = location.get("page")
        out.append(FindingView(index, finding, tuple(covered), place_of(finding, record.template), target, line, page))
    return out


# ---------------------------------------------------------------- the tables


@dataclass(frozen=True)
class CellView:
    """One cell of a table on the page, with its spans (an HTML td/th)."""

    text: str
    kind: str  # header / note / group / label / value (layout.Kind)
    rowspan: int = 1
    colspan: int = 1
    path: str | None = None
    value: Value = None
    label: str = ""  # a value cell's row and column labels
    severity: Severity | None = None
    findings: tuple[int, ...] = ()
    derived: bool = False
    split: bool = False
    printed: bool = False  # has a provenance line or page
    diff: bool = False  # compare: differs from the other report
    other: str | None = None  # compare: the other report's value as shown

    @property
    def is_value(self) -> bool:
        return self.path is not None

    @property
    def null(self) -> bool:
        return self.path is not None and self.value is None

    @property
    def shown(self) -> str:
        return NULL_TEXT if self.null else self.text

    @property
    def dom_id(self) -> str:
        return f"cell-{self.path}" if self.path else ""

    @property
    def classes(self) -> str:
        """CSS classes: rpt-value / rpt-label …, has-finding sev-error, rpt-null, rpt-derived, rpt-split, rpt-diff."""
        out = [f"rpt-{self.kind}"]
        if self.severity is not None:
            out += ["has-finding", f"sev-{self.severity}"]
        if self.null:
            out.append("rpt-null")
        if self.derived:
            out.append("rpt-derived")
        if self.split:
            out.append("rpt-split")
        if self.printed:
            out.append("rpt-printed")
        if self.diff:
            out.append("rpt-diff")
        return " ".join(out)

    @property
    def tooltip(self) -> str:
        parts = [self.label] if self.label else []
        if self.null:
            parts.append("空：原文空白、“/”、“—”或未能读出（不等于0）")
        if self.derived:
            parts.append("推：原文未能直接读出，由表内勾稽关系唯一推出")
        if self.split:
            parts.append("拆：原文数字连写，按勾稽关系拆分")
        if self.other is not None:
            parts.append(f"另一份报告：{self.other}")
        return "；".join(parts)


@dataclass(frozen=True)
class TableView:
    """One of the three tables in the official layout, as rows of cells (None rows: not read)."""

    number: str
    heading: str  # 三、收到和处理政府信息公开申请情况
    rows: tuple[tuple[CellView, ...], ...]
    cols: int
    severity: Severity | None = None  # the worst finding about the table as a whole
    findings: tuple[int, ...] = ()

    @property
    def present(self) -> bool:
        return bool(self.rows)

    def cells(self) -> Iterable[CellView]:
        for row in self.rows:
            yield from row

    def by_path(self) -> dict[str, CellView]:
        return {c.path: c for c in self.cells() if c.path is not None}


def _headings() -> dict[str, str]:
    return {t.number: f"{t.number}、{s.title}" for t, s in zip(formats.TABLES, formats.SECTIONS[1:4], strict=True)}


HEADINGS = _headings()


def _grid_rows(grid: layout.Grid, make: Callable[[layout.Cell], CellView]) -> tuple[tuple[CellView, ...], ...]:
    rows: list[list[CellView]] = [[] for _ in range(grid.rows)]
    for cell in grid.cells:
        rows[cell.row].append(make(cell))
    return tuple(tuple(r) for r in rows)


def _value_label(grid: layout.Grid, cover: Mapping[tuple[int, int], layout.Cell], cell: layout.Cell) -> str:
    """A value cell's row labels and column labels, joined (one cover map for the whole grid)."""
    rows, columns = grid.labels(cell, cover)
    return " · ".join(rows + columns)


def _cell_view(
    record: Record,
    grid: layout.Grid,
    cover: Mapping[tuple[int, int], layout.Cell],
    cell: layout.Cell,
    *,
    by_cell: Mapping[str, list[FindingView]],
    split: set[str],
) -> CellView:
    if cell.path is None:
        return CellView(cell.text, cell.kind, cell.rowspan, cell.colspan)
    path = str(cell.path)
    provenance = record.provenance.get(path)
    concerned = by_cell.get(path, [])
    return CellView(
        cell.text,
        cell.kind,
        cell.rowspan,
        cell.colspan,
        path=path,
        value=cell.value,
        label=_value_label(grid, cover, cell),
        severity=_worst(f.finding.severity for f in concerned),
        findings=tuple(f.index for f in concerned),
        derived=bool(provenance and provenance.derived),
        split=path in split,
        printed=provenance is not None and (provenance.line is not None or provenance.page is not None),
    )


def table_views(record: Record, findings: Sequence[FindingView] | None = None, *, marks: bool = True) -> list[TableView]:
    """Tables 二, 三 and 四 of a record in the official layout; with `marks`, value cells carry
    the findings that concern them (and their worst severity)."""
    grids = layout.record_tables(record)
    views = finding_views(record) if findings is None and marks else list(findings or [])
    by_cell: dict[str, list[FindingView]] = {}
    by_table: dict[str, list[FindingView]] = {}
    for view in views:
        for path in view.cells:
            by_cell.setdefault(path, []).append(view)
        number = view.finding.location.get("table")
        if not view.cells and isinstance(number, str):
            by_table.setdefault(number, []).append(view)
    split = {p for view in views if view.finding.rule == "digits_split" for p in view.cells}
    out = []
    for table in formats.TABLES:
        grid = grids.grid(table)
        table_findings = by_table.get(table.number, [])
        if grid is None:
            out.append(TableView(table.number, HEADINGS[table.number], (), 0, _worst(f.finding.severity for f in table_findings), tuple(f.index for f in table_findings)))
            continue
        cover = grid.cover_map()
        rows = _grid_rows(grid, functools.partial(_cell_view, record, grid, cover, by_cell=by_cell, split=split))
        out.append(
            TableView(
                table.number,
                HEADINGS[table.number],
                rows,
                grid.cols,
                _worst(f.finding.severity for f in table_findings),
                tuple(f.index for f in table_findings),
            )
        )
    return out


@dataclass(frozen=True)
class ReportView:
    """Everything the report page shows of one record."""

    tables: list[TableView]
    findings: list[FindingView]
    counts: dict[str, int]

    @property
    def highlighted(self) -> dict[str, CellView]:
        """The value cells findings concern, by path."""
        return {path: cell for table in self.tables for path, cell in table.by_path().items() if cell.severity is not None}


def report_view(record: Record) -> ReportView:
    findings = finding_views(record)
    counts = {"error": record.count("error"), "warning": record.count("warning"), "info": record.count("info")}
    return ReportView(table_views(record, findings), findings, counts)


# ---------------------------------------------------------------- the original file, read again


@dataclass(frozen=True)
class SourceLine:
    """A line of the original as the reader numbered it (the numbers provenance refers to)."""

    number: int
    page: int | None
    text: str
    cells: tuple[str, ...] | None = None
    boxes: tuple[Box, ...] | None = None


_HASHES: dict[tuple[str, int, int], str] = {}
_LINES: OrderedDict[tuple[str, str], tuple[SourceLine, ...]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
MAX_CACHED_DOCUMENTS = 16


def file_sha256(path: str | Path) -> str | None:
    """The SHA-256 of a file on disk (None when it cannot be read), remembered while its size
    and modification time stay the same."""
    try:
        stat = Path(path).stat()
    except (OSError, ValueError):
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _CACHE_LOCK:
        known = _HASHES.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    with _CACHE_LOCK:
        if len(_HASHES) > 4096:
            _HASHES.clear()
        _HASHES[key] = digest.hexdigest()
    return digest.hexdigest()


def original_file(record: Record) -> tuple[Path | None, str]:
    """The stored original of a record, when it is still on disk with the content that was read
    (its path comes from the record, never from a request); else None and why, in Chinese."""
    sha = record.source.sha256
    path = Path(record.source.path) if record.source.path else None
    if path is None or not sha:
        return None, "记录中没有原文件的位置或摘要"
    if not path.is_file():
        return None, "原文件已不在服务器上"
    if file_sha256(path) != sha:
        return None, "服务器上的原文件已被修改（内容与读取时不同）"
    return path, ""


def is_scan(record: Record) -> bool:
    """Whether the record's text came from OCR (a scan or an image): reading it again would take long."""
    media_type = record.source.media_type or ""
    return media_type.startswith("image/") or any(p.confidence is not None for p in record.provenance.values())


def source_lines(record: Record) -> tuple[tuple[SourceLine, ...] | None, str]:
    """The original's lines, read again (and remembered) when the file is still there with the
    same content; else None and why, in Chinese."""
    if is_scan(record):
        return None, "扫描件的文字由OCR识别，重新识别需时较长：这里显示读取时记下的文字"
    path, why = original_file(record)
    if path is None:
        return None, why + "：这里显示读取时记下的文字"
    key = (str(path), record.source.sha256 or "")
    with _CACHE_LOCK:
        cached = _LINES.get(key)
        if cached is not None:
            _LINES.move_to_end(key)
            return cached, ""
    pdf = record.source.media_type == "application/pdf"
    try:
        with PDFIUM_LOCK if pdf else contextlib.nullcontext():
            document = load(path)
    except ReadError as error:
        return None, f"原文件无法重新读取（{error}）：这里显示读取时记下的文字"
    if document.sha256 != record.source.sha256:
        return None, "服务器上的原文件已被修改（内容与读取时不同）：这里显示读取时记下的文字"
    lines = tuple(_whole_lines(document.lines))
    with _CACHE_LOCK:
        _LINES[key] = lines
        while len(_LINES) > MAX_CACHED_DOCUMENTS:
            _LINES.popitem(last=False)
    return lines, ""


def _whole_lines(lines: Sequence[Line]) -> list[SourceLine]:
    """One line per number, as provenance counts them: a source line the reader cut into pieces
    is shown once, its pieces joined by tabs (its cells and boxes then unknown)."""
    out: dict[int, SourceLine] = {}
    for line in lines:
        first = out.get(line.number)
        if first is None:
            out[line.number] = SourceLine(line.number, line.page, line.text, line.cells, line.boxes)
        else:
            out[line.number] = SourceLine(first.number, first.page, f"{first.text}\t{line.text}")
    return sorted(out.values(), key=lambda line: line.number)


def _overlap(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


def printed_span(line: SourceLine, provenance: Provenance) -> tuple[int, int] | None:
    """Where in the line the value's printed text is (start, end), when it can be told: by its
    column, by its box among the line's cells, or by being the only such text in the line."""
    text = provenance.text
    if not text:
        return None
    if provenance.column is not None:
        start = provenance.column - 1
        if line.text[start : start + len(text)] == text:
            return start, start + len(text)
    if line.cells and line.boxes and provenance.box is not None and "\t".join(line.cells) == line.text and len(line.cells) == len(line.boxes):
        overlaps = [_overlap(provenance.box, box) for box in line.boxes]
        best = max(range(len(overlaps)), key=lambda i: overlaps[i])
        if overlaps[best] > 0:
            offset = sum(len(c) + 1 for c in line.cells[:best])
            inner = line.cells[best].find(text)
            if inner >= 0:
                return offset + inner, offset + inner + len(text)
            return offset, offset + len(line.cells[best])
    if line.text.count(text) == 1:
        start = line.text.index(text)
        return start, start + len(text)
    return None


@dataclass(frozen=True)
class ContextLine:
    number: int
    page: int | None
    text: str
    marked: bool = False
    span: tuple[int, int] | None = None  # the printed value within the marked line

    @property
    def before(self) -> str:
        return self.text[: self.span[0]] if self.span else self.text

    @property
    def mark(self) -> str:
        return self.text[self.span[0] : self.span[1]] if self.span else ""

    @property
    def after(self) -> str:
        return self.text[self.span[1] :] if self.span else ""

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "page": self.page, "text": self.text, "marked": self.marked, "span": list(self.span) if self.span else None}


ProvenanceSource = Literal["file", "record", "none"]


@dataclass(frozen=True)
class ProvenanceView:
    """Where a value (or a line a finding names) was printed, with the lines around it."""

    path: str | None
    label: str
    value: Value
    text: str | None  # the printed text
    line: int | None
    page: int | None
    column: int | None
    box: Box | None
    derived: bool
    confidence: float | None
    context: tuple[ContextLine, ...]
    source: ProvenanceSource  # file: read again from the original; record: what the record kept; none: nothing printed
    note: str
    image_page: int | None  # the page to draw (PDFs and scans)
    findings: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "label": self.label,
            "value": self.value,
            "text": self.text,
            "line": self.line,
            "page": self.page,
            "column": self.column,
            "box": [round(v, 1) for v in self.box] if self.box else None,
            "derived": self.derived,
            "confidence": self.confidence,
            "context": [c.to_dict() for c in self.context],
            "source": self.source,
            "note": self.note,
            "image_page": self.image_page,
            "findings": list(self.findings),
        }


def drawable_media(record: Record) -> bool:
    media_type = record.source.media_type or ""
    return media_type == "application/pdf" or media_type.startswith("image/")


def _context(lines: Sequence[SourceLine], number: int, provenance: Provenance | None, around: int) -> tuple[ContextLine, ...]:
    out = []
    for line in lines:
        if number - around <= line.number <= number + around:
            marked = line.number == number
            span = printed_span(line, provenance) if marked and provenance is not None else None
            out.append(ContextLine(line.number, line.page, line.text, marked, span))
    return tuple(out)


def _image_page(record: Record, page: int | None) -> int | None:
    if not drawable_media(record):
        return None
    if page is not None:
        return page
    return 1 if (record.source.media_type or "").startswith("image/") else None


def provenance_view(record: Record, path: str, lines: Sequence[SourceLine] | None, why: str = "", around: int = CONTEXT_LINES) -> ProvenanceView:
    """The provenance of one cell (or of agency/year/published); KeyError for a path the record does not have."""
    values = record.cell_values()
    if path not in values and path not in record.provenance:
        raise KeyError(path)
    provenance = record.provenance.get(path)
    value: Value = values.get(path)
    if path in META_LABELS:
        raw = getattr(record, path, None)
        value = raw if isinstance(raw, (int, float)) else None
    concerned = tuple(i for i, f in enumerate(record.findings) if path in values and finding_paths(f, [path]))
    label = cell_label(path, record.template)
    if provenance is None or (provenance.line is None and provenance.page is None and not provenance.text):
        note = "原文中没有读到这一格（未印出，或所在的行、表未能读出）；记为空，不等于0。" if value is None else "这一格没有记下原文位置。"
        return ProvenanceView(path, label, value, None, None, None, None, None, False, None, (), "none", note, None, concerned)
    notes = []
    if provenance.derived:
        notes.append("此值不是直接读出的，而是由表内勾稽关系唯一推出。")
    if value is None and path in values:
        notes.append("原文此格印为空白、“/”或“—”，或未能读出：记为空，不等于0。")
    if provenance.confidence is not None:
        notes.append(f"OCR识别置信度 {provenance.confidence:.0%}。")
    context: tuple[ContextLine, ...] = ()
    source: ProvenanceSource = "record"
    if lines is not None and provenance.line is not None:
        context = _context(lines, provenance.line, provenance, around)
        if any(c.marked for c in context):
            source = "file"
    if source == "record":
        if why:
            notes.append(why + "。" if not why.endswith("。") else why)
        if provenance.line is not None:
            context = (ContextLine(provenance.line, provenance.page, provenance.text, True, (0, len(provenance.text)) if provenance.text else None),)
    return ProvenanceView(
        path,
        label,
        value,
        provenance.text,
        provenance.line,
        provenance.page,
        provenance.column,
        provenance.box,
        provenance.derived,
        provenance.confidence,
        context,
        source,
        "".join(notes),
        _image_page(record, provenance.page) if provenance.box is not None or provenance.page is not None else None,
        concerned,
    )


def line_view(record: Record, line: int, page: int | None, lines: Sequence[SourceLine] | None, why: str = "", around: int = CONTEXT_LINES) -> ProvenanceView:
    """A printed line (one a finding names) with the lines around it."""
    context: tuple[ContextLine, ...] = ()
    source: ProvenanceSource = "none"
    note = ""
    if lines is not None:
        context = _context(lines, line, None, around)
        if any(c.marked for c in context):
            source = "file"
            page = page if page is not None else next((c.page for c in context if c.marked), None)
    if source == "none":
        note = (why + "。" if why and not why.endswith("。") else why) or "原文中没有这一行。"
        note = note.replace("这里显示读取时记下的文字", "无法显示这一行")
    return ProvenanceView(None, "问题所指的原文", None, None, line, page, None, None, False, None, context, source, note, _image_page(record, page), ())


# ---------------------------------------------------------------- downloads


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069]')


def safe_filename(name: str, fallback: str) -> str:
    """A file name to offer for download: no path, no control or bidi characters, no characters
    Windows refuses, at most 120 characters (the extension kept); `fallback` when nothing is left."""
    cleaned = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", name)).strip(" ._")
    if not cleaned:
        return fallback
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and stem and len(suffix) <= 8:
        return stem[: 120 - len(suffix) - 1] + "." + suffix
    return cleaned[:120]


def ascii_filename(name: str, fallback: str) -> str:
    """The ASCII form of a file name for old clients (`filename=`): letters, digits, . _ - only;
    `fallback` (cleaned the same way) for a name that is not ASCII (dropping its Chinese would
    leave nothing telling)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback).strip("_") or "download"
    if not name.isascii():
        return fallback
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned[:120] if re.search(r"[A-Za-z0-9]", cleaned.rpartition(".")[0] or cleaned) else fallback


def content_disposition(name: str, fallback: str) -> str:
    """`attachment` with an ASCII `filename` and the full name as RFC 5987 `filename*` (UTF-8)."""
    full = safe_filename(name, fallback)
    return f"attachment; filename=\"{ascii_filename(full, fallback)}\"; filename*=UTF-8''{quote(full, safe='')}"


def download_name(item: StoredReport, suffix: str) -> str:
    """report-<id> … with the year and agency: 2023_高安市行政服务中心管委会.xlsx."""
    record = item.record
    parts = [str(record.year) if record.year else "", record.agency or ""]
    stem = "_".join(p for p in parts if p) or f"report-{item.id}"
    return safe_filename(f"{stem}{suffix}", f"report-{item.id}{suffix}")


def original_name(item: StoredReport) -> str:
    """The original file's own name (a name that is only a content hash gives the year and agency instead)."""
    path = Path(item.record.source.path)
    suffix = path.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", path.suffix) else ""
    if re.fullmatch(r"[0-9a-f]{32,64}", path.stem) or not path.stem:
        return download_name(item, suffix)
    return safe_filename(path.name, f"report-{item.id}{suffix}")


# ---------------------------------------------------------------- comparing two reports


@dataclass(frozen=True)
class Difference:
    path: str
    table: str
    label: str
    a: Value
    b: Value
    only: Literal["a", "b"] | None  # the cell is in one report only (another format, a table not read)

    @property
    def a_text(self) -> str:
        return "（无此格）" if self.only == "b" else _shown(self.a)

    @property
    def b_text(self) -> str:
        return "（无此格）" if self.only == "a" else _shown(self.b)

    @property
    def change(self) -> str:
        if self.only is not None or self.a is None or self.b is None:
            return ""
        delta = self.b - self.a
        return ("+" if delta > 0 else "") + layout.format_number(round(delta, 6) if isinstance(delta, float) else delta)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "table": self.table, "label": self.label, "a": self.a, "b": self.b, "only": self.only, "change": self.change}


def _shown(value: Value) -> str:
    return NULL_TEXT if value is None else layout.format_number(value)


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    name: str
    kind: str
    a: float | None
    b: float | None

    @property
    def a_text(self) -> str:
        return indicator_text(self.kind, self.a)

    @property
    def b_text(self) -> str:
        return indicator_text(self.kind, self.b)

    @property
    def change(self) -> str:
        if self.a is None or self.b is None:
            return ""
        if self.kind == "ratio":
            points = (self.b - self.a) * 100
            return f"{points:+.1f}个百分点" if round(points, 1) != 0 else "持平"
        delta = self.b - self.a
        if delta == 0:
            return "持平"
        return ("+" if delta > 0 else "") + indicator_text(self.kind, delta)

    @property
    def changed(self) -> bool:
        return self.a != self.b

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "kind": self.kind, "a": self.a, "b": self.b, "a_text": self.a_text, "b_text": self.b_text, "change": self.change}


def indicator_text(kind: str, value: float | None) -> str:
    if value is None:
        return NULL_TEXT
    if kind == "ratio":
        return f"{value * 100:.1f}%"
    return layout.format_number(int(value) if float(value).is_integer() else value)


@dataclass(frozen=True)
class Comparison:
    a: StoredReport
    b: StoredReport
    tables: list[tuple[TableView, TableView]]  # per table (二, 三, 四): A's and B's
    differences: list[Difference]
    indicators: list[IndicatorRow]
    same_template: bool = True
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def side(item: StoredReport) -> dict[str, Any]:
            record = item.record
            return {"id": item.id, "agency": record.agency, "agency_key": item.agency_key, "year": record.year, "template": record.template}

        return {
            "a": side(self.a),
            "b": side(self.b),
            "differences": [d.to_dict() for d in self.differences],
            "indicators": [i.to_dict() for i in self.indicators],
            "same_template": self.same_template,
            "notes": self.notes,
        }


def _ordered_paths(tables: Sequence[TableView]) -> list[str]:
    return [cell.path for table in tables for cell in table.cells() if cell.path is not None]


def _marked(table: TableView, differing: Mapping[str, str]) -> TableView:
    """The table with its differing cells marked (and the other report's value in their tooltip)."""
    rows = tuple(
        tuple(
            CellView(
                c.text,
                c.kind,
                c.rowspan,
                c.colspan,
                path=c.path,
                value=c.value,
                label=c.label,
                derived=c.derived,
                split=c.split,
                printed=c.printed,
                diff=c.path in differing,
                other=differing.get(c.path) if c.path else None,
            )
            for c in row
        )
        for row in table.rows
    )
    return TableView(table.number, table.heading, rows, table.cols)


def compare(a: StoredReport, b: StoredReport, indicators: Sequence[Indicator] = MAIN_INDICATORS) -> Comparison:
    """Two reports cell by cell (null differs from 0) and by their main indicators."""
    tables_a = table_views(a.record, marks=False)
    tables_b = table_views(b.record, marks=False)
    values_a, values_b = a.record.cell_values(), b.record.cell_values()
    order = _ordered_paths(tables_a) + [p for p in _ordered_paths(tables_b) if p not in values_a]
    differences = []
    for path in order:
        in_a, in_b = path in values_a, path in values_b
        va, vb = values_a.get(path), values_b.get(path)
        if in_a and in_b and va == vb and (va is None) == (vb is None):
            continue
        number = formats.CellPath.parse(path).table.number
        template = a.record.template if in_a else b.record.template
        only: Literal["a", "b"] | None = None if in_a and in_b else ("a" if in_a else "b")
        differences.append(Difference(path, number, cell_label(path, template), va, vb, only))
    other_of_a = {d.path: d.b_text for d in differences}
    other_of_b = {d.path: d.a_text for d in differences}
    tables = [(_marked(ta, other_of_a), _marked(tb, other_of_b)) for ta, tb in zip(tables_a, tables_b, strict=True)]
    rows = []
    for indicator in indicators:
        ma, mb = indicator.measure(a.record), indicator.measure(b.record)
        rows.append(IndicatorRow(indicator.key, indicator.name, indicator.kind, ma.value, mb.value))
    notes = []
    same = a.record.template == b.record.template
    if not same:
        notes.append(f"两份报告的格式不同（{a.record.template} / {b.record.template}），只在一份中有的格单独列出。")
    if a.id == b.id:
        notes.append("比较的是同一份报告。")
    return Comparison(a, b, tables, differences, rows, same, notes)
