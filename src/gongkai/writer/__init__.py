"""Write the finished 政府信息公开工作年度报告 from a record: DOCX, HTML or PDF.

    >>> result = write_report(record, Path("报告.docx"), prose=load_prose("正文/"))  # doctest: +SKIP
    >>> result.errors, result.notices  # doctest: +SKIP

The report has the official structure of the record's template (2021 for report years from
2021, 2019 for 2019–2020): the title, the six sections, the three tables in the official
layout (`gongkai.layout`, as the Excel export and the web page draw them), sentences whose
every figure comes from the tables, the clerk's own prose kept as given, the signature and the
date. Before anything is written the report is read back and checked with the parser and rules
of `gongkai check` (`compose.examine`): a figure in the prose that contradicts a table, a
table that does not add up or a date past the legal deadline is a finding in the result,
never corrected silently.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..model import Finding, Record, Severity
from .compose import Composition, CompositionError, Examination, compose, examine
from .docx import to_docx
from .html import to_html
from .pdf import WriteError, to_pdf
from .prose import load_prose, section_of

__all__ = [
    "FORMATS",
    "Composition",
    "CompositionError",
    "Examination",
    "WriteError",
    "WriteResult",
    "compose",
    "examine",
    "load_prose",
    "render",
    "section_of",
    "to_docx",
    "to_html",
    "to_pdf",
    "write_report",
]

FORMATS: dict[str, Callable[[Composition], bytes]] = {"docx": to_docx, "html": to_html, "pdf": to_pdf}
_SUFFIXES = {".docx": "docx", ".html": "html", ".htm": "html", ".pdf": "pdf"}


@dataclass(frozen=True)
class WriteResult:
    """What was written, and what `gongkai check` says of it.

    `findings`: the rules' findings on the report as written (0 errors for a balanced record
    without contradicting prose). `misread`: where reading the written report back would not
    give what was written (empty unless a clerk's paragraph disturbs the reading).
    `notices`: what the writer filled in or dropped (placeholders for missing prose, content
    the format asks a section to cover).
    """

    path: Path
    format: str
    template: str
    published: date
    deadline: date
    findings: tuple[Finding, ...]
    misread: tuple[str, ...]
    notices: tuple[str, ...]
    seconds: float

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")


def output_format(out: Path) -> str:
    """The output format (docx, html or pdf) a file name asks for by its suffix, or CompositionError."""
    kind = _SUFFIXES.get(out.suffix.lower())
    if kind is None:
        raise CompositionError(f"不支持输出为“{out.suffix or out.name}”：请使用 .docx、.html 或 .pdf 文件名。")
    return kind


def render(composition: Composition, kind: str) -> bytes:
    """The composed report's bytes in one of `FORMATS`."""
    return FORMATS[kind](composition)


def _write_atomically(out: Path, data: bytes) -> None:
    """Replace `out` only once the whole file is written (an earlier report is never left
    half-overwritten). The file is created like any new file (permissions from the umask)."""
    partial = out.with_name(f".{out.name}.{secrets.token_hex(6)}.partial")
    try:
        with partial.open("xb") as stream:
            stream.write(data)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_report(
    record: Record,
    out: Path | str,
    prose: Mapping[int, str] | None = None,
    published: date | None = None,
    government_level: bool | None = None,
    previous: Record | None = None,
) -> WriteResult:
    """Write the report for `record` to `out` (.docx, .html/.htm or .pdf by its suffix).

    `prose`: the clerk's text per section number 1–6 (see `load_prose`), kept as given.
    `published`: the date under the signature (default: the record's, else today).
    `government_level`: a 县级以上人民政府's own report, due 31 March rather than 31 January
    (None: decided from the agency's name, as `gongkai check` decides it).
    `previous`: the agency's report of the year before, for the cross-year rules (上年结转 =
    last year's 结转下年度, table 二's stock, …).

    Raises CompositionError for a record that cannot make a report (no agency, no year, a
    pre-2019 or unknown template) or an unknown suffix, WriteError when the PDF cannot be made.
    """
    started = time.perf_counter()
    target = Path(out)
    kind = output_format(target)
    composition = compose(record, prose, published, government_level)
    examination = examine(composition, str(target), previous)
    _write_atomically(target, render(composition, kind))
    return WriteResult(
        target,
        kind,
        composition.template,
        composition.published,
        composition.deadline,
        examination.findings,
        examination.misread,
        composition.notices,
        time.perf_counter() - started,
    )
