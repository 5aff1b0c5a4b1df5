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

_SENTENCE_END = re.compile(r"(?<=[。！？])")
_CN_NUMERAL = "一二三四五六"


@lru_cache(maxsize=1)
def _section_heading() -> re.Pattern[str]:
    """`二、主动公开政府信息情况` … inside a line: numeral, mark, the section's words."""
    keywords = sorted({k for s in formats.SECTIONS for k in s.keywords} | {s.title for s in formats.SECTIONS}, key=len, reverse=True)
    words = "|".join(_loose(k) for k in keywords)
    return re.compile(
        rf"(?:[{_CN_NUMERAL}]\s*[、.．]|第[{_CN_NUMERAL}]部分\s*[、.．:：]?)\s*(?:政府信息公开)?[^。\d、]{{0,10}}?(?:{words})(?:[^。\d，,；;]{{0,16}}?(?:情况|事项))?"
    )


def _loose(text: str) -> str:
    """A pattern for `text` that lets spaces and quotes stand between its characters."""
    return r"[\s“”\"'‘’]*".join(_FOLDED_BACK.get(ch, re.escape(ch)) for ch in text)


# normalize_label folds these; the printed text may have any of the forms.
_FOLDED_BACK = {".": "[.．、]", ",": "[,，]", ":": "[:：]", "(": "[(（]", ")": "[)）]"}


_MARKER = r"(?:[一二三四五六七八九十]{1,2}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,2}\s*[）)]|\d\s*[.．、])"


@lru_cache(maxsize=1)
def _table_label() -> re.Pattern[str]:
    """The tables' row and group labels: a long one with or without its list marker, a short one with it."""
    labels = [row.label for row in formats.ALL_REQUEST_ROWS.values()] + [group.label for group in formats.GROUPS]
    labels += [label for template in formats.NUMERIC_TEMPLATES for a in formats.active_rows(template) for label in (a.label, *a.aliases)]
    patterns: set[str] = {_loose("第二十条第")}
    for label in labels:
        folded = formats.normalize_label(label)
        bare = formats.strip_list_mark(folded)
        core = re.sub(r"\(.*$", "", bare)
        if len(core) >= 4 or core == "规章":
            patterns.add(rf"{_MARKER}?\s*{_loose(core)}")
        elif bare != folded:  # "3.其他", "（七）总计": only with their own marker
            patterns.add(rf"{_loose(folded[: len(folded) - len(bare)]).replace(re.escape('.'), '[.．、]')}\s*{_loose(core)}")
    return re.compile("|".join(sorted(patterns, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _marker_digits() -> dict[str, str]:
    """Label core → the digit that numbers it in the template ("其他法律行政法规禁止公开" → "2")."""
    out: dict[str, str] = {}
    for row in formats.ALL_REQUEST_ROWS.values():
        folded = formats.normalize_label(row.label)
        mark = re.match(r"^(\d)\.", folded)
        if mark:
            out[re.sub(r"\(.*$", "", folded[2:])] = mark.group(1)
    return out


def _labels_in(text: str) -> list[int]:
    """Where each table label starts, its list marker included (also one printed without its dot)."""
    starts: list[int] = []
    digits = _marker_digits()
    for match in _table_label().finditer(text):
        start = match.start()
        core = formats.normalize_label(match.group())
        if start and text[start - 1].isdigit() and digits.get(core) == text[start - 1]:
            start -= 1
        starts.append(start)
    return starts


def is_flattened(text: str) -> bool:
    """A line holding what belongs on many: two section headings, or three table labels."""
    if len(text) < 40:
        return False
    headings = len(_section_heading().findall(text))
    if headings >= 2:
        return True
    # Row labels with their numbers after them; a sentence naming 规章 and 规范性文件 has none.
    with_numbers = {m.group() for m in _table_label().finditer(text) if re.match(r"[\s|:：]{0,3}[\d０-９]", text[m.end() : m.end() + 4])}
    return len(with_numbers) >= 3


def _cuts(text: str) -> list[int]:
    cuts = {m.start() for m in _SENTENCE_END.finditer(text)}
    for match in _section_heading().finditer(text):
        cuts.update((match.start(), match.end()))
    # Table labels are cut only outside sentences: a sentence that names a row stays whole.
    for start in _labels_in(text):
        stop = text.find("。", start, start + 60)
        if stop != -1 and not re.search(r"\d", text[start:stop]):
            continue  # the label's words begin a sentence, not a table row
        cuts.add(start)
    title_end = re.search(r"(?:政府)?信息公开\s*工作\s*年度\s*报告", text)
    if title_end and title_end.start() < 120:
        cuts.add(title_end.end())
    return sorted(c for c in cuts if 0 < c < len(text))


def segment(lines: list[Line]) -> list[Line]:
    """The document's lines with every flattened line cut into pieces (see the module doc)."""
    if not any(line.cells is None and is_flattened(line.text) for line in lines):
        return lines
    out: list[Line] = []
    for line in lines:
        if line.cells is not None or not is_flattened(line.text):
            out.append(line)
            continue
        text = line.text
        previous = 0
        for cut in [*_cuts(text), len(text)]:
            piece = text[previous:cut]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append(replace(line, text=piece.strip(), column=line.column + previous + lead))
            previous = cut
    return out
