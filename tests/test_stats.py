"""Indicators (issue 4, item 5): formulas on hand-built records, null and zero denominators,
aggregates as ratios of sums, ranks and year-on-year changes, and the `gongkai stats` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from sample_store import SampleStore, build

from gongkai import formats
from gongkai.analyse import (
    INDICATORS,
    INDICATORS_BY_KEY,
    group_table,
    indicators_markdown,
    measures,
    report_table,
)
from gongkai.analyse.indicators import Measure
from gongkai.analyse.stats import By, grouped_table, reports_table, table_text
from gongkai.check import RULES
from gongkai.model import Finding, Record, Source, empty_requests, empty_review
from gongkai.render import display_width
from gongkai.store import StoredReport

ROOT = Path(__file__).resolve().parents[1]

# A consistent table 三 (总计 column) and table 四.
TOTALS: dict[str, int] = {
    "new_received": 100,
    "carried_over": 10,
    "granted": 40,
    "partially_granted": 20,
    "withheld_state_secret": 2,
    **{key: 1 for key in formats.RESULT_CATEGORIES["withheld"][1:]},  # 9 withheld in all
    "unavailable_not_held": 5,
    "unavailable_needs_creation": 3,
    "unavailable_unclear": 2,
    **{key: 1 for key in formats.RESULT_CATEGORIES["rejected"]},  # 5
    "other_no_correction": 3,
    "other_no_fee": 0,
    "other_misc": 3,
    "total_processed": 90,
    "carried_forward": 20,
}
REVIEW = {
    "review": {"upheld": 6, "corrected": 2, "other": 2, "pending": 1, "total": 11},
    "litigation_direct": {"upheld": 3, "corrected": 1, "other": 0, "pending": 2, "total": 6},
    "litigation_after_review": {"upheld": 1, "corrected": 1, "other": 2, "pending": 0, "total": 4},
}


def make_record(
    changes: dict[str, int | None] | None = None,
    review: dict[str, dict[str, int | None]] | None = None,
    *,
    year: int = 2023,
    agency: str = "甲市交通运输局",
    findings: list[Finding] | None = None,
) -> Record:
    record = Record(Source("hand-built.txt"), formats.TEMPLATE_2021, year, agency)
    record.requests = empty_requests(formats.TEMPLATE_2021)
    for key, value in {**TOTALS, **(changes or {})}.items():
        record.requests["rows"][key][formats.COLUMN_INDEX["total"]] = value
    record.review_litigation = empty_review()
    for block, fields in REVIEW.items():
        record.review_litigation[block].update(fields)
        record.review_litigation[block].update((review or {}).get(block, {}))
    record.findings = findings or []
    return record


def value(record: Record, key: str) -> float | None:
    return INDICATORS_BY_KEY[key].measure(record).value


def parts(record: Record, key: str) -> tuple[Any, Any]:
    measure = INDICATORS_BY_KEY[key].measure(record)
    return measure.numerator, measure.denominator


# ---------------------------------------------------------------- formulas


def test_every_formula_on_a_complete_record() -> None:
    record = make_record()
    assert value(record, "received") == 100
    assert value(record, "processed") == 90
    assert parts(record, "disclosure_rate") == (60, 90)
    assert parts(record, "withheld_rate") == (9, 90)
    assert parts(record, "withheld_state_secret") == (2, 90)
    assert value(record, "withheld_state_secret") == pytest.approx(2 / 90)
    for key in formats.RESULT_CATEGORIES["withheld"][1:]:
        assert parts(record, key) == (1, 90)
    assert parts(record, "unavailable_rate") == (10, 90)
    assert parts(record, "rejected_rate") == (5, 90)
    assert parts(record, "carry_forward_rate") == (20, 110)
    assert parts(record, "review_correction_rate") == (2, 10)  # 尚未审结 is not in the denominator
    assert parts(record, "litigation_correction_rate") == (2, 8)  # both litigation blocks together
    assert value(record, "litigation_correction_rate") == 0.25


def test_each_of_the_eight_withheld_reasons_is_an_indicator() -> None:
    keys = {i.key for i in INDICATORS}
    assert set(formats.RESULT_CATEGORIES["withheld"]) <= keys
    assert len(formats.RESULT_CATEGORIES["withheld"]) == 8


def test_null_cells_make_the_indicator_null_never_zero() -> None:
    record = make_record({"granted": None})
    assert parts(record, "disclosure_rate") == (None, 90)
    assert value(record, "disclosure_rate") is None
    assert value(record, "withheld_rate") == pytest.approx(9 / 90)  # other indicators are unaffected

    record = make_record({"withheld_query_matters": None})
    assert value(record, "withheld_rate") is None
    assert value(record, "withheld_query_matters") is None
    assert value(record, "withheld_state_secret") == pytest.approx(2 / 90)

    record = make_record({"total_processed": None})
    assert all(value(record, key) is None for key in ("disclosure_rate", "withheld_rate", "unavailable_rate", "rejected_rate"))

    record = make_record(review={"litigation_after_review": {"corrected": None}})
    assert value(record, "litigation_correction_rate") is None
    assert value(record, "review_correction_rate") == 0.2

    record = make_record({"carried_over": None})
    assert value(record, "carry_forward_rate") is None
    assert value(record, "received") == 100


def test_zero_denominators_give_null_ratios_with_known_parts() -> None:
    zero = {key: 0 for key in TOTALS}
    record = make_record(zero, {block: {f: 0 for f in fields} for block, fields in REVIEW.items()})
    for key in ("disclosure_rate", "withheld_rate", "unavailable_rate", "rejected_rate", "carry_forward_rate",
                "review_correction_rate", "litigation_correction_rate"):  # fmt: skip
        assert value(record, key) is None, key
        assert parts(record, key) == (0, 0), key
    assert value(record, "received") == 0  # a count of zero is a real zero


def test_absent_tables_and_rows_are_null() -> None:
    record = Record(Source("empty.txt"))
    assert all(m.value is None for key, m in measures(record).items() if INDICATORS_BY_KEY[key].kind != "per_report")
    mixed = make_record()
    mixed.requests["rows"]["other_no_correction"] = None  # a row the report did not print
    assert value(mixed, "disclosure_rate") == pytest.approx(60 / 90)


def test_findings_per_report_by_rule() -> None:
    findings = [
        Finding("balance", "GK203", "error", "…"),
        Finding("balance", "GK203", "error", "…"),
        Finding("published_late", "GK402", "warning", "…"),
    ]
    record = make_record(findings=findings)
    assert value(record, "errors") == 2
    assert value(record, "warnings") == 1
    assert value(record, "findings_balance") == 2
    assert value(record, "findings_published_late") == 1
    assert value(record, "findings_row_total") == 0


# ---------------------------------------------------------------- aggregates


def test_aggregates_are_ratios_of_sums_over_reports_with_both_parts_known() -> None:
    rate = INDICATORS_BY_KEY["disclosure_rate"]
    small = make_record({"granted": 1, "partially_granted": 0, "total_processed": 2})  # parts 1/2
    large = rate.measure(make_record())  # 60/90
    unknown = rate.measure(make_record({"granted": None}))  # excluded
    empty = Measure(None, 0, 0, 1)  # a report that handled nothing: known parts, no ratio
    total = rate.aggregate([rate.measure(small), large, unknown, empty])
    assert (total.numerator, total.denominator, total.n) == (61, 92, 3)
    assert total.value == pytest.approx(61 / 92)  # not the mean of 1/2 and 60/90
    assert rate.aggregate([unknown]) == Measure(None, None, None, 0)

    received = INDICATORS_BY_KEY["received"]
    counts = [received.measure(make_record({"new_received": n})) for n in (5, None, 7)]
    assert received.aggregate(counts) == Measure(12, 12, None, 2)

    errors = INDICATORS_BY_KEY["errors"]
    per_report = [errors.measure(make_record(findings=[Finding("balance", "GK203", "error", "…")] * n)) for n in (0, 1, 5)]
    assert errors.aggregate(per_report).value == 2  # mean per report


def stored(report_id: int, record: Record, region: str | None = None) -> StoredReport:
    return StoredReport(report_id, record, record.agency, region)


@pytest.fixture
def hand_reports() -> list[StoredReport]:
    return [
        stored(1, make_record(year=2022, agency="甲"), "甲市"),  # received 100, 60/90
        stored(2, make_record({"new_received": 150, "carried_over": 0, "granted": 25, "carried_forward": 60}, agency="甲"), "甲市"),
        stored(3, make_record({"new_received": 150, "carried_over": 0, "granted": None, "carried_forward": 60}, agency="乙"), "乙县"),
        stored(4, make_record({"new_received": 10, "carried_over": 80, "granted": 70, "partially_granted": 20}, agency="丙"), "甲市"),
    ]


def test_ranks_within_year_and_year_on_year_changes(hand_reports: list[StoredReport]) -> None:
    rows = {row["id"]: row for row in report_table(hand_reports).rows}
    # 2023: 甲 and 乙 tie on 150 received, 丙 is third; 乙's 公开率 is null and not ranked.
    assert [rows[i]["rank_received"] for i in (2, 3, 4)] == [1, 1, 3]
    assert rows[2]["rank_received_of"] == 3
    assert rows[4]["rank_disclosure_rate"] == 1 and rows[2]["rank_disclosure_rate"] == 2
    assert rows[3]["rank_disclosure_rate"] is None and rows[2]["rank_disclosure_rate_of"] == 2
    assert rows[1]["rank_received"] == 1 and rows[1]["rank_received_of"] == 1
    # 甲 2023 against 甲 2022: received +50, 公开率 45/90 − 60/90 in percentage points.
    assert rows[2]["yoy_received"] == 50
    assert rows[2]["yoy_disclosure_rate_pp"] == pytest.approx((45 / 90 - 60 / 90) * 100)
    assert rows[3]["yoy_received"] is None and rows[1]["yoy_received"] is None  # no previous year
    assert [row["id"] for row in report_table(hand_reports).rows] == [1, 2, 3, 4]


def test_group_tables_by_year_agency_region(hand_reports: list[StoredReport]) -> None:
    by_year = {row["year"]: row for row in group_table(hand_reports, "year").rows}
    assert by_year[2023]["reports"] == 3
    assert by_year[2023]["received"] == 310 and by_year[2023]["received_n"] == 3
    assert by_year[2023]["disclosure_rate_numerator"] == 45 + 90  # 乙 (null 予以公开) is left out
    assert by_year[2023]["disclosure_rate_denominator"] == 180
    assert by_year[2023]["disclosure_rate_n"] == 2
    assert by_year[2023]["disclosure_rate"] == pytest.approx(135 / 180)

    by_agency = {row["agency_key"]: row for row in group_table(hand_reports, "agency").rows}
    assert by_agency["甲"]["reports"] == 2 and by_agency["甲"]["years"] == "2022、2023"
    assert by_agency["甲"]["received"] == 250

    by_region = {row["region"]: row for row in group_table(hand_reports, "region").rows}
    assert by_region["甲市"]["reports"] == 3 and by_region["乙县"]["reports"] == 1

    text = table_text(group_table(hand_reports, "year"))
    assert "75.0%（2）" in text  # a ratio from fewer reports than the group has says how many


# ---------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleStore:
    return build(tmp_path_factory.mktemp("stats"))


run = run_cli


def db(sample: SampleStore) -> str:
    return sample.store.url.removeprefix("sqlite:///")


def test_stats_text_is_an_aligned_table_by_year(sample: SampleStore) -> None:
    result = run("stats", "--db", db(sample))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.split("\n\n")[0].splitlines()
    assert lines[0].split()[:3] == ["年度", "报告数", "本年新收申请"]
    assert len({display_width(line) for line in lines}) == 1  # every row lines up with the header
    years = sorted({r.record.year for r in sample.reports if r.record.year})
    assert [int(line.split()[0]) for line in lines[2:]] == years


@pytest.mark.parametrize("by", ["report", "agency", "region"])
def test_stats_text_other_groupings(sample: SampleStore, by: str) -> None:
    result = run("stats", "--db", db(sample), "--by", by)
    assert result.exit_code == 0, result.stderr
    table = result.stdout.split("\n\n")[0].splitlines()
    expected = len(sample.reports) if by == "report" else len({getattr(r, f"{by}_key" if by == "agency" else by) for r in sample.reports})
    assert len(table) == 2 + expected


@pytest.mark.parametrize("by", ["year", "agency", "region"])
def test_stats_in_sql_are_the_figures_of_the_records(sample: SampleStore, by: By) -> None:
    """The grouped table computed by SQL over the summaries equals the one computed from every
    stored record (cross-year findings included), for every indicator."""
    with sample.store.engine.connect() as connection:
        in_sql = grouped_table(connection, (by,), INDICATORS)
        rows = list(in_sql.rows)
    from_records = group_table(sample.reports, by, INDICATORS)
    assert [c.key for c in in_sql.columns] == [c.key for c in from_records.columns]
    assert rows == from_records.rows
    assert any(row["errors"] for row in rows) and any(row[f"findings_{RULES[0].name}"] is not None for row in rows)


def test_stats_by_report_in_sql_are_the_figures_of_the_records(sample: SampleStore) -> None:
    """Ranks within the year (window functions), year-on-year changes (a join on the agency's
    year before) and every indicator, computed by SQL and streamed, equal those computed from
    the records."""
    with sample.store.engine.connect() as connection:
        in_sql = reports_table(connection, INDICATORS)
        assert not isinstance(in_sql.rows, list)  # a stream
        rows = list(in_sql.rows)
    from_records = report_table(sample.reports, INDICATORS)
    assert [c.key for c in in_sql.columns] == [c.key for c in from_records.columns]
    assert rows == from_records.rows
    assert any(row["yoy_received"] is not None for row in rows) and any(row["rank_disclosure_rate"] for row in rows)


def test_stats_by_two_keys_are_each_groups_figures(sample: SampleStore) -> None:
    """`--by region,year`: one row per region and year, equal to grouping that region's records by year."""
    with sample.store.engine.connect() as connection:
        in_sql = list(grouped_table(connection, ("region", "year"), INDICATORS).rows)
    expected = []
    for region in sorted({r.region for r in sample.reports}, key=lambda k: (k is None, k or "")):
        of_region = [r for r in sample.reports if r.region == region]
        expected += [{"region": region, **row} for row in group_table(of_region, "year", INDICATORS).rows]
    assert [{"region": row["region"], **row} for row in in_sql] == expected
    assert len({row["region"] for row in in_sql}) > 1 and len({row["year"] for row in in_sql}) > 1


def test_stats_command_groups_by_several_keys(sample: SampleStore) -> None:
    result = run("stats", "--db", db(sample), "--by", "region,year", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all({"region", "year", "reports", "received"} <= set(row) for row in rows)
    assert sum(row["reports"] for row in rows) == len(sample.reports)
    for wrong in ("year,year", "report,year", "county", ""):
        refused = run("stats", "--db", db(sample), "--by", wrong)
        assert refused.exit_code == 2 and "--by" in refused.stderr and "Traceback" not in refused.stderr


def test_stats_csv_and_json_carry_raw_values_of_every_indicator(sample: SampleStore) -> None:
    result = run("stats", "--db", db(sample), "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:2] == ["year", "reports"]
    assert all(f"{i.key}" in rows[0] for i in INDICATORS)
    rate = INDICATORS_BY_KEY["disclosure_rate"]
    by_year = {int(row["year"]): row for row in rows if row["year"]}
    for year, row in by_year.items():
        expected = rate.aggregate(rate.measure(r.record) for r in sample.reports if r.record.year == year)
        assert row["disclosure_rate_n"] == str(expected.n)
        assert (float(row["disclosure_rate"]) if row["disclosure_rate"] else None) == expected.value

    result = run("stats", "--db", db(sample), "--format", "json", "--by", "report")
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == len(sample.reports)
    assert {"id", "agency", "year", "received", "disclosure_rate", "rank_received", "yoy_disclosure_rate_pp"} <= set(data[0])
    by_id = {row["id"]: row for row in data}
    records = {(r.agency_key, r.record.year): r for r in sample.reports}
    for (key, year), item in records.items():
        before = records.get((key, (year or 0) - 1))
        if before is None or key is None:
            continue
        now, then = (measures(x.record)["received"].value for x in (item, before))
        assert by_id[item.id]["yoy_received"] == (None if now is None or then is None else now - then)


def test_stats_indicator_selection_and_errors(sample: SampleStore, tmp_path: Path) -> None:
    result = run("stats", "--db", db(sample), "--indicators", "received,withheld_state_secret", "--format", "csv")
    assert result.stdout.splitlines()[0].split(",") == [
        "year", "reports", "received", "received_n", "withheld_state_secret", "withheld_state_secret_numerator",
        "withheld_state_secret_denominator", "withheld_state_secret_n",
    ]  # fmt: skip
    result = run("stats", "--db", db(sample), "--indicators", "nope")
    assert result.exit_code == 2 and "nope" in result.stderr
    result = run("stats", "--db", str(tmp_path / "missing.db"))
    assert result.exit_code == 2 and "不存在" in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_indicators_doc_is_generated_from_the_definitions() -> None:
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == indicators_markdown()
    result = run("stats", "--list", "--format", "markdown")
    assert result.stdout == indicators_markdown()
    listing = run("stats", "--list").stdout.splitlines()
    assert [line.split()[0] for line in listing] == [i.key for i in INDICATORS]
    catalog = json.loads(run("stats", "--list", "--format", "json").stdout)
    assert catalog[2]["key"] == "disclosure_rate" and catalog[2]["formula"] == "（予以公开 + 部分公开） ÷ （七）总计"
