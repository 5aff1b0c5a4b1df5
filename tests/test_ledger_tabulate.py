"""Tables from the ledger (gongkai.ledger.tabulate): balanced by construction, checked by gongkai's
own rules; each request counted once; last year's 结转下年度 = this year's 上年结转; random
ledgers (dates across holidays and 调休 days, every channel and result) and their XLSX round trip."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import formats
from gongkai.check import run_rules
from gongkai.ledger import Case, Channel, Ledger, LedgerError, Request, Status, carried_forward_requests, check_ledger, read_ledger, tabulate, write_ledger
from gongkai.ledger.entries import SHEET_CARRIED, Place, result_rows
from gongkai.ledger.tabulate import tabulation_problems
from gongkai.ledger.workbook import fit_template
from gongkai.ledger.workdays import HOLIDAYS_FILE, WorkCalendar, read_holiday_file
from gongkai.model import Record

ARITHMETIC_RULES = {"row_total", "results_total", "balance", "review_total", "invalid_number"}
APPLICANTS = formats.APPLICANT_COLUMN_KEYS
FILE_ONLY = WorkCalendar(read_holiday_file(HOLIDAYS_FILE))


def _arithmetic_findings(record: Record, previous: Record | None = None) -> list[str]:
    checked = run_rules(record, previous)
    return [f"{f.rule}: {f.message}" for f in checked.findings if f.rule in ARITHMETIC_RULES | {"carry_over_chain"}]


def _total(record: Record, row: str) -> int:
    value = record.rows[row][formats.COLUMN_INDEX["total"]]
    assert isinstance(value, int)
    return value


def _full_active(template: str, value: int = 2) -> dict[str, dict[str, int | float | None]]:
    return {row.key: {f.key: value for f in row.fields} for row in formats.active_rows(template)}


def test_a_small_ledger_by_hand() -> None:
    requests = [
        Request("1", Channel.ONLINE, date(2024, 2, 5), applicant="natural_person", answered=date(2024, 3, 1), result="granted"),
        Request("2", Channel.MAIL, date(2024, 3, 5), applicant="natural_person", answered=date(2024, 3, 20), result="partially_granted"),
        Request("3", Channel.IN_PERSON, date(2024, 5, 6), applicant="commercial", answered=date(2024, 5, 30), result="withheld_state_secret"),
        Request("4", Channel.LETTER, date(2024, 12, 20), applicant="legal_service"),  # open on 31 December
        Request("5", Channel.FAX, date(2024, 12, 23), applicant="natural_person", answered=date(2025, 1, 8), result="granted"),  # answered next year
    ]
    carried = [Request("0", Channel.MAIL, date(2023, 12, 28), applicant="research", answered=date(2024, 1, 15), result="other_no_fee", place=Place(SHEET_CARRIED))]
    cases = [
        Case("F1", "review", "upheld"),
        Case("F2", "review", "corrected", closed=date(2025, 1, 10)),  # decided after 31 December: still pending at year end
        Case("S1", "litigation_direct"),  # no outcome yet: pending
        Case("S2", "litigation_after_review", "other"),
    ]
    ledger = Ledger("某局", 2024, formats.TEMPLATE_2021, requests, carried, _full_active(formats.TEMPLATE_2021), cases)
    record = tabulate(ledger)
    rows = record.rows
    assert rows["new_received"] == [3, 1, 0, 0, 1, 0, 5]
    assert rows["carried_over"] == [0, 0, 1, 0, 0, 0, 1]
    assert rows["granted"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["partially_granted"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["withheld_state_secret"] == [0, 1, 0, 0, 0, 0, 1]
    assert rows["other_no_fee"] == [0, 0, 1, 0, 0, 0, 1]
    assert rows["total_processed"] == [2, 1, 1, 0, 0, 0, 4]
    assert rows["carried_forward"] == [1, 0, 0, 0, 1, 0, 2]
    assert list(rows) == [r.key for r in formats.REQUEST_ROWS_2021]
    assert record.requests["columns"] == list(formats.REQUEST_COLUMN_KEYS)
    assert record.review_litigation == {
        "review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
    }
    assert (record.agency, record.year, record.template) == ("某局", 2024, "2021")
    assert record.active == _full_active(formats.TEMPLATE_2021)
    assert _arithmetic_findings(record) == []
    checked = run_rules(record)
    assert not [f for f in checked.findings if f.rule in ("table_missing", "template_outdated", "blank_cell")]
    assert record.to_dict()["schema"] == "gongkai.report/1"
    assert [r.number for r in carried_forward_requests(ledger)] == ["4", "5"]


def test_blank_table_two_cells_stay_null_with_a_warning() -> None:
    active = _full_active(formats.TEMPLATE_2021)
    active["fees"]["amount"] = None
    record = tabulate(Ledger("某局", 2024, formats.TEMPLATE_2021, active=active))
    assert record.active["fees"]["amount"] is None
    blank = [f for f in run_rules(record).findings if f.rule == "blank_cell"]
    assert len(blank) == 1 and "未填写" in blank[0].message
    # an empty ledger: all zero, still balanced
    assert record.rows["total_processed"] == [0] * 7 and _arithmetic_findings(record) == []


def test_2019_template() -> None:
    requests = [
        Request("1", Channel.MAIL, date(2020, 3, 2), applicant="other_org", answered=date(2020, 3, 20), result=formats.ROW_OTHER_HANDLING.key),
        Request("2", Channel.MAIL, date(2020, 3, 2), applicant="other_org", answered=date(2020, 3, 20), result="rejected_duplicate"),
    ]
    record = tabulate(Ledger("某局", 2020, formats.TEMPLATE_2019, requests, active=_full_active(formats.TEMPLATE_2019)))
    assert list(record.rows) == [r.key for r in formats.REQUEST_ROWS_2019]
    assert record.rows["other_handling"] == [0, 0, 0, 0, 0, 1, 1]
    assert record.active["procurement"] == {"items": 2, "amount": 2}
    assert _arithmetic_findings(record) == []
    assert not [f for f in run_rules(record).findings if f.rule == "template_outdated"]


def test_what_cannot_be_counted_is_named() -> None:
    requests = [
        Request("1", Channel.MAIL, date(2024, 3, 1), applicant=None, answered=date(2024, 3, 20), result="granted", place=Place("申请登记", 2)),
        Request("2", Channel.MAIL, date(2024, 3, 1), applicant="natural_person", answered=date(2024, 3, 20), place=Place("申请登记", 3)),
        Request("3", Channel.MAIL, date(2024, 3, 1), applicant="natural_person", result="granted", place=Place("申请登记", 4)),
        Request("4", Channel.MAIL, date(2024, 3, 1), applicant="natural_person", answered=date(2024, 3, 20), result="other_handling", place=Place("申请登记", 5)),
    ]
    ledger = Ledger("某局", 2024, formats.TEMPLATE_2021, requests, cases=[Case("F", "appeal")])
    problems = [str(p) for p in tabulation_problems(ledger)]
    assert problems == [
        "“申请登记”表第2行“申请人类型”列：未填申请人类型：表三按申请人类型分列计数",
        "“申请登记”表第3行“办理结果”列：已于2024-03-20答复，但未填办理结果：表三须把它计入一项办理结果",
        "“申请登记”表第4行“答复日期”列：已填办理结果“予以公开”，但未填答复日期：无法判断本年办结还是结转下年度",
        "“申请登记”表第5行“办理结果”列：“other_handling”不是2021年版格式表三的办理结果",
        "“复议诉讼”表“案件类型”列：“appeal”不是表四的案件类型",
    ]
    with pytest.raises(LedgerError) as caught:
        tabulate(ledger)
    assert caught.value.problems == tabulation_problems(ledger)


# ---------------------------------------------------------------- random ledgers

TEMPLATE_OF = {2020: formats.TEMPLATE_2019, 2021: formats.TEMPLATE_2021, 2024: formats.TEMPLATE_2021, 2025: formats.TEMPLATE_2021, 2026: formats.TEMPLATE_2021}


@st.composite
def requests_of(draw: st.DrawFn, year: int, count: int, carried: bool) -> list[Request]:
    """Requests received in `year` (or, carried over, in the two years before), dates spread over the
    whole year so that they fall on holidays and 调休 days, every channel and result drawn."""
    results = [r.key for r in result_rows(TEMPLATE_OF[year])]
    first = date(year - 2, 1, 1) if carried else date(year, 1, 1)
    last = date(year - 1, 12, 31) if carried else date(year, 12, 31)
    out = []
    for index in range(count):
        received = draw(st.dates(first, last))
        state = draw(st.sampled_from(["answered", "answered", "open", "answered_next_year", "steps"]))
        answered: date | None = None
        if state in ("answered", "steps"):
            answered = received + timedelta(days=draw(st.integers(0, 70)))
        elif state == "answered_next_year":
            answered = date(year + 1, 1, 1) + timedelta(days=draw(st.integers(0, 20)))
        extra = {}
        if state == "steps":  # 补正, 第三方, fee, extension on the way
            extra = {
                "correction_notice": received + timedelta(days=3),
                "correction_received": received + timedelta(days=10),
                "third_party_start": received + timedelta(days=12),
                "third_party_end": received + timedelta(days=20),
                "extension_approved": received + timedelta(days=15),
            }
            answered = received + timedelta(days=draw(st.integers(21, 90)))
        if carried and answered is not None and answered.year < year:  # still open on 1 January
            answered = date(year, 1, 1) + timedelta(days=draw(st.integers(0, 60)))
        out.append(
            Request(
                f"{'C' if carried else 'N'}{year}-{index}",
                draw(st.sampled_from(list(Channel))),
                received,
                applicant=draw(st.sampled_from(APPLICANTS)),
                answered=answered,
                result=draw(st.sampled_from(results)) if answered else None,
                place=Place(SHEET_CARRIED if carried else "申请登记", index + 2),
                **extra,  # type: ignore[arg-type]
            )
        )
    return out


@st.composite
def ledgers(draw: st.DrawFn, year: int | None = None) -> Ledger:
    year = year or draw(st.sampled_from(sorted(TEMPLATE_OF)))
    template = TEMPLATE_OF[year]
    requests = draw(requests_of(year, draw(st.integers(0, 30)), carried=False))
    carried = draw(requests_of(year, draw(st.integers(0, 8)), carried=True))
    kinds = [b.key for b in formats.REVIEW_BLOCKS]
    outcomes = [None] + [f.key for f in formats.REVIEW_FIELDS[:-1]]
    cases = [
        Case(f"K{i}", draw(st.sampled_from(kinds)), draw(st.sampled_from(outcomes)), closed=draw(st.one_of(st.none(), st.dates(date(year, 1, 1), date(year + 1, 3, 1)))))
        for i in range(draw(st.integers(0, 6)))
    ]
    active = {row.key: {f.key: draw(st.integers(0, 50)) for f in row.fields} for row in formats.active_rows(template)}
    return Ledger("某局", year, template, requests, carried, active, cases)


def _expected_counts(ledger: Ledger) -> Counter[tuple[str, str]]:
    expected: Counter[tuple[str, str]] = Counter()
    for request in ledger.requests:
        expected["new_received", request.applicant or ""] += 1
    for request in ledger.carried_over:
        expected["carried_over", request.applicant or ""] += 1
    for request in ledger.all_requests():
        handled = request.answered is not None and request.answered <= ledger.year_end
        expected[(request.result or "") if handled else "carried_forward", request.applicant or ""] += 1
    return expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_random_ledgers_balance_and_count_each_request_once(ledger: Ledger) -> None:
    record = tabulate(ledger)
    assert _arithmetic_findings(record) == []
    everyone = len(ledger.all_requests())
    assert _total(record, "new_received") == len(ledger.requests)
    assert _total(record, "carried_over") == len(ledger.carried_over)
    assert _total(record, "total_processed") + _total(record, "carried_forward") == everyone
    expected = _expected_counts(ledger)
    result_keys = formats.result_row_keys(formats.request_rows(ledger.template))
    for row in ("new_received", "carried_over", "carried_forward", *result_keys):
        for index, column in enumerate(APPLICANTS):
            assert record.rows[row][index] == expected[row, column], (row, column)
    assert sum(int(b["total"] or 0) for b in record.review_litigation.values()) == len(ledger.cases)
    # the order of the rows does not matter
    shuffled = replace(ledger, requests=random.Random(0).sample(ledger.requests, len(ledger.requests)))
    assert tabulate(shuffled).rows == record.rows
    # every request gets a deadline status, whatever its dates
    statuses = check_ledger(ledger, ledger.year_end, FILE_ONLY)
    assert len(statuses) == everyone
    for deadline in statuses:
        if deadline.request.answered is None and deadline.status not in (Status.PAUSED, Status.DATA_ERROR, Status.CALENDAR_UNKNOWN):
            assert deadline.status in (Status.DUE, Status.OVERDUE)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([(2024, 2025), (2025, 2026), (2020, 2021)]), st.data())
def test_last_years_carried_forward_is_this_years_carried_over(years: tuple[int, int], data: st.DataObject) -> None:
    last_year, this_year = years
    last = data.draw(ledgers(last_year))
    template = TEMPLATE_OF[this_year]
    carried = []
    for request in carried_forward_requests(last):
        fitted = fit_template(request, template)
        if fitted.answered is not None and fitted.result is None:  # a 2019 （六）其他处理 carried into 2021: chosen again
            fitted = replace(fitted, result=result_rows(template)[0].key)
        carried.append(fitted)
    this = replace(data.draw(ledgers(this_year)), carried_over=carried)
    before, now = tabulate(last), tabulate(this)
    assert now.rows["carried_over"] == before.rows["carried_forward"]
    assert _arithmetic_findings(now, previous=before) == []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ledgers())
def test_xlsx_round_trip(tmp_path: Path, ledger: Ledger) -> None:
    path = write_ledger(tmp_path / "ledger.xlsx", ledger)
    again = read_ledger(path)
    assert [replace(r, place=Place(r.place.sheet)) for r in again.requests] == [replace(r, place=Place(r.place.sheet)) for r in ledger.requests]
    assert [r.number for r in again.carried_over] == [r.number for r in ledger.carried_over]
    assert again.active == ledger.active
    assert [(c.kind, c.outcome, c.closed) for c in again.cases] == [(c.kind, c.outcome, c.closed) for c in ledger.cases]
    assert tabulate(again).rows == tabulate(ledger).rows
    assert tabulate(again).review_litigation == tabulate(ledger).review_litigation
