"""Generated reports printed to PDF, then scanned as offices scan paper: cells right / null / wrong.

    python bench/scanned.py [--docs 6] [--seed 0] [--dpi 150] [--folder DIR]

Each generated report (`bench/printed.py`'s: random template, year and share of zeros, by seed)
is printed by Chromium (A4) and LibreOffice, then every page is rendered to an image at --dpi,
turned by a random angle (up to ±2°: a sheet laid askew on the glass), saved as grey JPEG at a
random quality (35–85) and bound into an image-only PDF, which `gongkai.check` reads by OCR.
Printed per print: cells right, null and wrong, the angles seen, and seconds per page; then the
wrong cells. Needs Chromium, LibreOffice and the OCR extra (rapidocr). Asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

import gongkai

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root
from printed import print_all, spec_of  # bench/ is the script's own folder

from synth.generate import expected_cells

MAX_DEGREES = 2.0


def scanned(pdf: Path, out: Path, dpi: int, rng: random.Random) -> tuple[Path, list[float]]:
    """An image-only copy of `pdf`, each page turned a little and compressed as a scanner's JPEG."""
    document = pdfium.PdfDocument(str(pdf))
    pages: list[Image.Image] = []
    angles: list[float] = []
    try:
        for index in range(len(document)):
            angle = rng.uniform(-MAX_DEGREES, MAX_DEGREES)
            image = document[index].render(scale=dpi / 72).to_pil().convert("L").rotate(angle, expand=True, fillcolor=255)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=rng.randint(35, 85))
            pages.append(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
            angles.append(angle)
    finally:
        document.close()
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=dpi)
    return out, angles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=6, help="reports to generate (default 6); each is printed two ways")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first report")
    parser.add_argument("--dpi", type=int, default=150, help="scan resolution (default 150)")
    parser.add_argument("--folder", type=Path, help="where the PDFs are made and kept (default: a new temporary folder)")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or shutil.which("soffice") is None:
        print("scanned.py: needs chromium and soffice")
        return 1
    folder = args.folder or Path(tempfile.mkdtemp(prefix="gongkai-scanned-"))
    folder.mkdir(parents=True, exist_ok=True)
    specs = {seed: spec_of(seed) for seed in range(args.seed, args.seed + args.docs)}
    pdfs = {key: pdf for key, pdf in print_all(specs, folder, chromium).items() if key[1] in ("chromium-a4", "libreoffice")}
    rng = random.Random(args.seed)
    tally: dict[str, Counter[str]] = {}
    angles: dict[str, list[float]] = {}
    seconds: dict[str, float] = {}
    wrong: list[str] = []
    for (seed, name), pdf in sorted(pdfs.items()):
        if not pdf.exists():
            continue
        scan, turned = scanned(pdf, folder / f"{pdf.stem}-scan.pdf", args.dpi, rng)
        started = time.perf_counter()
        record = gongkai.check(scan)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
        angles.setdefault(name, []).extend(turned)
        counts = tally.setdefault(name, Counter())
        counts["pages"] += len(turned)
        have = record.cell_values()
        for path, value in expected_cells(specs[seed]).items():
            got = have.get(path)
            outcome = "right" if got == value else "null" if got is None else "wrong"
            counts[outcome] += 1
            if outcome == "wrong":
                wrong.append(f"{scan.name} {path}: {value} → {got}")
    print(f"scanned reports: {args.docs} from seed {args.seed} at {args.dpi} dpi, turned up to ±{MAX_DEGREES}°, PDFs in {folder}\n")
    print(f"{'print':<14}{'pages':>6}{'cells':>8}{'right':>8}{'null':>6}{'wrong':>6}{'% right':>9}{'angles (°)':>16}{'s/page':>8}")
    for name, counts in tally.items():
        cells = counts["right"] + counts["null"] + counts["wrong"]
        turned = angles[name]
        print(
            f"{name:<14}{counts['pages']:>6}{cells:>8}{counts['right']:>8}{counts['null']:>6}{counts['wrong']:>6}"
            f"{100 * counts['right'] / cells:>9.2f}{f'{min(turned):+.1f} … {max(turned):+.1f}':>16}{seconds[name] / counts['pages']:>8.1f}"
        )
    print("\n" + ("wrong cells:\n  " + "\n  ".join(wrong[:20]) if wrong else "no wrong cells"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
