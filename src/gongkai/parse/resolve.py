"""Decide what a damaged run of values says, using only the table's arithmetic.

A run that should fill `n` cells but prints fewer values either lost cells (a page break
swallowed one) or ran cells together ("713000074" for 71 3 0 0 0 0 74). Each way of reading
it is a hypothesis; a hypothesis is kept only if it breaks no more of the table's equations
than the best one, and a cell gets a value only when every kept hypothesis gives it the same
value. Anything else stays null (cell_unreadable). A printed number is never changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, combinations, islice, product
from typing import Literal

from ..arithmetic import CellRef, Equation
from .tokens import Token, parse_number

CellStatus = Literal["printed", "blank", "unreadable", "derived", "split", "invalid"]
MAX_HYPOTHESES = 20_000
MAX_HOLES = 3


@dataclass
class Cell:
    value: int | float | None
    token: Token | None
    status: CellStatus = "printed"
    detail: str = ""


Grid = dict[CellRef, Cell]

# One reading of a run: for each slot, (value, token, how it was obtained).
Slot = tuple[int | float | None, Token | None, CellStatus]


def cell_from_token(token: Token, *, allow_fraction: bool = False, allow_negative: bool = False) -> Cell:
    """The cell a single printed token fills."""
    if token.kind == "null":
        return Cell(None, token, "blank")
    if token.kind == "doubt":
        return Cell(None, token, "unreadable", f"识别不确定（读作“{token.digits}”）")
    value = parse_number(token.text)
    if value is None:
        return Cell(None, token, "unreadable", "无法识别的数字")
    if isinstance(value, float) and not allow_fraction:
        return Cell(None, token, "invalid", f"计数应为整数，印为“{token.text}”")
    if value < 0 and not allow_negative:
        return Cell(value, token, "invalid", f"计数不应为负数，印为“{token.text}”")
    return Cell(value, token)


def _digit_splits(digits: str, parts: int) -> Iterator[list[int]]:
    """Ways to cut a digit string into `parts` numbers without leading zeros."""
    if parts == 1:
        if len(digits) == 1 or not digits.startswith("0"):
            yield [int(digits)]
        return
    for cut in range(1, len(digits) - parts + 2):
        head = digits[:cut]
        if len(head) > 1 and head.startswith("0"):
            break
        for rest in _digit_splits(digits[cut:], parts - 1):
            yield [int(head), *rest]


def _split_hypotheses(tokens: list[Token], slots: int) -> Iterator[list[Slot]]:
    extra = slots - len(tokens)
    splittable = [
        i for i, t in enumerate(tokens) if t.kind == "num" and t.digits.isdigit() and len(t.digits) > 1
    ]
    if not splittable or extra <= 0:
        return
    ranges = [range(0, min(len(tokens[i].digits) - 1, extra) + 1) for i in splittable]
    for counts in product(*ranges):
        if sum(counts) != extra:
            continue
        per_token = dict(zip(splittable, counts))
        options: list[list[list[int]]] = []
        for i, token in enumerate(tokens):
            n = per_token.get(i, 0)
            if n:
                options.append(list(_digit_splits(token.digits, n + 1)))
            else:
                options.append([[]])
        for choice in product(*options):
            reading: list[Slot] = []
            for token, pieces in zip(tokens, choice):
                if pieces:
                    reading.extend((v, token, "split") for v in pieces)
                else:
                    cell = cell_from_token(token)
                    reading.append((cell.value, token, cell.status))
            yield reading


def _hole_hypotheses(tokens: list[Token], slots: int) -> Iterator[list[Slot]]:
    holes = slots - len(tokens)
    if holes <= 0 or holes > MAX_HOLES:
        return
    for positions in combinations(range(slots), holes):
        reading: list[Slot] = []
        rest = iter(tokens)
        for slot in range(slots):
            if slot in positions:
                reading.append((None, None, "derived"))
            else:
                token = next(rest)
                cell = cell_from_token(token)
                reading.append((cell.value, token, cell.status))
        yield reading


def _apply(reading: list[Slot], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> tuple[int, list[Slot]]:
    """Fill holes the arithmetic determines; return (broken equations touching the run, reading)."""
    values = {ref: cell.value for ref, cell in grid.items()}
    holes = set()
    for ref, (value, _token, status) in zip(refs, reading):
        values[ref] = value
        if status == "derived":
            holes.add(ref)
    lookup = values.get
    changed = True
    while changed and holes:
        changed = False
        for hole in sorted(holes):
            answers = {
                eq.solve_for(hole, lookup)
                for eq in equations
                if hole in eq.cells and sum(1 for c in eq.cells if values.get(c) is None) == 1
            }
            answers.discard(None)
            if len(answers) == 1:
                answer = answers.pop()
                if answer is not None and answer >= 0 and float(answer).is_integer():
                    values[hole] = int(answer)
                    holes.discard(hole)
                    changed = True
    touched = set(refs)
    broken = sum(1 for eq in equations if touched.intersection(eq.cells) and eq.holds(lookup) is False)
    filled = [
        (values[ref], token, status) if status == "derived" else (value, token, status)
        for ref, (value, token, status) in zip(refs, reading)
    ]
    return broken, filled


def _decide(readings: list[list[Slot]], refs: list[CellRef], grid: Grid, why: str, anchor: Token) -> None:
    """Keep what every admissible reading agrees on; a derived cell's provenance is the run as printed."""
    for index, ref in enumerate(refs):
        options = [r[index] for r in readings]
        values = {o[0] for o in options}
        if len(values) != 1 or None in values:
            grid[ref] = Cell(None, options[0][1], "unreadable", why)
            continue
        value = options[0][0]
        tokens = {id(o[1]) for o in options}
        statuses = {o[2] for o in options}
        if statuses == {"printed"} and len(tokens) == 1:
            grid[ref] = Cell(value, options[0][1])
        elif statuses == {"split"} and len(tokens) == 1:
            grid[ref] = Cell(value, options[0][1], "split", f"“{options[0][1].text}”按表内勾稽关系唯一拆分")
        else:
            grid[ref] = Cell(value, anchor, "derived", why)


def fill_run(tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> None:
    """Put a run of printed values into `refs`, resolving a count mismatch by arithmetic."""
    if len(tokens) == len(refs):
        for ref, token in zip(refs, tokens):
            grid[ref] = cell_from_token(token)
        if any(t.kind == "doubt" for t in tokens):
            _confirm_doubtful(tokens, refs, grid, equations)
        return
    if len(tokens) > len(refs):
        for ref in refs:
            grid[ref] = Cell(None, tokens[0], "unreadable", f"此处印有{len(tokens)}个数，多于应有的{len(refs)}格，无法对位")
        return
    why = f"此处应有{len(refs)}格，只读到{len(tokens)}个数"
    # Every way of reading the run (cells run together, cells lost) that breaks none of the
    # equations it touches is admissible; only what they all agree on is kept.
    admissible: list[list[Slot]] = []
    readings = chain(_split_hypotheses(tokens, len(refs)), _hole_hypotheses(tokens, len(refs)))
    for reading in islice(readings, MAX_HYPOTHESES):
        broken, filled = _apply(reading, refs, grid, equations)
        if not broken:
            admissible.append(filled)
    if not admissible:
        for ref in refs:
            grid[ref] = Cell(None, tokens[0] if tokens else None, "unreadable", why + "，无法按勾稽关系唯一确定")
        return
    splits = all(any(status == "split" for _, _, status in reading) for reading in admissible)
    printed = Token("null", " ".join(t.text for t in tokens), tokens[0].line, tokens[0].page)
    _decide(admissible, refs, grid, why + ("，数字连在一起" if splits else ""), printed)


def _confirm_doubtful(tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> None:
    """Numbers OCR is unsure of count as unknown; the arithmetic decides them, or they stay null."""
    reading: list[Slot] = [
        (None, None, "derived") if t.kind == "doubt" else (grid[ref].value, t, grid[ref].status)
        for ref, t in zip(refs, tokens)
    ]
    _broken, filled = _apply(reading, refs, grid, equations)
    for ref, token, (value, _token, _status) in zip(refs, tokens, filled):
        if token.kind == "doubt" and value is not None:
            grid[ref] = Cell(value, token, "derived", f"识别不确定（读作“{token.digits}”）")
