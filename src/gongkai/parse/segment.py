"""Cut a page flattened onto one line back into the pieces the line-based reader expects.

Text copied from some web pages or extracted by some tools loses every line break: title,
sentences, section headings, table labels and numbers follow each other on one line. Such a
line is recognised by what it holds (several section headings or several of the tables' row
labels), not by its length, and is cut before each heading, table label and after each sentence.
Each piece keeps its source line number and its column in that line, so provenance still
points at the printed characters. Lines of ordinary documents are left as they are.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .. import formats
from ..read import Line

# What ends the text before a heading run into a line: a table's last number or blank cell's
# mark, or (on a line long enough to be a flattened page) a sentence.
_VALUE_END = r"\d０-９/／\\—－-"
_AFTER_VALUES = re.compile(rf"[{_VALUE_END}]\s*$")
_AFTER_SENTENCE = re.compile(rf"[。！？；{_VALUE_END}]\s*$")
_NUMBER_AFTER = re.compile(r"[\s|:：”\"]{0,3}[\d０-９]")
_DIGIT = re.compile(r"\d")
_TITLE_END = re.compile(r"(?:政府)?信息公开\s*工作\s*年度\s*报告")
_HEADING_START = re.compile(r"[一二三四五六1-6]\s*[、.．]|第[一二三四五六]部分")
_LABEL_THEN_DIGIT = re.compile(r"[\u3400-\u9fff”）)][ |:：]?[\d０-９]")
_SENTENCE_END = re.compile(r"(?<=[。！？])")
_PROSE_END = re.compile(r"[。：]")  # a sentence, or the one that announces a table (「…如下：」)
_CN_NUMERAL = "一二三四五六"


@lru_cache(maxsize=1)
def _table_start() -> re.Pattern[str]:
    """A table's first header cell (「行政复议」, 「信息内容」, 「申请人情况」, 「（本列数据…」, 「第二十条…」)."""
    cells = (formats.REVIEW_BLOCKS[0].label, formats.CONTENT_HEADER, formats.APPLICANTS_HEADER, formats.BALANCE_NOTE[:5], "第二十条")
    return re.compile(r"[\s|]*(?:" + "|".join(_loose(cell) for cell in cells) + ")")


@lru_cache(maxsize=1)
def _prose_then_table() -> re.Pattern[str]:
    """A sentence's end (or 「如下：」) right before a table's first header cell."""
    return re.compile("[。：]" + _table_start().pattern)


@lru_cache(maxsize=1)
def _section_heading() -> re.Pattern[str]:
    """`二、主动公开政府信息情况` … inside a line: numeral, mark, the section's words."""
    keywords = sorted({k for s in formats.SECTIONS for k in s.keywords} | {s.title for s in formats.SECTIONS}, key=len, reverse=True)
    words = "|".join(_loose(k) for k in keywords)
    return re.compile(
        rf"(?:[{_CN_NUMERAL}1-6]\s*[、.．]|第[{_CN_NUMERAL}]部分(?:\s*[、.．:：])?)\s*(?:政府信息公开)?[^。\d、]{{0,10}}?(?:{words})(?:[^。\d，,；;]{{0,16}}?(?:{_loose('情况')}|{_loose('事项')}))?"
    )


def _loose(text: str) -> str:
    """A pattern for `text` that lets spaces and quotes stand between its characters."""
    return r"[\s“”\"'‘’]*".join(_FOLDED_BACK.get(ch, re.escape(ch)) for ch in text)


# normalize_label folds these; the printed text may have any of the forms.
_FOLDED_BACK = {".": "[.．、]", ",": "[,，]", ":": "[:：]", "(": "[(（]", ")": "[)）]"}


# How label text is folded before the search: what `formats.normalize_label` does, one
# character for one, so that positions map back to the printed line; and the characters the
# search skips (`_compact`).
_FOLD = {"（": "(", "）": ")", "、": ".", "．": ".", "，": ",", "：": ":", **{chr(0xFF10 + d): str(d) for d in range(10)}}
_SKIPPED = " \t\u3000\u00a0“”\"'‘’"
_KEPT_RUN = re.compile(f"[^{re.escape(_SKIPPED)}]+")
_MARKER_BEFORE = re.compile(r"(?:[一二三四五六七八九十]{1,2}\.|\([一二三四五六七八九十]{1,2}\)|\d\.?)$")


@lru_cache(maxsize=1)
def _label_cores() -> tuple[tuple[str, str | None], ...]:
    """The tables' row and group labels as searched: (folded text, the digit that numbers it).

    A long label is searched without its list marker (which may be printed or not); a short
    one ("3.其他", "（七）总计") only with it.
    """
    cores: dict[str, str | None] = {"第二十条第": None}
    for label in formats.table_labels():
        folded = formats.normalize_label(label)
        bare = formats.strip_list_mark(folded)
        core = re.sub(r"\(.*$", "", bare)
        if len(core) >= 4 or core == "规章":
            cores[core] = formats.list_marker_digit(label)
        elif bare != folded:
            cores[folded[: len(folded) - len(bare)] + core] = None
    return tuple(sorted(cores.items(), key=lambda item: -len(item[0])))


def _compact(text: str) -> tuple[str, list[int]]:
    """The text folded and without spaces and quotes, and where each kept character was printed."""
    # (Each character replaced at once and the kept ones taken run by run: ten times faster
    # on a long line than a translation table and a test of each character.)
    for char, folded in _FOLD.items():
        if char in text:
            text = text.replace(char, folded)
    where: list[int] = []
    kept: list[str] = []
    for run in _KEPT_RUN.finditer(text):
        kept.append(run.group())
        where.extend(range(run.start(), run.end()))
    return "".join(kept), where


def _label_matches(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of each table label in a line, its list marker included when printed.

    Longer labels win where two overlap ("行政规范性文件" over "规范性文件").
    """
    compact, where = _compact(text)
    taken = [False] * len(compact)
    found: list[tuple[int, int, str]] = []
    for core, digit in _label_cores():
        at = compact.find(core)
        while at != -1:
            end = at + len(core)
            if not any(taken[at:end]):
                for k in range(at, end):
                    taken[k] = True
                start = at
                marker = _MARKER_BEFORE.search(compact, max(0, at - 5), at)
                if marker and (not marker.group()[0].isdigit() or marker.group().endswith(".") or marker.group()[0] == digit):
                    start = marker.start()
                found.append((where[start], where[end - 1] + 1, core))
            at = compact.find(core, end)
    return sorted(found)


def _labels_in(text: str) -> list[int]:
    """Where each table label starts, its list marker included (also one printed without its dot)."""
    return [start for start, _end, _core in _label_matches(text)]


# The shortest line that may hold a table's value then a heading (「0一、概述」): a value, a
# numeral and its mark, the shortest of the sections' words.
_FEWEST_CHARACTERS = 3 + min(len(keyword) for section in formats.SECTIONS for keyword in section.keywords)


def is_flattened(text: str) -> bool:
    """A line holding what belongs on many: two section headings, three table labels, or a
    table's last values and the next section's heading (「…600000 五、存在的主要问题…」)."""
    # Cheap tests first: most lines are short or are sentences with a few numbers. A heading
    # starts where `_HEADING_START` matches: the full pattern is tried from there on.
    if len(text) < _FEWEST_CHARACTERS:
        return False
    first = _HEADING_START.search(text)
    if len(text) < 40:
        return (
            first is not None
            and any(_AFTER_VALUES.search(text, 0, m.start()) for m in _HEADING_START.finditer(text, first.start()))
            and any(_AFTER_VALUES.search(text, 0, h.start()) for h in _section_heading().finditer(text, first.start()))
        )
    if first is not None:
        headings = list(_section_heading().finditer(text, first.start()))
        # Two headings, one that follows a sentence or a number, or one whose prose or table
        # runs on after it (「…情况如下：」 before the table): line breaks were lost around it.
        if len(headings) >= 2 or any(
            _AFTER_SENTENCE.search(text, 0, h.start()) or _PROSE_END.search(text, h.end()) or _table_start().match(text, h.end()) for h in headings
        ):
            return True
    if _prose_then_table().search(text):
        return True  # a sentence, then a table's header on the same line (「…17件。 行政复议 行政诉讼 …」)
    meetings = len(_LABEL_THEN_DIGIT.findall(text))
    if meetings < 3 or ("。" in text and meetings < 8):
        return False  # few places where words meet numbers: a sentence, not a run of rows
    # Row labels with their numbers after them; a sentence naming 规章 and 规范性文件 has none.
    with_numbers = {core for _start, end, core in _label_matches(text) if _NUMBER_AFTER.match(text, end)}
    return len(with_numbers) >= 3


def _cuts(text: str) -> list[int]:
    cuts = {m.start() for m in _SENTENCE_END.finditer(text)}
    for match in _section_heading().finditer(text):
        cuts.update((match.start(), match.end()))
    # Table labels are cut only outside sentences: a sentence that names a row stays whole.
    for start in _labels_in(text):
        stop = text.find("。", start, start + 60)
        if stop != -1 and not _DIGIT.search(text, start, stop):
            continue  # the label's words begin a sentence, not a table row
        cuts.add(start)
    title_end = _TITLE_END.search(text)
    if title_end and title_end.start() < 120:
        cuts.add(title_end.end())
    return sorted(c for c in cuts if 0 < c < len(text))


def segment(lines: list[Line]) -> list[Line]:
    """The document's lines with every flattened line cut into pieces (see the module doc)."""
    flattened = {index for index, line in enumerate(lines) if line.cells is None and is_flattened(line.text)}
    if not flattened:
        return lines
    out: list[Line] = []
    for index, line in enumerate(lines):
        if index not in flattened:
            out.append(line)
            continue
        text = line.text
        previous = 0
        for cut in [*_cuts(text), len(text)]:
            piece = text[previous:cut]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                runs_on = cut < len(text) and not text[cut - 1].isspace() and not text[cut].isspace()
                out.append(replace(line, text=piece.strip(), column=line.column + previous + lead, runs_on=runs_on))
            previous = cut
    return out
