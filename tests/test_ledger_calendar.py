"""China's working-day calendar (gongkai.ledger.workdays): the official 2024–2026 schedules, the
project's holiday file against the chinesecalendar package, counting, and unknown years."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.ledger import workdays
from gongkai.ledger.workdays import (
    HOLIDAYS_FILE,
    CalendarUnknownError,
    HolidayFileError,
    WorkCalendar,
    default_calendar,
    package_schedules,
    parse_holiday_file,
    read_holiday_file,
)

FILE_ONLY = WorkCalendar(read_holiday_file(HOLIDAYS_FILE))  # 2024–2026 from the notices, no package


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


# The State Council's notices (国务院办公厅关于2024/2025/2026年部分节假日安排的通知): days off that
# are weekdays, and weekend days that are worked (调休上班).
OFFICIAL = [
    # 2024: 春节 2月10日至17日放假，2月4日（星期日）、2月18日（星期日）上班; 除夕 2月9日 is a working day.
    (date(2024, 2, 4), True), (date(2024, 2, 9), True), (date(2024, 2, 12), False), (date(2024, 2, 16), False), (date(2024, 2, 18), True),
    # 2024: 清明 4月4日至6日放假，4月7日（星期日）上班; 劳动节 5月1日至5日，4月28日（星期日）、5月11日（星期六）上班.
    (date(2024, 4, 4), False), (date(2024, 4, 7), True), (date(2024, 4, 28), True), (date(2024, 5, 3), False), (date(2024, 5, 11), True),
    # 2024: 中秋 9月15日至17日，9月14日（星期六）上班; 国庆 10月1日至7日，9月29日（星期日）、10月12日（星期六）上班.
    (date(2024, 9, 14), True), (date(2024, 9, 16), False), (date(2024, 9, 29), True), (date(2024, 10, 7), False), (date(2024, 10, 12), True),
    # 2025: 春节 1月28日（除夕）至2月4日，1月26日（星期日）、2月8日（星期六）上班.
    (date(2025, 1, 26), True), (date(2025, 1, 28), False), (date(2025, 2, 4), False), (date(2025, 2, 8), True),
    # 2025: 劳动节 5月1日至5日，4月27日（星期日）上班; 端午 5月31日至6月2日.
    (date(2025, 4, 27), True), (date(2025, 5, 5), False), (date(2025, 6, 2), False),
    # 2025: 国庆、中秋 10月1日至8日，9月28日（星期日）、10月11日（星期六）上班.
    (date(2025, 9, 28), True), (date(2025, 10, 8), False), (date(2025, 10, 11), True),
    # 2026: 元旦 1月1日至3日，1月4日（星期日）上班; 春节 2月15日至23日，2月14日（星期六）、2月28日（星期六）上班.
    (date(2026, 1, 2), False), (date(2026, 1, 4), True), (date(2026, 2, 14), True), (date(2026, 2, 16), False), (date(2026, 2, 23), False),
    (date(2026, 2, 28), True),
    # 2026: 劳动节 5月1日至5日，5月9日（星期六）上班; 端午 6月19日至21日; 中秋 9月25日至27日.
    (date(2026, 5, 5), False), (date(2026, 5, 9), True), (date(2026, 6, 19), False), (date(2026, 9, 25), False),
    # 2026: 国庆 10月1日至7日，9月20日（星期日）、10月10日（星期六）上班.
    (date(2026, 9, 20), True), (date(2026, 10, 7), False), (date(2026, 10, 8), True), (date(2026, 10, 10), True),
    # plain days: a Wednesday works, a Saturday and a Sunday rest
    (date(2025, 3, 12), True), (date(2025, 3, 15), False), (date(2026, 3, 15), False),
]  # fmt: skip


@pytest.mark.parametrize(("day", "works"), OFFICIAL, ids=[d.isoformat() for d, _ in OFFICIAL])
def test_official_schedule(day: date, works: bool) -> None:
    assert workdays.is_workday(day) is works
    assert FILE_ONLY.is_workday(day) is works


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_project_file_agrees_with_the_package(year: int) -> None:
    """Where both know a year, the holiday file and chinesecalendar give the same working days."""
    package = package_schedules()
    if year not in package:
        pytest.skip(f"the installed chinesecalendar does not know {year} (the project file serves it)")
    package_calendar = WorkCalendar(package)
    assert [FILE_ONLY.is_workday(d) for d in _days(year)] == [package_calendar.is_workday(d) for d in _days(year)]


def test_the_2026_schedule_is_known() -> None:
    assert 2026 in default_calendar().years
    assert 2026 in FILE_ONLY.years
    assert sum(default_calendar().is_workday(d) for d in _days(2026)) == sum(FILE_ONLY.is_workday(d) for d in _days(2026))


def test_working_days_per_year() -> None:
    """Weekdays − weekday holidays + 调休 Saturdays/Sundays, counted by hand from the notices:
    2024: 262 weekdays − 19 (1.1; 2.12–16; 4.4–5; 5.1–3; 6.10; 9.16–17; 10.1–4, 10.7) + 8 = 251;
    2025: 261 − 18 (1.1; 1.28–31, 2.3–4; 4.4; 5.1–2, 5.5; 6.2; 10.1–3, 10.6–8) + 5 = 248;
    2026: 261 − 19 (1.1–2; 2.16–20, 2.23; 4.6; 5.1, 5.4–5; 6.19; 9.25; 10.1–2, 10.5–7) + 6 = 248."""
    assert sum(FILE_ONLY.is_workday(d) for d in _days(2024)) == 251
    assert sum(FILE_ONLY.is_workday(d) for d in _days(2025)) == 248
    assert sum(FILE_ONLY.is_workday(d) for d in _days(2026)) == 248


def test_counting() -> None:
    calendar = default_calendar()
    # 2024-02-08 (Thu): 2/9 Fri works, 2/10–2/17 off, 2/18 Sun works.
    assert calendar.add_workdays(date(2024, 2, 8), 1) == date(2024, 2, 9)
    assert calendar.add_workdays(date(2024, 2, 8), 2) == date(2024, 2, 18)
    assert calendar.add_workdays(date(2024, 2, 10), 0) == date(2024, 2, 10)
    assert calendar.workdays_between(date(2024, 2, 8), date(2024, 2, 18)) == 2
    assert calendar.workdays_between(date(2024, 2, 18), date(2024, 2, 8)) == -2
    assert calendar.count_workdays(date(2024, 2, 9), date(2024, 2, 18)) == 2
    assert calendar.count_workdays(date(2024, 2, 10), date(2024, 2, 17)) == 0
    assert calendar.count_workdays(date(2024, 2, 18), date(2024, 2, 10)) == 0
    assert calendar.next_workday(date(2024, 2, 10)) == date(2024, 2, 18)
    assert calendar.workdays_in(date(2024, 2, 8), date(2024, 2, 19)) == [date(2024, 2, 8), date(2024, 2, 9), date(2024, 2, 18), date(2024, 2, 19)]
    with pytest.raises(ValueError):
        calendar.add_workdays(date(2024, 2, 8), -1)


def test_a_year_no_calendar_knows_is_an_error_in_chinese() -> None:
    with pytest.raises(CalendarUnknownError) as caught:
        FILE_ONLY.is_workday(date(2027, 3, 3))  # a Wednesday: still not assumed to be a working day
    message = str(caught.value)
    assert "2027年的放假和调休安排未知" in message and "2024–2026" in message
    with pytest.raises(CalendarUnknownError, match="2023"):
        FILE_ONLY.add_workdays(date(2023, 12, 29), 1)
    with pytest.raises(CalendarUnknownError, match="2027"):
        FILE_ONLY.add_workdays(date(2026, 12, 28), 20)  # the deadline runs into 2027
    with pytest.raises(CalendarUnknownError):
        FILE_ONLY.workdays_between(date(2026, 12, 1), date(2027, 1, 5))
    with pytest.raises(CalendarUnknownError, match="2200"):
        workdays.add_workdays(date(2200, 1, 1), 1)


def test_a_gap_between_known_years_is_never_skipped() -> None:
    schedules = read_holiday_file(HOLIDAYS_FILE)
    del schedules[2025]
    calendar = WorkCalendar(schedules)
    with pytest.raises(CalendarUnknownError, match="2025"):
        calendar.add_workdays(date(2024, 12, 20), 20)
    with pytest.raises(CalendarUnknownError, match="2025"):
        calendar.count_workdays(date(2024, 12, 20), date(2026, 1, 20))


def test_extra_file_adds_a_year_and_wins(tmp_path: Path) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text(
        json.dumps(
            {
                "format": "gongkai.holidays/1",
                "years": {
                    "2027": {"source": "test", "holidays": ["2027-01-01", "2027-02-05..2027-02-11"], "workdays": ["2027-02-14"]},
                    "2025": {"source": "a changed schedule", "holidays": ["2025-03-12"], "workdays": []},
                },
            }
        ),
        encoding="utf-8",
    )
    calendar = WorkCalendar.load(extra)
    assert calendar.is_workday(date(2027, 2, 14))  # a Sunday made a working day
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.is_workday(date(2027, 3, 3))
    assert not calendar.is_workday(date(2025, 3, 12))  # the extra file replaced 2025
    assert calendar.source(2027) == "test"


def test_without_the_package_the_project_file_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workdays, "package_schedules", lambda: {})
    calendar = WorkCalendar.load()
    assert calendar.years == (2024, 2025, 2026)
    assert calendar.add_workdays(date(2024, 2, 5), 20) == date(2024, 3, 8)


@pytest.mark.parametrize(
    ("years", "message"),
    [
        ({"2027": {"holidays": ["2027-13-01"]}}, "不是日期"),
        ({"2027": {"holidays": ["2027-02-11..2027-02-05"]}}, "结束日早于开始日"),
        ({"2027": {"holidays": ["2026-12-31"]}}, "不在 2027 年内"),
        ({"2027": {"holidays": ["2027-02-14"], "workdays": ["2027-02-14"]}}, "既是放假日又是调休上班日"),
        ({"2027": {"holidays": [], "workdays": ["2027-02-15"]}}, "本来就是工作日"),
        ({"27": {"holidays": []}}, "四位数字"),
        ({"2027": {"workdays": []}}, "两个列表"),
        ({"2027": {"holidays": [20270101]}}, "日期文字"),
    ],
)
def test_bad_holiday_files(years: dict[str, object], message: str) -> None:
    with pytest.raises(HolidayFileError, match=message):
        parse_holiday_file({"format": "gongkai.holidays/1", "years": years}, "extra.json")


def test_unreadable_holiday_files(tmp_path: Path) -> None:
    with pytest.raises(HolidayFileError, match="不是节假日文件"):
        parse_holiday_file({"years": {}}, "x.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(HolidayFileError, match="JSON"):
        read_holiday_file(broken)
    with pytest.raises(HolidayFileError, match="无法读取"):
        read_holiday_file(tmp_path / "absent.json")
    with pytest.raises(HolidayFileError, match="没有任何年份"):
        WorkCalendar({})


# ---------------------------------------------------------------- the index against a day-by-day walk

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 31))


def _walk_add(start: date, count: int) -> date:
    day = start
    while count:
        day += timedelta(days=1)
        count -= FILE_ONLY.schedules[day.year].is_workday(day)
    return day


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=45))
def test_add_workdays_is_a_walk(start: date, count: int) -> None:
    found = FILE_ONLY.add_workdays(start, count)
    assert found == _walk_add(start, count)
    assert FILE_ONLY.workdays_between(start, found) == count
    if count:
        assert FILE_ONLY.is_workday(found)


@settings(max_examples=300, deadline=None)
@given(DAYS, DAYS)
def test_counts_agree(first: date, last: date) -> None:
    walked = sum(FILE_ONLY.schedules[d.year].is_workday(d) for d in (first + timedelta(days=i) for i in range((last - first).days + 1)))
    assert FILE_ONLY.count_workdays(first, last) == walked
    assert FILE_ONLY.workdays_between(first, last) == -FILE_ONLY.workdays_between(last, first)
    assert len(FILE_ONLY.workdays_in(first, last)) == walked
