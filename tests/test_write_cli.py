"""The clerk's path end to end (issue 12): a ledger → `gongkai write` → the written report, read
back by gongkai itself (`gongkai.check`, as `gongkai check` reads a file), gives exactly the
ledger's tables and no error — for random ledgers (hypothesis: dates across holidays and 调休
days, every channel and result, both formats), in DOCX, HTML and PDF, and with the cross-year
rules against last year's report in the database."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli, run_module
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook
from test_ledger_tabulate import ledgers

import gongkai
from gongkai import formats, layout
from gongkai.ledger import Ledger, read_ledger, tabulate, write_ledger
from gongkai.ledger.entries import SHEET_CARRIED
from gongkai.model import Record
from gongkai.store import Store
from gongkai.writer import write_report
from synth.ledger import SAMPLE_PATH, random_ledger, sample_ledger

ROOT = Path(__file__).resolve().parents[1]
HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


def _tables(record: Record) -> dict[str, object]:
    return {str(path): cell.value for path, cell in layout.record_tables(record).by_path().items()}


def _assert_reads_back(written: Path, ledger: Ledger) -> Record:
    """The written file, read by gongkai, states the ledger's tables, agency and year, with no error."""
    read = gongkai.check(written)
    expected = tabulate(ledger)
    assert _tables(read) == _tables(expected)
    assert (read.agency, read.year, read.template) == (ledger.agency, ledger.year, ledger.template)
    assert [f for f in read.findings if f.severity == "error"] == []
    return read


def test_the_bundled_sample_ledger_is_synths_sample() -> None:
    """examples/台账_2025.xlsx (the README's clerk path) is `synth.ledger.sample_ledger()`: it can be made again."""
    bundled = read_ledger(ROOT / SAMPLE_PATH)
    made = sample_ledger()
    assert (bundled.agency, bundled.year, bundled.template) == (made.agency, made.year, made.template)
    strip = lambda ledger: ([(r.number, r.channel, r.received, r.applicant, r.answered, r.result) for r in ledger.all_requests()], ledger.active)  # noqa: E731
    assert strip(bundled) == strip(made)
    assert tabulate(bundled).requests == tabulate(made).requests


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_write_then_check_gives_the_ledgers_tables(suffix: str, tmp_path: Path) -> None:
    ledger_path = tmp_path / "台账.xlsx"
    ledger = random_ledger(60, 2025, seed=5, agency="某市交通运输局")
    write_ledger(ledger_path, ledger)
    out = tmp_path / f"报告{suffix}"
    result = run_cli("write", ledger_path, "--out", out, "--published", "2026-01-20")
    assert result.exit_code == 0, result.output
    assert "读回核查：错误 0 条" in result.output
    assert "落款日期2026年1月20日，法定期限2026年1月31日" in result.output
    _assert_reads_back(out, read_ledger(ledger_path))
    checked = run_module("check", out)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ledgers())
def test_random_ledgers_round_trip_through_the_written_report(tmp_path: Path, ledger: Ledger) -> None:
    """Any countable ledger (2019 and 2021 formats, requests across holidays, 调休 days and the year
    end, every channel and result, open cases) written as DOCX and HTML reads back as its tables."""
    record = tabulate(ledger)
    for suffix in (".docx", ".html"):
        out = tmp_path / f"report{suffix}"
        result = write_report(record, out, published=date(ledger.year + 1, 1, 15))
        assert result.errors == 0, result.findings
        assert result.misread == ()
        _assert_reads_back(out, ledger)


@pytest.mark.skipif(not HAS_SOFFICE, reason="PDF needs LibreOffice")
@pytest.mark.parametrize("year", [2020, 2025])
def test_pdf_written_from_a_ledger_reads_back(year: int, tmp_path: Path) -> None:
    ledger = random_ledger(40, year, seed=year)
    record = tabulate(ledger)
    out = tmp_path / "report.pdf"
    result = write_report(record, out, published=date(year + 1, 1, 15))
    assert result.errors == 0
    _assert_reads_back(out, ledger)


def _carry(last: Path, this: Path, year: int) -> Ledger:
    """This year's ledger started with --carry-from last year's, then filled: every carried request
    answered in January, some new ones."""
    assert run_cli("ledger", "init", "--agency", "某县财政局", "--year", year, "--carry-from", last, this).exit_code == 0
    workbook = load_workbook(this)
    sheet = workbook[SHEET_CARRIED]
    headers = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, headers.index("答复日期") + 1).value = date(year, 1, 10)
        sheet.cell(row, headers.index("办理结果") + 1).value = "予以公开"
    workbook.save(this)
    return read_ledger(this)


def test_cross_year_rules_run_against_last_years_report_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "gongkai.db"
    last_ledger = random_ledger(30, 2024, seed=24, agency="某县财政局")
    last = tmp_path / "2024.xlsx"
    write_ledger(last, last_ledger)
    last_report = tmp_path / "2024.docx"
    assert run_cli("write", last, "--out", last_report, "--published", "2025-01-20").exit_code == 0
    assert run_module("ingest", last_report, "--db", db).returncode == 0
    this = tmp_path / "2025.xlsx"
    ledger = _carry(last, this, 2025)
    assert len(ledger.carried_over) == tabulate(last_ledger).rows["carried_forward"][-1] > 0

    written = tmp_path / "2025.docx"
    result = run_cli("write", this, "--out", written, "--published", "2026-01-20", "--db", db)
    assert result.exit_code == 0, result.output
    assert "并与2024年度报告比对：错误 0 条" in result.output
    checked = run_module("check", written, "--db", db)
    assert checked.returncode == 0, checked.stdout

    # One carried-over request deleted from this year's ledger: 上年结转 no longer equals last
    # year's 结转下年度, and the writer says so (the numbers are written as the ledger counts them).
    workbook = load_workbook(this)
    workbook[SHEET_CARRIED].delete_rows(2)
    workbook.save(this)
    result = run_cli("write", this, "--out", written, "--published", "2026-01-20", "--db", db)
    assert result.exit_code == 1
    assert "GK501 carry_over_chain" in result.output


def test_without_last_years_report_the_writer_says_so(tmp_path: Path) -> None:
    db = tmp_path / "gongkai.db"
    Store(str(db)).close()
    result = run_cli("write", ROOT / SAMPLE_PATH, "--out", tmp_path / "r.docx", "--published", "2026-01-20", "--db", db)
    assert result.exit_code == 0
    assert "数据库中没有示例县交通运输局2024年度的报告，未作跨年度比对" in result.stderr


def test_a_late_date_is_a_warning_and_a_government_report_is_due_in_march(tmp_path: Path) -> None:
    sample = ROOT / SAMPLE_PATH
    late = run_cli("write", sample, "--out", tmp_path / "r.docx", "--published", "2026-02-10")
    assert late.exit_code == 0
    assert "警告 GK402 published_late" in late.output
    government = run_cli("write", sample, "--out", tmp_path / "r.docx", "--published", "2026-02-10", "--government")
    assert "法定期限2026年3月31日" in government.output
    assert "published_late" not in government.output


def test_the_clerks_prose_is_kept_and_its_figures_checked(tmp_path: Path) -> None:
    prose = tmp_path / "正文"
    prose.mkdir()
    (prose / "5.md").write_text("本年度答复存在逾期情况，已整改。\n", encoding="utf-8")
    (prose / "6.md").write_text("本年度未收取信息处理费。\n", encoding="utf-8")
    received = tabulate(sample_ledger()).rows["new_received"][-1]
    assert received is not None
    (prose / "1.md").write_text(f"本年共收到政府信息公开申请{int(received) + 5}件。\n", encoding="utf-8")
    out = tmp_path / "r.html"
    result = run_cli("write", ROOT / SAMPLE_PATH, "--out", out, "--prose", prose, "--published", "2026-01-20")
    assert "本年度答复存在逾期情况，已整改。" in out.read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert "narrative_mismatch" in result.output
    assert "待填写" not in result.output


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--out", "r.txt"], 2, "请使用 .docx、.html 或 .pdf"),
        (["--out", "r.docx", "--prose", "没有这个文件夹"], 2, "找不到正文文件夹"),
        (["--out", "r.docx", "--published", "2026-13-01"], 2, "不是日期"),
    ],
)
def test_usage_errors_are_explained(args: list[str], code: int, words: str, tmp_path: Path) -> None:
    result = run_module("write", ROOT / SAMPLE_PATH, *[str(tmp_path / a) if a.startswith("r.") else a for a in args])
    assert result.returncode == code
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_ledger_that_cannot_be_counted_writes_nothing(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    assert run_cli("ledger", "init", "--agency", "某局", "--year", "2025", ledger).exit_code == 0
    workbook = load_workbook(ledger)
    workbook["申请登记"].append(["2025-1", "网络", date(2025, 3, 3), None, "摘要"])
    workbook.save(ledger)
    out = tmp_path / "r.docx"
    result = run_module("write", ledger, "--out", out)
    assert result.returncode == 1
    assert "台账有误，无法写出报告" in result.stderr and "申请人类型" in result.stderr
    assert not out.exists()
    missing = run_module("write", tmp_path / "没有.xlsx", "--out", out)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_carry_over_imported_from_last_years_report_in_the_database(tmp_path: Path) -> None:
    """Without last year's ledger, 上年结转 comes from last year's stored report: one row per request of
    its 结转下年度, by applicant column; completed by the clerk, the new report chains with the old."""
    db = tmp_path / "gongkai.db"
    last_ledger = random_ledger(40, 2024, seed=7, agency="某县财政局")
    last = tmp_path / "2024.xlsx"
    write_ledger(last, last_ledger)
    assert run_cli("write", last, "--out", tmp_path / "2024.docx", "--published", "2025-01-20").exit_code == 0
    assert run_module("ingest", tmp_path / "2024.docx", "--db", db).returncode == 0
    this = tmp_path / "2025.xlsx"
    result = run_cli("ledger", "init", "--agency", "某县财政局", "--year", "2025", "--carry-from-db", "--db", db, this)
    assert result.exit_code == 0, result.output
    carried = read_ledger(this).carried_over
    forward = tabulate(last_ledger).rows["carried_forward"]
    assert [sum(1 for r in carried if r.applicant == column) for column in formats.APPLICANT_COLUMN_KEYS] == forward[:6]
    assert all(r.received is None for r in carried)  # the report gives no dates: the clerk completes them

    workbook = load_workbook(this)
    sheet = workbook[SHEET_CARRIED]
    headers = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        for header, value in (("收到方式", "当面"), ("收到日期", date(2024, 12, 20)), ("答复日期", date(2025, 1, 10)), ("办理结果", "予以公开")):
            sheet.cell(row, headers.index(header) + 1).value = value
    workbook.save(this)
    written = run_cli("write", this, "--out", tmp_path / "2025.docx", "--published", "2026-01-20", "--db", db)
    assert written.exit_code == 0, written.output
    assert "并与2024年度报告比对：错误 0 条" in written.output

    other = run_cli("ledger", "init", "--agency", "另一个局", "--year", "2025", "--carry-from-db", "--db", db, tmp_path / "x.xlsx")
    assert other.exit_code == 1
    assert "数据库中没有另一个局2024年度的报告" in other.stderr
