"""The clerk's path at scale: a 10 000-request ledger read, checked, tabulated and written to DOCX.

    python bench/ledger.py [--requests 10000] [--rounds 3] [--year 2025]

Generates a ledger workbook (`synth.ledger.random_ledger`, seeded: the same file every run) with
requests spread over the year — every channel, applicant type and result, 补正, 第三方
consultations, fee notices, extensions, answers after 31 December, a tenth of them carried over
from the year before — then times, best of `--rounds`, each step of `gongkai ledger check` and
`gongkai write`: `read_ledger` (the XLSX), `check_ledger` (every request's statutory deadlines
on 31 December), `tabulate` (tables 二, 三, 四) and `write_report` to DOCX (compose, read back
and check with every rule, draw, write). Issue 12's target: ≤ 3 s for the whole path. Prints
what it measured; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root

from gongkai.ledger import check_ledger, read_ledger, tabulate, write_ledger
from gongkai.writer import write_report
from synth.ledger import random_ledger

T = TypeVar("T")


def best(rounds: int, step: Callable[[], T]) -> tuple[float, T]:
    fastest, value = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        value = step()
        fastest = min(fastest, time.perf_counter() - start)
    assert value is not None
    return fastest, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        start = time.perf_counter()
        write_ledger(path, random_ledger(args.requests, args.year))
        written = time.perf_counter() - start
        size = path.stat().st_size
        read_s, ledger = best(args.rounds, lambda: read_ledger(path))
        today = date(args.year, 12, 31)
        check_s, deadlines = best(args.rounds, lambda: check_ledger(ledger, today))
        tab_s, record = best(args.rounds, lambda: tabulate(ledger))
        published = date(args.year + 1, 1, 20)
        docx_s, result = best(args.rounds, lambda: write_report(record, Path(folder) / "report.docx", published=published))
    total = read_s + check_s + tab_s + docx_s
    statuses = Counter(d.label for d in deadlines)
    print(f"ledger: {len(ledger.all_requests())} requests ({len(ledger.carried_over)} carried over), {size / 1e6:.1f} MB XLSX, generated in {written:.2f} s")
    print(f"read_ledger         {read_s:6.3f} s")
    print(f"check_ledger        {check_s:6.3f} s   ({', '.join(f'{k} {v}' for k, v in statuses.most_common())})")
    print(f"tabulate            {tab_s:6.3f} s   (（七）总计 {record.rows['total_processed'][-1]}, 结转下年度 {record.rows['carried_forward'][-1]})")
    print(f"write_report .docx  {docx_s:6.3f} s   (read back: {result.errors} errors, {result.warnings} warnings)")
    print(f"total               {total:6.3f} s   (best of {args.rounds} per step; target ≤ 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
