"""Round trips through PDF: generated Word reports → LibreOffice PDF → gongkai, and the same PDFs
rendered to page images (a scan) → OCR → gongkai.

N is 10 documents through PDF and 1 through OCR by default; GONGKAI_ROUNDTRIP_FULL=1 makes it
200 and 5. Needs LibreOffice (`soffice`) and, for OCR, the rapidocr wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import gongkai
from synth.generate import expected_cells, random_report, to_docx

FULL = os.environ.get("GONGKAI_ROUNDTRIP_FULL") == "1"
N_PDF = 200 if FULL else 10
N_OCR = 5 if FULL else 1
SEED = 70_000

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, Path]]:
    """N generated reports as PDFs made by LibreOffice from their DOCX (one soffice call)."""
    folder = tmp_path_factory.mktemp("pdf")
    specs = [random_report(SEED + i) for i in range(N_PDF)]
    docx = []
    for spec in specs:
        path = folder / f"report-{spec.seed}.docx"
        path.write_bytes(to_docx(spec, page_break_in_table=spec.seed % 2 == 0))
        docx.append(path)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *map(str, docx)],
        capture_output=True, timeout=60 + 3 * N_PDF, check=True,
    )
    return [(spec, folder / f"report-{spec.seed}.pdf") for spec in specs]


@pytest.mark.slow
def test_generated_pdfs_come_back_whole(pdfs: list[tuple[object, Path]]) -> None:
    cells = right = 0
    problems = []
    for spec, pdf in pdfs:
        record = gongkai.check(pdf)
        read = record.cell_values()
        want = expected_cells(spec)  # type: ignore[arg-type]
        wrong = {path: (value, read.get(path)) for path, value in want.items() if read.get(path) != value}
        cells += len(want)
        right += len(want) - len(wrong)
        serious = [f.rule for f in record.findings if f.severity in ("error", "warning")]
        meta = (record.agency, record.year, record.template) == (spec.agency, spec.year, spec.template)  # type: ignore[attr-defined]
        if wrong or serious or not meta:
            problems.append((pdf.name, list(wrong.items())[:3], serious, record.agency))
    print(f"\nPDF round trip: cells right {right}/{cells} over {len(pdfs)} documents")
    assert not problems, problems[:3]


def _scan(pdf: Path, out: Path, dpi: int = 200) -> Path:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))]
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out


@pytest.mark.slow
def test_scanned_generated_pdfs_through_ocr(pdfs: list[tuple[object, Path]], tmp_path: Path) -> None:
    """≥ 99 % of cells right through OCR, and every cell that is not right is null and flagged."""
    pytest.importorskip("rapidocr")
    cells = right = 0
    silent = []
    for spec, pdf in pdfs[:N_OCR]:
        record = gongkai.check(_scan(pdf, tmp_path / f"scan-{pdf.stem}.pdf"))
        read = record.cell_values()
        want = expected_cells(spec)  # type: ignore[arg-type]
        for path, value in want.items():
            cells += 1
            if read.get(path) == value:
                right += 1
            elif read.get(path) is not None or path not in record.notes.cells:
                silent.append((pdf.name, path, value, read.get(path)))
    print(f"\nOCR round trip: cells right {right}/{cells} over {N_OCR} scanned documents")
    assert not silent, silent[:5]
    assert right >= 0.99 * cells


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["", "-layout", "-raw"])
@pytest.mark.parametrize("joined", [False, True], ids=["lines", "joined"])
def test_generated_pdfs_through_pdftotext(pdfs: list[tuple[object, Path]], mode: str, joined: bool) -> None:
    """The same PDFs as text a user extracts with pdftotext, as printed or with every line
    break and space run joined into one space: -layout and -raw read every cell; the default
    mode lists LibreOffice's tables in reading order (labels apart, numbers column by column,
    in pieces), which reads little — and never a wrong number."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    cells = right = 0
    wrong = []
    for spec, pdf in pdfs:
        text = subprocess.run(["pdftotext", *([mode] if mode else []), str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60).stdout
        read = gongkai.check_text(" ".join(text.split()) if joined else text).cell_values()
        want = expected_cells(spec)  # type: ignore[arg-type]
        cells += len(want)
        right += sum(1 for path, value in want.items() if read.get(path) == value)
        wrong += [(pdf.name, path, value, read.get(path)) for path, value in want.items() if read.get(path) not in (None, value)]
    print(f"\npdftotext {mode or '(default)'} {'joined' if joined else 'lines'}: cells right {right}/{cells}")
    assert not wrong, wrong[:5]
    if mode:
        assert right == cells
