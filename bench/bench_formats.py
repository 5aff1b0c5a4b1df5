"""Reading speed per format, on generated reports rendered every way gongkai reads.

    python bench/bench_formats.py [--reports 20] [--ocr 1]

For each format: documents/second and pages/second (PDF, scans) for `gongkai.check` (read +
every single-report rule), one process, best of 3 rounds (OCR: one round). DOCX → PDF goes
through LibreOffice when `soffice` is installed; the scan is the PDF's pages rendered at
200 dpi. Prints what it measured; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gongkai
from gongkai.read import load

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root
from synth.generate import random_report, to_docx, to_html, to_text


def _best(paths: list[Path], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for path in paths:
            gongkai.check(path)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--ocr", type=int, default=1, help="how many of the PDFs to scan and OCR (slow)")
    args = parser.parse_args()
    specs = [random_report(90_000 + i) for i in range(args.reports)]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sets: dict[str, list[Path]] = {}
        for layout in ("tabs", "markdown", "cells", "layout"):
            sets[f"text-{layout}"] = []
            for spec in specs:
                path = folder / f"{layout}-{spec.seed}.txt"
                path.write_text(to_text(spec, layout), encoding="utf-8")
                sets[f"text-{layout}"].append(path)
        sets["docx"] = []
        sets["html-gbk"] = []
        for spec in specs:
            docx = folder / f"r-{spec.seed}.docx"
            docx.write_bytes(to_docx(spec))
            sets["docx"].append(docx)
            html = folder / f"r-{spec.seed}.html"
            html.write_bytes(to_html(spec, encoding="gbk"))
            sets["html-gbk"].append(html)
        if shutil.which("soffice"):
            subprocess.run(
                ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
                 "--outdir", str(folder), *map(str, sets["docx"])],
                capture_output=True, timeout=600, check=True,
            )
            sets["pdf (LibreOffice)"] = [p.with_suffix(".pdf") for p in sets["docx"]]
        print(f"{args.reports} generated reports per format; gongkai.check = read + single-report rules; best of 3")
        print(f"{'format':22}{'docs/s':>10}{'pages/s':>10}")
        for name_, paths in sets.items():
            seconds = _best(paths, 3)
            pages = sum(load(p).pages or 0 for p in paths) if name_.startswith("pdf") else 0
            page_rate = f"{pages / seconds:10.1f}" if pages else f"{'':>10}"
            print(f"{name_:22}{len(paths) / seconds:10.1f}{page_rate}")
        if "pdf (LibreOffice)" in sets and args.ocr:
            import pypdfium2 as pdfium

            scans = []
            for pdf in sets["pdf (LibreOffice)"][: args.ocr]:
                document = pdfium.PdfDocument(str(pdf))
                images = [document[i].render(scale=200 / 72).to_pil().convert("RGB") for i in range(len(document))]
                scan = folder / f"scan-{pdf.stem}.pdf"
                images[0].save(scan, save_all=True, append_images=images[1:], resolution=200)
                scans.append(scan)
            pages = sum(len(pdfium.PdfDocument(str(s))) for s in scans)
            seconds = _best(scans, 1)
            print(f"{'scan (OCR, 200 dpi)':22}{len(scans) / seconds:10.2f}{pages / seconds:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
