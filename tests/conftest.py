"""Shared test fixtures: the hand-checked corpus, its PDFs as `pdftotext -layout` text, golden files.

The corpus lives beside the repository (../shared/corpus), not inside it, so every test that
needs it skips with a clear reason when it is absent instead of failing on a bare checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed draw of examples, so that a run is repeatable and a
# failure is the change's; anywhere else each run draws new ones (set GONGKAI_WILD_EXAMPLES high
# to search longer).
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("GONGKAI_HYPOTHESIS_PROFILE", "default"))

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
GOLDEN = Path(__file__).resolve().parent / "golden"

CORPUS_MISSING = f"the hand-checked corpus is not at {CORPUS} (expected ../shared/corpus beside the repository)"
PDFTOTEXT_MISSING = "pdftotext (poppler-utils) is not on PATH; install it to test the real PDFs"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.json from the current output instead of comparing with them",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# ------------------------------------------------------------------ corpus


def truth_files(kind: str) -> list[Path]:
    """The corpus truth files whose source is a seed text (kind "seeds") or a real PDF ("real")."""
    if not CORPUS.is_dir():
        return []
    suffix = ".txt" if kind == "seeds" else ".pdf"
    out = []
    for path in sorted((CORPUS / "truth").glob("*.json")):
        source = str(json.loads(path.read_text(encoding="utf-8"))["file"])
        if source.startswith(f"{kind}/") and source.endswith(suffix):
            out.append(path)
    return out


def corpus_params(paths: list[Path]) -> list[Any]:
    """pytest parameters named after the files; one skipped placeholder when the corpus is absent.

    Without the placeholder an absent corpus would show up only as pytest's terse "got empty
    parameter set", which does not say where the corpus was expected.
    """
    if not paths:
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=CORPUS_MISSING))]
    return [pytest.param(path, id=path.stem) for path in paths]


def seed_files() -> list[Path]:
    return sorted((CORPUS / "seeds").glob("*.txt")) if CORPUS.is_dir() else []


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The corpus folder, or skip."""
    if not CORPUS.is_dir():
        pytest.skip(CORPUS_MISSING)
    return CORPUS


@pytest.fixture(scope="session")
def seed(corpus: Path) -> Path:
    """One seed report with no findings at all (赣州市 2023), for CLI and bad-input tests."""
    path = corpus / "seeds" / "000_981dc59110326a5f.txt"
    if not path.is_file():
        pytest.skip(f"seed {path.name} is not in the corpus")
    return path


def load_truth(path: Path) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return truth


# ------------------------------------------------------------------ pdftotext


def pdftotext_layout(pdf: Path, out: Path) -> Path:
    """Run `pdftotext -layout pdf out` (the conversion the README tells users to make)."""
    subprocess.run(["pdftotext", "-layout", str(pdf), str(out)], check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture(scope="session")
def pdf_text(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """A function: real PDF → its `pdftotext -layout` text file (converted once per session)."""
    if shutil.which("pdftotext") is None:
        pytest.skip(PDFTOTEXT_MISSING)
    folder = tmp_path_factory.mktemp("pdftotext")
    done: dict[Path, Path] = {}

    def convert(pdf: Path) -> Path:
        if pdf not in done:
            done[pdf] = pdftotext_layout(pdf, folder / f"{pdf.stem}.txt")
        return done[pdf]

    return convert


@pytest.fixture(scope="session")
def real_texts(corpus: Path, pdf_text: Callable[[Path], Path]) -> dict[str, Path]:
    """Every real PDF of the corpus as `pdftotext -layout` text, by PDF stem."""
    return {pdf.stem: pdf_text(pdf) for pdf in sorted((corpus / "real").glob("*.pdf"))}


# ------------------------------------------------------------------ the command in a subprocess


def run_module(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m gongkai ARGS` in a fresh interpreter, output decoded as UTF-8 whatever the locale.

    A subprocess is the only way to see what users see: `main()`'s Chinese usage messages and
    any traceback an uncaught exception would print on stderr.
    """
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "gongkai", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def run_cli(*args: str | Path):  # type: ignore[no-untyped-def]
    """Invoke the click group in-process; stdout and stderr stay separate (click ≥ 8.2 default)."""
    from click.testing import CliRunner

    from gongkai.cli import cli

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click 8.1
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
