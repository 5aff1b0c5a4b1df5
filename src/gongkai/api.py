"""The importable API the CLI wraps: read a report, check it."""

from __future__ import annotations

from pathlib import Path

from .check import run_rules
from .model import Record
from .parse import parse
from .read import Document, ReadError, load


def read(path: str | Path) -> Record:
    """Read one file into a record (no rules run). Never raises for a bad file."""
    try:
        document = load(path)
    except ReadError as error:
        return Record.unreadable(str(path), str(error))
    return parse(document)


def read_text(text: str, path: str = "<text>") -> Record:
    """Read report text that is already in memory."""
    return parse(Document.from_text(text, path=path))


def check(path: str | Path) -> Record:
    """Read one file and run every single-report rule on it."""
    return run_rules(read(path))


def check_text(text: str, path: str = "<text>") -> Record:
    return run_rules(read_text(text, path))
