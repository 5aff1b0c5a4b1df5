"""Report writing speed per format: seconds per report, median of N.

    python bench/writer.py [--reports 20] [--pdf 3]

Each report is a balanced record (generated tables, 2021 and 2019 formats; one in four with
about 10 000 applications in table 三) written with `gongkai.writer.write_report`, which
composes the report, reads it back and checks it with the rules of `gongkai check` (the
`examine` column), draws the file and writes it. The parts are timed apart too. PDF goes
through LibreOffice (`soffice`, one process per report) and is skipped without it. Prints what
it measured; asserts nothing.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root

from gongkai import formats
from gongkai.model import Record, Source
from gongkai.writer import compose, examine, to_docx, to_html, write_report
from synth.generate import random_report

BUSY = 10_000  # applications received by a busy agency's record


def _record(seed: int) -> Record:
    template, year = (formats.TEMPLATE_2019, 2020) if seed % 3 == 2 else (formats.TEMPLATE_2021, 2023)
    spec = random_report(seed, template=template, year=year)
    record = Record(Source(f"bench-{seed}"), spec.template, spec.year, spec.agency, spec.published.isoformat())
    rows = {k: list(v) for k, v in spec.requests.items()}
    if seed % 4 == 0:
        # A busy agency: every count of table 三 scaled so that about BUSY applications arrive
        # (the tables stay balanced: every equation is linear).
        received = max(1, int(rows["new_received"][6] or 0))
        factor = max(1, BUSY // received)
        rows = {k: [int(v or 0) * factor for v in values] for k, values in rows.items()}
    record.requests = {"columns": list(formats.REQUEST_COLUMN_KEYS), "rows": rows}
    record.review_litigation = {k: dict(v) for k, v in spec.review.items()}
    record.active = {k: dict(v) for k, v in spec.active.items()}
    return record


def _median(action: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20, help="records written per format")
    parser.add_argument("--pdf", type=int, default=3, help="records written as PDF (LibreOffice is slow)")
    args = parser.parse_args()
    records = [_record(77_000 + i) for i in range(args.reports)]
    print(f"{args.reports} balanced records (PDF: {min(args.pdf, args.reports)}); seconds per report, median")
    compositions = [compose(r) for r in records]
    parts: dict[str, Callable[[int], object]] = {
        "compose": lambda i: compose(records[i]),
        "examine (read back + rules)": lambda i: examine(compositions[i]),
        "draw DOCX": lambda i: to_docx(compositions[i]),
        "draw HTML": lambda i: to_html(compositions[i]),
    }
    for name, part in parts.items():
        seconds = statistics.median(_median(functools.partial(part, i), 3) for i in range(len(records)))
        print(f"  {name:30}{seconds:9.4f}")
    with tempfile.TemporaryDirectory() as folder:
        for suffix in ("docx", "html", "pdf"):
            if suffix == "pdf" and shutil.which("soffice") is None and shutil.which("libreoffice") is None:
                print("  write_report .pdf              (LibreOffice not installed: skipped)")
                continue
            count = min(args.pdf, len(records)) if suffix == "pdf" else len(records)
            rounds = 1 if suffix == "pdf" else 3
            times = [_median(functools.partial(write_report, records[i], Path(folder) / f"r{i}.{suffix}"), rounds) for i in range(count)]
            print(f"  write_report .{suffix:5}{'':15}{statistics.median(times):9.4f}   (max {max(times):.4f}, {count} reports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
