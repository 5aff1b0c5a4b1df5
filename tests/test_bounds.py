"""Every reader and parser step is bounded (issue 10, the reading side).

Each bad input is built here in a temporary folder (no committed binaries) and read through
`gongkai.check`. A limit that is reached gives a Chinese finding naming it (「（限制 name）」),
never a traceback or a hang; inputs that used to hang are run in a subprocess with a timeout, so
a regression fails the test instead of stalling the suite.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from html import escape
from pathlib import Path

import pytest

import gongkai
from gongkai import limits
from gongkai.model import Record
from synth.bad import pdf, png
from synth.reportgen import Report, random_report, render

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def restore_limits() -> Iterator[None]:
    """Tests change limits at run time; every test starts and ends with the same ones."""
    saved = limits.current()
    yield
    limits.configure(**{name: getattr(saved, name) for name in limits.Limits.names()})


@pytest.fixture(scope="module")
def report() -> Report:
    return random_report(7)


@pytest.fixture(scope="module")
def text(report: Report) -> str:
    return render(report)


def _messages(record: Record, rule: str | None = None) -> list[str]:
    return [f.message for f in record.findings if rule is None or f.rule == rule]


def _unreadable(record: Record) -> str:
    messages = _messages(record, "unreadable")
    assert messages, [(f.rule, f.message) for f in record.findings]
    return messages[0]


def _check_in_subprocess(path: Path, timeout: float = 60) -> list[tuple[str, str]]:
    """(rule, message) of each finding, read in a fresh process that must finish in time."""
    code = "import json, sys, gongkai; r = gongkai.check(sys.argv[1]); print(json.dumps([[f.rule, f.message] for f in r.findings]))"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return [(rule, message) for rule, message in json.loads(done.stdout)]


def _blank_scan(side: float) -> bytes:
    """A page's content: a 1×1 white image stretched over the page (a blank scanned page)."""
    return f"q {side} 0 0 {side} 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \xff EI Q".encode("latin-1")


def _docx(paragraphs: int) -> bytes:
    body = "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * paragraphs
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        package.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + "</w:body></w:document>",
        )
    return out.getvalue()


def _html(text: str, depth: int) -> str:
    """A report's text as a web page: tab-separated lines as table rows, the body `depth` divs deep."""
    parts: list[str] = []
    rows: list[str] = []
    for line in text.split("\n"):
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in line.split("\t")) + "</tr>")
            continue
        if rows:
            parts.append("<table>" + "".join(rows) + "</table>")
            rows = []
        parts.append(f"<p>{escape(line)}</p>")
    if rows:
        parts.append("<table>" + "".join(rows) + "</table>")
    return "<html><head><meta charset='utf-8'></head><body>" + "<div>" * depth + "".join(parts) + "</div>" * depth + "</body></html>"


def _table_lines(text: str, heading: str, next_heading: str) -> list[str]:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next(i for i, line in enumerate(lines) if line.startswith(next_heading))
    return lines[start + 1 : end]


# ------------------------------------------------------------------ 1. digits per number


def test_a_number_of_5000_digits_is_an_unreadable_cell(tmp_path: Path, report: Report) -> None:
    for path in ("requests.new_received.natural_person", "active.fees.amount", "review_litigation.review.upheld"):
        file = tmp_path / "long-number.txt"
        file.write_text(render(replace(report, cells={path: "7" * 5000})), encoding="utf-8")
        record = gongkai.check(file)
        assert record.cell_values()[path] is None
        assert any("5000位数字" in m and "限制 number_digits" in m for m in _messages(record, "cell_unreadable")), _messages(record)


def test_a_number_longer_than_the_limit_is_never_read(tmp_path: Path, report: Report) -> None:
    file = tmp_path / "sixteen.txt"
    file.write_text(render(replace(report, cells={"active.regulations.issued": "9" * 16})), encoding="utf-8")
    assert gongkai.check(file).cell_values()["active.regulations.issued"] is None
    limits.configure(number_digits=3)  # read at the point of use: a change applies at once
    record = gongkai.check_text(render(replace(report, cells={"active.regulations.issued": "1234"})))
    assert record.cell_values()["active.regulations.issued"] is None
    assert any("超过3位" in m for m in _messages(record, "cell_unreadable"))


def test_a_long_number_in_the_narrative_is_not_a_figure(text: str) -> None:
    narrative = "本年度收到政府信息公开申请" + "8" * 5000 + "件，办结" + "9" * 20 + "件。"
    record = gongkai.check_text(text.replace("一、总体情况\n", "一、总体情况\n" + narrative + "\n"))
    assert all(len(str(s.value)) <= 15 for s in record.notes.statements)
    assert not _messages(record, "unreadable")


# ------------------------------------------------------------------ 2. the digit-split search


def test_runs_of_60_digits_in_two_rows_are_decided_quickly(tmp_path: Path, report: Report) -> None:
    file = tmp_path / "runs.txt"
    file.write_text(render(replace(report, row_text={"granted": "9081726354" * 6, "partially_granted": "1" * 60})), encoding="utf-8")
    findings = _check_in_subprocess(file, timeout=30)  # was about a minute (and gigabytes)
    assert any(rule == "cell_unreadable" and "（一）予以公开" in message for rule, message in findings)


def test_a_run_longer_than_its_cells_can_hold_is_not_searched(text: str, report: Report) -> None:
    record = gongkai.check_text(render(replace(report, row_text={"granted": "1" * 200})))
    assert any("共200位数字" in m and "限制 number_digits" in m for m in _messages(record, "cell_unreadable"))


# ------------------------------------------------------------------ 3. regexes on long runs


@pytest.mark.parametrize(
    "insert",
    [
        pytest.param("1" * 50_000, id="digits"),
        pytest.param("收到申请" + "1" * 50_000 + "件", id="digits-in-a-sentence"),
        pytest.param(" " * 50_000 + "x", id="spaces"),
        pytest.param("第一部分" + " " * 30_000 + "x", id="spaces-after-a-heading-mark"),
        pytest.param("统计" + " " * 30_000 + "x", id="spaces-after-tongji"),
        pytest.param("信息公开" + " " * 30_000 + "x", id="spaces-after-xinxigongkai"),
        pytest.param("第1页" + " " * 30_000 + "x", id="spaces-after-a-page-number"),
        pytest.param("返回首页" * 40 + "x", id="chrome-words"),
        pytest.param("分别为1" + " " * 30_000 + "x", id="spaces-after-fenbie"),
        pytest.param("主动公开信息1条" + " " * 30_000 + "x", id="spaces-after-a-listed-total"),
        pytest.param("收到申请1件，" * 10_000, id="ten-thousand-figures"),
    ],
)
def test_long_runs_are_read_in_linear_time(tmp_path: Path, text: str, insert: str) -> None:
    file = tmp_path / "runs.txt"
    file.write_text(text.replace("一、总体情况\n", "一、总体情况\n" + insert + "\n", 1), encoding="utf-8")
    alone = tmp_path / "alone.txt"
    alone.write_text(insert, encoding="utf-8")
    for path in (file, alone):
        _check_in_subprocess(path, timeout=30)


def test_a_table_region_full_of_numbers_is_no_table(text: str) -> None:
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "本年新收" in line)
    record = gongkai.check_text("\n".join([*lines[: at + 1], *(["1.5 2."] * 3000), *lines[at + 1 :]]))
    assert any("不像统计表" in m for m in _messages(record, "cell_unreadable"))


# ------------------------------------------------------------------ 4. text size


def test_a_text_file_of_many_megabytes_is_refused_before_decoding(tmp_path: Path) -> None:
    file = tmp_path / "big.txt"
    file.write_bytes(b"1\n" * (11 * 1024 * 1024))  # 22 MB: more characters than the limit in any encoding
    message = _unreadable(gongkai.check(file))
    assert "500万字" in message and "限制 text_characters" in message


def test_text_limits_apply_to_files_and_to_text(tmp_path: Path, text: str) -> None:
    limits.configure(text_characters=1000)
    file = tmp_path / "report.txt"
    file.write_text(text, encoding="utf-8")
    assert "限制 text_characters" in _unreadable(gongkai.check(file))
    assert "限制 text_characters" in _unreadable(gongkai.check_text(text))
    limits.configure(text_characters=5_000_000, text_lines=50)
    assert "超过50行" in _unreadable(gongkai.check(file)) and "限制 text_lines" in _unreadable(gongkai.check_text(text))


# ------------------------------------------------------------------ 5. pixels


def test_a_decompression_bomb_png_is_refused_before_decoding(tmp_path: Path) -> None:
    file = tmp_path / "bomb.png"
    file.write_bytes(png(20000, 20000, rows=1))
    message = _unreadable(gongkai.check(file))
    assert "20000×20000" in message and "限制 image_pixels" in message


def test_a_damaged_or_degenerate_image_is_a_reason(tmp_path: Path) -> None:
    for name, data in (("cut.png", png(400, 400)[:300]), ("sliver.png", png(50000, 1))):
        file = tmp_path / name
        file.write_bytes(data)
        assert _unreadable(gongkai.check(file))


def test_a_huge_pdf_page_is_rendered_within_page_pixels(tmp_path: Path) -> None:
    file = tmp_path / "huge-page.pdf"
    file.write_bytes(pdf([_blank_scan(14400)], 14400))
    assert len(file.read_bytes()) < 1000
    message = _unreadable(gongkai.check(file))  # OCR of one scaled-down blank page
    assert "page_pixels" in message


def test_page_pixels_bound_the_rendered_image(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from gongkai.read.pdf import _render

    document = pdfium.PdfDocument(pdf([_blank_scan(14400)], 14400))
    page = document[0]
    image, _scale, reduced = _render(page, 1, 1_000_000)
    assert reduced and image.width * image.height <= 1_000_000
    page.close()
    document.close()


# ------------------------------------------------------------------ 6. DOCX paragraphs


def test_a_docx_of_tiny_paragraphs_is_refused_before_python_docx(tmp_path: Path) -> None:
    file = tmp_path / "paragraphs.docx"
    file.write_bytes(_docx(600_000))  # 20 MB of XML, 60 KB zipped
    message = _unreadable(gongkai.check(file))
    assert "5万个段落" in message and "限制 docx_paragraphs" in message


# ------------------------------------------------------------------ 7. OCR pages, counted first


def test_scanned_pages_are_counted_before_any_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.read import pdf as pdf_reader

    def no_ocr(*_args: object, **_kwargs: object) -> list[object]:
        raise AssertionError("OCR ran before the scanned pages were counted")

    monkeypatch.setattr(pdf_reader, "ocr_lines", no_ocr)
    file = tmp_path / "31-blank-scans.pdf"
    file.write_bytes(pdf([_blank_scan(595)] * 31, 595))
    message = _unreadable(gongkai.check(file))
    assert "31页" in message and "限制 ocr_pages" in message


def test_pdf_pages_limit_is_read_at_run_time(tmp_path: Path) -> None:
    file = tmp_path / "two-pages.pdf"
    file.write_bytes(pdf([b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"] * 2, 595))
    limits.configure(pdf_pages=1)
    assert "限制 pdf_pages" in _unreadable(gongkai.check(file))
    limits.configure(pdf_pages=80, file_bytes=100)
    assert "限制 file_bytes" in _unreadable(gongkai.check(file))


# ------------------------------------------------------------------ 8. what used to be lost


def test_stray_nul_and_control_bytes_are_tolerated(tmp_path: Path, text: str) -> None:
    file = tmp_path / "nul.txt"
    file.write_text(text[:100] + "\x00" + text[100:300] + "\x07\x1b" + text[300:], encoding="utf-8")
    assert gongkai.check(file).cell_values() == gongkai.check_text(text).cell_values()


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be", "utf-32-be-bom"])
def test_utf32_is_decoded_as_utf32(tmp_path: Path, text: str, encoding: str) -> None:
    file = tmp_path / "wide.txt"
    file.write_bytes(b"\x00\x00\xfe\xff" + text.encode("utf-32-be") if encoding == "utf-32-be-bom" else text.encode(encoding))
    record = gongkai.check(file)
    assert not _messages(record, "unreadable")
    assert record.cell_values() == gongkai.check_text(text).cell_values()


@pytest.mark.parametrize("depth", [300, 1500, 5000])
def test_content_deep_in_a_web_page_is_read(tmp_path: Path, text: str, depth: int) -> None:
    file = tmp_path / "deep.html"
    file.write_text(_html(text, depth), encoding="utf-8")
    record = gongkai.check(file)
    assert not _messages(record, "not_a_report") and not _messages(record, "unreadable")
    assert record.cell_values() == gongkai.check_text(text).cell_values()


def test_full_width_decimals_and_thousands_are_read(report: Report) -> None:
    for printed in ("１９５２７７．０９", "１９５，２７７．０９", "195277。09"):
        record = gongkai.check_text(render(replace(report, cells={"active.fees.amount": printed})))
        assert record.cell_values()["active.fees.amount"] == 195277.09, printed


# ------------------------------------------------------------------ 9. a table printed twice


@pytest.mark.parametrize(("table", "heading", "next_heading"), [("三", "三、", "四、"), ("二", "二、", "三、"), ("四", "四、", "五、")], ids=["table3", "table2", "table4"])
def test_a_second_copy_with_other_numbers_is_a_finding(text: str, table: str, heading: str, next_heading: str) -> None:
    other = render(random_report(8))
    copy = _table_lines(other, heading, next_heading)
    for doubled in (text.replace(next_heading, "\n".join(copy) + "\n" + next_heading, 1), text + "\n" + "\n".join(copy)):
        record = gongkai.check_text(doubled)
        notes = [m for m in _messages(record, "cell_unreadable") if f"表{table}印了两份" in m]
        assert notes, _messages(record)
        assert not any(f.rule in ("row_total", "results_total", "balance", "review_total") for f in record.findings)
    same = gongkai.check_text(text + "\n" + "\n".join(_table_lines(text, heading, next_heading)))
    assert not any("印了两份" in m for m in _messages(same)) and same.cell_values() == gongkai.check_text(text).cell_values()
