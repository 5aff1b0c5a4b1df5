"""The importable API the CLI wraps: read a report, check it."""

from __future__ import annotations

from pathlib import Path

from .check import run_rules
from .files import path_text, unreadable_reason
from .model import Record
from .parse import parse
from .read import Document, ReadError, load


def read(path: str | Path) -> Record:
    """Read one file into a record (no rules run). Never raises for a bad file, and never blocks
    on one that is not a regular file (a named pipe, a device)."""
    name = path_text(path)
    reason = unreadable_reason(Path(path))
    if reason is not None:
        return Record.unreadable(name, reason)
    try:
        document = load(path)
    except ReadError as error:
        return Record.unreadable(name, str(error))
    record = parse(document)
    record.source.path = name
    return record


def read_text(text: str, path: str = "<text>") -> Record:
    """Read report text that is already in memory."""
    return parse(Document.from_text(text, path=path))


def check(path: str | Path) -> Record:
    """Read one file and run every single-report rule on it."""
    return run_rules(read(path))


def check_text(text: str, path: str = "<text>") -> Record:
    return run_rules(read_text(text, path))
