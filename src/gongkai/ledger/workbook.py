"""The ledger workbook (XLSX) clerks fill in Excel or WPS: writing a blank one, reading it back.

Sheets: 申请登记 (one row per request received this year), 主动公开 (the inputs of table 二),
复议诉讼 (one row per review or litigation case, for table 四), 上年结转 (requests received in
earlier years and still open on 1 January), 基本信息 (agency, year, template), and a hidden 选项
sheet holding the drop-down lists. Every list (channels, applicant types, results, case kinds
and outcomes) is built from `formats`, so the workbook follows the template of its year.

Columns are found by their header text, so a clerk may reorder them or add columns of their
own; a bad cell is reported with its sheet, row and column in Chinese (`LedgerError`), all bad
cells at once, never as a traceback.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import formats
from ..files import path_text
from ..model import Value
from ..safe import xlsx_text
from .deadlines import Deadline, Status
from .entries import (
    LEDGER_FORMAT,
    SHEET_ACTIVE,
    SHEET_CARRIED,
    SHEET_CASES,
    SHEET_CHOICES,
    SHEET_INFO,
    SHEET_REQUESTS,
    Case,
    Channel,
    Ledger,
    LedgerError,
    Place,
    Problem,
    Request,
    applicant_labels,
    case_kind_labels,
    case_outcome_labels,
    result_label,
    result_rows,
    template_for_year,
    template_name,
)

LAST_ROW = 1048576  # validations cover the whole column below the header
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


# ---------------------------------------------------------------- the columns


@dataclass(frozen=True)
class LedgerColumn:
    header: str
    attribute: str  # the field of Request / Case it fills
    kind: str  # text, date, channel, applicant, result, kind, outcome
    width: float
    help: str = ""
    required: bool = True  # the header must be present (its cells may still be blank)


REQUEST_COLUMNS: tuple[LedgerColumn, ...] = (
    LedgerColumn("编号", "number", "text", 12, "每件申请一个编号，全台账不重复（例如 2024-001）。"),
    LedgerColumn("收到方式", "channel", "channel", 10, "当面、邮寄、平信（平常信函）、网络、传真：决定哪一天为收到申请之日（条例第三十一条）。"),
    LedgerColumn(
        "收到日期", "received", "date", 12, "当面：提交之日；邮寄：本机关签收之日；平信、网络、传真：收到之日（与申请人确认之日填在“确认日期”）。"
    ),
    LedgerColumn(
        "确认日期", "confirmed", "date", 12, "平信、网络、传真：与申请人确认之日，即收到申请之日（条例第三十一条第（二）（三）项）；空白时按收到日期计。", False
    ),
    LedgerColumn("申请人类型", "applicant", "applicant", 14, "表三的六类申请人之一：自然人，或法人或其他组织中的商业企业、科研机构、社会公益组织、法律服务机构、其他。"),
    LedgerColumn("内容摘要", "summary", "text", 30, "申请公开的政府信息，简要写明。", False),
    LedgerColumn("补正告知日", "correction_notice", "date", 12, "申请内容不明确的，应自收到申请之日起7个工作日内一次性告知补正（条例第三十条）。"),
    LedgerColumn("补正收到日", "correction_received", "date", 12, "收到补正之日：答复期限自此重新计算（条例第三十条）。"),
    LedgerColumn("第三方征求意见起", "third_party_start", "date", 14, "书面征求第三方意见之日（条例第三十二条）。"),
    LedgerColumn("第三方征求意见止", "third_party_end", "date", 14, "收到第三方意见（或征求意见期满）之日；起止两日及其间不计入答复期限（条例第三十三条第三款）。"),
    LedgerColumn("延期批准日", "extension_approved", "date", 12, "政府信息公开工作机构负责人同意延期之日：答复期限延长20个工作日（条例第三十三条第二款），须在原期限内批准。"),
    LedgerColumn("收费通知日", "fee_notice", "date", 12, "发出信息处理费收费通知之日（国办函〔2020〕109号）。"),
    LedgerColumn("缴费日", "fee_paid", "date", 12, "申请人缴费之日；收费通知至缴费期间不计入答复期限。"),
    LedgerColumn("答复日期", "answered", "date", 12, "作出答复（或告知不再处理）之日。到12月31日仍未答复的，计入表三“四、结转下年度继续办理”。"),
    LedgerColumn("办理结果", "result", "result", 34, "表三“三、本年度办理结果”之一；区分处理的只选“部分公开”。答复后填写。"),
    LedgerColumn("备注", "remark", "text", 20, "", False),
)
CASE_COLUMNS: tuple[LedgerColumn, ...] = (
    LedgerColumn("编号", "number", "text", 12, "每件案件一个编号。"),
    LedgerColumn("案件类型", "kind", "kind", 18, "行政复议、未经复议直接起诉（行政诉讼）、复议后起诉（行政诉讼）。"),
    LedgerColumn("申请或起诉日期", "filed", "date", 14, "", False),
    LedgerColumn("案由摘要", "summary", "text", 30, "", False),
    LedgerColumn("审理结果", "outcome", "outcome", 12, "结果维持、结果纠正、其他结果、尚未审结；空白按尚未审结计。"),
    LedgerColumn("审结日期", "closed", "date", 12, "审结日期在本年12月31日之后的，按尚未审结计。", False),
    LedgerColumn("备注", "remark", "text", 20, "", False),
)
ACTIVE_HEADERS = ("条款", "信息内容", "统计项", "数值", "说明")
INFO_LABELS = {"agency": "机关", "year": "年度", "template": "报告格式", "format": "台账格式"}

# Other spellings a clerk may type for a channel (the drop-down offers the five names).
CHANNEL_ALIASES: dict[str, Channel] = {
    "当面提交": Channel.IN_PERSON,
    "现场": Channel.IN_PERSON,
    "邮政": Channel.MAIL,
    "挂号信": Channel.MAIL,
    "快递": Channel.MAIL,
    "平常信函": Channel.LETTER,
    "信函": Channel.LETTER,
    "互联网": Channel.ONLINE,
    "网上": Channel.ONLINE,
    "在线": Channel.ONLINE,
    "电子邮件": Channel.ONLINE,
    "数据电文": Channel.ONLINE,
}


def _choices(template: str) -> dict[str, list[str]]:
    """The drop-down lists, one column each of the hidden 选项 sheet."""
    return {
        "收到方式": [c.value for c in Channel],
        "申请人类型": list(applicant_labels().values()),
        "办理结果": [result_label(r.key) for r in result_rows(template)],
        "案件类型": list(case_kind_labels().values()),
        "审理结果": list(case_outcome_labels().values()),
    }


# ---------------------------------------------------------------- writing


def _put(cell: Any, value: Any) -> None:
    """Text made safe (never a formula) and typed as text; dates and numbers as they are."""
    if isinstance(value, str):
        cell.value = xlsx_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT


def _header_row(ws: Worksheet, columns: Sequence[LedgerColumn]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(1, index)
        _put(cell, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.help:
            cell.comment = Comment(column.help, "gongkai", width=260, height=110)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.kind == "date":
            ws.column_dimensions[letter].number_format = DATE_FORMAT
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 32


def _list_validation(ws: Worksheet, letter: str, choice_column: str, count: int, what: str) -> None:
    validation = DataValidation(
        type="list",
        formula1=f"'{SHEET_CHOICES}'!${choice_column}$2:${choice_column}${count + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="输入有误",
        error=f"请从下拉列表中选择{what}。",
        promptTitle=what,
        prompt=f"从下拉列表中选择{what}",
        showInputMessage=True,
    )
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    ws.add_data_validation(validation)


def _date_validation(ws: Worksheet, letters: Iterable[str], year: int) -> None:
    validation = DataValidation(
        type="date",
        operator="between",
        formula1=f"DATE({year - 20},1,1)",
        formula2=f"DATE({year + 2},12,31)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="日期有误",
        error="请填写日期，例如 2024-03-15。",
    )
    for letter in letters:
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
    ws.add_data_validation(validation)


_CHOICE_COLUMN_OF_KIND = {"channel": "收到方式", "applicant": "申请人类型", "result": "办理结果", "kind": "案件类型", "outcome": "审理结果"}


def _validations(ws: Worksheet, columns: Sequence[LedgerColumn], choices: dict[str, list[str]], year: int) -> None:
    choice_letters = {name: get_column_letter(i) for i, name in enumerate(choices, start=1)}
    dates = []
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.kind == "date":
            dates.append(letter)
        elif column.kind in _CHOICE_COLUMN_OF_KIND:
            name = _CHOICE_COLUMN_OF_KIND[column.kind]
            _list_validation(ws, letter, choice_letters[name], len(choices[name]), column.header)
    if dates:
        _date_validation(ws, dates, year)


def request_cells(request: Request) -> list[Any]:
    """A request as the values of its row (the drop-down texts for its choices)."""
    labels = applicant_labels()
    values: list[Any] = []
    for column in REQUEST_COLUMNS:
        value = getattr(request, column.attribute)
        if column.kind == "channel":
            value = value.value if value else None
        elif column.kind == "applicant":
            value = labels.get(value) if value else None
        elif column.kind == "result":
            value = result_label(value) if value else None
        values.append(value if value != "" else None)
    return values


def _write_request_rows(ws: Worksheet, requests: Iterable[Request], first_row: int) -> int:
    row = first_row
    for request in requests:
        for index, value in enumerate(request_cells(request), start=1):
            if value is not None:
                _put(ws.cell(row, index), value)
        row += 1
    return row - first_row


def _request_sheet(ws: Worksheet, choices: dict[str, list[str]], year: int, requests: Iterable[Request] = ()) -> None:
    _header_row(ws, REQUEST_COLUMNS)
    _validations(ws, REQUEST_COLUMNS, choices, year)
    _write_request_rows(ws, requests, 2)


def _active_sheet(ws: Worksheet, template: str, values: dict[str, dict[str, Value]]) -> None:
    widths = (18, 16, 26, 12, 40)
    for index, (header, width) in enumerate(zip(ACTIVE_HEADERS, widths), start=1):
        cell = ws.cell(1, index)
        _put(cell, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
                            errorTitle="数值有误", error="请填写不小于0的整数（没有则填0）。")  # fmt: skip
    signed = DataValidation(type="whole", operator="between", formula1="-1000000", formula2="1000000", allow_blank=True,
                            showErrorMessage=True, errorTitle="数值有误", error="请填写整数（减少填负数）。")  # fmt: skip
    amounts = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
                             errorTitle="数值有误", error="请填写不小于0的数（单位见“统计项”）。")  # fmt: skip
    row = 2
    for active in formats.active_rows(template):
        for field_ in active.fields:
            for index, value in enumerate((active.block, active.label, field_.label), start=1):
                _put(ws.cell(row, index), value)
            if field_.key in active.decimal:
                amounts.add(f"D{row}")
                note = "金额，可有小数"
            elif field_.key in active.signed:
                signed.add(f"D{row}")
                note = "整数，比上一年减少的填负数"
            else:
                counts.add(f"D{row}")
                note = "件数，没有则填0"
            _put(ws.cell(row, 5), note)
            given = values.get(active.key, {}).get(field_.key)
            if given is not None:
                _put(ws.cell(row, 4), given)
            row += 1
    for validation in (counts, signed, amounts):
        if validation.sqref:
            ws.add_data_validation(validation)


def case_cells(case: Case) -> list[Any]:
    """A case as the values of its row (the drop-down texts for kind and outcome)."""
    values: list[Any] = []
    for column in CASE_COLUMNS:
        value = getattr(case, column.attribute)
        if column.kind == "kind":
            value = case_kind_labels().get(value)
        elif column.kind == "outcome":
            value = case_outcome_labels().get(value) if value else None
        values.append(value if value != "" else None)
    return values


def _cases_sheet(ws: Worksheet, choices: dict[str, list[str]], year: int, cases: Iterable[Case] = ()) -> None:
    _header_row(ws, CASE_COLUMNS)
    _validations(ws, CASE_COLUMNS, choices, year)
    for row, case in enumerate(cases, start=2):
        for index, value in enumerate(case_cells(case), start=1):
            if value is not None:
                _put(ws.cell(row, index), value)


def _choices_sheet(ws: Worksheet, choices: dict[str, list[str]]) -> None:
    for index, (name, values) in enumerate(choices.items(), start=1):
        _put(ws.cell(1, index), name)
        for row, value in enumerate(values, start=2):
            _put(ws.cell(row, index), value)
    ws.sheet_state = "hidden"


def _info_sheet(ws: Worksheet, agency: str, year: int, template: str) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 90
    _put(ws.cell(1, 1), "政府信息公开申请台账")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for row, (key, value) in enumerate(
        (("agency", agency), ("year", year), ("template", template), ("format", LEDGER_FORMAT)), start=2
    ):
        _put(ws.cell(row, 1), INFO_LABELS[key])
        ws.cell(row, 1).font = HEADER_FONT
        _put(ws.cell(row, 2), value if key != "template" else str(value))
    _put(ws.cell(4, 3), f"（{template_name(template)}格式，勿改）")
    guide = (
        "填表说明",
        "“申请登记”：本年收到的每件申请一行；“上年结转”：以前年度收到、1月1日仍未办结的申请（可由上年台账导入）。",
        "收到之日（条例第三十一条）：当面提交为提交之日；邮寄为本机关签收之日；平信为收到当日与申请人确认之日；网络、传真为双方确认之日。",
        "补正（条例第三十条）：申请内容不明确的，自收到申请之日起7个工作日内一次性告知补正；答复期限自收到补正之日起计算。",
        "答复期限（条例第三十三条）：自收到申请之日起20个工作日内答复；经政府信息公开工作机构负责人同意可延长，最长20个工作日。",
        "不计入答复期限：征求第三方意见的时间（条例第三十二条、第三十三条第三款）；收费通知至缴费的时间（国办函〔2020〕109号）。",
        "工作日按国务院办公厅每年公布的节假日安排计算（含调休上班日）。",
        "到12月31日仍未答复的申请，计入表三“四、结转下年度继续办理”，并在下一年台账的“上年结转”中继续登记。",
        "“主动公开”：表二的各项数字；“复议诉讼”：每件行政复议、行政诉讼案件一行（表四）。",
        "检查期限：gongkai ledger check 台账.xlsx",
    )
    for offset, line in enumerate(guide):
        cell = ws.cell(8 + offset, 1 if offset == 0 else 2)
        _put(cell, line)
        if offset == 0:
            cell.font = HEADER_FONT
        else:
            cell.alignment = WRAP


def ledger_workbook(ledger: Ledger) -> Workbook:
    """The workbook of a ledger: its requests, carried-over requests, table 二 values and cases
    written where a clerk would type them (`read_ledger` reads it back to the same ledger)."""
    agency = ledger.agency.strip()
    if not agency:
        raise LedgerError("机关名称不能为空")
    if not 2019 <= ledger.year <= 2100:
        raise LedgerError(f"年度 {ledger.year} 不支持：台账按2019年起施行的条例和全国统一格式计算（2019年及以后）")
    if ledger.template not in formats.NUMERIC_TEMPLATES:
        raise LedgerError(f"报告格式只能是 {'、'.join(formats.NUMERIC_TEMPLATES)}，不能是 {ledger.template}")
    choices = _choices(ledger.template)
    workbook = Workbook()
    requests_ws = workbook.active
    assert requests_ws is not None  # a new workbook has one sheet
    requests_ws.title = SHEET_REQUESTS
    _request_sheet(requests_ws, choices, ledger.year, ledger.requests)
    _active_sheet(workbook.create_sheet(SHEET_ACTIVE), ledger.template, ledger.active)
    _cases_sheet(workbook.create_sheet(SHEET_CASES), choices, ledger.year, ledger.cases)
    _request_sheet(workbook.create_sheet(SHEET_CARRIED), choices, ledger.year, ledger.carried_over)
    _info_sheet(workbook.create_sheet(SHEET_INFO), agency, ledger.year, ledger.template)
    _choices_sheet(workbook.create_sheet(SHEET_CHOICES), choices)
    return workbook


def write_ledger(path: str | Path, ledger: Ledger) -> Path:
    """Save `ledger` as a workbook at `path`."""
    target = Path(path)
    workbook = ledger_workbook(ledger)
    try:
        workbook.save(target)
    except OSError as error:
        raise LedgerError(f"无法写入 {path_text(target)}：{error.strerror or error}") from error
    return target


def init_ledger(path: str | Path, agency: str, year: int, template: str | None = None, carried_over: Iterable[Request] = ()) -> Path:
    """Write a blank ledger for `agency` and `year` to `path` (2021 template from 2021 on, 2019
    for 2019–2020, unless `template` is given), with `carried_over` requests in 上年结转."""
    template = template or template_for_year(year)
    carried = [fit_template(r, template) for r in carried_over] if template in formats.NUMERIC_TEMPLATES else []
    return write_ledger(path, Ledger(agency, year, template, carried_over=carried))


def fit_template(request: Request, template: str) -> Request:
    """A carried-over request for a ledger of `template`: a result of the other template (the
    2019 （六）其他处理 in a 2021 ledger) is cleared for the clerk to choose again."""
    if request.result is None or request.result in {r.key for r in result_rows(template)}:
        return replace(request, place=Place(SHEET_CARRIED))
    return replace(request, result=None, place=Place(SHEET_CARRIED))


# ---------------------------------------------------------------- reading cells


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_BLANK_TEXT = {"", "/", "／", "—", "-", "–", "无"}
_EXCEL_EPOCH = date(1899, 12, 30)


class _BadCell(ValueError):
    """A cell that cannot be used; the message is the Chinese reason."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """A date from what a spreadsheet cell holds: a date, an Excel serial number, or text such as
    2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # 1954–2119 as Excel serial numbers (a number cell not formatted as a date)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise _BadCell(f"“{_text(value)}”不是日期（请写为 2024-03-15）")
    text = str(value).strip()
    if text in _BLANK_TEXT:
        return None
    match = _DATE_TEXT.match(text) or (re.match(r"^(\d{4})(\d{2})(\d{2})$", text))
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise _BadCell(f"“{text}”不是有效日期（没有这一天）") from None
    raise _BadCell(f"“{text}”不是日期（请写为 2024-03-15）")


def _fold(text: str) -> str:
    return formats.normalize_label(text)


def _lookup(options: dict[str, str], what: str, allowed: Iterable[str]) -> Callable[[Any], str | None]:
    """A parser for a drop-down cell: blank → None, a known spelling → its key, else a Chinese error."""
    folded = {_fold(text): key for text, key in options.items()}
    listing = "、".join(allowed)

    def parse(value: Any) -> str | None:
        text = _text(value)
        if text in _BLANK_TEXT:
            return None
        key = folded.get(_fold(text))
        if key is None:
            raise _BadCell(f"未知的{what}“{text}”，应为：{listing}")
        return key

    return parse


def _result_options(template: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for row in result_rows(template):
        options[row.label] = row.key
        options[row.name] = row.key
        for alias in row.aliases:
            options[alias] = row.key
        if row.group and row.group.startswith("（"):
            options[f"{row.group}·{row.label}"] = row.key
            options[f"{row.group}{row.label}"] = row.key
    return options


@dataclass
class _Parsers:
    template: str
    channel: Callable[[Any], str | None]
    applicant: Callable[[Any], str | None]
    result: Callable[[Any], str | None]
    kind: Callable[[Any], str | None]
    outcome: Callable[[Any], str | None]
    other_results: dict[str, str]  # folded result labels of the other template → its name

    @classmethod
    def for_template(cls, template: str) -> _Parsers:
        channels = {c.value: c.value for c in Channel} | {alias: c.value for alias, c in CHANNEL_ALIASES.items()}
        applicants = {label: key for key, label in applicant_labels().items()}
        applicants |= {f"{formats.ORGANISATIONS_HEADER}·{label}": key for key, label in applicant_labels().items() if key != formats.APPLICANT_COLUMN_KEYS[0]}
        kinds = {label: key for key, label in case_kind_labels().items()} | {b.label: b.key for b in formats.REVIEW_BLOCKS}
        outcomes = {label: key for key, label in case_outcome_labels().items()}
        outcomes |= {label.removeprefix("结果").removesuffix("结果"): key for label, key in list(outcomes.items())}
        other = next(t for t in formats.NUMERIC_TEMPLATES if t != template)
        mine = set(_result_options(template).values())
        return cls(
            template,
            _lookup(channels, "收到方式", [c.value for c in Channel]),
            _lookup(applicants, "申请人类型", applicant_labels().values()),
            _lookup(_result_options(template), "办理结果", [result_label(r.key) for r in result_rows(template)]),
            _lookup(kinds, "案件类型", case_kind_labels().values()),
            _lookup(outcomes, "审理结果", case_outcome_labels().values()),
            {_fold(text): template_name(other) for text, key in _result_options(other).items() if key not in mine},
        )

    def parse(self, kind: str, value: Any) -> Any:
        if kind == "text":
            return _text(value)
        if kind == "date":
            return parse_date(value)
        if kind == "channel":
            key = self.channel(value)
            return Channel(key) if key else None
        if kind == "result":
            try:
                return self.result(value)
            except _BadCell:
                other = self.other_results.get(_fold(_text(value)))
                if other:
                    raise _BadCell(
                        f"“{_text(value)}”是{other}格式的办理结果，本台账用{template_name(self.template)}格式，请从下拉列表中重选"
                    ) from None
                raise
        parser: Callable[[Any], str | None] = getattr(self, kind)
        return parser(value)


def _header_map(header: Sequence[Any], columns: Sequence[LedgerColumn], sheet: str, problems: list[Problem]) -> dict[str, int] | None:
    """Column attribute → 0-based index, by header text; None (with problems) when a required header is absent."""
    positions = {_fold(_text(h)): i for i, h in enumerate(header) if _text(h)}
    found: dict[str, int] = {}
    missing = []
    for column in columns:
        index = positions.get(_fold(column.header))
        if index is None:
            if column.required:
                missing.append(column.header)
        else:
            found[column.attribute] = index
    if missing:
        problems.append(Problem(sheet, 1, None, f"缺少“{'”“'.join(missing)}”列（表头应在第1行）"))
        return None
    return found


def _rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, tuple(values)


def _is_blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _read_entries(
    ws: Any, sheet: str, columns: Sequence[LedgerColumn], parsers: _Parsers, problems: list[Problem]
) -> list[tuple[int, dict[str, Any]]]:
    """Each non-blank row below the header as attribute → parsed value (bad cells become problems)."""
    rows = _rows(ws)
    header = next(rows, None)
    if header is None:
        problems.append(Problem(sheet, None, None, "是空表，缺少表头"))
        return []
    positions = _header_map(header[1], columns, sheet, problems)
    if positions is None:
        return []
    kinds = {c.attribute: (c.kind, c.header) for c in columns}
    entries: list[tuple[int, dict[str, Any]]] = []
    for number, values in rows:
        cells = {attribute: values[index] if index < len(values) else None for attribute, index in positions.items()}
        if _is_blank(list(cells.values())):
            continue
        parsed: dict[str, Any] = {}
        for attribute, value in cells.items():
            kind, header_text = kinds[attribute]
            try:
                parsed[attribute] = parsers.parse(kind, value)
            except _BadCell as error:
                problems.append(Problem(sheet, number, header_text, str(error)))
        if not parsed.get("number") and "number" in parsed:
            problems.append(Problem(sheet, number, "编号", "编号为空：每一行都要有编号"))
        entries.append((number, parsed))
    return entries


def _requests(entries: list[tuple[int, dict[str, Any]]], sheet: str) -> list[Request]:
    names = {f.name for f in fields(Request)}
    return [Request(**{k: v for k, v in values.items() if k in names}, place=Place(sheet, row)) for row, values in entries]


def _read_info(workbook: Any, found: list[Problem]) -> tuple[str, int, str] | None:
    problems: list[Problem] = []
    info = _info_values(workbook, problems)
    found.extend(problems)
    return info


def _info_values(workbook: Any, problems: list[Problem]) -> tuple[str, int, str] | None:
    if SHEET_INFO not in workbook.sheetnames:
        problems.append(Problem(SHEET_INFO, None, None, "找不到这张表：这不是 gongkai ledger init 生成的台账"))
        return None
    values: dict[str, tuple[int, Any]] = {}
    labels = {label: key for key, label in INFO_LABELS.items()}
    for number, row in _rows(workbook[SHEET_INFO]):
        if len(row) >= 2 and _text(row[0]) in labels:
            values[labels[_text(row[0])]] = (number, row[1])
    for key in ("agency", "year", "template"):
        if key not in values:
            problems.append(Problem(SHEET_INFO, None, None, f"缺少“{INFO_LABELS[key]}”一行"))
    if problems:
        return None
    agency = _text(values["agency"][1])
    if not agency:
        problems.append(Problem(SHEET_INFO, values["agency"][0], "B", "机关名称为空"))
    year_text = _text(values["year"][1])
    year = int(year_text) if year_text.isdigit() else 0
    if not 2019 <= year <= 2100:
        problems.append(Problem(SHEET_INFO, values["year"][0], "B", f"年度“{year_text}”无效，应为2019年及以后的四位年份"))
    template = _text(values["template"][1])
    if template not in formats.NUMERIC_TEMPLATES:
        problems.append(Problem(SHEET_INFO, values["template"][0], "B", f"报告格式“{template}”无效，应为 {'或'.join(formats.NUMERIC_TEMPLATES)}"))
    return None if problems else (agency, year, template)


def _number(value: Any, decimal: bool, signed: bool) -> Value:
    if value is None or (isinstance(value, str) and value.strip() in _BLANK_TEXT):
        return None
    if isinstance(value, bool):
        raise _BadCell(f"“{value}”不是数字")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            value = float(text) if decimal or "." in text else int(text)
        except ValueError:
            raise _BadCell(f"“{value.strip()}”不是数字") from None
    if not isinstance(value, (int, float)):
        raise _BadCell(f"“{_text(value)}”不是数字")
    if not decimal:
        if float(value) != int(value):
            raise _BadCell(f"{_text(value)}不是整数：件数只能是整数")
        value = int(value)
    if value < 0 and not signed:
        raise _BadCell(f"{_text(value)}是负数：此项不能小于0")
    return int(value) if not decimal else float(value) if isinstance(value, float) else int(value)


def _read_active(ws: Any, template: str, problems: list[Problem]) -> dict[str, dict[str, Value]]:
    expected: dict[tuple[str, str], tuple[formats.ActiveRow, formats.Column]] = {
        (_fold(row.label), _fold(field_.label)): (row, field_) for row in formats.active_rows(template) for field_ in row.fields
    }
    out: dict[str, dict[str, Value]] = {row.key: {f.key: None for f in row.fields} for row in formats.active_rows(template)}
    rows = _rows(ws)
    header = next(rows, None)
    columns = {_fold(_text(h)): i for i, h in enumerate(header[1])} if header else {}
    if not all(_fold(name) in columns for name in ACTIVE_HEADERS[1:4]):
        problems.append(Problem(SHEET_ACTIVE, 1, None, f"表头应为“{'”“'.join(ACTIVE_HEADERS[:4])}”"))
        return out
    label_at, field_at, value_at = (columns[_fold(name)] for name in ACTIVE_HEADERS[1:4])
    seen: set[tuple[str, str]] = set()
    for number, values in rows:
        def cell(index: int, values: tuple[Any, ...] = values) -> Any:
            return values[index] if index < len(values) else None

        if _is_blank(values):
            continue
        pair = (_fold(_text(cell(label_at))), _fold(_text(cell(field_at))))
        if pair not in expected:
            problems.append(Problem(SHEET_ACTIVE, number, "统计项", f"“{_text(cell(label_at))}·{_text(cell(field_at))}”不是{template_name(template)}格式表二的项目"))
            continue
        row, field_ = expected[pair]
        seen.add(pair)
        try:
            out[row.key][field_.key] = _number(cell(value_at), field_.key in row.decimal, field_.key in row.signed)
        except _BadCell as error:
            problems.append(Problem(SHEET_ACTIVE, number, "数值", f"{row.label}·{field_.label}：{error}"))
    for pair, (row, field_) in expected.items():
        if pair not in seen:
            problems.append(Problem(SHEET_ACTIVE, None, None, f"缺少“{row.label}·{field_.label}”一行"))
    return out


def _check_years(ledger: Ledger, problems: list[Problem]) -> None:
    """Requests in the sheet of their year, cases of this year, numbers unique."""
    first_day, last_day = date(ledger.year, 1, 1), ledger.year_end
    for request in ledger.requests:
        if request.received and not first_day <= request.received <= last_day:
            where = "上一年度" if request.received < first_day else "下一年度"
            advice = "以前年度收到、年初仍未办结的申请请登记在“上年结转”表" if request.received < first_day else "请登记在下一年度的台账"
            problems.append(Problem(SHEET_REQUESTS, request.place.row, "收到日期", f"{request.received.isoformat()}属于{where}，不是{ledger.year}年收到的申请：{advice}"))
    for request in ledger.carried_over:
        if request.received and request.received >= first_day:
            problems.append(Problem(SHEET_CARRIED, request.place.row, "收到日期", f"{request.received.isoformat()}是{ledger.year}年收到的，应登记在“申请登记”表"))
        if request.answered and request.answered < first_day:
            problems.append(Problem(SHEET_CARRIED, request.place.row, "答复日期", f"{request.answered.isoformat()}已在{ledger.year - 1}年答复，不是结转到{ledger.year}年的申请，请删除这一行"))
    seen: dict[str, Place] = {}
    for request in ledger.all_requests():
        if not request.number:
            continue
        if request.number in seen:
            problems.append(Problem(request.place.sheet, request.place.row, "编号", f"编号“{request.number}”与{seen[request.number]}重复"))
        else:
            seen[request.number] = request.place
    case_numbers: dict[str, Place] = {}
    for case in ledger.cases:
        if case.filed and case.filed > last_day:
            problems.append(Problem(SHEET_CASES, case.place.row, "申请或起诉日期", f"{case.filed.isoformat()}属于下一年度，请登记在下一年度的台账"))
        if case.number and case.number in case_numbers:
            problems.append(Problem(SHEET_CASES, case.place.row, "编号", f"编号“{case.number}”与{case_numbers[case.number]}重复"))
        case_numbers.setdefault(case.number, case.place)


def read_ledger(path: str | Path) -> Ledger:
    """The ledger of a workbook written by `init_ledger` and filled by a clerk.

    Raises `LedgerError` listing every bad cell (sheet, row, column, and why in Chinese); never
    another exception for a bad file."""
    target = Path(path)
    name = path_text(target)
    if not target.is_file():
        raise LedgerError(f"台账文件 {name} 不存在" if not target.exists() else f"{name} 不是文件")
    try:
        content = target.read_bytes()
        workbook = load_workbook(target, read_only=True, data_only=True)
    except OSError as error:
        raise LedgerError(f"无法读取台账文件 {name}：{error.strerror or error}") from error
    except Exception as error:  # openpyxl fails on a bad file with any of a dozen exception types
        raise LedgerError(f"无法打开台账文件 {name}：不是 Excel 工作簿（.xlsx），或文件已损坏（{type(error).__name__}）") from error
    try:
        return _read_workbook(workbook, name, hashlib.sha256(content).hexdigest())
    finally:
        workbook.close()


def _read_workbook(workbook: Any, name: str, sha256: str) -> Ledger:
    problems: list[Problem] = []
    info = _read_info(workbook, problems)
    missing = [s for s in (SHEET_REQUESTS, SHEET_ACTIVE, SHEET_CASES, SHEET_CARRIED) if s not in workbook.sheetnames]
    for sheet in missing:
        problems.append(Problem(sheet, None, None, "找不到这张表"))
    if info is None or missing:
        raise LedgerError(problems)
    agency, year, template = info
    parsers = _Parsers.for_template(template)
    requests = _requests(_read_entries(workbook[SHEET_REQUESTS], SHEET_REQUESTS, REQUEST_COLUMNS, parsers, problems), SHEET_REQUESTS)
    carried = _requests(_read_entries(workbook[SHEET_CARRIED], SHEET_CARRIED, REQUEST_COLUMNS, parsers, problems), SHEET_CARRIED)
    active = _read_active(workbook[SHEET_ACTIVE], template, problems)
    case_fields = {f.name for f in fields(Case)}
    cases = [
        Case(**{**{k: v for k, v in values.items() if k in case_fields}, "kind": values.get("kind") or ""}, place=Place(SHEET_CASES, row))
        for row, values in _read_entries(workbook[SHEET_CASES], SHEET_CASES, CASE_COLUMNS, parsers, problems)
    ]
    for case in cases:
        if not case.kind:
            problems.append(Problem(SHEET_CASES, case.place.row, "案件类型", f"未填案件类型，应为：{'、'.join(case_kind_labels().values())}"))
    ledger = Ledger(agency, year, template, requests, carried, active, cases, name, sha256)
    _check_years(ledger, problems)
    if problems:
        raise LedgerError(problems)
    return ledger


# ---------------------------------------------------------------- 上年结转 from last year's ledger


def import_carried_over(path: str | Path, last_year: str | Path | Ledger) -> int:
    """Append to the 上年结转 sheet of the ledger at `path` last year's 结转下年度 requests (those
    not answered by 31 December, `tabulate.carried_forward_requests`) that it does not list yet
    (by 编号). Returns how many were added; rows already there (perhaps updated by the clerk)
    are kept, so importing twice adds nothing."""
    from .tabulate import carried_forward_requests  # tabulate does not depend on the workbook

    previous = last_year if isinstance(last_year, Ledger) else read_ledger(last_year)
    current = read_ledger(path)
    if previous.year != current.year - 1:
        raise LedgerError(f"上年台账是{previous.year}年度的，本台账是{current.year}年度，应导入{current.year - 1}年度的台账")
    present = {r.number for r in current.all_requests()}
    new = [fit_template(r, current.template) for r in carried_forward_requests(previous) if r.number not in present]
    if not new:
        return 0
    workbook = load_workbook(Path(path))
    ws = workbook[SHEET_CARRIED]
    positions = _header_map([c.value for c in ws[1]], REQUEST_COLUMNS, SHEET_CARRIED, [])
    assert positions is not None  # read_ledger has just found every header
    row = max((r.place.row for r in current.carried_over), default=1) + 1
    for request in new:
        for column, value in zip(REQUEST_COLUMNS, request_cells(request)):
            if value is not None and column.attribute in positions:
                _put(ws.cell(row, positions[column.attribute] + 1), value)
        row += 1
    try:
        workbook.save(Path(path))
    except OSError as error:
        raise LedgerError(f"无法写入 {path_text(Path(path))}：{error.strerror or error}") from error
    return len(new)


# ---------------------------------------------------------------- the checked copy

CHECK_COLUMNS = ("视为收到日", "补正告知期限", "答复期限", "期限状态", "工作日", "期限说明")
LATE_FILL = PatternFill("solid", fgColor="F8CBAD")  # late or overdue
DATA_FILL = PatternFill("solid", fgColor="FFE699")  # missing or contradictory data, a procedural note
SOON_FILL = PatternFill("solid", fgColor="FFF2CC")  # due within SOON_WORKDAYS
SOON_WORKDAYS = 5
_FILLS = {Status.ANSWERED_LATE: LATE_FILL, Status.OVERDUE: LATE_FILL, Status.MISSING_DATA: DATA_FILL, Status.DATA_ERROR: DATA_FILL,
          Status.CALENDAR_UNKNOWN: DATA_FILL}  # fmt: skip


def _fill_for(deadline: Deadline) -> PatternFill | None:
    if deadline.status in _FILLS:
        return _FILLS[deadline.status]
    if deadline.notes:
        return DATA_FILL
    if deadline.status == Status.DUE and deadline.workdays is not None and deadline.workdays <= SOON_WORKDAYS:
        return SOON_FILL
    return None


def write_checked_copy(source: str | Path, deadlines: Sequence[Deadline], out: str | Path, today: date) -> int:
    """The ledger copied to `out` with the deadline columns added to 申请登记 and 上年结转, late
    and overdue rows filled red, rows with missing data or procedural notes yellow, rows due
    within 5 working days pale yellow. Returns the number of rows that need attention."""
    workbook = load_workbook(Path(source))
    by_place = {(d.request.place.sheet, d.request.place.row): d for d in deadlines}
    attention = 0
    for sheet in (SHEET_REQUESTS, SHEET_CARRIED):
        ws = workbook[sheet]
        header = [_text(c.value) for c in ws[1]]
        width = len(header)
        while width and not header[width - 1]:
            width -= 1
        start = header.index(CHECK_COLUMNS[0]) + 1 if CHECK_COLUMNS[0] in header else width + 1
        for offset, title in enumerate(CHECK_COLUMNS):
            cell = ws.cell(1, start + offset)
            _put(cell, title)
            cell.font = HEADER_FONT
            cell.fill = PatternFill("solid", fgColor="E2EFDA")
            ws.column_dimensions[get_column_letter(start + offset)].width = 60 if title == "期限说明" else 12
        ws.cell(1, start + 3).comment = Comment(
            f"截至{today.isoformat()}。红色：逾期；黄色：缺少数据、日期矛盾或有程序问题；浅黄：{SOON_WORKDAYS}个工作日内到期。由 gongkai ledger check 生成。",
            "gongkai",
            width=260,
            height=100,
        )
        for row in range(2, ws.max_row + 1):
            deadline = by_place.get((sheet, row))
            if deadline is None:
                continue
            values: tuple[Any, ...] = (
                deadline.received,
                deadline.correction_due,
                deadline.answer_due,
                deadline.label,
                deadline.workdays,
                "；".join((deadline.explanation, *deadline.notes)),
            )
            for offset, value in enumerate(values):
                cell = ws.cell(row, start + offset)
                if value is not None:
                    _put(cell, value)
            fill = _fill_for(deadline)
            if fill is not None:
                for column in range(1, start + len(CHECK_COLUMNS)):
                    target = ws.cell(row, column)
                    if isinstance(target, Cell):
                        target.fill = fill
            if deadline.needs_attention:
                attention += 1
    workbook.save(Path(out))
    return attention
