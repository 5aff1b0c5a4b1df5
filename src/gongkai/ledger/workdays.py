"""China's working-day calendar: official public holidays and 调休 make-up working days.

Every deadline of the 条例 is counted in 工作日, and a working day in China is not simply Monday
to Friday: the State Council's notice for each year moves some weekend days into the holidays
and makes some weekends working days (调休). The days come from two sources:

1. the `chinesecalendar` package (import name `chinese_calendar`), maintained from the notices;
2. `holidays.json` beside this module, for the years the installed package does not know yet
   (the notice for a year is published in November of the year before, a package release may
   follow later); its format is described in the file itself.

A caller may add a file of the same format (`WorkCalendar.load(extra)`): its years win over
both, for a year announced after this release or a schedule changed during the year.

A day of a year that no source knows raises `CalendarUnknownError` with a Chinese message:
counting it as a plain weekday would silently move a statutory deadline.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

HOLIDAYS_FILE = Path(__file__).with_name("holidays.json")
HOLIDAYS_FORMAT = "gongkai.holidays/1"


class CalendarUnknownError(ValueError):
    """A day whose year is in no known calendar (its holidays and 调休 days are not known)."""

    def __init__(self, day: date, known_years: Iterable[int]) -> None:
        self.day = day
        years = sorted(known_years)
        known = _year_ranges(years) if years else "无"
        super().__init__(
            f"{day.isoformat()} 超出已知的工作日历：{day.year}年的放假和调休安排未知（已知年份：{known}）。"
            f"请在国务院办公厅公布该年节假日安排后升级 chinesecalendar，或按 {HOLIDAYS_FILE.name} 的格式补充该年的放假日和调休上班日。"
        )


class HolidayFileError(ValueError):
    """A holiday file that cannot be used (Chinese message naming the file and the entry)."""


def _year_ranges(years: list[int]) -> str:
    """2004–2026、2028: consecutive years as ranges."""
    parts: list[str] = []
    start = previous = years[0]
    for year in years[1:] + [years[-1] + 2]:
        if year != previous + 1:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
            start = year
        previous = year
    return "、".join(parts)


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: the days off (any weekday) and the worked weekend days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


# ---------------------------------------------------------------- the sources


def package_schedules() -> dict[int, YearSchedule]:
    """Every year the installed chinesecalendar package knows (an empty dict if it is missing)."""
    try:
        import chinese_calendar
        from chinese_calendar import constants
    except ImportError:  # the project's override file still serves the years it lists
        return {}
    holidays: dict[date, object] = dict(constants.holidays)
    workdays: dict[date, object] = dict(constants.workdays)
    if not holidays:
        return {}
    version = str(getattr(chinese_calendar, "__version__", ""))
    source = f"chinesecalendar {version}".strip()
    first, last = min(holidays).year, max(holidays).year  # the range the package itself accepts
    return {
        year: YearSchedule(
            year,
            frozenset(d for d in holidays if d.year == year),
            frozenset(d for d in workdays if d.year == year),
            source,
        )
        for year in range(first, last + 1)
    }


def _days(entry: Any, where: str) -> list[date]:
    """The days of one list entry: "2026-02-15" or a range "2026-02-15..2026-02-23"."""
    if not isinstance(entry, str):
        raise HolidayFileError(f"{where}：“{entry}”应为日期文字，例如 2026-02-15 或 2026-02-15..2026-02-23")
    try:
        if ".." in entry:
            first_text, last_text = entry.split("..", 1)
            first, last = date.fromisoformat(first_text.strip()), date.fromisoformat(last_text.strip())
        else:
            first = last = date.fromisoformat(entry.strip())
    except ValueError as error:
        raise HolidayFileError(f"{where}：“{entry}”不是日期（应写为 2026-02-15 或 2026-02-15..2026-02-23）") from error
    if last < first:
        raise HolidayFileError(f"{where}：范围“{entry}”的结束日早于开始日")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def parse_holiday_file(data: Any, name: str) -> dict[int, YearSchedule]:
    """The schedules of a holiday file's JSON, checked: each day in its own year, no day both
    off and worked, and worked days only on weekends (调休 moves weekend days, nothing else)."""
    if not isinstance(data, dict) or data.get("format") != HOLIDAYS_FORMAT or not isinstance(data.get("years"), dict):
        raise HolidayFileError(f"{name} 不是节假日文件：应为 JSON 对象，含 \"format\": \"{HOLIDAYS_FORMAT}\" 和 \"years\"")
    schedules: dict[int, YearSchedule] = {}
    for year_text, entry in data["years"].items():
        where = f"{name} 的 {year_text} 年"
        if not (isinstance(year_text, str) and year_text.isdigit() and len(year_text) == 4):
            raise HolidayFileError(f"{where}：年份应为四位数字")
        if not isinstance(entry, dict) or not isinstance(entry.get("holidays"), list) or not isinstance(entry.get("workdays", []), list):
            raise HolidayFileError(f"{where}：应含 holidays（放假日）和 workdays（调休上班日）两个列表")
        year = int(year_text)
        holidays = {d for item in entry["holidays"] for d in _days(item, f"{where}放假日")}
        workdays = {d for item in entry.get("workdays", []) for d in _days(item, f"{where}调休上班日")}
        stray = sorted(d for d in holidays | workdays if d.year != year)
        if stray:
            raise HolidayFileError(f"{where}：{stray[0].isoformat()} 不在 {year} 年内")
        both = sorted(holidays & workdays)
        if both:
            raise HolidayFileError(f"{where}：{both[0].isoformat()} 既是放假日又是调休上班日")
        weekday_workdays = sorted(d for d in workdays if d.weekday() < 5)
        if weekday_workdays:
            raise HolidayFileError(f"{where}：调休上班日 {weekday_workdays[0].isoformat()} 是周一至周五，本来就是工作日")
        schedules[year] = YearSchedule(year, frozenset(holidays), frozenset(workdays), str(entry.get("source") or name))
    return schedules


def read_holiday_file(path: Path) -> dict[int, YearSchedule]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise HolidayFileError(f"无法读取节假日文件 {path}：{error.strerror or error}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HolidayFileError(f"节假日文件 {path} 不是 UTF-8 编码的 JSON：{error}") from error
    return parse_holiday_file(data, path.name)


# ---------------------------------------------------------------- the calendar


class WorkCalendar:
    """Working days over the known years, counted through a precomputed index so that a deadline
    is a lookup, not a walk (a 10 000-request ledger is checked in milliseconds)."""

    def __init__(self, schedules: Mapping[int, YearSchedule]) -> None:
        if not schedules:
            raise HolidayFileError("没有任何年份的节假日安排：chinesecalendar 未安装，项目节假日文件也没有年份")
        self.schedules = dict(sorted(schedules.items()))
        self.first = date(min(self.schedules), 1, 1)
        last = date(max(self.schedules), 12, 31)
        # _before[i]: working days strictly before day i of the index (i = days since `first`);
        # days of an unknown year inside the span count as rest days, but are never reached
        # because every query checks the years it touches first.
        self._before: list[int] = [0]
        self._workdays: list[date] = []
        day = self.first
        while day <= last:
            schedule = self.schedules.get(day.year)
            if schedule is not None and schedule.is_workday(day):
                self._workdays.append(day)
            self._before.append(len(self._workdays))
            day += timedelta(days=1)

    @classmethod
    def load(cls, extra: Path | None = None) -> WorkCalendar:
        """The package's years, the project file's years the package lacks, and `extra`'s years over both."""
        schedules = read_holiday_file(HOLIDAYS_FILE)
        schedules.update(package_schedules())
        if extra is not None:
            schedules.update(read_holiday_file(extra))
        return cls(schedules)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(self.schedules)

    def source(self, year: int) -> str:
        schedule = self.schedules.get(year)
        return schedule.source if schedule else ""

    def _check_known(self, first: date, last: date | None = None) -> None:
        """Raise for the first day in first..last whose year no calendar knows."""
        last = last or first
        if last < first:
            first, last = last, first
        for year in range(first.year, last.year + 1):
            if year not in self.schedules:
                raise CalendarUnknownError(first if year == first.year else date(year, 1, 1), self.schedules)

    def _index(self, day: date) -> int:
        return (day - self.first).days

    def is_workday(self, day: date) -> bool:
        self._check_known(day)
        return self.schedules[day.year].is_workday(day)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` < `start`).

        This is how a period 「自…之日起」 counts: the day it starts from is not itself counted.
        """
        self._check_known(start, end)
        return self._before[self._index(end) + 1] - self._before[self._index(start) + 1]

    def count_workdays(self, first: date, last: date) -> int:
        """Working days in first..last, both included (0 when `last` < `first`)."""
        if last < first:
            return 0
        self._check_known(first, last)
        return self._before[self._index(last) + 1] - self._before[self._index(first)]

    def add_workdays(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (`start` itself not counted; `count` ≥ 0).

        add_workdays(receipt, 20) is the last day of 「自收到申请之日起20个工作日内」.
        """
        if count < 0:
            raise ValueError("count must be ≥ 0")
        self._check_known(start)
        if count == 0:
            return start
        target = self._before[self._index(start) + 1] + count  # 1-based position among working days
        if target > len(self._workdays):
            following = date(max(self.schedules) + 1, 1, 1)
            raise CalendarUnknownError(following, self.schedules)
        found = self._workdays[target - 1]
        self._check_known(start, found)  # an unknown year in between would have been skipped
        return found

    def next_workday(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        return day if self.is_workday(day) else self.add_workdays(day, 1)

    def workdays_in(self, first: date, last: date) -> list[date]:
        """The working days in first..last, both included."""
        self._check_known(first, last)
        lo = bisect.bisect_left(self._workdays, first)
        hi = bisect.bisect_right(self._workdays, last)
        return self._workdays[lo:hi]


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The calendar of the installed package and the project file (built once per process)."""
    return WorkCalendar.load()


def is_workday(day: date) -> bool:
    """Whether `day` is a working day in China (调休 included); raises CalendarUnknownError past the known years."""
    return default_calendar().is_workday(day)


def add_workdays(start: date, count: int) -> date:
    """The `count`-th working day after `start`, `start` itself not counted."""
    return default_calendar().add_workdays(start, count)


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    return default_calendar().workdays_between(start, end)
