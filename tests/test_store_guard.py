"""Databases gongkai must not use, or cannot: a Chinese message and exit 2, never a traceback,
never a write into someone else's file, never a password on screen."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.store import Store, StoreError
from gongkai.store.guard import APPLICATION_ID, masked
from gongkai.store.schema import MIGRATIONS

SAMPLE = Path(__file__).resolve().parents[1] / "samples"


def gongkai(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False)


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_new_database_is_marked_as_gongkais(tmp_path: Path) -> None:
    Store(str(tmp_path / "g.db")).close()
    with sqlite3.connect(tmp_path / "g.db") as connection:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    Store(str(tmp_path / "g.db")).close()  # and opens again


def test_someone_elses_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    before = other.read_bytes()
    with pytest.raises(StoreError, match="不是 gongkai 的数据库"):
        Store(str(other))
    assert _tables(other) == {"customers"} and other.read_bytes() == before
    result = gongkai("ingest", str(SAMPLE), "--db", str(other))
    assert result.returncode == 2 and "不是 gongkai 的数据库" in result.stderr and "Traceback" not in result.stderr


def test_another_programs_application_id_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("PRAGMA application_id = 12345")
    with pytest.raises(StoreError, match="其他程序"):
        Store(str(other))


def test_a_newer_schema_asks_for_an_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    Store(str(db)).close()
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01T00:00:00Z')", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match="请升级 gongkai"):
        Store(str(db))
    result = gongkai("stats", "--db", str(db))
    assert result.returncode == 2 and "请升级 gongkai" in result.stderr


def test_a_corrupt_file_is_said_to_be_corrupt(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    result = gongkai("stats", "--db", str(db))
    assert result.returncode == 2 and ("损坏" in result.stderr or "不是数据库" in result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_a_text_file_as_database(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("这不是数据库\n" * 100, encoding="utf-8")
    result = gongkai("ingest", str(SAMPLE), "--db", str(db))
    assert result.returncode == 2 and "Traceback" not in result.stderr and db.read_text(encoding="utf-8").startswith("这不是数据库")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_read_only_database_is_said_to_be_read_only(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    Store(str(db)).close()
    db.chmod(stat.S_IRUSR)
    result = gongkai("ingest", str(SAMPLE), "--db", str(db))
    assert result.returncode == 2 and "只读" in result.stderr


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    result = gongkai("ingest", str(SAMPLE), "--db", str(tmp_path / "no" / "such" / "g.db"))
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.strip()


def test_passwords_are_never_printed() -> None:
    assert masked("postgresql://user:s3cret@db.example:5432/x") == "postgresql://user:***@db.example:5432/x"
    result = gongkai("stats", "--db", "postgresql://gongkai:TopSecret99@127.0.0.1:1/nothing")
    assert result.returncode == 2 and "TopSecret99" not in result.stderr + result.stdout and "***" in result.stderr, result.stderr


def test_two_processes_create_one_database_at_once(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    code = "import sys; from gongkai.store import Store; Store(sys.argv[1]).close()"
    runs = [subprocess.Popen([sys.executable, "-c", code, str(db)], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert all(run.returncode == 0 for run in runs), errors
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
