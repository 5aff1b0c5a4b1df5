"""Round trips: generated reports, rendered in every format, read back by gongkai.

Every format of `synth.generate.RENDERINGS` (four text layouts, Word with and without a page
break inside table 三, web pages in UTF-8, GBK, GBK under a lying meta charset, and without a
signature date) is rendered for N random consistent reports and read back with
`gongkai.check` (text with `gongkai.check_text`). Each report must come back whole: every
cell of the three tables (175 + 15 + 10), agency, year, signature date and template, with no
error or warning finding. Reports with one planted inconsistency must raise the planted rule at
the planted place and no arithmetic finding beyond the relations the change breaks.

N is 25 per format (the default suite stays fast) or 200 with GONGKAI_ROUNDTRIP_FULL=1. The
figures (cells right / cells, documents) are printed at the end of the run.

The renderings are realistic (a Word table split across pages, a page without a signature
date, prose before table 四 in pdftotext layout): the reader must read them all.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import gongkai
from gongkai import formats
from gongkai.model import Finding, Record
from synth.generate import (
    ARITHMETIC_RULES,
    PLANT_KINDS,
    RENDERINGS,
    ReportSpec,
    expected_cells,
    plant,
    random_report,
    render,
    to_text,
    violations,
)

FULL = os.environ.get("GONGKAI_ROUNDTRIP_FULL") == "1"
N_REPORTS = 200 if FULL else 25  # consistent reports per format
N_PLANTED = 20 if FULL else 3  # reports per format and kind of planted inconsistency
N_VARIANTS = 40 if FULL else 5  # per format: 2019-format reports, 2021 reports with one （六） row

FORMATS = list(RENDERINGS)

def _params() -> list[Any]:
    return [pytest.param(name, id=name) for name in FORMATS]


# ------------------------------------------------------------------ reading back


def read_back(spec: ReportSpec, name: str, folder: Path) -> Record:
    """Render `spec` as `name` and check it: text in memory, files from disk."""
    if name.startswith("text-"):
        return gongkai.check_text(to_text(spec, name.removeprefix("text-")), path=f"<{name}-{spec.seed}>")
    data, suffix = render(spec, name)
    path = folder / f"{name}-{spec.seed}{suffix}"
    path.write_bytes(data)
    return gongkai.check(path)


def wrong_cells(spec: ReportSpec, record: Record) -> list[tuple[str, Any, Any]]:
    """(path, expected, read) for every printed cell the record does not hold exactly."""
    read = record.cell_values()
    return [(path, want, read.get(path)) for path, want in expected_cells(spec).items() if read.get(path) != want]


def wrong_meta(spec: ReportSpec, record: Record) -> list[tuple[str, Any, Any]]:
    pairs = {
        "agency": (spec.agency, record.agency),
        "year": (spec.year, record.year),
        "published": (spec.published.isoformat(), record.published),
        "template": (spec.template, record.template),
    }
    return [(key, want, got) for key, (want, got) in pairs.items() if want != got]


def serious(record: Record) -> list[Finding]:
    return [f for f in record.findings if f.severity in ("error", "warning")]


# ------------------------------------------------------------------ figures


@dataclass
class Figures:
    documents: int = 0
    cells: int = 0
    cells_right: int = 0
    meta_right: int = 0
    clean: int = 0  # documents without error/warning findings
    planted: int = 0
    planted_right: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)


FIGURES: dict[str, Figures] = {}


class _Summary:
    """Prints the per-format figures after pytest's own summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not FIGURES:
            return
        write = terminalreporter.write_line
        write("")
        write(f"round trip figures ({'GONGKAI_ROUNDTRIP_FULL=1' if FULL else 'default'}: {N_REPORTS} reports per format)")
        write(f"  {'format':24s} {'cells right / cells':>24s} {'meta':>9s} {'clean':>9s} {'planted':>9s} {'seconds':>8s}")
        for name, f in FIGURES.items():
            share = f"{f.cells_right}/{f.cells}"
            percent = 100 * f.cells_right / f.cells if f.cells else 0.0
            write(
                f"  {name:24s} {share:>16s} {percent:6.2f}% {f.meta_right:>4d}/{f.documents:<4d} "
                f"{f.clean:>4d}/{f.documents:<4d} {f.planted_right:>4d}/{f.planted:<4d} {f.seconds:8.1f}"
            )


@pytest.fixture(scope="module", autouse=True)
def _figures_summary(request: pytest.FixtureRequest) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin("gongkai-roundtrip-figures"):
        manager.register(_Summary(), "gongkai-roundtrip-figures")


@dataclass
class Outcome:
    spec: ReportSpec
    cells: list[tuple[str, Any, Any]]
    meta: list[tuple[str, Any, Any]]
    findings: list[Finding]
    total_cells: int


@cache
def outcomes(name: str, folder: Path) -> tuple[Outcome, ...]:
    """Render and read back the N consistent reports of one format (once per run)."""
    started = time.perf_counter()
    figures = FIGURES.setdefault(name, Figures())
    out = []
    for seed in range(N_REPORTS):
        spec = random_report(seed)
        record = read_back(spec, name, folder)
        outcome = Outcome(spec, wrong_cells(spec, record), wrong_meta(spec, record), serious(record), len(expected_cells(spec)))
        out.append(outcome)
        figures.documents += 1
        figures.cells += outcome.total_cells
        figures.cells_right += outcome.total_cells - len(outcome.cells)
        figures.meta_right += not outcome.meta
        figures.clean += not outcome.findings
    figures.seconds += time.perf_counter() - started
    return tuple(out)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roundtrip")


def _first(problems: list[tuple[int, Any]], limit: int = 5) -> str:
    return "\n".join(f"  seed {seed}: {problem}" for seed, problem in problems[:limit])


# ------------------------------------------------------------------ consistent reports


@pytest.mark.parametrize("name", _params())
def test_every_cell_comes_back(name: str, folder: Path) -> None:
    results = outcomes(name, folder)
    right = sum(o.total_cells - len(o.cells) for o in results)
    total = sum(o.total_cells for o in results)
    problems = [(o.spec.seed, o.cells[:3]) for o in results if o.cells]
    assert right == total, f"{name}: {right}/{total} cells right over {len(results)} reports\n{_first(problems)}"
    assert total == len(results) * (175 + 15 + 10)


@pytest.mark.parametrize("name", _params())
def test_agency_year_date_template_come_back(name: str, folder: Path) -> None:
    results = outcomes(name, folder)
    problems = [(o.spec.seed, o.meta) for o in results if o.meta]
    assert not problems, f"{name}: {len(problems)}/{len(results)} reports with wrong metadata\n{_first(problems)}"


@pytest.mark.parametrize("name", _params())
def test_consistent_report_has_no_findings(name: str, folder: Path) -> None:
    results = outcomes(name, folder)
    problems = [(o.spec.seed, [(f.rule, f.message) for f in o.findings[:3]]) for o in results if o.findings]
    assert not problems, f"{name}: {len(problems)}/{len(results)} consistent reports with error/warning findings\n{_first(problems)}"


# ------------------------------------------------------------------ planted inconsistencies


def finding_key(finding: Finding) -> tuple[str, str]:
    """(rule, key) of an arithmetic finding, as `violations` names the broken relation."""
    where = finding.location
    if finding.rule in ("row_total", "review_total"):
        return finding.rule, str(where.get("row"))
    return finding.rule, str(where.get("column"))


def check_planted(name: str, kind: str, seed: int, folder: Path, *, sections: tuple[int, ...] | None = None) -> str | None:
    """None when the planted inconsistency is found as planted; else what went wrong."""
    spec = random_report(10_000 + seed)
    planted, what = plant(spec, kind, random.Random(seed), sections=sections)
    record = read_back(planted, name, folder)
    arithmetic = {finding_key(f) for f in record.findings if f.rule in ARITHMETIC_RULES}
    narrative = [f for f in record.findings if f.rule == "narrative_mismatch"]
    others = [f.rule for f in serious(record) if f.rule not in ARITHMETIC_RULES and f.rule != "narrative_mismatch"]
    if others:
        return f"unexpected findings {others} ({what.description})"
    if kind == "narrative":
        if arithmetic:
            return f"arithmetic findings {arithmetic} on a narrative plant"
        hits = [f for f in narrative if f.location.get("section") == what.location["section"] and f.expected == what.expected and f.actual == what.actual]
        if len(hits) != 1 or len(narrative) != 1:
            return f"narrative_mismatch {[(f.location, f.expected, f.actual) for f in narrative]}, planted {what.location} {what.expected}→{what.actual}"
        return None
    if narrative:
        return f"narrative_mismatch on a table plant: {[f.message for f in narrative]}"
    expected = violations(planted)
    if arithmetic != expected:
        return f"arithmetic findings {sorted(arithmetic)}, expected {sorted(expected)} ({what.description})"
    primary = [f for f in record.findings if finding_key(f) == what.key]
    place = {k: v for k, v in what.location.items() if k in ("table", "row", "column")}
    if not primary or any(primary[0].location.get(k) != v for k, v in place.items()):
        return f"{what.rule} not at {place}: {[f.location for f in primary]}"
    if (primary[0].expected, primary[0].actual) != (what.expected, what.actual):
        return f"{what.rule} says {primary[0].expected}/{primary[0].actual}, planted {what.expected}/{what.actual}"
    return None


def _planted_params() -> list[Any]:
    out = []
    for name in FORMATS:
        for kind in PLANT_KINDS:
            out.append(pytest.param(name, kind, id=f"{name}-{kind}"))
    return out


@pytest.mark.parametrize(("name", "kind"), _planted_params())
def test_planted_inconsistency_is_found_where_planted(name: str, kind: str, folder: Path) -> None:
    started = time.perf_counter()
    figures = FIGURES.setdefault(name, Figures())
    # Section 四's prose in pdftotext layout is a known blind spot (see the test below).
    sections = (1, 3) if name == "text-layout" and kind == "narrative" else None
    problems: list[tuple[int, str]] = []
    for seed in range(N_PLANTED):
        problem = check_planted(name, kind, seed, folder, sections=sections)
        figures.planted += 1
        figures.planted_right += problem is None
        if problem:
            problems.append((seed, problem))
    figures.seconds += time.perf_counter() - started
    assert not problems, f"{name}/{kind}: {len(problems)}/{N_PLANTED} planted reports not found as planted\n{_first(problems)}"


def _section4_review_seeds(count: int) -> list[int]:
    """Seeds whose narrative states the 行政复议/行政诉讼 figures in section 四."""
    seeds: list[int] = []
    seed = 10_000
    while len(seeds) < count:
        if any(section == 4 for section, _topic, _value in random_report(seed).statements()):
            seeds.append(seed - 10_000)
        seed += 1
    return seeds


def test_layout_narrative_in_section_4_is_compared(folder: Path) -> None:
    problems = []
    for seed in _section4_review_seeds(3):
        problem = check_planted("text-layout", "narrative", seed, folder, sections=(4,))
        if problem:
            problems.append((seed, problem))
    assert not problems, _first(problems)


# ------------------------------------------------------------------ the 2019 format and the single （六） row


def _variant_params() -> list[Any]:
    out = []
    for name in FORMATS:
        for variant in ("2019", "single_other_row"):
            out.append(pytest.param(name, variant, id=f"{name}-{variant}"))
    return out


VARIANTS: dict[str, tuple[Callable[[int], ReportSpec], set[str]]] = {
    # A 2020 report in the 2019 (试行) format: nothing to report.
    "2019": (lambda seed: random_report(seed, template=formats.TEMPLATE_2019, year=2020), set()),
    # A 2023 report printing （六）其他处理 as one row: template_outdated, and nothing else.
    "single_other_row": (lambda seed: random_report(seed, single_other_row=True), {"template_outdated"}),
}


@pytest.mark.parametrize(("name", "variant"), _variant_params())
def test_format_variants_come_back(name: str, variant: str, folder: Path) -> None:
    make, expected_rules = VARIANTS[variant]
    problems: list[tuple[int, Any]] = []
    for seed in range(N_VARIANTS):
        spec = make(20_000 + seed)
        record = read_back(spec, name, folder)
        cells = wrong_cells(spec, record)
        meta = wrong_meta(spec, record)
        rules = {f.rule for f in serious(record)}
        if cells or meta or rules != expected_rules:
            problems.append((spec.seed, (cells[:3], meta, sorted(rules))))
    assert not problems, f"{name}/{variant}: {len(problems)}/{N_VARIANTS} reports wrong\n{_first(problems)}"


# ------------------------------------------------------------------ the generator itself


@pytest.mark.parametrize("seed", range(50))
def test_generated_reports_are_consistent(seed: int) -> None:
    spec = random_report(seed)
    assert not violations(spec)
    assert set(spec.requests) == {r.key for r in formats.REQUEST_ROWS_2021}
    assert all(v >= 0 for values in spec.requests.values() for v in values)
    assert spec.published.year == spec.year + 1 and spec.published.month == 1
    figures = spec.figures()
    assert all(value == figures[topic] for _section, topic, value in spec.statements())


def test_generator_is_deterministic() -> None:
    assert random_report(3) == random_report(3)
    assert to_text(random_report(3), "layout") == to_text(random_report(3), "layout")
    assert random_report(3) != random_report(4)


def test_generated_reports_have_zeros_and_large_numbers() -> None:
    cells = [v for seed in range(100) for values in random_report(seed).requests.values() for v in values]
    assert 0.4 < cells.count(0) / len(cells) < 0.95
    assert max(cells) >= 1000


@pytest.mark.parametrize("kind", PLANT_KINDS)
def test_plant_breaks_exactly_what_it_says(kind: str) -> None:
    for seed in range(30):
        spec = random_report(seed)
        planted, what = plant(spec, kind, random.Random(seed))
        assert not violations(spec), "plant() must not change its input"
        if kind == "narrative":
            assert not violations(planted)
            assert planted.overrides == {what.location["topic"]: what.actual}
        else:
            broken = violations(planted)
            assert what.key in broken
            assert broken == {what.key} | what.collateral
            # At most the planted relation plus the 总计 column's column sums (（七）总计 and 勾稽).
            assert len(broken) <= 3
            assert all((rule, key) == what.key or (rule in ("results_total", "balance") and key == "total") for rule, key in broken)
