"""PDF reading speed and accuracy: gongkai against pdftotext (the floor) and pdfplumber (what a user would reach for).

    python bench/bench_pdf.py [--corpus ../shared/corpus] [--rounds 5]

Same PDFs, same run. Speed is pages per second for turning each PDF into text or tables
(gongkai: its own reader; pdftotext -layout: a subprocess per file; pdfplumber:
extract_tables on every page). Accuracy is the share of the hand-checked cells (tables 二, 三,
四 in truth/) that come out right: gongkai's full record; pdftotext -layout text fed to
gongkai's parser; pdfplumber's table cells taken in reading order against table 三's 175 cells.
Prints what it measured; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gongkai
from gongkai.model import cell_values
from gongkai.read import load


def _score(truth: dict, record: gongkai.Record) -> tuple[int, int]:
    want = cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"])
    have = record.cell_values()
    return sum(1 for k, v in want.items() if have.get(k) == v), len(want)


def _timed(function, rounds: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pdfs = sorted((args.corpus / "real").glob("*.pdf"))
    truths = {p: json.loads((args.corpus / "truth" / f"{p.stem}.json").read_text(encoding="utf-8")) for p in pdfs}
    pages = sum(load(p).pages or 0 for p in pdfs)
    print(f"{len(pdfs)} PDFs, {pages} pages, best of {args.rounds} rounds")

    seconds = _timed(lambda: [load(p) for p in pdfs], args.rounds)
    right = total = 0
    for pdf in pdfs:
        r, t = _score(truths[pdf], gongkai.check(pdf))
        right, total = right + r, total + t
    print(f"gongkai (pypdfium2 char boxes)   {pages / seconds:8.1f} pages/s   cells right {right}/{total}")

    if shutil.which("pdftotext"):
        with tempfile.TemporaryDirectory() as folder:
            def run_pdftotext() -> None:
                for pdf in pdfs:
                    subprocess.run(["pdftotext", "-layout", str(pdf), str(Path(folder) / f"{pdf.stem}.txt")], check=True)

            seconds = _timed(run_pdftotext, args.rounds)
            right = total = 0
            for pdf in pdfs:
                r, t = _score(truths[pdf], gongkai.check(Path(folder) / f"{pdf.stem}.txt"))
                right, total = right + r, total + t
        print(f"pdftotext -layout (+ gongkai parser) {pages / seconds:6.1f} pages/s   cells right {right}/{total}")
    else:
        print("pdftotext: not installed (apt-get install poppler-utils)")

    try:
        import pdfplumber
    except ImportError:
        print("pdfplumber: not installed (pip install pdfplumber)")
        return 0

    def run_pdfplumber() -> list[list[list[list[str | None]]]]:
        out = []
        for pdf in pdfs:
            with pdfplumber.open(pdf) as document:
                out.append([table for page in document.pages for table in page.extract_tables()])
        return out

    seconds = _timed(run_pdfplumber, max(1, args.rounds // 2))
    right = total = 0
    for pdf, tables in zip(pdfs, run_pdfplumber()):
        numbers = [
            cell.strip()
            for table in tables
            for row in table
            for cell in row
            if cell and cell.strip().isdecimal()
        ]
        truth_rows = truths[pdf]["requests"]["rows"]
        wanted = [str(v) for row in truth_rows.values() if row is not None for v in row]
        total += len(wanted)
        # the longest stretch of table 三's cells found in order among the extracted numbers
        best = 0
        for start in range(len(numbers)):
            matched = sum(1 for a, b in zip(numbers[start:], wanted) if a == b)
            best = max(best, matched)
        right += best
    print(f"pdfplumber extract_tables        {pages / seconds:8.1f} pages/s   table 三 cells in order {right}/{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
