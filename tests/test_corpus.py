"""gongkai against the hand-checked corpus: every cell, the metadata, the known errors, provenance.

Inputs are the seed texts and the real PDFs, read directly and converted with `pdftotext -layout`; the truth files
are described in ../shared/corpus/README.md. Golden files pin the full record of each seed so
that any change in output (a message, a location, a provenance entry) is seen in review.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import GOLDEN, corpus_params, load_truth, seed_files, truth_files

import gongkai
from gongkai import Finding, Record
from gongkai.check import RULES
from gongkai.formats import REQUEST_COLUMN_KEYS
from gongkai.model import cell_values
from gongkai.read import load

ARITHMETIC = frozenset({"row_total", "results_total", "balance", "review_total"})
TABLE_WHERE = ("requests.", "review_litigation.")
MAX_SHOWN = 30  # differences listed in one failure message; more would bury the first ones

CASES = corpus_params(truth_files("seeds") + truth_files("real"))
# Each real PDF is read twice: by gongkai's own PDF reader, and as `pdftotext -layout` text.
READINGS = ("direct", "pdftotext")


class Case:
    """One corpus document: its truth, the text gongkai read, and the checked record."""

    def __init__(self, truth_path: Path, source: Path, from_pdf: bool) -> None:
        self.truth = load_truth(truth_path)
        self.source = source
        self.from_pdf = from_pdf
        self.record = gongkai.check(source)

    @property
    def name(self) -> str:
        return str(self.truth["file"])


_cases: dict[tuple[Path, str], Case] = {}


_PARAMS = [
    pytest.param((p.values[0], reading), id=f"{p.id}-{reading}", marks=p.marks)
    for p in CASES
    for reading in (READINGS if p.values[0] is not None and str(load_truth(p.values[0])["file"]).endswith(".pdf") else ("text",))
]


@pytest.fixture(params=_PARAMS)
def case(request: pytest.FixtureRequest, corpus: Path) -> Case:
    truth_path, reading = request.param
    if (truth_path, reading) not in _cases:
        source = corpus / str(load_truth(truth_path)["file"])
        from_pdf = source.suffix == ".pdf"
        if reading == "pdftotext":
            # Asked for lazily so that the other cases still run where pdftotext is missing.
            pdf_text: Callable[[Path], Path] = request.getfixturevalue("pdf_text")
            source = pdf_text(source)
        _cases[(truth_path, reading)] = Case(truth_path, source, from_pdf)
    return _cases[(truth_path, reading)]


def _report(case: Case, problems: list[str]) -> str:
    shown = problems[:MAX_SHOWN]
    more = f"\n  … and {len(problems) - MAX_SHOWN} more" if len(problems) > MAX_SHOWN else ""
    return f"{case.name} (read from {case.source.name}):\n  " + "\n  ".join(shown) + more


# ------------------------------------------------------------------ values


def truth_values(truth: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every cell the truth fixes; a null row means seven null cells."""
    yield from cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"]).items()


def record_values(record: Record) -> dict[str, Any]:
    """(dotted path → value) of every cell of the record's three tables, null rows expanded."""
    return dict(record.cell_values())


def test_every_cell_equals_truth(case: Case) -> None:
    ours = record_values(case.record)
    expected = dict(truth_values(case.truth))
    problems = [
        f"{path}: truth {want!r}, read {ours.get(path, '<absent>')!r}"
        for path, want in expected.items()
        if path not in ours or ours[path] != want
    ]
    # A cell the truth does not know about would be an invented row or field.
    problems += [f"{path}: read {value!r}, not in the truth" for path, value in ours.items() if path not in expected]
    assert not problems, _report(case, problems)


def test_requests_columns_are_the_contract_order(case: Case) -> None:
    assert case.record.requests["columns"] == list(REQUEST_COLUMN_KEYS) == [
        "natural_person",
        "commercial",
        "research",
        "social_welfare",
        "legal_service",
        "other_org",
        "total",
    ]


def test_metadata_equals_truth(case: Case) -> None:
    record, truth = case.record, case.truth
    match = truth.get("agency_match") or truth["agency"]
    problems = []
    if not record.agency or match not in record.agency:
        problems.append(f"agency {record.agency!r} does not contain {match!r}")
    for key in ("year", "published", "template"):
        if getattr(record, key) != truth[key]:
            problems.append(f"{key}: truth {truth[key]!r}, read {getattr(record, key)!r}")
    assert not problems, _report(case, problems)


# ------------------------------------------------------------------ findings


def finding_matches(known: dict[str, Any], finding: Finding) -> bool:
    """Same rule and, for a table place (requests.X / review_litigation.X), X as row or column."""
    if finding.rule != known["rule"]:
        return False
    where = str(known.get("where", ""))
    if not where.startswith(TABLE_WHERE):
        return True
    place = where.split(".")[-1]
    return place in (finding.location.get("row"), finding.location.get("column"))


def test_every_known_inconsistency_is_found(case: Case) -> None:
    missed = [
        f"missed {known['rule']} at {known.get('where')!r}: {known.get('detail', '')}"
        for known in case.truth["known_inconsistencies"]
        if not any(finding_matches(known, f) for f in case.record.findings)
    ]
    assert not missed, _report(case, missed)


def test_no_arithmetic_finding_beyond_the_known_ones(case: Case) -> None:
    # Stricter than "the rule is listed": each arithmetic finding must be one of the listed places.
    known = case.truth["known_inconsistencies"]
    false = [
        f"false {f.rule} at {f.location}: {f.message}"
        for f in case.record.findings
        if f.rule in ARITHMETIC and not any(finding_matches(k, f) for k in known)
    ]
    assert not false, _report(case, false)


def test_findings_have_chinese_messages_and_known_rules(case: Case) -> None:
    names = {rule.name for rule in RULES}
    problems = [
        f"{f.rule}: {f.message!r}"
        for f in case.record.findings
        if f.rule not in names or f.severity not in ("error", "warning", "info") or not _has_chinese(f.message)
    ]
    assert not problems, _report(case, problems)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# ------------------------------------------------------------------ provenance


def parse_number(text: str) -> int | float | None:
    """The number a provenance text prints ("3,119" → 3119, "7730.28" → 7730.28), or None."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        return float(cleaned)
    except ValueError:
        return None


def test_every_value_has_provenance(case: Case) -> None:
    record = case.record
    direct = case.source.suffix == ".pdf"
    if direct:
        # Read from the PDF itself: lines are those of the text gongkai rebuilt, each with its page.
        rebuilt = load(case.source).lines
        lines, pages = [line.text for line in rebuilt], [line.page for line in rebuilt]
    else:
        lines = case.source.read_text(encoding="utf-8").split("\n")
    problems = []
    for path, value in record_values(record).items():
        if value is None:
            continue
        provenance = record.provenance.get(path)
        if provenance is None:
            problems.append(f"{path} = {value!r} has no provenance")
            continue
        if not isinstance(provenance.line, int) or not 1 <= provenance.line <= len(lines):
            problems.append(f"{path}: line {provenance.line!r} is not a line of the source")
            continue
        if case.from_pdf and not isinstance(provenance.page, int):
            problems.append(f"{path}: no page number for pdftotext input")
        if provenance.derived:
            continue
        if parse_number(provenance.text) != value:
            problems.append(f"{path}: text {provenance.text!r} does not parse to {value!r}")
        line = lines[provenance.line - 1]
        if provenance.text not in line:
            problems.append(f"{path}: text {provenance.text!r} is not on line {provenance.line}: {line.strip()!r}")
        elif direct:
            if provenance.page != pages[provenance.line - 1]:
                problems.append(f"{path}: page {provenance.page}, but line {provenance.line} is on page {pages[provenance.line - 1]}")
        elif case.from_pdf:
            # pdftotext separates pages with form feeds; the page is 1 + the feeds before the text.
            before = "\n".join(lines[: provenance.line - 1]) + line[: line.index(provenance.text)]
            if provenance.page != before.count("\f") + 1:
                problems.append(f"{path}: page {provenance.page}, but the text is on page {before.count(chr(12)) + 1}")
    assert not problems, _report(case, problems)




def test_derived_values_are_never_silent(case: Case) -> None:
    record = case.record
    derived = [path for path, p in record.provenance.items() if p.derived]
    silent = [p for p in derived if not any(f.severity == "info" and f.covers(p) for f in record.findings)]
    assert not silent, _report(case, [f"{p} is derived without an info finding" for p in silent])


def test_every_real_pdf_has_a_truth_and_its_page_count(corpus: Path, real_texts: dict[str, Path]) -> None:
    truths = {Path(str(load_truth(p)["file"])).stem for p in truth_files("real")}
    assert set(real_texts) == truths, "a real PDF without a truth file (or a truth without its PDF)"
    for stem, text in real_texts.items():
        # pdftotext ends every page with a form feed; the record must count the same pages.
        assert gongkai.check(text).source.pages == text.read_text(encoding="utf-8").count("\f"), stem


def test_city_report_titled_by_place_has_the_governments_deadline(corpus: Path) -> None:
    # Seed 000 is 赣州市人民政府's own report (truth agency); it prints no date. Signed 15 March
    # it is on time: a 县级以上 government's own report is due 31 March (条例第四十九条).
    text = (corpus / "seeds" / "000_981dc59110326a5f.txt").read_text(encoding="utf-8")
    record = gongkai.check_text(text.rstrip("\n") + "\n\n2024年3月15日\n")
    assert record.published == "2024-03-15"
    assert "published_late" not in {f.rule for f in record.findings}


# ------------------------------------------------------------------ golden files


def golden_dict(record: Record) -> dict[str, Any]:
    """The record as JSON with a machine-independent source path (the file name)."""
    data = record.to_dict()
    data["source"]["path"] = Path(data["source"]["path"]).name
    # Round-trip so that the comparison sees exactly what the file holds (tuples → lists, …).
    loaded: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False))
    return loaded


def differences(want: Any, have: Any, path: str = "") -> Iterator[str]:
    """Readable differences between two JSON values, by dotted path."""
    if isinstance(want, dict) and isinstance(have, dict):
        for key in list(want) + [k for k in have if k not in want]:
            where = f"{path}.{key}" if path else str(key)
            if key not in have:
                yield f"{where}: missing (golden {want[key]!r})"
            elif key not in want:
                yield f"{where}: new {have[key]!r}"
            else:
                yield from differences(want[key], have[key], where)
    elif isinstance(want, list) and isinstance(have, list) and len(want) == len(have):
        for index, (w, h) in enumerate(zip(want, have, strict=True)):
            yield from differences(w, h, f"{path}[{index}]")
    elif want != have or type(want) is not type(have):
        yield f"{path}: golden {want!r}, now {have!r}"


@pytest.mark.parametrize("seed_path", corpus_params(seed_files()))
def test_golden(seed_path: Path, corpus: Path, update_golden: bool) -> None:
    golden = GOLDEN / f"{seed_path.stem}.json"
    current = golden_dict(gongkai.check(seed_path))
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    if not golden.is_file():
        pytest.fail(f"no golden file {golden}; create it with `pytest --update-golden` and review it")
    problems = list(differences(json.loads(golden.read_text(encoding="utf-8")), current))
    assert not problems, (
        f"{seed_path.name} differs from {golden.name} (if intended: `pytest --update-golden`, then review the diff):\n  "
        + "\n  ".join(problems[:MAX_SHOWN])
    )
