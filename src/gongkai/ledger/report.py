"""What `gongkai ledger check` prints: every request's deadline and status, and whether the
ledger can be counted into table 三 (and what it then counts), as text or JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..files import shown
from ..model import Record
from .deadlines import STATUS_LABELS, Deadline, Status, check_ledger
from .entries import Ledger, LedgerError, Problem
from .tabulate import CARRIED_FORWARD, CARRIED_OVER, NEW_RECEIVED, TOTAL_PROCESSED, tabulate, tabulation_problems
from .workdays import WorkCalendar


@dataclass
class LedgerCheck:
    """A ledger checked on a day: the deadlines of its requests, and its tables (None, with the
    problems, when some request cannot be counted)."""

    ledger: Ledger
    today: date
    deadlines: list[Deadline]
    record: Record | None
    problems: list[Problem]

    @property
    def attention(self) -> int:
        """Requests a clerk must act on, plus the rows that keep the tables from being counted."""
        return sum(1 for d in self.deadlines if d.needs_attention) + len(self.problems)


def check(ledger: Ledger, today: date, calendar: WorkCalendar | None = None) -> LedgerCheck:
    deadlines = check_ledger(ledger, today, calendar)
    problems = tabulation_problems(ledger)
    record = None
    if not problems:
        try:
            record = tabulate(ledger)
        except LedgerError as error:  # tabulation_problems found nothing, so this is not expected
            problems = error.problems
    return LedgerCheck(ledger, today, deadlines, record, problems)


def status_counts(deadlines: Sequence[Deadline]) -> Counter[Status]:
    return Counter(d.status for d in deadlines)


def summary_line(deadlines: Sequence[Deadline]) -> str:
    counts = status_counts(deadlines)
    parts = [f"{STATUS_LABELS[s]}{counts[s]}件" for s in Status if counts[s]]
    noted = sum(1 for d in deadlines if d.notes)
    extra = f"；另有{noted}件有程序问题（见“注意”）" if noted else ""
    return f"共{len(deadlines)}件：{'，'.join(parts) if parts else '无申请'}{extra}。"


def _total(record: Record, row: str) -> int:
    value = record.rows[row][-1]
    return int(value or 0)


def tables_line(record: Record) -> str:
    """Table 三's 总计 column (and table 四's totals) as one sentence."""
    review = record.review_litigation
    lawsuits = sum(int(review[block]["total"] or 0) for block in list(review)[1:])
    return (
        f"表三（总计）：本年新收{_total(record, NEW_RECEIVED)}件，上年结转{_total(record, CARRIED_OVER)}件，"
        f"本年办结{_total(record, TOTAL_PROCESSED)}件，结转下年度{_total(record, CARRIED_FORWARD)}件；"
        f"表四：行政复议{int(next(iter(review.values()))['total'] or 0)}件，行政诉讼{lawsuits}件。"
    )


def _date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check_text(result: LedgerCheck) -> str:
    """One line per request (its place, number, due date and status in Chinese), then a summary,
    then table 三 or what keeps it from being counted."""
    ledger = result.ledger
    lines = [f"== {shown(ledger.agency)} {ledger.year}年度 政府信息公开申请台账（{shown(ledger.path)}），截至{_date_text(result.today)}"]
    for deadline in result.deadlines:
        request = deadline.request
        due = f"答复期限 {deadline.answer_due.isoformat()}" if deadline.answer_due else "答复期限 —"
        lines.append(f"{request.place} {shown(request.number)}  {due}  {shown(deadline.explanation)}")
        for note in deadline.notes:
            lines.append(f"    注意：{note}。")
    lines.append(summary_line(result.deadlines))
    if result.record is not None:
        lines.append(tables_line(result.record))
    else:
        lines.append(f"有{len(result.problems)}处使申请无法计入表三：")
        lines.extend(f"    {shown(str(p))}" for p in result.problems)
    return "\n".join(lines)


def check_json(result: LedgerCheck) -> str:
    ledger = result.ledger
    counts = status_counts(result.deadlines)
    payload: dict[str, Any] = {
        "agency": ledger.agency,
        "year": ledger.year,
        "template": ledger.template,
        "path": ledger.path,
        "today": result.today.isoformat(),
        "summary": {s.value: counts[s] for s in Status},
        "requests": [d.to_dict() for d in result.deadlines],
        "tables": None
        if result.record is None
        else {"requests": result.record.requests, "review_litigation": result.record.review_litigation, "active": result.record.active},
        "problems": [{"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message} for p in result.problems],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1)
