"""Rules that compare a report with the same agency's report for the year before (need the store).

Two of them are balances between cells of the two reports (`arithmetic.YearBalance`): the same
balances are checked on a fresh record against its previous year (the rule functions here) and,
for a whole store at once, by set-based SQL over the stored cells (`pipeline.refresh_cross_year`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .. import formats
from ..arithmetic import YearBalance, YearTerm
from ..model import Finding, Record, Value, narrative
from . import rules as _single_report_rules  # noqa: F401  (registered first: the catalog lists them before these)
from .registry import NEEDS_STORE, RULES, Context, Hit, Rule, rule

COPY_THRESHOLD = 0.9
_SHINGLE = 5
_DIGITS = re.compile(r"\d+")
# Whitespace, punctuation and markup (Markdown's # and |, page-number dashes): how a text was
# typeset or extracted (PDF one year, Word the next) must not make a copy look new.
_NON_TEXT = re.compile(r"[\W_]+")


def _cn(value: int | float | None) -> str:
    return "空" if value is None else str(int(value) if float(value).is_integer() else value)


def _number(value: float) -> int | float:
    """A cell's value as a finding states it: a whole number as an int (the store keeps floats)."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class YearEquation:
    """A cross-year balance (`arithmetic.YearBalance`) with the rule that reports a break and its words."""

    rule: str
    balance: YearBalance
    # The finding's words: (equation, values in the order of the terms, last year, last year's path).
    describe: Callable[[YearEquation, Sequence[int | float], int, str], Hit]

    def values(self, record: Record, previous: Record) -> list[Value]:
        now, before = record.cell_values(), previous.cell_values()
        return [(before if term.last_year else now).get(str(term.cell)) for term in self.balance.terms]

    def hit(self, values: Sequence[Value], previous_year: int, previous_path: str) -> Hit | None:
        """The rule's hit if these values of the two reports break the balance, else None."""
        if not self.balance.breaks(values):
            return None
        return self.describe(self, [_number(value) for value in values if value is not None], previous_year, previous_path)

    def finding(self, values: Sequence[Value], previous_year: int, previous_path: str) -> Finding | None:
        """As `hit`, stamped as the rule's finding."""
        found = self.hit(values, previous_year, previous_path)
        return None if found is None else _rule_named(self.rule).finding(found)


def _rule_named(name: str) -> Rule:
    return next(r for r in RULES if r.name == name)


def _balances(context: Context, equations: Sequence[YearEquation]) -> Iterator[Hit]:
    record, previous = context.record, context.previous
    if previous is None or previous.year is None or previous.year != (record.year or 0) - 1:
        return
    for equation in equations:
        if equation.balance.applies(record.template, previous.template):
            found = equation.hit(equation.values(record, previous), previous.year, previous.source.path)
            if found is not None:
                yield found


def _carry_over_words(equation: YearEquation, values: Sequence[int | float], previous_year: int, previous_path: str) -> Hit:
    column = equation.balance.terms[0].cell.column
    now, before = values
    label = next(c.label for c in formats.REQUEST_COLUMNS if c.key == column)
    return Hit(
        f"表三“{label}”列：本年报告的“二、上年结转”为{_cn(now)}，但{previous_year}年报告的“四、结转下年度继续办理”为{_cn(before)}。",
        {"table": "三", "row": "carried_over", "column": column, "previous": previous_path},
        expected=before,
        actual=now,
    )


CARRY_OVER: tuple[YearEquation, ...] = tuple(
    YearEquation(
        "carry_over_chain",
        YearBalance(
            (YearTerm(False, formats.CellPath("requests", "carried_over", c.key), 1), YearTerm(True, formats.CellPath("requests", "carried_forward", c.key), -1)),
            None,
        ),
        _carry_over_words,
    )
    for c in formats.REQUEST_COLUMNS
)


@rule("GK501", "carry_over_chain", "error", "上年结转≠上一年报告的结转下年度", NEEDS_STORE)
def carry_over_chain(context: Context) -> Iterator[Hit]:
    """This year's 二、上年结转 differs from last year's 四、结转下年度继续办理, for a column.

    Why: applications carried forward at the end of one year are the ones carried over into the
    next; the two reports of the same agency must agree.
    Example: 2023 结转下年度 总计 13, 2024 上年结转 总计 10.
    """
    yield from _balances(context, CARRY_OVER)


def _stock_words(equation: YearEquation, values: Sequence[int | float], previous_year: int, previous_path: str) -> Hit:
    row = equation.balance.terms[0].cell.row
    last, issued, repealed, in_force = values
    expected = _number(last + issued - repealed)
    label = next(r.label for r in formats.ACTIVE_ROWS_2021 if r.key == row)
    return Hit(
        f"表二“{label}”：{previous_year}年现行有效{_cn(last)} + 本年制发{_cn(issued)} − 本年废止{_cn(repealed)} = {_cn(expected)}，但本年现行有效件数印为{_cn(in_force)}。",
        {"table": "二", "row": row, "column": "in_force", "previous": previous_path},
        expected=expected,
        actual=in_force,
    )


def _active(row: str, column: str) -> formats.CellPath:
    return formats.CellPath("active", row, column)


STOCK: tuple[YearEquation, ...] = tuple(
    YearEquation(
        "stock_continuity",
        YearBalance(
            (
                YearTerm(True, _active(r.key, "in_force"), 1),
                YearTerm(False, _active(r.key, "issued"), 1),
                YearTerm(False, _active(r.key, "repealed"), -1),
                YearTerm(False, _active(r.key, "in_force"), -1),
            ),
            formats.TEMPLATE_2021,
        ),
        _stock_words,
    )
    for r in formats.ACTIVE_ROWS_2021[:2]
)


@rule("GK502", "stock_continuity", "warning", "现行有效件数≠上年现行有效+本年制发−本年废止", NEEDS_STORE)
def stock_continuity(context: Context) -> Iterator[Hit]:
    """现行有效件数 ≠ last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (规章, 行政规范性文件).

    Why: the stock of documents in force changes only by what is issued and repealed; a break
    means one of the years is wrong (or the scope changed, hence a warning).
    Example: 2023 现行有效 5; 2024 制发 3, 废止 0, 现行有效 9 (expected 8).
    """
    yield from _balances(context, STOCK)


# Every cross-year equation, in the order of the rules and of their columns.
YEAR_EQUATIONS: tuple[YearEquation, ...] = CARRY_OVER + STOCK


def shingles(text: str) -> set[str]:
    """Character 5-grams of a narrative's words (numbers folded, so a copied text with new
    figures still matches)."""
    text = _DIGITS.sub("0", _NON_TEXT.sub("", text))
    return {text[i : i + _SHINGLE] for i in range(max(0, len(text) - _SHINGLE + 1))}


def shared_share(mine: set[str], theirs: set[str]) -> float:
    """The share of this report's narrative 5-grams that also occur in the other report's."""
    if len(mine) < 50:
        return 0.0  # too little text to judge
    return len(mine & theirs) / len(mine)


def text_similarity(a: Record, b: Record) -> float:
    """The share of this report's narrative 5-grams that also occur in the other report."""
    return shared_share(shingles(narrative(a.sections)), shingles(narrative(b.sections)))


def _copied_words(share: float, previous_year: int | None, previous_path: str) -> Hit | None:
    if share < COPY_THRESHOLD:
        return None
    return Hit(
        f"正文（总体情况、存在的主要问题及改进情况、其他需要报告的事项）有{share:.0%}与{previous_year}年的报告相同（数字不计）。",
        {"previous": previous_path},
        expected=f"< {COPY_THRESHOLD:.0%}",
        actual=f"{share:.0%}",
    )


def copied_text_finding(share: float, previous_year: int, previous_path: str) -> Finding | None:
    """The copied-text finding for this share of shared narrative (`shared_share`), if any."""
    found = _copied_words(share, previous_year, previous_path)
    return None if found is None else _rule_named("copied_text").finding(found)


@rule("GK503", "copied_text", "warning", "正文与上一年报告几乎相同", NEEDS_STORE)
def copied_text(context: Context) -> Iterator[Hit]:
    """The narrative (sections 一, 五, 六) is nearly the same as the agency's previous report.

    Why: 30号 names 「内容雷同」; evaluators found reports 90 % identical to the year before.
    Example: a 2024 report whose 总体情况 and 存在的主要问题 repeat 2023's word for word.
    """
    record, previous = context.record, context.previous
    if previous is None:
        return
    found = _copied_words(text_similarity(record, previous), previous.year, previous.source.path)
    if found is not None:
        yield found
