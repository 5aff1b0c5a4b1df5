"""Generated reports printed to PDF by real tools, read back: cells right / null / wrong.

    python bench/printed.py [--docs 40] [--seed 0] [--folder DIR]

Agencies publish what their tools print: a web page's report printed by Chromium (A4, and A5,
whose narrower columns wrap more labels), a Word report converted by LibreOffice (tables kept
on one page, and broken across pages inside a row). Each generated report (random template,
year and share of zeros, by seed) is printed so, then read as PDF (`gongkai.check`) and as the
text other tools extract (`gongkai.check_text`): pdftotext (`-layout`, `-raw`, its default
reading order), pypdfium2, and pdfplumber, PyMuPDF and pymupdf4llm where installed (see
bench/extractors.py).
Printed per tool and reading: cells right, null and wrong, and the first wrong cells. Needs
Chromium, LibreOffice (soffice) and pdftotext; the PDFs are kept in --folder (made once).
Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import gongkai

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root
from extractors import extractors  # bench/ is the script's own folder

from synth.generate import ReportSpec, expected_cells, random_report, render

A5 = b"<style>@page { size: A5; }</style>"
PRINTS = ("chromium-a4", "chromium-a5", "libreoffice", "libreoffice-break")


def spec_of(seed: int) -> ReportSpec:
    rng = random.Random(seed)
    template = rng.choice(["2019", "2021"])
    return random_report(seed, template=template, year=rng.choice([2019, 2021, 2023]), zero_rate=rng.choice([0.2, 0.5, 0.8]))


def print_all(specs: dict[int, ReportSpec], folder: Path, chromium: str) -> dict[tuple[int, str], Path]:
    """Every report printed every way (PDFs already in `folder` are kept)."""
    pdfs: dict[tuple[int, str], Path] = {}
    word: list[str] = []
    for seed, spec in specs.items():
        page, _suffix = render(spec, "html-utf8")
        for name, extra in (("chromium-a4", b""), ("chromium-a5", A5)):
            pdf = folder / f"r{seed}-{name}.pdf"
            if not pdf.exists():
                html = folder / f"r{seed}-{name}.html"
                html.write_bytes(page.replace(b"</head>", extra + b"</head>", 1))
                subprocess.run(
                    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
                    capture_output=True, timeout=180, check=False,
                )
            pdfs[(seed, name)] = pdf
        for name, rendering in (("libreoffice", "docx"), ("libreoffice-break", "docx-break-split")):
            docx = folder / f"r{seed}-{name}.docx"
            if not docx.with_suffix(".pdf").exists():
                docx.write_bytes(render(spec, rendering)[0])
                word.append(str(docx))
            pdfs[(seed, name)] = docx.with_suffix(".pdf")
    for start in range(0, len(word), 50):
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), *word[start : start + 50]],
            capture_output=True, timeout=1800, check=False,
        )
    return pdfs


def read(pdf: Path, reading: str, readers: dict[str, Callable[[Path], str]]) -> gongkai.Record:
    if reading == "pdf":
        return gongkai.check(pdf)
    return gongkai.check_text(readers[reading](pdf), path=pdf.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=40, help="reports to generate (default 40); each is printed four ways")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first report")
    parser.add_argument("--folder", type=Path, help="where the PDFs are made and kept (default: a new temporary folder)")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = [tool for tool, found in (("chromium", chromium), ("soffice", shutil.which("soffice")), ("pdftotext", shutil.which("pdftotext"))) if not found]
    if missing or chromium is None:
        print(f"printed.py: needs {', '.join(missing)}")
        return 1
    folder = args.folder or Path(tempfile.mkdtemp(prefix="gongkai-printed-"))
    folder.mkdir(parents=True, exist_ok=True)
    specs = {seed: spec_of(seed) for seed in range(args.seed, args.seed + args.docs)}
    started = time.perf_counter()
    pdfs = print_all(specs, folder, chromium)
    printing = time.perf_counter() - started
    readers = extractors()
    tally: dict[tuple[str, str], Counter[str]] = {}
    examples: dict[tuple[str, str], list[str]] = {}
    for (seed, name), pdf in pdfs.items():
        if not pdf.exists():
            tally.setdefault((name, "not printed"), Counter())["docs"] += 1
            continue
        want = expected_cells(specs[seed])
        for reading in ("pdf", *readers):
            got = read(pdf, reading, readers).cell_values()
            counts = tally.setdefault((name, reading), Counter())
            counts["docs"] += 1
            for path, value in want.items():
                have = got.get(path)
                outcome = "right" if have == value else "null" if have is None else "wrong"
                counts[outcome] += 1
                if outcome == "wrong":
                    examples.setdefault((name, reading), []).append(f"{pdf.name} {path}: {value} → {have}")
    print(f"printed reports: {args.docs} from seed {args.seed}, printed four ways in {printing:.0f} s, PDFs in {folder}\n")
    print(f"{'print':<20}{'reading':<24}{'docs':>6}{'cells':>9}{'right':>9}{'null':>8}{'wrong':>7}{'% right':>9}")
    for (name, reading), counts in sorted(tally.items(), key=lambda item: (PRINTS.index(item[0][0]), item[0][1])):
        cells = counts["right"] + counts["null"] + counts["wrong"]
        share = f"{100 * counts['right'] / cells:.2f}" if cells else "-"
        print(f"{name:<20}{reading:<24}{counts['docs']:>6}{cells:>9}{counts['right']:>9}{counts['null']:>8}{counts['wrong']:>7}{share:>9}")
    if examples:
        print("\nwrong cells (first 5 per print and reading):")
        for key, lines in sorted(examples.items()):
            for line in lines[:5]:
                print(f"  {key[0]} / {key[1]}: {line}")
    else:
        print("\nno wrong cells")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
