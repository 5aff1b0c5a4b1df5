"""Files that are not (whole, UTF-8) reports: each still gives one record, a finding, no traceback.

A folder of downloads holds empty files, broken PDFs, news articles and cut-off copies beside
the reports; a batch run must report each of them in Chinese and go on to the next file.
"""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, CORPUS_MISSING, run_module, seed_files

import gongkai

NEWS_ARTICLE = (
    "本报讯（记者 王晓明）11月20日上午，赣州市召开秋冬季农业生产工作推进会。会议指出，今年以来，"
    "全市上下认真贯彻落实中央和省委、省政府关于粮食安全的决策部署，扎实推进高标准农田建设，粮食播种面积"
    "稳定在480万亩以上，总产量预计达到40亿斤，实现“二十连丰”。会议要求，各地要抓住当前有利时机，抢抓"
    "油菜、小麦等冬季作物播种，加强农田水利设施建设，做好防冻保苗工作；要强化科技支撑，推广良种良法，提高"
    "农业机械化水平；要加大对种粮农民的政策支持力度，确保各项惠农补贴及时足额发放到位。会上，瑞金市、南康区、"
    "信丰县作了典型发言。市农业农村局主要负责同志对下一阶段工作作了具体安排，要求各县（市、区）压实责任，"
    "细化措施，确保冬种面积只增不减、质量稳步提升，为明年农业丰产丰收打下坚实基础。\n"
)
SEED_NAME = "000_981dc59110326a5f.txt"  # a report without findings, so that any finding is the input's
CUT_FRACTION = 0.4


def cut_mid_character(data: bytes, fraction: float) -> bytes:
    """The first `fraction` of UTF-8 `data`, moved forward so that the cut falls inside a character."""
    end = int(len(data) * fraction)
    while end < len(data) and not 0x80 <= data[end] <= 0xBF:  # stop on a continuation byte
        end += 1
    assert end < len(data), "no multi-byte character after the cut point"
    return data[:end]


@dataclass(frozen=True)
class Bad:
    """One bad input: how to write it, and the findings that must be among its record's."""

    name: str
    content: Callable[[bytes], bytes]  # the file's bytes, from the seed's UTF-8 bytes
    rules: frozenset[str]  # at least one of these must fire
    only: bool = True  # and nothing else may (a file that cannot be read has nothing else to say)


BAD = [
    Bad("empty.txt", lambda _: b"", frozenset({"unreadable"})),
    Bad("random.bin", lambda _: random.Random(2024).randbytes(4096), frozenset({"unreadable"})),
    Bad("news.txt", lambda _: NEWS_ARTICLE.encode("utf-8"), frozenset({"not_a_report"})),
    Bad(
        "cut.txt",
        lambda seed: cut_mid_character(seed, CUT_FRACTION),
        frozenset({"table_missing", "section_missing"}),
        only=False,
    ),
    Bad("broken.pdf", lambda _: b"%PDF-1.4\n garbage", frozenset({"unreadable"})),
]
GOOD_COPIES = {"gbk.txt": "gbk", "utf16.txt": "utf-16"}  # Python's utf-16 writes a BOM, as Notepad does


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def without_source(record: gongkai.Record) -> dict[str, Any]:
    """The record minus `source` (path, hash and size differ between encodings; nothing else may)."""
    data = record.to_dict()
    del data["source"]
    return data


@pytest.fixture(scope="module")
def seed_bytes() -> bytes:
    path = CORPUS / "seeds" / SEED_NAME
    if not path.is_file():
        pytest.skip(CORPUS_MISSING)
    return path.read_bytes()


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory, seed_bytes: bytes) -> Path:
    """Every bad input, the GBK and UTF-16 copies and the good seed, in one folder."""
    folder = tmp_path_factory.mktemp("bad")
    for bad in BAD:
        (folder / bad.name).write_bytes(bad.content(seed_bytes))
    for name, encoding in GOOD_COPIES.items():
        (folder / name).write_bytes(seed_bytes.decode("utf-8").encode(encoding))
    (folder / SEED_NAME).write_bytes(seed_bytes)
    (folder / "a folder").mkdir()  # nothing to report inside; it must not stop the run
    return folder


def check_one(path: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`python -m gongkai check --format jsonl PATH`: the process and its one record."""
    completed = run_module("check", "--format", "jsonl", path)
    assert "Traceback" not in completed.stderr, completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == 1, f"expected one record, got {len(lines)}:\n{completed.stdout}"
    record: dict[str, Any] = json.loads(lines[0])
    return completed, record


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_bad_file_gives_one_record_with_a_chinese_finding(bad: Bad, bad_folder: Path) -> None:
    completed, record = check_one(bad_folder / bad.name)
    assert completed.returncode == 1
    rules = {f["rule"] for f in record["findings"]}
    assert rules & bad.rules, f"none of {sorted(bad.rules)} among {sorted(rules)}"
    if bad.only:
        assert rules <= bad.rules, f"{sorted(rules - bad.rules)} beside {sorted(bad.rules)}"
    assert rules.isdisjoint({"unreadable", "not_a_report"} - bad.rules)
    for finding in record["findings"]:
        assert has_chinese(finding["message"]), finding


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_bad_file_text_output(bad: Bad, bad_folder: Path) -> None:
    completed = run_module("check", bad_folder / bad.name)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert completed.stdout.startswith(f"== {bad_folder / bad.name}\n")
    assert "错误" in completed.stdout and "汇总：共 1 个文件，1 个有错误" in completed.stdout


def test_unreadable_messages_say_why(bad_folder: Path) -> None:
    reasons = {"empty.txt": "文件为空", "broken.pdf": "PDF", "random.bin": "不是文本"}
    for name, reason in reasons.items():
        message = gongkai.check(bad_folder / name).findings[0].message
        assert message.startswith("无法读取文件") and reason in message, message


def test_cut_report_is_read_up_to_the_cut(bad_folder: Path, seed_bytes: bytes) -> None:
    # The cut falls inside a character: the reader keeps what comes before instead of giving up.
    record = gongkai.check(bad_folder / "cut.txt")
    assert record.agency == gongkai.read_text(seed_bytes.decode("utf-8")).agency
    assert record.year is not None
    assert {f.rule for f in record.findings}.isdisjoint({"unreadable", "not_a_report"})


def test_nonexistent_path(tmp_path: Path) -> None:
    completed, record = check_one(tmp_path / "no such report.txt")
    assert completed.returncode == 1
    assert [f["rule"] for f in record["findings"]] == ["unreadable"]
    assert "文件不存在" in record["findings"][0]["message"]


def test_directory_given_as_a_file(tmp_path: Path) -> None:
    # `check` walks a folder; the file-taking entry points (the API, `show`) must refuse it cleanly.
    folder = tmp_path / "report.txt"
    folder.mkdir()
    record = gongkai.check(folder)
    assert [f.rule for f in record.findings] == ["unreadable"]
    assert "不是普通文件" in record.findings[0].message
    completed = run_module("show", folder)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "无法读取" in completed.stderr and "不是普通文件" in completed.stderr


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
@pytest.mark.parametrize(
    "seed",
    [pytest.param(p, id=p.stem) for p in seed_files()]
    or [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=CORPUS_MISSING))],
)
def test_other_encodings_read_exactly_as_utf8(seed: Path, encoding: str, tmp_path: Path) -> None:
    copy = tmp_path / f"{seed.stem}.{encoding}.txt"
    copy.write_bytes(seed.read_text(encoding="utf-8").encode(encoding))
    assert without_source(gongkai.check(copy)) == without_source(gongkai.check(seed))


@pytest.mark.parametrize("name", GOOD_COPIES)
def test_other_encodings_through_the_cli(name: str, bad_folder: Path) -> None:
    completed, record = check_one(bad_folder / name)
    _, utf8 = check_one(bad_folder / SEED_NAME)
    assert completed.returncode == 0
    del record["source"], utf8["source"]
    assert record == utf8


def test_utf16_without_bom(seed_bytes: bytes, tmp_path: Path) -> None:
    original = tmp_path / "utf8.txt"
    original.write_bytes(seed_bytes)
    copy = tmp_path / "utf16le.txt"
    copy.write_bytes(seed_bytes.decode("utf-8").encode("utf-16-le"))
    assert without_source(gongkai.check(copy)) == without_source(gongkai.check(original))


def test_folder_of_everything_runs_to_the_end(bad_folder: Path) -> None:
    files = sorted(p for p in bad_folder.rglob("*") if p.is_file())
    assert len(files) == len(BAD) + len(GOOD_COPIES) + 1

    completed = run_module("check", "--format", "jsonl", bad_folder)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [r["source"]["path"] for r in records] == [str(p) for p in files]

    by_name = {Path(r["source"]["path"]).name: {f["rule"] for f in r["findings"]} for r in records}
    for bad in BAD:
        assert by_name[bad.name] & bad.rules, bad.name
    for name in [*GOOD_COPIES, SEED_NAME]:
        assert by_name[name] == set(), name

    text = run_module("check", bad_folder)
    assert "Traceback" not in text.stderr
    assert sum(1 for line in text.stdout.splitlines() if line.startswith("== ")) == len(files)
    assert f"汇总：共 {len(files)} 个文件，{len(BAD)} 个有错误" in text.stdout
