"""The request ledger: register every 政府信息公开申请 of the year, check its statutory deadlines,
and count tables 二, 三 and 四 of the annual report from it, balanced by construction.

The deadlines are those of 《中华人民共和国政府信息公开条例》 (国务院令第711号, in force since
15 May 2019), counted in working days of China's official calendar (`workdays`: public holidays
and the 调休 weekends worked in their place):

* 第三十一条 — the day a request counts as received: （一）当面提交, the day it is handed in;
  （二）邮寄, the day the agency signs for it, and for 平常信函 that need no signature, the day
  the agency confirms it with the applicant, which it must do on the day it arrives; （三）互联网
  or the office's 传真, the day both sides confirm it.
* 第三十条 — an unclear request: one 补正 notice within 7 working days of receipt; the answer
  period runs from the day the corrected request is received; no correction within the time
  given, without good reason, counts as withdrawing it (表三 （六）其他处理 1).
* 第三十三条 — an answer on the spot when possible, otherwise within 20 working days of receipt;
  with the approval of the head of the office, told to the applicant, at most 20 working days
  more (第二款). The time needed to consult a 第三方 or another agency does not count (第三款).
* 第三十二条 — a 第三方 whose rights may be harmed is consulted in writing and answers within 15
  working days; that consultation is the period 第三十三条第三款 leaves out.
* 国办函〔2020〕109号《政府信息公开信息处理费管理办法》 — the time from a fee notice to the
  payment does not count either; no payment in time counts as withdrawing (（六）其他处理 2).

A period 「自…之日起」 starts counting on the next day; a deadline falls on a working day. A
day in a year whose holidays no calendar knows is an error, never a plain weekday.

Modules: `workdays` (the calendar), `entries` (the typed ledger), `deadlines`, `workbook`
(the XLSX clerks fill in), `tabulate` (ledger → `gongkai.model.Record`), `report` (what
`gongkai ledger check` prints).
"""

from __future__ import annotations

from pathlib import Path

from ..model import Record
from .deadlines import Deadline, Status, assess, check_ledger
from .entries import Case, Channel, Ledger, LedgerError, Problem, Request
from .tabulate import carried_forward_requests, tabulate
from .workbook import import_carried_over, init_ledger, read_ledger, write_checked_copy, write_ledger
from .workdays import CalendarUnknownError, WorkCalendar, add_workdays, is_workday, workdays_between

__all__ = [
    "CalendarUnknownError",
    "Case",
    "Channel",
    "Deadline",
    "Ledger",
    "LedgerError",
    "Problem",
    "Request",
    "Status",
    "WorkCalendar",
    "add_workdays",
    "assess",
    "carried_forward_requests",
    "check_ledger",
    "import_carried_over",
    "init_ledger",
    "is_workday",
    "read_ledger",
    "record_from_ledger",
    "tabulate",
    "workdays_between",
    "write_checked_copy",
    "write_ledger",
]


def record_from_ledger(path: str | Path) -> Record:
    """Read a ledger workbook and count its tables (raises `LedgerError` with every bad cell)."""
    return tabulate(read_ledger(path))
