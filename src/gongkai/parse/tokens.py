"""Cut extracted text into cells and classify each as a value or a label.

Extracted tables come as tab-separated cells (PDF/Word copy), Markdown pipes, runs of spaces
(`pdftotext -layout`) or single spaces (plain `pdftotext`), with labels split over lines and
numbers on lines of their own. Every layout ends up as the same stream of tokens; rows are
rebuilt later from the template's fixed order, not from the line structure.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from ..read import Line
from ..read.ocr import DOUBT_MARK

TokenKind = Literal["num", "null", "label", "doubt"]  # doubt: a number OCR is unsure of

_NUMBER = re.compile(r"^[+\-－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# Printed in place of a number: blank markers (record.md: "/", "—" …).
_NULL_MARKERS = frozenset({"/", "／", "\\", "-", "－", "—", "——", "–", "―", "─", "--", "---", "×", "无", "空"})
# A number followed by one of these is prose ("21 件", "2023 年"), not a table cell.
_UNIT_START = re.compile(r"^(?:件|条|年|月|日|个|项|次|%|％|万|元|人|家|场|期|份|篇|余|多)")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")
_MARKDOWN_RULE = re.compile(r"^:?-{2,}:?$")
_CJK = re.compile(r"[\u3400-\u9fff]")


class Token(NamedTuple):
    kind: TokenKind
    text: str
    line: int
    page: int | None = None

    @property
    def is_value(self) -> bool:
        return self.kind != "label"

    @property
    def digits(self) -> str:
        return self.text.replace(",", "").lstrip(DOUBT_MARK)


def parse_number(text: str) -> int | float | None:
    """The number a value token prints (int when it has no fraction)."""
    if text.isdecimal():
        return int(text)
    cleaned = text.replace(",", "").replace("－", "-").lstrip(DOUBT_MARK)
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return int(value) if "." not in cleaned else value


def classify(word: str) -> TokenKind:
    if word.isdecimal():
        return "num"
    if word.startswith(DOUBT_MARK) and _NUMBER.match(word[1:]):
        return "doubt"
    if _CJK.search(word) and word.strip() not in _NULL_MARKERS:
        return "label"
    stripped = word.strip()
    if stripped in _NULL_MARKERS:
        return "null"
    if _NUMBER.match(stripped.replace("－", "-")):
        return "num"
    return "label"


def is_prose(text: str) -> bool:
    """A narrative sentence, whose numbers are not table cells."""
    if "\t" in text or text.lstrip().startswith("|"):
        return False
    return "。" in text or (len(text) > 45 and len(_CJK.findall(text)) > 45)


def split_cells(text: str) -> list[str]:
    """The cells of one extracted line, whatever the separator."""
    stripped = text.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if all(_MARKDOWN_RULE.match(c) or not c for c in cells):
            return []
        return cells
    if "\t" in text:
        return text.split("\t")
    return re.split(r"\s{2,}|\u3000+", stripped)


def _join_label(words: list[str]) -> str:
    out = ""
    for word in words:
        if out and not (_CJK.search(out[-1]) and _CJK.search(word[0])):
            out += " "
        out += word
    return out


def tokenize_cell(cell: str, line: Line) -> list[Token]:
    """Split a cell into value tokens and label tokens (a cell may hold "0 0 0" or "标签 3 0")."""
    cell = cell.strip().strip("*").strip()
    if not cell:
        return []
    if cell.isdecimal():  # the common case, kept cheap
        return [Token("num", cell, line.number, line.page)]
    whole = classify(cell)
    if whole != "label":
        return [Token(whole, cell, line.number, line.page)]
    words = cell.split()
    tokens: list[Token] = []
    pending: list[str] = []
    for index, word in enumerate(words):
        kind = classify(word)
        following = words[index + 1] if index + 1 < len(words) else ""
        # "3 危及…" is a list marker whose dot was lost, not a cell.
        list_marker = kind == "num" and len(word) <= 2 and bool(_CJK.match(following) or following[:1] in (".", "．", "、"))
        if kind != "label" and not list_marker and not _UNIT_START.match(following):
            if pending:
                tokens.append(Token("label", _join_label(pending), line.number, line.page))
                pending = []
            tokens.append(Token(kind, word, line.number, line.page))
        else:
            pending.append(word)
    if pending:
        tokens.append(Token("label", _join_label(pending), line.number, line.page))
    return tokens


def tokenize(lines: list[Line]) -> list[Token]:
    """All tokens of a table region, in reading order; prose and page numbers are labels/skipped."""
    tokens: list[Token] = []
    for index, line in enumerate(lines):
        if line.cells is not None:
            tokens.extend(_structured_row(line))
            continue
        stripped = line.text.strip()
        if stripped.isdecimal():  # one number on its own line: the commonest table line
            if not _is_page_footer(lines, index):
                tokens.append(Token("num", stripped, line.number, line.page))
            continue
        if not stripped or _PAGE_NUMBER.match(stripped):
            continue
        if is_prose(line.text):
            tokens.append(Token("label", line.text.strip(), line.number, line.page))
            continue
        cells = [tokenize_cell(cell, line) if cell and not cell.isspace() else [] for cell in split_cells(line.text)]
        tokens.extend(_with_blank_cells(cells, line))
    return tokens


def _structured_row(line: Line) -> list[Token]:
    """A row whose cells the document itself delimits: an empty cell is a printed blank.

    Empty cells before the row's first label are the tail of a merged label cell (a table split
    across pages repeats the merge empty), not values.
    """
    cells = list(line.cells or ())
    first_label = next((i for i, cell in enumerate(cells) if cell.strip() and classify(cell.strip()) == "label"), None)
    if first_label is not None:
        cells = cells[first_label:]
    tokens: list[Token] = []
    for cell in cells:
        if cell.strip():
            tokens.extend(tokenize_cell(cell, line))
        else:
            tokens.append(Token("null", "", line.number, line.page))
    return tokens


def _is_page_footer(lines: list[Line], index: int) -> bool:
    """A lone number equal to its page's number, printed last on that page, is the page number."""
    line = lines[index]
    if line.page is None or line.text.strip() != str(line.page):
        return False
    for following in lines[index + 1 :]:
        if following.text.strip():
            return following.page != line.page
    return False


def _with_blank_cells(cells: list[list[Token]], line: Line) -> list[Token]:
    """Tokens of a line; an empty cell between two value cells is a printed blank.

    Only a blank with values on both sides has a known position; empty cells before the first
    value are the label's merged columns, and trailing ones are padding.
    """
    if len(cells) < 3:
        return [token for cell in cells for token in cell]  # no cell can sit between two values
    value_cells = [i for i, cell in enumerate(cells) if cell and cell[0].kind != "label" and all(t.kind != "label" for t in cell)]
    if len(value_cells) < 2:
        return [token for cell in cells for token in cell]
    out: list[Token] = []
    for index, cell in enumerate(cells):
        if not cell and value_cells and value_cells[0] < index < value_cells[-1]:
            out.append(Token("null", "", line.number, line.page))
        out.extend(cell)
    return out
