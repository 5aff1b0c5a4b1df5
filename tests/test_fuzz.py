"""Fuzzing the text reader and the narrative parser with a fixed budget: any text gives a record
(JSON-serialisable, every printed number traceable) and never an exception.

The budget is GONGKAI_FUZZ_EXAMPLES examples per target (default 150); `python fuzz/run.py`
runs a long campaign and prints what it tried."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gongkai
from gongkai.parse.narrative import build_prose, extract_listed_totals, extract_statements
from gongkai.read import Line
from synth.fuzz import edited, report_like_text

EXAMPLES = int(os.environ.get("GONGKAI_FUZZ_EXAMPLES", "150"))
BUDGET = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
SEED = (Path(__file__).resolve().parents[1] / "samples" / "2023_赣州市.txt").read_text(encoding="utf-8")


def assert_sound(text: str) -> None:
    record = gongkai.check_text(text, path="fuzz.txt")
    json.dumps(record.to_dict(), ensure_ascii=False)
    for path, value in record.cell_values().items():
        if value is not None:
            provenance = record.provenance.get(path)
            assert provenance is not None and (provenance.text or provenance.derived), path


@BUDGET
@given(report_like_text)
def test_any_report_like_text_reads(text: str) -> None:
    assert_sound(text)


@BUDGET
@given(st.data())
def test_any_edit_of_a_report_reads(data: st.DataObject) -> None:
    assert_sound(data.draw(edited(SEED)))


@BUDGET
@given(report_like_text)
def test_the_narrative_parser_takes_any_sentence(text: str) -> None:
    prose = build_prose([(3, [Line(1, text)])])
    for statement in extract_statements(prose):
        assert statement.value >= 0
    extract_listed_totals(prose)
