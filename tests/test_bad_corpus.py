"""Every kind of bad input in synth/bad.py (over 100) through `gongkai check` and `gongkai
ingest`: no traceback, no hang past the per-file limit, every entry accounted for in both, and
each kind's expected outcome (unreadable with a reason, not a report, or read as a report)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from synth import bad

pytestmark = pytest.mark.slow

_spec = importlib.util.spec_from_file_location("bad_inputs", Path(__file__).resolve().parents[1] / "bench" / "bad_inputs.py")
assert _spec is not None and _spec.loader is not None
bad_inputs = importlib.util.module_from_spec(_spec)
sys.modules["bad_inputs"] = bad_inputs  # dataclasses look their module up while it loads
_spec.loader.exec_module(bad_inputs)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], dict[str, object]]:
    base = tmp_path_factory.mktemp("bad")
    return bad_inputs.run(base / "inputs", base / "bad.db")


def test_there_are_over_a_hundred_kinds() -> None:
    assert len(bad.KINDS) >= 100


def test_no_traceback_and_clean_exits(outcomes: tuple[dict[str, object], dict[str, object]]) -> None:
    _, facts = outcomes
    assert not facts["check traceback"], facts["check stderr"]
    assert not facts["ingest traceback"], facts["ingest stderr"]
    assert facts["check exit"] == 1 and facts["ingest exit"] == 0


@pytest.mark.parametrize("name", list(bad.KINDS))
def test_each_kind(name: str, outcomes: tuple[dict[str, object], dict[str, object]]) -> None:
    found, _ = outcomes
    outcome = found[name]
    assert outcome.check != "missing", "no record in check's output"  # type: ignore[attr-defined]
    assert outcome.ingest != "missing", "no row in ingest's files table"  # type: ignore[attr-defined]
    assert outcome.ok, (outcome.kind.expect, outcome.check, outcome.ingest, outcome.reason)  # type: ignore[attr-defined]
    if outcome.check == "unreadable":  # type: ignore[attr-defined]
        assert "内部错误" not in outcome.reason, outcome.reason  # a reader bug is not a reason  # type: ignore[attr-defined]
