"""Readers: turn a file into a `Document` (lines of text with page numbers), by content type.

The type is decided by the file's bytes, never by its extension. A reader that fails raises
`ReadError` with a Chinese message; the caller turns it into an `unreadable` finding.
"""

from __future__ import annotations

from typing import Any

from .. import limits
from .document import Box, Document, Line, ReadError
from .sniff import load, sniff, text_document

__all__ = ["Box", "Document", "Line", "ReadError", "load", "sniff", "text_document"]


def __getattr__(name: str) -> Any:
    """`MAX_BYTES`, kept for callers that import it: the `file_bytes` limit now in force."""
    if name == "MAX_BYTES":
        return limits.current().file_bytes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
