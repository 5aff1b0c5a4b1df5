"""Tables 二, 三 and 四 of the annual report from a ledger, balanced by construction.

Table 三 counts requests, never adds up numbers typed by hand: every request is one count in
its applicant column of exactly one of 一、本年新收 (申请登记) or 二、上年结转 (上年结转), and
one count in exactly one of the result rows (answered by 31 December: its 办理结果, 部分公开
only once as the format asks) or 四、结转下年度继续办理 (not answered by 31 December). So
「第一项加第二项之和，等于第三项加第四项之和」 holds in every column, and the 总计 column and
（七）总计 row are sums of what was counted. The requests counted in 结转下年度 are the ones
`carried_forward_requests` hands to next year's ledger as its 上年结转, so next year's 二 equals
this year's 四 column by column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from .. import formats
from ..arithmetic import request_equations, review_equations
from ..model import CellNote, Record, Source, Value
from .entries import SHEET_CARRIED, Case, Ledger, LedgerError, Place, Problem, Request, applicant_labels, result_label, result_rows, template_name

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Table 三 in printed order (both templates): 一、本年新收 and 二、上年结转 first, the result rows,
# then （七）总计 and 四、结转下年度继续办理 last.
NEW_RECEIVED, CARRIED_OVER = formats.REQUEST_ROWS_2021[0].key, formats.REQUEST_ROWS_2021[1].key
TOTAL_PROCESSED, CARRIED_FORWARD = formats.REQUEST_ROWS_2021[-2].key, formats.REQUEST_ROWS_2021[-1].key
# Table 四: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
PENDING, REVIEW_TOTAL = formats.REVIEW_FIELDS[-2].key, formats.REVIEW_FIELDS[-1].key


def tabulation_problems(ledger: Ledger) -> list[Problem]:
    """What keeps a ledger from being counted: each request needs its applicant type, and a
    request answered this year needs its result (and a result needs its answer date)."""
    problems: list[Problem] = []
    results = {r.key for r in result_rows(ledger.template)}
    applicants = set(applicant_labels())
    for request in ledger.all_requests():
        sheet, row = request.place.sheet, request.place.row or None
        if request.applicant is None:
            problems.append(Problem(sheet, row, "申请人类型", "未填申请人类型：表三按申请人类型分列计数"))
        elif request.applicant not in applicants:
            problems.append(Problem(sheet, row, "申请人类型", f"“{request.applicant}”不是表三的申请人类型"))
        if request.result is not None and request.result not in results:
            problems.append(Problem(sheet, row, "办理结果", f"“{request.result}”不是{template_name(ledger.template)}格式表三的办理结果"))
        if request.answered_by(ledger.year_end) and request.result is None:
            assert request.answered is not None
            problems.append(Problem(sheet, row, "办理结果", f"已于{request.answered.isoformat()}答复，但未填办理结果：表三须把它计入一项办理结果"))
        if request.result is not None and request.answered is None:
            problems.append(Problem(sheet, row, "答复日期", f"已填办理结果“{result_label(request.result)}”，但未填答复日期：无法判断本年办结还是结转下年度"))
    blocks = {b.key for b in formats.REVIEW_BLOCKS}
    outcomes = {f.key for f in formats.REVIEW_FIELDS if f.key != REVIEW_TOTAL}
    for case in ledger.cases:
        if case.kind not in blocks:
            problems.append(Problem(case.place.sheet, case.place.row or None, "案件类型", f"“{case.kind}”不是表四的案件类型"))
        if case.outcome is not None and case.outcome not in outcomes:
            problems.append(Problem(case.place.sheet, case.place.row or None, "审理结果", f"“{case.outcome}”不是表四的审理结果"))
    return problems


def request_counts(ledger: Ledger) -> dict[str, list[int]]:
    """Table 三 as counts: row key → the six applicant columns and 总计 (in formats' column order)."""
    rows = formats.request_rows(ledger.template)
    column_of = {key: index for index, key in enumerate(formats.APPLICANT_COLUMN_KEYS)}
    counts = {row.key: [0] * len(formats.APPLICANT_COLUMN_KEYS) for row in rows}
    year_end = ledger.year_end
    for sheet_row, requests in ((NEW_RECEIVED, ledger.requests), (CARRIED_OVER, ledger.carried_over)):
        for request in requests:
            column = column_of[request.applicant or ""]
            counts[sheet_row][column] += 1
            # answered by 31 December: one result row; otherwise 结转下年度 — never both
            outcome = request.result if request.answered_by(year_end) and request.result else CARRIED_FORWARD
            counts[outcome][column] += 1
    result_keys = formats.result_row_keys(rows)
    counts[TOTAL_PROCESSED] = [sum(counts[key][c] for key in result_keys) for c in range(len(column_of))]
    return {key: values + [sum(values)] for key, values in counts.items()}


def review_counts(cases: Sequence[Case], year_end: date) -> dict[str, dict[str, Value]]:
    """Table 四: each case once in its block, by outcome; undecided (or decided after 31
    December) cases are 尚未审结; 总计 is the sum of the four outcomes."""
    table: dict[str, dict[str, Value]] = {b.key: {f.key: 0 for f in formats.REVIEW_FIELDS} for b in formats.REVIEW_BLOCKS}
    for case in cases:
        decided_in_year = case.outcome is not None and (case.closed is None or case.closed <= year_end)
        outcome = case.outcome if decided_in_year and case.outcome else PENDING
        block = table[case.kind]
        block[outcome] = int(block[outcome] or 0) + 1
    for block in table.values():
        block[REVIEW_TOTAL] = sum(int(v or 0) for k, v in block.items() if k != REVIEW_TOTAL)
    return table


def active_table(ledger: Ledger) -> tuple[dict[str, dict[str, Value]], list[str]]:
    """Table 二 as the ledger's 主动公开 sheet gives it, and the paths of the cells left blank
    (null in the record, as the report would print them blank: never silently 0)."""
    table: dict[str, dict[str, Value]] = {}
    blank: list[str] = []
    for row in formats.active_rows(ledger.template):
        given = ledger.active.get(row.key, {})
        table[row.key] = {}
        for field_ in row.fields:
            value = given.get(field_.key)
            table[row.key][field_.key] = value
            if value is None:
                blank.append(f"active.{row.key}.{field_.key}")
    return table, blank


def tabulate(ledger: Ledger) -> Record:
    """The report record of a ledger: agency, year, template and tables 二, 三, 四 (no sections,
    no findings). Raises `LedgerError` when a request cannot be counted (`tabulation_problems`)."""
    problems = tabulation_problems(ledger)
    if problems:
        raise LedgerError(problems)
    record = Record(Source(ledger.path, ledger.sha256, XLSX_MEDIA_TYPE, None), ledger.template, ledger.year, ledger.agency)
    record.requests = {"columns": list(formats.REQUEST_COLUMN_KEYS), "rows": dict(request_counts(ledger))}
    record.review_litigation = review_counts(ledger.cases, ledger.year_end)
    record.active, blank = active_table(ledger)
    record.notes.tables_found = {table.number: True for table in formats.TABLES}
    for path in blank:
        record.notes.cells[path] = CellNote("blank", "台账“主动公开”表未填")
    _verify(record)
    return record


def _verify(record: Record) -> None:
    """Every identity of `arithmetic` holds (a broken one is a bug here, not the clerk's error)."""
    rows = record.rows
    for equation in request_equations(formats.request_rows(record.template)):
        if not equation.holds(lambda ref: rows[ref[0]][formats.COLUMN_INDEX[ref[1]]]):
            raise AssertionError(f"tabulate broke {equation.kind} {equation.key}")
    for equation in review_equations():
        if not equation.holds(lambda ref: record.review_litigation[ref[0]][ref[1]]):
            raise AssertionError(f"tabulate broke {equation.kind} {equation.key}")


def carried_forward_requests(ledger: Ledger) -> list[Request]:
    """The requests counted in this year's 四、结转下年度继续办理: next year's 上年结转, placed in
    that sheet (an answer given after 31 December is kept with its result)."""
    return [replace(r, place=Place(SHEET_CARRIED)) for r in ledger.all_requests() if not r.answered_by(ledger.year_end)]


def carried_from_report(report: Record, year: int) -> list[Request]:
    """This year's 上年结转 as last year's published report counts it: one request per request in
    its 四、结转下年度继续办理 row, of the applicant type of its column, to be completed by the clerk
    (number and summary say where it came from; the dates, which the report does not give, are
    blank). Raises `LedgerError` when that row has a blank or unreadable cell: null is not zero."""
    if report.year != year - 1:
        raise LedgerError(f"数据库中的报告是{report.year}年度的，本台账为{year}年度，应导入{year - 1}年度的报告")
    row = report.rows.get(CARRIED_FORWARD)
    if row is None or any(value is None for value in row[: len(formats.APPLICANT_COLUMN_KEYS)]):
        raise LedgerError(f"{report.year}年度报告表三“结转下年度继续办理”一行有空白或无法读取的单元格，不能据此填入上年结转，请按上年台账逐件填写")
    out: list[Request] = []
    for column, value in zip(formats.APPLICANT_COLUMN_KEYS, row):
        for _ in range(int(value or 0)):
            out.append(
                Request(
                    f"{report.year}-结转{len(out) + 1:03d}",
                    applicant=column,
                    summary=f"（由{report.year}年度报告表三“结转下年度继续办理”导入，请补全收到日期等）",
                    place=Place(SHEET_CARRIED),
                )
            )
    return out
