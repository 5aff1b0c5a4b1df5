"""The `gongkai` command: check (text, json, jsonl, folders, exit codes), show, rules, misuse.

Most tests run the click command in-process with CliRunner; the module entry point and the
Chinese usage messages (which `main()` produces around click, outside CliRunner's reach) are
tested in a subprocess running `python -m gongkai`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import load_truth, run_cli, run_module

from gongkai import formats
from gongkai.check import RULES

# record.md, "Top level": the keys of one record, in this order.
TOP_LEVEL_KEYS = [
    "schema", "source", "template", "year", "agency", "published", "sections",
    "active", "requests", "review_litigation", "findings", "provenance",
]  # fmt: skip
SOURCE_KEYS = {"path", "sha256", "media_type", "pages"}
FINDING_KEYS = {"rule", "code", "severity", "message", "location"}
FINDING_OPTIONAL_KEYS = {"expected", "actual"}

WARNINGS_ONLY_DATE = "2024年2月26日"  # after a 局's 31 January deadline: published_late, a warning


run = run_cli


def assert_record_shape(record: Any) -> None:
    """The top-level shape record.md fixes for `check --format json`."""
    assert isinstance(record, dict)
    assert list(record) == TOP_LEVEL_KEYS
    assert record["schema"] == "gongkai.report/1"
    assert set(record["source"]) == SOURCE_KEYS
    assert record["template"] in ("2021", "2019", "pre2019", "unknown")
    assert record["year"] is None or isinstance(record["year"], int)
    assert record["published"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["published"])
    assert isinstance(record["sections"], list)
    assert isinstance(record["requests"], dict)
    if record["requests"]:
        assert record["requests"]["columns"] == list(formats.REQUEST_COLUMN_KEYS)
    assert set(record["review_litigation"]) == {"review", "litigation_direct", "litigation_after_review"}
    for finding in record["findings"]:
        assert FINDING_KEYS <= set(finding) <= FINDING_KEYS | FINDING_OPTIONAL_KEYS
        assert finding["severity"] in ("error", "warning", "info")
    for provenance in record["provenance"].values():
        assert "text" in provenance


@pytest.fixture
def error_seed(corpus: Path) -> Path:
    """A seed with error findings (高安: two balance errors)."""
    return corpus / "seeds" / "004_c82a2c402dd56cf8.txt"


@pytest.fixture
def warnings_only(corpus: Path, tmp_path: Path) -> Path:
    """A clean seed (a 局's 2023 report) re-dated past its deadline: its only finding is a warning."""
    text = (corpus / "seeds" / "003_0b524c7cc6376f9a.txt").read_text(encoding="utf-8")
    assert "2024年1月30日" in text
    path = tmp_path / "late.txt"
    path.write_text(text.replace("2024年1月30日", WARNINGS_ONLY_DATE), encoding="utf-8")
    return path


# ------------------------------------------------------------------ check


def test_check_text_output(seed: Path) -> None:
    result = run("check", seed)
    assert result.exit_code == 0, result.output
    assert "赣州市" in result.stdout
    assert "汇总" in result.stdout
    assert "共 1 个文件" in result.stdout


def test_check_exit_1_on_error_findings(error_seed: Path) -> None:
    result = run("check", error_seed)
    assert result.exit_code == 1
    assert "高安市行政服务中心管委会" in result.stdout
    assert "balance" in result.stdout and "勾稽关系不成立" in result.stdout
    assert "汇总" in result.stdout


def test_check_exit_0_with_only_warnings(warnings_only: Path) -> None:
    record = json.loads(run("check", "--format", "json", warnings_only).stdout)
    assert [f["rule"] for f in record["findings"]] == ["published_late"]
    assert {f["severity"] for f in record["findings"]} == {"warning"}
    result = run("check", warnings_only)
    assert result.exit_code == 0, result.output
    assert "警告" in result.stdout


def test_fail_on_warning(warnings_only: Path, seed: Path) -> None:
    assert run("check", "--fail-on", "warning", warnings_only).exit_code == 1
    assert run("check", "--fail-on", "error", warnings_only).exit_code == 0
    assert run("check", "--fail-on", "warning", seed).exit_code == 0  # no findings at all


def test_json_one_file_is_one_object(seed: Path) -> None:
    result = run("check", "--format", "json", seed)
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert_record_shape(record)
    assert record["source"]["path"] == str(seed)
    assert record["agency"] == "赣州市"


def test_json_several_files_is_an_array(seed: Path, error_seed: Path) -> None:
    result = run("check", "--format", "json", seed, error_seed)
    assert result.exit_code == 1  # one of them has errors
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    assert [r["source"]["path"] for r in records] == [str(seed), str(error_seed)]
    for record in records:
        assert_record_shape(record)


def test_jsonl_one_object_per_line(seed: Path, error_seed: Path) -> None:
    result = run("check", "--format", "jsonl", seed, error_seed, seed)
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    for record in records:
        assert_record_shape(record)
    assert [r["agency"] for r in records] == ["赣州市", "高安市行政服务中心管委会", "赣州市"]


def test_folder_is_recursive_and_skips_hidden(seed: Path, error_seed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    visible = [folder / "a.txt", folder / "sub" / "deeper" / "b.txt"]
    hidden = [
        folder / ".hidden.txt",
        folder / ".git" / "c.txt",
        folder / "sub" / ".cache" / "d.txt",
        folder / "__pycache__" / "e.txt",
        folder / "node_modules" / "f.txt",
    ]
    for path, source in zip(visible + hidden, [seed, error_seed] + [error_seed] * len(hidden), strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, path)
    result = run("check", "--format", "jsonl", folder)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"]["path"] for r in records] == [str(p) for p in visible]
    assert result.exit_code == 1  # b.txt has errors

    text = run("check", folder)
    assert sum(1 for line in text.stdout.splitlines() if line.startswith("== ")) == 2
    assert "共 2 个文件" in text.stdout


def test_module_entry_point(seed: Path) -> None:
    completed = run_module("check", "--format", "json", seed)
    assert completed.returncode == 0, completed.stderr
    record = json.loads(completed.stdout)
    assert_record_shape(record)
    assert record["agency"] == "赣州市"
    assert "Traceback" not in completed.stderr


# ------------------------------------------------------------------ misuse


MISUSE = {
    "no paths": (["check"], "缺少参数"),
    "unknown option": (["check", "--no-such-option", "x.txt"], "没有这个选项"),
    "bad --format": (["check", "--format", "xml", "x.txt"], "参数取值无效"),
    "bad --fail-on": (["check", "--fail-on", "info", "x.txt"], "参数取值无效"),
}


@pytest.mark.parametrize("args", [args for args, _ in MISUSE.values()], ids=MISUSE.keys())
def test_misuse_exits_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


@pytest.mark.parametrize(("args", "phrase"), MISUSE.values(), ids=MISUSE.keys())
def test_misuse_message_is_chinese(args: list[str], phrase: str) -> None:
    completed = run_module(*args)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith("用法错误：")
    assert phrase in completed.stderr
    assert "--help" in completed.stderr  # tells the user where to look


@pytest.mark.parametrize("args", [["nosuch"], ["check", "--format", "xml", "x.txt"]], ids=["unknown command", "bad value"])
def test_misuse_message_has_no_english_sentence(args: list[str]) -> None:
    first_line = run_module(*args).stderr.splitlines()[0]
    assert re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", first_line) is None, first_line


# ------------------------------------------------------------------ show


def _cells_at_end(line: str, count: int) -> list[str]:
    return line.split()[-count:]


def _line_with(text: str, label: str) -> str:
    lines = [line for line in text.splitlines() if label in line]
    assert lines, f"no line with {label!r} in:\n{text}"
    return lines[0]


def _fmt(value: int | float | None) -> str:
    return "（空）" if value is None else str(value)


def test_show_prints_the_three_tables(seed: Path, corpus: Path) -> None:
    truth = load_truth(corpus / "truth" / f"{seed.stem}.json")
    result = run("show", seed)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for title in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"):
        assert title in out
    header = _line_with(out, "自然人")
    assert [c.label for c in formats.REQUEST_COLUMNS] == header.split()

    rows = truth["requests"]["rows"]
    for key, label in [
        ("new_received", "一、本年新收"),
        ("carried_over", "二、上年结转"),
        ("granted", "（一）予以公开"),
        ("total_processed", "（七）总计"),
        ("carried_forward", "四、结转下年度"),
    ]:
        assert _cells_at_end(_line_with(out, label), 7) == [_fmt(v) for v in rows[key]], key

    for block in formats.REVIEW_BLOCKS:
        line = _line_with(out, f"  {block.label}")
        fields = truth["review_litigation"][block.key]
        assert _cells_at_end(line, 5) == [_fmt(fields[f.key]) for f in formats.REVIEW_FIELDS], block.key

    for row in formats.active_rows(truth["template"]):
        line = _line_with(out, f"  {row.label} ")
        for field in row.fields:
            assert f"{field.label}={_fmt(truth['active'][row.key][field.key])}" in line, (row.key, field.key)


def test_show_missing_file_exits_1_in_chinese(tmp_path: Path) -> None:
    result = run("show", tmp_path / "nope.txt")
    assert result.exit_code == 1
    assert "无法读取" in result.stderr and "文件不存在" in result.stderr


# ------------------------------------------------------------------ rules


def test_rules_lists_every_rule() -> None:
    result = run("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(RULES)
    for rule, line in zip(RULES, lines, strict=True):
        assert line.split()[:2] == [rule.code, rule.name]


def test_rules_markdown_has_every_docstring_summary() -> None:
    out = run("rules", "--format", "markdown").stdout
    for rule in RULES:
        assert rule.summary, f"{rule.code} has no docstring"
        assert rule.summary in out
        assert f"{rule.code} `{rule.name}`" in out


def test_rules_json_is_the_catalog() -> None:
    catalog = json.loads(run("rules", "--format", "json").stdout)
    assert [(r["code"], r["name"], r["severity"]) for r in catalog] == [(r.code, r.name, r.severity) for r in RULES]


def test_shared_options_are_defined_once() -> None:
    """--db and --format mean the same on every command: one definition, one help text."""
    import click

    from gongkai.cli import DB_HELP, cli

    source = (Path(__file__).resolve().parents[1] / "src" / "gongkai" / "cli.py").read_text(encoding="utf-8")
    assert source.count('"--db"') == 1 and source.count('"--format"') == 1
    for name, command in cli.commands.items():
        for param in command.params:
            if param.name == "db":
                assert isinstance(param, click.Option) and (param.help or "").endswith(DB_HELP), name
            if "--format" in getattr(param, "opts", ()):
                assert param.name == "output", name


SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_a_bug_exits_3_with_one_line_and_a_report_file(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Exit codes are distinct: 3 is gongkai's own bug, never a bare traceback."""
    import gongkai.cli as cli_module

    def broken(_record: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_module.render, "findings_text", broken)
    monkeypatch.setattr("sys.argv", ["gongkai", "check", str(SAMPLES / "2023_赣州市.txt")])
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    assert exit_.value.code == 3
    err = capsys.readouterr().err
    assert "内部错误" in err and "RuntimeError" in err and "Traceback" not in err
    [kept] = tmp_path.glob("gongkai-error-*.txt")
    assert "Traceback" in kept.read_text(encoding="utf-8") and "boom" in kept.read_text(encoding="utf-8")


def test_ingest_fail_on(tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLES / "2023_赣州市.txt", tmp_path / "in")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    assert run_cli("ingest", str(tmp_path / "in"), "--db", db).exit_code == 0
    assert run_cli("ingest", str(tmp_path / "in"), "--db", db, "--fail-on", "unreadable").exit_code == 1
