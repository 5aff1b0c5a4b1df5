"""The arithmetic of the tables (勾稽关系) as equations over cells.

One definition serves the reader (which uses it to decide between readings of a damaged row)
and the rules (which report where the printed numbers break it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, cast

from . import formats

CellRef = tuple[str, str]  # (row key, column key) in table 三; (block, field) in table 四
EquationKind = Literal["row_total", "results_total", "balance", "review_total", "continuity", "stated"]
Lookup = Callable[[CellRef], "int | float | None"]


@dataclass(frozen=True)
class Equation:
    """sum(left) == sum(right)."""

    kind: EquationKind
    key: str  # the row (row_total), column (results_total, balance) or block (review_total)
    left: tuple[CellRef, ...]
    right: tuple[CellRef, ...]
    cells: tuple[CellRef, ...] = field(init=False, repr=False, compare=False)  # left + right

    def __post_init__(self) -> None:
        # Kept, not built on each read: the readings' searches ask for it in their inner loops.
        object.__setattr__(self, "cells", self.left + self.right)

    def sums(self, lookup: Lookup) -> tuple[int | float, int | float] | None:
        """(left, right) sums, or None when a cell is unknown."""
        left = [lookup(c) for c in self.left]
        right = [lookup(c) for c in self.right]
        if None in left or None in right:
            return None
        return sum(cast(list[int | float], left)), sum(cast(list[int | float], right))

    def holds(self, lookup: Lookup) -> bool | None:
        sums = self.sums(lookup)
        return None if sums is None else sums[0] == sums[1]

    def solve_for(self, cell: CellRef, lookup: Lookup) -> int | float | None:
        """The value `cell` must take for the equation to hold, when it is the only unknown."""
        others_left = [lookup(c) for c in self.left if c != cell]
        others_right = [lookup(c) for c in self.right if c != cell]
        if any(v is None for v in others_left + others_right):
            return None
        left = sum(v for v in others_left if v is not None)
        right = sum(v for v in others_right if v is not None)
        return right - left if cell in self.left else left - right


def request_equations(rows: Iterable[formats.Row]) -> list[Equation]:
    """row_total for every row, results_total and balance for every column of table 三."""
    return list(_request_equations(tuple(rows)))


@lru_cache(maxsize=8)
def _request_equations(rows: tuple[formats.Row, ...]) -> tuple[Equation, ...]:
    keys = [r.key for r in rows]
    result_keys = formats.result_row_keys(rows)
    equations: list[Equation] = []
    for row in keys:
        equations.append(
            Equation(
                "row_total",
                row,
                tuple((row, c) for c in formats.APPLICANT_COLUMN_KEYS),
                ((row, "total"),),
            )
        )
    for column in formats.REQUEST_COLUMN_KEYS:
        equations.append(
            Equation(
                "results_total",
                column,
                tuple((r, column) for r in result_keys),
                (("total_processed", column),),
            )
        )
    for column in formats.REQUEST_COLUMN_KEYS:
        equations.append(
            Equation(
                "balance",
                column,
                (("new_received", column), ("carried_over", column)),
                (("total_processed", column), ("carried_forward", column)),
            )
        )
    return tuple(equations)


def review_equations() -> list[Equation]:
    members = [f.key for f in formats.REVIEW_FIELDS if f.key != "total"]
    return [
        Equation("review_total", block.key, tuple((block.key, m) for m in members), ((block.key, "total"),))
        for block in formats.REVIEW_BLOCKS
    ]


LAST_YEAR = "last_year"  # the column of a continuity equation that holds the figure of the year before


def continuity_equations(template: str) -> list[Equation]:
    """Table 二 against the agency's report of the year before, in one template (GK502 and the
    2019 project counts): each equation has one cell (row, LAST_YEAR) that the previous report fills.

    2021: 现行有效 + 本年废止 = last year's 现行有效 + 本年制发 (规章, 行政规范性文件).
    2019: 上一年项目数量 = last year's 上一年项目数量 + 本年增/减 (许可, 其他服务, 处罚, 强制, 收费).
    """
    if template == formats.TEMPLATE_2021:
        return [
            Equation("continuity", row.key, ((row.key, "in_force"), (row.key, "repealed")), ((row.key, LAST_YEAR), (row.key, "issued")))
            for row in formats.ACTIVE_ROWS_2021[:2]
        ]
    if template == formats.TEMPLATE_2019:
        return [
            Equation("continuity", row.key, ((row.key, "previous"),), ((row.key, LAST_YEAR),))
            for row in formats.ACTIVE_ROWS_2019
            if any(c.key == "change" for c in row.fields)
        ]
    return []


def last_year_figures(template: str, active: dict[str, dict[str, int | float | None]]) -> dict[CellRef, int | float]:
    """The LAST_YEAR cells of `continuity_equations(template)` from the previous report's table 二
    (same template), where it printed what they need."""
    figures: dict[CellRef, int | float] = {}
    for equation in continuity_equations(template):
        row = active.get(equation.key) or {}
        if template == formats.TEMPLATE_2021:
            value = row.get("in_force")
        else:
            previous, change = row.get("previous"), row.get("change")
            value = None if previous is None or change is None else previous + change
        if value is not None:
            figures[(equation.key, LAST_YEAR)] = value
    return figures


@dataclass(frozen=True)
class YearTerm:
    """One cell of a cross-year balance, of this report or of last year's, with its sign."""

    last_year: bool
    cell: formats.CellPath
    sign: int  # +1 or -1


@dataclass(frozen=True)
class YearBalance:
    """Cells of a report and of the agency's report for the year before that must balance:
    Σ sign × value = 0, checked only when every one of them holds a number (null is not zero)
    and both reports print `template` (when it is set). The rules check it on a fresh record
    against its previous year; the store finds the stored pairs that break it in SQL."""

    terms: tuple[YearTerm, ...]
    template: str | None

    def applies(self, template: str, previous_template: str) -> bool:
        return self.template is None or template == previous_template == self.template

    def breaks(self, values: Iterable[int | float | None]) -> bool:
        """Whether these values (in the order of the terms) break it: all numbers, and Σ ≠ 0."""
        total = 0.0
        for term, value in zip(self.terms, values, strict=True):
            if value is None:
                return False
            total += term.sign * float(value)
        return total != 0

