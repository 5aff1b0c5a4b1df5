"""Cut extracted text into value and label tokens, whatever separates (or fails to separate) them.

Extracted tables come as tab-separated cells (PDF/Word copy), Markdown pipes (with or without
the leading pipe, or a lone `|` per line), runs of spaces (`pdftotext -layout`), single spaces,
or nothing at all (a page flattened to one line: `规章000行政规范性文件5183207`). Inside a cell,
a number may carry a unit (`87.2315万元`), a note (`18（其中修订9件）`), a sign (`+3`, `--117`),
full-width digits or thousands separators. Every layout ends up as the same stream of tokens;
rows are rebuilt later from the template's fixed order, not from the line structure, and digits
run together are split later by the tables' arithmetic. Each token keeps the line and column
where it was printed and, when the reader knows the page's geometry (PDF, OCR), the box of
its characters (or of its cell) and the OCR confidence of its word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import cache, lru_cache
from itertools import pairwise, takewhile
from typing import Literal, NamedTuple

from .. import formats, limits
from ..read import Box, Line
from ..read.ocr import DOUBT_MARK

TokenKind = Literal["num", "null", "label", "doubt"]  # doubt: a number OCR is unsure of

_NUMBER = re.compile(r"^[+\-－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# Printed in place of a number: blank markers (record.md: "/", "—" …).
_NULL_MARKERS = frozenset({"/", "／", "\\", "-", "－", "—", "——", "–", "―", "─", "--", "---", "×", "无", "空", "0/"})
# A page footer's page number; no page is numbered 0 (「－ 0 －」 is a 0 between two blanks).
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－―─]+\s*[1-9]\d{0,2}\s*[-—–－―─]+|第\s*\d{1,3}\s*页(?:\s*(?:[,，/]\s*)?共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|共\s*\d{1,3}\s*页\s*第\s*\d{1,3}\s*页)\s*$"
)
# The same footers printed inside a line (a page flattened to one line, a footer between cells).
# 「--— 4 —3.其他」: a footer spaced inside, glued to a blank's mark before it and to a label after.
_FOOTER_AFTER_MARK = r"(?<=[\-－—–―─])[—–―─] [1-9]\d{0,2} [—–―─]"
_INLINE_FOOTER = re.compile(
    # (Not within longer dashes: "2041 —— 14 —— 19" are cells between blanks printed "——".)
    # At most a space inside the dashes: "-     5     -" is a row's cells, a 5 between two blanks.
    # Nor a space away from another dash: "68 — 37 — — — 105" are cells between blanks printed "—".
    r"(?<![\d\-—–－―─])(?<![\-—–－―─] )[—–―─] ?[1-9]\d{0,2} ?[—–―─](?![\d\-—–－―─])(?! [\-—–－―─])|(?<![\-—–－―─])(?<![\-—–－―─] )[—–―─] [1-9]\d{0,2} [—–―─](?! ?[\-—–－―─])|(?<![^ ])- ?[1-9]\d{0,2} ?-(?![^ ])|"
    # Spaced inside and glued outside, as no row's cells are: 「…总计- 7 -0000038…」, a flattened
    # page's footer between a header's words and the values.
    r"(?<=[^\s\d\-—–－―─])-\s{1,2}[1-9]\d{0,2}\s{1,2}-(?=[^\s\-—–－―─])|第\s*\d{1,3}\s*页\s*(?:[,，/]\s*)?共\s*\d{1,3}\s*页|共\s*\d{1,3}\s*页\s*第\s*\d{1,3}\s*页"
    # "4/9" between two labels of a flattened page: a page counter, never a cell.
    r"|(?<=[\u3400-\u9fff）)])[1-9]\d?/[1-9]\d?(?=[\u3400-\u9fff（(]|$)|(?<![^ ])[1-9]\d?/[1-9]\d?(?![^ ])"
    # "…414-5-第二十条", "行政诉讼-7-结果维持": glued between a number or a label and the next
    # label. (A signed cell and a blank printed that way lose their row to null, never to a wrong place.)
    r"|(?<=[\d\u3400-\u9fff）)])[-—–－] ?[1-9]\d{0,2} ?[-—–－](?=[\u3400-\u9fff（(]|$)"
    # "0－- 6 -2.其他": spaced inside, glued outside (a flattened page's footer before a label).
    r"|[-－] [1-9]\d{0,2} [-－](?!\d(?![.．、]))"
    r"|" + _FOOTER_AFTER_MARK + r"(?=\d{1,2}[.．、]|[\u3400-\u9fff（(])"
)
# The same at the end of a piece of a line printed against the next label (`Line.runs_on`).
_FOOTER_BEFORE_NEXT_PIECE = re.compile(_FOOTER_AFTER_MARK + "$")
# A character that can start a value or a blank marker; a cell without one is a label.
_VALUE_CHAR = re.compile(r"[\d０-９/／\\—–―─×\-－无空\u2047]")
_FOOTER_HINT = re.compile(r"[页\-—–―─/]")
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")
_MARKDOWN_RULE = re.compile(r"^:?-{2,}:?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Full-width digits, signs and punctuation, NBSP and the ideographic space, one character each,
# so that columns in the folded text are columns in the printed line.
_WIDTH_FOLD = str.maketrans(
    {**{chr(0xFF10 + d): str(d) for d in range(10)}, "\u00a0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ",
     "\u200b": " ", "\ufeff": " ", "＋": "+", "\u2212": "-", "﹣": "-", "．": ".", "｜": "|", "\u2502": "|", "\u2503": "|"}
)
# Atoms of a cell: a parenthesised group, a number (signs, thousands, decimals), spaces, other text.
_ATOM = re.compile(
    r"(?P<paren>[（(][^（()）\d]{0,40}(?:\d[\d,.]{0,14}[^（()）\d]{0,20}){0,3}[）)])|(?P<num>[+\-－]{0,2}\d[\d,]*(?:\.\d+)?)|(?P<space>\s+)"
    r"|(?P<mark>——|--|[/／\\—–―─×]|[-－](?!\d))|(?P<text>[^\s\d（()）+\-－/／\\—–―─×]+|.)"
)
# After a number: the unit a table cell may print with it (a value), or a word that makes the
# number part of a label (a year, a date, a page: "2023年", "第4页").
_CELL_UNIT = re.compile(r"\s*(?:万元|万|元|件|条|个|项|次|人次|宗|起|家|份|篇)")  # matched at a position
# A quantity in a sentence ("共12件"), not a cell.
_PROSE_QUANTITY = ("共", "共计", "约", "近", "达", "收到", "受理", "办结")  # printed just before the number
_LABEL_WORD = re.compile(r"(?:年|月|日|号|时|周|岁|季|%|％|页|届|类|种|期|批|轮|位|名|级|章|节|款|条第|部分)")
_LIST_MARK_AFTER = re.compile(r"[.．、]\s*(?:$|[\u3400-\u9fff“\"（(])")  # "2.其他…", or "5." whose label wrapped
_NUMERAL_PAREN = re.compile(r"^[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[）)]$")


class Token(NamedTuple):
    kind: TokenKind
    text: str  # as printed (provenance)
    line: int
    page: int | None = None
    column: int | None = None  # 1-based column of the token's first character in its line
    number: str = ""  # the number it prints, normalised ("1234", "-117", "87.2315"); "" for labels
    glued: bool = False  # printed against a label with no separator ("规章000"): cells may run together
    box: Box | None = None  # where it is printed on its page (see `read.Line`), when known
    confidence: float | None = None  # OCR: how sure the reading of its word is (0–1)
    # Its line's values and those after make one row whose order the layout leaves open (see
    # `_rows_spread_over_lines`, `tables._rows_split_by_their_labels`): printed in line order,
    # which the table's arithmetic must confirm.
    unordered: bool = False

    @property
    def is_value(self) -> bool:
        return self.kind != "label"

    @property
    def digits(self) -> str:
        return self.number or self.text.replace(",", "").lstrip(DOUBT_MARK)


def grouped_by_thousands(token: Token) -> bool:
    """Whether a value is printed with thousands separators ("1,234", "1，234")."""
    return "," in token.text or "，" in token.text


def prints_a_sign(token: Token) -> bool:
    """Whether a number is printed with a sign before its digits ("+3", "−12", "－5"; a blank's
    lone "-" is none)."""
    folded = token.text.translate(_WIDTH_FOLD).lstrip()
    return token.kind != "null" and folded[:1] in ("+", "-", "－") and any(ch.isdigit() for ch in folded)


def digit_count(text: str) -> int:
    """How many digits a printed number has (signs, separators and the decimal point aside)."""
    return len(text) if text.isdigit() else sum(1 for char in text if char.isdigit())


def too_long(text: str) -> bool:
    """A number with more digits than any count or amount prints (`number_digits`): never
    converted (int() of thousands of digits raises, and such a number is no cell)."""
    return digit_count(text) > limits.current().number_digits


def parse_number(text: str) -> int | float | None:
    """The number a value token prints (int when it has no fraction); None when it is no number,
    or longer than `number_digits`."""
    if len(text) > 24 and too_long(text):
        return None
    if text.isdecimal() and text.isascii():
        return None if too_long(text) else int(text)
    cleaned = _fold_cell(text).replace(",", "").replace("－", "-").lstrip(DOUBT_MARK)
    cleaned = re.sub(r"^[+\-]+([+\-])", r"\1", cleaned)  # "--117" is printed for -117, "-+15" for +15: the last sign is the number's
    if not _NUMBER.match(cleaned) or too_long(cleaned):
        return None
    return int(cleaned) if "." not in cleaned else float(cleaned)


# Inside a cell, a full-width comma between digits groups thousands ("１９５，２７７．０９"), and a
# 。 between digits is a decimal point typed in a Chinese input mode: one character for one.
# (A pattern opening with a look-behind is tried at every character; one opening with the
# character it looks for, or with a look-ahead for it, is tried where that character is.)
_CELL_THOUSANDS = re.compile(r"，(?<=\d，)(?=\d{3}(?!\d))")
_CELL_DECIMAL = re.compile(r"。(?<=\d。)(?=\d)")


def _fold_cell(cell: str) -> str:
    folded = cell.translate(_WIDTH_FOLD)
    if "，" in folded:
        folded = _CELL_THOUSANDS.sub(",", folded)
    if "。" in folded:
        folded = _CELL_DECIMAL.sub(".", folded)
    return folded


def _number_text(raw: str) -> str:
    """The normalised number of a numeric atom ("+3" → "3", "--117" → "-117", "1,234" → "1234")."""
    digits = raw.lstrip("+-－")
    sign = "-" if raw[: len(raw) - len(digits)][-1:] in ("-", "－") else ""  # the last sign is the number's ("-+15" is +15)
    return sign + digits.replace(",", "")


def classify(word: str) -> TokenKind:
    if word.isdecimal():
        return "num"
    if word.startswith(DOUBT_MARK) and _NUMBER.match(word[1:]):
        return "doubt"
    stripped = word.strip()
    if stripped in _NULL_MARKERS:
        return "null"
    if _CJK.search(word):
        return "label"
    if _NUMBER.match(_fold_cell(stripped).replace("－", "-")):
        return "num"
    return "label"


_GLUED_ROW = re.compile(r"[\u3400-\u9fff]\d{5,}")
_NUMBER_ROW = re.compile(r"(?=\d)(?<!\d)(?:\d++[ \t|]++){3,}\d")  # whole runs only: linear on long digit runs; pipes separate cells too
# Header words of the tables: a long run of them is a table's header, not a sentence.
_HEADER_WORDS = re.compile(r"结果维持|结果纠正|尚未审结|未经复议|复议后起诉|申请人情况|本年新收|信息内容|制发件数|新制作数量|处理决定数量|商业企业|科研机构")


def is_page_number(text: str) -> bool:
    """A line that is only a page number or counter ("- 3 -", "第3页", "3/9")."""
    return _PAGE_NUMBER.match(text.strip()) is not None


def is_prose(text: str) -> bool:
    """A narrative sentence, whose numbers are not table cells."""
    if "\t" in text or text.lstrip().startswith("|"):
        return False
    if "。" in text:
        return True
    if len(text) <= 45 or len(_CJK.findall(text)) <= 45 or _NUMBER_ROW.search(text) or len(_GLUED_ROW.findall(text)) >= 2:
        return False  # short, or holding rows of numbers ("0 0 0 0 0 0 0", "申请2000002"): table text
    return len(_HEADER_WORDS.findall(re.sub(r"\s+", "", text))) < 2


# A table drawn with box characters (w3m, lynx and terminal tools print HTML tables so): its
# walls and joints are cell separators, its rules dashes — one character for one, so that every
# value keeps its column.
_BOX_WALLS = str.maketrans({**dict.fromkeys("│┃║┆┇┊┋╎╏", "|"), **dict.fromkeys("├┤┼┬┴┌┐└┘╋┣┫┳┻┏┓┗┛╠╣╬╦╩╔╗╚╝╞╡╪╤╧╒╕╘╛╟╢╫╥╨╓╖╙╜", "|"), **dict.fromkeys("─━═╌╍┄┅┈┉", "-")})
BOX_CHARACTER = re.compile("[│┃║┆┇┊┋╎╏─━═╌╍┄┅┈┉├┤┼┬┴┌┐└┘╋┣┫┳┻┏┓┗┛╠╣╬╦╩╔╗╚╝╞╡╪╤╧╒╕╘╛╟╢╫╥╨╓╖╙╜]")
# 「+------+----+」 (grid tables), a stray pipe before or after it too (「+----+----+|」)
_ASCII_RULE = re.compile(r"^[\s|]*\+[-=:+\s]*-{2,}[-=:+\s]*\+[\s|]*$")


def unbox(lines: list[Line]) -> list[Line]:
    """The lines of a document whose tables are drawn with box characters (or ASCII grids),
    walls and joints as pipes, rule lines empty.

    Between two rules stands one row of the table, its label often wrapped onto several lines
    beside empty cells (which are no blank cells). Where one of those lines prints the row's
    values, the row is read as its whole label (each label column's words joined, line by line)
    followed by that line's values, which keep their line and columns.
    """
    drawn = [_unboxed(line.text) for line in lines]
    ruled = [bool(line.text.strip()) and (not text or _DASH_CELL.search(text) is not None) for line, text in zip(lines, drawn, strict=True)]
    spans: list[range] = []  # the lines of each row drawn between two rules
    start = None  # the first line after a rule, while every line since prints cells
    for index, text in enumerate(drawn):
        if ruled[index]:
            if start is not None and index - start > 1:
                spans.append(range(start, index))
            start = index + 1
        elif "|" not in text:
            start = None
    # Where a drawing's rows print their first value, by their count of cells: a row whose first
    # cells are printed blank has them there too (not after its label's empty merged columns).
    firsts: dict[int, Counter[int]] = {}
    for row in spans:
        for i in row:
            cells = drawn[i].split("|")
            first = next((j for j, cell in enumerate(cells) if _is_value_cell(cell)), None)
            if first is not None:
                firsts.setdefault(len(cells), Counter())[first] += 1
    rows: dict[int, list[Line]] = {}  # the first line of a row → the lines it is read as
    for row in spans:
        seen = firsts.get(len(drawn[row[0]].split("|")), Counter())
        # The leftmost value column two rows print in (one row may print a number in a label's cell).
        joined = _one_row(lines, drawn, row, min((first for first, rows in seen.items() if rows >= 2), default=None))
        if joined is not None:
            rows[row[0]] = joined
    out: list[Line] = []
    skip_to = 0
    for index, (line, text) in enumerate(zip(lines, drawn, strict=True)):
        if index < skip_to:
            out.append(replace(line, text=""))  # read in its row's label; kept so that lines keep their places
        elif index in rows:
            out.extend(rows[index])
            skip_to = next(i for i in range(index + 1, len(lines) + 1) if i == len(lines) or ruled[i])
        else:
            out.append(line if text == line.text else replace(line, text=text))
    return out


def _one_row(lines: list[Line], drawn: list[str], row: range, values_from: int | None) -> list[Line] | None:
    """A table row printed over the lines `row`, as its label and then the one line that prints
    its values; None if several lines print values (their order is not the label's business).
    `values_from`: the cell where the drawing's rows of as many cells print their first value."""
    cells = {i: drawn[i].split("|") for i in row}
    valued = [i for i in row if any(_is_value_cell(cell) for cell in cells[i])]
    if len(valued) > 1 or any(len(cells[i]) != len(cells[row[0]]) for i in row):
        return None
    anchor = valued[0] if valued else row[0]
    first_value = next((j for j, cell in enumerate(cells[anchor]) if _is_value_cell(cell)), None)
    # The label's last cell: a cell with words on any of the row's lines.
    label_end = max((j for i in row for j, cell in enumerate(cells[i]) if cell.strip() and not _is_value_cell(cell)), default=0)
    if values_from is not None and label_end < values_from <= (first_value if first_value is not None else values_from):
        first_value = values_from  # the row's first cells printed blank (or all of them)
    elif first_value is None:  # a row printed blank: its label, then its empty cells
        first_value = 1 + label_end
    label = " ".join(word for j in range(first_value) if (word := "".join(cells[i][j].strip() for i in row)))
    start = sum(len(cell) + 1 for cell in cells[anchor][:first_value]) - 1  # the pipe before the first value
    values = " " * start + drawn[anchor][start:]
    return [replace(lines[anchor], text=label), replace(lines[anchor], text=values)]


def _is_value_cell(cell: str) -> bool:
    stripped = cell.strip()
    return _VALUE_CELL.match(stripped) is not None or stripped in _NULL_MARKERS


_DASH_CELL = re.compile(r"\|-{3,}\|")  # a rule's piece in a line that also prints a group's label
_VALUE_CELL = re.compile(r"[-+－]?[\d０-９](?:[\d０-９,，]|[.．](?=[\d０-９]))*\s*(?:万元|元|件|%|％)?$")  # 「2.」 is a list marker


def _unboxed(text: str) -> str:
    """One line with its box characters as pipes and dashes; a rule line empty."""
    if _ASCII_RULE.match(text):
        return ""
    if not BOX_CHARACTER.search(text):
        return text  # 「--」 alone is a blank cell, not a rule
    drawn = text.translate(_BOX_WALLS)
    return "" if not drawn.strip(" |-") and "---" in drawn else drawn


def split_cells(text: str) -> list[tuple[int, str]]:
    """The cells of one extracted line with their 0-based start columns, whatever the separator.

    Pipes separate cells wherever they stand (Markdown with or without its outer pipes, a pipe
    left over from a web table); else tabs; else runs of two or more spaces.
    """
    if "|" in text:
        cells: list[tuple[int, str]] = []
        start = 0
        for piece in text.split("|"):
            cells.append((start, piece))
            start += len(piece) + 1
        stripped = [c.strip() for _, c in cells]
        if all(_MARKDOWN_RULE.match(c) or not c for c in stripped):
            return []
        cells = _without_markdown_rules(cells, stripped)
        # The outer pipes of a Markdown row delimit nothing.
        if not stripped[0]:
            cells = cells[1:]
        if cells and not cells[-1][1].strip():
            cells = cells[:-1]
        return _markers_rejoined(_fractions_rejoined(cells)) if _MARK_AFTER_SEPARATOR.search(text) else cells
    if "\t" in text:
        cells = []
        start = 0
        for piece in text.split("\t"):
            cells.append((start, piece))
            start += len(piece) + 1
        return _markers_rejoined(_fractions_rejoined(cells)) if _MARK_AFTER_SEPARATOR.search(text) else cells
    cells = _units_rejoined([(m.start(), m.group()) for m in _SPACED_CELL.finditer(text)], text)
    return _close_parentheses(cells, text) if "（" in text or "(" in text else cells


_UNIT_OPENING = re.compile(rf"^{_CELL_UNIT.pattern}(?=[\d\s]|$)")


def _units_rejoined(cells: list[tuple[int, str]], text: str) -> list[tuple[int, str]]:
    """A unit opening a cell after a cell ending in digits (「0  件」: spaces drifted between a
    count and its unit; 「0\xa0件248」 on a flattened page, the next count glued after the unit)
    is that count's unit, not a label between values: it goes back to the count's cell."""
    out: list[tuple[int, str]] = []
    for start, cell in cells:
        unit = _UNIT_OPENING.match(cell)
        if out and unit and _ENDS_IN_DIGIT.search(out[-1][1]):
            out[-1] = (out[-1][0], text[out[-1][0] : start + unit.end()])
            if cell[unit.end() :].strip():
                out.append((start + unit.end(), cell[unit.end() :]))
            continue
        out.append((start, cell))
    return out


# A cell after another that opens with a decimal point or a list mark (see below): a line
# without one has neither a number's decimals nor a marker cut off into a cell of its own.
_MARK_AFTER_SEPARATOR = re.compile(r"[\t|]\s*[.．、]")
_FRACTION_CELL = re.compile(r"^\s*[.．]\d+\s*$")  # 「.61」: a number's decimals, cut off into a cell of their own
_ENDS_IN_DIGIT = re.compile(r"\d\s*$")


def _fractions_rejoined(cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A cell of decimals alone after a cell ending in digits (「|196|.61|」: a PDF-to-Markdown
    converter cut 196.61 where its columns met) is that number's end: one cell again."""
    if not any(_FRACTION_CELL.match(cell) for _start, cell in cells[1:]):
        return cells
    out: list[tuple[int, str]] = []
    for start, cell in cells:
        if out and _FRACTION_CELL.match(cell) and _ENDS_IN_DIGIT.search(out[-1][1]):
            out[-1] = (out[-1][0], out[-1][1].rstrip() + cell.strip())
            continue
        out.append((start, cell))
    return out


_ENDS_IN_MARKER_DIGIT = re.compile(r"(?=\d)(?<![\d.．,，])(\d)\s*$")
_STARTS_WITH_MARK = re.compile(r"^\s*[.．、]\s*")


def _markers_rejoined(cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A cell that starts with a list mark and the label of a row its previous cell's last digit
    numbers (「|1|.属于国家秘密|」, 「|公开 5|.属于三类…|」: a PDF-to-Markdown converter cut the
    marker off where its columns met) takes that digit back: it is the label's, not a value."""
    out: list[tuple[int, str]] = []
    for start, cell in cells:
        mark = _STARTS_WITH_MARK.match(cell)
        digit = _ENDS_IN_MARKER_DIGIT.search(out[-1][1]) if out and mark else None
        if mark and digit and _numbers_row(digit.group(1), cell[mark.end() :]):
            before_start, before = out.pop()
            if before[: digit.start()].strip():
                out.append((before_start, before[: digit.start()]))
            out.append((before_start + digit.start(), digit.group(1) + cell.strip()))
            continue
        out.append((start, cell))
    return out


_RULE_ENDS_CELL = re.compile(r"\s+:?-{2,}:?\s*$")  # 「12 ---」: a row's last value, the rule's first cell glued on
_RULE_STARTS_CELL = re.compile(r"^\s*:?-{2,}:?\s+(?=\S)")  # 「--- 4.保护…」: the rule's last cell, the next row's label


def _without_markdown_rules(cells: list[tuple[int, str]], stripped: list[str]) -> list[tuple[int, str]]:
    """A Markdown table's rule (「|---|---|---|」) inside a line that runs several rows together
    (a page's text joined onto one line): two or more rule cells, between empty cells where the
    rows around it end and begin, or glued to the row before and after where the rule has no
    outer pipes (「… | 12 ---|---|…|--- 4.保护… | 0」), are no cells of the table."""
    out = list(cells)
    drop: set[int] = set()
    start = 0
    while start < len(stripped):
        end = start
        while end < len(stripped) and _MARKDOWN_RULE.match(stripped[end]):
            end += 1
        if end > start:
            before = _RULE_ENDS_CELL.search(cells[start - 1][1]) if start > 0 and stripped[start - 1] else None
            after = _RULE_STARTS_CELL.match(cells[end][1]) if end < len(stripped) and stripped[end] else None
            bounded = (start == 0 or not stripped[start - 1] or before) and (end == len(stripped) or not stripped[end] or after)
            if bounded and end - start + bool(before) + bool(after) >= 2:
                drop.update(range(start, end))
                if before:
                    column, text = cells[start - 1]
                    out[start - 1] = (column, text[: before.start()])
                if after:
                    column, text = cells[end]
                    out[end] = (column + after.end(), text[after.end() :])
        start = max(end, start + 1)
    return [cell for index, cell in enumerate(out) if index not in drop] if drop else cells


def _close_parentheses(cells: list[tuple[int, str]], text: str) -> list[tuple[int, str]]:
    """Space-separated cells rejoined where a parenthesis opened in one closes in a later one
    ("18（其中修订  9  件）" is one cell with its note)."""
    out: list[tuple[int, str]] = []
    for start, cell in cells:
        if out:
            last_start, last = out[-1]
            if last.count("（") + last.count("(") > last.count("）") + last.count(")") and len(last) < 40:
                out[-1] = (last_start, text[last_start : start + len(cell)])
                continue
        out.append((start, cell))
    return out


def _join_label(words: list[str]) -> str:
    out = ""
    for word in words:
        if out and word and not (_CJK.search(out[-1]) and _CJK.search(word[0])):
            out += " "
        out += word
    return out


# A token of a cell before it is placed in a line: kind, text, 0-based position in the
# (stripped) cell, number, glued (see `Token`).
_Piece = tuple[TokenKind, str, int, str, bool]


class _Cell:
    """Builds the pieces of one cell: pending label text and the values between it."""

    def __init__(self) -> None:
        self.pieces: list[_Piece] = []
        self.label: list[str] = []
        self.label_at = 0

    def add_label(self, text: str, at: int) -> None:
        if not self.label:
            self.label_at = at
        self.label.append(text)

    def flush(self) -> None:
        text = _join_label(self.label).strip()
        if text:
            self.pieces.append(("label", text, self.label_at, "", False))
        self.label = []

    def add_value(self, kind: TokenKind, raw: str, at: int, number: str = "", glued: bool = False) -> None:
        self.flush()
        self.pieces.append((kind, raw, at, number, glued))


def _marker_rows() -> dict[str, tuple[tuple[str, bool], ...]]:
    """List marker digit → the starts of the official row labels it numbers ("2" → "其他法律"),
    each with whether it is the whole label ("3" → "其他")."""
    out: dict[str, list[tuple[str, bool]]] = {}
    for row in formats.ALL_REQUEST_ROWS.values():
        digit = formats.list_marker_digit(row.label)
        if digit:
            label = formats.normalize_label(row.label)[2:]
            out.setdefault(digit, []).append((label[:4], len(label) <= 4))
    return {digit: tuple(starts) for digit, starts in out.items()}


_MARKER_ROWS = _marker_rows()
_CJK_AT = re.compile(r"[\u3400-\u9fff]")


def _is_list_marker(digit: str, text: str, at: int) -> bool:
    """A digit that numbers the label printed from `at` on: "2.其他…", or "2其他…"/"2 其他…" when
    that row is numbered 2 (a whole label as short as 「其他」 not run on into a longer word:
    "23 其他处理" is 23 and the group's label)."""
    return _LIST_MARK_AFTER.match(text, at) is not None or _numbers_row(digit, text[at : at + 12])


def _numbers_row(digit: str, label: str) -> bool:
    """Whether `label` starts like a row of table 三 that the list marker `digit` numbers."""
    following = formats.normalize_label(label[:12])
    return any(following.startswith(start) and not (whole and _CJK_AT.match(following, len(start))) for start, whole in _MARKER_ROWS.get(digit, ()))


def tokenize_cell(cell: str, line: Line, offset: int | None = 0) -> list[Token]:
    """Split a cell into value and label tokens (a cell may hold "0 0 0", "标签 3 0", "规章000").

    `offset` is the cell's 0-based column in its line (None: the line has no columns, e.g. a
    Word table cell).
    """
    stripped_cell = cell.strip()
    if not stripped_cell:
        return []
    base = None if offset is None else offset + (cell.index(stripped_cell[0]) if cell[0] != stripped_cell[0] else 0)
    cell = stripped_cell
    column = None if base is None else line.column + base + 1
    if cell.isdecimal() and cell.isascii():  # the common case, kept cheap
        return [Token("num", cell, line.number, line.page, column, cell)]
    if _VALUE_CHAR.search(cell) is None:  # words only: one label, the common case kept cheap
        return [Token("label", cell, line.number, line.page, column)]
    pieces = _short_cell_pieces(cell) if len(cell) < 200 else _cell_pieces(cell)
    return [
        Token(kind, text, line.number, line.page, None if base is None else line.column + base + at + 1, number, glued)
        for kind, text, at, number, glued in pieces
    ]


def _cell_pieces(cell: str) -> tuple[_Piece, ...]:
    """The tokens of a stripped cell that is not one plain number or words alone, as pieces."""
    stripped = cell.strip("*").strip()
    if stripped in _NULL_MARKERS:
        return (("null", stripped, 0, "", False),)
    if stripped.startswith(DOUBT_MARK) and _NUMBER.match(stripped[1:]):
        return (("doubt", stripped, 0, stripped[1:].replace(",", ""), False),)
    folded = _fold_cell(cell)
    out = _Cell()
    atoms = list(_ATOM.finditer(folded))
    last_value = -1  # index of the atom that gave the last value token
    skip_to = 0
    for index, atom in enumerate(atoms):
        if atom.start() < skip_to:
            continue
        kind = atom.lastgroup
        raw = cell[atom.start() : atom.end()]
        if kind == "space":
            if out.label:
                out.add_label(" ", atom.start())
            continue
        if kind == "paren":
            # A note after a value ("18（其中修订9件）") is not a cell; a numeral in
            # parentheses starts the next label; anything else belongs to a label.
            if _previous_non_space(atoms, index) == last_value and not out.label and not _NUMERAL_PAREN.match(atom.group()):
                continue
            out.add_label(raw, atom.start())
            continue
        if kind == "num":
            text_num = atom.group()
            # What the cell prints before the number, spaces skipped (slicing the cell for each
            # number would be quadratic in a long cell).
            before = atom.start()
            while before and folded[before - 1].isspace():
                before -= 1
            previous = atoms[index - 1].lastgroup if index else None
            dashes = len(text_num) - len(text_num.lstrip("-－"))
            plain = text_num[dashes:].isdigit()
            if plain and len(text_num) - dashes <= 9 and _is_list_marker(text_num[-1], folded, atom.end()):
                # "…0002.其他法律…": the last digit is the next row's list marker ("…0-5.属于": a
                # blank's dash before it; "…0-15.属于": a 1 with a minus or a blank's dash).
                if len(text_num) - dashes > 1:
                    value_kind: TokenKind = "doubt" if dashes and previous in ("num", "mark") else "num"
                    out.add_value(value_kind, raw[:-1], atom.start(), _number_text(text_num[:-1]), glued=True)
                    last_value = index
                elif dashes:
                    out.add_value("null", raw[:-1], atom.start())
                    last_value = index
                out.flush()
                out.add_label(raw[-1], atom.end() - 1)
                continue
            word = _LABEL_WORD.match(folded, atom.end())
            # "2023年", "12月": a year has four digits, a month or a day two; "301000031年" is cells.
            dated = word is not None and (word.group() not in ("年", "月", "日") or len(text_num) <= 4)
            if folded.endswith(("第", "共", "(", "（"), 0, before) or dated or (out.label and folded.endswith(_PROSE_QUANTITY, 0, before)):
                out.add_label(raw, atom.start())  # "第4页", "本年(2023)", "2023年", "共12件"
                continue
            number = _number_text(text_num)
            if not _NUMBER.match(number):
                out.add_label(raw, atom.start())
                continue
            unit = _CELL_UNIT.match(folded, atom.end())
            if unit:
                raw = cell[atom.start() : unit.end()]
                skip_to = unit.end()
            glued = (atom.start() > 0 and _CJK.match(folded[atom.start() - 1]) is not None) or (
                _CJK.match(folded[atom.end() : atom.end() + 1]) is not None and not unit
            )
            if number.startswith("-") and previous in ("num", "mark") and text_num[:1] in "-－":
                # "1－3": a minus glued to the cell before may be a blank's "－" before 3.
                out.add_value("doubt", raw, atom.start(), number, glued)
            else:
                out.add_value("num", raw, atom.start(), number, glued)
            last_value = index
            continue
        if kind == "mark":
            # A blank marker standing alone ("规章 — — 5"), between numbers ("117/1111"),
            # between a label and a number or another marker ("稳定”/01000", "信息//3") or
            # after a value before a label (a flattened row's last cells, "7————五、") is a
            # blank cell; inside words ("本年增/减") it is part of a label.
            previous = atoms[index - 1].lastgroup if index else None
            following = atoms[index + 1].lastgroup if index + 1 < len(atoms) else None
            if previous in ("num", "mark") or (
                following in (None, "space", "num", "mark") and (previous in (None, "space") or following in ("num", "mark"))
            ):
                out.add_value("null", raw, atom.start())
                last_value = index
                continue
        out.add_label(raw, atom.start())
    out.flush()
    return tuple(out.pieces)


# Short cells' pieces, cached: a function of the text alone, and row labels such as
# "1.属于国家秘密" recur in every report. (A long cell, a flattened page, is not kept.)
_short_cell_pieces = lru_cache(maxsize=16384)(_cell_pieces)


def _previous_non_space(atoms: list[re.Match[str]], index: int) -> int | None:
    for back in range(index - 1, -1, -1):
        if atoms[back].lastgroup != "space":
            return back
    return None


_DASH_FOOTER = re.compile(r"[-—–－―─] *(\d{1,3}) *[-—–－―─]")


_PAGE_COUNTER = re.compile(r"(?=[1-9])(?<![\d/.])([1-9]\d?)/([1-9]\d?)(?![\d/.])")


# Characters a page holds at least: dash-framed numbers closer together than this are cells
# between blanks printed as dashes ("0—2—0"), not one page's footer after another's.
_PAGE_CHARS = 150


def _dash_page_numbers(lines: list[Line]) -> list[int]:
    """The numbers of "- 2 -"-like marks that may be page footers, in increasing order.

    A page number is at least 1, and a footer stands alone on its page: a mark with another
    within `_PAGE_CHARS` characters is a table's value between two dash blanks.
    """
    marks: list[tuple[int, int]] = []  # (offset in the document, number)
    offset = 0
    for line in lines:
        if "-" in line.text or "—" in line.text or "－" in line.text or "–" in line.text:
            marks.extend((offset + m.start(), int(m.group(1))) for m in _DASH_FOOTER.finditer(line.text))
        offset += len(line.text) + 1
    alone = {
        number
        for i, (at, number) in enumerate(marks)
        if number >= 1
        and (i == 0 or at - marks[i - 1][0] >= _PAGE_CHARS)
        and (i == len(marks) - 1 or marks[i + 1][0] - at >= _PAGE_CHARS)
    }
    return sorted(alone)


def page_footers(lines: list[Line]) -> re.Pattern[str] | None:
    """The document's page footers ("- 2 -", "4/9") once its page numbering is seen.

    A footer seen two or more times with nearby numbers (or at the very end of a page) is the
    document's; it is then removed even where flattened text glued it to a cell
    ("1100002-2-", "…0596/97.属于"), where alone it would read as numbers.
    """
    numbers = _dash_page_numbers(lines)
    pages = [n for n, following in pairwise(numbers) if 0 < following - n <= 3]
    # One printed at the very end of a page (before a form feed) is a footer whatever its number.
    for line, following in zip(lines, [*lines[1:], None]):
        if line.page is not None and (following is None or following.page != line.page):
            end = _DASH_FOOTER.search(line.text.rstrip()[-12:])
            if end and line.text.rstrip().endswith(end.group()):
                pages.append(int(end.group(1)))
    patterns: list[str] = []
    if pages:
        seen = set(pages)  # at most 1000 numbers (three digits), however many pages
        found = sorted(seen | {n for n in numbers if any(0 < abs(n - p) <= 3 for p in seen)})
        # Glued on the right only to a list marker's digit ("- 6 -2.其他…").
        patterns.append(rf"[-—–－―─] ?(?:{'|'.join(str(n) for n in found)}) ?[-—–－―─](?!\d(?![.．、]))")
    # "k/N": the same N after two or more different k is the page count.
    for total, seen in _page_counters(lines).items():
        if len(seen) >= 2:
            alternatives = "|".join(str(n) for n in range(total, 0, -1))
            # Glued on the right only to a list marker's digit ("6/97.属于…").
            patterns.append(rf"(?:{alternatives})/{total}(?!\d(?![.．、]))")
    return re.compile("|".join(patterns)) if patterns else None


def _page_counters(lines: list[Line]) -> dict[int, set[int]]:
    """The page counters «k/N» standing apart in the lines: each count N with the pages k seen."""
    counts: dict[int, set[int]] = {}
    for line in lines:
        if "/" in line.text:
            for match in _PAGE_COUNTER.finditer(line.text):
                page, total = int(match.group(1)), int(match.group(2))
                if page <= total:
                    counts.setdefault(total, set()).add(page)
    return counts


def page_totals(lines: list[Line]) -> frozenset[int]:
    """The page counts the document's page counters print («7/11» standing apart: 11), seen once or more."""
    return frozenset(_page_counters(lines))


def tokenize(lines: list[Line], width: int | None = None, footers: re.Pattern[str] | None = None, totals: frozenset[int] = frozenset()) -> list[Token]:
    """All tokens of a table region, in reading order; prose and page numbers are labels/skipped.

    `width`: the cells of each of the table's rows, when they are all alike (table 三: 7).
    `footers`: the document's page footers (see `page_footers`); `totals`: its page counts
    (see `page_totals`).
    """
    tokens: list[Token] = []
    gap = False  # an empty line was just seen
    soft_blanks = False  # a blank shown only by separators was emitted
    style = _pipe_style(lines, width) if width is not None else _NO_STYLE
    ruled = _ruled_spans(lines, width) if width is not None else {}
    for index, line in enumerate(lines):
        if line.cells is not None:
            tokens.extend(_structured_row(line))
            continue
        stripped = line.text.strip()
        if stripped.isdecimal() and stripped.isascii():  # one number on its own line: the commonest table line
            gap = False
            if not _is_page_footer(lines, index):
                column = line.column + line.text.index(stripped[0]) + 1
                token = Token("num", stripped, line.number, line.page, column, stripped)
                tokens.append(_located([token], line)[0] if line.xs is not None else token)
            continue
        if not stripped:
            if 0 < index < len(lines) - 1 and lines[index - 1].text.strip() == "|" == lines[index + 1].text.strip():
                # One cell per line between lone "|" lines: an empty line there is an empty cell.
                tokens.append(Token("null", _SOFT_BLANK, line.number, line.page, None))
                soft_blanks = True
            elif "\xa0" in line.text or ("\t" in line.text and not _continued(lines, index)):
                # An empty cell of a one-cell-per-line copy (behind its tab, or a web page's
                # 「&nbsp;」 kept as a no-break space): a blank if it stands between values (or
                # ends a row short of its width); after an empty line, a tab's belongs to the next
                # row (a web page's copy parts rows so, not cells).
                next_row = gap and "\xa0" not in line.text
                tokens.append(Token("null", _NEXT_ROW_BLANK if next_row else _SOFT_BLANK, line.number, line.page, None))
                soft_blanks = True
            else:
                gap = True
            continue
        gap = False
        if _PAGE_NUMBER.match(stripped) or _SPACED_RULE.match(stripped):
            continue
        if is_prose(line.text):
            tokens.append(Token("label", stripped, line.number, line.page, line.column + line.text.index(stripped[0]) + 1))
            continue
        if not stripped.strip("| \xa0"):  # (a web page's 「&nbsp;」 kept as a no-break space: an empty cell)
            # A lone "|" separates one-cell-per-line values; "||||||" between two values
            # stands for the blank cells between them (kept only if a value follows); a whole
            # row of empty cells, exactly the table's width, is a row printed blank.
            if width is not None and stripped.count("|") - 1 == width and stripped.startswith("|") and stripped.endswith("|"):
                tokens.extend(Token("null", "", line.number, line.page) for _ in range(width))
                continue
            for _ in range(stripped.count("|") - 1):
                tokens.append(Token("null", _SOFT_BLANK, line.number, line.page, None))
                soft_blanks = True
            continue
        # A Markdown cell's line breaks (「7<br>2」: two values a converter put in one cell) and
        # inline tags (「<sup>2081 </sup>」: a converter's guess at a smaller font) part what they
        # stand between, as spaces do; the columns stay where they were printed.
        text = _INLINE_TAG.sub(_as_spaces, line.text) if "<" in line.text else line.text
        hint = _FOOTER_HINT.search(text) is not None
        text = _INLINE_FOOTER.sub(_footer_unless_among_values, text) if hint else text
        text = _FOOTER_BEFORE_NEXT_PIECE.sub(_as_spaces, text) if hint and line.runs_on else text
        if footers is not None and hint:
            text = footers.sub(_as_spaces, text)
        spans = ruled.get(index)
        pieces = _ruled_cells(text, spans, width) if spans is not None and width is not None else None
        cells = [
            tokenize_cell(cell, line, start) if cell and not cell.isspace() else []
            for start, cell in (pieces if pieces is not None else split_cells(text))
            if not (hint and _PAGE_NUMBER.match(cell))  # a footer printed in a cell of its own
        ]
        if style.open_ended and text.rstrip().endswith("|") and not text.lstrip().startswith("|"):
            cells.append([])  # the row's last cell, printed blank after the pipe that opens it
        produced = _with_blank_cells(cells, line, width, "|" in text or pieces is not None, style, pieces is not None)
        produced = _marks_in_words(produced) if "无" in text or "空" in text else produced
        if line.runs_on and produced and produced[-1].kind in ("num", "doubt") and line.text.rstrip().endswith(produced[-1].text):
            produced[-1] = produced[-1]._replace(glued=True)  # printed against the label that follows
        tokens.extend(_located(produced, line) if line.xs is not None else produced)
    tokens = _glued_page_counters(tokens, totals)
    if width is not None:
        laid_out = {line.number for line in lines if line.cells is None and (line.xs is not None or not _SEPARATORS.search(line.text.strip().strip("|")))}
        values_of = _values_by_line(tokens, laid_out)
        columns = _page_columns(values_of, width)
        tokens, merged = _rows_spread_over_lines(tokens, width, values_of, columns)
        if merged:
            values_of = _values_by_line(tokens, laid_out - merged)
            columns = _page_columns(values_of, width)
        tokens = _blanks_by_columns(tokens, width, values_of, columns)
    return _drop_dangling_blanks(tokens, width) if soft_blanks else tokens


# A plain-text table's rule: runs of dashes (or =) a space apart, one per column (pandoc's plain
# text, reStructuredText), or one long run — no row of blank cells prints so.
_SPACED_RULE = re.compile(r"^(?:[-=]{3,}(?: [-=]{3,})+|[-=]{10,})$")
_RULE_RUN = re.compile(r"[-=]{3,}")


def with_opening_rule(lines: list[Line], start: int) -> int:
    """Where a table region starting at `start` begins, the rule drawn over it included (its
    runs of dashes are the table's columns: see `_ruled_spans`), a header line or two above it."""
    for above in range(start - 1, max(start - 4, -1), -1):
        text = lines[above].text.strip()
        if not text or "。" in text:
            break
        if text[:3] in ("---", "===") and _SPACED_RULE.match(text):
            return above
    return start


def _ruled_spans(lines: list[Line], width: int) -> dict[int, list[tuple[int, int]]]:
    """The columns of a plain-text table under a rule of one dash run per column (pandoc's plain
    text and Markdown, reStructuredText's simple tables), by line index: each run spans its
    column. A rule of fewer runs than the table's `width` (a closing rule) ends them."""
    out: dict[int, list[tuple[int, int]]] = {}
    spans: list[tuple[int, int]] | None = None
    for index, line in enumerate(lines):
        stripped = line.text.strip()
        if stripped[:3] in ("---", "===") and _SPACED_RULE.match(stripped):
            runs = [(m.start(), m.end()) for m in _RULE_RUN.finditer(line.text)]
            spans = runs if len(runs) >= width else None
        elif spans is not None and line.cells is None and stripped and "|" not in line.text and "\t" not in line.text:
            out[index] = spans
    return out


def _ruled_cells(text: str, spans: list[tuple[int, int]], width: int) -> list[tuple[int, str]] | None:
    """A line of a ruled table as its cells: its label columns' words, then its last `width`
    columns, each empty or not — so a blank printed as nothing is a blank of its column. Columns
    are counted as the rule is drawn, a Chinese character two wide. None when a character stands
    outside every column, or words in a value's column."""
    cells: list[list[int]] = [[] for _ in spans]  # the characters' indexes, by column
    at = 0  # display column
    for index, ch in enumerate(text):
        if not ch.isspace():
            column = next((k for k, (start, end) in enumerate(spans) if start <= at < end), None)
            if column is None:
                return None
            cells[column].append(index)
        at += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    pieces = [(chars[0], text[chars[0] : chars[-1] + 1]) if chars else (-1, "") for chars in cells]
    if any(_CJK.search(cell) for _, cell in pieces[-width:]):
        return None
    labels = [piece for piece in pieces[:-width] if piece[1]]
    return labels + [(start if start >= 0 else 0, cell) for start, cell in pieces[-width:]]


_INLINE_TAG = re.compile(r"<br\s*/?>|</?(?:sup|sub|b|i|u|s|em|strong|span|font|small|big|mark)\b[^<>]*>", re.IGNORECASE)


_DASHES_AND_DIGITS = re.compile(r"[\d０-９/／\\—–―─\-－]")
_VALUE_AHEAD = re.compile(r"\s*(?:[/／\\—–―─\-－]|[\d０-９]+(?![\d０-９]*[.．、]))")


def _footer_unless_among_values(match: re.Match[str]) -> str:
    """A dash-framed page number blanked out (`_as_spaces`) — unless values stand on both sides
    of it: 「929 — 1 —  0」 is a row's cells, 1 between two blanks printed "—" (a page's footer
    comes between rows, before a label — its list marker 「2.」 is no value — not inside a
    row's values)."""
    if match.group()[:1] in "—–―─-－":
        before = match.string[: match.start()].rstrip()[-1:]
        if before and _DASHES_AND_DIGITS.match(before) and _VALUE_AHEAD.match(match.string, match.end()):
            return match.group()
    return _as_spaces(match)


def _as_spaces(match: re.Match[str]) -> str:
    """What a match covers, blanked out with spaces (the columns of the rest kept)."""
    return " " * len(match.group())


_SEPARATORS = re.compile(r"[\t|]")  # cell separators other than spaces (a stray "|" at a line's end is none)


def _position(token: Token) -> float | None:
    """Where a value stands across its line: its box's middle, else its characters' middle."""
    if token.box is not None:
        return (token.box[0] + token.box[2]) / 2
    if token.column is not None:
        return token.column - 1 + len(token.text) / 2
    return None


def _column_anchors(lines: list[list[Token]], width: int) -> list[float] | None:
    """Where each of a table's `width` columns stands, from the lines that print a whole row.

    Needs three such lines at least (the table is printed in columns, `pdftotext -layout` or a
    PDF's visual lines), each value of them near its column; otherwise None.
    """
    whole: list[list[float]] = []
    for values in lines:
        if len(values) != width:
            continue
        positions = [_position(token) for token in values]
        if all(at is not None for at in positions):
            whole.append([at for at in positions if at is not None])
    if len(whole) < 3:
        return None
    anchors = [sorted(column)[len(column) // 2] for column in zip(*whole, strict=True)]
    gaps = [b - a for a, b in pairwise(anchors)]
    if min(gaps) <= 0:
        return None
    aligned = sum(all(abs(at - anchor) < gap / 2 for at, anchor, gap in zip(row, anchors, [gaps[0], *gaps], strict=True)) for row in whole)
    return anchors if aligned * 2 > len(whole) else None


def _columns_of(values: list[Token], anchors: list[float]) -> list[int] | None:
    """The column of each value of a line, by its position; None unless each is plainly in one."""
    gaps = [b - a for a, b in pairwise(anchors)]
    columns: list[int] = []
    for token in values:
        at = _position(token)
        if at is None:
            return None
        nearest = min(range(len(anchors)), key=lambda k: abs(anchors[k] - at))
        reach = (gaps[nearest - 1] if nearest else gaps[0]) if at < anchors[nearest] else (gaps[nearest] if nearest < len(gaps) else gaps[-1])
        if abs(at - anchors[nearest]) >= reach / 2 and 0 < nearest < len(anchors) - 1:
            return None
        if columns and nearest <= columns[-1]:
            return None
        columns.append(nearest)
    return columns


def _values_by_line(tokens: list[Token], lines: set[int]) -> dict[int, list[Token]]:
    """The values of each of `lines`, in order (lines with none left out)."""
    values_of: dict[int, list[Token]] = {}
    for token in tokens:
        if token.kind != "label" and token.line in lines:  # (is_value, inlined: every token of a table passes here)
            values_of.setdefault(token.line, []).append(token)
    return values_of


def _anchors_by_page(values_of: dict[int, list[Token]], width: int) -> dict[int | None, list[float] | None]:
    """Each page's columns (`_column_anchors`). A page's columns may differ from another's; a
    page with too few whole rows of its own (a narrow page) takes the table's, where they
    agree. None: too disturbed to place values."""
    pages: dict[int | None, list[list[Token]]] = {}
    for values in values_of.values():
        pages.setdefault(values[0].page, []).append(values)
    whole_table = _column_anchors(list(values_of.values()), width) if len(pages) > 1 else None
    return {page: _column_anchors(lines, width) or whole_table for page, lines in pages.items()}


# Each page's columns (`_anchors_by_page`) of some lines' values, worked out when first asked for.
PageColumns = Callable[[], dict[int | None, list[float] | None]]


def _page_columns(values_of: dict[int, list[Token]], width: int) -> PageColumns:
    """`_anchors_by_page` of `values_of`, worked out once, and only if asked for."""
    return cache(lambda: _anchors_by_page(values_of, width))


def _rows_spread_over_lines(tokens: list[Token], width: int, values_of: dict[int, list[Token]], columns: PageColumns) -> tuple[list[Token], set[int]]:
    """A row whose values stand on two visual lines, read in its columns' order; and the lines so merged.

    A long label wrapped inside its cell (the official template printed to PDF) leaves a row's
    values on different lines: 总计 beside the label's first line, the six applicants beside the
    second. Read line by line, the row's values come out of column order and every one lands in
    the wrong cell. Two nearby lines with no new row's label (a list marker) between them whose
    values together make one row are that row. Where the table's columns are known (see
    `_column_anchors`) and place each value, their values are put in column order where the
    second line's values stand, a blank printed as nothing in each column no value stands in.
    Otherwise, when they fill the row exactly, they are kept in line order, marked `unordered`:
    only the arithmetic may decide their order.
    `values_of`: the values of each line whose characters stand where the page prints them (a
    PDF's visual lines, plain text whose cells only spaces separate; `_values_by_line`), left
    as they are unless some lines are merged.
    """
    partial = [line for line, values in values_of.items() if len(values) < width]
    next_with_values = dict(pairwise(sorted(values_of)))
    index_of: dict[int, int] | None = None  # where each token stands, once a pair needs it
    moved: dict[int, list[Token]] = {}  # id of the second line's first value → the row in column order
    taken: set[int] = set()
    for first, second in pairwise(partial):
        page = values_of[first][0].page
        if first in taken or second - first > 3 or values_of[second][0].page != page:
            continue
        if next_with_values.get(first) != second:  # a line of values between them
            continue
        printed = len(values_of[first]) + len(values_of[second])
        if printed > width:
            continue
        anchors = columns()[page]
        if printed < width and anchors is None:
            continue  # blanks printed as nothing: only the page's columns could place them
        if index_of is None:
            index_of = {id(token): index for index, token in enumerate(tokens)}
        start, end = index_of[id(values_of[first][0])], index_of[id(values_of[second][-1])]
        if _new_row_between(tokens, start, end):
            continue
        where = id(values_of[second][0])  # the merged row goes where the second line's values stand
        placing = _pair_columns(values_of[first], values_of[second], width, anchors)
        if printed < width:
            # Blank cells printed as nothing: only the columns where each value stands tell
            # which cells the blanks are.
            if placing is None:
                continue
            blank = values_of[second][0]
            filled = set(placing)
            placing += [column for column in range(width) if column not in filled]
            values_of[second] += [Token("null", "", blank.line, blank.page) for _ in range(width - printed)]
        elif placing is None:
            placing = list(range(width))  # line order, marked: the arithmetic decides
            values_of[first] = [token._replace(unordered=True) for token in values_of[first]]
            values_of[second] = [token._replace(unordered=True) for token in values_of[second]]
        placed = sorted(zip(placing, values_of[first] + values_of[second], strict=True), key=lambda pair: pair[0])
        moved[where] = [token for _, token in placed]
        taken.update((first, second))
    if not moved:
        return tokens, taken
    dropped = {id(token) for token in tokens if token.is_value and token.line in taken}
    out: list[Token] = []
    for token in tokens:
        if id(token) in moved:
            out.extend(moved[id(token)])
        elif id(token) not in dropped:
            out.append(token)
    return out, taken


def _extent(token: Token) -> tuple[float, float] | None:
    """Where a value starts and ends across its line: its box, else its characters."""
    if token.box is not None:
        return token.box[0], token.box[2]
    if token.column is not None:
        return token.column - 1, token.column - 1 + len(token.text)
    return None


def _plainly_in_columns(values: list[Token], anchors: list[float]) -> list[int] | None:
    """The column of each value, where each stands plainly in one: its middle within a third
    of the way to either neighbouring column, and all of it on its column's side of the
    midpoints between columns (digits of two cells printed together straddle one). None
    otherwise, or when two values share a column."""
    columns: list[int] = []
    for token in values:
        at, extent = _position(token), _extent(token)
        if at is None or extent is None:
            return None
        nearest = min(range(len(anchors)), key=lambda k: abs(anchors[k] - at))
        low = (anchors[nearest - 1] + anchors[nearest]) / 2 if nearest else None
        high = (anchors[nearest] + anchors[nearest + 1]) / 2 if nearest + 1 < len(anchors) else None
        if low is not None and (extent[0] < low or at - anchors[nearest] < -(anchors[nearest] - anchors[nearest - 1]) / 3):
            return None
        if high is not None and (extent[1] > high or at - anchors[nearest] > (anchors[nearest + 1] - anchors[nearest]) / 3):
            return None
        if columns and nearest <= columns[-1]:
            return None
        columns.append(nearest)
    return columns


def _opens_a_row(label: str) -> bool:
    """A label that is, or ends with, a row's own label (「（一）予以公开」, 「不予处 3.要求提供公开出版物」)."""
    return starts_a_row(label) or any(starts_a_row(part) for part in label.split()[1:])


def _blanks_by_columns(tokens: list[Token], width: int, values_of: dict[int, list[Token]], columns: PageColumns) -> list[Token]:
    """Blank cells printed as nothing in a row laid out on one line, where the table's columns
    show which cells they are.

    A `pdftotext -layout` copy of a table whose blank cells are empty prints a row's values at
    their columns with only wider spaces where a blank stands: «6  0  0  0  0        6» is 6 0 0
    0 0 _ 6, not a row whose blank the arithmetic must place (it cannot tell a blank from a 0
    beside it). Taken only where nothing else may explain the missing values: the line prints
    its row's own label before its values, the lines with values next to it do too (or print a
    whole row), so that none of the row's values stands on another line; every value stands
    plainly in one of the page's columns (`_plainly_in_columns`), and the whole rows that set
    the columns stand in them as plainly, all but one in five. `values_of`: as for
    `_rows_spread_over_lines`.
    """
    if all(len(values) >= width for values in values_of.values()):
        return tokens  # no row short of its cells
    regular = {page: anchors for page, anchors in columns().items() if anchors is not None and _columns_kept(values_of, page, anchors, width)}
    if not regular:
        return tokens
    labelled: set[int] = set()  # lines whose row's own label comes before their values
    seen_value: set[int] = set()
    for token in tokens:
        if token.is_value:
            seen_value.add(token.line)
        elif token.line not in seen_value and _opens_a_row(token.text):
            labelled.add(token.line)
    own_row = {line for line, values in values_of.items() if line in labelled or len(values) == width}
    lines = sorted(values_of)
    filled: dict[int, list[Token]] = {}  # id of a line's first value → the line's row, its blanks placed
    for index, line in enumerate(lines):
        values = values_of[line]
        anchors = regular.get(values[0].page)
        if anchors is None or len(values) >= width or line not in labelled:
            continue
        near = [other for other in lines[max(index - 1, 0) : index + 2] if other != line and abs(other - line) <= 3]
        if any(other not in own_row for other in near):
            continue
        placing = _plainly_in_columns(values, anchors)
        if placing is None:
            continue
        at = dict(zip(placing, values, strict=True))
        first = values[0]
        filled[id(first)] = [at[column] if column in at else Token("null", "", first.line, first.page) for column in range(width)]
    if not filled:
        return tokens
    out: list[Token] = []
    for token in tokens:
        if id(token) in filled:
            out.extend(filled[id(token)])
        elif not (token.is_value and token.line in values_of and id(values_of[token.line][0]) in filled):
            out.append(token)
    return out


def _columns_kept(values_of: dict[int, list[Token]], page: int | None, anchors: list[float], width: int) -> bool:
    """Whether the whole rows of `page` stand plainly in their columns, all but one in five."""
    whole = [values for values in values_of.values() if values[0].page == page and len(values) == width]
    plain = sum(_plainly_in_columns(values, anchors) == list(range(width)) for values in whole)
    return bool(whole) and plain * 5 >= len(whole) * 4


def _pair_columns(first: list[Token], second: list[Token], width: int, anchors: list[float] | None) -> list[int] | None:
    """The columns of two lines' values that together make one row, or None where unclear.

    By the table's columns where each value stands plainly in one (the row's blank cells are
    the columns none stands in). Else, when the two lines fill the row exactly and the table is
    printed in columns (the spacing of `pdftotext -layout` drifts from line to line), the first
    line's values all left of the second's are the row's first columns. (The first line's
    values right of the second's are no sure sign of the opposite: a row of text wrapped at the
    page's edge goes on at the left. And where nothing shows columns — no table's columns, no
    box, values one space apart, as in an extractor's reading order — where a value stands
    across its line tells nothing.)
    """
    if anchors is not None:
        columns = [_columns_of(first, anchors), _columns_of(second, anchors)]
        if columns[0] is not None and columns[1] is not None:
            together = columns[0] + columns[1]
            return together if len(set(together)) == len(together) else None
    if len(first) + len(second) != width:
        return None
    if anchors is None and not any(t.box is not None for t in first) and not (_spaced_apart(first) or _spaced_apart(second)):
        return None
    above = [_position(token) for token in first]
    below = [_position(token) for token in second]
    if None in above or None in below:
        return None
    if max(at for at in above if at is not None) < min(at for at in below if at is not None):
        return list(range(width))
    return None


def _spaced_apart(values: list[Token]) -> bool:
    """Values of one line set apart by more than a space, as a layout's columns set them."""
    return any(
        a.column is not None and b.column is not None and b.column - (a.column + len(a.text)) >= 2 for a, b in pairwise(values)
    )


def _new_row_between(tokens: list[Token], start: int, end: int) -> bool:
    """A label among `tokens[start:end]` (from a line's first value to the next line's last)
    that opens a row of its own. A bare marker ("2.") does not when the first line prints a
    label's words without one: it is their marker, printed a line apart (a table of a web page
    printed to PDF sets it on the cell's last line)."""
    opening = [t for t in tokens[start:end] if t.kind == "label" and starts_a_row(t.text)]
    if not opening:
        return False
    if len(opening) > 1 or formats.strip_list_mark(formats.normalize_label(opening[0].text)):
        return True  # two rows' labels, or one with words of its own
    line = tokens[start].line
    words = takewhile(lambda t: t.line == line, reversed(tokens[:start]))
    return not any(t.kind == "label" and not starts_a_row(t.text) for t in words)


def starts_a_row(label: str) -> bool:
    """A label that opens a row of its own: it begins with a list marker (一、 （二） 3.), and is
    no group's header (「（五）不予处理」 heads rows of its own, a line beside one of them), nor
    a piece of one before a row's words that have none (「（五）不 出版物」)."""
    head, _space, rest = label.strip().partition(" ")
    if rest and formats.is_group_header(head):
        return starts_a_row(rest)
    folded = formats.normalize_label(label)
    return formats.strip_list_mark(folded) != folded and not formats.is_group_header(folded)


def _glued_page_counters(tokens: list[Token], totals: frozenset[int] = frozenset()) -> list[Token]:
    """"4246/8第二十条": a blank "/" between 4246 and 8, or 424 with the page counter "6/8" glued
    to it (flattened text, a page whose numbering is seen only once). Nothing tells which: the
    three become one number of unknown reading (unreadable cells, never a wrong one), even where
    the table prints other blanks as "/" too: one page counter glued there reads as a blank.
    So too "8/11000" where the document's counters count 11 pages (`totals`): 8, a blank and
    11000, or the counter "8/11" glued before 000."""
    found = {
        index
        for index in range(len(tokens) - 2)
        if tokens[index + 1].text in _SLASHES  # (cheap first test: a counter's "/" is rare)
        and (
            _page_counter_glued(tokens[index], tokens[index + 1], tokens[index + 2], tokens[index + 3] if index + 3 < len(tokens) else None)
            or _counter_glued_before(tokens[index], tokens[index + 1], tokens[index + 2], totals)
        )
    }
    if not found:
        return tokens
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        if index in found:
            first, _slash, last = tokens[index : index + 3]
            text = f"{first.text}/{last.text}"
            out.append(first._replace(kind="doubt", text=text, number="", glued=True))
            index += 3
            continue
        out.append(tokens[index])
        index += 1
    return out


_SLASHES = ("/", "／")


def touching(left: Token, right: Token) -> bool:
    """Whether `right` is printed against `left`, no space between (False where columns are not known)."""
    return left.line == right.line and left.column is not None and right.column == left.column + len(left.text)


def _counter_glued_before(before: Token, slash: Token, after: Token, totals: frozenset[int]) -> bool:
    """"8/11000": a page counter of the document's («7/11» elsewhere) glued before a value."""
    if before.kind != "num" or slash.kind != "null" or after.kind != "num" or not (touching(before, slash) and touching(slash, after)):
        return False
    page, digits = before.text, after.text
    return page.isdecimal() and len(page) <= 2 and page[0] != "0" and digits.isdecimal() and any(
        digits.startswith(str(total)) and len(digits) > len(str(total)) and int(page) <= total for total in totals
    )


def _page_counter_glued(before: Token, slash: Token, after: Token, following: Token | None) -> bool:
    signed = before.kind == "doubt" and not before.text.startswith(DOUBT_MARK)  # "15-157/8": "-157"
    if (before.kind != "num" and not signed) or slash.kind != "null" or slash.text not in _SLASHES or after.kind != "num":
        return False
    if not (touching(before, slash) and touching(slash, after)) or not after.text.isdecimal() or after.text[0] == "0":
        return False
    pages = int(after.text)
    digits = before.text.lstrip("+-－")
    if pages > 99 or not digits.isdecimal() or len(digits) < 2:
        return False
    if following is not None and following.line == after.line and following.kind != "label":
        return False  # a counter ends its page's line or runs into the next label, never into a value
    return any(1 <= int(digits[-width:]) <= pages for width in (1, 2) if len(digits) > width)


def _continued(lines: list[Line], index: int) -> bool:
    """An empty cell line whose content slipped onto the next line, printed without the cell's tab."""
    following = lines[index + 1] if index + 1 < len(lines) else None
    return following is not None and following.cells is None and bool(following.text.strip()) and not following.text.startswith("\t")


_SOFT_BLANK = "|"  # a blank that only a separator shows ("||||", an empty cell's line)
_NEXT_ROW_BLANK = "|¶"  # the same after an empty line: the next row's merged label columns


def _drop_dangling_blanks(tokens: list[Token], width: int | None = None) -> list[Token]:
    """Blanks that only separators show count between two values, or where a row of `width`
    cells ends short by exactly them; the others are layout."""

    def soft(token: Token) -> bool:
        return token.kind == "null" and token.text.startswith(_SOFT_BLANK)

    out: list[Token] = []
    run = 0  # printed cells of the current run of values
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind != "null" or not token.text.startswith(_SOFT_BLANK):  # (not soft: inlined, it is asked of every token)
            run = run + 1 if token.kind != "label" else 0
            out.append(token)
            index += 1
            continue
        end = index
        while end < len(tokens) and soft(tokens[end]):
            end += 1
        blanks = tokens[index:end]
        after = tokens[end] if end < len(tokens) else None
        if run and after is not None and after.is_value:
            kept = blanks if all(b.text == _SOFT_BLANK for b in blanks) else [b for b in blanks if b.text == _SOFT_BLANK]
        elif run and width and (after is None or not after.is_value):
            short = -run % width
            row_end = [b for b in blanks if b.text == _SOFT_BLANK]
            kept = row_end[:short] if 0 < short <= len(row_end) else []
        elif not run and width and out and out[-1].kind == "label" and (after is None or after.kind == "label") and len(blanks) == width and all(b.text == _SOFT_BLANK for b in blanks):
            kept = blanks  # exactly a row's cells between its label and the next: a row printed blank
        elif not run and out and not out[-1].is_value and after is not None and after.is_value:
            # Right after a row's label (or table 四's header), before its values: the row's
            # first cells, printed blank, after an empty line too (merged label columns come
            # before a label, not before values).
            kept = blanks
        else:
            kept = []
        out.extend(Token("null", "", b.line, b.page, None) for b in kept)
        run += len(kept)
        index = end
    return out


def _structured_row(line: Line) -> list[Token]:
    """A row whose cells the document itself delimits: an empty cell is a printed blank.

    Empty cells before the row's first label are the tail of a merged label cell (a table split
    across pages repeats the merge empty), not values.
    """
    cells = list(line.cells or ())
    first_label = next((i for i, cell in enumerate(cells) if cell.strip() and classify(cell.strip()) == "label"), None)
    skipped = first_label or 0
    if first_label is not None:
        cells = cells[first_label:]
    boxes = line.boxes
    tokens: list[Token] = []
    for index, cell in enumerate(cells, start=skipped):
        box = boxes[index] if boxes is not None and index < len(boxes) else None
        if cell.strip():
            found = tokenize_cell(cell, line, None)
            tokens.extend(t._replace(box=box) if box is not None and t.kind != "label" else t for t in found)
        else:
            tokens.append(Token("null", "", line.number, line.page, box=box))
    return tokens


def _located(tokens: list[Token], line: Line) -> list[Token]:
    """The tokens of a line with geometry, each value with the box of its characters (and the
    confidence of its OCR word)."""
    out: list[Token] = []
    for token in tokens:
        if token.kind != "label" and token.column is not None and token.text:
            start = token.column - 1
            end = start + len(token.text)
            box = line.span_box(start, end)
            if box is not None:
                token = token._replace(box=box, confidence=line.span_confidence(start, end))
        out.append(token)
    return out


def _is_page_footer(lines: list[Line], index: int) -> bool:
    """A lone number equal to its page's number, printed last on that page, is the page number."""
    line = lines[index]
    if line.page is None or line.text.strip() != str(line.page):
        return False
    for following in lines[index + 1 :]:
        if following.text.strip():
            return following.page != line.page
    return False


def _split_mixed(cells: list[list[Token]]) -> list[list[Token]]:
    """Cells holding both numbers and words ("0四、…" run together) as one cell per kind."""
    if all(len(cell) < 2 for cell in cells):
        return cells
    out: list[list[Token]] = []
    for cell in cells:
        if len(cell) < 2 or len({t.kind == "label" for t in cell}) == 1:
            out.append(cell)
            continue
        group: list[Token] = []
        for token in cell:
            if group and (token.kind == "label") != (group[-1].kind == "label"):
                out.append(group)
                group = []
            group.append(token)
        out.append(group)
    return out


def _inner_blanks_only(cells: list[list[Token]], line: Line) -> list[Token]:
    """Tokens of a line whose empty cells count only between two value cells of one row."""
    out: list[Token] = []
    for index, cell in enumerate(cells):
        if not cell:
            before = next((c for c in reversed(cells[:index]) if c), None)
            after = next((c for c in cells[index + 1 :] if c), None)
            if before and after and before[-1].kind != "label" and after[0].kind != "label":
                out.append(Token("null", "", line.number, line.page))
        out.extend(cell)
    return out


def _names_a_row(label: str) -> bool:
    """A label that is a whole row's label of table 三 (or a group's and its row's together)."""
    return any(formats.label_similarity(label, official) >= 0.95 for row in formats.ALL_REQUEST_ROWS.values() for official in (row.label, *row.aliases))


def _rows_of_cells(cells: list[list[Token]], labelled: list[bool]) -> list[tuple[int, int]]:
    """(start, end) of each row in a line's cells: a label after values starts the next row."""
    rows: list[tuple[int, int]] = []
    start = 0
    seen_value = False
    for index, cell in enumerate(cells):
        if labelled[index] and seen_value:
            rows.append((start, index))
            start, seen_value = index, False
        elif cell and not labelled[index]:
            seen_value = True
    rows.append((start, len(cells)))
    return rows


EDGE_BLANK = "¦"  # an empty cell beside a row's values: a blank, or the layout's padding


class _PipeStyle(NamedTuple):
    """How a table written with pipes lays out its rows, from all its rows (see `_pipe_style`)."""

    flush_right: bool = False  # each row's values are its last cells, after its label's padding
    open_ended: bool = False  # no pipe closes a row: the cell after its last pipe is its last cell


_NO_STYLE = _PipeStyle()
_NUMBER_CELL = re.compile(r"\d[\d,，]*")


def _pipe_style(lines: list[Line], width: int) -> _PipeStyle:
    """How the rows of a table written with pipes are laid out, where its rows show it.

    `flush_right`: a converter that writes a merged label cell as empty cells after it (pandoc,
    trafilatura, markdownify) leaves a row more cells than its label and `width` values; the
    values are then its last `width` cells. Shown by a row of its own label (not a wrapped label's
    next line) and more cells, the last holding a number, and no row printing a number left of its last `width` cells.
    `open_ended`: rows written without outer pipes (html2text: 「标签| 3| 5|  」), their last cell
    whatever follows the last pipe, so a row ending in a pipe ends in an empty cell. Shown by two
    rows (headers too) ending in a cell after their last pipe, and none ending in a pipe after
    exactly its label and `width` cells.
    """
    flush_right = False
    open_rows = closed_rows = 0
    for line in lines:
        if line.cells is not None or "|" not in line.text:
            continue
        text = line.text.strip()
        cells = [cell.strip() for _, cell in split_cells(text)]
        if not cells:
            continue
        open_rows += not text.startswith("|") and not text.endswith("|")
        numeric = [_NUMBER_CELL.fullmatch(cell) is not None for cell in cells]
        if not any(numeric):
            continue
        label_end = max((i for i, cell in enumerate(cells) if cell and not numeric[i]), default=-1)
        if any(numeric[: max(0, len(cells) - width)]):
            return _NO_STYLE  # a number left of the row's last `width` cells: no such layout
        if label_end >= 0 and starts_a_row(cells[label_end]) and len(cells) - label_end - 1 > width and numeric[-1]:
            flush_right = True
        closed_rows += text.endswith("|") and len(cells) - label_end - 1 == width
    return _PipeStyle(flush_right, open_rows >= 2 and closed_rows == 0)


@lru_cache(maxsize=1)
def _label_texts() -> tuple[str, ...]:
    """The tables' row and group labels, as `formats.normalize_label` folds them."""
    return tuple(formats.normalize_label(label) for label in formats.table_labels())


def _marks_in_words(tokens: list[Token]) -> list[Token]:
    """A line's tokens with a word's first character that is also a blank's mark (「无」, 「空」)
    set apart by spaces from the rest of a label's word («无  法提供», «无　　法　　提»: a wrapped
    group label whose spacing drifted, a character at a time) read as words, not as a blank cell."""
    out = list(tokens)
    for index, token in enumerate(tokens):
        if token.kind != "null" or token.text not in ("无", "空"):
            continue
        text = token.text
        for word in tokens[index + 1 :]:
            if word.kind != "label" or word.line != token.line or len(text) >= 3:
                break
            text += word.text
        joined = formats.normalize_label(text)[:3]
        if len(joined) == 3 and any(joined in label for label in _label_texts()):
            out[index] = token._replace(kind="label")
    return out


def _closing_pipe_may_be_stray(cells: list[list[Token]], width: int) -> bool:
    """Whether a row's empty last cell may be a stray pipe's (a border's) rather than a blank of
    its own, its values then one cell further left: unless that reading is refuted — table 三's
    总计 there not printed as the sum of its parts — the padding does not decide the row."""
    if cells[-1]:
        return False
    if width != len(formats.REQUEST_COLUMNS):
        return True  # no sum to refute it with here
    shifted = [cell[0].digits if len(cell) == 1 and cell[0].kind == "num" else None for cell in cells[-width - 1 : -1]]
    parts = [int(digits) for digits in shifted[:-1] if digits is not None and digits.isdigit()]
    total = shifted[-1]
    return total is not None and total.isdigit() and int(total) == sum(parts)


def _words_only(cells: list[list[Token]]) -> bool:
    for cell in cells:
        for token in cell:
            if token.kind != "label":
                return False
    return True


def _with_blank_cells(
    cells: list[list[Token]],
    line: Line,
    width: int | None = None,
    piped: bool = False,
    style: _PipeStyle = _NO_STYLE,
    ruled: bool = False,
) -> list[Token]:
    """Tokens of a line; an empty cell between two value cells is a printed blank.

    Empty cells before the first value may be the label's merged columns and trailing ones
    padding, so they count only when the table's row `width` needs exactly them: a row of
    `width` cells printed with its first or last ones blank, or all blank. Without a width
    (table 二, whose rows differ), they are marked `EDGE_BLANK` for the table reader to decide.
    """
    if len(cells) < 2 or all(cells):  # no empty cell: nothing to decide
        return [token for cell in cells for token in cell]
    if not piped and _words_only(cells):
        return [token for cell in cells for token in cell]  # no separator that prints a blank row
    split = _split_mixed(cells)
    if len(split) != len(cells):
        # Words and numbers run together inside a cell: the separators no longer mark where
        # a row's cells begin or end, so only blanks between two values are taken.
        return _inner_blanks_only(split, line)
    labelled = [bool(cell) and cell[0].kind == "label" for cell in cells]
    rows = _rows_of_cells(cells, labelled)
    if len(rows) > 1:  # several rows run into one line: each decides its own blanks
        return [token for start, end in rows for token in _with_blank_cells(cells[start:end], line, width, piped, style, ruled)]
    value_cells = [i for i, cell in enumerate(cells) if cell and not labelled[i]]
    label_end = max((i for i, has in enumerate(labelled) if has), default=-1)
    if not value_cells:
        empty_after_label = [i for i in range(label_end + 1, len(cells)) if not cells[i]]
        # Marked `EDGE_BLANK`: a header over merged columns looks the same; the table reader
        # keeps them only under a row's label.
        outer_pipes = line.text.strip().startswith("|") and line.text.strip().endswith("|")
        padded_blank = (
            style.flush_right
            and outer_pipes
            and label_end >= 0
            and width is not None
            and len(empty_after_label) > width
            and _names_a_row(cells[label_end][-1].text)  # not a wrapped label's first line
        )
        if piped and width is not None and (len(empty_after_label) == width or padded_blank):
            keep_all = set(empty_after_label[-width:])  # after the label's padding (see `_pipe_style`)
            # A ruled table's columns show a row's own label over its cells: a row printed blank.
            blank = "" if ruled and label_end >= 0 and starts_a_row(cells[label_end][-1].text) else EDGE_BLANK
            return [t for index, cell in enumerate(cells) for t in (cell or ([Token("null", blank, line.number, line.page)] if index in keep_all else []))]
        return [token for cell in cells for token in cell]
    first, last = value_cells[0], value_cells[-1]
    inner = [i for i in range(first, last + 1) if not cells[i]]
    keep = set(inner)
    edges: set[int] = set()
    # A complete row: Markdown with its outer pipes, or tab-separated (a line's last tab opens
    # its last cell).
    text = line.text.strip()
    whole_row = ruled or (text.startswith("|") and text.endswith("|")) or (style.open_ended and not text.startswith("|")) if piped else True
    one_value_each = all(len(cell) <= 1 for cell in cells[label_end + 1 :])
    padded = len(cells) - label_end - 1 - (width or 0)
    if (
        style.flush_right
        and width is not None
        and label_end < first
        and whole_row
        and padded > 0
        and one_value_each
        and not any(cells[label_end + 1 : label_end + 1 + padded])
        and not _closing_pipe_may_be_stray(cells, width)
    ):
        # The label's merged columns written as empty cells: the row's last `width` cells are its own.
        keep.update(i for i in range(len(cells) - width, len(cells)) if not cells[i])
    elif label_end < first and width is not None and whole_row and len(cells) - label_end - 1 == width and one_value_each:
        # Exactly a row's cells after its label ("|| 1 ||| 1 | 5 |…", "标签\t\t\t0\t0\t0\t0\t"):
        # each empty cell between separators is a blank cell, at the edges too — unless a cell
        # holds two values ("|0<br>0|": a converter put two columns in one), whose empty cell
        # may be the label's second column.
        keep.update(i for i in range(label_end + 1, len(cells)) if not cells[i])
    elif label_end < first:  # the line's labels, if any, come before its values
        printed = sum(len(cell) for cell in cells[first : last + 1]) + len(inner)
        trailing = [i for i in range(last + 1, len(cells)) if not cells[i]]
        leading = [i for i in range(label_end + 1, first) if not cells[i]]
        if width is None:
            if label_end >= 0:
                edges.update(leading + trailing)
        else:
            missing = width - printed
            if label_end >= 0 and 0 < missing:
                if len(trailing) >= missing and not leading:
                    keep.update(trailing[:missing])
                elif len(leading) >= missing and not trailing:
                    keep.update(leading[len(leading) - missing :])
            elif label_end < 0 and 0 < missing and missing in (len(leading), len(trailing)) and not (leading and trailing):
                keep.update(leading or trailing)  # a row of values only: its empty cells are exactly the missing ones
    out: list[Token] = []
    for index, cell in enumerate(cells):
        if not cell and index in keep:
            out.append(Token("null", "", line.number, line.page))
        elif not cell and index in edges:
            out.append(Token("null", EDGE_BLANK, line.number, line.page))
        out.extend(cell)
    return out
