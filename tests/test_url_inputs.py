"""Inputs given as fsspec URLs (issue 13): a URL naming a folder stands for every file below it,
each read through fsspec by whichever process reads it — a local worker or a Dask worker — and
stored under its URL; a URL that cannot be read is accounted for with a reason, never a traceback.
(`file://` stands for any protocol here: S3 needs s3fs and a bucket, which CI does not have.)"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import run_module

from gongkai.files import is_url, iter_files, unreadable_reason
from synth.generate import agency_series, write_reports

TEXTS = ("text-tabs", "text-layout")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = tmp_path_factory.mktemp("url") / "in"
    write_reports(list(agency_series(23, agencies=3, years=(2023, 2024), typo_rate=0.0, prefix_rate=0.0)), found, TEXTS)
    (found / ".hidden").mkdir()
    (found / ".hidden" / "skip.txt").write_text("不是报告", encoding="utf-8")
    return found


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_a_url_folder_lists_its_files_as_urls(folder: Path) -> None:
    local = sorted(p.name for p in iter_files((str(folder),)))
    listed = list(iter_files((folder.as_uri(),)))
    assert all(isinstance(item, str) and is_url(item) and item.startswith("file://") for item in listed)
    assert sorted(Path(str(item)).name for item in listed) == local and len(local) == 6  # the hidden folder is skipped
    assert unreadable_reason(folder.as_uri()) == "是文件夹，不是普通文件"
    assert unreadable_reason((folder / "nothing.txt").as_uri()) == "文件不存在"


def test_ingest_of_a_url_stores_what_a_local_ingest_stores(folder: Path, tmp_path: Path) -> None:
    local, remote = tmp_path / "local.db", tmp_path / "remote.db"
    assert run_module("ingest", folder, "--db", local, "--workers", "1").returncode == 0
    done = run_module("ingest", folder.as_uri(), "--db", remote, "--workers", "2", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new"] == 6
    query = "SELECT r.sha256, r.agency_key, r.year, c.tbl, c.row, c.col, c.value FROM reports r JOIN cells c ON c.report_id = r.id"
    assert sorted(rows(remote, query)) == sorted(rows(local, query))
    paths = [str(path) for (path,) in rows(remote, "SELECT path FROM files")]
    assert len(paths) == 6 and all(path.startswith("file://") for path in paths)
    again = run_module("ingest", folder.as_uri(), "--db", remote, "--format", "json")
    assert json.loads(again.stdout)["unchanged"] == 6  # by content hash, as for local files


def test_check_reads_a_url(folder: Path) -> None:
    one = sorted(p for p in folder.rglob("*.txt") if ".hidden" not in p.parts)[0]
    done = run_module("check", one.as_uri(), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    record = json.loads(done.stdout)
    assert record["source"]["path"] == one.as_uri() and record["agency"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///nowhere/at/all/报告.pdf", "文件不存在"),
        ("nosuchprotocol://bucket/2024/", "无法访问"),
    ],
)
def test_a_url_that_cannot_be_read_is_accounted_for(url: str, words: str, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    done = run_module("ingest", url, "--db", db, "--format", "json")
    assert "Traceback" not in done.stderr and done.returncode in (0, 1)
    assert json.loads(done.stdout)["unreadable"] == 1
    [(path, status, message)] = rows(db, "SELECT path, status, message FROM files")
    assert (path, status) == (url, "unreadable") and words in str(message)


def test_dask_workers_read_the_urls_themselves(folder: Path, tmp_path: Path) -> None:
    """Through `--cluster local:2` the workers open each URL: no file system is shared by path."""
    pytest.importorskip("distributed")
    local, clustered = tmp_path / "local.db", tmp_path / "cluster.db"
    assert run_module("ingest", folder, "--db", local, "--workers", "1").returncode == 0
    done = run_module("ingest", folder.as_uri(), "--db", clustered, "--cluster", "local:2", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new"] == 6
    query = "SELECT r.sha256, c.tbl, c.row, c.col, c.value, c.line, c.text FROM reports r JOIN cells c ON c.report_id = r.id"
    assert sorted(rows(clustered, query)) == sorted(rows(local, query))
