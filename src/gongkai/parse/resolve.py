"""Decide what a damaged run of values says, using only the table's arithmetic.

A run that should fill `n` cells but prints fewer values either lost cells (a page break
swallowed one) or ran cells together ("713000074" for 71 3 0 0 0 0 74). Each way of reading
it is a hypothesis; a hypothesis is kept only if it breaks no more of the table's equations
than the best one, and a cell gets a value only when every kept hypothesis gives it the same
value. Anything else stays null (cell_unreadable). A printed number is never changed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Literal

from .. import limits
from ..arithmetic import CellRef, Equation, Lookup
from ..read import Box
from ..read.ocr import DOUBT_MARK
from .tokens import Token, digit_count, grouped_by_thousands, parse_number, prints_a_sign, too_long

CellStatus = Literal["printed", "blank", "unreadable", "derived", "split", "invalid"]
# How a document prints its blank cells: none is seen; with a mark ("/", "—"), so that one
# printed as nothing, hidden among digits run together, is a rare slip; or as nothing at all.
Blanks = Literal["none", "marked", "nothing"]
MAX_HYPOTHESES = 20_000
MAX_HOLES = 3
# Steps of every search of one document together (each cut tried, each reading weighed): a
# document whose damaged runs would take longer leaves the rest unreadable, never hangs.
DOCUMENT_STEPS = 2_000_000


class _Budget:
    def __init__(self, steps: int) -> None:
        self.left = steps


_budget: ContextVar[_Budget | None] = ContextVar("gongkai_search_budget", default=None)


@contextmanager
def search_budget(steps: int = DOCUMENT_STEPS) -> Iterator[None]:
    """Bound every search made inside the block (one document's parse) to `steps` in all."""
    token = _budget.set(_Budget(steps))
    try:
        yield
    finally:
        _budget.reset(token)


def spend_budget(steps: int = 1) -> bool:
    """Take `steps` from the document's search budget; False once it is spent."""
    budget = _budget.get()
    if budget is None:
        return True
    budget.left -= steps
    return budget.left >= 0


def _exhausted() -> bool:
    """The document's search budget is spent: a search that ended now may have ended early."""
    budget = _budget.get()
    return budget is not None and budget.left < 0


def _cell_digits() -> int:
    """The most digits one cell prints (`number_digits`)."""
    return limits.current().number_digits


def _shown(text: str, most: int = 24) -> str:
    """A printed token as a message quotes it: a very long one cut short."""
    return text if len(text) <= most else f"{text[:most]}…"


def _too_long_cell(token: Token) -> Cell:
    return Cell(
        None, token, "unreadable",
        f"“{_shown(token.text)}”有{digit_count(token.digits)}位数字，超过{_cell_digits()}位，不是计数或金额（限制 number_digits）",
    )


@dataclass(slots=True)
class Cell:
    value: int | float | None
    token: Token | None
    status: CellStatus = "printed"
    detail: str = ""


Grid = dict[CellRef, Cell]

# One reading of a run: for each slot, (value, token, how it was obtained).
Slot = tuple[int | float | None, Token | None, CellStatus]


def union_box(tokens: list[Token]) -> Box | None:
    """The rectangle holding a run's printed tokens, when all are located on one page."""
    if not tokens or any(t.box is None or t.page != tokens[0].page for t in tokens):
        return None
    boxes = [t.box for t in tokens if t.box is not None]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def cell_from_token(token: Token, *, allow_fraction: bool = False, allow_negative: bool = False) -> Cell:
    """The cell a single printed token fills."""
    number = token.number
    if token.kind == "num" and number.isdecimal() and (len(number) == 1 or number[0] != "0") and len(number) <= limits.current().number_digits:
        return Cell(int(number), token)  # the common case, kept cheap
    if token.kind == "null":
        return Cell(None, token, "blank")
    if too_long(token.number or token.text):
        return _too_long_cell(token)
    if token.kind == "doubt":
        if "/" in token.text:
            return Cell(None, token, "unreadable", f"“{token.text}”可能是两个数之间一格空白，也可能是页码连在数字后面，无法确定")
        if not token.text.startswith(DOUBT_MARK):
            return Cell(None, token, "unreadable", f"“{token.text}”紧跟在前一格后面，负号也可能是表示空格的“－”")
        return Cell(None, token, "unreadable", f"识别不确定（读作“{token.digits}”）")
    value = parse_number(token.number or token.text)
    if run_together(token):
        return Cell(None, token, "unreadable", f"“{token.text}”是几个数连在一起")
    if value is None:
        return Cell(None, token, "unreadable", "无法识别的数字")
    if isinstance(value, float) and not allow_fraction:
        return Cell(None, token, "invalid", f"计数应为整数，印为“{token.text}”")
    if value < 0 and not allow_negative:
        return Cell(value, token, "invalid", f"计数不应为负数，印为“{token.text}”")
    return Cell(value, token)


_SPLITTABLE = re.compile(r"([+\-]?)(\d+)(?:\.(\d+))?")


def _number_parts(token: Token) -> tuple[str, str, str] | None:
    """(sign, integer digits, fraction digits) of a value token that may hold several cells."""
    if token.kind != "num":
        return None
    if grouped_by_thousands(token):
        return None  # thousands separators group one number's digits
    match = _SPLITTABLE.fullmatch(token.number or token.digits)
    return None if match is None else (match.group(1), match.group(2), match.group(3) or "")


def splittable_token(token: Token) -> bool:
    """Digits that may be several cells run together ("713000074", "14项-146" read as "-146").

    A sign belongs to the first of the cells, a decimal part or a unit to the last ("914件" may
    be 91 and 4件); a number printed with thousands separators is one cell.
    """
    parts = _number_parts(token)
    return parts is not None and len(parts[1]) > 1


def _integer_digits(token: Token) -> str:
    parts = _number_parts(token)
    return parts[1] if parts else token.digits


def _fewest_pieces(digits: str) -> list[int]:
    """For each place in `digits` (and its end), the fewest numbers the digits from there are
    cut into: no leading zero but a lone 0, none longer than `number_digits`."""
    widest = _cell_digits()
    fewest = [len(digits)] * len(digits) + [0]
    for start in range(len(digits) - 1, -1, -1):
        longest = 1 if digits[start] == "0" else min(widest, len(digits) - start)
        fewest[start] = 1 + min(fewest[start + length] for length in range(1, longest + 1))
    return fewest


def run_together(token: Token) -> bool:
    """Digits no single cell prints ("000", "0512"): several cells run together."""
    digits = token.digits
    return len(digits) > 1 and digits[0] == "0" and digits.isdigit()


def cells_a_blank_may_hide(tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> set[CellRef]:
    """The cells of a decided run-together run that a hidden blank cell would read differently.

    Glued text hides blank cells: "129" for three cells is 1 2 9, or 1 _ 29, or 12 _ 9, or
    _ _ 129. A reading with one blank or more counts when every equation it touches holds or
    could hold (a blank is an unknown count ≥ 0); every cell it reads differently from the grid
    is in doubt. With no equation, only digits that cannot be read with a blank ("000") are
    settled.
    """
    parts = _number_parts(tokens[0]) if len(tokens) == 1 else None
    if parts is None or len(refs) < 2 or parts[0] or parts[2] or len(parts[1]) < 2:
        return set(refs)  # several tokens, a sign or a fraction: not weighed, all in doubt
    values = {ref: cell.value for ref, cell in grid.items()}
    decided = [values.get(ref) for ref in refs]
    # An equation is checked as soon as its last cell in the run is assigned.
    last: dict[int, list[Equation]] = {index: [] for index in range(len(refs))}
    for eq in equations:
        positions = [refs.index(c) for c in eq.cells if c in refs]
        if positions:
            last[max(positions)].append(eq)
    doubtful: set[CellRef] = set()
    budget = [MAX_HYPOTHESES]
    digits = tokens[0].digits
    widest = _cell_digits()
    if len(digits) > len(refs) * widest:
        return set(refs)

    def assign(index: int, at: int, blank_used: bool) -> bool:
        """Extend a reading from cell `index` at digit `at`; False when the budget ran out."""
        budget[0] -= 1
        if budget[0] < 0 or not spend_budget():
            return False
        if index == len(refs):
            if at == len(digits) and blank_used:
                doubtful.update(ref for ref, old in zip(refs, decided) if values[ref] != old)
            return True
        if len(doubtful) == len(refs):
            return True  # every cell in doubt already: no reading can add to it
        choices: list[tuple[int | None, int]] = []
        later = len(refs) - index - 1
        if len(digits) - at <= later * widest:
            choices.append((None, at))  # a blank here: as many as there may be
        # No more digits than the later cells can hold.
        for end in range(at + 1, min(len(digits), at + widest) + 1):
            piece = digits[at:end]
            if len(piece) > 1 and piece[0] == "0":
                break
            if len(digits) - end > (len(refs) - index - 1) * widest:
                continue
            choices.append((int(piece), end))
        for value, end in choices:
            values[refs[index]] = value
            possible = all(_possible(eq, values) for eq in last[index])
            if possible and not assign(index + 1, end, blank_used or value is None):
                return False
        values[refs[index]] = decided[index]
        return True

    if not assign(0, 0, False):
        return set(refs)
    return doubtful


EPSILON = 1e-9  # how far two sums of amounts may differ and still be equal


def may_hold(low: float, high: float, unknown_left: bool, unknown_right: bool) -> bool:
    """Left minus right lies in [low, high]: can the equation hold? An unknown count ≥ 0 on the
    left makes up any shortfall there, one on the right any excess."""
    if unknown_left and unknown_right:
        return True
    if unknown_left:
        return low <= EPSILON
    if unknown_right:
        return high >= -EPSILON
    return low <= EPSILON and high >= -EPSILON


def may_still_hold(equation: Equation, lookup: Lookup) -> bool:
    """Whether `equation` may hold, each unknown cell (a blank, a cell not read) any count ≥ 0."""
    difference, unknown_left, unknown_right = 0.0, False, False
    for side, cells in ((1, equation.left), (-1, equation.right)):
        for ref in cells:
            value = lookup(ref)
            if value is not None:
                difference += side * value
            elif side == 1:
                unknown_left = True
            else:
                unknown_right = True
    return may_hold(difference, difference, unknown_left, unknown_right)


def _possible(equation: Equation, values: dict[CellRef, int | float | None]) -> bool:
    """An equation holds, or could hold: its one unknown cell (a blank) would be a count ≥ 0."""
    unknown = [cell for cell in equation.cells if values.get(cell) is None]
    if not unknown:
        return equation.holds(values.get) is not False
    if len(unknown) > 1:
        return True
    needed = equation.solve_for(unknown[0], values.get)
    return needed is None or needed >= 0


def _set_apart(tokens: list[Token]) -> bool:
    """Values printed in columns: on each line that holds several of them, each two spaces or
    more from the next, and none glued to a label. None of them is several cells run together
    ("10" there is ten, not 1 and 0), nor is a value alone on its line beside them."""
    if any(t.column is None or t.glued for t in tokens):
        return False
    lines: dict[int, list[Token]] = {}
    for token in tokens:
        lines.setdefault(token.line, []).append(token)
    shared = [values for values in lines.values() if len(values) > 1]
    return bool(shared) and all(
        b.column - a.column - len(a.text) >= 2 for values in shared for a, b in pairwise(values) if a.column is not None and b.column is not None
    )


def _hole_hypotheses(tokens: list[Token], slots: int) -> Iterator[list[Slot]]:
    holes = slots - len(tokens)
    if holes <= 0 or holes > MAX_HOLES:
        return
    # Cells are lost only where the text separates them; glued to labels, they ran together.
    if all(t.glued for t in tokens) or any(run_together(t) for t in tokens):
        return
    if in_pieces(tokens):  # rows an extractor's reading order cut apart, not one with a cell lost
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


def in_pieces(tokens: list[Token]) -> bool:
    """Numbers on several lines, some sharing one ("19 0 1" then "13 0 4", or "18 32 25" beside
    a label, then one number per line): pieces an extractor's reading order cut out of rows."""
    per_line = Counter(t.line for t in tokens)
    return len(per_line) > 1 and max(per_line.values()) > 1


def apply_reading(reading: list[Slot], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> tuple[int, list[Slot]]:
    """Fill holes the arithmetic determines; return (broken equations touching the run, reading)."""
    equations = equations_touching(equations, refs)  # (the others tell nothing of the run)
    # The grid's values of every cell these equations weigh, the reading's for its own cells: a
    # dict's own lookup, not a function weighing the reading then the grid for each cell.
    values: dict[CellRef, int | float | None] = {
        ref: None if (cell := grid.get(ref)) is None else cell.value for eq in equations for ref in eq.cells
    }
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
                if hole in eq.cells and sum(1 for c in eq.cells if lookup(c) is None) == 1
            }
            answers.discard(None)
            if len(answers) == 1:
                answer = answers.pop()
                if answer is not None and answer >= 0 and float(answer).is_integer():
                    values[hole] = int(answer)
                    holes.discard(hole)
                    changed = True
    broken = sum(1 for eq in equations if eq.holds(lookup) is False)
    filled: list[Slot] = [
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
        elif statuses == {"split"} and len(tokens) == 1 and (token := options[0][1]) is not None:
            grid[ref] = Cell(value, token, "split", f"“{token.text}”按表内勾稽关系唯一拆分")
        else:
            grid[ref] = Cell(value, anchor, "derived", why)


def fill_run(
    tokens: list[Token],
    refs: list[CellRef],
    grid: Grid,
    equations: list[Equation],
    signed: frozenset[CellRef] | None = None,
    hidden_blank: bool = False,
) -> None:
    """Put a run of printed values into `refs`, resolving a count mismatch by arithmetic.
    `signed`: when given, the only cells a reading may put a negative number in (本年增/减);
    a dash glued before digits ("14-147", "0-0") is then its minus or a blank's mark, each read
    — and, where the document prints blank cells (`hidden_blank`), with a blank printed as
    nothing anywhere among them too ("9-9" before the next label: 9 −9 _, or 9 _ 9)."""
    if signed is not None and any(_dash_glued_before_digits(t) for t in tokens):
        as_minus = [t._replace(kind="num") if _dash_glued_before_digits(t) else t for t in tokens]
        if len(tokens) < len(refs):
            _fill_from_spellings([as_minus, _dashes_as_blanks(tokens)], refs, grid, equations, signed, hidden_blank)
            return
        tokens = as_minus
    counter = next((t for t in tokens if t.kind == "doubt" and "/" in t.text), None)
    if counter is not None and len(tokens) != len(refs):
        # "4246/8": which digits are the row's is unknown, so none of its cells is placed.
        for ref in refs:
            grid[ref] = cell_from_token(counter)
        return
    if len(tokens) >= len(refs) and any(run_together(t) for t in tokens):
        # "0002" is several cells, yet the run has no cell to spare: where any of its
        # numbers belongs is unknown.
        for ref in refs:
            grid[ref] = Cell(None, tokens[0], "unreadable", f"此处“{_shown(' '.join(t.text for t in tokens), 60)}”中有连在一起的数字，与应有的{len(refs)}格对不上")
        return
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
    grouped = next((b for a, b in pairwise(tokens) if _grouped_against(a, b)), None)
    if grouped is not None:
        # "23+163,893": the grouped digits' first ones («16») may end the cell before (23 +16
        # 3,893): a number grouped by thousands is one cell only where the text sets it apart.
        why = f"此处应有{len(refs)}格，只读到{len(tokens)}个数；“{grouped.text}”紧接前一个数，其前几位可能属于另一格，无法唯一确定"
        for ref in refs:
            grid[ref] = Cell(None, tokens[0], "unreadable", why)
        return
    printed = sum(digit_count(t.digits) for t in tokens if t.kind == "num")
    if printed > len(refs) * _cell_digits():
        # More digits than the cells can hold: no reading of them is a table's, none is tried.
        why = (
            f"此处“{_shown(' '.join(t.text for t in tokens))}”共{printed}位数字，应有的{len(refs)}格每格至多{_cell_digits()}位，"
            "不可能是这些格的数字（限制 number_digits）"
        )
        for ref in refs:
            grid[ref] = Cell(None, tokens[0], "unreadable", why)
        return
    admissible = admissible_readings(tokens, refs, grid, equations)
    if admissible is not None and signed is not None:
        admissible = [reading for reading in admissible if _signs_in_place(reading, refs, signed)]
    decide_run(tokens, refs, grid, admissible)


def _dash_glued_before_digits(token: Token) -> bool:
    """「-147」 (after a value or a label): 本年增/减's minus or a blank's mark before 147."""
    return token.kind in ("doubt", "num") and token.number[:1] == "-" and token.number[1:].isdigit() and token.text[1:].isdigit()


def _dashes_as_blanks(tokens: list[Token]) -> list[Token]:
    """The run with each dash glued before digits read as a blank's mark, then the number."""
    out: list[Token] = []
    for token in tokens:
        if _dash_glued_before_digits(token):
            column = None if token.column is None else token.column + 1
            out += [token._replace(kind="null", text=token.text[0], number=""), token._replace(kind="num", text=token.text[1:], number=token.text[1:], column=column)]
        else:
            out.append(token)
    return out


def _fill_from_spellings(
    spellings: list[list[Token]], refs: list[CellRef], grid: Grid, equations: list[Equation], signed: frozenset[CellRef], hidden_blank: bool
) -> None:
    """Fill `refs` from every reading of every spelling of a run (`hidden_blank`: and of each
    spelling one cell short, a blank printed as nothing put in each place): a cell keeps the
    value all give it."""
    readings: list[list[Slot]] = []
    for spelling in spellings:
        found = _spelling_readings(spelling, refs, grid, equations)
        if hidden_blank and len(spelling) < len(refs):
            for at in range(len(refs)):
                shorter = _spelling_readings(spelling, refs[:at] + refs[at + 1 :], grid, equations)
                found = None if found is None or shorter is None else found + [r[:at] + [(None, None, "blank")] + r[at:] for r in shorter]
        if found is None:
            decide_run(spellings[0], refs, grid, None)
            return
        readings += [reading for reading in found if _signs_in_place(reading, refs, signed)]
    decide_run(spellings[0], refs, grid, readings)


def _spelling_readings(spelling: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> list[list[Slot]] | None:
    """The readings of one spelling of a run into `refs`: as printed when it has a value per cell
    (none where it has more); None when there are too many."""
    if len(spelling) == len(refs):
        return [[(cell.value, token, cell.status) for cell, token in ((cell_from_token(t), t) for t in spelling)]]
    if len(spelling) > len(refs):
        return []
    return admissible_readings(spelling, refs, grid, equations)


def _grouped_against(before: Token, token: Token) -> bool:
    """A number grouped by thousands separators printed right after another value, no space between."""
    return (
        grouped_by_thousands(token)
        and before.line == token.line
        and before.column is not None
        and token.column == before.column + len(before.text)
    )


def _signs_in_place(reading: list[Slot], refs: list[CellRef], signed: frozenset[CellRef]) -> bool:
    """Whether a reading puts every printed sign ("+3", "-12") and every negative number in a
    cell that may be signed (本年增/减): a sign before digits run together is the first cell's."""
    started: set[int] = set()  # tokens whose first piece is placed
    for ref, (value, token, _status) in zip(refs, reading):
        first_piece = token is not None and id(token) not in started
        if token is not None:
            started.add(id(token))
        sign_here = first_piece and token is not None and prints_a_sign(token)
        if ref not in signed and (sign_here or (value is not None and value < 0)):
            return False
    return True


def equations_touching(equations: list[Equation], refs: list[CellRef]) -> list[Equation]:
    """The equations with a cell among `refs`."""
    run = set(refs)
    return [eq for eq in equations if not run.isdisjoint(eq.cells)]


def admissible_readings(
    tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation], *, holes: bool = True
) -> list[list[Slot]] | None:
    """Every way of reading a short run (cells run together, cells lost) that breaks none of the
    equations it touches, given the grid; None when there are too many to weigh them all.
    `holes`: whether cells may have been lost (False: only cut apart)."""
    admissible: list[list[Slot]] = []
    equations = equations_touching(equations, refs)  # (the others tell nothing of the run: weighed once, not per reading)
    if len(refs) > len(tokens) and any(splittable_token(t) for t in tokens) and not _set_apart(tokens):
        # Cut cell by cell, a cut dropped as soon as an equation it completes breaks: one number
        # for a whole row or table ("000001020302226") too.
        cut = readings_cut(tokens, refs, grid, equations, blanks=False)
        if cut is None:
            return None
        admissible.extend(cut)
    for tried, reading in enumerate(_hole_hypotheses(tokens, len(refs)) if holes else (), start=1):
        if tried > MAX_HYPOTHESES or not spend_budget(len(refs)):
            return None  # a choice among the first few would be a guess
        broken, filled = apply_reading(reading, refs, grid, equations)
        if not broken:
            admissible.append(filled)
    if _exhausted():
        return None  # the hypotheses were cut short: the readings found are not all of them
    return admissible


MAX_CUT_STEPS = 200_000


def readings_cut(tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation], *, blanks: bool) -> list[list[Slot]] | None:
    """Every reading of a run into `refs` that breaks no equation it touches, blanks and the
    grid's unknown cells counting as any count ≥ 0; None past the budget or `MAX_HYPOTHESES`
    readings. A value is read whole, or (its digits run together, the run not printed in
    columns) cut into numbers as `_number_parts` parts it: a sign on the first, a fraction on
    the last. `blanks`: readings with one blank cell or more printed as nothing among the
    values (before, between or inside the numbers it cuts apart), else readings with none. Cells are read one by one, and each equation is
    weighed as soon as its last cell in the run is read: most cuttings, and most places for
    the blanks, are ruled out long before the run is read to its end."""
    cuttable = not _set_apart(tokens)
    if not cuttable and any(run_together(t) for t in tokens):
        return []  # digits no single cell prints, which the run's columns do not let be cut
    parts = [_number_parts(t) if cuttable and splittable_token(t) else None for t in tokens]
    fewest = [_fewest_pieces(p[1]) if p is not None else [1, 0] for p in parts]
    after = [0] * (len(tokens) + 1)  # the fewest cells the tokens from each one on are read as
    for t in range(len(tokens) - 1, -1, -1):
        after[t] = after[t + 1] + fewest[t][0]
    values: dict[CellRef, int | float | None] = {ref: cell.value for ref, cell in grid.items()}
    for ref in refs:
        values[ref] = None
    last: dict[int, list[Equation]] = {index: [] for index in range(len(refs))}
    positions = {ref: index for index, ref in enumerate(refs)}
    for eq in equations:
        inside = [positions[c] for c in eq.cells if c in positions]
        if inside:
            last[max(inside)].append(eq)
    widest = _cell_digits()
    found: list[list[Slot]] = []
    chosen: list[Slot] = []
    steps = [MAX_CUT_STEPS]

    def read(index: int, token: int, at: int, hidden: int) -> bool:
        """Read cell `index` on, from token `token` (its digits from `at`, when it is being cut);
        False when the budget ran out."""
        steps[0] -= 1
        if steps[0] < 0 or len(found) > MAX_HYPOTHESES or not spend_budget():
            return False
        if index == len(refs):
            if token == len(tokens) and (hidden > 0) == blanks:
                found.append(list(chosen))
            return True
        needed = after[token] if at == 0 else fewest[token][at] + after[token + 1]
        options: list[tuple[Slot, int, int]] = []  # (the cell, the token read next, where in it)
        if blanks and len(refs) - index - 1 >= needed:
            options.append(((None, None, "blank"), token, at))
        if token < len(tokens):
            printed, part = tokens[token], parts[token]
            if at == 0 and not run_together(printed):
                cell = cell_from_token(printed)
                options.append(((cell.value, printed, cell.status), token + 1, 0))
            if part is not None:
                sign, digits, fraction = part
                # Cut apart: the first piece leaves at least one digit to the next.
                for end in range(at + 1, min(len(digits) - (1 if at == 0 else 0), at + widest) + 1):
                    piece = digits[at:end]
                    if len(piece) > 1 and piece[0] == "0":
                        break
                    value: int | float = -int(piece) if at == 0 and sign == "-" else int(piece)
                    if end == len(digits) and fraction:
                        value = float(f"{piece}.{fraction}")
                    options.append(((value, printed, "split"), token + 1 if end == len(digits) else token, 0 if end == len(digits) else end))
        for slot, next_token, next_at in options:
            values[refs[index]] = slot[0]
            if all(may_still_hold(eq, values.get) for eq in last[index]):
                chosen.append(slot)
                completed = read(index + 1, next_token, next_at, hidden + (slot[1] is None))
                chosen.pop()
                if not completed:
                    return False
        values[refs[index]] = None
        return True

    return found if read(0, 0, 0, 0) else None


def decide_run(tokens: list[Token], refs: list[CellRef], grid: Grid, admissible: list[list[Slot]] | None) -> None:
    """Keep what every admissible reading of a short run agrees on; the rest is unreadable."""
    why = f"此处应有{len(refs)}格，只读到{len(tokens)}个数"
    if admissible is None:
        for ref in refs:
            grid[ref] = Cell(None, tokens[0], "unreadable", why + "，可能的读法太多，无法唯一确定")
        return
    if not admissible:
        for ref in refs:
            grid[ref] = Cell(None, tokens[0] if tokens else None, "unreadable", why + "，无法按勾稽关系唯一确定")
        return
    splits = all(any(status == "split" for _, _, status in reading) for reading in admissible)
    printed = Token(
        "null", " ".join(t.text for t in tokens), tokens[0].line, tokens[0].page, tokens[0].column,
        box=union_box(tokens), confidence=min((t.confidence for t in tokens if t.confidence is not None), default=None),
    )
    _decide(admissible, refs, grid, why + ("，数字连在一起" if splits else ""), printed)


MAX_JOINT = 50_000  # combinations tried, at most


def decide_jointly(runs: list[tuple[list[Token], list[CellRef]]], grid: Grid, equations: list[Equation]) -> None:
    """Short runs no one of which the arithmetic settles alone, weighed together.

    Each run's admissible readings are combined with every other's; a combination is kept only
    if it breaks no equation. A cell gets a value only when every kept combination gives it the
    same one; too many combinations to try them all settle nothing.
    """
    options = [admissible_readings(tokens, refs, grid, equations) for tokens, refs in runs]
    if any(o is None for o in options) or any(not o for o in options):
        return
    readings = [o for o in options if o is not None]
    total = 1
    for r in readings:
        total *= len(r)
    if total > MAX_JOINT:
        return
    # Only the equations a run's cells are in can break when that run is chosen.
    checks = [equations_touching(equations, refs) for _tokens, refs in runs]
    values = {ref: cell.value for ref, cell in grid.items()}
    kept: list[set[int]] = [set() for _ in runs]
    order = sorted(range(len(runs)), key=lambda i: len(readings[i]))
    steps = [MAX_JOINT]

    def assign(depth: int, chosen: dict[int, int]) -> bool:
        """False when the budget ran out: then nothing is settled."""
        steps[0] -= 1
        if steps[0] < 0 or not spend_budget():
            return False
        if depth == len(order):
            for run, pick in chosen.items():
                kept[run].add(pick)
            return True
        run = order[depth]
        _tokens, refs = runs[run]
        for pick, reading in enumerate(readings[run]):
            for ref, slot in zip(refs, reading):
                values[ref] = slot[0]
            if not any(eq.holds(values.get) is False for eq in checks[run]):
                chosen[run] = pick
                if not assign(depth + 1, chosen):
                    return False
                del chosen[run]
        for ref in refs:
            values[ref] = None
        return True

    for _tokens, refs in runs:
        for ref in refs:
            values[ref] = None
    if not assign(0, {}):
        return
    for index, (tokens, refs) in enumerate(runs):
        decide_run(tokens, refs, grid, [readings[index][pick] for pick in sorted(kept[index])])


def _confirm_doubtful(tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> None:
    """Numbers OCR is unsure of count as unknown; the arithmetic decides them, or they stay null."""
    reading: list[Slot] = [
        (None, None, "derived") if t.kind == "doubt" else (grid[ref].value, t, grid[ref].status)
        for ref, t in zip(refs, tokens)
    ]
    _broken, filled = apply_reading(reading, refs, grid, equations)
    for ref, token, (value, _token, _status) in zip(refs, tokens, filled):
        if token.kind == "doubt" and value is not None:
            grid[ref] = Cell(value, token, "derived", f"识别不确定（读作“{token.digits}”）")
