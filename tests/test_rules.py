"""A pass/fail case table for every rule of `gongkai.check.RULES`.

Each `Case` builds a record (from generated report text, or a file for the file-level rules)
and states whether one rule must fire on it. `test_every_rule_has_cases` makes a rule
registered without at least one firing and one silent case fail the suite.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

import gongkai
from gongkai import formats
from gongkai.check import RULES, get_rule, run_rules
from gongkai.model import Finding, Record
from synth.generate import agency_series, plant_series, to_text
from synth.reportgen import (
    DROP,
    Report,
    covers,
    random_report,
    render,
    simple_report,
    with_row_totals,
    zero_active,
    zero_requests,
    zero_review,
)
from synth.reportgen import cell_value as value

# Severities as record.md states them; derived_value and digits_split are not in record.md's
# table but follow its principle ("it carries derived: true … and an info finding").
SPEC_SEVERITY = {
    "unreadable": "error",
    "not_a_report": "error",
    "table_missing": "error",
    "cell_unreadable": "warning",
    "blank_cell": "warning",
    "invalid_number": "error",
    "pre2019_report": "info",
    "template_outdated": "error",
    "section_missing": "error",
    "derived_value": "info",
    "digits_split": "info",
    "row_total": "error",
    "results_total": "error",
    "balance": "error",
    "review_total": "error",
    "narrative_mismatch": "error",
    "date_before_period_end": "error",
    "published_late": "warning",
    "year_mismatch": "warning",
    "carry_over_chain": "error",
    "stock_continuity": "warning",
    "copied_text": "warning",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


# ------------------------------------------------------------------ the sample report


def sample() -> Report:
    """A small consistent 2023 report of a 局 whose numbers the cases below can reason about.

    Applications in 自然人, 商业企业 and 法律服务机构; 13 received + 1 carried over =
    12 processed + 2 carried forward.
    """
    rows = zero_requests()
    rows["new_received"][:6] = [10, 2, 0, 0, 1, 0]
    rows["carried_over"][:6] = [1, 0, 0, 0, 0, 0]
    rows["granted"][:6] = [5, 1, 0, 0, 0, 0]
    rows["partially_granted"][:6] = [2, 0, 0, 0, 0, 0]
    rows["unavailable_not_held"][:6] = [2, 1, 0, 0, 1, 0]
    rows["total_processed"][:6] = [9, 2, 0, 0, 1, 0]
    rows["carried_forward"][:6] = [2, 0, 0, 0, 0, 0]
    review = zero_review()
    review["review"] = {"upheld": 1, "corrected": 0, "other": 1, "pending": 0, "total": 2}
    review["litigation_direct"] = {"upheld": 0, "corrected": 1, "other": 0, "pending": 1, "total": 2}
    active = zero_active()
    active["regulations"] = {"issued": 1, "repealed": 0, "in_force": 5}
    active["normative_documents"] = {"issued": 3, "repealed": 1, "in_force": 20}
    active["licensing"]["decisions"] = 120
    active["punishment"]["decisions"] = 45
    active["coercion"]["decisions"] = 2
    active["fees"]["amount"] = 12.5
    return Report(requests=with_row_totals(rows), review=review, active=active, published=date(2024, 1, 20))


NARRATIVE = "2023年，本机关收到政府信息公开申请13件，上年结转1件，办结12件，结转下年度2件。"

PRE2019_TEXT = """某县环境保护局2017年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》要求编制。

一、概述
2017年，我局认真贯彻落实政府信息公开条例，不断完善政府信息公开工作机制。
二、主动公开政府信息情况
全年主动公开政府信息120条。
三、依申请公开政府信息情况
指标名称\t单位\t数量
收到申请数\t件\t5
同意公开\t件\t3
同意部分公开\t件\t1
不同意公开\t件\t1
四、政府信息公开的收费及减免情况
本年度未收取任何费用。
五、因政府信息公开申请行政复议、提起行政诉讼的情况
本年度未发生行政复议和行政诉讼。
六、存在的主要问题及改进情况
工作人员业务水平有待提高。
七、其他需要报告的事项
无。

某县环境保护局
{date}
"""

NEWS_TEXT = """市政府召开全市经济工作会议

本报讯 12月15日上午，市政府召开全市经济工作会议，总结今年经济工作，分析当前经济形势，部署明年经济工作。
会议指出，今年以来，全市上下坚持稳中求进工作总基调，经济运行总体平稳、稳中有进，主要经济指标增速好于预期。
会议强调，要坚定信心、保持定力，扎实做好明年各项经济工作，推动高质量发展取得新成效。市领导出席会议。
"""


# ------------------------------------------------------------------ helpers


def check(report: Report) -> Record:
    return gongkai.check_text(render(report))


Builder = Callable[[Path], Record]
Expect = Callable[[list[Finding], Record], None]


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    fires: bool
    build: Builder
    expect: Expect | None = None  # further checks of the rule's findings when it fires


def text(report: Report | Callable[[], Report]) -> Builder:
    return lambda _tmp: check(report() if callable(report) else report)


def raw(source: str) -> Builder:
    return lambda _tmp: gongkai.check_text(source)


def file(content: bytes | Callable[[], bytes], name: str = "report.txt") -> Builder:
    def build(tmp: Path) -> Record:
        path = tmp / name
        path.write_bytes(content() if callable(content) else content)
        return gongkai.check(path)

    return build


def one_arithmetic(location: dict[str, str], expected: int, actual: int) -> Expect:
    """Exactly one finding of the rule, at `location`, with these expected and actual values."""

    def expect(hits: list[Finding], _record: Record) -> None:
        matching = [h for h in hits if all(h.location.get(k) == v for k, v in location.items())]
        assert len(matching) == 1, [h.to_dict() for h in hits]
        assert (matching[0].expected, matching[0].actual) == (expected, actual)

    return expect


def cells_null(*paths: str) -> Expect:
    """The cells are null in the record and each is named by one of the findings."""

    def expect(hits: list[Finding], record: Record) -> None:
        for path in paths:
            assert value(record, path) is None, path
            assert any(covers(h, path) for h in hits), (path, [h.location for h in hits])

    return expect


def cells_equal(values: dict[str, int | float | None], provenance_derived: bool | None = None) -> Expect:
    def expect(hits: list[Finding], record: Record) -> None:
        for path, wanted in values.items():
            assert value(record, path) == wanted, path
            assert any(covers(h, path) for h in hits), (path, [h.location for h in hits])
            # A derived cell without any provenance is test_derived_cell_carries_derived_provenance's bug.
            if provenance_derived is not None and path in record.provenance:
                assert record.provenance[path].derived is provenance_derived, path

    return expect


def located(**location: object) -> Expect:
    def expect(hits: list[Finding], _record: Record) -> None:
        assert any(all(h.location.get(k) == v for k, v in location.items()) for h in hits), [h.location for h in hits]

    return expect


def values_pair(expected: object, actual: object) -> Expect:
    def expect(hits: list[Finding], _record: Record) -> None:
        assert any((h.expected, h.actual) == (expected, actual) for h in hits), [h.to_dict() for h in hits]

    return expect


def both(*checks: Expect) -> Expect:
    def expect(hits: list[Finding], record: Record) -> None:
        for one in checks:
            one(hits, record)

    return expect


# ------------------------------------------------------------------ table edits


def edited(edit: Callable[[Report], None], base: Callable[[], Report] = sample) -> Callable[[], Report]:
    """A report factory: `base()` changed in place by `edit` (a fresh copy per test)."""

    def make() -> Report:
        report = base()
        edit(report)
        return report

    return make


def _results_broken(report: Report) -> None:
    # 自然人: one more processed, one fewer carried forward → the balance still holds,
    # row totals are kept, only （七）总计 ≠ the sum of the result rows (自然人 and 总计 columns).
    report.requests["total_processed"][0] += 1
    report.requests["total_processed"][6] += 1
    report.requests["carried_forward"][0] -= 1
    report.requests["carried_forward"][6] -= 1


def _balance_broken(report: Report) -> None:
    # 商业企业: one more received, row total kept → only the balance breaks (商业企业, 总计).
    report.requests["new_received"][1] += 1
    report.requests["new_received"][6] += 1


def _ambiguous_split(report: Report) -> None:
    # "110000011" is 1 10 0 0 0 0 11 or 11 0 0 0 0 0 11. With （七）总计 and 本年新收 run
    # together too, every column equation holds for both readings: the reader must not pick one.
    report.row_text["granted"] = "110000011"
    report.row_text["total_processed"] = "110000011"
    report.row_text["new_received"] = "110000011"


def _ambiguous_review_split(report: Report) -> None:
    # 行政复议 "1100011" is 1 10 0 0 11 or 11 0 0 0 11; only the block's own total constrains it.
    report.review["review"] = {"upheld": 1, "corrected": 10, "other": 0, "pending": 0, "total": 11}
    report.review_text = "\t".join(["1100011"] + ["0"] * 10)


def _set_review(block: str, values: list[int]) -> Callable[[Report], None]:
    def edit(report: Report) -> None:
        report.review[block] = dict(zip((f.key for f in formats.REVIEW_FIELDS), values, strict=True))

    return edit


def _single_other_row_read(_hits: list[Finding], record: Record) -> None:
    """The printed （六）其他处理 row is kept as printed; the three 2021 rows it replaces are null."""
    printed = random_report(5, single_other_row=True).requests["other_handling"]
    assert record.rows["other_handling"] == printed
    assert all(record.rows.get(key) is None for key in formats.OTHER_2021_KEYS)


def _no_number_checks(_hits: list[Finding], record: Record) -> None:
    """A pre-2019 report: no table or arithmetic findings at all."""
    numeric = {
        "table_missing",
        "section_missing",
        "row_total",
        "results_total",
        "balance",
        "review_total",
        "cell_unreadable",
        "blank_cell",
    }
    assert not [f for f in record.findings if f.rule in numeric]


# ------------------------------------------------------------------ two years of one agency (cross-year rules)


def two_years(
    kind: str | None,
    *,
    seed: int,
    zero_rate: float = 0.4,
    skip_year: bool = False,
    layouts: tuple[str, str] = ("tabs", "tabs"),
) -> Builder:
    """The 2023 report of a generated agency checked against its 2022 report (as the store does),
    with one cross-year inconsistency of `kind` planted in 2023 (None: the years agree).
    `skip_year`: the earlier report is 2021's, not the year before."""

    def build(_tmp: Path) -> Record:
        years = (2021, 2022, 2023)
        specs = list(agency_series(seed, agencies=1, years=years, typo_rate=0, prefix_rate=0, zero_rate=zero_rate))
        if kind is not None:
            specs, _planted = plant_series(specs, kind, random.Random(seed), year=2023)
        earlier = specs[0] if skip_year else specs[1]
        previous = gongkai.check_text(to_text(earlier, layouts[0]), path=f"{earlier.year}.txt")
        record = gongkai.read_text(to_text(specs[2], layouts[1]), path="2023.txt")
        return run_rules(record, previous)

    return build


def one_cross_year(rule: str) -> Expect:
    """The planted break is found where it was planted, and nowhere else."""

    def expect(hits: list[Finding], record: Record) -> None:
        if rule == "carry_over_chain":
            assert {h.location["row"] for h in hits} == {"carried_over"}
            assert len(hits) == 2 and "total" in {h.location["column"] for h in hits}, [h.to_dict() for h in hits]
            for hit in hits:
                assert record.rows["carried_over"][formats.REQUEST_COLUMN_KEYS.index(hit.location["column"])] == hit.actual
        else:
            assert len(hits) == 1 and hits[0].location["column"] == "in_force", [h.to_dict() for h in hits]
            assert record.active[hits[0].location["row"]]["in_force"] == hits[0].actual

    return expect


def previous_named() -> Expect:
    """Every cross-year finding names the other report."""

    def expect(hits: list[Finding], _record: Record) -> None:
        assert all(h.location.get("previous") == "2022.txt" for h in hits), [h.location for h in hits]

    return expect


# ------------------------------------------------------------------ the cases

CASES: list[Case] = [
    # -- unreadable
    Case("empty-file", "unreadable", True, file(b"", "empty.txt")),
    Case("random-bytes", "unreadable", True, file(lambda: random.Random(7).randbytes(4096), "scan.bin")),
    Case("missing-file", "unreadable", True, lambda tmp: gongkai.check(tmp / "absent.txt")),
    Case("report-file", "unreadable", False, file(lambda: render(sample()).encode("utf-8"))),
    Case("report-file-gb18030", "unreadable", False, file(lambda: render(sample()).encode("gb18030"))),
    # -- not_a_report
    Case("news-article", "not_a_report", True, raw(NEWS_TEXT)),
    Case(
        "news-mentioning-disclosure",
        "not_a_report",
        True,
        raw(NEWS_TEXT.replace("市领导出席会议。", "会议要求深入推进政府信息公开工作。")),
    ),
    Case("report", "not_a_report", False, text(sample)),
    # -- pre2019_report
    Case(
        "2017-report",
        "pre2019_report",
        True,
        raw(PRE2019_TEXT.format(date="2018年3月20日")),
        _no_number_checks,
    ),
    Case("2023-report", "pre2019_report", False, text(sample)),
    # -- template_outdated
    Case(
        "2019-tables-in-2023",
        "template_outdated",
        True,
        text(lambda: random_report(4, template=formats.TEMPLATE_2019)),
        values_pair(formats.TEMPLATE_2021, formats.TEMPLATE_2019),
    ),
    Case(
        "2021-with-single-other-row",
        "template_outdated",
        True,
        text(lambda: random_report(5, single_other_row=True)),
        both(located(table="三", row="other_handling"), _single_other_row_read),
    ),
    Case("2021-tables-in-2023", "template_outdated", False, text(sample)),
    Case(
        "2019-tables-in-2020",
        "template_outdated",
        False,
        text(lambda: random_report(4, template=formats.TEMPLATE_2019, year=2020)),
    ),
    # -- table_missing
    *(
        Case(
            f"no-table-{name}",
            "table_missing",
            True,
            text(sample().with_(omit_tables=frozenset({name}))),
            located(table=name),
        )
        for name in ("二", "三", "四")
    ),
    Case("all-tables", "table_missing", False, text(sample)),
    # -- section_missing
    *(
        Case(
            f"no-section-{number}",
            "section_missing",
            True,
            text(sample().with_(omit_sections=frozenset({number}))),
            located(section=number),
        )
        for number in range(1, 7)
    ),
    Case("all-sections", "section_missing", False, text(sample)),
    # -- cell_unreadable
    Case(
        "ambiguous-digits-table3",
        "cell_unreadable",
        True,
        text(edited(_ambiguous_split, lambda: simple_report("granted", [1, 10, 0, 0, 0, 0, 11]))),
        cells_null("requests.granted.natural_person", "requests.granted.commercial"),
    ),
    Case(
        "ambiguous-digits-table4",
        "cell_unreadable",
        True,
        text(edited(_ambiguous_review_split, lambda: simple_report("granted", [1, 0, 0, 0, 0, 0, 1]))),
        cells_null("review_litigation.review.upheld", "review_litigation.review.corrected"),
    ),
    Case(
        "unique-split",
        "cell_unreadable",
        False,
        text(simple_report("granted", [71, 3, 0, 0, 0, 0, 74], row_text={"granted": "713000074"})),
    ),
    Case("clean", "cell_unreadable", False, text(sample)),
    # -- blank_cell
    *(
        Case(
            f"blank-{label}",
            "blank_cell",
            True,
            text(sample().with_(cells={path: printed})),
            cells_null(path),
        )
        for label, path, printed in (
            ("dash-table3", "requests.granted.commercial", "—"),
            ("slash-table3", "requests.carried_forward.research", "/"),
            ("empty-table3", "requests.partially_granted.commercial", ""),
            ("dash-table4", "review_litigation.review.corrected", "—"),
            ("slash-table2", "active.fees.amount", "/"),
            ("empty-table2", "active.licensing.decisions", ""),
        )
    ),
    Case("clean", "blank_cell", False, text(sample)),
    # -- invalid_number
    Case(
        "fraction-table3",
        "invalid_number",
        True,
        text(sample().with_(cells={"requests.granted.commercial": "2.5"})),
        both(cells_null("requests.granted.commercial"), values_pair(None, "2.5")),
    ),
    Case(
        "negative-table3",
        "invalid_number",
        True,
        # A negative count is kept as printed (never repaired) and reported.
        text(sample().with_(cells={"requests.granted.research": "-3"})),
        both(cells_equal({"requests.granted.research": -3}), values_pair(None, "-3")),
    ),
    Case(
        "fraction-table2-count",
        "invalid_number",
        True,
        text(sample().with_(cells={"active.regulations.issued": "2.5"})),
        cells_null("active.regulations.issued"),
    ),
    Case("fraction-fee-amount", "invalid_number", False, text(sample().with_(cells={"active.fees.amount": "2.75"}))),
    Case(
        "negative-2019-change",
        "invalid_number",
        False,
        # 本年增/减 of the 2019 table 二 may be negative.
        text(
            lambda: random_report(8, template=formats.TEMPLATE_2019, year=2020).with_(
                cells={"active.licensing.change": "-3"}
            )
        ),
    ),
    Case("clean", "invalid_number", False, text(sample)),
    # -- derived_value
    Case(
        "zero-row-prints-six",
        "derived_value",
        True,
        text(sample().with_(cells={"requests.rejected_duplicate.research": DROP})),
        cells_equal(
            {f"requests.rejected_duplicate.{c}": 0 for c in formats.REQUEST_COLUMN_KEYS}, provenance_derived=True
        ),
    ),
    Case(
        "lost-cell-forced-by-totals",
        "derived_value",
        True,
        text(simple_report("granted", [3, 0, 0, 0, 0, 0, 3], cells={"requests.granted.natural_person": DROP})),
        cells_equal({"requests.granted.natural_person": 3}, provenance_derived=True),
    ),
    Case("clean", "derived_value", False, text(sample)),
    # -- digits_split
    Case(
        "run-together-row",
        "digits_split",
        True,
        text(simple_report("granted", [71, 3, 0, 0, 0, 0, 74], row_text={"granted": "713000074"})),
        cells_equal(
            {"requests.granted.natural_person": 71, "requests.granted.commercial": 3, "requests.granted.total": 74}
        ),
    ),
    Case("clean", "digits_split", False, text(sample)),
    # -- row_total
    Case(
        "total-one-too-many",
        "row_total",
        True,
        text(sample().with_(cells={"requests.granted.total": "7"})),
        one_arithmetic({"table": "三", "row": "granted", "column": "total"}, 6, 7),
    ),
    Case("clean", "row_total", False, text(sample)),
    # -- results_total
    Case(
        "processed-not-sum-of-results",
        "results_total",
        True,
        text(edited(_results_broken)),
        both(
            one_arithmetic({"table": "三", "row": "total_processed", "column": "natural_person"}, 9, 10),
            one_arithmetic({"table": "三", "row": "total_processed", "column": "total"}, 12, 13),
        ),
    ),
    Case("clean", "results_total", False, text(sample)),
    # -- balance
    Case(
        "received-not-processed-plus-forward",
        "balance",
        True,
        text(edited(_balance_broken)),
        both(
            one_arithmetic({"table": "三", "column": "commercial"}, 3, 2),
            one_arithmetic({"table": "三", "column": "total"}, 15, 14),
        ),
    ),
    Case("balance-holds-results-broken", "balance", False, text(edited(_results_broken))),
    Case("clean", "balance", False, text(sample)),
    # -- review_total
    Case(
        "review-total-wrong",
        "review_total",
        True,
        text(edited(_set_review("review", [1, 0, 1, 0, 3]))),
        one_arithmetic({"table": "四", "row": "review", "column": "total"}, 2, 3),
    ),
    Case(
        "litigation-total-wrong",
        "review_total",
        True,
        text(edited(_set_review("litigation_after_review", [1, 2, 0, 0, 0]))),
        one_arithmetic({"table": "四", "row": "litigation_after_review", "column": "total"}, 3, 0),
    ),
    Case("clean", "review_total", False, text(sample)),
    # -- narrative_mismatch
    Case(
        "received-figure-differs",
        "narrative_mismatch",
        True,
        text(sample().with_(narrative=[NARRATIVE.replace("13件", "14件")])),
        both(values_pair(13, 14), located(section=1, table="三")),
    ),
    Case(
        "listed-parts-short",
        "narrative_mismatch",
        True,
        text(sample().with_(narrative=["主动公开政府信息100条，其中政策文件30条、工作动态60条。"])),
        values_pair(90, 100),
    ),
    Case("figures-agree", "narrative_mismatch", False, text(sample().with_(narrative=[NARRATIVE]))),
    Case(
        "listed-parts-add-up",
        "narrative_mismatch",
        False,
        text(sample().with_(narrative=["主动公开政府信息100条，其中政策文件30条、工作动态70条。"])),
    ),
    # -- date_before_period_end
    Case(
        "dated-in-december",
        "date_before_period_end",
        True,
        text(sample().with_(published=date(2023, 12, 20))),
        values_pair("> 2023-12-31", "2023-12-20"),
    ),
    Case("dated-31-december", "date_before_period_end", True, text(sample().with_(published=date(2023, 12, 31)))),
    Case("dated-january", "date_before_period_end", False, text(sample().with_(published=date(2024, 1, 15)))),
    Case("undated", "date_before_period_end", False, text(sample().with_(published=None))),
    # -- published_late
    Case(
        "bureau-february",
        "published_late",
        True,
        text(sample().with_(agency="某市交通运输局", published=date(2024, 2, 10))),
        values_pair("<= 2024-01-31", "2024-02-10"),
    ),
    Case(
        "government-april",
        "published_late",
        True,
        text(sample().with_(agency="某市人民政府", published=date(2024, 4, 2))),
        values_pair("<= 2024-03-31", "2024-04-02"),
    ),
    Case(
        "bureau-31-january",
        "published_late",
        False,
        text(sample().with_(agency="某市交通运输局", published=date(2024, 1, 31))),
    ),
    Case(
        "government-march",
        "published_late",
        False,
        text(sample().with_(agency="某市人民政府", published=date(2024, 3, 20))),
    ),
    # -- year_mismatch
    Case("period-last-year", "year_mismatch", True, text(sample().with_(period_year=2022)), values_pair(2023, 2022)),
    Case("period-matches", "year_mismatch", False, text(sample)),
    # -- carry_over_chain, stock_continuity, copied_text (the record and the agency's report for the year before)
    Case(
        "carried-over-changed",
        "carry_over_chain",
        True,
        two_years("carry_over_chain", seed=3),
        both(one_cross_year("carry_over_chain"), previous_named()),
    ),
    Case("chain-holds", "carry_over_chain", False, two_years(None, seed=3)),
    Case("chain-holds-dense", "carry_over_chain", False, two_years(None, seed=4, zero_rate=0.0)),
    Case("previous-not-last-year", "carry_over_chain", False, two_years("carry_over_chain", seed=3, skip_year=True)),
    Case(
        "stock-jumps",
        "stock_continuity",
        True,
        two_years("stock_continuity", seed=5),
        both(one_cross_year("stock_continuity"), previous_named()),
    ),
    Case("stock-continues", "stock_continuity", False, two_years(None, seed=5)),
    Case("stock-continues-dense", "stock_continuity", False, two_years(None, seed=6, zero_rate=0.0)),
    Case("text-copied", "copied_text", True, two_years("copied_text", seed=7), previous_named()),
    Case(
        "text-copied-other-layout",
        "copied_text",
        True,
        two_years("copied_text", seed=8, layouts=("layout", "markdown")),
        previous_named(),
    ),
    Case("text-rewritten", "copied_text", False, two_years(None, seed=7)),
    Case("text-rewritten-other-seed", "copied_text", False, two_years(None, seed=9, layouts=("cells", "tabs"))),
]


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{'fires' if c.fires else 'silent'}-{c.id}" for c in CASES])
def test_rule_case(case: Case, tmp_path: Path) -> None:
    record = case.build(tmp_path)
    hits = [f for f in record.findings if f.rule == case.rule]
    if not case.fires:
        assert not hits, [h.to_dict() for h in hits]
        return
    assert hits, f"{case.rule} did not fire; findings: {[f.to_dict() for f in record.findings]}"
    assert {h.severity for h in hits} == {SPEC_SEVERITY[case.rule]}
    if case.expect is not None:
        case.expect(hits, record)


def test_every_rule_has_cases() -> None:
    """A newly registered rule fails here until it gets a firing and a silent case."""
    names = {r.name for r in RULES}
    assert names - {c.rule for c in CASES if c.fires} == set()
    assert names - {c.rule for c in CASES if not c.fires} == set()
    assert {c.rule for c in CASES} <= names  # no case for a rule that does not exist


def test_registry_severities_match_record_md() -> None:
    for registered in RULES:
        assert registered.severity == SPEC_SEVERITY[registered.name], registered.name


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_findings_are_chinese_and_coded(case: Case, tmp_path: Path) -> None:
    """Every finding: a Chinese message, a registered rule and that rule's stable code."""
    for finding in case.build(tmp_path).findings:
        assert CJK.search(finding.message), finding.message
        assert finding.code == get_rule(finding.rule).code
        assert finding.severity in ("error", "warning", "info")


@pytest.mark.parametrize(
    "report",
    [
        pytest.param(sample(), id="sample"),
        pytest.param(sample().with_(narrative=[NARRATIVE]), id="sample-with-narrative"),
        *(pytest.param(random_report(seed), id=f"random-{seed}") for seed in range(8)),
        *(pytest.param(random_report(seed, zero_share=0.0), id=f"random-dense-{seed}") for seed in range(3)),
        *(
            pytest.param(random_report(seed, template=formats.TEMPLATE_2019, year=2020), id=f"random-2019-{seed}")
            for seed in range(3)
        ),
        pytest.param(random_report(1, agency="某市人民政府", published=date(2024, 3, 31)), id="government-31-march"),
    ],
)
def test_consistent_report_has_no_errors_or_warnings(report: Report) -> None:
    record = check(report)
    assert record.template == report.template
    assert (record.year, record.agency) == (report.year, report.agency)
    assert record.published == (report.published.isoformat() if report.published else None)
    assert [f.to_dict() for f in record.findings if f.severity in ("error", "warning")] == []
    assert not record.notes.cells  # every cell read plainly: nothing blank, derived or split


# ------------------------------------------------------------------ regressions of bugs found while writing these tables


def test_derived_cell_carries_derived_provenance() -> None:
    record = check(simple_report("granted", [3, 0, 0, 0, 0, 0, 3], cells={"requests.granted.natural_person": DROP}))
    assert value(record, "requests.granted.natural_person") == 3
    provenance = record.provenance.get("requests.granted.natural_person")
    assert provenance is not None and provenance.derived


def test_pre2019_department_report_due_31_march() -> None:
    record = gongkai.check_text(PRE2019_TEXT.format(date="2018年3月20日"))
    assert record.year == 2017
    assert "published_late" not in {f.rule for f in record.findings}
