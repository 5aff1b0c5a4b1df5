"""The canonical report record (../shared/spec/record.md) and its findings.

The record is what every reader produces and every rule, store and export consumes. Its JSON
form (`Record.to_dict`) is gongkai's public contract; `ReadNotes` carries what the reader saw
that is not part of the contract (which cells were blank, which were derived, …) so that the
rules can turn it into findings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict, cast

from . import formats

SCHEMA = "gongkai.report/1"

Severity = Literal["error", "warning", "info"]
Value = int | float | None


@dataclass
class Source:
    path: str
    sha256: str | None = None
    media_type: str | None = None
    pages: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "media_type": self.media_type, "pages": self.pages}


Box = tuple[float, float, float, float]


@dataclass(slots=True)
class Provenance:
    """Where a value was printed: page and/or line of the source, and the raw text.

    `box` is where on the page (x0, top, x1, bottom in points from the page's top-left corner;
    for an image file, in its pixels) when the source has geometry (PDF, scans); `confidence`
    is the OCR engine's confidence (0–1) in the word the value was read from.
    """

    text: str
    line: int | None = None
    page: int | None = None
    derived: bool = False
    column: int | None = None  # 1-based column of the first printed character in its line
    box: Box | None = None
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.page is not None:
            out["page"] = self.page
        if self.line is not None:
            out["line"] = self.line
        if self.column is not None:
            out["column"] = self.column
        out["text"] = self.text
        if self.derived:
            out["derived"] = True
        if self.box is not None:
            out["box"] = [round(v, 1) for v in self.box]
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 3)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        box = data.get("box")
        confidence = data.get("confidence")
        return cls(
            data.get("text", ""),
            data.get("line"),
            data.get("page"),
            bool(data.get("derived")),
            data.get("column"),
            (float(box[0]), float(box[1]), float(box[2]), float(box[3])) if box is not None and len(box) == 4 else None,
            float(confidence) if confidence is not None else None,
        )


class Location(TypedDict, total=False):
    """Where a finding points (record.md `location`): a table cell, some columns of a row or a
    whole row, a section, a printed line; `previous` names the report a cross-year finding
    compares with."""

    table: str  # 二 / 三 / 四
    row: str
    column: str
    columns: list[str]
    section: int | None
    page: int | None
    line: int | None
    previous: str


def location_from(data: dict[str, Any]) -> Location:
    """A location read back from JSON, as it was stored."""
    return cast(Location, dict(data))


@dataclass
class Finding:
    rule: str
    code: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    expected: Any = None
    actual: Any = None

    def covers(self, path: str | formats.CellPath) -> bool:
        """Whether the finding is about a cell (alone, among columns, or its whole row)."""
        cell = path if isinstance(path, formats.CellPath) else formats.CellPath.parse(path)
        where = self.location
        if where.get("table") != cell.table.number or where.get("row") != cell.row:
            return False
        if "column" in where:
            return where["column"] == cell.column
        if "columns" in where:
            return cell.column in where["columns"]
        return True

    @property
    def fingerprint(self) -> str:
        """What identifies this finding across readings of the same content (its rule, location
        and figures, not its wording): a reviewer's decision on it is kept by this."""
        key = json.dumps([self.rule, self.location, self.expected, self.actual], ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha1(key.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
        }
        if self.expected is not None:
            out["expected"] = self.expected
        if self.actual is not None:
            out["actual"] = self.actual
        return out


CellStatus = Literal["blank", "unreadable", "derived", "split", "invalid"]


@dataclass(slots=True)
class CellNote:
    """Something the reader has to say about one cell, turned into a finding by a rule."""

    status: CellStatus
    detail: str = ""


@dataclass
class Statement:
    """A figure stated in the narrative, e.g. 「收到政府信息公开申请1516件」."""

    topic: str  # a key of check.narrative.TOPICS
    value: int
    text: str
    section: int | None
    line: int | None
    page: int | None = None


@dataclass
class ListedTotal:
    """A narrative total with its listed parts: 「主动公开信息221条，其中…1条、…36条…」."""

    total: int
    parts: list[int]
    text: str
    section: int | None
    line: int | None
    page: int | None = None


@dataclass
class ReadNotes:
    """What the reader observed beyond the record's values (not part of the JSON contract)."""

    fatal: str | None = None  # why the file could not be read at all (→ unreadable)
    not_a_report: str | None = None
    tables_found: dict[str, bool] = field(default_factory=lambda: {"二": False, "三": False, "四": False})
    cells: dict[str, CellNote] = field(default_factory=dict)  # dotted path → note
    single_other_row: bool = False  # a 2021 table 三 printing the 2019 （六）其他处理 row
    outdated_labels: list[str] = field(default_factory=list)  # 2019 labels found in a 2021 report
    title_year: int | None = None
    period_year: int | None = None
    period_text: str | None = None
    statements: list[Statement] = field(default_factory=list)
    listed_totals: list[ListedTotal] = field(default_factory=list)
    section_lines: dict[int, int] = field(default_factory=dict)  # section number → heading line


def empty_requests(template: str) -> dict[str, Any]:
    keys = [r.key for r in formats.request_rows(template)]
    if template != formats.TEMPLATE_2019:
        keys = [r.key for r in formats.REQUEST_ROWS_2021]
    return {"columns": list(formats.REQUEST_COLUMN_KEYS), "rows": {k: [None] * 7 for k in keys}}


def empty_review() -> dict[str, dict[str, Value]]:
    return {b.key: {f.key: None for f in formats.REVIEW_FIELDS} for b in formats.REVIEW_BLOCKS}


def empty_active(template: str) -> dict[str, dict[str, Value]]:
    return {r.key: {f.key: None for f in r.fields} for r in formats.active_rows(template)}


def cell_values(
    rows: Mapping[str, list[Value] | None], review_litigation: dict[str, dict[str, Value]], active: dict[str, dict[str, Value]]
) -> dict[str, Value]:
    """Every table cell by its dotted path (the provenance keys): requests.<row>.<column>, …

    A row printed as null (not in the document) gives seven null cells.
    """
    out: dict[str, Value] = {}
    for row, values in rows.items():
        for column, value in zip(formats.REQUEST_COLUMN_KEYS, values or [None] * len(formats.REQUEST_COLUMN_KEYS)):
            out[f"requests.{row}.{column}"] = value
    for block, fields in review_litigation.items():
        for field_key, value in fields.items():
            out[f"review_litigation.{block}.{field_key}"] = value
    for row, fields in active.items():
        for field_key, value in fields.items():
            out[f"active.{row}.{field_key}"] = value
    return out


def narrative(sections: list[dict[str, Any]]) -> str:
    """The narrative a report writes in its own words: sections 一 (总体情况), 五 (存在的主要问题
    及改进情况) and 六 (其他需要报告的事项), joined — what is compared with the year before."""
    return "".join(str(s.get("text", "")) for s in sections if s.get("number") in (1, 5, 6))


@dataclass
class Record:
    source: Source
    template: str = formats.TEMPLATE_UNKNOWN
    year: int | None = None
    agency: str | None = None
    published: str | None = None
    sections: list[dict[str, Any]] = field(default_factory=list)
    active: dict[str, dict[str, Value]] = field(default_factory=dict)
    requests: dict[str, Any] = field(default_factory=dict)
    review_litigation: dict[str, dict[str, Value]] = field(default_factory=empty_review)
    findings: list[Finding] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    notes: ReadNotes = field(default_factory=ReadNotes)

    @property
    def rows(self) -> dict[str, list[Value]]:
        """Table 三 rows (empty when the table is absent)."""
        rows: dict[str, list[Value]] = self.requests.get("rows", {})
        return rows

    def cell_values(self) -> dict[str, Value]:
        """Every table cell by its dotted path; see `cell_values`."""
        return cell_values(self.rows, self.review_litigation, self.active)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "source": self.source.to_dict(),
            "template": self.template,
            "year": self.year,
            "agency": self.agency,
            "published": self.published,
            "sections": self.sections,
            "active": self.active,
            "requests": self.requests,
            "review_litigation": self.review_litigation,
            "findings": [f.to_dict() for f in self.findings],
            "provenance": {k: p.to_dict() for k, p in self.provenance.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """A record from its JSON form (as stored); reader notes are not part of it."""
        source = data.get("source") or {}
        record = cls(
            Source(source.get("path", ""), source.get("sha256"), source.get("media_type"), source.get("pages")),
            data.get("template", formats.TEMPLATE_UNKNOWN),
            data.get("year"),
            data.get("agency"),
            data.get("published"),
            list(data.get("sections", [])),
            data.get("active", {}),
            data.get("requests", {}),
            data.get("review_litigation", empty_review()),
            [
                Finding(f["rule"], f["code"], f["severity"], f["message"], location_from(f.get("location") or {}), f.get("expected"), f.get("actual"))
                for f in data.get("findings", [])
            ],
            {path: Provenance.from_dict(p) for path, p in data.get("provenance", {}).items()},
        )
        record.notes.single_other_row = "other_handling" in record.rows and record.template == formats.TEMPLATE_2021
        return record

    @classmethod
    def unreadable(cls, path: str, reason: str, *, sha256: str | None = None) -> Record:
        """The record of a file that could not be read at all, with the reason in Chinese (the
        `unreadable` rule turns it into the finding)."""
        record = cls(Source(path, sha256))
        record.notes.fatal = reason
        return record

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
