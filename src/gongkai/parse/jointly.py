"""Settle a table's damaged runs together: every reading of every run against every equation.

A run the arithmetic does not settle alone ("816" for two cells: 8 16 or 81 6) is often
settled by the column sums it shares with other damaged runs, which are themselves open. Each
run's readings are listed (cut apart, a cell lost where the text separates cells, and — where
the document prints blank cells and the run's digits are glued — blank cells hidden among
them, printed as nothing, any number of them). A combination of one reading per run holds when it breaks no
equation, a blank or unknown cell counting as any count ≥ 0 (a blank in a run at most what
the run's own sums leave it: a row's total); a cell gets a value only when
every combination that holds gives it the same one: what the arithmetic determines, never a
guess. That is proved without listing the combinations: one is found, then for each run one
in which it reads a cell differently is sought (`_settled_readings`). A question that would
take too long leaves its run to the caller, which weighs runs one at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..arithmetic import CellRef, Equation
from .resolve import (
    EPSILON,
    Blanks,
    Grid,
    Slot,
    admissible_readings,
    apply_reading,
    cell_from_token,
    decide_run,
    may_hold,
    readings_cut,
    run_together,
    spend_budget,
    splittable_token,
)
from .tokens import Token, TokenKind, grouped_by_thousands, touching

MAX_READINGS = 4_000  # readings of one run, at most: a run with more stays open
MAX_STEPS = 150_000  # readings weighed against their equations, for one question at most


@dataclass
class _Run:
    tokens: list[Token]
    refs: list[CellRef]
    readings: list[list[Slot]] | None  # None: too many


def _exact_reading(tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> list[list[Slot]]:
    """As many values as cells, none run together: the run read as printed, if it breaks nothing."""
    cells = [cell_from_token(t) for t in tokens]
    reading: list[Slot] = [(c.value, t, c.status) for c, t in zip(cells, tokens, strict=True)]
    broken, filled = apply_reading(reading, refs, grid, equations)
    return [] if broken else [filled]


def _readings_into(tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation], holes: bool) -> list[list[Slot]] | None:
    """The readings of `tokens` into `refs`; `holes`: cells may also have been lost (one
    hypothesis of damage at a time: a run read with a hidden blank or its dashes respelled is
    only cut apart)."""
    if not refs or len(tokens) > len(refs):
        return []
    if len(tokens) == len(refs):
        if any(run_together(t) or t.kind == "doubt" for t in tokens):
            return []
        return _exact_reading(tokens, refs, grid, equations)
    return admissible_readings(tokens, refs, grid, equations, holes=holes)


def _misread(token: Token) -> bool:
    """A value no count prints as such: below zero («-4», a page footer's or an agency's error),
    or characters no number reads. A spelling keeping one is damage of its own; with blanks
    hidden among its digits too, it would let any cell be anything, so it is weighed without."""
    return token.kind == "doubt" or (token.kind == "num" and cell_from_token(token).status == "invalid")


def _may_hide_blank(tokens: list[Token], refs: list[CellRef]) -> bool:
    """Fewer values printed than cells, some of them run together (digits, or values printed
    against each other: «————3—4—7»): a blank printed as nothing may sit among them, unseen.
    (Where every value stands apart, a blank printed as nothing leaves a gap: a lost cell.)"""
    return len(tokens) < len(refs) and (any(splittable_token(t) for t in tokens) or any(touching(a, b) for a, b in pairwise(tokens)))


DASHES = "-－"
DOUBLE_DASHES = frozenset({"——", "--", "－－", "-－", "－-"})
SINGLE_DASHES = "-－—"
MAX_SPELLINGS = 64  # ways of reading a run's dashes, at most


def leading_dashes(text: str) -> int:
    """How many dashes a printed value starts with: before a table 三 count, blanks' marks."""
    return len(text) - len(text.lstrip(DASHES))


def _as_blanks(dashes: str, token: Token) -> list[list[Token]]:
    """Dashes printed for blank cells: one cell, or — two dashes — one cell each."""
    whole = [Token("null", dashes, token.line, token.page, token.column)]
    if len(dashes) != 2:
        return [whole]
    return [whole, [Token("null", dash, token.line, token.page, token.column) for dash in dashes]]


def _without_unit(text: str) -> str:
    """A number's text without the unit printed after it (「1,1120件」)."""
    end = len(text)
    while end and not text[end - 1].isdigit():
        end -= 1
    return text[:end]


def _grouped_as_one(token: Token) -> bool:
    """Whether a number printed with thousands separators groups its digits as one number does:
    one to three digits, then groups of exactly three («1,1120» is 1,112 and a 0 run on)."""
    parts = _without_unit(token.text.replace("，", ",")).split(",")
    return 1 <= len(parts[0]) <= 3 and all(len(part) == 3 for part in parts[1:])


def _grouped_numbers(token: Token) -> list[list[Token]]:
    """Ways to read digits glued to numbers printed with thousands separators.

    "5,0760101441205,242" is 5,076, the digits 0101441 20 (cells run together) and 5,242: a
    separator is followed by exactly three digits, and the number it belongs to starts one to
    three digits before it (never with a 0). Each way gives the numbers whole and the loose
    digits as a run to cut apart.
    """
    text = _without_unit(token.text.replace("，", ","))
    parts = text.split(",")
    if len(parts) < 2 or not all(part.isdigit() for part in parts) or any(len(part) < 3 for part in parts[1:]):
        return []
    column = token.column

    def piece(start: int, end: int) -> Token:
        printed = token.text[start:end]
        number = printed.replace(",", "").replace("，", "")
        at = None if column is None else column + start
        return Token("num", printed, token.line, token.page, at, number, True, token.box, token.confidence)

    found: list[list[Token]] = []

    def walk(index: int, at: int, head_start: int, done: list[Token]) -> None:
        """`parts[index]` starts at `at`; the number being read started at `head_start`."""
        group_end = at + 3
        rest = parts[index][3:]
        if index == len(parts) - 1:
            tail = [piece(group_end, group_end + len(rest))] if rest else []
            found.append([*done, piece(head_start, group_end), *tail])
            return
        if not rest:
            walk(index + 1, group_end + 1, head_start, done)  # "1,234,567": the same number goes on
            return
        number = piece(head_start, group_end)
        for head in (1, 2, 3):
            if head > len(rest) or rest[len(rest) - head] == "0":
                continue
            loose = rest[: len(rest) - head]
            start = group_end + len(loose)
            walk(index + 1, start + head + 1, start, [*done, number, *([piece(group_end, start)] if loose else [])])

    first = parts[0]
    for head in (1, 2, 3):
        if head > len(first) or first[len(first) - head] == "0":
            continue
        loose = first[: len(first) - head]
        walk(1, len(first) + 1, len(loose), [piece(0, len(loose))] if loose else [])
    return [spelling for spelling in found if len(spelling) > 1]


def _around_a_slash(token: Token) -> list[list[Token]]:
    """"4246/8" (see `tokens._glued_page_counters`): 4246, a blank "/" and 8 — or 424 with the
    page counter "6/8" glued to it, the counter no cell of the table; "8/11000" is also the
    counter "8/11" glued before 000 (a page's number, then its count of pages, no smaller)."""
    before, slash, after = token.text.partition("/") if "/" in token.text else token.text.partition("／")
    bare = before[leading_dashes(before) :]  # 「-01/20」: a blank's dash may open it
    if not (bare.isdecimal() and bare.isascii() and after.isdecimal() and after.isascii()):
        return []
    column = token.column

    def piece(kind: TokenKind, start: int, text: str) -> Token:
        at = None if column is None else column + start
        return Token(kind, text, token.line, token.page, at, text if kind == "num" else "", True, token.box, token.confidence)

    spellings = [[piece("num", 0, before), piece("null", len(before), slash), piece("num", len(before) + 1, after)]]
    for page_width in (1, 2):
        for count_width in (1, 2):
            page, count = before[-page_width:], after[:count_width]
            head, rest = before[:-page_width], after[count_width:]
            if len(bare) < page_width or len(after) < count_width or not (head or rest) or page[0] == "0" or count[0] == "0":
                continue
            if int(page) <= int(count):
                spellings.append(([piece("num", 0, head)] if head else []) + ([piece("num", len(before) + 1 + count_width, rest)] if rest else []))
    return spellings


def _spellings(tokens: list[Token], width: int, single_marks: frozenset[str], marks: bool, seen_marks: frozenset[str] | None) -> list[tuple[list[Token], int]]:
    """The run as printed, and the ways its marks may print blank cells or numbers instead,
    each with how far it is from the text as printed (`_blank_costs`; a dash-glued count read
    whole, below zero: 1). `marks`: the document prints blanks with marks at all.

    Table 三 counts are never negative, so a dash glued before digits ("55-17001094",
    "办理－－10001") is a minus only as an agency's error, or the blank cell(s) printed before
    them; "——" or "--" is one blank cell or two; digits glued to a number with thousands
    separators are cells of their own; "4246/8" is two numbers and a blank, or a number and a
    page counter; a page footer may be glued among the values (`_without_footers`). Each
    spelling is weighed like the printed one; the arithmetic decides.
    """
    found: list[tuple[list[Token], int]] = []
    for printed, damage in _without_footers(tokens):
        found.extend((spelling, extra + damage) for spelling, extra in _marks_spelled(printed, width, single_marks, marks, seen_marks))
    return found


_FRAMED_NUMBER = re.compile(r"[-－—–][1-9]\d{0,2}")


def _without_footers(tokens: list[Token]) -> list[tuple[list[Token], int]]:
    """The run as printed and, for each page footer 「-6-」 it may carry glued among its values
    (「总计-6-00件0件…」: a flattened page's footer, its closing dash glued to the next count),
    the run without it — one hypothesis of damage."""
    found: list[tuple[list[Token], int]] = [(tokens, 0)]
    for index, (framed, after) in enumerate(pairwise(tokens)):
        if framed.kind not in ("num", "doubt") or not _FRAMED_NUMBER.fullmatch(framed.text) or after.line != framed.line:
            continue
        if after.text[:1] not in DASHES or (framed.column is not None and after.column is not None and after.column != framed.column + len(framed.text)):
            continue
        rest = after.text[1:]
        if not rest:
            kept = []
        elif _without_unit(rest).isdigit():
            column = None if after.column is None else after.column + 1
            kept = [Token("num", rest, after.line, after.page, column, _without_unit(rest), True, after.box, after.confidence)]
        else:
            continue
        found.append(([*tokens[:index], *kept, *tokens[index + 2 :]], 1))
    return found


def _marks_spelled(tokens: list[Token], width: int, single_marks: frozenset[str], marks: bool, seen_marks: frozenset[str] | None) -> list[tuple[list[Token], int]]:
    """`_spellings` of a run with no page footer in it."""
    spellings: list[tuple[list[Token], int]] = [([], 0)]
    for index, token in enumerate(tokens):
        options: list[tuple[list[Token], int]] = [([token], 0)]
        dashes = leading_dashes(token.text)
        rest = token.text[dashes:]
        digits = _without_unit(rest)  # 「-2件」: a unit printed after the count
        if marks and token.kind in ("doubt", "num") and dashes in (1, 2) and digits.isdigit():
            column = None if token.column is None else token.column + dashes
            number = Token("num", rest, token.line, token.page, column, digits, True, token.box, token.confidence)
            costs = _blank_costs(token.text[:dashes], single_marks, seen_marks)
            options = [([token], 1)]  # as printed, a count below zero: a cell the text does not print as such
            options.extend(([*blanks, number], cost) for cost, blanks in zip(costs, _as_blanks(token.text[:dashes], token), strict=False))
        elif token.kind == "null" and token.text in DOUBLE_DASHES and not _set_apart(tokens, index):
            one, two = _blank_costs(token.text, single_marks, seen_marks)
            options = [([token], one), (_as_blanks(token.text, token)[1], two)]
        elif token.kind == "num" and grouped_by_thousands(token):
            grouped = [(spelling, 0) for spelling in _grouped_numbers(token)]
            options = grouped if grouped and not _grouped_as_one(token) else options + grouped
        elif token.kind == "doubt" and ("/" in token.text or "／" in token.text):
            # Its pieces spelled in turn: 「-01/20」's dash is a mark or a minus like any other.
            options.extend(found for spelling in _around_a_slash(token) for found in _marks_spelled(spelling, width, single_marks, marks, seen_marks))
        spellings = [([*done, *option], extra + more) for done, extra in spellings for option, more in options if len(done) + len(option) <= width]
        if len(spellings) > MAX_SPELLINGS:
            return [(tokens, 0)]
    return spellings or [(tokens, 0)]


def _blank_costs(dashes: str, single_marks: frozenset[str], seen_marks: frozenset[str] | None) -> tuple[int, int]:
    """How far from the text as printed it is to read `dashes` as one blank cell, and (two
    dashes) as two: "——" is one blank's mark as printed, two where the document prints "—"
    alone for a blank too; two different dashes glued ("-－") are two blanks' marks, one mark
    typed so being no mark agencies print. A dash the document prints for no blank cell
    elsewhere (`seen_marks`: the characters of its blank cells' marks; None: not known) is
    a blank's mark only as damage: a page footer's 「-4-」 glued to a row is no row's cells."""
    if seen_marks is not None and not set(dashes) <= seen_marks:
        return 1, 1
    if len(set(dashes)) > 1:
        return 1, 0
    return 0, 0 if set(dashes) <= single_marks else 1


def _set_apart(tokens: list[Token], index: int) -> bool:
    """Whether spaces set a value apart from the values beside it on its line: a page that
    separates its cells so prints two blank cells apart too, and its "——" is one blank."""
    token = tokens[index]
    if token.column is None:
        return False
    for other in (tokens[index - 1] if index else None, tokens[index + 1] if index + 1 < len(tokens) else None):
        if other is None or other.line != token.line:
            continue
        if other.column is None:
            return False
        left, right = (other, token) if other.column < token.column else (token, other)
        if right.column is not None and left.column is not None and right.column <= left.column + len(left.text):
            return False  # glued to its neighbour
    return True


def _cut_apart(reading: list[Slot], spelling: list[Token]) -> int:
    """The numbers a reading cuts into several cells though the text sets each apart from the
    values beside it («2 1 0 0 35 4»: 35 is one cell as printed, 3 and 5 only if the space
    between them was lost) — not glued to a label, not digits no single cell prints («000»)."""
    cut = {id(token) for _value, token, status in reading if status == "split" and token is not None}
    return sum(1 for index, token in enumerate(spelling) if id(token) in cut and not token.glued and not run_together(token) and _set_apart(spelling, index))


def _unprinted(reading: list[Slot]) -> int:
    """The cells a reading puts where nothing was printed: a blank hidden among digits run
    together, or a cell lost where the text separates cells."""
    return sum(1 for _value, token, _status in reading if token is None)


def run_readings(
    tokens: list[Token],
    refs: list[CellRef],
    grid: Grid,
    equations: list[Equation],
    hidden_blanks: bool,
    single_marks: frozenset[str],
    marks: bool = True,
    seen_marks: frozenset[str] | None = None,
) -> list[tuple[list[Slot], int]] | None:
    """Every reading of one run that breaks no equation given the grid, each with how many of
    its cells the text does not print as such: `_unprinted`, and two blanks read from one
    "——" (see `_spellings`); None when too many. `marks`: the document prints blank cells with
    a mark, so a dash glued before digits may be one (where it prints none, it is not)."""
    if any(t.kind == "doubt" and ("/" in t.text or "／" in t.text) and not _around_a_slash(t) for t in tokens):
        return None  # a slash among characters no spelling reads: how many cells they print is unknown
    readings: list[tuple[list[Slot], int]] = []
    for spelling, extra in _spellings(tokens, len(refs), single_marks, marks, seen_marks):
        found = _readings_into(spelling, refs, grid, equations, holes=spelling == tokens)
        if found is None:
            return None
        readings.extend((r, extra + _unprinted(r) + _cut_apart(r, spelling)) for r in found)
        if hidden_blanks and _may_hide_blank(spelling, refs) and not any(_misread(t) for t in spelling):
            # Any number of blank cells may hide among the digits, each a cell fewer to cut them into.
            hidden = readings_cut(spelling, refs, grid, equations, blanks=True)
            if hidden is None:
                return None
            readings.extend((r, extra + _unprinted(r)) for r in hidden)
            if len(readings) > MAX_READINGS:
                return None
    # The same values read several ways are one reading, with the fewest cells not printed as such among them.
    fewest: dict[tuple[tuple[int | float | None, str], ...], int] = {}
    unique: list[tuple[list[Slot], int]] = []
    for reading, damage in readings:
        key = tuple((value, status) for value, _token, status in reading)
        if key not in fewest:
            fewest[key] = len(unique)
            unique.append((reading, damage))
        elif damage < unique[fewest[key]][1]:
            unique[fewest[key]] = (reading, damage)
    return unique if len(unique) <= MAX_READINGS else None


class _OutOfBudget(Exception):
    """The search took more steps than it may: what it has not proved stays open."""


@dataclass
class _Problem:
    """The runs' readings as what each adds to each equation it touches.

    An equation is "left minus right = 0"; `start` is what the cells outside the runs add,
    `unknown_left`/`unknown_right` whether such a cell is unknown (a count ≥ 0) on that side.
    `effects[run][reading]` maps an equation to (the least and the most the reading adds, an
    unknown on the left with no upper bound, one on the right): a blank cell adds any count
    from 0 up to what its run's own sums leave it (`_bounds_by_own_sums`).
    """

    start: list[float]
    unknown_left: list[bool]
    unknown_right: list[bool]
    effects: list[list[dict[int, tuple[float, float, bool, bool]]]]
    equations_of: list[list[int]]
    runs_of: list[list[int]]  # per equation, the runs it touches
    steps: int = MAX_STEPS  # left to the question being searched

    def spend(self, steps: int) -> None:
        self.steps -= steps
        if self.steps < 0 or not spend_budget(steps):
            raise _OutOfBudget

    def affected_by(self, run: int) -> dict[int, set[int]]:
        """The other runs whose readings a change to `run`'s range may rule out, each with the
        equations (shared with `run`) to weigh them against again."""
        affected: dict[int, set[int]] = {}
        for e in self.equations_of[run]:
            for other in self.runs_of[e]:
                if other != run:
                    affected.setdefault(other, set()).add(e)
        return affected


def _problem(searched: list[_Run], grid: Grid, equations: list[Equation], blanks_none: bool = False) -> _Problem:
    """`blanks_none`: a blank cell counts none (0), not any count ≥ 0 — unless it stands for a
    sum (alone on one side of an equation: a 总计 an agency may leave unfilled)."""
    owner = {ref: (i, j) for i, run in enumerate(searched) for j, ref in enumerate(run.refs)}
    relevant = [eq for eq in equations if not owner.keys().isdisjoint(eq.cells)]
    sums = {side[0] for eq in equations for side in (eq.left, eq.right) if len(side) == 1} if blanks_none else set()

    def counts_none(ref: CellRef, status: str) -> bool:
        return blanks_none and status == "blank" and ref not in sums

    start = [0.0] * len(relevant)
    unknown_left = [False] * len(relevant)
    unknown_right = [False] * len(relevant)
    places: list[dict[int, list[tuple[int, int]]]] = [{} for _ in searched]  # run → equation → [(slot, side)]
    for e, eq in enumerate(relevant):
        for side, cells in ((1, eq.left), (-1, eq.right)):
            for ref in cells:
                place = owner.get(ref)
                value = grid[ref].value if ref in grid else None
                if value is None and ref in grid and counts_none(ref, grid[ref].status):
                    value = 0
                if place is not None:
                    places[place[0]].setdefault(e, []).append((place[1], side))
                elif value is not None:
                    start[e] += side * value
                elif side == 1:
                    unknown_left[e] = True
                else:
                    unknown_right[e] = True
    effects: list[list[dict[int, tuple[float, float, bool, bool]]]] = []
    for run, touched in zip(searched, places, strict=True):
        # The run's own equations (a row's total): every cell in the run, none outside it.
        own = [slots for e, slots in touched.items() if len(slots) == len(relevant[e].cells)]
        per_reading = []
        # A run with too many readings to list is one reading whose cells are all unknown.
        for reading in run.readings if run.readings is not None else [[(None, None, "unreadable")] * len(run.refs)]:
            values: list[float | None] = []
            for slot, (value, _token, status) in enumerate(reading):
                values.append(0 if value is None and counts_none(run.refs[slot], status) else value)
            bounds = _bounds_by_own_sums(values, own)
            effect = {}
            for e, slots in touched.items():
                low = high = 0.0
                on_left = on_right = False
                for slot, side in slots:
                    least, most = bounds[slot]
                    if side == 1:
                        low += least
                        on_left = on_left or most == _UNBOUNDED
                        high += 0.0 if most == _UNBOUNDED else most
                    else:
                        high -= least
                        on_right = on_right or most == _UNBOUNDED
                        low -= 0.0 if most == _UNBOUNDED else most
                effect[e] = (low, high, on_left, on_right)
            per_reading.append(effect)
        effects.append(per_reading)
    runs_of: dict[int, set[int]] = {}
    for index, touched in enumerate(places):
        for e in touched:
            runs_of.setdefault(e, set()).add(index)
    return _Problem(start, unknown_left, unknown_right, effects, [list(t) for t in places], [sorted(runs_of.get(e, ())) for e in range(len(start))])


_UNBOUNDED = float("inf")


def _bounds_by_own_sums(values: list[float | None], own: list[list[tuple[int, int]]]) -> list[tuple[float, float]]:
    """The least and the most each cell of a reading may count: a number its value; a blank
    (None) any count ≥ 0, at most what the run's own equations leave it — the one cell of a
    row its total does not cover is that difference («50_005»: 0), two share it («8__00019»:
    each at most 11). Counted as any count in every equation apart, a blank lets each column's sum
    take up what it likes, so that nothing refutes a reading until every run is chosen.
    Where a reading's own sums cannot hold, its bounds stay as they were: the equations refute it."""
    bounds = [(0.0, _UNBOUNDED) if value is None else (value, value) for value in values]
    changed = True
    while changed:
        changed = False
        for slots in own:
            for slot, side in slots:
                # side·x = −Σ side'·x' over the equation's other cells.
                least = most = 0.0
                for other, other_side in slots:
                    if other != slot:
                        low, high = bounds[other]
                        least, most = (least - high, most - low) if other_side == side else (least + low, most + high)
                low, high = bounds[slot]
                tightened = (max(low, least), min(high, most))
                if tightened[0] > tightened[1] + EPSILON:
                    continue
                if tightened[0] > low + EPSILON or tightened[1] < high - EPSILON:
                    bounds[slot] = tightened
                    changed = True
    return bounds


Span = tuple[float, float, bool, bool]  # least and most a run adds; may it put an unknown left, right


@dataclass
class _Search:
    """Where a search stands: the readings each run has left, what they may add to each
    equation it touches, and the equations' totals over all runs (least, most, how many runs
    may put an unknown on the left, on the right, the cells outside the runs included)."""

    domains: list[list[int]]
    spans: list[dict[int, Span]]
    totals: list[tuple[float, float, int, int]]

    def copy(self) -> _Search:
        return _Search(list(self.domains), list(self.spans), list(self.totals))

    def restrict(self, problem: _Problem, run: int, kept: list[int]) -> None:
        """Leave `run` only the readings `kept`, updating what it may add."""
        self.domains[run] = kept
        spans = dict(self.spans[run])
        for e in problem.equations_of[run]:
            lows, highs, lefts, rights = zip(*(problem.effects[run][k][e] for k in kept), strict=True)
            new: Span = (min(lows), max(highs), any(lefts), any(rights))
            low, high, left, right = self.totals[e]
            old = spans[e]
            self.totals[e] = (low - old[0] + new[0], high - old[1] + new[1], left - old[2] + new[2], right - old[3] + new[3])
            spans[e] = new
        self.spans[run] = spans


def _start(problem: _Problem) -> _Search:
    size = len(problem.start)
    search = _Search(
        [list(range(len(effects))) for effects in problem.effects],
        [{e: (0.0, 0.0, False, False) for e in equations} for equations in problem.equations_of],
        [(problem.start[e], problem.start[e], int(problem.unknown_left[e]), int(problem.unknown_right[e])) for e in range(size)],
    )
    for run, domain in enumerate(search.domains):
        search.restrict(problem, run, domain)
    return search


def _narrow(problem: _Problem, search: _Search, queue: dict[int, set[int]]) -> bool:
    """Drop every reading that no choice within the other runs' ranges lets hold, starting with
    the runs in `queue` weighed against the equations given (those whose totals changed),
    until nothing changes (sound: a reading dropped here is in no combination that holds);
    False when a run is left with none."""
    while queue:
        run, changed = queue.popitem()
        equations = [e for e in problem.equations_of[run] if e in changed]
        domain = search.domains[run]
        problem.spend(len(domain) * len(equations))
        spans = search.spans[run]
        kept = []
        for k in domain:
            effect = problem.effects[run][k]
            for e in equations:
                least, most, left, right = effect[e]
                low, high, was_left, was_right = spans[e]
                total = search.totals[e]
                if not may_hold(total[0] - low + least, total[1] - high + most, total[2] - was_left + left > 0, total[3] - was_right + right > 0):
                    break
            else:
                kept.append(k)
        if not kept:
            return False
        if len(kept) < len(domain):
            search.restrict(problem, run, kept)
            for other, touched in problem.affected_by(run).items():
                queue.setdefault(other, set()).update(touched)
    return True


def _one_that_holds(problem: _Problem, search: _Search) -> list[int] | None:
    """One combination, a reading per run, that breaks no equation, from a narrowed `search`;
    None when there is none.

    Depth-first, the run with the fewest readings left first, narrowing after every choice.
    When every run has one reading left, narrowing has checked each equation exactly.
    """
    open_runs = [run for run, domain in enumerate(search.domains) if len(domain) > 1]
    if not open_runs:
        return [domain[0] for domain in search.domains]
    run = min(open_runs, key=lambda r: len(search.domains[r]))
    for k in search.domains[run]:
        trial = search.copy()
        trial.restrict(problem, run, [k])
        if _narrow(problem, trial, problem.affected_by(run)):
            found = _one_that_holds(problem, trial)
            if found is not None:
                return found
    return None


class _Agreement:
    """What some readings of one run agree on, slot by slot: the value, and where it was printed
    (a cell read from the same printed token in all of them is "printed", else "derived")."""

    def __init__(self, readings: list[list[Slot]]) -> None:
        self.values: list[set[int | float | None]] = [{r[slot][0] for r in readings} for slot in range(len(readings[0]))]
        self.sources: list[set[tuple[int, str]]] = [{(id(r[slot][1]), r[slot][2]) for r in readings} for slot in range(len(readings[0]))]

    def changed_by(self, reading: list[Slot]) -> bool:
        """Would `reading`, added, unsettle a cell or change where a settled one comes from?"""
        for (value, token, status), values, sources in zip(reading, self.values, self.sources, strict=True):
            if len(values) != 1 or None in values:
                continue  # already open
            if value not in values or (len(sources) == 1 and (id(token), status) not in sources):
                return True
        return False


def _first_that_holds(problem: _Problem) -> tuple[_Search, list[int]] | None:
    """The narrowed search and one combination that holds; None when none does. Raises
    `_OutOfBudget` when none was found in time."""
    root = _start(problem)
    if not _narrow(problem, root, {run: set(equations) for run, equations in enumerate(problem.equations_of)}):
        return None
    first = _one_that_holds(problem, root)
    return None if first is None else (root, first)


def _settled_readings(searched: list[_Run], problem: _Problem, root: _Search, first: list[int]) -> list[list[int] | None]:
    """For each run, readings from combinations that hold, enough to show which of its cells
    every such combination agrees on (None: the question ran out of steps, or the run has too
    many readings).

    From a `first` combination, for each run, one is sought in which the run reads a cell
    differently from every combination found so far. Each one found joins the rest (its
    readings show every run's cells that are not settled); when none exists, the cells still
    agreed on are what the arithmetic determines. Each question has its own allowance of
    steps (`MAX_STEPS`), so that one hard question leaves the others their answers.
    """
    used: list[set[int]] = [{k} for k in first]
    settled: list[list[int] | None] = []
    for run, searched_run in enumerate(searched):
        readings = searched_run.readings
        if readings is None:
            settled.append(None)
            continue
        proved = True
        while True:
            found_so_far = _Agreement([readings[k] for k in used[run]])
            differing = [k for k in root.domains[run] if k not in used[run] and found_so_far.changed_by(readings[k])]
            if not differing:
                break
            trial = root.copy()
            trial.restrict(problem, run, differing)
            problem.steps = MAX_STEPS
            try:
                found = _one_that_holds(problem, trial) if _narrow(problem, trial, problem.affected_by(run)) else None
            except _OutOfBudget:
                proved = False
                break
            if found is None:
                break
            for other, k in enumerate(found):
                used[other].add(k)
        settled.append(sorted(used[run]) if proved else None)
    return settled


def solve_runs(
    runs: list[tuple[list[Token], list[CellRef]]],
    grid: Grid,
    equations: list[Equation],
    blanks: Blanks,
    marks: tuple[Token, ...] = (),
) -> list[tuple[list[Token], list[CellRef]]]:
    """Decide `runs` together (see the module's docstring); returns the runs left undecided,
    their cells untouched: all of them when no combination holds (an agency's error: the
    caller weighs the runs one at a time, so that the error is reported where it lies) or
    none was found in time, else those whose question ran out of steps.

    `blanks`: how the document prints blank cells; `marks`: the marks it prints them with in its
    other tables. Where it prints none, no run hides one.
    Where it prints them with a mark, a cell printed as nothing is a rare slip, so the text is
    first read as printed: a run that some reading prints every cell of as such (no blank
    hidden among digits run together, no cell lost between separators, no number the text sets
    apart cut into cells, no "——" read as two blanks unless the document prints one dash alone
    for a blank, no dash read as a mark the document prints no blank with) is read so, only the others
    with hidden or lost cells, and a blank counts none (a 总计 left blank aside) — a reading
    whose sums hold only if a blank stands for some count does not read the text as printed.
    Runs no reading prints every cell of are then weighed with every reading, and so are runs
    whose readings as printed break their own sums, if these slips are a quarter of the runs
    at most. When no combination holds so, every reading of every run is weighed, a blank standing for any
    count ≥ 0, none preferred: a reading with fewer hidden blanks is no likelier to be the
    true one.
    """
    if not runs:
        return []
    hidden_blanks = blanks != "none"
    in_runs = [t for tokens, _refs in runs for t in tokens if t.kind == "null"]
    single = _dashes_printed_alone(runs)
    # The characters the document prints blank cells with, in its tables, these runs and the cells read.
    mark_texts = [t.text for t in [*marks, *in_runs]]
    mark_texts += [cell.token.text for cell in grid.values() if cell.status == "blank" and cell.token is not None]
    seen = frozenset("".join(mark_texts))
    if blanks == "marked":
        printed = [_readings_of(tokens, refs, grid, equations, hidden_blanks=False, single_marks=single, seen_marks=seen, every_cell_printed=True) for tokens, refs in runs]
        # A run no reading prints every cell of stays open here (its cells unknown) and is then
        # weighed with every reading, given the runs read as printed.
        unprintable = sum(1 for found in printed if found == [])
        _unchecked_as_damaged(printed, runs)
        as_printed = [found if found != [] else None for found in printed]
        undecided = _solve(runs, as_printed, grid, equations, blanks_none=True)
        if undecided is None:
            # A run whose readings as printed break its own sums, whatever the others read, has
            # a blank printed as nothing too: weighed with every reading, it leaves the rest to
            # be read as printed — while such slips are few (a quarter of the runs at most).
            # Where they are more, the page does not print its blanks as it marks them.
            broken = [i for i, found in enumerate(as_printed) if found is not None and _solve([runs[i]], [found], dict(grid), equations, blanks_none=True) is None]
            slips = len(broken) + unprintable
            if broken and slips * 4 <= len(runs):
                for i in broken:
                    printed[i] = []
                _unchecked_as_damaged(printed, runs)
                as_printed = [found if found != [] else None for found in printed]
                undecided = _solve(runs, as_printed, grid, equations, blanks_none=True)
        if undecided is not None:
            damaged = [run for run, found in zip(runs, printed, strict=True) if found == []]
            if not damaged:
                return undecided
            every = [_readings_of(tokens, refs, grid, equations, hidden_blanks=hidden_blanks, single_marks=single, seen_marks=seen, every_cell_printed=False) for tokens, refs in damaged]
            still = _solve(damaged, every, grid, equations)
            open_runs = damaged if still is None else still
            return [run for run in undecided if run not in damaged] + open_runs
    every = [_readings_of(tokens, refs, grid, equations, hidden_blanks=hidden_blanks, single_marks=single, seen_marks=seen, every_cell_printed=False) for tokens, refs in runs]
    undecided = _solve(runs, every, grid, equations)
    return runs if undecided is None else undecided


def _dashes_printed_alone(runs: list[tuple[list[Token], list[CellRef]]]) -> frozenset[str]:
    """The dashes the runs print alone for a blank cell, so that "——" is two blanks as printed.

    Blanks next to each other run their marks together, so a page that marks a blank "—" prints
    runs of every length, one dash for each blank; a page that marks one "——" prints runs of
    even length. A dash is one blank's mark where at least a quarter of its runs are odd. Rarer
    odd runs are slips of a "——" page (a blank typed "—" once): reading "————" there as three
    or four blanks is no likelier than a blank printed as nothing, and is weighed with it."""
    lengths: dict[str, list[int]] = {}
    for tokens, _refs in runs:
        previous: Token | None = None
        for token in tokens:
            dash = token.text[:1]
            alone = token.kind == "null" and dash in SINGLE_DASHES and token.text == dash * len(token.text)
            if alone and previous is not None and previous.text[:1] == dash and touching(previous, token):
                lengths[dash][-1] += len(token.text)
            elif alone:
                lengths.setdefault(dash, []).append(len(token.text))
            previous = token if alone else None
    return frozenset(dash for dash, found in lengths.items() if (odd := sum(n % 2 for n in found)) and 4 * odd >= len(found))


def _unchecked_as_damaged(printed: list[list[list[Slot]] | None], runs: list[tuple[list[Token], list[CellRef]]]) -> None:
    """On a page that shows a slip (a run with no reading as printed: a blank printed as
    nothing), a run some reading of which as printed leaves its 总计 blank is weighed with every
    reading too: no sum checks how that reading cuts it, and a blank hidden in it shifts a 0
    unseen («——///0/»: ——, /, /, /, 0, _ and / — not 0 under 其他, seed 25022624)."""
    if not any(found == [] for found in printed):
        return
    for i, found in enumerate(printed):
        if not found or all(t.kind == "null" for t in runs[i][0]):
            continue  # (a run of marks alone is blank however its marks are counted)
        if any(status == "blank" and ref[1] == "total" for reading in found for (_value, _token, status), ref in zip(reading, runs[i][1], strict=True)):
            printed[i] = []


def _readings_of(
    tokens: list[Token],
    refs: list[CellRef],
    grid: Grid,
    equations: list[Equation],
    *,
    hidden_blanks: bool,
    single_marks: frozenset[str],
    seen_marks: frozenset[str],
    every_cell_printed: bool,
) -> list[list[Slot]] | None:
    """A run's readings (`run_readings`, the document printing blanks with a mark wherever it
    may hide one); `every_cell_printed`: only those that print every cell as such."""
    found = run_readings(tokens, refs, grid, equations, hidden_blanks, single_marks, hidden_blanks or every_cell_printed, seen_marks)
    if found is None:
        return None
    return [reading for reading, damage in found if damage == 0 or not every_cell_printed]


def _solve(
    runs: list[tuple[list[Token], list[CellRef]]],
    readings: list[list[list[Slot]] | None],
    grid: Grid,
    equations: list[Equation],
    blanks_none: bool = False,
) -> list[tuple[list[Token], list[CellRef]]] | None:
    """`solve_runs` over the runs' `readings` (None: too many), a blank cell counting none
    where `blanks_none`; None when no combination holds, else the runs left undecided (all of
    them when none was found in time)."""
    if any(found == [] for found in readings):
        # No reading of this run holds: damage the readings do not cover, which other runs may
        # carry too (deciding them with this run's cells unknown read wrong values), or an error.
        return None
    searched = [_Run(tokens, refs, found) for (tokens, refs), found in zip(runs, readings, strict=True)]
    problem = _problem(searched, grid, equations, blanks_none)
    try:
        start = _first_that_holds(problem)
    except _OutOfBudget:
        return runs
    if start is None:
        return None
    settled = _settled_readings(searched, problem, *start)
    undecided = []
    for run, picks in zip(searched, settled, strict=True):
        if run.readings is None or picks is None:
            undecided.append((run.tokens, run.refs))
        else:
            decide_run(run.tokens, run.refs, grid, [run.readings[k] for k in picks])
    return undecided
