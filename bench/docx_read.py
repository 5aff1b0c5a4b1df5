"""DOCX reading cost: `read_docx` alone and the whole read + check of a generated Word report.

    python bench/docx_read.py [--reports 200] [--rounds 3]

Renders `--reports` generated reports as DOCX (synth.generate, the DOCX set bench/scale.py times),
then times, per report, `gongkai.read.docx.read_docx` on the bytes in memory and `gongkai.check`
on the file (what bench/scale.py reports as "read + check"). Each figure is the mean per report
of the best of `--rounds` rounds. Prints what it measured; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root

import gongkai
from gongkai.read.docx import read_docx
from synth.generate import agency_series, write_reports


def best_ms(paths: list[Path], rounds: int, work: Callable[[Path], object]) -> float:
    """The mean ms per report of the fastest of `rounds` rounds over `paths`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for path in paths:
            work(path)
        best = min(best, (time.perf_counter() - start) * 1000 / len(paths))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="generated DOCX reports (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the fastest counts (default 3)")
    args = parser.parse_args()
    specs = list(agency_series(31, agencies=max(1, args.reports // 4), years=(2021, 2022, 2023, 2024)))[: args.reports]
    with tempfile.TemporaryDirectory(prefix="gongkai-docx-") as name:
        paths = sorted(write_reports(specs, Path(name), ("docx",)))
        data = {path: path.read_bytes() for path in paths}
        digests = {path: hashlib.sha256(data[path]).hexdigest() for path in paths}
        for path in paths[:3]:
            gongkai.check(path)  # warm: imports, caches
        read = best_ms(paths, args.rounds, lambda path: read_docx(data[path], str(path), digests[path]))
        check = best_ms(paths, args.rounds, gongkai.check)
    size = sum(map(len, data.values())) / len(data) / 1024
    print(f"gongkai {gongkai.__version__} · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs · load average {os.getloadavg()[0]:.1f}")
    print(f"{len(paths)} generated DOCX reports ({size:.0f} KiB each on average), best of {args.rounds} rounds, ms per report:")
    print(f"   read_docx       {read:7.2f} ms")
    print(f"   read + check    {check:7.2f} ms   (gongkai.check on the file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
