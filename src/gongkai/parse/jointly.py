"""Settle a table's damaged runs together: every reading of every run against every equation.

A run the arithmetic does not settle alone ("816" for two cells: 8 16 or 81 6) is often
settled by the column sums it shares with other damaged runs, which are themselves open. Each
run's readings are listed (cut apart, a cell lost where the text separates cells, and — where
the document prints blank cells and the run's digits are glued — a blank cell hidden among
them, printed as nothing); the search keeps every combination of one reading per run that
breaks no equation, a blank or unknown cell counting as any count ≥ 0. A cell gets a value
only when every combination kept gives it the same one: what the arithmetic determines,
never a guess. A search that would take too long settles nothing (the caller falls back to
weighing runs one at a time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..arithmetic import CellRef, Equation
from .resolve import Cell, Grid, Slot, admissible_readings, apply_reading, cell_from_token, decide_run, run_together, spend_budget, splittable_token
from .tokens import Token

MAX_READINGS = 4_000  # readings of one run, at most: a run with more stays open
MAX_STEPS = 30_000  # readings tried after a state, in one search at most
MAX_STATES = 1_000  # distinct states after one run, at most
_EPSILON = 1e-9

Bound = tuple[float, float]
_UNKNOWN: Bound = (0.0, math.inf)  # a blank or unread cell: some count ≥ 0


@dataclass
class _Run:
    tokens: list[Token]
    refs: list[CellRef]
    readings: list[list[Slot]] | None  # None: too many, or none: the run stays open
    bounds: list[Bound]


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


def _may_hide_blank(tokens: list[Token], refs: list[CellRef]) -> bool:
    """Digits glued together for more cells than values printed: a blank printed as nothing may sit among them."""
    return len(tokens) < len(refs) and any(splittable_token(t) for t in tokens)


_DASHES = "-－"
_DOUBLE_DASHES = frozenset({"——", "--", "－－", "-－", "－-"})
MAX_SPELLINGS = 16  # ways of reading a run's dashes, at most


def _as_blanks(dashes: str, token: Token) -> list[list[Token]]:
    """Dashes printed for blank cells: one cell, or — two dashes — one cell each."""
    whole = [Token("null", dashes, token.line, token.page, token.column)]
    if len(dashes) != 2:
        return [whole]
    return [whole, [Token("null", dash, token.line, token.page, token.column) for dash in dashes]]


def _grouped_numbers(token: Token) -> list[list[Token]]:
    """Ways to read digits glued to numbers printed with thousands separators.

    "5,0760101441205,242" is 5,076, the digits 0101441 20 (cells run together) and 5,242: a
    separator is followed by exactly three digits, and the number it belongs to starts one to
    three digits before it (never with a 0). Each way gives the numbers whole and the loose
    digits as a run to cut apart.
    """
    text = token.text.replace("，", ",")
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


def _spellings(tokens: list[Token], width: int) -> list[list[Token]]:
    """The run as printed, and the ways its dashes may print blank cells instead.

    Table 三 counts are never negative, so a dash glued before digits ("55-17001094") is a
    minus only as an agency's error, or the blank cell printed before them; "——" or "--" is
    one blank cell or two; digits glued to a number with thousands separators are cells of
    their own. Each spelling is weighed like the printed one; the arithmetic decides.
    """
    spellings: list[list[Token]] = [[]]
    for token in tokens:
        options = [[token]]
        dashes = len(token.text) - len(token.text.lstrip(_DASHES))
        rest = token.text[dashes:]
        if token.kind == "doubt" and dashes in (1, 2) and rest.isdigit():
            column = None if token.column is None else token.column + dashes
            number = Token("num", rest, token.line, token.page, column, rest, True, token.box, token.confidence)
            options.extend([*blanks, number] for blanks in _as_blanks(token.text[:dashes], token))
        elif token.kind == "null" and token.text in _DOUBLE_DASHES:
            options.extend(_as_blanks(token.text, token)[1:])
        elif token.kind == "num" and ("," in token.text or "，" in token.text):
            options.extend(_grouped_numbers(token))
        spellings = [[*done, *option] for done in spellings for option in options if len(done) + len(option) <= width]
        if len(spellings) > MAX_SPELLINGS:
            return [tokens]
    return spellings or [tokens]


def run_readings(tokens: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation], hidden_blanks: bool) -> list[list[Slot]] | None:
    """Every reading of one run that breaks no equation given the grid; None when too many."""
    readings: list[list[Slot]] = []
    for spelling in _spellings(tokens, len(refs)):
        found = _readings_into(spelling, refs, grid, equations, holes=spelling == tokens)
        if found is None:
            return None
        readings.extend(found)
        if hidden_blanks and _may_hide_blank(spelling, refs):
            for at in range(len(refs)):
                blank = refs[at]
                trial = {**grid, blank: Cell(None, None, "blank")} if blank in grid else grid
                shorter = _readings_into(spelling, refs[:at] + refs[at + 1 :], trial, equations, holes=False)
                if shorter is None:
                    return None
                readings.extend(r[:at] + [(None, None, "blank")] + r[at:] for r in shorter)
                if len(readings) > MAX_READINGS:
                    return None
    seen: set[tuple[tuple[int | float | None, str], ...]] = set()
    unique: list[list[Slot]] = []
    for reading in readings:
        key = tuple((value, status) for value, _token, status in reading)
        if key not in seen:
            seen.add(key)
            unique.append(reading)
    return unique if len(unique) <= MAX_READINGS else None


def _span(values: list[int | float | None]) -> Bound:
    """The range a cell's readings leave it; an unknown (blank) cell is any count ≥ 0."""
    numbers = [float(v) for v in values if v is not None]
    return _UNKNOWN if len(numbers) < len(values) else (min(numbers), max(numbers))


def solve_runs(
    runs: list[tuple[list[Token], list[CellRef]]],
    grid: Grid,
    equations: list[Equation],
    hidden_blanks: bool,
) -> bool:
    """Decide `runs` together (see the module's docstring); False, grid untouched, when the
    search ran out of budget or no combination holds (an agency's error: the caller weighs
    the runs one at a time, so that the error is reported where it lies)."""
    searched = [_Run(tokens, refs, None, []) for tokens, refs in runs]
    for run in searched:
        run.readings = run_readings(run.tokens, run.refs, grid, equations, hidden_blanks)
        if run.readings == []:
            return False  # no reading of this run holds: not a damage the search can weigh
    owner: dict[CellRef, tuple[int, int]] = {ref: (i, j) for i, run in enumerate(searched) for j, ref in enumerate(run.refs)}
    touching: list[list[Equation]] = [[eq for eq in equations if any(c in owner and owner[c][0] == i for c in eq.cells)] for i in range(len(searched))]
    chosen: list[list[Slot] | None] = [None] * len(searched)

    def refresh(index: int) -> None:
        run = searched[index]
        if run.readings is None:
            run.bounds = [_UNKNOWN] * len(run.refs)
        else:
            run.bounds = [_span([r[j][0] for r in run.readings]) for j in range(len(run.refs))]

    def bound(ref: CellRef) -> Bound:
        place = owner.get(ref)
        if place is None:
            value = grid[ref].value if ref in grid else None
            return _UNKNOWN if value is None else (float(value), float(value))
        index, slot = place
        reading = chosen[index]
        if reading is None:
            return searched[index].bounds[slot]
        value = reading[slot][0]
        return _UNKNOWN if value is None else (float(value), float(value))

    def feasible(eq: Equation) -> bool:
        low = high = 0.0
        for ref in eq.left:
            a, b = bound(ref)
            low += a
            high += b
        for ref in eq.right:
            a, b = bound(ref)
            low -= b
            high -= a
        return low <= _EPSILON and high >= -_EPSILON

    for index in range(len(searched)):
        refresh(index)
    # Narrow each run to the readings that could hold given every other run's range, until
    # nothing changes (sound: a reading dropped here is in no combination that holds).
    changed = True
    while changed:
        changed = False
        for index, run in enumerate(searched):
            if run.readings is None or len(run.readings) == 1:
                continue
            kept = []
            for reading in run.readings:
                if not spend_budget(len(touching[index])):
                    return False
                chosen[index] = reading
                if all(feasible(eq) for eq in touching[index]):
                    kept.append(reading)
            chosen[index] = None
            if not kept:
                return False
            if len(kept) < len(run.readings):
                run.readings = kept
                refresh(index)
                changed = True

    used = _combinations_that_hold(searched, grid, equations)
    if used is None:
        return False
    for run, kept_picks in zip(searched, used, strict=True):
        readings = run.readings
        decide_run(run.tokens, run.refs, grid, None if readings is None else [readings[k] for k in sorted(kept_picks)])
    return True


def _combinations_that_hold(searched: list[_Run], grid: Grid, equations: list[Equation]) -> list[set[int]] | None:
    """For each run, the readings that some combination breaking no equation uses; None when
    no combination holds or there were too many states to follow.

    Runs are taken in order; the state after each is, for every equation still open, the sum
    of its left side minus its right side so far and whether an unknown cell (≥ 0) stands on
    either side. An equation is checked when its last run is read and then leaves the state,
    so that readings which differ only in settled equations meet again (dynamic programming):
    the work grows with the number of distinct states, not with the product of the readings.
    """
    owner = {ref: (i, j) for i, run in enumerate(searched) for j, ref in enumerate(run.refs)}
    relevant = [eq for eq in equations if any(c in owner for c in eq.cells)]
    size = len(relevant)
    start = [0.0] * size
    left_unknown = [False] * size
    right_unknown = [False] * size
    closes: list[list[int]] = [[] for _ in searched]
    # Per run and reading: (equation, difference added, unknown on the left, unknown on the right).
    deltas: list[list[list[tuple[int, float, bool, bool]]]] = [[] for _ in searched]
    touched: list[dict[int, list[tuple[int, int]]]] = [{} for _ in searched]  # run → equation → [(slot, sign)]
    for e, eq in enumerate(relevant):
        last = -1
        for side, cells in ((1, eq.left), (-1, eq.right)):
            for ref in cells:
                place = owner.get(ref)
                if place is not None:
                    touched[place[0]].setdefault(e, []).append((place[1], side))
                    last = max(last, place[0])
                    continue
                value = grid[ref].value if ref in grid else None
                if value is None:
                    if side == 1:
                        left_unknown[e] = True
                    else:
                        right_unknown[e] = True
                else:
                    start[e] += side * value
        closes[last].append(e)
    for index, run in enumerate(searched):
        readings: list[list[Slot]] = run.readings if run.readings is not None else [[(None, None, "unreadable")] * len(run.refs)]
        for reading in readings:
            delta = []
            for e, places in touched[index].items():
                add = 0.0
                on_left = on_right = False
                for slot, side in places:
                    value = reading[slot][0]
                    if value is None:
                        if side == 1:
                            on_left = True
                        else:
                            on_right = True
                    else:
                        add += side * value
                delta.append((e, add, on_left, on_right))
            deltas[index].append(delta)

    # What the runs after each one may still add to each equation: (least, most, an unknown on
    # the left possible, on the right possible), to drop states no later reading can repair.
    ahead: list[list[tuple[float, float, bool, bool]]] = [[(0.0, 0.0, False, False)] * size for _ in range(len(searched) + 1)]
    for index in range(len(searched) - 1, -1, -1):
        row = list(ahead[index + 1])
        for e in touched[index]:
            adds = [next(d for d in delta if d[0] == e) for delta in deltas[index]]
            low, high, may_left, may_right = row[e]
            row[e] = (
                low + min(a[1] for a in adds),
                high + max(a[1] for a in adds),
                may_left or any(a[2] for a in adds),
                may_right or any(a[3] for a in adds),
            )
        ahead[index] = row

    def reachable(difference: float, on_left: bool, on_right: bool, later: tuple[float, float, bool, bool]) -> bool:
        low, high, may_left, may_right = later
        left, right = on_left or may_left, on_right or may_right
        if left and right:
            return True
        if left:
            return difference + low <= _EPSILON
        if right:
            return difference + high >= -_EPSILON
        return difference + low <= _EPSILON and difference + high >= -_EPSILON

    def holds(difference: float, on_left: bool, on_right: bool) -> bool:
        if on_left and on_right:
            return True
        if on_left:
            return difference <= _EPSILON  # an unknown ≥ 0 on the left makes up what it lacks
        if on_right:
            return difference >= -_EPSILON
        return abs(difference) <= _EPSILON

    State = tuple[tuple[float, ...], tuple[bool, ...], tuple[bool, ...]]
    layers: list[list[tuple[State, int, State]]] = []
    states: set[State] = {(tuple(start), tuple(left_unknown), tuple(right_unknown))}
    steps = MAX_STEPS
    for index in range(len(searched)):
        transitions: list[tuple[State, int, State]] = []
        following: set[State] = set()
        closing = set(closes[index])
        for state in states:
            for pick, delta in enumerate(deltas[index]):
                steps -= 1
                if steps < 0 or not spend_budget():
                    return None
                sums, lefts, rights = list(state[0]), list(state[1]), list(state[2])
                for e, add, on_left, on_right in delta:
                    sums[e] += add
                    lefts[e] = lefts[e] or on_left
                    rights[e] = rights[e] or on_right
                if not all(holds(sums[e], lefts[e], rights[e]) for e in closes[index]):
                    continue
                later = ahead[index + 1]
                if not all(reachable(sums[e], lefts[e], rights[e], later[e]) for e, _add, _l, _r in delta if e not in closing):
                    continue
                for e in closes[index]:
                    sums[e], lefts[e], rights[e] = 0.0, False, False
                for e, *_change in delta:
                    if lefts[e] and rights[e]:
                        sums[e] = 0.0  # unknowns on both sides: the equation holds whatever the rest
                after = (tuple(sums), tuple(lefts), tuple(rights))
                transitions.append((state, pick, after))
                following.add(after)
        if not following or len(following) > MAX_STATES:
            return None

        layers.append(transitions)
        states = following
    alive = states
    used: list[set[int]] = [set() for _ in searched]
    for index in range(len(searched) - 1, -1, -1):
        before: set[State] = set()
        for state, pick, after in layers[index]:
            if after in alive:
                used[index].add(pick)
                before.add(state)
        alive = before
    return used
