"""Every path named or found ends as a record — links, named pipes, devices, vanished files and
names that are not UTF-8 included — in `check` and in `ingest`'s files table; nothing blocks."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.files import path_text, shown

SEED = Path(__file__).resolve().parents[1] / "samples" / "2023_赣州市.txt"


def gongkai(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, timeout=120, check=False)


@pytest.fixture
def odd_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder with one good report and one of every odd kind of entry; name → expected status."""
    folder = tmp_path / "in"
    folder.mkdir()
    expected = {}
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    expected["good.txt"] = "ok"
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    expected["dangling.txt"] = "链接指向的文件不存在"
    os.symlink(folder / "loop-b", folder / "loop-a")
    os.symlink(folder / "loop-a", folder / "loop-b")
    expected["loop-a"] = expected["loop-b"] = "链接循环"
    os.mkfifo(folder / "pipe.txt")
    expected["pipe.txt"] = "命名管道"
    os.symlink(folder, folder / "self-link")
    expected["self-link"] = "指向文件夹的链接"
    os.symlink("/dev/zero", folder / "zero.txt")
    expected["zero.txt"] = "设备文件"
    bad_name = os.fsdecode(b"\xb1\xa8\xb8\xe6-gbk-name.txt")  # 报告 in GBK: not UTF-8
    (folder / bad_name).write_bytes(SEED.read_bytes())
    expected[path_text(bad_name)] = "ok"
    return folder, expected


def test_check_accounts_for_every_entry(odd_folder: tuple[Path, dict[str, str]]) -> None:
    folder, expected = odd_folder
    result = gongkai("check", str(folder), "--format", "jsonl")
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]  # valid UTF-8 throughout
    by_name = {Path(r["source"]["path"]).name: r for r in records}
    assert set(by_name) == set(expected)
    for name, outcome in expected.items():
        messages = [f["message"] for f in by_name[name]["findings"] if f["rule"] == "unreadable"]
        if outcome == "ok":
            assert not messages and by_name[name]["agency"], name
        else:
            assert messages and outcome in messages[0], (name, messages)


def test_ingest_accounts_for_every_entry(odd_folder: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, expected = odd_folder
    db = tmp_path / "g.db"
    result = gongkai("ingest", str(folder), "--db", str(db), "--format", "json")
    assert result.returncode in (0, 1) and b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    with sqlite3.connect(db) as connection:
        rows = {Path(path).name: (status, message) for path, status, message in connection.execute("SELECT path, status, message FROM files")}
    assert set(rows) == set(expected)
    for name, outcome in expected.items():
        status, message = rows[name]
        assert (status != "unreadable") if outcome == "ok" else (status == "unreadable" and outcome in message), (name, status, message)


def test_names_are_shown_safely() -> None:
    assert shown("机关\x1b]0;pwned\x07名") == "机关\\x1b]0;pwned\\x07名"
    assert shown("abc\u202eexe.txt") == "abc\\u202eexe.txt"
    assert path_text(os.fsdecode(b"a\xffb")) == "a\\xffb"
