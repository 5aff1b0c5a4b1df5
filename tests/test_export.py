"""Exports (issue 4, item 6): CSV and JSON Lines shapes, the Excel round trip, the official
layout's merged cells, highlighted findings, and valid sheet names."""

from __future__ import annotations

import copy
import csv
import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from openpyxl import load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sample_store import SampleStore, build

from gongkai import formats
from gongkai.export import (
    CELL_COLUMNS,
    FINDINGS_SHEET,
    REPORT_COLUMNS,
    SEVERITY_FILLS,
    SUMMARY_SHEET,
    canonical_paths,
    export,
    export_csv,
    export_jsonl,
    export_xlsx,
    locate_cells,
    read_xlsx,
    sanitize_sheet_name,
    sheet_names,
)
from gongkai.layout import Grid
from gongkai.model import Finding, Record, Source
from gongkai.render import SEVERITY_NAMES
from gongkai.safe import xlsx_clean
from gongkai.store import StoredReport
from synth.generate import tables

INVALID = set("[]:*?/\\")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleStore:
    return build(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def workbook(sample: SampleStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    path = tmp_path_factory.mktemp("xlsx") / "reports.xlsx"
    return path, export_xlsx(sample.reports, path)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def as_csv(value: Any) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------- CSV and JSON Lines


def test_csv_folder_has_cells_reports_and_findings(sample: SampleStore, tmp_path: Path) -> None:
    counts = export_csv(sample.reports, tmp_path / "out")
    cells = read_csv(tmp_path / "out" / "cells.csv")
    assert list(cells[0]) == list(CELL_COLUMNS)
    assert counts["cells.csv"] == len(cells) == sum(len(r.record.cell_values()) for r in sample.reports)
    by_report = {r.id: r for r in sample.reports}
    for row in cells:
        record = by_report[int(row["report_id"])].record
        path = f"{ {'三': 'requests', '四': 'review_litigation', '二': 'active'}[row['table']] }.{row['row']}.{row['column']}".replace(" ", "")
        assert row["value"] == as_csv(record.cell_values()[path])
        provenance = record.provenance.get(path)
        assert row["text"] == as_csv(provenance.text if provenance else None)
        assert row["derived"] == ("true" if provenance and provenance.derived else "false")
        assert row["row_label"] and row["column_label"]
    secret = next(r for r in cells if r["row"] == "withheld_state_secret" and r["column"] == "total")
    assert secret["row_label"] == "（三）不予公开·1.属于国家秘密" and secret["column_label"] == "总计"

    reports = read_csv(tmp_path / "out" / "reports.csv")
    assert list(reports[0])[: len(REPORT_COLUMNS)] == list(REPORT_COLUMNS)
    assert list(reports[0])[len(REPORT_COLUMNS) :] == canonical_paths()  # stable columns, whatever the reports
    assert len(reports) == len(sample.reports)
    for row in reports:
        item = by_report[int(row["id"])]
        assert row["path"] == item.record.source.path and row["errors"] == str(item.record.count("error"))
        for path, value in item.record.cell_values().items():
            assert row[path] == as_csv(value), path

    findings = read_csv(tmp_path / "out" / "findings.csv")
    assert len(findings) == sum(len(r.record.findings) for r in sample.reports)
    assert any(f["rule"] == "carry_over_chain" for f in findings)  # cross-year findings are included
    assert all(json.loads(f["location"]) is not None for f in findings)


def test_jsonl_is_one_record_per_line_in_the_contract(sample: SampleStore, tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    assert export_jsonl(sample.reports, path) == len(sample.reports)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(sample.reports)
    for line, item in zip(lines, sample.reports):
        data = json.loads(line)
        assert data["schema"] == "gongkai.report/1"
        assert data == item.record.to_dict()
        assert Record.from_dict(data).cell_values() == item.record.cell_values()
    rules = {f["rule"] for line in lines for f in json.loads(line)["findings"]}
    assert "carry_over_chain" in rules


# ---------------------------------------------------------------- Excel


def test_xlsx_round_trip_gives_the_stored_value_of_every_cell(sample: SampleStore, workbook: tuple[Path, dict[int, str]]) -> None:
    path, names = workbook
    back = read_xlsx(path)
    assert set(back) == set(names.values())
    for item in sample.reports:
        stored = item.record.cell_values()
        read = back[names[item.id]]
        assert read == stored, names[item.id]
        for key, value in stored.items():  # amounts stay decimal numbers, counts stay integers
            assert type(read[key]) is type(value) or value is None or float(value).is_integer(), key
    nulls = sum(1 for item in sample.reports for v in item.record.cell_values().values() if v is None)
    assert nulls > 0, "the samples include null cells (the 2019-style 其他处理 row of a 2023 PDF)"


def _origin_of(ws: Worksheet, text: str, column: int) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == text)


def _expected_ranges(grid: Grid, top: int, columns: list[tuple[int, int]]) -> set[str]:
    """The sheet ranges of a grid's spanning cells, the grid's column c drawn over sheet columns `columns[c]`."""
    out = set()
    for cell in grid.cells:
        first, last = columns[cell.col][0], columns[cell.col + cell.colspan - 1][1]
        if cell.rowspan > 1 or last > first:
            out.add(f"{get_column_letter(first)}{top + cell.row}:{get_column_letter(last)}{top + cell.row + cell.rowspan - 1}")
    return out


def test_report_sheets_merge_cells_exactly_like_the_national_format(
    sample: SampleStore, workbook: tuple[Path, dict[int, str]]
) -> None:
    """Every span of the official layout (`gongkai.layout`, drawn from the generated report's
    values) is a merged range of the sheet."""
    path, names = workbook
    book = load_workbook(path)
    checked = 0
    for item in sample.reports:
        spec = sample.specs.get(item.record.source.path)
        if spec is None:
            continue
        ws = book[names[item.id]]
        merged = {str(r) for r in ws.merged_cells.ranges}
        one_to_one = [(c, c) for c in range(1, 20)]
        grids = tables(spec)
        assert grids.requests is not None and grids.review is not None and grids.active is not None
        t3 = _origin_of(ws, formats.BALANCE_NOTE, 1)
        assert _expected_ranges(grids.requests, t3, one_to_one) <= merged
        t4 = _origin_of(ws, formats.REVIEW_BLOCKS[0].label, 4)
        assert _expected_ranges(grids.review, t4, [(c, c) for c in range(4, 19)]) <= merged
        t2 = _origin_of(ws, formats.active_rows(spec.template)[0].block, 1)
        assert _expected_ranges(grids.active, t2, [(1, 3), (4, 5), (6, 7), (8, 10)]) <= merged
        checked += 1
    assert checked == len(sample.specs)

    # The headers spelled out (2021 format): the note 3 rows × 3 label columns, 申请人情况 over 7, …
    item = next(i for i in sample.reports if i.record.template == formats.TEMPLATE_2021 and i.record.source.path in sample.specs)
    ws = book[names[item.id]]
    top = _origin_of(ws, formats.BALANCE_NOTE, 1)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {f"A{top}:C{top + 2}", f"D{top}:J{top}", f"D{top + 1}:D{top + 2}", f"E{top + 1}:I{top + 1}", f"J{top + 1}:J{top + 2}"} <= merged
    assert ws.cell(top, 4).value == "申请人情况" and ws.cell(top + 1, 5).value == "法人或其他组织"
    first = top + 3
    assert f"A{first + 2}:A{first + 2 + 21}" in merged  # 三、本年度办理结果 over 22 rows
    assert ws.cell(first + 2, 1).value == formats.GROUPS[0].label
    assert f"B{first + 4}:B{first + 11}" in merged and ws.cell(first + 4, 2).value == "（三）不予公开"
    t4 = _origin_of(ws, "行政复议", 4)
    assert {f"D{t4}:H{t4}", f"I{t4}:R{t4}", f"I{t4 + 1}:M{t4 + 1}", f"N{t4 + 1}:R{t4 + 1}", f"D{t4 + 1}:D{t4 + 2}"} <= merged
    assert ws.cell(t4, 9).value == "行政诉讼" and ws.cell(t4 + 1, 9).value == "未经复议直接起诉"


def test_cells_that_findings_concern_are_filled_by_severity_with_the_message_as_comment(
    sample: SampleStore, workbook: tuple[Path, dict[int, str]]
) -> None:
    path, names = workbook
    book = load_workbook(path)
    rank = {"error": 0, "warning": 1, "info": 2}
    fills = {fill.fgColor.rgb[-6:]: severity for severity, fill in SEVERITY_FILLS.items()}
    seen = 0
    for item in sample.reports:
        ws = book[names[item.id]]
        coordinates = locate_cells(ws)
        for finding in item.record.findings:
            location = finding.location
            if not (location.get("table") and location.get("row") and location.get("column")):
                continue
            table = {"三": "requests", "四": "review_litigation", "二": "active"}[location["table"]]
            cell = ws[coordinates[f"{table}.{location['row']}.{location['column']}"]]
            severity = fills[cell.fill.fgColor.rgb[-6:]]
            assert rank[severity] <= rank[finding.severity]  # the most severe finding of the cell wins
            assert cell.comment is not None and finding.message in cell.comment.text
            seen += 1
        highlighted = {c for c in coordinates.values() if ws[c].fill.fill_type == "solid" and ws[c].comment is not None}
        if not item.record.findings:
            assert not highlighted
    assert seen >= 5
    # A balance finding (a column, no row) marks the four terms of that column.
    item = next(i for i in sample.reports if any(f.rule == "balance" for f in i.record.findings))
    ws = book[names[item.id]]
    column = next(f.location["column"] for f in item.record.findings if f.rule == "balance")
    coordinates = locate_cells(ws)
    for row in ("new_received", "carried_over", "total_processed", "carried_forward"):
        assert ws[coordinates[f"requests.{row}.{column}"]].comment is not None


def test_summary_and_findings_sheets(sample: SampleStore, workbook: tuple[Path, dict[int, str]]) -> None:
    path, names = workbook
    book = load_workbook(path)
    assert book.sheetnames[:2] == [SUMMARY_SHEET, FINDINGS_SHEET]
    summary = book[SUMMARY_SHEET]
    header = [c.value for c in summary[1]]
    assert header[:3] == ["编号", "工作表", "机关"] and "公开率" in header and header[-3:] == ["错误", "警告", "提示"]
    assert summary.max_row == 1 + len(sample.reports)
    for row in summary.iter_rows(min_row=2):
        item = next(i for i in sample.reports if i.id == row[0].value)
        assert row[1].value == names[item.id]
        assert row[1].hyperlink is not None and row[1].hyperlink.location == f"'{names[item.id]}'!A1"
        assert row[-3].value == item.record.count("error")
    findings = book[FINDINGS_SHEET]
    assert findings.max_row == 1 + sum(len(i.record.findings) for i in sample.reports)


def test_every_finding_is_in_the_comment_of_a_filled_cell_its_findings_row_links_to(
    sample: SampleStore, workbook: tuple[Path, dict[int, str]]
) -> None:
    """Report by report: each finding's row of the findings sheet (in the reports' order) links to a
    cell of the report's sheet that holds the finding in its comment; a comment lists the cell's
    findings most severe first and the cell is filled in that severity's colour; a report sheet has
    no severity fill without a comment and no comment without a fill."""
    path, names = workbook
    book = load_workbook(path)
    rank = {"error": 0, "warning": 1, "info": 2}
    fills = {fill.fgColor.rgb[-6:]: severity for severity, fill in SEVERITY_FILLS.items()}
    severity_of_name = {name: severity for severity, name in SEVERITY_NAMES.items()}
    rows = list(book[FINDINGS_SHEET].iter_rows(min_row=2))
    position = 0
    for item in sample.reports:
        ws = book[names[item.id]]
        for finding in item.record.findings:
            row = rows[position]
            position += 1
            assert (row[0].value, row[1].value, row[5].value, row[6].value) == (item.id, names[item.id], finding.code, finding.rule)
            assert fills[row[4].fill.fgColor.rgb[-6:]] == finding.severity
            assert row[1].hyperlink is not None and row[1].hyperlink.location is not None
            sheet, _, coordinate = row[1].hyperlink.location[1:].rpartition("'!")
            assert sheet.replace("''", "'") == names[item.id]
            cell = ws[coordinate]
            assert cell.comment is not None, (names[item.id], coordinate, finding.rule)
            line = f"{SEVERITY_NAMES[finding.severity]} {finding.code} {finding.rule}：{xlsx_clean(finding.message)}"
            assert line in cell.comment.text.splitlines()
        for sheet_row in ws.iter_rows():
            for cell in sheet_row:
                fill = fills.get(cell.fill.fgColor.rgb[-6:]) if cell.fill.fill_type == "solid" else None
                assert (fill is not None) == (cell.comment is not None), (names[item.id], cell.coordinate)
                if cell.comment is not None:
                    found = [severity_of_name[line.split(" ", 1)[0]] for line in cell.comment.text.splitlines()]
                    assert found == sorted(found, key=rank.__getitem__) and fill == found[0], (names[item.id], cell.coordinate)
    assert position == len(rows) > 5


def test_merged_blocks_of_the_tables_are_bordered_all_round(sample: SampleStore, workbook: tuple[Path, dict[int, str]]) -> None:
    """The border of a merged header or label is on every edge cell of the block as written (read
    without openpyxl's own merge handling), so that Excel draws the block's border whole."""
    path, names = workbook
    merged = load_workbook(path)
    book = load_workbook(path, read_only=True)
    blocks = 0
    for item in sample.reports[:3]:
        ranges = [r for r in merged[names[item.id]].merged_cells.ranges if r.size["rows"] > 1 or r.size["columns"] > 1]
        written = {(c.row, c.column): c for row in book[names[item.id]].iter_rows() for c in row if isinstance(c, ReadOnlyCell)}
        for block in ranges:
            top = written[(block.min_row, block.min_col)]
            if top.border.left is None or top.border.left.style is None:
                continue  # the title, the line under it, the headings: no border
            blocks += 1
            for r in range(block.min_row, block.max_row + 1):
                assert written[(r, block.min_col)].border.left.style == "thin", (str(block), r)
                assert written[(r, block.max_col)].border.right.style == "thin", (str(block), r)
            for c in range(block.min_col, block.max_col + 1):
                assert written[(block.min_row, c)].border.top.style == "thin", (str(block), c)
                assert written[(block.max_row, c)].border.bottom.style == "thin", (str(block), c)
    book.close()
    assert blocks > 20


def test_the_workbook_is_written_from_the_stores_iterator_one_report_at_a_time(sample: SampleStore, tmp_path: Path) -> None:
    """`export_xlsx` takes the reports one by one (the store's iterator, not a list) and lets each
    go once its sheet and rows are written: while the next report is made, at most the one before
    it (the loop's variable) is still alive. The workbook is the same as from the list."""
    alive: list[weakref.ref[StoredReport]] = []
    held: list[int] = []

    def reports() -> Iterator[StoredReport]:
        for item in sample.reports:
            gc.collect()
            held.append(sum(1 for ref in alive if ref() is not None))
            fresh = [StoredReport(item.id, copy.deepcopy(item.record), item.agency_key, item.region)]
            alive.append(weakref.ref(fresh[0]))
            yield fresh.pop()

    path = tmp_path / "streamed.xlsx"
    names = export_xlsx(reports(), path)
    assert len(held) == len(sample.reports) > 3 and max(held) <= 1, held
    assert names == sheet_names(sample.reports)
    back = read_xlsx(path)
    for item in sample.reports:
        assert back[names[item.id]] == item.record.cell_values()
    assert load_workbook(path).sheetnames == [SUMMARY_SHEET, FINDINGS_SHEET, *names.values()]
    # `export` takes an iterator in every format (the CSV folder lists the reports first).
    for output, out in (("xlsx", tmp_path / "r.xlsx"), ("jsonl", tmp_path / "r.jsonl"), ("csv", tmp_path / "csv")):
        assert f"已导出 {len(sample.reports)} 份报告" in export(iter(sample.reports), output, out), output


def test_an_export_that_fails_leaves_no_workbook(sample: SampleStore, tmp_path: Path) -> None:
    """The workbook is written beside its path and put in place when complete: a failure on the
    way leaves neither a broken file nor the partial one, and an earlier export where it was."""

    def reports() -> Iterator[StoredReport]:
        yield sample.reports[0]
        raise RuntimeError("the store went away")

    path = tmp_path / "r.xlsx"
    with pytest.raises(RuntimeError):
        export_xlsx(reports(), path)
    assert list(tmp_path.iterdir()) == []
    export_xlsx(sample.reports[:1], path)
    with pytest.raises(RuntimeError):
        export_xlsx(reports(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"] and len(read_xlsx(path)) == 1


# ---------------------------------------------------------------- sheet names


def test_sheet_names_are_valid_unique_and_short() -> None:
    taken: set[str] = set()
    names = [
        sanitize_sheet_name(name, taken)
        for name in ("1-2023 甲/乙[联合]:办公室*?", "'引号'", "History", "x" * 40, "x" * 40, "汇总", "ABC", "abc", "", "中" * 40)
    ]
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name.encode("utf-16-le")) // 2 <= 31
        assert not INVALID & set(name)
        assert not name.startswith("'") and not name.endswith("'")
        assert name.casefold() != "history"
    assert names[0] == "1-2023 甲_乙_联合__办公室__"
    assert names[4] != names[3] and names[4].endswith("~2")
    assert names[7].casefold() != names[6].casefold()
    assert sanitize_sheet_name("😀" * 20, set()) == "😀" * 15  # astral characters count two units


def test_awkward_agency_names_still_give_a_workbook(tmp_path: Path) -> None:
    records = []
    for report_id, agency in enumerate(["某市/某县:联合[办公室]?", "某市/某县:联合[办公室]?", None, "汇总"], start=1):
        record = Record(Source(f"{report_id}.txt"), formats.TEMPLATE_2021, 2023, agency)
        record.findings = [Finding("section_missing", "GK006", "error", "缺少第五部分。", {"section": 5})]
        records.append(StoredReport(report_id, record, agency, None))
    path = tmp_path / "odd.xlsx"
    names = export_xlsx(records, path)
    assert len(set(names.values())) == 4
    book = load_workbook(path)
    assert book.sheetnames == [SUMMARY_SHEET, FINDINGS_SHEET, *names.values()]
    back = read_xlsx(path)
    for item in records:
        assert back[names[item.id]] == item.record.cell_values()  # a record with no tables reads back empty
    assert sheet_names(records) == names
    # A finding about the document (no table) marks the line under the title.
    assert book[names[1]]["A2"].comment is not None


# ---------------------------------------------------------------- the command


run = run_cli


def test_export_command_in_each_format(sample: SampleStore, tmp_path: Path) -> None:
    db = sample.store.url.removeprefix("sqlite:///")
    result = run("export", "--db", db, "--format", "csv", "--out", str(tmp_path / "csv"))
    assert result.exit_code == 0 and "cells.csv" in result.stdout
    assert {p.name for p in (tmp_path / "csv").iterdir()} == {"cells.csv", "reports.csv", "findings.csv"}
    result = run("export", "--db", db, "--format", "jsonl", "--out", str(tmp_path / "a" / "r.jsonl"))
    assert result.exit_code == 0
    assert len((tmp_path / "a" / "r.jsonl").read_text(encoding="utf-8").splitlines()) == len(sample.reports)
    result = run("export", "--db", db, "--format", "xlsx", "--out", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0
    assert len(read_xlsx(tmp_path / "r.xlsx")) == len(sample.reports)
    result = run("export", "--db", db, "--format", "csv", "--out", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 2 and "文件夹" in result.stderr
    result = run("export", "--db", str(tmp_path / "none.db"), "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"))
    assert result.exit_code == 2 and "不存在" in result.stderr
