"""Time gongkai's parse + check of the text corpus on one core and print what was measured.

    python bench/bench_text.py [--seconds 10] [--corpus ../shared/corpus]

The corpus is the seed texts plus, when `pdftotext` is on PATH, the `pdftotext -layout` text of
the real PDFs (converted once, before timing). Each report is parsed and checked from memory
(`gongkai.check_text`), so file reading and encoding detection are not in the figures. The loop
runs in this one process, pinned to one CPU where the OS allows it. Memory is measured in a
separate pass afterwards, because tracemalloc slows allocation-heavy code several times over and
would distort the timing.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import gongkai

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@dataclass
class Report:
    name: str
    text: str
    times_ns: list[int] = field(default_factory=list)


def load_corpus(corpus: Path, workdir: Path) -> tuple[list[Report], str]:
    """The seeds and the PDFs' pdftotext -layout text; also a note on what was left out."""
    reports = [Report(p.name, p.read_text(encoding="utf-8")) for p in sorted((corpus / "seeds").glob("*.txt"))]
    pdfs = sorted((corpus / "real").glob("*.pdf"))
    if not pdfs:
        return reports, ""
    if shutil.which("pdftotext") is None:
        return reports, f"pdftotext not on PATH: {len(pdfs)} real PDFs left out"
    for pdf in pdfs:
        out = workdir / f"{pdf.stem}.txt"
        subprocess.run(["pdftotext", "-layout", str(pdf), str(out)], check=True, capture_output=True)
        reports.append(Report(f"{pdf.name} (pdftotext -layout)", out.read_text(encoding="utf-8")))
    return reports, ""


def pin_to_one_cpu() -> str:
    """Pin this process to one CPU (Linux) so the figure is a one-core figure; say which."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this OS); single process"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}; single process"


def run_for(reports: list[Report], seconds: float) -> tuple[int, float]:
    """Parse and check the corpus round after round until `seconds` have passed (whole rounds)."""
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for report in reports:
            t0 = time.perf_counter_ns()
            gongkai.check_text(report.text, path=report.name)
            report.times_ns.append(time.perf_counter_ns() - t0)
            done += 1
    return done, time.perf_counter() - start


def peak_traced(reports: list[Report]) -> int:
    """tracemalloc's peak (bytes) over one parse + check of each report, one at a time."""
    peak = 0
    for report in reports:
        tracemalloc.start()
        gongkai.check_text(report.text, path=report.name)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return peak


def max_rss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # bytes on macOS, KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to run the timed loop (default 10)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    args = parser.parse_args()
    if not (args.corpus / "seeds").is_dir():
        print(f"no corpus at {args.corpus} (expected seeds/ and real/ inside)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as workdir:
        reports, left_out = load_corpus(args.corpus, Path(workdir))
    pinning = pin_to_one_cpu()

    for report in reports:  # warm-up: imports, regex compilation and caches are not what we time
        gongkai.check_text(report.text, path=report.name)

    done, elapsed = run_for(reports, args.seconds)
    peak = peak_traced(reports)
    all_ms = [ns / 1e6 for r in reports for ns in r.times_ns]

    print(f"gongkai {gongkai.__version__} · Python {platform.python_version()} · {platform.machine()} · {pinning}")
    print(f"corpus: {len(reports)} reports, {sum(len(r.text) for r in reports):,} characters ({args.corpus})")
    if left_out:
        print(f"  note: {left_out}")
    print(f"timed: parse + check from memory, {done} reports in {elapsed:.2f} s ({done // len(reports)} rounds)")
    print(f"  throughput   {done / elapsed:8.1f} reports/s")
    print(f"  mean         {statistics.fmean(all_ms):8.3f} ms/report")
    print(f"  median       {statistics.median(all_ms):8.3f} ms/report")
    print(f"  slowest      {max(all_ms):8.3f} ms")
    print("  per report (mean ms):")
    for report in reports:
        print(f"    {statistics.fmean(report.times_ns) / 1e6:8.3f}  {len(report.text):6d} chars  {report.name}")
    print(f"memory: tracemalloc peak {peak / 2**20:.2f} MiB (largest single report, measured after timing)")
    print(f"        ru_maxrss {max_rss_bytes() / 2**20:.1f} MiB (whole process, interpreter included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
