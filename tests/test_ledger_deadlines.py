"""Statutory deadlines of requests (gongkai.ledger.deadlines), worked out by hand from the law and
the official holiday schedules of 2024–2026.

Each case counts working days one by one from the State Council's notices (see
test_ledger_calendar.OFFICIAL): a period 「自…之日起」 starts counting the next day; 调休 weekend
days are working days; holidays are not. The comment of each case is that count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai import formats
from gongkai.ledger import Channel, Ledger, Request, Status, assess
from gongkai.ledger.report import check, check_json, check_text, summary_line
from gongkai.ledger.workdays import HOLIDAYS_FILE, WorkCalendar, default_calendar, read_holiday_file

FILE_ONLY = WorkCalendar(read_holiday_file(HOLIDAYS_FILE))  # 2024–2026 only: 2027 is unknown here
CALENDARS = {"package": default_calendar(), "file": FILE_ONLY}
NO_CORRECTION, NO_FEE, OTHER_MISC = formats.OTHER_2021_KEYS
GRANTED = formats.REQUEST_ROWS_2021[2].key  # （一）予以公开


@dataclass(frozen=True)
class Case:
    name: str
    request: Request
    today: date
    status: Status
    answer_due: date | None
    correction_due: date | None = None
    workdays: int | None = None
    excluded: int = 0


R = Request
CASES = [
    # 2024 Spring Festival. Received online Mon 2.5 (no 确认日期: 收到日期 counts). After 2.5: 2.6–2.9 (4; 除夕
    # 2.9 is a working day in 2024), 2.10–2.17 off, Sun 2.18 调休 (5), 2.19–23 (10), 2.26–3.1 (15), 3.4–8 (20).
    # 补正 notice: 2.6–2.9 (4), 2.18 (5), 2.19 (6), 2.20 (7). Answered 3.1: in time.
    Case("2024-spring-online", R("A1", Channel.ONLINE, date(2024, 2, 5), answered=date(2024, 3, 1), result=GRANTED),
         date(2024, 12, 31), Status.ANSWERED_IN_TIME, date(2024, 3, 8), date(2024, 2, 20)),
    # Same request answered Sat 3.9, the rest day right after the due Friday 3.8: late, counted as 1 working day.
    Case("2024-spring-answered-saturday", R("A2", Channel.ONLINE, date(2024, 2, 5), answered=date(2024, 3, 9), result=GRANTED),
         date(2024, 12, 31), Status.ANSWERED_LATE, date(2024, 3, 8), date(2024, 2, 20), 1),
    # Handed in Wed 2.7: 补正 notice by 2.8 (1), 2.9 (2), 2.18 (3), 2.19–22 (7) → 2.22. Answer: 2.8, 2.9 (2),
    # 2.18 (3), 2.19–23 (8), 2.26–3.1 (13), 3.4–8 (18), 3.11 (19), 3.12 (20). Unanswered on 3.5: 3.4–5 make 15, 5 left.
    Case("2024-spring-in-person-due", R("B", Channel.IN_PERSON, date(2024, 2, 7)),
         date(2024, 3, 5), Status.DUE, date(2024, 3, 12), date(2024, 2, 22), 5),
    # Signed for by mail Fri 9.27 before National Day: Sun 9.29 调休 (1), 9.30 (2), 10.1–7 off, 10.8–11 (6),
    # Sat 10.12 调休 (7 = the 补正 deadline, a Saturday), 10.14–18 (12), 10.21–25 (17), 10.28–30 (20).
    # Unanswered on Mon 11.4: 10.31 (21), 11.1 (22), 11.4 (23): overdue by 3.
    Case("2024-national-day-mail-overdue", R("C1", Channel.MAIL, date(2024, 9, 27)),
         date(2024, 11, 4), Status.OVERDUE, date(2024, 10, 30), date(2024, 10, 12), 3),
    # Same, looked at on Fri 10.25 (17 counted): 3 working days left.
    Case("2024-national-day-mail-due", R("C2", Channel.MAIL, date(2024, 9, 27)),
         date(2024, 10, 25), Status.DUE, date(2024, 10, 30), date(2024, 10, 12), 3),
    # Same, looked at on the due day 10.30 itself: 0 left ("今天到期"), still due.
    Case("2024-national-day-due-today", R("C3", Channel.MAIL, date(2024, 9, 27)),
         date(2024, 10, 30), Status.DUE, date(2024, 10, 30), date(2024, 10, 12), 0),
    # Extension approved 10.31, the day after the first 20 days ran out: too late to extend (note), due stays 10.30.
    Case("2024-extension-too-late", R("C4", Channel.MAIL, date(2024, 9, 27), extension_approved=date(2024, 10, 31), answered=date(2024, 11, 20), result=GRANTED),
         date(2024, 12, 31), Status.ANSWERED_LATE, date(2024, 10, 30), date(2024, 10, 12), 15),
    # 平信 arriving Fri 9.20, confirmed with the applicant Mon 9.23 (确认日期 counts); 补正 sent 9.25, corrected
    # request received Tue 10.8: the clock restarts then: 10.9–11 (3), Sat 10.12 调休 (4), 10.14–18 (9),
    # 10.21–25 (14), 10.28–31 (18), 11.1 (19), 11.4 (20). Answered 11.20: 11.5–8 (24), 11.11–15 (29), 11.18–20 (32): late by 12.
    Case("2024-letter-correction-restart", R("D", Channel.LETTER, date(2024, 9, 20), confirmed=date(2024, 9, 23), correction_notice=date(2024, 9, 25),
                                             correction_received=date(2024, 10, 8), answered=date(2024, 11, 20), result=GRANTED),
         date(2024, 12, 31), Status.ANSWERED_LATE, date(2024, 11, 4), date(2024, 10, 8), 12),
    # 2024 清明: handed in Wed 4.3; 4.4–6 off; Sun 4.7 调休 (1), 4.8–12 (6), 4.15 (7): 补正 due 4.15, sent 4.16 (late 1,
    # a note). Corrected 4.18: 4.19 (1), 4.22–26 (6), Sun 4.28 调休 (7), 4.29–30 (9), 5.1–5 off, 5.6–10 (14),
    # Sat 5.11 调休 (15), 5.13–17 (20). Answered 5.17: in time.
    Case("2024-qingming-late-correction-notice", R("E", Channel.IN_PERSON, date(2024, 4, 3), correction_notice=date(2024, 4, 16),
                                                   correction_received=date(2024, 4, 18), answered=date(2024, 5, 17), result=GRANTED),
         date(2024, 12, 31), Status.ANSWERED_IN_TIME, date(2024, 5, 17), date(2024, 4, 15)),
    # 2025 Spring Festival: submitted online Sat 1.25, confirmed Sun 1.26 (a 调休 working day, counted from the next
    # day): 1.27 (1), 1.28–2.4 off, 2.5–7 (4), Sat 2.8 调休 (5), 2.10–14 (10), 2.17–21 (15), 2.24–28 (20).
    # 补正: 1.27 (1), 2.5–7 (4), 2.8 (5), 2.10 (6), 2.11 (7).
    Case("2025-spring-online-confirmed", R("F", Channel.ONLINE, date(2025, 1, 25), confirmed=date(2025, 1, 26), answered=date(2025, 2, 28), result=GRANTED),
         date(2025, 12, 31), Status.ANSWERED_IN_TIME, date(2025, 2, 28), date(2025, 2, 11)),
    # 2025 劳动节: handed in Fri 4.25; 补正 sent Wed 4.30 (Sun 4.27 调休 (1), 4.28–30 (4): in time), corrected Tue 5.6:
    # 5.7–9 (3), 5.12–16 (8), 5.19–23 (13), 5.26–30 (18), 5.31–6.2 端午 off, 6.3 (19), 6.4 (20).
    Case("2025-labour-day-correction", R("G", Channel.IN_PERSON, date(2025, 4, 25), correction_notice=date(2025, 4, 30), correction_received=date(2025, 5, 6)),
         date(2025, 6, 4), Status.DUE, date(2025, 6, 4), date(2025, 5, 8), 0),
    # 2025 National Day + Mid-Autumn (10.1–8 off): handed in Mon 9.15; 9.16–19 (4), 9.22–26 (9), Sun 9.28 调休 (10),
    # 9.29–30 (12), 10.9–10 (14), Sat 10.11 调休 (15), 10.13–17 (20). Extension approved 10.9 (within): 20 more:
    # 10.20–24 (25), 10.27–31 (30), 11.3–7 (35), 11.10–14 (40). Answered 11.14: in time.
    Case("2025-national-day-extended", R("H", Channel.IN_PERSON, date(2025, 9, 15), extension_approved=date(2025, 10, 9), answered=date(2025, 11, 14), result=GRANTED),
         date(2025, 12, 31), Status.ANSWERED_IN_TIME, date(2025, 11, 14), date(2025, 9, 24)),
    # Same, answered Mon 11.17: one working day past the extended due date.
    Case("2025-national-day-extended-late", R("H2", Channel.IN_PERSON, date(2025, 9, 15), extension_approved=date(2025, 10, 9), answered=date(2025, 11, 17), result=GRANTED),
         date(2025, 12, 31), Status.ANSWERED_LATE, date(2025, 11, 14), date(2025, 9, 24), 1),
    # Fax confirmed Wed 2025-12-31, across 2026 元旦 and Spring Festival, with a 第三方 consultation 1.20–2.10.
    # 1.1–3 off, Sun 1.4 调休 (1), 1.5–9 (6), 1.12–16 (11), 1.19 (12); 1.20–2.10 excluded: 1.20–23, 1.26–30,
    # 2.2–6, 2.9–10 = 16 working days; then 2.11–13 (15), Sat 2.14 调休 (16), 2.15–23 off, 2.24–27 (20).
    # 补正: 1.4 (1), 1.5–9 (6), 1.12 (7).
    Case("2026-fax-third-party-spring", R("I", Channel.FAX, date(2025, 12, 31), confirmed=date(2025, 12, 31), third_party_start=date(2026, 1, 20),
                                          third_party_end=date(2026, 2, 10), answered=date(2026, 2, 27), result=GRANTED),
         date(2026, 12, 31), Status.ANSWERED_IN_TIME, date(2026, 2, 27), date(2026, 1, 12), None, 16),
    # 2026 Mid-Autumn + National Day by mail, signed Mon 9.14, fee notice Fri 9.18, paid Tue 9.29: 9.15–17 (3);
    # excluded 9.18, Sun 9.20 调休, 9.21–24, 9.28–29 = 8; 9.30 (4), 10.1–7 off, 10.8–9 (6), Sat 10.10 调休 (7),
    # 10.12–16 (12), 10.19–23 (17), 10.26–28 (20). Answered Mon 11.2: 10.29 (21), 10.30 (22), 11.2 (23): late by 3.
    # 补正 (no exclusion): 9.15–18 (4), 9.20 (5), 9.21–22 (7).
    Case("2026-mail-fee-national-day-late", R("J", Channel.MAIL, date(2026, 9, 14), fee_notice=date(2026, 9, 18), fee_paid=date(2026, 9, 29),
                                              answered=date(2026, 11, 2), result=GRANTED),
         date(2026, 12, 31), Status.ANSWERED_LATE, date(2026, 10, 28), date(2026, 9, 22), 3, 8),
    # Fee period and 第三方 period overlapping (9.18–9.29 and 9.24–10.9): their union 9.18–10.9 is excluded once:
    # 9.18, 9.20, 9.21–24, 9.28–30, 10.8–9 = 11; 9.15–17 (3), Sat 10.10 (4), 10.12–16 (9), 10.19–23 (14),
    # 10.26–30 (19), 11.2 (20).
    Case("2026-overlapping-exclusions", R("J2", Channel.MAIL, date(2026, 9, 14), fee_notice=date(2026, 9, 18), fee_paid=date(2026, 9, 29),
                                          third_party_start=date(2026, 9, 24), third_party_end=date(2026, 10, 9), answered=date(2026, 11, 2), result=GRANTED),
         date(2026, 12, 31), Status.ANSWERED_IN_TIME, date(2026, 11, 2), date(2026, 9, 22), None, 11),
    # 2026 Spring Festival: handed in Fri 2.13; Sat 2.14 调休 (1), 2.15–23 off, 2.24–27 (5), Sat 2.28 调休 (6),
    # 3.2 (7 = 补正 deadline), 3.3–6 (11), 3.9–13 (16), 3.16–19 (20).
    Case("2026-spring-two-saturdays", R("K", Channel.IN_PERSON, date(2026, 2, 13)),
         date(2026, 3, 19), Status.DUE, date(2026, 3, 19), date(2026, 3, 2), 0),
    # Received Mon 2026-12-21, answered 12.30: 12.22–25 (4), 12.28–30 (7): in time, although the due date lies
    # in 2027, whose holidays the project file does not know (with the file-only calendar it stays unknown).
    Case("2026-december-answered", R("L", Channel.IN_PERSON, date(2026, 12, 21), answered=date(2026, 12, 30), result=GRANTED),
         date(2026, 12, 31), Status.ANSWERED_IN_TIME, None, date(2026, 12, 30)),
]  # fmt: skip


@pytest.mark.parametrize("source", sorted(CALENDARS))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hand_worked_deadlines(case: Case, source: str) -> None:
    calendar = CALENDARS[source]
    found = assess(case.request, case.today, calendar)
    assert found.status == case.status, found.explanation
    if case.answer_due is None:
        if source == "file":
            assert found.answer_due is None
            assert "尚未知" in found.explanation
    else:
        assert found.answer_due == case.answer_due, found.explanation
    assert found.correction_due == case.correction_due
    assert found.workdays == case.workdays
    assert found.excluded_workdays == case.excluded


def test_explanations_name_the_articles() -> None:
    by_name = {c.name: assess(c.request, c.today, default_calendar()) for c in CASES}
    assert "第三十一条第（三）项" in by_name["2024-spring-online"].explanation
    assert "未填确认日期，按收到日期" in by_name["2024-spring-online"].explanation
    assert "第三十一条第（二）项" in by_name["2024-letter-correction-restart"].explanation
    assert "第三十条" in by_name["2024-letter-correction-restart"].explanation
    assert "第三十三条第二款" in by_name["2025-national-day-extended"].explanation
    assert "经批准延长20个工作日" in by_name["2025-national-day-extended"].explanation
    assert "第三十二条、第三十三条第三款" in by_name["2026-fax-third-party-spring"].explanation
    assert "109号" in by_name["2026-mail-fee-national-day-late"].explanation
    assert "逾期答复" in by_name["2026-mail-fee-national-day-late"].explanation
    late_notice = by_name["2024-qingming-late-correction-notice"]
    assert late_notice.notes and "补正告知晚了1个工作日" in late_notice.notes[0] and late_notice.needs_attention
    too_late = by_name["2024-extension-too-late"]
    assert not too_late.extended and "延期不计" in too_late.notes[0]
    assert "今天到期" in by_name["2024-national-day-due-today"].explanation


def test_unknown_calendar_for_an_open_request() -> None:
    request = R("M", Channel.IN_PERSON, date(2026, 12, 21))
    on_new_year = assess(request, date(2027, 1, 4), FILE_ONLY)
    assert on_new_year.status == Status.CALENDAR_UNKNOWN
    assert "2027年的放假和调休安排未知" in on_new_year.explanation
    in_december = assess(request, date(2026, 12, 31), FILE_ONLY)
    assert in_december.status == Status.DUE and in_december.workdays == 12  # 12.22–25, 12.28–31 counted
    assert in_december.answer_due is None


@pytest.mark.parametrize(
    ("request_", "fields"),
    [
        (R("N1", None, date(2024, 3, 1)), ("收到方式",)),
        (R("N2", Channel.MAIL, None), ("收到日期",)),
        (R("N3", None, None), ("收到方式", "收到日期")),
        (R("N4", Channel.MAIL, date(2024, 3, 1), correction_received=date(2024, 3, 8)), ("补正告知日",)),
        (R("N5", Channel.MAIL, date(2024, 3, 1), third_party_end=date(2024, 3, 8)), ("第三方征求意见起",)),
        (R("N6", Channel.MAIL, date(2024, 3, 1), fee_paid=date(2024, 3, 8)), ("收费通知日",)),
        # answered while the clock was stopped, with a result that does not explain it
        (R("N7", Channel.MAIL, date(2024, 3, 1), correction_notice=date(2024, 3, 4), answered=date(2024, 3, 20), result=GRANTED), ("补正收到日",)),
        (R("N8", Channel.MAIL, date(2024, 3, 1), third_party_start=date(2024, 3, 4), answered=date(2024, 3, 20), result=GRANTED), ("第三方征求意见止",)),
        (R("N9", Channel.MAIL, date(2024, 3, 1), fee_notice=date(2024, 3, 4), answered=date(2024, 3, 20), result=NO_CORRECTION), ("缴费日",)),
    ],
)
def test_missing_data_names_the_field(request_: Request, fields: tuple[str, ...]) -> None:
    found = assess(request_, date(2024, 12, 31))
    assert found.status == Status.MISSING_DATA
    assert found.fields == fields
    for name in fields:
        assert f"“{name}”" in found.explanation
    assert found.needs_attention


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (R("X1", Channel.ONLINE, date(2024, 3, 5), confirmed=date(2024, 3, 4)), "确认日期"),
        (R("X2", Channel.MAIL, date(2024, 3, 5), answered=date(2024, 3, 1), result=GRANTED), "答复日期"),
        (R("X3", Channel.MAIL, date(2024, 3, 5), correction_notice=date(2024, 3, 6), correction_received=date(2024, 3, 5)), "补正收到日"),
        (R("X4", Channel.MAIL, date(2024, 3, 5), third_party_start=date(2024, 3, 9), third_party_end=date(2024, 3, 8)), "第三方征求意见止"),
        (R("X5", Channel.MAIL, date(2024, 3, 5), fee_notice=date(2024, 3, 9), fee_paid=date(2024, 3, 8)), "缴费日"),
        (R("X6", Channel.MAIL, date(2024, 3, 5), extension_approved=date(2024, 3, 1)), "延期批准日"),
        (R("X7", Channel.MAIL, date(2024, 3, 5), correction_notice=date(2024, 3, 6), correction_received=date(2024, 3, 12), answered=date(2024, 3, 11), result=GRANTED), "答复日期"),
    ],
)
def test_contradictory_dates(request_: Request, field: str) -> None:
    found = assess(request_, date(2024, 12, 31))
    assert found.status == Status.DATA_ERROR
    assert field in found.fields
    assert "早于" in found.explanation


def test_paused_and_closed() -> None:
    waiting = R("P1", Channel.MAIL, date(2024, 3, 1), correction_notice=date(2024, 3, 4))
    paused = assess(waiting, date(2024, 12, 31))
    assert paused.status == Status.PAUSED and "第三十条" in paused.explanation and not paused.needs_attention
    consulting = assess(R("P2", Channel.MAIL, date(2024, 3, 1), third_party_start=date(2024, 3, 4)), date(2024, 12, 31))
    assert consulting.status == Status.PAUSED and "第三十二条" in consulting.explanation
    unpaid = assess(R("P3", Channel.MAIL, date(2024, 3, 1), fee_notice=date(2024, 3, 4)), date(2024, 12, 31))
    assert unpaid.status == Status.PAUSED and "109号" in unpaid.explanation
    closed = assess(replace(waiting, answered=date(2024, 4, 30), result=NO_CORRECTION), date(2024, 12, 31))
    assert closed.status == Status.CLOSED and "视为放弃申请" in closed.explanation
    no_fee = assess(R("P4", Channel.MAIL, date(2024, 3, 1), fee_notice=date(2024, 3, 4), answered=date(2024, 4, 30), result=NO_FEE), date(2024, 12, 31))
    assert no_fee.status == Status.CLOSED
    # the 2019 format's single （六）其他处理 row closes either
    other_2019 = formats.ROW_OTHER_HANDLING.key
    assert assess(replace(waiting, answered=date(2024, 4, 30), result=other_2019), date(2024, 12, 31)).status == Status.CLOSED


def test_confirmed_date_is_not_used_for_in_person_requests() -> None:
    found = assess(R("Q", Channel.IN_PERSON, date(2024, 3, 4), confirmed=date(2024, 3, 6)), date(2024, 3, 4))
    assert found.received == date(2024, 3, 4)
    assert found.answer_due == date(2024, 4, 1)  # 3.5–8 (4), 3.11–15 (9), 3.18–22 (14), 3.25–29 (19), 4.1 (20)
    assert any("确认日期" in note for note in found.notes)


def test_ledger_report_text_and_json() -> None:
    ledger = Ledger("某局", 2024, formats.TEMPLATE_2021, [c.request for c in CASES[:6]])
    today = date(2024, 11, 4)
    result = check(ledger, today)
    assert [d.request.number for d in result.deadlines] == [c.request.number for c in CASES[:6]]
    assert result.record is None  # the open requests have no applicant type: table 三 cannot be counted
    text = check_text(result)
    assert text.splitlines()[0].startswith("== 某局 2024年度")
    assert "答复期限 2024-03-08" in text and "逾期答复" in text
    assert summary_line(result.deadlines) in text
    assert "有6处使申请无法计入表三：" in text and "未填申请人类型" in text
    payload = json.loads(check_json(result))
    assert payload["today"] == "2024-11-04"
    assert payload["requests"][0]["answer_due"] == "2024-03-08"
    assert payload["requests"][0]["status"] == "answered_in_time"
    assert sum(payload["summary"].values()) == 6
    assert payload["tables"] is None and len(payload["problems"]) == 6
    counted = check(Ledger("某局", 2024, formats.TEMPLATE_2021, [replace(c.request, applicant="natural_person") for c in CASES[:6]]), today)
    assert counted.record is not None and not counted.problems
    assert check_text(counted).splitlines()[-1] == "表三（总计）：本年新收6件，上年结转0件，本年办结2件，结转下年度4件；表四：行政复议0件，行政诉讼0件。"
    assert json.loads(check_json(counted))["tables"]["requests"]["rows"]["new_received"] == [6, 0, 0, 0, 0, 0, 6]


# ---------------------------------------------------------------- properties against a day-by-day walk

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30))


def _walked_due(calendar: WorkCalendar, start: date, limit: int, excluded: list[tuple[date, date]]) -> date:
    """The due date by walking day by day: the limit-th working day after `start` outside every excluded period."""
    day, counted = start, 0
    while counted < limit:
        day = date.fromordinal(day.toordinal() + 1)
        if calendar.is_workday(day) and not any(s <= day <= e for s, e in excluded):
            counted += 1
    return day


@settings(max_examples=200, deadline=None)
@given(
    received=DAYS,
    channel=st.sampled_from(list(Channel)),
    tp=st.one_of(st.none(), st.tuples(st.integers(0, 30), st.integers(0, 25))),
    fee=st.one_of(st.none(), st.tuples(st.integers(0, 30), st.integers(0, 25))),
    extension=st.one_of(st.none(), st.integers(0, 40)),
    answer_after=st.one_of(st.none(), st.integers(0, 90)),
)
def test_due_date_is_the_walk(
    received: date, channel: Channel, tp: tuple[int, int] | None, fee: tuple[int, int] | None, extension: int | None, answer_after: int | None
) -> None:
    def shift(days: int) -> date:
        return date.fromordinal(received.toordinal() + days)

    excluded = [(shift(a), shift(a + b)) for a, b in (p for p in (tp, fee) if p)]
    request = R(
        "H",
        channel,
        received,
        third_party_start=shift(tp[0]) if tp else None,
        third_party_end=shift(tp[0] + tp[1]) if tp else None,
        fee_notice=shift(fee[0]) if fee else None,
        fee_paid=shift(fee[0] + fee[1]) if fee else None,
        extension_approved=shift(extension) if extension is not None else None,
        answered=shift(answer_after) if answer_after is not None else None,
        result=GRANTED if answer_after is not None else None,
    )
    calendar = FILE_ONLY
    found = assess(request, date(2026, 12, 31), calendar)
    first_due = _walked_due(calendar, received, 20, excluded)
    limit = 40 if extension is not None and shift(extension) <= first_due else 20
    due = _walked_due(calendar, received, limit, excluded)
    assert found.answer_due == due
    assert found.extended == (limit == 40)
    if answer_after is None:
        assert found.status == Status.OVERDUE
    elif shift(answer_after) <= due:
        assert found.status == Status.ANSWERED_IN_TIME
    else:
        assert found.status == Status.ANSWERED_LATE and found.workdays is not None and found.workdays >= 1
