"""Run every kind of bad input (synth/bad.py) through `gongkai check` and `gongkai ingest` and
print, per kind, what gongkai made of it — the table the bad-input suite asserts on.

    python bench/bad_inputs.py [--keep DIR]

Each command runs once over the whole folder in a subprocess, with a time limit; a traceback,
a hang or an entry missing from either output is counted and shown.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.files import path_text  # noqa: E402
from synth import bad  # noqa: E402

SAMPLE_TEXT = ROOT / "samples" / "2023_赣州市.txt"
SAMPLE_PDF = ROOT / "samples" / "2024_淮安市人民政府.pdf"
TIMEOUT = 900


@dataclass
class Outcome:
    kind: bad.BadKind
    path: Path
    check: str = "missing"  # unreadable / not_a_report / report / missing
    reason: str = ""
    ingest: str = "missing"  # the files table's status

    @property
    def ok(self) -> bool:
        expected = {bad.EITHER: {"unreadable", "not_a_report", "report"}, bad.REJECTED: {"unreadable", "not_a_report"}}.get(self.kind.expect, {self.kind.expect})
        stored_ok = self.ingest != "missing" and (self.ingest == "unreadable") == (self.check == "unreadable")
        return self.check in expected and stored_ok


def classify(record: dict[str, object]) -> tuple[str, str]:
    findings = record.get("findings") or []
    assert isinstance(findings, list)
    for rule in ("unreadable", "not_a_report"):
        for finding in findings:
            if finding["rule"] == rule:
                return rule, str(finding["message"])
    return "report", ""


def run(folder: Path, db: Path) -> tuple[dict[str, Outcome], dict[str, object]]:
    material = bad.source(SAMPLE_TEXT.read_text(encoding="utf-8"), SAMPLE_PDF.read_bytes())
    entries = bad.write_all(folder, material)
    outcomes = {name: Outcome(kind, path) for name, (path, kind) in entries.items()}
    by_path = {path_text(os.path.abspath(o.path)): o for o in outcomes.values()}
    env = {**os.environ, "PYTHONUTF8": "1"}
    facts: dict[str, object] = {}
    started = time.monotonic()
    check = subprocess.run([sys.executable, "-m", "gongkai", "check", str(folder), "--format", "jsonl"], capture_output=True, timeout=TIMEOUT, env=env, check=False)
    facts["check seconds"] = round(time.monotonic() - started, 1)
    facts["check exit"] = check.returncode
    facts["check traceback"] = b"Traceback" in check.stderr
    facts["check stderr"] = check.stderr.decode("utf-8", "replace")[-2000:]
    records = [json.loads(line) for line in check.stdout.decode("utf-8").split("\n") if line.strip()]
    facts["check records"] = len(records)
    for record in records:
        outcome = by_path.get(path_text(os.path.abspath(record["source"]["path"])))
        if outcome is not None:
            outcome.check, outcome.reason = classify(record)
    started = time.monotonic()
    ingest = subprocess.run([sys.executable, "-m", "gongkai", "ingest", str(folder), "--db", str(db), "--format", "json"], capture_output=True, timeout=TIMEOUT, env=env, check=False)
    facts["ingest seconds"] = round(time.monotonic() - started, 1)
    facts["ingest exit"] = ingest.returncode
    facts["ingest traceback"] = b"Traceback" in ingest.stderr
    facts["ingest stderr"] = ingest.stderr.decode("utf-8", "replace")[-2000:]
    with sqlite3.connect(db) as connection:
        for path, status in connection.execute("SELECT path, status FROM files"):
            if path in by_path:
                by_path[path].ingest = status
    return outcomes, facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the bad inputs here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or Path(scratch)
        outcomes, facts = run(base / "inputs", base / "bad.db")
    print(f"{len(outcomes)} kinds of bad input; check {facts['check seconds']} s (exit {facts['check exit']}), ingest {facts['ingest seconds']} s (exit {facts['ingest exit']})")
    print(f"tracebacks: check {facts['check traceback']}, ingest {facts['ingest traceback']}")
    print(f"{'kind':42} {'expected':13} {'check':13} {'ingest':11} reason")
    for name, o in outcomes.items():
        mark = "" if o.ok else "  ← NOT AS EXPECTED"
        print(f"{name[:42]:42} {o.kind.expect:13} {o.check:13} {o.ingest:11} {o.reason[:70]}{mark}")
    wrong = [n for n, o in outcomes.items() if not o.ok]
    print(f"\n{len(outcomes) - len(wrong)}/{len(outcomes)} as expected; unaccounted in check: {sum(o.check == 'missing' for o in outcomes.values())}, in ingest: {sum(o.ingest == 'missing' for o in outcomes.values())}")
    return 1 if wrong or facts["check traceback"] or facts["ingest traceback"] else 0


if __name__ == "__main__":
    sys.exit(main())
