"""Rules that compare a report with the same agency's report for the year before (need the store)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import formats
from ..model import Record
from . import rules as _single_report_rules  # noqa: F401  (registered first: the catalog lists them before these)
from .registry import NEEDS_STORE, Context, Hit, rule

COPY_THRESHOLD = 0.9
_SHINGLE = 5
_DIGITS = re.compile(r"\d+")
# Whitespace, punctuation and markup (Markdown's # and |, page-number dashes): how a text was
# typeset or extracted (PDF one year, Word the next) must not make a copy look new.
_NON_TEXT = re.compile(r"[\W_]+")


def _cn(value: int | float | None) -> str:
    return "空" if value is None else str(int(value) if float(value).is_integer() else value)


@rule("GK501", "carry_over_chain", "error", "上年结转≠上一年报告的结转下年度", NEEDS_STORE)
def carry_over_chain(context: Context) -> Iterator[Hit]:
    """This year's 二、上年结转 differs from last year's 四、结转下年度继续办理, for a column.

    Why: applications carried forward at the end of one year are the ones carried over into the
    next; the two reports of the same agency must agree.
    Example: 2023 结转下年度 总计 13, 2024 上年结转 总计 10.
    """
    record, previous = context.record, context.previous
    if previous is None or previous.year != (record.year or 0) - 1:
        return
    now, before = record.rows.get("carried_over"), previous.rows.get("carried_forward")
    if not now or not before:
        return
    for index, column in enumerate(formats.REQUEST_COLUMNS):
        if now[index] is None or before[index] is None or now[index] == before[index]:
            continue
        yield Hit(
            f"表三“{column.label}”列：本年报告的“二、上年结转”为{_cn(now[index])}，但{previous.year}年报告的“四、结转下年度继续办理”为{_cn(before[index])}。",
            {"table": "三", "row": "carried_over", "column": column.key, "previous": previous.source.path},
            expected=before[index],
            actual=now[index],
        )


@rule("GK502", "stock_continuity", "warning", "现行有效件数≠上年现行有效+本年制发−本年废止", NEEDS_STORE)
def stock_continuity(context: Context) -> Iterator[Hit]:
    """现行有效件数 ≠ last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (规章, 行政规范性文件).

    Why: the stock of documents in force changes only by what is issued and repealed; a break
    means one of the years is wrong (or the scope changed, hence a warning).
    Example: 2023 现行有效 5; 2024 制发 3, 废止 0, 现行有效 9 (expected 8).
    """
    record, previous = context.record, context.previous
    if previous is None or previous.year != (record.year or 0) - 1:
        return
    if record.template != formats.TEMPLATE_2021 or previous.template != formats.TEMPLATE_2021:
        return
    for row in formats.ACTIVE_ROWS_2021[:2]:
        now, before = record.active.get(row.key, {}), previous.active.get(row.key, {})
        values = (before.get("in_force"), now.get("issued"), now.get("repealed"), now.get("in_force"))
        if any(v is None for v in values):
            continue
        last, issued, repealed, in_force = values
        expected = last + issued - repealed  # type: ignore[operator]
        if expected != in_force:
            yield Hit(
                f"表二“{row.label}”：{previous.year}年现行有效{_cn(last)} + 本年制发{_cn(issued)} − 本年废止{_cn(repealed)} = {_cn(expected)}，但本年现行有效件数印为{_cn(in_force)}。",
                {"table": "二", "row": row.key, "column": "in_force", "previous": previous.source.path},
                expected=expected,
                actual=in_force,
            )


def _shingles(record: Record) -> set[str]:
    """Character 5-grams of the narrative's words (numbers folded, so a copied text with new figures still matches)."""
    text = "".join(str(s.get("text", "")) for s in record.sections if s.get("number") in (1, 5, 6))
    text = _DIGITS.sub("0", _NON_TEXT.sub("", text))
    return {text[i : i + _SHINGLE] for i in range(max(0, len(text) - _SHINGLE + 1))}


def text_similarity(a: Record, b: Record) -> float:
    """The share of this report's narrative 5-grams that also occur in the other report."""
    mine, theirs = _shingles(a), _shingles(b)
    if len(mine) < 50:
        return 0.0  # too little text to judge
    return len(mine & theirs) / len(mine)


@rule("GK503", "copied_text", "warning", "正文与上一年报告几乎相同", NEEDS_STORE)
def copied_text(context: Context) -> Iterator[Hit]:
    """The narrative (sections 一, 五, 六) is nearly the same as the agency's previous report.

    Why: 30号 names 「内容雷同」; evaluators found reports 90 % identical to the year before.
    Example: a 2024 report whose 总体情况 and 存在的主要问题 repeat 2023's word for word.
    """
    record, previous = context.record, context.previous
    if previous is None:
        return
    share = text_similarity(record, previous)
    if share >= COPY_THRESHOLD:
        yield Hit(
            f"正文（总体情况、存在的主要问题及改进情况、其他需要报告的事项）有{share:.0%}与{previous.year}年的报告相同（数字不计）。",
            {"previous": previous.source.path},
            expected=f"< {COPY_THRESHOLD:.0%}",
            actual=f"{share:.0%}",
        )
