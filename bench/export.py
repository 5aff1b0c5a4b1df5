"""Time `gongkai export` over a store of generated reports: XLSX, CSV and JSON Lines.

    python bench/export.py [--reports 2000] [--formats xlsx,csv,jsonl] [--feed list,stream]
                           [--module PATH] [--keep PATH] [--tracemalloc] [--pool 200] [--seed 1]

Issue 13 item 4: the XLSX export took ≈ 85 ms and 330 KiB per report. This prints the figures
and asserts nothing about time.

1. Fill. A SQLite store of N reports, filled the way bench/web.py fills its stores (its `fill`:
   a pool of `--pool` distinct generated reports read once by gongkai.check_text, stored in
   variants with Store.save_many, about a third with a planted error); --keep PATH keeps the file
   and reuses it when it holds N reports.
2. Export. Each (format, feed) is run in a fresh Python process, so that its memory figures are
   its own: the time covers reading the reports from the store and writing the export, as
   `gongkai export` does. Feeds: `list` = `list(store.reports())` first, as the command does;
   `stream` = the store's iterator itself (the export reads one page of reports at a time).
   `peak RSS` is the process's high-water mark minus its resident size just before the export
   (ru_maxrss); with --tracemalloc, `peak heap` is the peak of Python allocations during the
   export, from a second, untimed run (tracemalloc slows Python down). `load` is the reading
   alone (the reports loaded one by one and dropped), for reference. The default run (2000
   reports, every format and feed) takes about 1½ minutes on 2 CPUs.

--module PATH times another version of gongkai/export.py (e.g. a copy of the file before a
change: `git show HEAD:src/gongkai/export.py > /tmp/x/export_before.py`), imported as a module of
the gongkai package; a version whose `export` needs a list is run with --feed list only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/web.py
from web import code_state, fill, sqlite_backend, stored_reports

from gongkai.store import Store

FORMATS = ("xlsx", "csv", "jsonl")
FEEDS = ("list", "stream")
SUFFIX = {"xlsx": ".xlsx", "csv": "", "jsonl": ".jsonl"}


# ---------------------------------------------------------------- one export, in its own process


def _export_module(path: str | None) -> ModuleType:
    if path is None:
        import gongkai.export

        return gongkai.export
    spec = importlib.util.spec_from_file_location("gongkai._bench_export", path)  # a module of the package: its relative imports work
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rss() -> int:
    """Resident size now, bytes."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size if path.exists() else 0


def child(output: str, feed: str, db: str, out: Path, module_path: str | None, traced: bool) -> dict[str, Any]:
    module = _export_module(module_path)
    store = Store(db)
    next(store.reports(page=1), None)  # the engine connected and the model imported before measuring
    before = _rss()
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    if output == "load":
        for _ in store.reports():
            pass
    else:
        module.export(list(store.reports()) if feed == "list" else store.reports(), output, out)
    seconds = time.perf_counter() - start
    peak_heap = tracemalloc.get_traced_memory()[1] if traced else None
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {"seconds": seconds, "peak_rss": max(0, maxrss - before), "peak_heap": peak_heap, "size": _size(out)}


def run_child(output: str, feed: str, db: str, out: Path, module_path: str | None, traced: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", output, feed, db, str(out)]
    if module_path:
        command += ["--module", module_path]
    if traced:
        command.append("--traced")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------- the bench


def _mib(value: float | None) -> str:
    return "—" if value is None else f"{value / 2**20:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000, help="reports in the store (default 2000)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats to time, of xlsx,csv,jsonl (default all)")
    parser.add_argument("--feed", default=",".join(FEEDS), help="list (as the command does), stream, or both (default)")
    parser.add_argument("--module", default=None, help="time this export.py instead of gongkai.export (e.g. the version before a change)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the SQLite store here; reuse it when it holds --reports")
    parser.add_argument("--tracemalloc", action="store_true", help="a second, traced run of each export for the peak of Python allocations")
    parser.add_argument("--pool", type=int, default=200, help="distinct reports read once and stored in variants (default 200)")
    parser.add_argument("--batch", type=int, default=250, help="reports per Store.save_many (default 250)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=4, metavar=("FORMAT", "FEED", "DB", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        output, feed, db, out = args.child
        print(json.dumps(child(output, feed, db, Path(out), args.module, args.traced)))
        return

    formats = [f for f in args.formats.split(",") if f]
    feeds = [f for f in args.feed.split(",") if f]
    if not set(formats) <= set(FORMATS) or not set(feeds) <= set(FEEDS):
        parser.error(f"--formats of {','.join(FORMATS)}, --feed of {','.join(FEEDS)}")
    print(f"gongkai export benchmark — Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"Code measured: {args.module or 'gongkai.export'} ({code_state()})")
    workdir = Path(tempfile.mkdtemp(prefix="gongkai-bench-export-"))
    try:
        path = args.keep if args.keep is not None else workdir / "bench.db"
        backend = sqlite_backend(path, keep=args.keep is not None)
        have = stored_reports(backend.url) if path.exists() else 0
        if have != args.reports:
            if have:
                raise SystemExit(f"{path} holds {have} reports, not {args.reports}: remove it or give another --keep")
            notes = fill(backend, args.reports, args.pool, args.batch, args.seed, 0)
            print(f"  stored {notes['reports']} reports in {notes['seconds']} s ({notes['counts']['findings']} findings)")
        else:
            print(f"  reusing {path} ({have} reports)")
        print()
        header = f"{'export':<14} {'total s':>8} {'ms/report':>10} {'peak RSS':>12} {'KiB/report':>11} {'peak heap':>12} {'KiB/report':>11} {'output':>12}"
        print(header)
        print("-" * len(header))
        runs = [("load", "stream")] + [(f, feed) for f in formats for feed in feeds]
        for output, feed in runs:
            out = workdir / f"out-{output}-{feed}{SUFFIX.get(output, '')}"
            result = run_child(output, feed, backend.url, out, args.module, False)
            label = output if output == "load" else f"{output} {feed}"
            if "error" in result:
                print(f"{label:<14} failed: {result['error']}")
                continue
            traced = None if not args.tracemalloc else run_child(output, feed, backend.url, workdir / f"traced-{out.name}", args.module, True)
            heap = None if traced is None or "error" in traced else traced["peak_heap"]
            n = args.reports
            print(
                f"{label:<14} {result['seconds']:>8.1f} {1000 * result['seconds'] / n:>10.1f} {_mib(result['peak_rss']):>12} {result['peak_rss'] / 1024 / n:>11.1f} "
                f"{_mib(heap):>12} {'—' if heap is None else f'{heap / 1024 / n:.1f}':>11} {_mib(result['size']) if output != 'load' else '':>12}",
                flush=True,
            )
            for done in (out, workdir / f"traced-{out.name}"):
                shutil.rmtree(done, ignore_errors=True) if done.is_dir() else done.unlink(missing_ok=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # a --keep store lives outside it


if __name__ == "__main__":
    main()
