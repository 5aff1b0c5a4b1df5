"""Generated reports printed to PDF by the tools agencies use, read back (issue 8).

A web page's report printed by Chromium and a Word report converted by LibreOffice: read as
PDF, and as the text `pdftotext` extracts from them (with `-layout`, and in its default reading
order, which lists a table's labels apart from its numbers). The PDF and the `-layout` text read
exactly; the default order loses many cells, but no value may land in another's cell. Needs
Chromium, LibreOffice and pdftotext; nothing binary is committed, the PDFs are made here.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

import gongkai
from synth.generate import ReportSpec, expected_cells, random_report, render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="Chromium, LibreOffice (soffice) and pdftotext are needed",
)

# Reports whose prints show what the readers must cope with: a label over several lines with
# one number beside its first line or its list marker a line below (Chromium; more so on A5's
# narrow columns), a number wider than its cell running past the table's border (A5, seed
# 118), table 二's labels listed together before its numbers (LibreOffice through pdftotext), two
# lines of values one space apart that make a row's count but belong to two rows (A5 through
# pdftotext's reading order, seed 508: where values stand across such lines tells no column), a
# row's labels and markers listed apart so that another row's number joins it (A5, seed 702).
PRINTS = {
    "chromium-a4": (1, 2, 16, 34, 139, 238),
    "chromium-a5": (28, 101, 102, 106, 118, 124, 136, 208, 232, 302, 339, 508, 702),
    "libreoffice": (1, 2, 16, 34),
}
A5 = b"<style>@page { size: A5; }</style>"


def _spec(seed: int) -> ReportSpec:
    rng = random.Random(seed)
    template = rng.choice(["2019", "2021"])
    return random_report(seed, template=template, year=rng.choice([2019, 2021, 2023]), zero_rate=rng.choice([0.2, 0.5, 0.8]))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ReportSpec, Path]]:
    folder = tmp_path_factory.mktemp("printed")
    out: dict[str, tuple[ReportSpec, Path]] = {}
    documents = []
    assert CHROMIUM is not None
    for tool, seeds in PRINTS.items():
        for seed in seeds:
            spec = _spec(seed)
            if tool == "libreoffice":
                docx = folder / f"r{seed}-word.docx"
                docx.write_bytes(render(spec, "docx")[0])
                documents.append(str(docx))
                out[f"{tool}-{seed}"] = (spec, docx.with_suffix(".pdf"))
                continue
            page = render(spec, "html-utf8")[0]
            html = folder / f"r{seed}-{tool}.html"
            html.write_bytes(page.replace(b"</head>", A5 + b"</head>", 1) if tool == "chromium-a5" else page)
            pdf = html.with_suffix(".pdf")
            subprocess.run(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
                capture_output=True, timeout=180, check=True,
            )
            out[f"{tool}-{seed}"] = (spec, pdf)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), *documents],
        capture_output=True, timeout=600, check=True,
    )
    return out


NAMES = [f"{tool}-{seed}" for tool, seeds in PRINTS.items() for seed in seeds]


def _pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, timeout=120, check=True).stdout


def _differences(spec: ReportSpec, record: gongkai.Record) -> tuple[list[tuple[str, object, object]], list[tuple[str, object, object]]]:
    """(cells read as another value, cells read null) against the printed truth."""
    read = record.cell_values()
    want = expected_cells(spec)
    wrong = [(path, value, read.get(path)) for path, value in want.items() if read.get(path) is not None and read.get(path) != value]
    null = [(path, value, None) for path, value in want.items() if read.get(path) is None and value is not None]
    return wrong, null


@pytest.mark.parametrize("name", NAMES)
def test_printed_pdf_reads_exactly(printed: dict[str, tuple[ReportSpec, Path]], name: str) -> None:
    spec, pdf = printed[name]
    assert _differences(spec, gongkai.check(pdf)) == ([], [])


@pytest.mark.parametrize("name", NAMES)
def test_printed_pdf_reads_exactly_through_pdftotext_layout(printed: dict[str, tuple[ReportSpec, Path]], name: str) -> None:
    """Chromium sets a wrapped label's list marker on its cell's last line ("2." under
    「其他法律行政法规禁止公开 0」), the row's other numbers beside it: still one row."""
    spec, pdf = printed[name]
    assert _differences(spec, gongkai.check_text(_pdftotext(pdf, "-layout"))) == ([], [])


@pytest.mark.parametrize("name", NAMES)
def test_printed_pdf_through_pdftotext_reading_order_misplaces_nothing(printed: dict[str, tuple[ReportSpec, Path]], name: str) -> None:
    """The default reading order lists labels apart and splits a row around its wrapped label:
    cells it cannot place are null, none is read into another's cell."""
    spec, pdf = printed[name]
    wrong, _null = _differences(spec, gongkai.check_text(_pdftotext(pdf)))
    assert wrong == []
