"""Readers: turn a file into a `Document` (lines of text with page numbers), by content type.

The type is decided by the file's bytes, never by its extension. A reader that fails raises
`ReadError` with a Chinese message; the caller turns it into an `unreadable` finding.
"""

from __future__ import annotations

from .document import Box, Document, Line, ReadError
from .sniff import MAX_BYTES, load, sniff

__all__ = ["MAX_BYTES", "Box", "Document", "Line", "ReadError", "load", "sniff"]
