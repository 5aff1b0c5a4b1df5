"""Figures the report's own text states about its tables (for narrative_mismatch).

Only plain statements are taken: a topic phrase followed closely by one count in 件 (or 条 for
the number of applications received), with no other number in between. A figure that is
approximate ("800余件") or in 万 is never taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import ListedTotal, Statement
from ..read import Line

_N = r"(\d+)\s*(?![\d.万])"
_GAP = r"[^。；;，,\d]"

# topic → patterns; the first group of each is the number.
PATTERNS: dict[str, tuple[str, ...]] = {
    "new_received": (
        rf"(?:新收|收到|受理|接收|接到)[^。；;，,\d]{{0,16}}?申请{_GAP}{{0,6}}?{_N}(?:件|条)",
    ),
    "carried_over": (rf"上一?年度?(?:结转|转结){_GAP}{{0,8}}?{_N}件",),
    "total_processed": (rf"(?:办结|答复|办理完毕|处理完毕|办理完结){_GAP}{{0,12}}?{_N}件",),
    "carried_forward": (
        rf"(?:结转|转入|顺延|顺延到|结转至)下一?年度?{_GAP}{{0,8}}?{_N}件",
        rf"{_N}件{_GAP}{{0,4}}?(?:顺延|结转|转入)(?:到|至)?下一?年度?",
    ),
    "granted_or_partial": (rf"予以公开(?:及|和|与|、|或)部分公开{_GAP}{{0,6}}?{_N}件",),
    "granted": (rf"(?<![部分不])(?<!不予)予以公开(?![及和与、或]部分){_GAP}{{0,2}}?{_N}件",),
    "partially_granted": (rf"(?<!及)(?<!和)(?<!与)(?<!、)部分公开{_GAP}{{0,2}}?{_N}件",),
    "withheld": (rf"不予公开{_GAP}{{0,2}}?{_N}件",),
    "unavailable": (rf"无法提供{_GAP}{{0,2}}?{_N}件",),
    "rejected": (rf"不予处理{_GAP}{{0,2}}?{_N}件",),
    "other": (rf"其他处理{_GAP}{{0,2}}?{_N}件",),
    "review_total": (rf"行政复议[^。；;，,\d诉]{{0,8}}?{_N}件",),
    "litigation_total": (rf"行政诉讼[^。；;，,\d复]{{0,8}}?{_N}件",),
}
_COMPILED = {topic: tuple(re.compile(p) for p in patterns) for topic, patterns in PATTERNS.items()}
_NONE_RECEIVED = re.compile(r"未(?:收到|受理|接到)[^。；;，,\d]{0,16}?(?:政府信息公开|依申请公开)[^。；;，,\d]{0,8}")
_APPROXIMATE = re.compile(r"^(?:余|多)|[约近超逾]$")

_LISTED = re.compile(r"公开[^。；;，,\d]{0,16}?(\d+)\s*条\s*[，,、]?\s*其中([^。；;]*)")
_PART = re.compile(r"(\d+)\s*(余|多)?\s*条")


@dataclass
class Prose:
    """A section's running text with a map from character offset back to the source line."""

    section: int | None
    text: str
    starts: list[tuple[int, Line]]

    def line_at(self, offset: int) -> Line | None:
        found = None
        for start, line in self.starts:
            if start > offset:
                break
            found = line
        return found


def build_prose(blocks: list[tuple[int | None, list[Line]]]) -> list[Prose]:
    prose: list[Prose] = []
    for section, lines in blocks:
        text = ""
        starts: list[tuple[int, Line]] = []
        for line in lines:
            piece = line.text.strip()
            if not piece:
                continue
            starts.append((len(text), line))
            text += piece
        if text:
            prose.append(Prose(section, text, starts))
    return prose


def _window(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in "。；，,;") + 1
    right_candidates = [i for i in (text.find(c, end) for c in "。；，,;") if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left:right].strip()


def extract_statements(prose: list[Prose]) -> list[Statement]:
    statements: list[Statement] = []
    for block in prose:
        taken: list[tuple[int, int]] = []
        for topic, patterns in _COMPILED.items():
            for pattern in patterns:
                for match in pattern.finditer(block.text):
                    span = match.span(1)
                    if any(a <= span[0] < b for a, b in taken):
                        continue
                    before = block.text[max(0, span[0] - 1) : span[0]]
                    after = block.text[span[1] : span[1] + 2].strip()
                    if _APPROXIMATE.search(before) or _APPROXIMATE.match(after):
                        continue
                    taken.append(span)
                    line = block.line_at(match.start(1))
                    statements.append(
                        Statement(
                            topic,
                            int(match.group(1)),
                            _window(block.text, match.start(), match.end()),
                            block.section,
                            line.number if line else None,
                            line.page if line else None,
                        )
                    )
        for match in _NONE_RECEIVED.finditer(block.text):
            line = block.line_at(match.start())
            statements.append(
                Statement(
                    "new_received",
                    0,
                    _window(block.text, match.start(), match.end()),
                    block.section,
                    line.number if line else None,
                    line.page if line else None,
                )
            )
    return statements


def extract_listed_totals(prose: list[Prose]) -> list[ListedTotal]:
    """「主动公开政府信息941条，其中…829条，…3条」: a total and its listed parts."""
    found: list[ListedTotal] = []
    for block in prose:
        for match in _LISTED.finditer(block.text):
            clause = match.group(2)
            parts = _PART.findall(clause)
            if len(parts) < 2 or any(approx for _, approx in parts):
                continue
            last = list(_PART.finditer(clause))[-1]
            if clause[last.end() : last.end() + 1] == "等" or "等" in clause[last.end() : last.end() + 3]:
                continue
            if re.search(r"[约近]\s*$", block.text[: match.start(1)]):
                continue
            line = block.line_at(match.start(1))
            found.append(
                ListedTotal(
                    int(match.group(1)),
                    [int(n) for n, _ in parts],
                    match.group(0)[:120],
                    block.section,
                    line.number if line else None,
                    line.page if line else None,
                )
            )
    return found
