"""The readers for the documents agencies publish: PDF (text layer and scanned), images, DOCX, HTML.

Each reader turns its own failures into a Chinese `unreadable` finding within bounded time and
memory; the type of a file is decided by its bytes, not its name.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

import gongkai
from gongkai.model import cell_values
from gongkai.read import MAX_BYTES, load
from gongkai.read.sniff import ODT_MEDIA_TYPE

pdfium = pytest.importorskip("pypdfium2")


def _rules(record: gongkai.Record) -> set[str]:
    return {f.rule for f in record.findings}


def _cells(record: gongkai.Record) -> dict[str, object]:
    return dict(record.cell_values())


def _truth_cells(truth: dict) -> dict[str, object]:
    return dict(cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"]))


# ------------------------------------------------------------------ PDF


def test_real_pdf_values_carry_their_page(corpus: Path) -> None:
    record = gongkai.check(corpus / "real" / "2024_huaian-shizhengfu.pdf")
    assert record.source.media_type == "application/pdf"
    assert record.source.pages == 6
    provenance = record.provenance["requests.new_received.total"]
    assert (provenance.text, provenance.page) == ("3119", 4)


def _scanned(pdf: Path, out: Path, dpi: int = 200, degrees: float = 0.0) -> Path:
    """An image-only copy of a PDF, as a scanner would produce it (each page turned by `degrees`:
    a sheet laid askew on the glass)."""
    document = pdfium.PdfDocument(str(pdf))
    images = [
        document[i].render(scale=dpi / 72).to_pil().convert("RGB").rotate(degrees, expand=True, fillcolor="white") for i in range(len(document))
    ]
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("name", "degrees", "page"), [("2024_huaian-shizhengfu", 0.0, 4), ("2024_huaian-hongzequ", 1.5, 3)])
def test_scanned_pdf_is_read_by_ocr(corpus: Path, tmp_path: Path, name: str, degrees: float, page: int) -> None:
    """OCR on a scan of a real report, level or turned 1.5° (its rows, tilted, are grouped
    along the page's tilt): every cell right, or null and flagged; never a silent wrong one."""
    pytest.importorskip("rapidocr")
    record = gongkai.check(_scanned(corpus / "real" / f"{name}.pdf", tmp_path / "scan.pdf", degrees=degrees))
    truth = json.loads((corpus / "truth" / f"{name}.json").read_text(encoding="utf-8"))
    want, have = _truth_cells(truth), _cells(record)
    wrong = {path: (value, have.get(path)) for path, value in want.items() if have.get(path) != value}
    flagged = set(record.notes.cells)
    assert all(path in flagged and have.get(path) is None for path in wrong), wrong
    assert len(want) - len(wrong) >= 0.99 * len(want), f"{len(wrong)} of {len(want)} cells wrong"
    assert record.provenance["requests.new_received.total"].page == page


@pytest.mark.slow
def test_image_without_text_is_unreadable(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr")
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (800, 600), "white").save(blank)
    record = gongkai.check(blank)
    assert _rules(record) == {"unreadable"}
    assert "没有识别出文字" in record.findings[0].message


def test_encrypted_pdf_is_unreadable_with_a_reason(corpus: Path, tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(corpus / "real" / "2024_huaian-hongzequ.pdf") as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret"))
    record = gongkai.check(locked)
    assert _rules(record) == {"unreadable"}
    assert "加密" in record.findings[0].message


def test_truncated_pdf_is_unreadable(corpus: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.pdf"
    cut.write_bytes((corpus / "real" / "2024_huaian-hongzequ.pdf").read_bytes()[:5000])
    record = gongkai.check(cut)
    assert "unreadable" in _rules(record) or "table_missing" in _rules(record)
    assert all("Traceback" not in f.message for f in record.findings)


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(MAX_BYTES + 1)  # sparse: no disk or memory used
    record = gongkai.check(huge)
    assert _rules(record) == {"unreadable"}
    assert "过大" in record.findings[0].message


def test_type_is_decided_by_content_not_extension(corpus: Path, tmp_path: Path) -> None:
    disguised = tmp_path / "report.pdf"
    disguised.write_bytes(b"<html><head><meta charset='utf-8'></head><body><p>x</p></body></html>")
    assert load(disguised).media_type == "text/html"
    docx_named_txt = tmp_path / "report.txt"
    docx_named_txt.write_bytes((corpus / "real" / "template_official_blank.docx").read_bytes())
    assert "wordprocessingml" in load(docx_named_txt).media_type


# ------------------------------------------------------------------ DOCX


def test_official_blank_template_reads_as_a_complete_blank_2021_record(corpus: Path) -> None:
    record = gongkai.check(corpus / "real" / "template_official_blank.docx")
    assert record.template == "2021"
    assert record.notes.tables_found == {"二": True, "三": True, "四": True}
    cells = _cells(record)
    assert len(cells) == 25 * 7 + 15 + 10
    assert set(cells.values()) == {None}
    assert {note.status for note in record.notes.cells.values()} == {"blank"}
    assert set(record.notes.cells) == set(cells)
    assert _rules(record) == {"blank_cell"}
    assert not record.notes.section_lines.keys() ^ {1, 2, 3, 4, 5, 6}


def test_zip_bomb_docx_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"a" * (400 * 1024 * 1024) + b"/>")
    record = gongkai.check(bomb)
    assert _rules(record) == {"unreadable"}
    assert "压缩炸弹" in record.findings[0].message or "体积异常" in record.findings[0].message


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    other = tmp_path / "data.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    other.write_bytes(buffer.getvalue())
    record = gongkai.check(other)
    assert _rules(record) == {"unreadable"}
    assert "不是Word" in record.findings[0].message


# ------------------------------------------------------------------ HTML


def _page(body: str, meta: str = "utf-8", date: str = "2024-01-22") -> str:
    chrome = "".join(f"<li><a href='/c{i}'>栏目导航链接{i}</a></li>" for i in range(40))
    return (
        f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={meta}'><title>年报</title></head>"
        f"<body><div class='nav'><ul>{chrome}</ul></div><div class='info'>发布日期：{date}  来源：本站</div>"
        f"<div class='article'>{body}</div><div class='footer'>主办单位：某市人民政府办公室 ICP备00000000号</div></body></html>"
    )


def _body_from_seed(text: str) -> str:
    """A seed's text as HTML: its tab-separated lines become table rows, the rest paragraphs."""
    parts: list[str] = []
    in_table = False
    for line in text.split("\n"):
        if "\t" in line:
            if not in_table:
                parts.append("<table border='1'>")
                in_table = True
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t") if c.strip()) + "</tr>")
        else:
            if in_table:
                parts.append("</table>")
                in_table = False
            parts.append(f"<p>{line}</p>")
    return "".join(parts)


@pytest.mark.parametrize(("encoding", "meta"), [("utf-8", "utf-8"), ("gbk", "gb2312"), ("gbk", "utf-8")], ids=["utf8", "gbk", "gbk-lying-meta"])
def test_html_page_is_read_among_its_chrome(corpus: Path, tmp_path: Path, encoding: str, meta: str) -> None:
    seed = corpus / "seeds" / "000_981dc59110326a5f.txt"
    page = tmp_path / "page.html"
    page.write_bytes(_page(_body_from_seed(seed.read_text(encoding="utf-8")), meta).encode(encoding))
    record = gongkai.check(page)
    truth = json.loads((corpus / "truth" / "000_981dc59110326a5f.json").read_text(encoding="utf-8"))
    assert _cells(record) == _truth_cells(truth)
    assert record.agency == "赣州市" and record.year == 2023
    assert record.published == "2024-01-22"  # the body has no date: 发布日期 of the page
    assert "栏目导航链接" not in "\n".join(s["text"] for s in record.sections)
    assert not [f for f in record.findings if f.severity != "info"]


# ------------------------------------------------------------------ DOC / WPS


@pytest.mark.slow
@pytest.mark.parametrize(("target", "media_type"), [("doc", "application/msword"), ("odt", ODT_MEDIA_TYPE), ("rtf", "application/rtf")])
def test_office_formats_are_converted_by_libreoffice(corpus: Path, tmp_path: Path, target: str, media_type: str) -> None:
    import shutil
    import subprocess

    program = shutil.which("soffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        [program, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", target,
         "--outdir", str(tmp_path), str(corpus / "real" / "template_official_blank.docx")],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    converted = tmp_path / f"template_official_blank.{target}"
    renamed = converted.rename(tmp_path / "report.bin")  # the type comes from the bytes, not the name
    record = gongkai.check(renamed)
    assert record.source.media_type == media_type
    assert record.notes.tables_found == {"二": True, "三": True, "四": True}
    assert set(_cells(record).values()) == {None} and _rules(record) == {"blank_cell"}


def test_doc_without_libreoffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.read import office

    monkeypatch.setattr(office, "soffice", lambda: None)
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    record = gongkai.check(old)
    assert _rules(record) == {"unreadable"}
    assert "LibreOffice" in record.findings[0].message
