"""整改通知 (correction notices): per agency, the findings reviewers confirmed on its reports,
addressed to the agency, as data (the JSON twin), a Word document and an Excel workbook.

A notice lists every confirmed finding of the agency's reports that the asking user may see:
the report (year and title), where the finding points in Chinese words (table, row, column,
page and line), the rule's code and name, the message, expected and actual values, and the
reviewer's comment. Decisions are keyed by content and finding fingerprint (`store.review`), so
a report read again keeps them; a confirmed decision whose finding no longer exists is not listed.

Text from documents and comments never becomes a formula in the workbook (`safe.xlsx_text`),
and characters XML cannot hold are dropped from both files.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal
from urllib.parse import quote

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from .. import formats
from ..check import get_rule
from ..export import request_row_label
from ..model import Finding, Record
from ..render import SEVERITY_NAMES
from ..safe import xlsx_clean, xlsx_text
from ..store import Store, StoredReport
from ..store.review import REVIEW_STATUSES, FindingReview, ReportReview
from ..store.schema import finding_reviews as finding_reviews_table
from ..store.schema import reports as reports_table
from .security import Visibility

BEIJING = timezone(timedelta(hours=8), "北京时间")
ISSUER = "政务公开办"
CHINESE_NUMERALS = "〇一二三四五六七八九十"
NoticeFormat = Literal["docx", "xlsx"]
MEDIA_TYPES: dict[NoticeFormat, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# ---------------------------------------------------------------- words for a finding


def today_in_beijing() -> date:
    return datetime.now(BEIJING).date()


def chinese_date(day: date) -> str:
    """「2025年6月1日」."""
    return f"{day.year}年{day.month}月{day.day}日"


def beijing_time(at: str | None) -> str:
    """A stored UTC time (「2025-06-01T04:05:06Z」) as Beijing time 「2025-06-01 12:05」; other text as it is."""
    if not at:
        return ""
    try:
        moment = datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return at
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def report_title(record: Record) -> str:
    """「洪泽区人民政府2023年政府信息公开工作年度报告」 (the parts not read are said so)."""
    agency = record.agency or "（未识别机关）"
    year = f"{record.year}年" if record.year else "（未识别年度）"
    return f"{agency}{year}政府信息公开工作年度报告"


def section_name(number: int) -> str:
    """「第六部分“其他需要报告的事项”」."""
    for section in formats.SECTIONS:
        if section.number == number:
            numeral = CHINESE_NUMERALS[number] if 0 <= number <= 10 else str(number)
            return f"第{numeral}部分“{section.title}”"
    return f"第{number}部分"


def _active_row(template: str, key: str) -> formats.ActiveRow | None:
    for rows in (formats.active_rows(template), formats.ACTIVE_ROWS_2021, formats.ACTIVE_ROWS_2019):
        for row in rows:
            if row.key == key:
                return row
    return None


@dataclass(frozen=True)
class Where:
    """Where a finding points, in the words of the printed report (each part empty when not given)."""

    table: str  # 「表三（收到和处理政府信息公开申请情况）」
    row: str  # the row's printed label
    column: str  # the column label(s), 「、」-joined
    place: str  # 「第六部分“其他需要报告的事项”，第4页，第87行」
    previous: str  # the other report a cross-year finding compares with

    def text(self) -> str:
        """One line: 「表三（…） “一、本年新收…”行 “自然人”列（第4页，第87行）」, or 「全文」."""
        parts = [self.table] if self.table else []
        if self.row:
            parts.append(f"“{self.row}”行")
        if self.column:
            parts.append("、".join(f"“{c}”" for c in self.column.split("、")) + "列")
        out = " ".join(parts)
        if self.place:
            out = f"{out}（{self.place}）" if out else self.place
        if self.previous:
            out = f"{out}；比对：{self.previous}" if out else f"比对：{self.previous}"
        return out or "全文"


def finding_where(record: Record, finding: Finding) -> Where:
    """The table, row, column and place a finding names, as printed labels (keys when unknown)."""
    location = finding.location
    number = location.get("table")
    table = formats.TABLE_OF_NUMBER.get(number) if isinstance(number, str) else None
    row_key = location.get("row")
    column_keys = location.get("columns") or ([location["column"]] if location.get("column") else [])
    row_label, column_labels = "", list(column_keys)
    if table is not None and table.group == "requests":
        row_label = request_row_label(row_key) if row_key in formats.ALL_REQUEST_ROWS else (row_key or "")
        labels = {c.key: c.label for c in formats.REQUEST_COLUMNS}
        column_labels = [labels.get(c, c) for c in column_keys]
    elif table is not None and table.group == "review_litigation":
        blocks = {b.key: b.label for b in formats.REVIEW_BLOCKS}
        fields = {f.key: f.label for f in formats.REVIEW_FIELDS}
        row_label = blocks.get(row_key, row_key) if row_key else ""
        column_labels = [fields.get(c, c) for c in column_keys]
    elif table is not None:
        active = _active_row(record.template, row_key) if row_key else None
        row_label = active.label if active else (row_key or "")
        names = {f.key: f.label for f in active.fields} if active else {}
        column_labels = [names.get(c, c) for c in column_keys]
    place = []
    section = location.get("section")
    if isinstance(section, int):
        place.append(section_name(section))
    if location.get("page"):
        place.append(f"第{location['page']}页")
    if location.get("line"):
        place.append(f"第{location['line']}行")
    previous = location.get("previous") or ""
    return Where(table.name if table else (f"表{number}" if number else ""), row_label, "、".join(column_labels), "，".join(place), previous)


def shown_value(value: Any) -> str:
    """An expected or actual value as text: numbers without a trailing .0, lists joined by 、."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list):
        return "、".join(shown_value(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def notice_value(value: Any) -> str:
    """`shown_value`, with table-三 row keys (「other_handling」) named as messages name them."""
    keys = [k.strip() for k in value.split(",")] if isinstance(value, str) else value if isinstance(value, list) else None
    if keys and all(isinstance(k, str) and k in formats.ALL_REQUEST_ROWS for k in keys):
        return "、".join(f"“{formats.ALL_REQUEST_ROWS[k].name}”" for k in keys)
    return shown_value(value)


def rule_title(rule: str) -> str:
    """The rule's Chinese name from the catalog (its id when the catalog no longer has it)."""
    try:
        return get_rule(rule).title
    except KeyError:
        return rule


# ---------------------------------------------------------------- the notice as data


@dataclass(frozen=True)
class NoticeItem:
    """One confirmed finding as the notice lists it."""

    number: int  # 序号, from 1
    report_id: int
    year: int | None
    report_title: str
    where: Where
    severity: str  # 错误 / 警告 / 提示
    code: str
    rule: str
    rule_title: str
    message: str
    expected: Any
    actual: Any
    reviewer: str
    reviewed_at: str  # Beijing time
    comment: str
    fingerprint: str

    @property
    def expected_text(self) -> str:
        return notice_value(self.expected)

    @property
    def actual_text(self) -> str:
        return notice_value(self.actual)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "report_id": self.report_id,
            "year": self.year,
            "report_title": self.report_title,
            "table": self.where.table,
            "row": self.where.row,
            "column": self.where.column,
            "place": self.where.place,
            "previous": self.where.previous,
            "location": self.where.text(),
            "severity": self.severity,
            "code": self.code,
            "rule": self.rule,
            "rule_title": self.rule_title,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "expected_text": self.expected_text,
            "actual_text": self.actual_text,
            "reviewer": self.reviewer,
            "reviewed_at": self.reviewed_at,
            "comment": self.comment,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class NoticeReport:
    id: int
    year: int | None
    title: str
    status: str  # 待审核 / 需整改 / 已通过
    draft: bool
    confirmed: int


@dataclass(frozen=True)
class Notice:
    agency_key: str
    agency: str
    region: str | None
    issued: date
    reports: tuple[NoticeReport, ...]
    items: tuple[NoticeItem, ...]

    @property
    def title(self) -> str:
        return f"关于{self.agency}政府信息公开工作年度报告有关问题的整改通知"

    @property
    def greeting(self) -> str:
        return f"{self.agency}："

    @property
    def intro(self) -> str:
        years = sorted({r.year for r in self.reports if r.confirmed and r.year is not None})
        named = "、".join(f"{y}年" for y in years)
        if not self.items:
            return "经审核，你单位政府信息公开工作年度报告暂无经确认需要整改的问题。"
        return f"经审核，你单位{named}政府信息公开工作年度报告存在以下{len(self.items)}处问题（均已经审核人员确认），现通知如下，请逐项核实整改。"

    @property
    def closing(self) -> str:
        return "请对照上述问题逐项核实、整改，修改后重新发布年度报告，并将整改情况及时报送政务公开办。特此通知。"

    @property
    def date_text(self) -> str:
        return chinese_date(self.issued)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency_key": self.agency_key,
            "agency": self.agency,
            "region": self.region,
            "title": self.title,
            "greeting": self.greeting,
            "intro": self.intro,
            "closing": self.closing,
            "issuer": ISSUER,
            "date": self.issued.isoformat(),
            "date_text": self.date_text,
            "reports": [{"id": r.id, "year": r.year, "title": r.title, "status": r.status, "draft": r.draft, "confirmed": r.confirmed} for r in self.reports],
            "items": [item.to_dict() for item in self.items],
        }


def visible_reports(store: Store, agency_key: str, visibility: Visibility | None) -> tuple[list[StoredReport], dict[str, ReportReview]]:
    """The agency's stored reports the user may see (all when `visibility` is None), with their reviews."""
    stored = store.reports_of_agency_key(agency_key)
    reviews = store.report_reviews([r.record.source.sha256 for r in stored if r.record.source.sha256])
    if visibility is not None:
        stored = [r for r in stored if visibility.sees(r.agency_key, r.region, reviews.get(r.record.source.sha256 or ""))]
    return stored, reviews


def confirmed_findings(record: Record, reviews: dict[str, FindingReview]) -> list[tuple[Finding, FindingReview]]:
    """The findings of a record a reviewer confirmed, in the record's order (one per fingerprint)."""
    out: list[tuple[Finding, FindingReview]] = []
    seen: set[str] = set()
    for finding in record.findings:
        fingerprint = finding.fingerprint
        review = reviews.get(fingerprint)
        if review is not None and review.decision == "confirmed" and fingerprint not in seen:
            seen.add(fingerprint)
            out.append((finding, review))
    return out


def build_notice(store: Store, agency_key: str, visibility: Visibility | None = None, issued: date | None = None) -> Notice | None:
    """The notice to one agency over its reports the user may see; None when they see none."""
    stored, reviews = visible_reports(store, agency_key, visibility)
    if not stored:
        return None
    items: list[NoticeItem] = []
    covered: list[NoticeReport] = []
    for item in stored:
        sha = item.record.source.sha256 or ""
        decisions = store.finding_reviews(sha) if sha else {}
        confirmed: list[tuple[Finding, FindingReview]] = []
        record = item.record
        if any(d.decision == "confirmed" for d in decisions.values()):
            full = store.report(item.id)  # with its cross-year findings
            record = full.record if full is not None else record
            confirmed = confirmed_findings(record, decisions)
        for finding, review in confirmed:
            items.append(
                NoticeItem(
                    number=len(items) + 1,
                    report_id=item.id,
                    year=record.year,
                    report_title=report_title(record),
                    where=finding_where(record, finding),
                    severity=SEVERITY_NAMES.get(finding.severity, finding.severity),
                    code=finding.code,
                    rule=finding.rule,
                    rule_title=rule_title(finding.rule),
                    message=finding.message,
                    expected=finding.expected,
                    actual=finding.actual,
                    reviewer=review.reviewer,
                    reviewed_at=beijing_time(review.at),
                    comment=review.comment or "",
                    fingerprint=finding.fingerprint,
                )
            )
        review_of = reviews.get(sha)
        status = REVIEW_STATUSES[review_of.status] if review_of else REVIEW_STATUSES["pending"]
        covered.append(NoticeReport(item.id, record.year, report_title(record), status, bool(review_of and review_of.draft), len(confirmed)))
    latest = stored[-1]  # reports_of_agency_key orders by year
    agency = latest.record.agency or agency_key
    return Notice(agency_key, agency, latest.region, issued or today_in_beijing(), tuple(covered), tuple(items))


# ---------------------------------------------------------------- the list of notices


@dataclass(frozen=True)
class NoticeSummary:
    """One line of the notices page: an agency with confirmed findings."""

    agency_key: str
    agency: str
    region: str | None
    reports: int
    confirmed: int
    needs_fix: int  # its reports with status 需整改

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency_key": self.agency_key,
            "agency": self.agency,
            "region": self.region,
            "reports": self.reports,
            "confirmed": self.confirmed,
            "needs_fix": self.needs_fix,
            "links": notice_links(self.agency_key),
        }


def notice_links(agency_key: str) -> dict[str, str]:
    """The notice's download addresses (the key percent-encoded as one path segment)."""
    key = quote(agency_key, safe="")
    return {"docx": f"/agencies/{key}/notice.docx", "xlsx": f"/agencies/{key}/notice.xlsx", "json": f"/api/agencies/{key}/notice"}


def agencies_with_confirmed(store: Store, region: str | None = None) -> list[str]:
    """The keys of agencies with at least one confirmed decision on a stored report (one query)."""
    query = (
        select(reports_table.c.agency_key)
        .join(finding_reviews_table, finding_reviews_table.c.sha256 == reports_table.c.sha256)
        .where(finding_reviews_table.c.decision == "confirmed", reports_table.c.agency_key.is_not(None))
        .distinct()
    )
    if region is not None:
        query = query.where(reports_table.c.region == region)
    with store.engine.connect() as connection:
        keys: list[Any] = list(connection.scalars(query))
    return sorted(str(key) for key in keys)


def notice_summaries(store: Store, visibility: Visibility | None = None) -> list[NoticeSummary]:
    """Every agency with confirmed findings the user may see, most findings first."""
    region = visibility.region if visibility is not None else None
    out: list[NoticeSummary] = []
    for key in agencies_with_confirmed(store, region):
        notice = build_notice(store, key, visibility)
        if notice is None or not notice.items:
            continue
        needs_fix = sum(1 for r in notice.reports if r.status == REVIEW_STATUSES["needs_fix"])
        out.append(NoticeSummary(key, notice.agency, notice.region, len(notice.reports), len(notice.items), needs_fix))
    out.sort(key=lambda s: (-s.confirmed, s.agency_key))
    return out


# ---------------------------------------------------------------- files


_FILENAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;%]+')


def notice_filename(notice: Notice, extension: NoticeFormat) -> str:
    """「整改通知_洪泽区人民政府_20250601.docx」 without characters a file name or header cannot hold."""
    agency = _FILENAME_UNSAFE.sub("_", unicodedata.normalize("NFC", notice.agency)).strip(" ._") or "机关"
    return f"整改通知_{agency[:60]}_{notice.issued:%Y%m%d}.{extension}"


DOCX_COLUMNS = ("序号", "报告", "问题位置", "规则", "问题说明", "应为", "实为", "审核意见")
DOCX_WIDTHS_CM = (1.0, 3.6, 4.4, 3.0, 7.0, 2.3, 2.0, 3.4)  # 26.7 cm: A4 landscape within 1.5 cm margins


def _docx_text(text: str) -> str:
    return xlsx_clean(text)  # what XML cannot hold goes (Word has no formulas to fear)


def _font(paragraph: Paragraph, size: float | None = None, bold: bool = False) -> None:
    for run in paragraph.runs:
        run.font.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)


def _cell_text(table: DocxTable, row: int, column: int, text: str, bold: bool = False) -> None:
    cell = table.cell(row, column)
    cell.text = _docx_text(text)
    for paragraph in cell.paragraphs:
        _font(paragraph, 9, bold)


def comment_text(item: NoticeItem) -> str:
    """The reviewer's comment with who confirmed it and when."""
    who = f"（{item.reviewer}，{item.reviewed_at}）" if item.reviewed_at else f"（{item.reviewer}）"
    return f"{item.comment}{who}" if item.comment else f"已确认{who}"


def notice_docx(notice: Notice) -> bytes:
    """The notice as a Word document: heading, addressee, the findings as a real table, closing, issuer and date."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(11)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "宋体")
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    document.core_properties.title = _docx_text(notice.title)
    document.core_properties.author = ISSUER

    heading = document.add_paragraph(_docx_text(notice.title))
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(heading, 16, bold=True)
    document.add_paragraph(_docx_text(notice.greeting))
    intro = document.add_paragraph(_docx_text(notice.intro))
    intro.paragraph_format.first_line_indent = Pt(22)

    if notice.items:
        table = document.add_table(rows=1 + len(notice.items), cols=len(DOCX_COLUMNS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for c, title in enumerate(DOCX_COLUMNS):
            _cell_text(table, 0, c, title, bold=True)
        for r, item in enumerate(notice.items, start=1):
            rule = f"{item.code} {item.rule_title}（{item.severity}）"
            values = (str(item.number), item.report_title, item.where.text(), rule, item.message, item.expected_text, item.actual_text, comment_text(item))
            for c, value in enumerate(values):
                _cell_text(table, r, c, value)
        table.autofit = False
        for c, width in enumerate(DOCX_WIDTHS_CM):
            table.columns[c].width = Cm(width)  # the grid (LibreOffice) …
            for cell in table.columns[c].cells:
                cell.width = Cm(width)  # … and each cell (Word)

    closing = document.add_paragraph(_docx_text(notice.closing))
    closing.paragraph_format.first_line_indent = Pt(22)
    closing.paragraph_format.space_before = Pt(12)
    for text in (ISSUER, notice.date_text):
        line = document.add_paragraph(text)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


XLSX_COLUMNS = ("序号", "年度", "报告", "表", "行", "列", "页、行", "级别", "规则代码", "规则名称", "问题说明", "应为", "实为", "审核人", "审核时间", "审核意见")  # fmt: skip
XLSX_WIDTHS = (6, 7, 34, 30, 30, 16, 18, 6, 9, 24, 60, 10, 10, 10, 17, 36)
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")


def _xlsx_value(value: Any) -> Any:
    """A cell value: a number stays a number, anything else becomes safe text (never a formula)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return xlsx_text(notice_value(value))


def notice_xlsx(notice: Notice) -> bytes:
    """The notice as a workbook: one sheet with the heading, the findings (one per row) and the closing."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "整改通知"
    last = get_column_letter(len(XLSX_COLUMNS))
    for r, (text, font) in enumerate(((notice.title, Font(bold=True, size=14)), (notice.greeting, Font(bold=True)), (notice.intro, Font())), start=1):
        cell = sheet.cell(r, 1, xlsx_text(text))
        cell.font, cell.alignment = font, Alignment(wrap_text=True, vertical="center", horizontal="center" if r == 1 else "left")
        sheet.merge_cells(f"A{r}:{last}{r}")
    sheet.row_dimensions[1].height = 26
    sheet.row_dimensions[3].height = 32
    header = 5
    for c, (title, width) in enumerate(zip(XLSX_COLUMNS, XLSX_WIDTHS), start=1):
        cell = sheet.cell(header, c, title)
        cell.font, cell.fill, cell.border, cell.alignment = (
            Font(bold=True),
            _HEADER_FILL,
            _BORDER,
            Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
        sheet.column_dimensions[get_column_letter(c)].width = width
    row = header
    for item in notice.items:
        row += 1
        values: Iterable[Any] = (
            item.number, item.year, item.report_title, item.where.table, item.where.row, item.where.column,
            "；".join(p for p in (item.where.place, f"比对：{item.where.previous}" if item.where.previous else "") if p),
            item.severity, item.code, item.rule_title, item.message, item.expected, item.actual, item.reviewer, item.reviewed_at, item.comment,
        )  # fmt: skip
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row, c, _xlsx_value(value))
            cell.border, cell.alignment = _BORDER, _WRAP
    sheet.freeze_panes = f"A{header + 1}"
    if notice.items:
        sheet.auto_filter.ref = f"A{header}:{last}{row}"
    row += 2
    closing = sheet.cell(row, 1, xlsx_text(notice.closing))
    closing.alignment = Alignment(wrap_text=True)
    sheet.merge_cells(f"A{row}:{last}{row}")
    for text in (ISSUER, notice.date_text):
        row += 1
        sheet.cell(row, 1, xlsx_text(text)).alignment = Alignment(horizontal="right")
        sheet.merge_cells(f"A{row}:{last}{row}")
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
