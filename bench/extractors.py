"""The corpus's real PDFs as text other tools extract, read by gongkai: cells right / null / wrong.

    python bench/extractors.py [--corpus ../shared/corpus]

A user often hands gongkai text another tool extracted, not the PDF. Each real PDF with a
hand-checked truth (../shared/corpus/truth) goes through pdftotext (its default reading order,
-layout, -raw) and pypdfium2, and — where they are installed (they are no dependency of
gongkai: `pip install pdfplumber pymupdf pymupdf4llm`) — pdfplumber (plain and layout),
PyMuPDF (plain and sorted) and pymupdf4llm's Markdown; then as printed and with every line
break and space run joined into one space (a web page's copy of it), and `gongkai.check_text`
reads it. Printed per extractor: cells right, null and wrong over all documents (every cell of
tables 二, 三, 四). Needs poppler-utils for pdftotext (its rows are skipped without it).
Asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

import gongkai
from gongkai.model import cell_values


def _pdftotext(mode: str) -> Callable[[Path], str]:
    def extract(pdf: Path) -> str:
        return subprocess.run(["pdftotext", *([mode] if mode else []), str(pdf), "-"], check=True, capture_output=True, text=True, timeout=120).stdout

    return extract


def _pypdfium2(pdf: Path) -> str:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return "\n".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
    finally:
        document.close()


def _pdfplumber(layout: bool) -> Callable[[Path], str]:
    def extract(pdf: Path) -> str:
        with importlib.import_module("pdfplumber").open(pdf) as document:
            return "\n".join(page.extract_text(layout=layout) or "" for page in document.pages)

    return extract


def _pymupdf(sort: bool) -> Callable[[Path], str]:
    def extract(pdf: Path) -> str:
        with importlib.import_module("pymupdf").open(pdf) as document:
            return "".join(page.get_text(sort=sort) for page in document)

    return extract


def _pymupdf4llm(pdf: Path) -> str:
    return str(importlib.import_module("pymupdf4llm").to_markdown(str(pdf), show_progress=False, use_ocr=False))


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


logging.getLogger("pdfminer").setLevel(logging.ERROR)  # pdfplumber's fonts: a warning per character, not a finding


def extractors() -> dict[str, Callable[[Path], str]]:
    found: dict[str, Callable[[Path], str]] = {}
    if shutil.which("pdftotext"):
        found |= {"pdftotext": _pdftotext(""), "pdftotext -layout": _pdftotext("-layout"), "pdftotext -raw": _pdftotext("-raw")}
    found["pypdfium2"] = _pypdfium2
    if _installed("pdfplumber"):
        found |= {"pdfplumber": _pdfplumber(False), "pdfplumber layout": _pdfplumber(True)}
    if _installed("pymupdf"):
        found |= {"pymupdf": _pymupdf(False), "pymupdf sorted": _pymupdf(True)}
    if _installed("pymupdf4llm"):
        found["pymupdf4llm markdown"] = _pymupdf4llm
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    args = parser.parse_args()
    truths = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((args.corpus / "truth").glob("*.json"))]
    truths = [truth for truth in truths if truth["file"].endswith(".pdf")]
    tally: dict[str, Counter[str]] = {}
    for truth in truths:
        want = cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"])
        for name, extract in extractors().items():
            text = extract(args.corpus / truth["file"])
            for variant, printed in ((name, text), (f"{name}, joined", " ".join(text.split()))):
                have = gongkai.check_text(printed).cell_values()
                counts = tally.setdefault(variant, Counter())
                for path, value in want.items():
                    got = have.get(path)
                    counts["cells"] += 1
                    counts["right" if got == value else "null" if got is None else "wrong"] += 1
    print(f"{len(truths)} real PDFs with a hand-checked truth, as text other tools extract\n")
    print(f"{'extractor':<30}  {'cells':>6}  {'right':>6}  {'null':>6}  {'wrong':>6}  {'% right':>7}")
    for name, counts in tally.items():
        print(f"{name:<30}  {counts['cells']:>6}  {counts['right']:>6}  {counts['null']:>6}  {counts['wrong']:>6}  {100 * counts['right'] / counts['cells']:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
