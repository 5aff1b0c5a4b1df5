"""The bounds every file is read within, so that no input can take unbounded time or memory.

Each limit has a default chosen far above any real report; `configure` changes them for this
process (the CLI's `--limit NAME=VALUE`, the environment's `GONGKAI_LIMIT_NAME=VALUE`), and
worker processes receive the parent's values. A file that reaches a limit is not read further:
it gets a finding that names the limit, never a crash or a hang.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 200 * 1024 * 1024  # larger files are refused before reading
    text_characters: int = 5_000_000  # extracted text of one report (a long report has ~50 000)
    text_lines: int = 200_000
    number_digits: int = 15  # a printed number longer than this is not a count or an amount
    pdf_pages: int = 80  # a report is a few pages; beyond this the file is something else
    ocr_pages: int = 30  # scanned pages OCRed per file (checked before any OCR)
    page_pixels: int = 40_000_000  # pixels of one page rendered for OCR or drawing
    image_pixels: int = 100_000_000  # pixels of an image file (larger: a decompression bomb)
    docx_paragraphs: int = 50_000
    unzipped_bytes: int = 300 * 1024 * 1024  # a DOCX inflated (zip bombs)
    seconds_per_file: float = 120.0  # wall time to read and check one file (ingest's workers)
    memory_per_file_mb: int = 3072  # address space a worker may add to what it maps at its start, reading one file (ingest)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


_current = Limits()


def current() -> Limits:
    return _current


def configure(**changes: float) -> Limits:
    """Change some limits for this process; unknown names and non-positive values are refused
    with a Chinese message (ValueError)."""
    global _current
    typed: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in Limits.names():
            raise ValueError(f"没有这个限制：{name}（可用：{'、'.join(Limits.names())}）")
        if value <= 0:
            raise ValueError(f"限制 {name} 必须大于0")
        typed[name] = float(value) if isinstance(getattr(_current, name), float) else int(value)
    _current = replace(_current, **typed)
    return _current


def parse_assignment(text: str) -> tuple[str, float]:
    """`name=value` (as typed after --limit, or in the environment) → (name, value)."""
    name, sep, value = text.partition("=")
    name = name.strip().replace("-", "_")
    try:
        number = float(value) if sep else float("nan")
    except ValueError:
        number = float("nan")
    if number != number:  # NaN: not a number
        raise ValueError(f"限制的写法应为 名称=数值，例如 seconds_per_file=60：{text}")
    return name, number


def from_environment(environ: dict[str, str] | None = None) -> Limits:
    """Apply GONGKAI_LIMIT_<NAME>=<value> variables."""
    environ = dict(os.environ) if environ is None else environ
    prefix = "GONGKAI_LIMIT_"
    changes = {key[len(prefix) :].lower(): parse_assignment(f"x={value}")[1] for key, value in environ.items() if key.startswith(prefix)}
    return configure(**changes) if changes else _current
