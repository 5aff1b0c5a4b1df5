"""Each file is read in a worker of its own, within bounds: a file that hangs, eats memory or
kills its reader costs only itself, the others are stored as they finish, and killing the main
process ends its workers."""

from __future__ import annotations

import mmap
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gongkai import limits
from gongkai.model import Record
from gongkai.pipeline import ingest
from gongkai.pipeline.work import Task
from gongkai.pipeline.work import work as real_work
from gongkai.store import Store

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "2023_赣州市.txt"
ROOT = Path(__file__).resolve().parents[1]


def _folder(tmp_path: Path, good: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for n in range(good):  # distinct contents: each is read
        (folder / f"good-{n:02d}.txt").write_text(text + f"\n（副本{n}）\n", encoding="utf-8")
    (folder / "bad.txt").write_text(text + "\n（有问题的文件）\n", encoding="utf-8")
    return folder


@pytest.fixture
def fast_limits() -> object:
    before = limits.current()
    limits.configure(seconds_per_file=10)
    yield
    limits.configure(**{name: getattr(before, name) for name in limits.Limits.names()})


def _hang_on_bad(task: Task) -> Record:
    if task.path.endswith("bad.txt"):
        time.sleep(3600)
    return real_work(task)


def test_a_hanging_file_holds_nothing_and_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_limits: object) -> None:
    folder = _folder(tmp_path, 20)
    monkeypatch.setattr("gongkai.pipeline.work.work", _hang_on_bad)
    stored_at: dict[str, float] = {}
    started = time.monotonic()
    summary = ingest(Store(str(tmp_path / "g.db")), [str(folder)], workers=2, progress=lambda path, _s: stored_at.setdefault(Path(path).name, time.monotonic() - started))
    assert (summary.files, summary.new, summary.unreadable) == (21, 20, 1)
    # The 20 good files are stored while the bad one is still running (it is stopped at 10 s,
    # not after its hour).
    assert max(t for name, t in stored_at.items() if name != "bad.txt") < 8 <= stored_at["bad.txt"] < 60
    import sqlite3

    with sqlite3.connect(tmp_path / "g.db") as connection:
        [(message,)] = connection.execute("SELECT message FROM files WHERE status = 'unreadable'").fetchall()
    assert "超过10秒" in message and "seconds_per_file" in message


def _eat_memory_on_bad(task: Task) -> Record:
    if task.path.endswith("bad.txt"):
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))
    return real_work(task)


def test_a_file_that_eats_memory_costs_only_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, 3)
    monkeypatch.setattr("gongkai.pipeline.work.work", _eat_memory_on_bad)
    before = limits.current()
    limits.configure(memory_per_file_mb=1024)
    try:
        summary = ingest(Store(str(tmp_path / "g.db")), [str(folder)], workers=1)
    finally:
        limits.configure(memory_per_file_mb=before.memory_per_file_mb)
    assert (summary.files, summary.new, summary.unreadable) == (4, 3, 1)


def test_the_memory_bound_is_on_top_of_what_the_parent_maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked worker starts with its parent's address space: a parent mapping more than the
    per-file budget (a web server, a long test run) must not make every file unreadable."""
    folder = _folder(tmp_path, 3)
    monkeypatch.setattr("gongkai.pipeline.work.work", _eat_memory_on_bad)
    before = limits.current()
    reserved = mmap.mmap(-1, 1536 * 1024 * 1024)  # mapped, never touched: address space, not memory
    limits.configure(memory_per_file_mb=1024)
    try:
        summary = ingest(Store(str(tmp_path / "g.db")), [str(folder)], workers=1)
    finally:
        limits.configure(memory_per_file_mb=before.memory_per_file_mb)
        reserved.close()
    assert (summary.files, summary.new, summary.unreadable) == (4, 3, 1)


def test_check_bounds_each_file_too(tmp_path: Path) -> None:
    """`gongkai check --limit …`: the limit reaches the workers; a bad value is a usage error."""
    folder = _folder(tmp_path, 1)
    result = subprocess.run(
        [sys.executable, "-m", "gongkai", "check", str(folder), "--limit", "seconds_per_file=0.000001", "--format", "jsonl"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) == 2 and all("seconds_per_file" in line for line in lines), result.stdout[-500:]
    result = subprocess.run([sys.executable, "-m", "gongkai", "check", str(folder), "--limit", "no_such=1"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and "没有这个限制" in result.stderr


def test_killing_ingest_ends_its_workers(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 0)
    pids = tmp_path / "pids"
    script = textwrap.dedent(
        f"""
        import os, time, sys
        import gongkai.pipeline.work as w
        def hang(task):
            with open({str(pids)!r}, "a") as f:
                f.write(f"{{os.getpid()}}\\n")
            time.sleep(3600)
        w.work = hang
        from gongkai.cli import main
        sys.argv = ["gongkai", "ingest", {str(folder)!r}, "--db", {str(tmp_path / "g.db")!r}]
        main()
        """
    )
    main = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        if pids.exists() and pids.read_text().strip():
            break
        time.sleep(0.1)
    worker = int(pids.read_text().split()[0])
    os.kill(main.pid, signal.SIGKILL)
    main.wait(timeout=30)
    for _ in range(100):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{worker}/stat").exists() and Path(f"/proc/{worker}/stat").read_text().split()[2] == "Z":
            break  # a zombie is dead, only not yet reaped by init
        time.sleep(0.1)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived the killed ingest")
    shutil.rmtree(folder)
