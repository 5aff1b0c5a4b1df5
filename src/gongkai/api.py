"""The importable API the CLI wraps: read a report, check it."""

from __future__ import annotations

from pathlib import Path

from .check import run_rules
from .files import is_url, path_text, unreadable_reason
from .model import Record
from .parse import parse
from .read import ReadError, load, text_document


def read(path: str | Path, previous: Record | None = None) -> Record:
    """Read one file into a record (no rules run). Never raises for a bad file, and never blocks
    on one that is not a regular file (a named pipe, a device). `previous`: the agency's report
    of the year before, when known (see `parse.parse`)."""
    name = path_text(path)
    reason = unreadable_reason(path if isinstance(path, Path) or is_url(path) else Path(path))
    if reason is not None:
        return Record.unreadable(name, reason)
    try:
        document = load(path)
    except ReadError as error:
        return Record.unreadable(name, str(error))
    record = parse(document, previous)
    record.source.path = name
    return record


def read_text(text: str, path: str = "<text>", previous: Record | None = None) -> Record:
    """Read report text that is already in memory."""
    return parse(text_document(text, path=path), previous)


def check(path: str | Path, previous: Record | None = None) -> Record:
    """Read one file and run every single-report rule on it (`previous` helps the reading only)."""
    return run_rules(read(path, previous))


def check_text(text: str, path: str = "<text>", previous: Record | None = None) -> Record:
    return run_rules(read_text(text, path, previous))
