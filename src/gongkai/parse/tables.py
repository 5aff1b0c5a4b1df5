"""Rebuild the three tables from a token stream.

Positional knowledge first: table 三 has a fixed order of data rows with seven numbers each,
so the values, read in order, fill the rows in order. Labels only confirm, and take over when
the count of values does not fit the template (a row left out, an extra row).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby, pairwise

from .. import formats
from ..arithmetic import LAST_YEAR, CellRef, Equation, continuity_equations, request_equations, review_equations
from .jointly import DASHES, DOUBLE_DASHES, leading_dashes, solve_runs
from .resolve import (
    Blanks,
    Cell,
    Grid,
    cell_from_token,
    cells_a_blank_may_hide,
    decide_jointly,
    fill_run,
    in_pieces,
    may_hold,
    run_together,
)
from .tokens import EDGE_BLANK, Token, digit_count, starts_a_row

WIDTH = len(formats.REQUEST_COLUMN_KEYS)
# Runs of numbers per row of table 三, at most: past this the region is no table (a page of
# digits), and aligning its runs to the rows (a DP over runs × rows) is not attempted.
MAX_RUNS_PER_ROW = 20
_OTHER_ITEM_MARKERS = ("逾期不补正", "逾期未按收费", "缴纳费用", "不再处理")


@dataclass
class Run:
    """Consecutive values with no label between them, and the labels printed before them."""

    values: list[Token]
    labels: list[Token] = field(default_factory=list)
    listed: bool = False  # the labels list the rows of a block whose numbers follow (see `_anchored_to_label_lists`)


def runs_of(tokens: list[Token]) -> list[Run]:
    runs: list[Run] = []
    labels: list[Token] = []
    current: list[Token] = []
    for token in tokens:
        if token.kind != "label":  # (is_value, inlined: every token of a table passes here)
            current.append(token)
            continue
        if current:
            runs.append(Run(current, labels))
            current, labels = [], []
        labels.append(token)
    if current:
        runs.append(Run(current, labels))
    return runs


def _label_text(tokens: list[Token]) -> str:
    return formats.normalize_label("".join(t.text for t in tokens))


def _best_row_score(labels: list[Token], row: formats.Row) -> float:
    """How well the labels printed before a run name `row`.

    The label nearest the numbers counts fully; earlier ones (a table's header, a group label)
    count less, so that the header's 总计 does not name the （七）总计 row.
    """
    return _labels_score(tuple(t.text for t in labels), (row.label, *row.aliases))


@lru_cache(maxsize=16384)
def _labels_score(texts: tuple[str, ...], officials: tuple[str, ...]) -> float:
    """`_best_row_score` of the labels' texts (cached: the same labels and rows recur, in a
    table's several passes and in report after report)."""
    best = 0.0
    # The table's header cells name no row: 「其他」 and 「总计」 among them are column names,
    # alone or after another of the header's cells or pieces (「自然」「人」「法人或其他组织」);
    # numbers printed right after the header (its first row's label printed after them) are
    # named by no label.
    in_header = [formats.is_request_header(text) or formats.is_request_header_pieces(text) for text in texts]
    dropped = [formats.is_request_header_pieces(text) or (formats.is_request_header(text) and any(in_header[:index])) for index, text in enumerate(texts)]
    if dropped and dropped[-1]:
        return 0.0
    texts = tuple(text for text, drop in zip(texts, dropped, strict=True) if not drop)
    # The nearest label, also joined with up to four before it (a label wrapped, or cut by
    # stray spaces, into pieces: 「一、本年」「新」「收政」「府信息公开申请数量」).
    for n in range(1, min(5, len(texts)) + 1):
        if n > 1 and best >= 0.95:
            break
        text = "".join(texts[len(texts) - n :])
        if n == 1 and formats.is_request_header(text):
            continue
        for official in officials:
            best = max(best, formats.label_similarity(text, official))
    for text in texts[:-1]:
        if formats.is_request_header(text):
            continue
        for official in officials:
            best = max(best, 0.75 * formats.label_similarity(text, official))
    return best


@dataclass
class RequestsTable:
    rows: tuple[formats.Row, ...]
    grid: Grid
    single_other_row: bool
    found: bool


def detect_single_other_row(tokens: list[Token], template: str) -> bool:
    """A table 三 that prints （六）其他处理 as one row (the 2019 layout)."""
    if template == formats.TEMPLATE_2019:
        return True
    text = _label_text([t for t in tokens if not t.is_value])
    return "其他处理" in text and not any(m in text for m in _OTHER_ITEM_MARKERS)


def _chunks(runs: list[Run], row_count: int) -> list[tuple[Run, int]] | None:
    """Split runs into (run, rows it covers) so that the rows add up, or None."""
    regular = [(run, len(run.values) // WIDTH) for run in runs if len(run.values) % WIDTH == 0]
    irregular = [run for run in runs if len(run.values) % WIDTH]
    covered = sum(n for _, n in regular)
    if not irregular:
        return [(run, len(run.values) // WIDTH) for run in runs] if covered == row_count else None
    if len(irregular) == 1:
        needed = row_count - covered
        values = len(irregular[0].values)
        if needed >= 1 and WIDTH * (needed - 1) < values < WIDTH * needed + WIDTH:
            return [(run, len(run.values) // WIDTH if run is not irregular[0] else needed) for run in runs]
        return None
    guesses = {id(run): -(-len(run.values) // WIDTH) for run in irregular}
    if covered + sum(guesses.values()) != row_count:
        return None
    return [(run, guesses.get(id(run), len(run.values) // WIDTH)) for run in runs]


def _align_by_labels(runs: list[Run], rows: tuple[formats.Row, ...]) -> list[tuple[Run, list[formats.Row]]]:
    """Monotonic alignment of 7-value pieces to rows, scored by label similarity (DP). The
    pieces of one run go to consecutive rows: no label stands between them, so no row can."""
    pieces: list[Run] = []
    continued: list[bool] = []  # the piece goes on the run of the piece before it
    origin: list[int] = []  # the run each piece was cut from
    for index, run in enumerate(runs):
        if len(run.values) % WIDTH == 0:
            for i in range(0, len(run.values), WIDTH):
                pieces.append(Run(run.values[i : i + WIDTH], run.labels if i == 0 else [], run.listed and i == 0))
                continued.append(i > 0)
                origin.append(index)
        else:
            pieces.append(run)
            continued.append(False)
            origin.append(index)
    skip_piece, skip_row = -0.6, -0.4
    n, m = len(pieces), len(rows)
    score = [[float("-inf")] * (m + 1) for _ in range(n + 1)]
    move: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    score[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = score[i][j]
            if here == float("-inf"):
                continue
            if i < n and j < m:
                gain = _best_row_score(pieces[i].labels, rows[j]) if pieces[i].labels else 0.5
                if here + gain > score[i + 1][j + 1]:
                    score[i + 1][j + 1], move[i + 1][j + 1] = here + gain, "take"
            if i < n and here + skip_piece > score[i + 1][j]:
                score[i + 1][j], move[i + 1][j] = here + skip_piece, "skip_piece"
            if j < m and not (0 < i < n and continued[i] and move[i][j] == "take") and here + skip_row > score[i][j + 1]:
                score[i][j + 1], move[i][j + 1] = here + skip_row, "skip_row"
    taken: list[tuple[int, int]] = []  # (piece, row), from the last
    i, j = n, m
    while i or j:
        step = move[i][j]
        if step == "take":
            taken.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif step == "skip_piece":
            i -= 1
        else:
            j -= 1
    taken.reverse()
    # A run of several rows' numbers only some of which find a row: which of them its label
    # names is open (an extractor's reading order may print a row's numbers after the next
    # row's label), so none of them is placed.
    pieces_of = Counter(origin)
    placed_of = Counter(origin[piece] for piece, _row in taken)
    taken = [(piece, row) for piece, row in taken if placed_of[origin[piece]] == pieces_of[origin[piece]]]
    # Chains: pieces of one run on consecutive rows, placed as one.
    chains: list[list[tuple[int, int]]] = []
    for piece, row in taken:
        if chains and continued[piece] and chains[-1][-1] == (piece - 1, row - 1):
            chains[-1].append((piece, row))
        else:
            chains.append([(piece, row)])
    return [(pieces[piece], [rows[row]]) for chain in _placed_unambiguously(chains, pieces, rows) for piece, row in chain]


def _naming_score(piece: Run, row: formats.Row) -> float:
    """How well a piece's labels name `row`, for telling rows apart: labels that name it
    weakly (below 0.5), or list a block's rows, name it no better than no label at all."""
    if not piece.labels or piece.listed:
        return 0.5
    return max(0.5, _best_row_score(piece.labels, row))


def _placed_unambiguously(chains: list[list[tuple[int, int]]], pieces: list[Run], rows: tuple[formats.Row, ...]) -> list[list[tuple[int, int]]]:
    """The alignment's chains (pieces of one run on consecutive rows, as (piece, row)) whose
    rows nothing else fits as well.

    A chain may start at any row that leaves it between the chains before and after it; when
    another such start is named by its first piece's labels as well as the chosen one (or
    neither is named: a piece without labels where rows were skipped), where it belongs is not
    known, and its numbers are not placed (principle: a wrong cell is worse than none). Nor are
    they where its labels clearly name another row, one the order of the others left it no room in.
    """
    kept: list[list[tuple[int, int]]] = []
    for k, chain in enumerate(chains):
        low = chains[k - 1][-1][1] if k else -1
        high = chains[k + 1][0][1] if k + 1 < len(chains) else len(rows)
        first_piece, start = chain[0]
        if _named_elsewhere(pieces[first_piece], start, rows):
            continue
        score = _naming_score(pieces[first_piece], rows[start])
        rivals = (o for o in range(low + 1, high - len(chain) + 1) if o != start)
        if any(_naming_score(pieces[first_piece], rows[o]) >= score - 1e-9 for o in rivals):
            continue
        kept.append(chain)
    return kept


def _named_elsewhere(piece: Run, row: int, rows: tuple[formats.Row, ...]) -> bool:
    """The label nearest a piece's numbers, or the last one with a list marker (the first line
    of a wrapped label), clearly names another row than `row`; or the nearest is words of one
    other row's label alone, or fits another row well and this one hardly (a wrapped label's
    last words, 「补正后申请内」).

    Only the nearest: labels further back may be a group's header between a row's label lines
    (「其他处」 of （六）其他处理 is no 「3.其他」)."""
    if not piece.labels or piece.listed:
        return False
    opening = next((t for t in reversed(piece.labels) if starts_a_row(t.text)), None)
    if opening is not None and (named := _nearest_label_row([opening], rows)) is not None and named != row:
        return True  # the marked label its words go on from names another row
    nearest = piece.labels[-1]
    named = _nearest_label_row([nearest], rows)
    if named is not None:
        return named != row
    words = formats.strip_list_mark(formats.normalize_label(nearest.text))
    if len(words) >= 4:
        holding = [index for index, names in enumerate(_officials(rows)) if any(words in formats.normalize_label(name) for name in names)]
        if len(holding) == 1 and holding[0] != row:
            return True  # words only another row's label holds (「逾期不补正、行政」)
    scores = [_best_row_score([nearest], other) for other in rows]
    return scores[row] < 0.4 and max(score for index, score in enumerate(scores) if index != row) >= 0.7


def _anchored_to_label_lists(runs: list[Run], rows: tuple[formats.Row, ...]) -> list[Run]:
    """Runs whose labels end in a list of k consecutive rows' labels and that hold k rows'
    numbers, as a PDF extractor's reading order prints them.

    The list is either this run's block, labels before numbers (the run starts at the list's
    first row), or the block of the run before it, labels after numbers, followed by this run's
    own row (it starts at the list's last row). The counts on both sides tell: the run before
    ends just before the list, or on the list's last row but one. A run whose list the counts
    do not settle one way is `listed`: its labels confirm no row.
    """
    out: list[Run] = []
    previous_end: int | None = -1  # the last row of the run before, as placed by its labels and count
    for run in runs:
        sequences = _named_sequences(run.labels, rows)
        nearest = sequences[-1] if sequences else []  # (token, row) of the labels nearest the numbers
        first_row = nearest[-1][1] if nearest else None
        if len(nearest) >= 2 and len(run.values) == WIDTH * len(nearest):
            before = previous_end == nearest[0][1] - 1  # this run's block, labels first
            after = previous_end == nearest[-2][1]  # the block before, labels after; then this run's own row
            if before and not after:
                run = Run(run.values, run.labels[: nearest[0][0] + 1], listed=True)
                first_row = nearest[0][1]
            elif before == after:  # neither or both: the counts do not settle it
                run = Run(run.values, run.labels, listed=True)
                first_row = None
        rows_held = len(run.values) // WIDTH if len(run.values) % WIDTH == 0 else None
        previous_end = None if first_row is None or rows_held is None else first_row + rows_held - 1
        out.append(run)
    return out


def _rows_split_by_their_labels(runs: list[Run], rows: tuple[formats.Row, ...]) -> list[Run]:
    """A row's numbers in two runs, the label's last words between them, joined into one.

    A table of a web page printed to PDF and read in the extractor's order prints one number
    beside the first line of a wrapped label and the rest after its last line. Two consecutive
    runs short of a row that together make exactly one, the first on one line, the second after
    words that begin no row (no list marker, naming no row clearly), are that row. Which part
    comes first in the row is the layout's secret (总计 may be the one beside the label): the
    values are marked `unordered`, for the row's total to decide.
    """
    out: list[Run] = []
    index = 0
    while index < len(runs):
        run = runs[index]
        following = runs[index + 1] if index + 1 < len(runs) else None
        if (
            following is not None
            and 0 < len(run.values) < WIDTH
            and 0 < len(following.values) < WIDTH
            and len(run.values) + len(following.values) == WIDTH
            and run.labels
            and following.labels
            and len({t.line for t in run.values}) == 1
            and all(t.kind == "num" for t in [*run.values, *following.values])
            and not any(starts_a_row(t.text) for t in following.labels)
            and _nearest_label_row(following.labels, rows) is None
        ):
            values = [t._replace(unordered=True) for t in [*run.values, *following.values]]
            out.append(Run(values, run.labels, run.listed))
            index += 2
            continue
        out.append(run)
        index += 1
    return out


def _label_confirms(run: Run, covered: list[formats.Row], rows: tuple[formats.Row, ...]) -> bool:
    """The labels before a run name the first row it was placed in, their nearest clear label
    names one of its rows (words two rows share, 「…行政机关不再处理其政府信息公开申请」, confirm neither), and
    they are no list of rows' labels (a PDF extractor's reading order lists a block's labels
    together, then its numbers column by column)."""
    labels = run.labels
    if run.listed or _best_row_score(labels, covered[0]) < 0.5 or _label_lists(labels, rows):
        return False
    named = _nearest_label_row(labels, rows)
    return named is not None and rows[named].key in {row.key for row in covered}


def _guessed_against_labels(assignments: list[tuple[Run, list[formats.Row]]], rows: tuple[formats.Row, ...]) -> bool:
    """Rows counted out of runs whose length is no multiple of a row's cells (a guess), where
    a run's label clearly names a row outside those it was given: the labels place the runs."""
    if all(len(run.values) == WIDTH * len(covered) for run, covered in assignments):
        return False
    index = {row.key: i for i, row in enumerate(rows)}
    for run, covered in assignments:
        named = _nearest_label_row(run.labels, rows) if run.labels else None
        if named is not None and not index[covered[0].key] <= named <= index[covered[-1].key]:
            return True
    return False


def _run_of_each_value(runs: list[Run]) -> dict[int, int]:
    """id of each value token → the index of the run it was printed in."""
    return {id(token): index for index, run in enumerate(runs) for token in run.values}


def _unlabelled_blocks(
    pairs: list[tuple[Run, list[formats.Row]]], runs: list[Run], rows: tuple[formats.Row, ...]
) -> list[tuple[Run, list[formats.Row]]]:
    """The alignment's pieces cut from one run with no label between them, on consecutive rows,
    joined again into one block of rows.

    Only the run's first piece follows a label; the rows after it are placed by position alone,
    and together: the same extractor order holds for all of them (some extractors list such a
    block column by column), and a row of it that does not add up puts every other row of it in
    doubt — a row of zeros adds up in any order. A first piece its label names stays a row of
    its own.
    """
    origin = _run_of_each_value(runs)
    position = {row.key: j for j, row in enumerate(rows)}
    joined: list[tuple[Run, list[formats.Row]]] = []
    for piece, covered in pairs:
        if joined and not piece.labels:
            block, block_rows = joined[-1]
            follows = position[covered[0].key] == position[block_rows[-1].key] + 1
            named = bool(block.labels) and len(block_rows) == 1 and _label_confirms(block, block_rows, rows)
            if follows and not named and origin.get(id(piece.values[0])) == origin.get(id(block.values[0])):
                joined[-1] = (Run([*block.values, *piece.values], block.labels, block.listed), [*block_rows, *covered])
                continue
        joined.append((piece, covered))
    return joined


def read_requests(
    tokens: list[Token], template: str, blanks: Blanks = "nothing", stated: dict[str, int] | None = None, marks: tuple[Token, ...] = ()
) -> RequestsTable:
    """Table 三 from its tokens.

    `blanks`: how the document prints blank cells; where it prints any, run-together digits
    may hide one (see `solve_runs`, `_confirm_splits`). `stated`: figures the narrative states by topic (收到申请1516件),
    which settle run-together digits the table's own equations leave open. `marks`: the blank
    cells' marks the document prints in all its tables (`blank_marks`).
    """
    single = detect_single_other_row(tokens, template)
    rows = formats.request_rows(template, single)
    grid: Grid = {}
    runs = runs_of(tokens)
    if len(runs) > MAX_RUNS_PER_ROW * len(rows):
        why = f"表三区域中有{len(runs)}段数字，远多于表格应有的{len(rows)}行，不像统计表，无法对位"
        for ref in ((row.key, c) for row in rows for c in formats.REQUEST_COLUMN_KEYS):
            grid[ref] = Cell(None, None, "unreadable", why)
        return RequestsTable(rows, grid, single, found=True)
    runs = _rows_split_by_their_labels(_anchored_to_label_lists(_blank_rows_under_labels(runs, rows), rows), rows)
    if not runs:
        if all(any(_best_row_score([t], row) >= 0.8 for t in tokens) for row in rows):
            # Every row's label printed and not one number after them: a table left blank.
            grid = {(row.key, c): Cell(None, None, "blank", "表三未填写任何数字") for row in rows for c in formats.REQUEST_COLUMN_KEYS}
            return RequestsTable(rows, grid, single, found=True)
        return RequestsTable(rows, grid, single, found=False)
    equations = request_equations(rows)
    chunks = _chunks(runs, len(rows))
    assignments: list[tuple[Run, list[formats.Row]]] = []
    if chunks is not None:
        position = 0
        for run, count in chunks:
            assignments.append((run, list(rows[position : position + count])))
            position += count
    if chunks is None or _guessed_against_labels(assignments, rows):
        assignments = _unlabelled_blocks(_align_by_labels(runs, rows), runs, rows)
    damaged: list[tuple[list[Token], list[CellRef]]] = []
    multi_row: list[tuple[list[Token], list[formats.Row]]] = []
    confirmed = {covered[0].key for run, covered in assignments if covered and _label_confirms(run, covered, rows)}
    scrambled = _order_contradicted(assignments, rows) or _cut_into_fragments(runs) or _markers_listed_apart(runs)
    for run, covered in assignments:
        refs = [(row.key, column) for row in covered for column in formats.REQUEST_COLUMN_KEYS]
        if any(t.unordered for t in run.values):
            _fill_in_confirmed_order(run.values, refs, grid, equations)
        elif len(run.values) == len(refs) and not any(t.kind == "doubt" or run_together(t) for t in run.values):
            for ref, token in zip(refs, run.values):
                grid[ref] = cell_from_token(token)
            if len(covered) > 1:
                multi_row.append((run.values, covered))
        elif len(covered) > 1:
            # Several rows' numbers, not a multiple of a row's cells: whether the extractor
            # listed them row by row or column by column, no count tells.
            for ref in refs:
                grid[ref] = Cell(None, None, "unreadable", "几行的数字连成一串且个数与格数不符，无法确定按行还是按列排列")
        else:
            damaged.append((run.values, refs))
    unsure = {(row.key, column) for _values, covered in multi_row for row in covered for column in formats.REQUEST_COLUMN_KEYS}
    for values, covered in multi_row:
        _transpose_if_column_major(values, covered, grid, equations, unsure)
    for ref in ((row.key, c) for row in rows for c in formats.REQUEST_COLUMN_KEYS):
        if ref not in grid:  # (not setdefault: that builds a Cell for every cell already read)
            grid[ref] = Cell(None, None, "unreadable", "表中找不到此行的数字")
    # Damaged runs are decided last, against every cell that was read cleanly, then again
    # against what the others' decisions added, until nothing more is settled.
    for _values, refs in damaged:
        for ref in refs:
            grid[ref] = Cell(None, None, "unreadable")
    _settle(damaged, grid, equations, blanks, marks)
    if stated:
        _settle_by_narrative(damaged, grid, equations, blanks, marks, stated, tuple(r.key for r in rows))
    groups = [covered for _, covered in assignments]
    if scrambled:
        groups = [[row for group in groups for row in group]]  # no positional attribution holds
    _distrust_unconfirmed_rows(groups, confirmed, grid, equations, force=scrambled)
    if blanks == "nothing" and _blanks_vanish_among_numbers(tokens):
        _distrust_rows_listed_apart(tokens, runs, assignments, rows, grid, equations)
    _distrust_rows_in_paragraphs(assignments, grid, equations, scrambled)
    return RequestsTable(rows, grid, single, found=True)


def _in_paragraphs(values: list[Token]) -> bool:
    """A row's numbers each a paragraph of its own (an empty line between any two): the blocks
    of an extractor's reading order (pdftotext without -layout), whose order need not be the
    columns'."""
    lines = [t.line for t in values]
    return len(values) >= 3 and all(later - earlier >= 2 for earlier, later in pairwise(lines))


def _distrust_rows_in_paragraphs(
    assignments: list[tuple[Run, list[formats.Row]]], grid: Grid, equations: list[Equation], scrambled: bool
) -> None:
    """Rows printed a paragraph per number whose columns break a column's sum — or, where the
    reading order is seen scrambled elsewhere, that a column's sum cannot confirm: the reading order
    may have moved a number to another column (a row sum holds in any order), so the row is not
    read rather than read into the wrong columns."""
    # A row whose numbers are all alike but its total reads the same in any order that adds up.
    in_paragraphs = {
        covered[0].key
        for run, covered in assignments
        if len(covered) == 1 and _in_paragraphs(run.values) and len({grid[(covered[0].key, c)].value for c in formats.APPLICANT_COLUMN_KEYS}) > 1
    }
    if not in_paragraphs:
        return
    doubted: set[str] = set()
    for equation in equations:
        if equation.kind in ("results_total", "balance"):
            holds = equation.holds(lambda ref: grid[ref].value if ref in grid else None)
            if holds is False or (scrambled and holds is None):
                doubted.update(ref[0] for ref in equation.cells if ref[0] in in_paragraphs)
    for key in doubted:
        for column in formats.REQUEST_COLUMN_KEYS:
            cell = grid[(key, column)]
            grid[(key, column)] = Cell(None, cell.token, "unreadable", "此行各数分段单独成行，提取顺序不能确定其所在的列，且列的合计不符")


def _line_orders(values: list[Token]) -> list[list[Token]]:
    """The orders a row's values may have when they stand on two lines whose columns the layout
    leaves open (`Token.unordered`): as printed, or the second line's values first."""
    unordered = [t for t in values if t.unordered]
    first_line = [t for t in unordered if t.line == unordered[0].line]
    if not first_line or len(first_line) == len(unordered):
        return [values]
    start = values.index(first_line[0])
    rest = values[start + len(first_line) : start + len(unordered)]
    return [values, [*values[:start], *rest, *first_line, *values[start + len(unordered) :]]]


def _fill_in_confirmed_order(values: list[Token], refs: list[CellRef], grid: Grid, equations: list[Equation]) -> None:
    """A row printed on two lines, its columns unclear: read in the one order of its lines in
    which the row's total holds; unreadable if no such order, or several reading differently."""
    readings: list[list[Cell]] = []
    row_totals = [eq for eq in equations if eq.kind == "row_total" and eq.key in {ref[0] for ref in refs}]
    if len(values) == len(refs) and not any(t.kind == "doubt" or run_together(t) for t in values):
        for order in _line_orders(values):
            cells = [cell_from_token(token) for token in order]
            read = {ref: cell.value for ref, cell in zip(refs, cells, strict=True)}
            if all(eq.holds(read.get) for eq in row_totals):
                readings.append(cells)
    if readings and all([c.value for c in reading] == [c.value for c in readings[0]] for reading in readings):
        grid.update(zip(refs, readings[0], strict=True))
        return
    for ref in refs:
        grid[ref] = Cell(None, None, "unreadable", "一行的数字分印在两行，版面定不出各数所在的列，表内合计也不能唯一确定次序")


_STATED = "narrative"  # the row of the pseudo cells that hold the narrative's figures


def _settle_by_narrative(
    damaged: list[tuple[list[Token], list[CellRef]]],
    grid: Grid,
    equations: list[Equation],
    blanks: Blanks,
    marks: tuple[Token, ...],
    stated: dict[str, int],
    row_keys: tuple[str, ...],
) -> None:
    """Runs the table's equations leave open, tried again with the narrative's figures as equations.

    Each stated figure becomes a cell of its own, equal to the sum of the 总计 cells it speaks
    of. A narrative that contradicts every reading settles nothing.
    """
    open_runs = [(values, refs) for values, refs in damaged if any(grid[ref].status == "unreadable" for ref in refs)]
    if not open_runs:
        return
    extra: list[Equation] = []
    for topic, value in stated.items():
        keys = formats.topic_rows(topic, row_keys)
        if keys is None:
            continue
        ref = (_STATED, topic)
        grid[ref] = Cell(value, None)
        extra.append(Equation("results_total", topic, tuple((key, "total") for key in keys), (ref,)))
    if extra:
        before = {ref: grid[ref] for _values, refs in open_runs for ref in refs}
        for _values, refs in open_runs:
            for ref in refs:
                if grid[ref].status == "unreadable":
                    grid[ref] = Cell(None, None, "unreadable")
        _settle(open_runs, grid, equations + extra, blanks, marks)
        for ref, old in before.items():
            cell = grid[ref]
            if cell.value is None:
                grid[ref] = old  # keep the first reason it could not be read
            elif old.value is None:
                grid[ref] = _settled_by_narrative(cell)
    for ref in [ref for ref in grid if ref[0] == _STATED]:
        del grid[ref]


def _blank_rows_under_labels(runs: list[Run], rows: tuple[formats.Row, ...]) -> list[Run]:
    """Rows printed all blank ("| 3.危及… ||||||||") kept only under a row's own label.

    The same empty cells under a header (申请人情况 over its merged columns) are layout: the run
    is dropped and its labels go to the next run.
    """
    runs = list(runs)  # a label's words that go on are moved to the run they name
    out: list[Run] = []
    carried: list[Token] = []
    for index, run in enumerate(runs):
        labels = carried + run.labels
        carried = []
        if run.values and all(t.text == EDGE_BLANK for t in run.values):
            if labels and max(_best_row_score(labels, row) for row in rows) < 0.8:
                carried = labels
                continue
            if labels and index + 1 < len(runs) and _label_goes_on(labels[-1], runs[index + 1], rows):
                carried = labels[:-1] + [labels[-1]._replace(text=labels[-1].text + runs[index + 1].labels[0].text)]
                runs[index + 1] = Run(runs[index + 1].values, runs[index + 1].labels[1:])
                continue
            if len(labels) == 1 and out and out[-1].labels and _label_ends(out[-1].labels[-1], labels[0], rows):
                previous = out[-1]
                out[-1] = Run(previous.values, [*previous.labels[:-1], previous.labels[-1]._replace(text=previous.labels[-1].text + labels[0].text)], previous.listed)
                continue
            run = Run([Token("null", "", t.line, t.page, t.column, box=t.box) for t in run.values], labels)
        else:
            run = Run(run.values, labels)
        out.append(run)
    return out


def _label_ends(label: Token, rest: Token, rows: tuple[formats.Row, ...]) -> bool:
    """A blank run's label that ends the label of the run before it: a drawn table's cell
    wrapping 「8.属于行」 over the row's values and 「政查询事项」 under them, its second line
    read as a row of empty cells (a stray pipe before the row). The rest opens no row, and the
    two read together name a row plainly, better than either alone: kept as a row of its own,
    the rest named row 8 and pushed the values before it onto a row below (seed 31005845)."""
    if starts_a_row(rest.text):
        return False
    alone = max(_best_row_score([token], row) for token in (label, rest) for row in rows)
    joined = max(_best_row_score([label._replace(text=label.text + rest.text)], row) for row in rows)
    return joined >= 0.95 and joined > alone


def _label_goes_on(label: Token, following: Run, rows: tuple[formats.Row, ...]) -> bool:
    """A blank run's label whose words go on before the next run's values (a Markdown table
    that gave a wrapped label's first line a row of empty cells): the next run's first label
    opens no row, and the two read together name a row plainly, better than the first alone."""
    if not following.labels or not any(t.text != EDGE_BLANK for t in following.values) or starts_a_row(following.labels[0].text):
        return False
    alone = max(_best_row_score([label], row) for row in rows)
    joined = max(_best_row_score([label._replace(text=label.text + following.labels[0].text)], row) for row in rows)
    return joined >= 0.95 and joined > alone


def _settle(damaged: list[tuple[list[Token], list[CellRef]]], grid: Grid, equations: list[Equation], blanks: Blanks, marks: tuple[Token, ...]) -> None:
    """Resolve damaged runs together; the runs that search leaves undecided, one at a time,
    repeatedly: a run decided now may settle another through a column's sum."""
    undecided = solve_runs(damaged, grid, equations, blanks, marks)
    pending = list(undecided)
    while pending:
        left: list[tuple[list[Token], list[CellRef]]] = []
        for values, refs in pending:
            fill_run(values, refs, grid, equations)
            if any(grid[ref].value is None and grid[ref].status == "unreadable" for ref in refs):
                left.append((values, refs))
        if len(left) == len(pending):
            if len(left) > 1:  # one run alone was weighed already
                decide_jointly(left, grid, equations)
            break
        for _values, refs in left:
            for ref in refs:
                grid[ref] = Cell(None, None, "unreadable")
        pending = left
    if blanks != "none" and undecided:
        _confirm_splits(undecided, grid, equations)


def _confirm_splits(damaged: list[tuple[list[Token], list[CellRef]]], grid: Grid, equations: list[Equation]) -> None:
    """Digits cut apart stand only where no hidden blank cell could read them otherwise.

    Text that runs cells together also hides a blank cell: "0000011" may be 0 0 0 _ 0 0 11.
    Such a reading is ruled out only by an equation it breaks, given every other row as read
    (a column's sum, or a count below zero); the cells it reads differently are not settled.
    Each run is weighed against the same grid, so that giving up one does not cascade.
    """
    doubtful = [
        cells_a_blank_may_hide(values, refs, grid, equations)
        for values, refs in damaged
        if any(grid[ref].status == "split" for ref in refs) or any(t.glued and len(t.digits) > 1 for t in values)
    ]
    for ref in set().union(*doubtful):
        cell = grid[ref]
        if cell.value is None and cell.status != "blank":
            continue
        token = cell.token
        grid[ref] = Cell(None, token, "unreadable", f"“{token.text if token else ''}”连在一起的数字也可读作其中一格为空，无法唯一确定")


def _nearest_label_row(labels: list[Token], rows: tuple[formats.Row, ...]) -> int | None:
    """The row named by the last label before a run that clearly names one row (a header
    cell's 「其他」 or 「总计」 names none)."""
    officials = _officials(rows)
    for token in reversed(labels):
        named = _row_named_by(token.text, officials)
        if named is not None:
            return named
    return None


class _Officials(tuple[tuple[str, ...], ...]):
    """Rows' labels and aliases, hashed once: `_row_named_by`'s cache hashes its key for every
    label weighed, and a tuple hashes all its strings each time."""

    def __new__(cls, names: tuple[tuple[str, ...], ...]) -> _Officials:
        officials = super().__new__(cls, names)
        officials.hashed = tuple.__hash__(officials)
        return officials

    hashed: int

    def __hash__(self) -> int:
        return self.hashed


# rows → their labels and aliases, by identity (the rows are the format's constants; the entry
# holds them, so their id is not reused while it stands)
_OFFICIALS: dict[int, tuple[tuple[formats.Row, ...], _Officials]] = {}


def _officials(rows: tuple[formats.Row, ...]) -> _Officials:
    entry = _OFFICIALS.get(id(rows))
    if entry is None or entry[0] is not rows:
        entry = _OFFICIALS[id(rows)] = (rows, _Officials(tuple((row.label, *row.aliases) for row in rows)))
    return entry[1]


@lru_cache(maxsize=65536)
def _row_named_by(text: str, officials: _Officials) -> int | None:
    """The one row whose official label or alias `text` clearly names; none for a header cell's
    words (cached: the same labels are weighed many times in a table, and report after report)."""
    if formats.is_request_header(text):
        return None
    scores = [max(formats.label_similarity(text, official) for official in names) for names in officials]
    best = max(scores)
    return scores.index(best) if best >= 0.8 and scores.count(best) == 1 else None


def _cut_into_fragments(runs: list[Run]) -> bool:
    """Two or more runs short of whole rows `in_pieces`: an extractor's reading order cut the
    table's rows into pieces and put them back in an order of its own, and the rows no label of
    their own confirms are not placed by position."""
    return sum(len(run.values) % WIDTH != 0 and in_pieces(run.values) for run in runs) >= 2


_BARE_MARKER = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*$")


def _markers_listed_apart(runs: list[Run]) -> bool:
    """Three or more rows' list markers printed one after another with nothing between (「2.」
    「3.」 「4.」): an extractor's reading order took them from their labels and their numbers."""
    return any(
        sum(1 for _ in group) >= 3
        for run in runs
        if len(run.labels) >= 3  # (fewer labels hold no three markers: most runs)
        for bare, group in groupby(_BARE_MARKER.match(t.text) is not None for t in run.labels)
        if bare
    )


def _order_contradicted(assignments: list[tuple[Run, list[formats.Row]]], rows: tuple[formats.Row, ...]) -> bool:
    """Labels that name rows two or more places away from the rows position put the numbers in.

    A block of rows may print one of its rows' labels before its numbers, and one shifted
    label (a label printed a row early) is common in extracted text; two or more runs whose
    labels point elsewhere mean the extractor scrambled the table's order.
    """
    index = {row.key: i for i, row in enumerate(rows)}
    contradictions = 0
    for run, covered in assignments:
        if not covered or not run.labels or _best_row_score(run.labels, covered[0]) >= 0.8:
            continue  # no label, or the label confirms the position
        named = _nearest_label_row(run.labels, rows)
        first, last = index[covered[0].key], index[covered[-1].key]
        if named is not None and (named <= first - 2 or named >= last + 2):
            contradictions += 1
    return contradictions >= 2


def _distrust_unconfirmed_rows(
    groups: list[list[formats.Row]], confirmed: set[str], grid: Grid, equations: list[Equation], force: bool = False
) -> None:
    """Rows placed by position alone whose numbers do not add up are not attributed.

    When neither its own label nor its arithmetic confirms where a row's numbers belong, the
    extractor has more likely scrambled the order than the agency erred in that row. Its cells,
    and those of every unconfirmed row read from the same run of numbers, become unreadable
    rather than the grounds of an arithmetic error or a silently wrong value. With `force`
    (the labels contradict the order) no unconfirmed row is attributed at all, nor a confirmed
    one whose own numbers do not add up: in a text whose order is scrambled, another row's
    number among them is likelier than an agency's error.
    """
    checks = {eq.key: eq for eq in equations if eq.kind == "row_total"}
    for group in groups:
        if force:
            for row in group:
                if row.key in confirmed and _cannot_hold(checks[row.key], grid):
                    for column in formats.REQUEST_COLUMN_KEYS:
                        cell = grid[(row.key, column)]
                        grid[(row.key, column)] = Cell(None, cell.token, "unreadable", "提取的文字顺序错乱，此行合计不符，可能混入了别行的数字")
        unconfirmed = [row for row in group if row.key not in confirmed]
        if not force and not any(_cannot_hold(checks[row.key], grid) for row in unconfirmed):
            continue
        for row in unconfirmed:
            for column in formats.REQUEST_COLUMN_KEYS:
                cell = grid[(row.key, column)]
                grid[(row.key, column)] = Cell(None, cell.token, "unreadable", "数字与行标签对不上且合计不符，提取的文字顺序可能错乱")


def _cannot_hold(equation: Equation, grid: Grid) -> bool:
    """No count ≥ 0 in its blank or unknown cells (or cells `grid` lacks) makes the equation hold."""
    left = [grid[ref].value if ref in grid else None for ref in equation.left]
    right = [grid[ref].value if ref in grid else None for ref in equation.right]
    difference = sum(v for v in left if v is not None) - sum(v for v in right if v is not None)
    return not may_hold(difference, difference, None in left, None in right)


def _blanks_vanish_among_numbers(tokens: list[Token]) -> bool:
    """Table 三's numbers show blank cells printed as nothing: an empty cell among a run's
    numbers, or a run between two labels short of a row's cells (empty header cells do not
    count: they are no data)."""
    for run in runs_of(tokens):
        if any(t.kind == "num" for t in run.values) and any(t.kind == "null" and (not t.text.strip() or t.text == EDGE_BLANK) for t in run.values):
            return True
    return _runs_short_of_cells(tokens, WIDTH) > 0


def _named_sequences(tokens: list[Token], rows: tuple[formats.Row, ...]) -> list[list[tuple[int, int]]]:
    """Labels naming consecutive rows, printed one after another with no number between them:
    each sequence as (token index, row index) of the first label naming each row (a label
    wrapped onto two tokens names its row twice; a header's 「总计」 or 「其他」 names none)."""
    sequences: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    officials = _officials(rows)
    for at, token in enumerate(tokens):
        if token.kind != "label":
            if current:
                sequences.append(current)
                current = []
            continue
        row = _row_named_by(token.text, officials)
        following = tokens[at + 1] if at + 1 < len(tokens) else None
        if row is None and following is not None and following.kind == "label" and following.line == token.line:
            row = _row_named_by(token.text + following.text, officials)  # cut by stray spaces: 「3.其  他」
        if row is None or (current and row == current[-1][1]):
            continue
        if current and row != current[-1][1] + 1:
            sequences.append(current)
            current = []
        current.append((at, row))
    if current:
        sequences.append(current)
    return sequences


def _label_lists(tokens: list[Token], rows: tuple[formats.Row, ...]) -> list[list[str]]:
    """Labels of two or more consecutive rows printed one after another, no number between
    them, each list as the rows it names in order."""
    return [[rows[row].key for _at, row in sequence] for sequence in _named_sequences(tokens, rows) if len(sequence) >= 2]


def _distrust_rows_listed_apart(
    tokens: list[Token],
    runs: list[Run],
    assignments: list[tuple[Run, list[formats.Row]]],
    rows: tuple[formats.Row, ...],
    grid: Grid,
    equations: list[Equation],
) -> None:
    """Where blank cells print as nothing, numbers placed by their count next to row labels
    listed apart from them are not attributed.

    A PDF extractor's reading order lists a block's labels together, before or after the
    block's numbers (column by column). Those rows are then placed by the count of numbers
    alone, and blank cells that print as nothing leave no count to trust. Not attributed: the
    rows of a run of numbers spanning several rows that a list names; the rows of a run next
    to two or more listed rows that received no numbers; and the rows of a run next to one
    named row without numbers, when they do not add up (the row may be one printed blank, its
    neighbours then adding up, or its numbers may be among theirs).
    """
    lists = _label_lists(tokens, rows)
    placed = {row.key for _run, covered in assignments for row in covered}
    listed = {key for names in lists for key in names}
    empty = {key for names in lists if len(set(names) - placed) >= 2 for key in names if key not in placed}
    officials = _officials(rows)
    named = {rows[index].key for token in tokens if token.kind == "label" and (index := _row_named_by(token.text, officials)) is not None}
    checks = {eq.key: eq for eq in equations if eq.kind == "row_total"}
    position = {row.key: j for j, row in enumerate(rows)}
    # The rows each run of numbers went to, all its pieces together.
    origin = _run_of_each_value(runs)
    by_run: dict[int, list[formats.Row]] = {}
    printed: dict[int, int] = {}  # cells printed in each run, blank ones included
    lines: dict[int, set[int]] = {}  # the lines they stand on
    for run, covered in assignments:
        index = origin.get(id(run.values[0]), -1 - len(by_run))
        by_run.setdefault(index, []).extend(covered)
        printed[index] = printed.get(index, 0) + sum(1 for t in run.values if t.is_value)
        lines.setdefault(index, set()).update(t.line for t in run.values if t.kind == "num")
    doubted: set[str] = set()
    for index, covered in by_run.items():
        first, last = position[covered[0].key], position[covered[-1].key]
        before = rows[first - 1].key if first > 0 else None
        after = rows[last + 1].key if last + 1 < len(rows) else None
        beside_empty = before in empty or after in empty
        # Next to a single named row without numbers (a row printed blank, or its numbers are
        # among these): numbers that do not add up are more likely that row's, and so are
        # cells too few for their rows listed one per line (an extractor's reading order, blank
        # cells gone), whose blanks were placed to add up.
        short = printed[index] < len(covered) * WIDTH and len(lines[index]) > 1
        beside_unfilled = bool({before, after} & (named - placed)) and (short or any(_cannot_hold(checks[row.key], grid) for row in covered))
        if beside_empty or beside_unfilled or (len(covered) > 1 and listed & {row.key for row in covered}):
            doubted.update(row.key for row in covered)
    for key in doubted:
        for column in formats.REQUEST_COLUMN_KEYS:
            cell = grid[(key, column)]
            grid[(key, column)] = Cell(None, cell.token, "unreadable", "行标签与数字分开列出，空白格又不留痕迹，无法确定这些数字属于哪几行")


def _transpose_if_column_major(values: list[Token], rows: list[formats.Row], grid: Grid, equations: list[Equation], unsure: set[CellRef]) -> None:
    """Some extractors list a block of rows column by column — all of it, or all but the first
    row, printed in order after its label; the row totals tell which, and where several layouts
    add up in every row, the column sums over the rows read cleanly (`unsure`: cells of other
    such blocks, not yet known, count as unknown). Of the layouts that add up, a cell keeps the
    value they all agree on; where they differ it is not known."""
    keys = {row.key for row in rows}
    row_checks = [eq for eq in equations if eq.kind == "row_total" and eq.key in keys]
    refs = [(r.key, c) for r in rows for c in formats.REQUEST_COLUMN_KEYS]
    column_checks = [eq for eq in equations if eq.kind != "row_total" and any(ref in eq.cells for ref in refs)]
    known = {ref: cell for ref, cell in grid.items() if ref not in unsure}

    def holds(cells: Grid, checks: list[Equation]) -> bool:
        return not any(_cannot_hold(eq, cells) for eq in checks)

    layouts = [{ref: grid[ref] for ref in refs}, _column_major(values, rows)]
    if len(rows) > 2:
        layouts.append({**dict(zip(refs[:WIDTH], map(cell_from_token, values[:WIDTH]), strict=True)), **_column_major(values[WIDTH:], rows[1:])})
    adding_up = [layout for layout in layouts if holds(layout, row_checks)]
    if not adding_up:
        return  # the rows as printed stand, to be weighed as they are
    # A column sum no layout meets is an error of the agency's, which settles nothing.
    adding_up = [layout for layout in adding_up if holds({**known, **layout}, column_checks)] or adding_up
    for ref in refs:
        readings = {layout[ref].value for layout in adding_up}
        if len(readings) == 1:
            grid[ref] = adding_up[0][ref]
        else:
            grid[ref] = Cell(None, None, "unreadable", "这几行的数字按行读、按列读都合计相符，无法确定属于哪一格")


def _column_major(values: list[Token], rows: list[formats.Row]) -> dict[CellRef, Cell]:
    stream = iter(values)
    return {(row.key, column): cell_from_token(next(stream)) for column in formats.REQUEST_COLUMN_KEYS for row in rows}


def _values_by_line(values: list[Token]) -> list[list[Token]]:
    """Values grouped by the line that prints them, in order."""
    lines: dict[tuple[int | None, int], list[Token]] = {}
    for token in values:
        lines.setdefault((token.page, token.line), []).append(token)
    return list(lines.values())


def read_review(
    tokens: list[Token], blanks: Blanks = "nothing", stated: dict[str, int] | None = None, marks: tuple[Token, ...] = ()
) -> tuple[Grid, bool]:
    """Table 四: fifteen values in the order 复议 ×5, 直接起诉 ×5, 复议后起诉 ×5.

    `stated`: the narrative's 行政复议/行政诉讼 figures, to settle digits run together; `marks`:
    the blank cells' marks the document prints in all its tables (`blank_marks`).
    """
    refs = [(b.key, f.key) for b in formats.REVIEW_BLOCKS for f in formats.REVIEW_FIELDS]
    values = [t for t in tokens if t.is_value]
    grid: Grid = {ref: Cell(None, None, "unreadable", "表中找不到此格的数字") for ref in refs}
    if not values:
        # The header printed (结果维持 … 总计) and not one number under it: a table left blank.
        # (Its words run together where a flattened page glued them: 「结果维持结果纠正…总计」.)
        printed = "".join(formats.normalize_label(t.text) for t in tokens)
        if all(formats.normalize_label(field.label) in printed for field in formats.REVIEW_FIELDS):
            return {ref: Cell(None, None, "blank", "表四未填写任何数字") for ref in refs}, True
        return grid, False
    transposed = _transposed_review(tokens)
    runs = [r.values for r in runs_of(tokens)]
    if transposed is not None:
        values = transposed
    elif len(values) > len(refs):
        # More numbers than cells: the run of exactly the table's cells, else the one line that
        # prints them all (a scan's header word misread as a number, 「计」 as 「+1」, runs into it).
        exact = [r for r in runs if len(r) == len(refs)] or [line for line in _values_by_line(values) if len(line) == len(refs)]
        values = exact[-1] if exact else max(runs, key=len)
    elif (len(runs) > 1 or any(t.unordered for t in values)) and len(values) == len(refs):
        # Values interleaved with header labels, or printed on two lines whose columns the layout
        # leaves open: the order may be scrambled. Accept it only if the arithmetic confirms it.
        in_order: Grid = {ref: cell_from_token(token) for ref, token in zip(refs, values)}
        equations = review_equations()
        if any(eq.holds(lambda ref: in_order[ref].value) is False for eq in equations):
            for ref, token in zip(refs, values):
                grid[ref] = Cell(None, token, "unreadable", "表四的数字与表头交错，提取顺序不可靠")
            return grid, True
    equations = review_equations()
    narrative = _review_statements(stated or {})
    if (len(values) < len(refs) or any(t.kind == "doubt" or run_together(t) for t in values)) and _settled_jointly(values, refs, grid, equations, blanks, marks, narrative):
        return grid, True
    fill_run(values, refs, grid, equations)
    if narrative and any(grid[ref].status == "unreadable" for ref in refs) and len(values) < len(refs):
        extra, cells = narrative
        trial: Grid = {**grid, **cells}
        fill_run(values, refs, trial, equations + extra)
        for ref in refs:
            if trial[ref].value is not None and grid[ref].value is None:
                cell = trial[ref]
                grid[ref] = _settled_by_narrative(cell)
            elif trial[ref].value is None:
                grid[ref] = Cell(None, grid[ref].token, "unreadable", grid[ref].detail)
        equations = equations + extra
        grid.update(cells)
    if blanks != "none" and any(grid[ref].status == "split" for ref in refs):
        # Each block's total checks only its own five cells: where a hidden blank would read
        # a block differently, that block is not settled.
        for ref in cells_a_blank_may_hide(values, refs, grid, equations):
            grid[ref] = Cell(None, grid[ref].token, "unreadable", "数字连在一起，也可能其中一格为空，无法唯一确定")
    for ref in [ref for ref in grid if ref[0] == _STATED]:
        del grid[ref]
    return grid, True


def _settled_by_narrative(cell: Cell) -> Cell:
    """A cell the narrative's figures settled, saying so after what else its detail says."""
    return Cell(cell.value, cell.token, cell.status, (cell.detail + "；" if cell.detail else "") + "由正文所述数字唯一确定")


def _settled_jointly(
    values: list[Token],
    refs: list[CellRef],
    grid: Grid,
    equations: list[Equation],
    blanks: Blanks,
    marks: tuple[Token, ...],
    narrative: tuple[list[Equation], Grid] | None,
) -> bool:
    """Table 四's damaged run read as table 三's runs are (`solve_runs`: its dashes glued before
    counts as blanks' marks or counts below zero, blanks hidden among run-together digits
    wherever the document prints blank cells), then again with the narrative's figures for the
    cells left open; False when the search gave no answer (no reading holds, or it took too
    long), `grid` untouched."""
    # Each block is checked by its own total alone, which a blank total fits however the rest is
    # read. So on a page that marks its blanks, the text is read as printed (`solve_runs`) only
    # where every block's total is a number its cells add up to; else every reading is weighed,
    # a blank printed as nothing too («9229—４０…» is not 9 2 2 9 and a blank total).
    decided: Grid = dict(grid)
    as_printed = (
        blanks == "marked"
        and not solve_runs([(values, refs)], decided, equations, blanks, marks)
        and all(decided[ref].value is not None for ref in refs if ref[1] == "total")
    )
    weighed: Blanks = "nothing" if blanks == "marked" and not as_printed else blanks
    if not as_printed:
        decided = dict(grid)
        if solve_runs([(values, refs)], decided, equations, weighed, marks):
            return False
    open_refs = [ref for ref in refs if decided[ref].value is None and decided[ref].status == "unreadable"]
    if narrative and open_refs:
        extra, cells = narrative
        trial: Grid = {**grid, **cells}
        if not solve_runs([(values, refs)], trial, equations + extra, weighed, marks):
            for ref in open_refs:
                if trial[ref].value is not None:
                    cell = trial[ref]
                    decided[ref] = _settled_by_narrative(cell)
    grid.update({ref: decided[ref] for ref in refs})
    return True


def _transposed_review(tokens: list[Token]) -> list[Token] | None:
    """Table 四 printed on its side: a row per result (结果维持 … 总计), a column per block.

    Read that way only when the five result labels stand, in order, each before exactly three
    numbers; the numbers are then put back in the official order.
    """
    runs = [run for run in runs_of(tokens) if run.labels]
    if len(runs) != len(formats.REVIEW_FIELDS) or any(len(run.values) != len(formats.REVIEW_BLOCKS) for run in runs):
        return None
    for run, result in zip(runs, formats.REVIEW_FIELDS):
        if not formats.normalize_label(run.labels[-1].text).endswith(result.label):
            return None
    return [runs[f].values[b] for b in range(len(formats.REVIEW_BLOCKS)) for f in range(len(formats.REVIEW_FIELDS))]


def _review_statements(stated: dict[str, int]) -> tuple[list[Equation], Grid] | None:
    """The narrative's 行政复议 and 行政诉讼 figures as equations over table 四's totals."""
    blocks = {"review_total": ("review",), "litigation_total": ("litigation_direct", "litigation_after_review")}
    equations: list[Equation] = []
    cells: Grid = {}
    for topic, keys in blocks.items():
        if topic in stated:
            ref = (_STATED, topic)
            cells[ref] = Cell(stated[topic], None)
            equations.append(Equation("review_total", topic, tuple((key, "total") for key in keys), (ref,)))
    return (equations, cells) if equations else None


_ACTIVE_HEADER_START = ("第二十条", formats.CONTENT_HEADER)


def _find_label(labels: list[str | None], start: int, names: tuple[str, ...]) -> int | None:
    """Where, from `start` on, the label best naming one of `names` stands; `labels`: each
    token's folded label without its list mark, None for a value."""
    best, best_at = 0.0, None
    for index in range(start, len(labels)):
        text = labels[index]
        if text is None:
            continue
        for name in names:
            # The label, or its last words after a stray character or two, or after the block's
            # header glued before it (「第二十条第(一)项信息内容…现行有效件数行政规范性文件」, a
            # header repeated where a page broke the table).
            ends = text.endswith(name) and (len(text) <= len(name) + 2 or text.startswith(_ACTIVE_HEADER_START))
            score = 1.0 if text == name else (0.9 if ends else 0.0)
            if score > best:
                best, best_at = score, index
        if best == 1.0:
            break
    return best_at


def _with_edges(values: list[Token], fields: int) -> list[Token]:
    """A row's values with the empty cells beside them counted as blanks only when the row needs
    exactly them (see `tokens.EDGE_BLANK`)."""
    printed = [t for t in values if t.text != EDGE_BLANK]
    if len(printed) != fields and len(values) == fields:
        return [Token("null", "", t.line, t.page, t.column, box=t.box) if t.text == EDGE_BLANK else t for t in values]
    return printed


@dataclass(frozen=True)
class LastYear:
    """What the agency's report of the year before tells table 二 (see `arithmetic.continuity_equations`)."""

    year: int
    figures: dict[CellRef, int | float]


def _last_year_grid(
    last_year: LastYear | None, template: str, refs: list[CellRef], cells: dict[CellRef, Cell]
) -> tuple[list[Equation], dict[CellRef, Cell]]:
    """The continuity equations touching `refs`, and the grid with last year's cells added."""
    if last_year is None:
        return [], cells
    equations = [
        e for e in continuity_equations(template) if set(refs) & set(e.cells) and (e.key, LAST_YEAR) in last_year.figures
    ]
    if not equations:
        return [], cells
    grid = dict(cells)
    for equation in equations:
        grid[(equation.key, LAST_YEAR)] = Cell(last_year.figures[(equation.key, LAST_YEAR)], None)
    return equations, grid


def _stated_grid(stated: dict[str, int], refs: list[CellRef]) -> tuple[list[Equation], dict[CellRef, Cell]]:
    """The narrative's figures of `refs` as equations (cell = figure) and their pseudo cells."""
    equations: list[Equation] = []
    cells: dict[CellRef, Cell] = {}
    for ref in refs:
        topic = formats.active_topic(*ref)
        if topic in stated:
            figure = (_STATED, topic)
            cells[figure] = Cell(stated[topic], None)
            equations.append(Equation("stated", topic, (ref,), (figure,)))
    return equations, cells


def _settle_by_figures(
    values: list[Token],
    refs: list[CellRef],
    cells: dict[CellRef, Cell],
    equations: list[Equation],
    grid: dict[CellRef, Cell],
    why: str,
    signed: frozenset[CellRef],
    hidden_blank: bool,
) -> None:
    """Digits run together that the row alone cannot cut ("5183207"), cut again with figures
    printed elsewhere as equations (the narrative's, the stock of the year before): a cell gets
    the value every cutting that agrees with them gives it; still null when that is not unique.
    `signed`, `hidden_blank`: see `fill_run`."""
    trial = dict(grid)
    fill_run(values, refs, trial, equations, signed, hidden_blank)
    cut = [trial[ref].value for ref in refs]
    used = sum(digit_count(str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in cut if v is not None)
    printed = sum(digit_count(t.digits) for t in values if t.digits)
    if used > printed or (None not in cut and used != printed):
        return  # the figures filled cells the row prints no digits for (blanks printed as nothing)
    for ref in refs:
        cell = trial[ref]
        if cell.value is not None and cells[ref].value is None:
            token = cell.token or values[0]
            cells[ref] = Cell(cell.value, token, "split", f"“{token.text}”按{why}唯一拆分")


def _active_row_values(tokens: list[Token], template: str) -> list[tuple[formats.ActiveRow, list[Token] | None]]:
    """Table 二's rows, each with the values printed after its label (None: label not found)."""
    return [(row, values) for row, values, _listed in _active_rows_found(tokens, template)]


def _active_rows_found(tokens: list[Token], template: str) -> list[tuple[formats.ActiveRow, list[Token] | None, bool]]:
    """Table 二's rows, each with the values printed after its label (None: label not found) and
    whether another row's label stands before it with no value between (the labels listed
    together, as a PDF extractor's reading order lists a table's first column)."""
    position = 0
    previous: int | None = None  # where the last row's label found stands
    found: list[tuple[formats.ActiveRow, list[Token] | None, bool]] = []
    labels = [None if token.is_value else formats.strip_list_mark(formats.normalize_label(token.text)) for token in tokens]
    for row in formats.active_rows(template):
        at = _find_label(labels, position, (row.label,) + tuple(a for a in row.aliases))
        if at is None:
            found.append((row, None, False))
            continue
        values: list[Token] = []
        for token in tokens[at + 1 :]:
            if not token.is_value:
                break
            values.append(token)
        between = tokens[previous + 1 : at] if previous is not None else []
        heading = formats.normalize_label(row.block)
        # Listed together: no value between, nor the heading of this row's block (第二十条第（六）项).
        listed = previous is not None and not any(t.is_value or heading in formats.normalize_label(t.text) for t in between)
        found.append((row, _with_edges(values, len(row.fields)), listed))
        position, previous = at + 1, at
    return found


def _active_rows_short(tokens: list[Token], template: str) -> bool:
    """Table 二 shows that this document prints blank cells as nothing at all: a row found by its
    label holds fewer digits and marks than it has cells ("行政许可0", "行政处罚行政强制").
    Digits run together elsewhere may then hide a blank cell too ("规范性文件213" may be _ 213 _)."""
    return any(values is not None and len(row.fields) >= 2 and _fewer_cells_than(values, len(row.fields)) for row, values in _active_row_values(tokens, template))


def _runs_short_of_cells(tokens: list[Token], width: int) -> int:
    """How many of table 三's runs show a blank cell printed as nothing: a run of numbers
    between two labels holds fewer digits and marks than a row has cells (the table's last run
    may be cut short). A run that prints as many blanks' marks as it lacks digits, alone or as
    dashes glued to digits ("7--0-1320"), shows none."""
    return sum(1 for run in runs_of(tokens)[:-1] if any(t.digits for t in run.values) and _fewer_cells_than(run.values, width))


def _fewer_cells_than(values: list[Token], width: int) -> bool:
    """Whether printed values stand for fewer than `width` cells even at most: a digit each, a
    blank's mark each ("——" or "--" two; dashes glued before digits, a slash among them)."""
    most = 0
    for token in values:
        if token.kind == "null":
            most += 2 if token.text in DOUBLE_DASHES else 1
        elif token.number == token.text and token.text.isdigit():  # (plain digits, the common case: one cell each at most)
            most += len(token.text)
        else:
            most += digit_count(token.digits) + leading_dashes(token.text) + token.text.count("/") + token.text.count("／")
        if most >= width:
            return False  # (most runs: a whole row's values, counted no further)
    return True


def blank_printing(active: list[Token], requests: list[Token], review: list[Token], template: str) -> Blanks:
    """How the document prints blank cells, from its three tables' tokens: as nothing where it
    shows one so (an empty cell between separators, a row with fewer digits and marks than
    cells), however many others carry a mark; else with a mark where one is seen; else no
    blank is seen — unless table 三 prints one row alone (an excerpt cut short after it): that
    shows too little to say none is hidden in it.

    One table 三 row short of a cell on a page that marks its blanks is a slip of that page:
    the page still marks its blanks (`solve_runs` reads that row as damaged); two or more
    show a page that prints blanks as nothing too."""
    nulls = [t for table in (active, requests, review) for t in table if t.kind == "null"]
    if any(not t.text.strip() or t.text == EDGE_BLANK for t in nulls) or _active_rows_short(active, template):
        return "nothing"
    if _runs_short_of_cells(requests, WIDTH) > (1 if nulls else 0):
        return "nothing"
    if nulls or any(_prints_a_blank_mark(t) for t in requests):
        return "marked"
    return "nothing" if len(runs_of(requests)) == 1 else "none"


def blank_marks(*tables: list[Token]) -> tuple[Token, ...]:
    """The blank cells' marks the document prints in its tables: a dash glued to a count in one
    table is read as the mark the page prints alone in another («－0007» where table 三 prints
    「－」 for its blank cells)."""
    return tuple(t for table in tables for t in table if t.kind == "null" and t.text.strip() and t.text != EDGE_BLANK)


def _prints_a_blank_mark(token: Token) -> bool:
    """A blank cell's mark: alone, or dashes glued before a table 三 count (never negative)."""
    return token.kind == "null" or (token.kind in ("num", "doubt") and token.text[:1] in DASHES)


def _without_phantom_columns(values: list[Token] | None, fields: int) -> list[Token] | None:
    """A row with more values than cells whose empty cells are exactly the excess: columns the
    layout added (a PDF-to-Markdown converter's 「|行政许可|6||7<br>2|」, two columns merged
    into one cell and an empty one beside them), not blank cells; the values keep their order."""
    if values is None or len(values) <= fields:
        return values
    printed = [t for t in values if not (t.kind == "null" and t.text == "")]
    one_line = len({t.line for t in values}) == 1  # a row's cells as one line of the layout printed them
    return printed if len(printed) == fields and one_line and all(t.kind == "num" for t in printed) else values


def read_active(
    tokens: list[Token],
    template: str,
    blanks: Blanks = "nothing",
    last_year: LastYear | None = None,
    stated: dict[str, int] | None = None,
) -> tuple[dict[CellRef, Cell], bool]:
    """Table 二: each row found by its label, its values being the numbers that follow it.

    Digits run together that the row alone cannot cut are cut again with what is printed
    elsewhere (see `_settle_by_figures`): `stated`, the figures the narrative states by topic
    (制发规范性文件3件, `formats.active_topic`), and `last_year`, the agency's report of the
    year before (its year and `last_year_figures`), whose stock runs on into this one's.
    """
    rows = formats.active_rows(template)
    cells: dict[CellRef, Cell] = {}
    found = _active_rows_found(tokens, template)
    pending = [(row, _without_phantom_columns(values, len(row.fields))) for row, values, _listed in found]
    after_listed_label = {row.key for row, _values, listed in found if listed}
    found_any = any(values is not None for _row, values in pending)
    all_values = [t for t in tokens if t.is_value and t.text != EDGE_BLANK]
    expected = sum(len(r.fields) for r in rows)
    fits = all(v is not None and len(v) == len(r.fields) for r, v in pending)
    overflow = any(values is not None and len(values) > len(row.fields) for row, values in pending)
    lost = any(values is None for _row, values in pending)
    # A row found by its label with no number after it, while numbers stand elsewhere with no
    # row of theirs: the labels are listed apart from the numbers (a PDF extractor's reading
    # order), and no number can be placed by where it stands.
    attributed = sum(len(values) for _row, values in pending if values)
    listed_apart = any(values == [] for _row, values in pending) and len(all_values) > attributed
    if not fits and lost and len(all_values) == expected and not overflow and not listed_apart:
        # Labels were lost but the count is exact: the fixed order decides. (A row with more
        # numbers than cells means numbers ran together or a note's figure crept in, not a lost
        # label; with every label found, a number between rows is a stray, not a shifted cell:
        # then no row is read by position.) The order must give every row whose label was found
        # the very numbers printed after it: else a stray number (a header's「本年(2\n023)」)
        # made the count exact, and the order would shift every row after it.
        stream = iter(all_values)
        by_position: list[tuple[formats.ActiveRow, list[Token] | None]] = [(row, [next(stream) for _ in row.fields]) for row in rows]
        printed = [None if values is None else [t for t in values if t.text != EDGE_BLANK] for _row, values in pending]
        if all(not values or values == placed for values, (_row, placed) in zip(printed, by_position)):
            pending = by_position
            found_any = True
    for row, row_values in pending:
        for index, column in enumerate(row.fields):
            ref = (row.key, column.key)
            if row_values is None:
                cells[ref] = Cell(None, None, "unreadable", f"表中找不到“{row.label}”行")
            elif not row_values and listed_apart:
                cells[ref] = Cell(None, None, "unreadable", f"“{row.label}”行的标签后没有数字，表中数字与行标签分开排列，无法对位")
            elif listed_apart and row.key in after_listed_label:
                # The last of the labels listed together: the numbers after it begin the block
                # of numbers listed apart, as likely another row's as its own.
                token = row_values[0]
                cells[ref] = Cell(None, token, "unreadable", f"“{row.label}”行的标签与其他行标签连排，其后的数字可能属于别的行，无法对位")
            elif not row_values:
                cells[ref] = Cell(None, None, "blank", f"“{row.label}”行未填数字")
            elif len(row_values) < len(row.fields) and len(row.fields) > 1:
                # Cells run together ("000"): cut where only one cutting is possible.
                refs = [(row.key, c.key) for c in row.fields]
                if ref == refs[0]:
                    signed = frozenset((row.key, key) for key in row.signed)
                    fill_run(row_values, refs, cells, [], signed, blanks != "none")
                    equations, grid = _last_year_grid(last_year, template, refs, cells)
                    narrative, figures = _stated_grid(stated or {}, refs)
                    sources = [f"{last_year.year}年报告的数字（上年现行有效件数或项目数量）"] if equations and last_year else []
                    sources += ["正文所述数字"] if narrative else []
                    equations, grid = equations + narrative, {**grid, **figures}
                    if sources and any(cells[r].value is None for r in refs):
                        _settle_by_figures(row_values, refs, cells, equations, grid, "、".join(sources), signed, blanks != "none")
                        grid.update(cells)
                    if blanks != "none" and any(cells[r].status == "split" for r in refs):
                        for r in cells_a_blank_may_hide(row_values, refs, grid, equations):
                            cells[r] = Cell(None, row_values[0], "unreadable", f"“{row_values[0].text}”可拆成{len(refs)}个数，也可能其中一格为空，无法唯一确定")
            elif len(row_values) != len(row.fields):
                cells[ref] = Cell(None, row_values[0], "unreadable", f"“{row.label}”行应有{len(row.fields)}个数，读到{len(row_values)}个")
            elif any(run_together(t) for t in row_values):
                # "0002" is several cells in a row with none to spare: nothing in it is placed.
                cells[ref] = Cell(None, row_values[0], "unreadable", f"“{row.label}”行有连在一起的数字，与应有的格数对不上")
            else:
                token = row_values[index]
                if token.kind == "doubt" and column.key in row.signed and token.text[:1] in "-－":
                    # "行政事业性收费8-8": read as a blank's dash, "-" would give the row one
                    # value more than it has cells; it is the minus of 本年增/减.
                    token = token._replace(kind="num")
                cells[ref] = cell_from_token(token, allow_fraction=column.key in row.decimal, allow_negative=column.key in row.signed)
    return cells, found_any
