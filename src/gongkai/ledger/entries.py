"""The ledger's typed entries: requests, review/litigation cases, the ledger, and its errors.

Row and column keys of the national format come from `gongkai.formats`; what is defined here
is only what the law says about a request that the report format does not (the receipt
channels of 条例第三十一条) and how the ledger names its own sheets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .. import formats
from ..model import Value

LEDGER_FORMAT = "gongkai.ledger/1"


class Channel(StrEnum):
    """How a request was submitted (条例第三十一条 fixes for each which day counts as received)."""

    IN_PERSON = "当面"
    MAIL = "邮寄"
    LETTER = "平信"  # 平常信函等无需签收的邮寄方式
    ONLINE = "网络"
    FAX = "传真"


# Sheet names of the workbook (the clerk sees these).
SHEET_REQUESTS = "申请登记"
SHEET_ACTIVE = "主动公开"
SHEET_CASES = "复议诉讼"
SHEET_CARRIED = "上年结转"
SHEET_INFO = "基本信息"
SHEET_CHOICES = "选项"  # hidden: the drop-down lists


@dataclass(frozen=True)
class Place:
    """Where an entry was read: sheet and 1-based row (row 0: built in memory)."""

    sheet: str
    row: int = 0

    def __str__(self) -> str:
        return f"“{self.sheet}”表第{self.row}行" if self.row else f"“{self.sheet}”表"


@dataclass(frozen=True)
class Request:
    """One 政府信息公开申请 as registered: every date the deadlines depend on, None when blank.

    `applicant` is a column key of table 三 (formats.APPLICANT_COLUMN_KEYS); `result` is a
    result row key of the ledger's template (formats.result_row_keys).
    """

    number: str
    channel: Channel | None = None
    received: date | None = None  # 收到日期
    confirmed: date | None = None  # 确认日期 (平信、网络、传真: 与申请人确认之日)
    applicant: str | None = None
    summary: str = ""
    correction_notice: date | None = None  # 补正告知日
    correction_received: date | None = None  # 补正收到日
    third_party_start: date | None = None  # 第三方征求意见起
    third_party_end: date | None = None  # 第三方征求意见止
    extension_approved: date | None = None  # 延期批准日
    fee_notice: date | None = None  # 收费通知日
    fee_paid: date | None = None  # 缴费日
    answered: date | None = None  # 答复日期
    result: str | None = None  # 办理结果
    remark: str = ""
    place: Place = Place(SHEET_REQUESTS)

    def answered_by(self, day: date) -> bool:
        """Whether the request was answered on or before `day` (31 December: handled this year)."""
        return self.answered is not None and self.answered <= day


@dataclass(frozen=True)
class Case:
    """One 行政复议 or 行政诉讼 case about 政府信息公开 (a row of 复议诉讼): its block and
    outcome are keys of table 四 (formats.REVIEW_BLOCKS, formats.REVIEW_FIELDS)."""

    number: str
    kind: str  # review / litigation_direct / litigation_after_review
    outcome: str | None = None  # upheld / corrected / other / pending; None: not yet decided
    filed: date | None = None
    closed: date | None = None  # 审结日期
    summary: str = ""
    remark: str = ""
    place: Place = Place(SHEET_CASES)


@dataclass
class Ledger:
    """A year's request ledger of one agency, as read from the workbook (or built in memory)."""

    agency: str
    year: int
    template: str  # formats.TEMPLATE_2021 or TEMPLATE_2019
    requests: list[Request] = field(default_factory=list)  # received this year (申请登记)
    carried_over: list[Request] = field(default_factory=list)  # received before, open on 1 January (上年结转)
    active: dict[str, dict[str, Value]] = field(default_factory=dict)  # table 二 as the Record holds it
    cases: list[Case] = field(default_factory=list)
    path: str = "<ledger>"
    sha256: str | None = None

    @property
    def year_end(self) -> date:
        return date(self.year, 12, 31)

    def all_requests(self) -> list[Request]:
        """Carried-over requests first, then this year's, as the tables count them."""
        return self.carried_over + self.requests


# ---------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """A cell or row of the ledger that cannot be used, with a Chinese sentence saying why."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"“{self.sheet}”表"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"“{self.column}”列"
        return f"{where}：{self.message}"


class LedgerError(ValueError):
    """A ledger that cannot be read or tabulated; `problems` lists every bad cell found."""

    MAX_SHOWN = 30

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", None, None, problems)]
        self.problems = list(problems)
        shown = [str(p) if p.sheet else p.message for p in self.problems[: self.MAX_SHOWN]]
        rest = len(self.problems) - self.MAX_SHOWN
        if rest > 0:
            shown.append(f"……另有{rest}处问题")
        super().__init__("\n".join(shown))


# ---------------------------------------------------------------- labels the clerk chooses from


def template_name(template: str) -> str:
    return {formats.TEMPLATE_2021: "2021年版", formats.TEMPLATE_2019: "2019年版（试行）"}.get(template, template)


def template_for_year(year: int) -> str:
    """The national format a report for `year` uses (2021 from 2021 on, 2019 for 2019–2020)."""
    return formats.expected_template(year)


def result_rows(template: str) -> tuple[formats.Row, ...]:
    """The rows of table 三 a handled request is counted in, for a template, in printed order."""
    rows = formats.request_rows(template)
    keys = set(formats.result_row_keys(rows))
    return tuple(r for r in rows if r.key in keys)


def result_label(key: str) -> str:
    """The drop-down text of a result row: its short name (予以公开, 不予公开·属于国家秘密, …)."""
    return formats.ALL_REQUEST_ROWS[key].name


def applicant_labels() -> dict[str, str]:
    """Applicant column key → the label of table 三 (自然人, 商业企业, …)."""
    return {c.key: c.label for c in formats.REQUEST_COLUMNS if c.key in formats.APPLICANT_COLUMN_KEYS}


def case_kind_labels() -> dict[str, str]:
    """Table 四 block key → the ledger's drop-down text: 行政复议, 未经复议直接起诉, 复议后起诉."""
    return {b.key: b.label.split("·")[-1] for b in formats.REVIEW_BLOCKS}


def case_outcome_labels() -> dict[str, str]:
    """Table 四 outcome key → label (结果维持 … 尚未审结), without the 总计 column."""
    return {f.key: f.label for f in formats.REVIEW_FIELDS if f.key != "total"}
