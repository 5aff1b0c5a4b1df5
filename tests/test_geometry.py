"""Geometry in provenance (issue 9): where on its page each number was read, and how sure OCR was.

A value read from a PDF or a scan carries `box` (x0, top, x1, bottom in points from the page's
top-left corner) and, from OCR, `confidence` (0–1). The box must sit on the printed number: the
text pdfium extracts inside it contains the number. `gongkai show FILE --draw out.png` draws the
boxes on the page.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, run_cli

import gongkai
from gongkai.model import Provenance, Record, Source
from gongkai.parse.tokens import tokenize
from gongkai.read import Line, load
from gongkai.read import ocr as ocr_module
from gongkai.read.document import pack_positions

pdfium = pytest.importorskip("pypdfium2")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDF = ROOT / "samples" / "2024_淮安市人民政府.pdf"
SAMPLE_TEXT = ROOT / "samples" / "2023_赣州市.txt"
REAL_PDFS = sorted((CORPUS / "real").glob("*.pdf")) if CORPUS.is_dir() else []


def _printed(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in ".-")


def _text_in_box(pdf: Any, page: int, box: tuple[float, float, float, float]) -> str:
    """The text pdfium extracts inside a box given from the page's top-left corner."""
    pdf_page = pdf[page - 1]
    left, _bottom, _right, top = pdf_page.get_cropbox()
    x0, y0, x1, y1 = box
    textpage = pdf_page.get_textpage()
    try:
        return str(textpage.get_text_bounded(left + x0, top - y1, left + x1, top - y0))
    finally:
        textpage.close()
        pdf_page.close()


def _assert_boxes_on_numbers(record: Record, pdf_path: Path, prefix: str = "requests.") -> int:
    """Every read (printed, not derived) cell under `prefix` has a box on its page holding its number."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    checked = 0
    try:
        values = record.cell_values()
        for path, provenance in record.provenance.items():
            if not path.startswith(prefix) or provenance.derived or values.get(path) is None:
                continue
            assert provenance.box is not None, path
            assert provenance.page is not None and 1 <= provenance.page <= len(pdf), path
            x0, top, x1, bottom = provenance.box
            width, height = pdf[provenance.page - 1].get_size()
            assert 0 <= x0 < x1 <= width + 1 and 0 <= top < bottom <= height + 1, (path, provenance.box)
            inside = _printed(_text_in_box(pdf, provenance.page, provenance.box))
            assert _printed(provenance.text) in inside, (path, provenance.text, inside)
            checked += 1
    finally:
        pdf.close()
    return checked


# ------------------------------------------------------------------ PDF text layer


@pytest.mark.parametrize("pdf", REAL_PDFS or [pytest.param(None, marks=pytest.mark.skip(reason="the corpus is absent"))], ids=lambda p: p.stem if p else "none")
def test_every_read_cell_of_table_three_has_its_box_on_its_page(pdf: Path) -> None:
    record = gongkai.check(pdf)
    read = [p for p, v in record.cell_values().items() if p.startswith("requests.") and v is not None]
    assert len(read) >= 150
    assert _assert_boxes_on_numbers(record, pdf) == len([p for p in read if not record.provenance[p].derived])
    # tables 二 and 四 too
    _assert_boxes_on_numbers(record, pdf, "active.")
    _assert_boxes_on_numbers(record, pdf, "review_litigation.")


def test_box_is_exported_rounded_and_only_when_known() -> None:
    record = gongkai.check(SAMPLE_PDF)
    exported = record.to_dict()["provenance"]["requests.new_received.total"]
    assert exported["page"] == 4 and exported["text"] == "3119"
    assert len(exported["box"]) == 4 and all(round(v, 1) == v for v in exported["box"])
    assert "confidence" not in exported  # a text layer is not OCR
    text = gongkai.check(SAMPLE_TEXT).to_dict()["provenance"]
    assert text and not any("box" in p or "confidence" in p for p in text.values())


@pytest.fixture(scope="module")
def unruled_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundled text sample printed to PDF by LibreOffice: tables as tab-separated text, no rulings."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("unruled")
    source = folder / "unruled.txt"
    source.write_bytes(SAMPLE_TEXT.read_bytes())
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(source)],
        capture_output=True, timeout=180, check=True,
    )
    return folder / "unruled.pdf"


def test_unruled_pdf_numbers_get_the_box_of_their_own_characters(unruled_pdf: Path) -> None:
    """Without rulings, a number's box is the union of its characters' boxes, not the line's."""
    document = load(unruled_pdf)
    for line in document.lines:
        positions = line.positions()
        assert line.cells is None and positions is not None and line.box is not None
        assert len(positions) == len(line.text) + 1
        assert line.box[0] <= positions[0] and positions[-1] <= line.box[2] + 0.01
    record = gongkai.check(unruled_pdf)
    assert record.cell_values() == gongkai.check(SAMPLE_TEXT).cell_values()
    for prefix in ("requests.", "active.", "review_litigation."):
        assert _assert_boxes_on_numbers(record, unruled_pdf, prefix) >= 10
    for path, provenance in record.provenance.items():
        if "." in path and provenance.box is not None and not provenance.derived:
            x0, _top, x1, _bottom = provenance.box
            assert x1 - x0 < 10 * len(provenance.text), (path, provenance)  # a few points a character


def test_span_box_maps_characters_to_their_positions() -> None:
    line = Line(1, "规章\t12", 1, box=(10.0, 100.0, 80.0, 112.0), xs=pack_positions((10.0, 20.0, 30.0, 60.0, 65.0, 70.0)))
    assert line.span_box(3, 5) == (60.0, 100.0, 70.0, 112.0)
    assert line.span_box(0, 9) is None  # past the line: unknown, never a guess
    assert Line(1, "12").span_box(0, 2) is None


# ------------------------------------------------------------------ JSON round trip


def test_box_and_confidence_round_trip_through_json() -> None:
    record = Record(Source("scan.pdf", "x", "application/pdf", 1))
    record.provenance["requests.new_received.total"] = Provenance("3119", 3, 1, column=5, box=(493.94, 463.46, 513.81, 474.52), confidence=0.98765)
    record.provenance["requests.carried_over.total"] = Provenance("0", 4, 1, derived=True, box=(1.0, 2.0, 3.0, 4.0), confidence=0.5)
    record.provenance["agency"] = Provenance("某某局", 1)
    data = json.loads(json.dumps(record.to_dict(), ensure_ascii=False))
    assert data["provenance"]["requests.new_received.total"] == {
        "page": 1, "line": 3, "column": 5, "text": "3119", "box": [493.9, 463.5, 513.8, 474.5], "confidence": 0.988,
    }  # fmt: skip
    assert set(data["provenance"]["agency"]) == {"line", "text"}
    back = Record.from_dict(data)
    assert back.provenance["requests.new_received.total"].box == (493.9, 463.5, 513.8, 474.5)
    assert back.provenance["requests.new_received.total"].confidence == 0.988
    assert back.provenance["requests.carried_over.total"].derived
    assert back.provenance["agency"].box is None and back.provenance["agency"].confidence is None
    assert back.to_dict()["provenance"] == data["provenance"]


# ------------------------------------------------------------------ OCR


def test_ocr_words_keep_their_boxes_in_points_and_their_confidence(monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR output (stubbed: no engine needed) → words in points, confidence per word, doubt kept."""
    scale = 200 / 72
    words = [
        ocr_module._Box("一、本年新收", 100, 500, 400, 540, 0.99),
        ocr_module._Box("3001", 700, 505, 780, 535, 0.97),
        ocr_module._Box("53", 900, 505, 940, 535, 0.62),  # unsure: the parser must not trust it
    ]
    monkeypatch.setattr(ocr_module, "_boxes", lambda image: list(words))
    (line,) = ocr_module.ocr_lines(None, 4, 1, scale=scale)
    assert line.text == "一、本年新收\t3001\t" + ocr_module.DOUBT_MARK + "53"
    assert line.confidences == (0.99, 0.97, 0.62)
    assert line.boxes is not None and line.boxes[1] == pytest.approx((700 / scale, 505 / scale, 780 / scale, 535 / scale))
    positions = line.positions()
    assert positions is not None and len(positions) == len(line.text) + 1
    number, doubted = [t for t in tokenize([line]) if t.kind != "label"]
    assert (number.kind, number.text, number.confidence) == ("num", "3001", 0.97)
    assert number.box == pytest.approx(line.boxes[1])
    assert doubted.kind == "doubt" and doubted.confidence == 0.62
    assert doubted.box == pytest.approx(line.boxes[2])


def _tilted(text: str, left: float, top: float, right: float, slope: float, thickness: float = 30) -> object:
    """An OCR box of text laid along `slope` (a page scanned askew): its level hull and its own height."""
    rise = slope * (right - left)
    return ocr_module._Box(text, left, top + min(0, rise), right, top + max(0, rise) + thickness, 0.99, slope, thickness)


@pytest.mark.parametrize("slope", [0.03, -0.03, 0.0])
def test_ocr_rows_of_a_page_scanned_askew_stay_rows(monkeypatch: pytest.MonkeyPatch, slope: float) -> None:
    """On a page turned by ~1.7°, a row's numbers at the right stand a row's height lower (or
    higher) than its label at the left: the page's tilt, measured from the long boxes, is taken
    out before boxes are grouped into lines, so each line is one row again."""
    words = []
    for row, (label, value) in enumerate([("一、本年新收政府信息公开申请数量", "57"), ("二、上年结转政府信息公开申请数量", "3"), ("（一）予以公开", "44")]):
        top = 500 + 40 * row
        words.append(_tilted(label, 100, top + slope * 100, 400, slope))
        words.append(_tilted(value, 900, top + slope * 900, 940, slope))
    monkeypatch.setattr(ocr_module, "_boxes", lambda image: list(words))
    lines = ocr_module.ocr_lines(None, 1, 1)
    assert [line.text for line in lines] == ["一、本年新收政府信息公开申请数量\t57", "二、上年结转政府信息公开申请数量\t3", "（一）予以公开\t44"]


@pytest.mark.slow
def test_scanned_table_three_numbers_carry_a_confidence_and_a_box(tmp_path: Path) -> None:
    """OCR (rapidocr) on a one-page scan of table 三: numbers have a confidence, and each box
    lies in the ruled cell the text layer of the same page puts the number in."""
    pytest.importorskip("rapidocr")
    pdf = pdfium.PdfDocument(str(SAMPLE_PDF))
    image = pdf[3].render(scale=200 / 72).to_pil().convert("RGB")
    pdf.close()
    scan = tmp_path / "page4.pdf"
    image.save(scan, resolution=200)
    scanned = gongkai.check(scan)
    printed = gongkai.check(SAMPLE_PDF)
    compared = 0
    for path, provenance in scanned.provenance.items():
        if not path.startswith("requests.") or scanned.cell_values()[path] is None:
            continue
        assert provenance.confidence is not None and 0 <= provenance.confidence <= 1, (path, provenance)
        assert provenance.box is not None, path
        cell = printed.provenance[path]
        if cell.page != 4 or cell.box is None or provenance.derived:
            continue
        x0, top, x1, bottom = provenance.box
        cx0, ctop, cx1, cbottom = cell.box
        assert cx0 - 2 <= (x0 + x1) / 2 <= cx1 + 2 and ctop - 2 <= (top + bottom) / 2 <= cbottom + 2, (path, provenance.box, cell.box)
        compared += 1
    assert compared >= 80


# ------------------------------------------------------------------ gongkai show --draw


def test_show_draw_writes_the_page_as_png(tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "page.png"
    result = run_cli("show", SAMPLE_PDF, "--draw", out)
    assert result.exit_code == 0, result.output
    assert "表三" in result.stdout or "本年新收" in result.stdout  # the tables are still shown
    assert "已把第4页画到" in result.stderr  # table 三's page by default
    width, height = pdfium.PdfDocument(str(SAMPLE_PDF))[3].get_size()
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert abs(image.width - 2 * width) <= 1 and abs(image.height - 2 * height) <= 1
        # green boxes were drawn
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert any(g > 120 and r < 60 and b < 100 for _count, (r, g, b) in colours)


def test_show_draw_page_option(tmp_path: Path) -> None:
    out = tmp_path / "page5.png"
    result = run_cli("show", SAMPLE_PDF, "--draw", out, "--page", "5")
    assert result.exit_code == 0 and out.is_file()
    assert "已把第5页画到" in result.stderr
    missing = run_cli("show", SAMPLE_PDF, "--draw", tmp_path / "x.png", "--page", "40")
    assert missing.exit_code == 2 and "第40页不存在" in missing.stderr
    alone = run_cli("show", SAMPLE_PDF, "--page", "2")
    assert alone.exit_code == 2 and "--draw" in alone.stderr


def test_show_draw_on_a_text_file_is_refused_in_chinese(tmp_path: Path) -> None:
    out = tmp_path / "page.png"
    result = run_cli("show", SAMPLE_TEXT, "--draw", out)
    assert result.exit_code == 2
    assert "只能为PDF或扫描图片绘制" in result.stderr and "纯文本" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not out.exists()
