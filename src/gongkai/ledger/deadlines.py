"""The statutory deadlines of each request, and whether it was answered within them.

The rules, from 《中华人民共和国政府信息公开条例》 (see the package docstring for the text):

* the day a request counts as received depends on how it came (第三十一条): 当面 — the day it
  was handed in; 邮寄 — the day the agency signed for it; 平信 — the day the agency confirmed it
  with the applicant (which it must do on the day it arrives); 网络、传真 — the day both sides
  confirmed it. The ledger's 确认日期 holds that confirmation; when it is blank, 收到日期 is
  used (the law asks for the confirmation on the day of receipt);
* a request that is unclear must be sent one 补正 notice within 7 working days of receipt, and
  the answer period then runs from the day the corrected request arrives (第三十条);
* the answer is due within 20 working days (第三十三条第二款), 20 more when the head of the
  office approved an extension (approved, and so told, within the first 20);
* the time of a 第三方 consultation (第三十二条, 第三十三条第三款) and the time from a fee notice
  to the payment (国办函〔2020〕109号) do not count. Both ends of such a period are excluded.

Every count is of working days (`workdays`: 调休 included), starting the day after the day the
period starts from, as 「自…之日起」 periods are counted. Whether an answer was in time needs the
calendar only up to the answer date (or up to today), so a request answered in December is
judged even before next year's holidays are published; only the due date itself may then be
unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from .. import formats
from .entries import Channel, Ledger, Request, result_label
from .workdays import CalendarUnknownError, WorkCalendar, default_calendar

ANSWER_WORKDAYS = 20  # 第三十三条第二款
EXTENSION_WORKDAYS = 20  # 第三十三条第二款: 延长的期限最长不得超过20个工作日
CORRECTION_NOTICE_WORKDAYS = 7  # 第三十条

# The result rows that close a request because the applicant did not act (其他处理): the 2021
# format names them; the 2019 format has one （六）其他处理 row for both.
_NO_CORRECTION, _NO_FEE, _ = formats.OTHER_2021_KEYS
CLOSED_WITHOUT_CORRECTION = frozenset({_NO_CORRECTION, formats.ROW_OTHER_HANDLING.key})
CLOSED_WITHOUT_PAYMENT = frozenset({_NO_FEE, formats.ROW_OTHER_HANDLING.key})


class Status(StrEnum):
    ANSWERED_IN_TIME = "answered_in_time"
    ANSWERED_LATE = "answered_late"
    DUE = "due"
    OVERDUE = "overdue"
    PAUSED = "paused"  # the clock stands still: waiting for 补正, a 第三方, or a payment
    CLOSED = "closed"  # 视为放弃申请: no 补正 or no payment, the agency stopped processing
    MISSING_DATA = "missing_data"
    DATA_ERROR = "data_error"  # dates that contradict each other
    CALENDAR_UNKNOWN = "calendar_unknown"


STATUS_LABELS: dict[Status, str] = {
    Status.ANSWERED_IN_TIME: "按期答复",
    Status.ANSWERED_LATE: "逾期答复",
    Status.DUE: "办理中",
    Status.OVERDUE: "已逾期未答复",
    Status.PAUSED: "期限中止",
    Status.CLOSED: "视为放弃申请",
    Status.MISSING_DATA: "缺少数据",
    Status.DATA_ERROR: "日期矛盾",
    Status.CALENDAR_UNKNOWN: "日历未知",
}
# Statuses a clerk must act on (the command's exit code and the highlighted rows).
PROBLEM_STATUSES = frozenset({Status.ANSWERED_LATE, Status.OVERDUE, Status.MISSING_DATA, Status.DATA_ERROR, Status.CALENDAR_UNKNOWN})


@dataclass(frozen=True)
class Deadline:
    """The deadlines of one request and its status on a given day."""

    request: Request
    status: Status
    explanation: str  # Chinese, naming the articles
    received: date | None = None  # the day it counts as received (第三十一条)
    correction_due: date | None = None  # last day for a 补正 notice (第三十条)
    clock_start: date | None = None  # the answer period runs from the day after this
    excluded_workdays: int = 0  # working days of 第三方 consultation and fee periods
    extended: bool = False
    answer_due: date | None = None  # None: not computable (missing data, or beyond the calendar)
    workdays: int | None = None  # late by (answered_late, overdue) or left (due)
    fields: tuple[str, ...] = ()  # the missing or contradictory columns
    notes: tuple[str, ...] = ()  # other irregularities (a late 补正 notice, an extension too late)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def needs_attention(self) -> bool:
        return self.status in PROBLEM_STATUSES or bool(self.notes)

    def to_dict(self) -> dict[str, Any]:
        request = self.request
        return {
            "number": request.number,
            "sheet": request.place.sheet,
            "row": request.place.row or None,
            "channel": request.channel.value if request.channel else None,
            "applicant": request.applicant,
            "result": request.result,
            "received": _iso(self.received),
            "correction_due": _iso(self.correction_due),
            "clock_start": _iso(self.clock_start),
            "excluded_workdays": self.excluded_workdays,
            "extended": self.extended,
            "answer_due": _iso(self.answer_due),
            "answered": _iso(request.answered),
            "status": self.status.value,
            "status_label": self.label,
            "workdays": self.workdays,
            "fields": list(self.fields),
            "notes": list(self.notes),
            "explanation": self.explanation,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _cn(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "（未知）"


# ---------------------------------------------------------------- the answer clock


class _Clock:
    """The answer period: working days after `start`, less the days of the excluded periods."""

    def __init__(self, calendar: WorkCalendar, start: date, excluded: Iterable[tuple[date, date]]) -> None:
        self.calendar = calendar
        self.start = start
        first_counted = start + timedelta(days=1)
        clipped = sorted((max(s, first_counted), e) for s, e in excluded if e >= first_counted)
        merged: list[tuple[date, date]] = []
        for s, e in clipped:  # overlapping periods exclude their days once
            if merged and s <= merged[-1][1] + timedelta(days=1):
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        self.excluded = merged

    def counted(self, day: date) -> int:
        """Working days of the period in start+1 … day."""
        if day <= self.start:
            return 0
        total = self.calendar.workdays_between(self.start, day)
        for s, e in self.excluded:
            if s <= day:
                total -= self.calendar.count_workdays(s, min(e, day))
        return total

    def excluded_workdays(self, until: date | None = None) -> int:
        return sum(self.calendar.count_workdays(s, e if until is None else min(e, until)) for s, e in self.excluded)

    def _counts(self, day: date) -> bool:
        return day > self.start and self.calendar.is_workday(day) and not any(s <= day <= e for s, e in self.excluded)

    def within(self, day: date, limit: int) -> bool:
        """Whether `day` is on or before the `limit`-th counted working day (needs the calendar up to `day` only)."""
        counted = self.counted(day)
        return counted < limit or (counted == limit and self._counts(day))

    def late_by(self, day: date, limit: int) -> int:
        """Working days past the limit; a rest day just after the due date is late by 1."""
        return max(1, self.counted(day) - limit)

    def due(self, limit: int) -> date | None:
        """The `limit`-th counted working day (None when it falls in a year no calendar knows)."""
        try:
            current = self.calendar.add_workdays(self.start, limit)
            for s, e in self.excluded:
                if s > current:
                    break
                # every working day of a period that starts by the due date lies before it
                current = self.calendar.add_workdays(current, self.calendar.count_workdays(s, e))
        except CalendarUnknownError:
            return None
        return current


# ---------------------------------------------------------------- one request

_RECEIPT_RULES: dict[Channel, str] = {
    Channel.IN_PERSON: "当面提交，以提交之日为收到申请之日（条例第三十一条第（一）项）",
    Channel.MAIL: "邮寄提交，以本机关签收之日为收到申请之日（条例第三十一条第（二）项）",
    Channel.LETTER: "以平常信函提交，以收到当日与申请人确认之日为收到申请之日（条例第三十一条第（二）项）",
    Channel.ONLINE: "通过互联网提交，以双方确认之日为收到申请之日（条例第三十一条第（三）项）",
    Channel.FAX: "通过传真提交，以双方确认之日为收到申请之日（条例第三十一条第（三）项）",
}
_CONFIRMED_CHANNELS = (Channel.LETTER, Channel.ONLINE, Channel.FAX)


def counted_receipt(request: Request) -> tuple[date | None, str]:
    """The day the request counts as received (第三十一条) and the rule applied, in Chinese."""
    if request.channel is None or request.received is None:
        return None, ""
    rule = _RECEIPT_RULES[request.channel]
    if request.channel in _CONFIRMED_CHANNELS:
        if request.confirmed is not None:
            return request.confirmed, f"{rule}：{_cn(request.confirmed)}"
        return request.received, f"{rule}；未填确认日期，按收到日期{_cn(request.received)}计"
    return request.received, f"{rule}：{_cn(request.received)}"


def _missing_fields(request: Request) -> list[tuple[str, str]]:
    """(column, why it is needed) for every blank the deadlines cannot do without."""
    missing = []
    if request.channel is None:
        missing.append(("收到方式", "收到方式决定以哪一天为收到申请之日（条例第三十一条）"))
    if request.received is None:
        missing.append(("收到日期", "答复期限自收到申请之日起计算（条例第三十三条）"))
    if request.correction_received and not request.correction_notice:
        missing.append(("补正告知日", "填了补正收到日，也要填告知补正之日（条例第三十条）"))
    if request.third_party_end and not request.third_party_start:
        missing.append(("第三方征求意见起", "填了征求意见止，也要填起日，起止之间不计入答复期限（条例第三十三条第三款）"))
    if request.fee_paid and not request.fee_notice:
        missing.append(("收费通知日", "填了缴费日，也要填收费通知日，通知至缴费期间不计入答复期限"))
    return missing


def _contradictions(request: Request, received: date) -> list[tuple[str, str]]:
    """(column, Chinese sentence) for every pair of dates in an impossible order."""
    found: list[tuple[str, str]] = []

    def before(later: date | None, earlier: date | None, column: str, text: str) -> None:
        if later is not None and earlier is not None and later < earlier:
            found.append((column, f"{column}{_cn(later)}早于{text}{_cn(earlier)}"))

    before(request.confirmed, request.received, "确认日期", "收到日期")
    before(request.correction_notice, received, "补正告知日", "收到申请之日")
    before(request.correction_received, request.correction_notice, "补正收到日", "补正告知日")
    before(request.third_party_start, received, "第三方征求意见起", "收到申请之日")
    before(request.third_party_end, request.third_party_start, "第三方征求意见止", "第三方征求意见起")
    before(request.fee_notice, received, "收费通知日", "收到申请之日")
    before(request.fee_paid, request.fee_notice, "缴费日", "收费通知日")
    before(request.extension_approved, received, "延期批准日", "收到申请之日")
    before(request.answered, received, "答复日期", "收到申请之日")
    before(request.answered, request.correction_received, "答复日期", "补正收到日")
    return found


def assess(request: Request, today: date, calendar: WorkCalendar | None = None) -> Deadline:
    """The deadlines and status of one request on `today` (never raises for the request's data)."""
    calendar = calendar or default_calendar()
    try:
        return _assess(request, today, calendar)
    except CalendarUnknownError as error:
        return Deadline(request, Status.CALENDAR_UNKNOWN, f"{STATUS_LABELS[Status.CALENDAR_UNKNOWN]}：{error}")


def _assess(request: Request, today: date, calendar: WorkCalendar) -> Deadline:
    missing = _missing_fields(request)
    if missing:
        names = "、".join(f"“{column}”" for column, _ in missing)
        reasons = "；".join(reason for _, reason in missing)
        return Deadline(request, Status.MISSING_DATA, f"缺少数据：请填写{names}。{reasons}。", fields=tuple(column for column, _ in missing))
    received, receipt_rule = counted_receipt(request)
    assert received is not None  # channel and 收到日期 are present
    contradictions = _contradictions(request, received)
    if contradictions:
        return Deadline(
            request,
            Status.DATA_ERROR,
            "日期矛盾：" + "；".join(text for _, text in contradictions) + "。请核对台账。",
            received=received,
            fields=tuple(dict.fromkeys(column for column, _ in contradictions)),
        )
    notes: list[str] = []
    if request.confirmed is not None and request.channel not in _CONFIRMED_CHANNELS:
        notes.append("当面、邮寄提交以提交或签收之日为准，未使用“确认日期”")

    correction_due = _add_or_none(calendar, received, CORRECTION_NOTICE_WORKDAYS)
    if request.correction_notice is not None:
        notice_clock = _Clock(calendar, received, ())
        if not notice_clock.within(request.correction_notice, CORRECTION_NOTICE_WORKDAYS):
            late = notice_clock.late_by(request.correction_notice, CORRECTION_NOTICE_WORKDAYS)
            notes.append(
                f"补正告知晚了{late}个工作日：条例第三十条要求自收到申请之日起7个工作日内（{_cn(correction_due)}前）一次性告知补正，实际{_cn(request.correction_notice)}告知"
            )
    clock_start = request.correction_received or received
    start_text = (
        f"自收到补正之日{_cn(clock_start)}起重新计算（条例第三十条）" if request.correction_received else f"自收到申请之日{_cn(received)}起"
    )
    base = Deadline(request, Status.DUE, "", received=received, correction_due=correction_due, clock_start=clock_start)

    waits = _waiting(request)
    if waits:
        if request.answered is None:
            return replace(
                base,
                status=Status.PAUSED,
                explanation=f"期限中止：{'；'.join(w.waiting for w in waits)}。{receipt_rule}。",
                notes=tuple(notes),
            )
        unexplained = [w for w in waits if w.closed is None]
        if not unexplained:
            reason = "；".join(w.closed or "" for w in waits)
            return replace(
                base,
                status=Status.CLOSED,
                explanation=f"视为放弃申请：{reason}；{_cn(request.answered)}以“{result_label(request.result or '')}”办结，不适用答复期限。{receipt_rule}。",
                notes=tuple(notes),
            )
        fields = tuple(w.column for w in unexplained)
        return replace(
            base,
            status=Status.MISSING_DATA,
            explanation=f"缺少数据：已于{_cn(request.answered)}答复，但未填{'、'.join(f'“{f}”' for f in fields)}，无法计算不计入答复期限的时间。",
            fields=fields,
            notes=tuple(notes),
        )

    excluded = [(s, e) for s, e in ((request.third_party_start, request.third_party_end), (request.fee_notice, request.fee_paid)) if s and e]
    clock = _Clock(calendar, clock_start, excluded)
    limit = ANSWER_WORKDAYS
    first_due = clock.due(ANSWER_WORKDAYS)
    extended = False
    if request.extension_approved is not None:
        if clock.within(request.extension_approved, ANSWER_WORKDAYS):
            limit, extended = ANSWER_WORKDAYS + EXTENSION_WORKDAYS, True
        else:
            notes.append(
                f"延期批准日{_cn(request.extension_approved)}已过原答复期限{_cn(first_due)}：条例第三十三条第二款的延期须在原期限内批准并告知申请人，延期不计"
            )
    due = clock.due(limit)
    rule = f"答复期限{_cn(due)}：{start_text}20个工作日（条例第三十三条第二款）"
    if extended:
        rule += f"，{_cn(request.extension_approved)}经批准延长20个工作日"
    excluded_days = clock.excluded_workdays()
    if excluded_days:
        parts = []
        if request.third_party_start and request.third_party_end:
            parts.append(f"征求第三方意见{_cn(request.third_party_start)}至{_cn(request.third_party_end)}（条例第三十二条、第三十三条第三款）")
        if request.fee_notice and request.fee_paid:
            parts.append(f"收费通知至缴费{_cn(request.fee_notice)}至{_cn(request.fee_paid)}（国办函〔2020〕109号）")
        rule += f"，{'、'.join(parts)}共{excluded_days}个工作日不计入"
    if due is None:
        rule += "；期限日所在年份的放假安排尚未知，期限日暂无法确定"
    facts = f"{receipt_rule}；{rule}。"
    base = replace(base, excluded_workdays=excluded_days, extended=extended, answer_due=due, notes=tuple(notes))

    if request.answered is not None:
        if clock.within(request.answered, limit):
            return replace(base, status=Status.ANSWERED_IN_TIME, explanation=f"按期答复：{_cn(request.answered)}答复。{facts}")
        late = clock.late_by(request.answered, limit)
        return replace(
            base,
            status=Status.ANSWERED_LATE,
            explanation=f"逾期答复：{_cn(request.answered)}才答复，超过答复期限{late}个工作日。{facts}",
            workdays=late,
        )
    if clock.within(today, limit):
        left = limit - clock.counted(today)
        when = "今天到期" if left == 0 else f"还剩{left}个工作日"
        return replace(base, status=Status.DUE, explanation=f"办理中：截至{_cn(today)}{when}。{facts}", workdays=left)
    late = clock.late_by(today, limit)
    return replace(
        base,
        status=Status.OVERDUE,
        explanation=f"已逾期未答复：截至{_cn(today)}已超过答复期限{late}个工作日。{facts}",
        workdays=late,
    )


def _add_or_none(calendar: WorkCalendar, start: date, count: int) -> date | None:
    try:
        return calendar.add_workdays(start, count)
    except CalendarUnknownError:
        return None


@dataclass(frozen=True)
class _Wait:
    """A step the clock waits for: the column still blank, why the clock stands still, and —
    when the result says the applicant never acted — why no deadline applies any more."""

    column: str
    waiting: str
    closed: str | None


def _waiting(request: Request) -> list[_Wait]:
    waits: list[_Wait] = []
    if request.correction_notice and not request.correction_received:
        waits.append(
            _Wait(
                "补正收到日",
                f"已于{_cn(request.correction_notice)}告知补正，申请人尚未补正，答复期限自收到补正之日起计算（条例第三十条）",
                f"已于{_cn(request.correction_notice)}告知补正，申请人逾期未补正，视为放弃申请（条例第三十条）"
                if request.result in CLOSED_WITHOUT_CORRECTION
                else None,
            )
        )
    if request.third_party_start and not request.third_party_end:
        waits.append(
            _Wait(
                "第三方征求意见止",
                f"自{_cn(request.third_party_start)}征求第三方意见，所需时间不计入答复期限（条例第三十二条、第三十三条第三款）",
                None,
            )
        )
    if request.fee_notice and not request.fee_paid:
        waits.append(
            _Wait(
                "缴费日",
                f"已于{_cn(request.fee_notice)}发出收费通知，尚未缴费，通知至缴费期间不计入答复期限（国办函〔2020〕109号）",
                f"已于{_cn(request.fee_notice)}发出收费通知，申请人逾期未缴费，视为放弃申请（国办函〔2020〕109号）"
                if request.result in CLOSED_WITHOUT_PAYMENT
                else None,
            )
        )
    return waits


# ---------------------------------------------------------------- a ledger


def check_ledger(ledger: Ledger, today: date, calendar: WorkCalendar | None = None) -> list[Deadline]:
    """Every request of the ledger (carried-over ones first), assessed on `today`."""
    calendar = calendar or default_calendar()
    return [assess(request, today, calendar) for request in ledger.all_requests()]
