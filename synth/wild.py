"""Reports as government websites really publish them: a layer of realistic damage over the generator.

`synth.generate` prints a report cleanly, the way a careful copy out of Word or a web page
looks. Real reports reach gongkai after a rougher trip: the text of a whole web page flattened
onto one line, Markdown tables without their leading pipe, cells printed blank as "/" or "—",
「87.2315万元」 and 「18（其中修订 9 件）」 inside number cells, page footers in the middle of
table 三, breadcrumbs and ICP footers around the body, CRLF line ends … This module renders a
`ReportSpec` through a composition of such damage, reproducible from a seed, and says what a
perfect reader would return:

    >>> from synth.wild import wild_report
    >>> doc = wild_report(17)
    >>> doc.kinds, doc.text[:40], doc.truth["requests.new_received.total"]  # doctest: +SKIP

`DAMAGE_KINDS` names every kind of damage (each function's docstring says what it does and why
it is realistic). `wild(spec, seed, kinds)` renders one spec; `wild_report(seed)` also draws the
spec (both templates: about a third are 2019-format reports for 2019/2020) and a composition of
1–4 compatible kinds. `render_wild(spec, seed)` returns just (text, truth).

The truth maps every cell path of the spec's record (`gongkai.model.cell_values`) to the value
printed, or to None where the damage left no value to read: a cell printed blank ("/", "—",
"", …) or a cell the text no longer contains (a table cut short). `cut_short` ends the whole
excerpt at the cut: every later cell of that table and of the following tables is None, and the
later sections and the signature are gone too (a page or excerpt that simply stops).

The damage never changes what the numbers are; only how they are printed. A reader that is
right returns, for every path, the truth, or None (it could not tell), or — for a blank cell —
the spec's value derived from the table's arithmetic (record.md allows that, marked derived).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from gongkai import formats
from gongkai.arithmetic import Equation, request_equations, review_equations
from gongkai.layout import Cell, Grid, format_number
from gongkai.model import Record, Source

from . import expected_cells
from .generate import ReportSpec, outline, random_report
from .generate import _listed_sentence as _generated_listing

__all__ = [
    "BASE_LAYOUTS",
    "DAMAGE_KINDS",
    "TABLE_LAYOUTS",
    "Wild",
    "WildDoc",
    "applicable",
    "compatible",
    "random_composition",
    "random_spec",
    "render_wild",
    "wild",
    "wild_report",
]

Number = int | float
Value = int | float | None

# How a table's rows become lines (per table; a document starts with one base layout for all):
# tabs: Word copy, merged cells once; tabs_padded: Word copy, merged cells leave empty cells;
# markdown: pipe table; markdown_bare: rows without the leading pipe; markdown_collapsed: blank
# cells printed as "||" without spaces; cells: one cell per line behind a tab, a blank line
# between rows (a web page's copy); pipes: one cell per line with a lone "|" line between cells;
# columns: cells at fixed character columns, long labels wrapped in their column (pdftotext -layout).
TABLE_LAYOUTS: tuple[str, ...] = ("tabs", "tabs_padded", "markdown", "markdown_bare", "markdown_collapsed", "cells", "pipes", "columns")
BASE_LAYOUTS: tuple[str, ...] = ("tabs", "tabs_padded", "markdown", "cells")
_MARKDOWN = ("markdown", "markdown_bare", "markdown_collapsed")
_DRAWN = ("drawn_box", "drawn_grid")  # tables drawn with box characters (w3m, lynx) or as ASCII grids (pandoc)
_WRAPPABLE = ("tabs", "tabs_padded", "cells", "pipes")  # layouts whose cells can hold a line break

_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_PAIR = re.compile(r"(?<=[\u3400-\u9fff])(?=[\u3400-\u9fff])")
_FULLWIDTH = str.maketrans("0123456789.+-", "０１２３４５６７８９．＋－")


# ---------------------------------------------------------------- the document being damaged


@dataclass
class Printed:
    """How one value cell is printed: the number's text and a suffix, or a blank marker."""

    value: Number
    text: str
    suffix: str = ""
    blank: str | None = None  # "/", "—", "" …: the cell is printed blank (truth None)

    def shown(self) -> str:
        return self.blank if self.blank is not None else self.text + self.suffix


# An insertion before a grid row: ("footer", text) a page footer line, ("ff", "") a form feed,
# ("header", "") the table's header rows printed again (a table continued on the next page).
Insert = tuple[str, str]


@dataclass
class Columns:
    """Where a table printed in columns (`pdftotext -layout`) puts its cells, in characters."""

    starts: list[int]  # grid column → the character its text starts at
    widths: list[int]  # grid column → how many characters of a label it holds on one line
    align: str  # values in their column: "left", "right" or "centre"
    valign: str  # a row whose label wraps: its values beside the label's "top" line or in the "middle"
    raised: frozenset[int]  # value columns printed beside the label's first line all the same (总计)
    groups: dict[int, list[tuple[int, str]]]  # grid row → pieces of merged group labels (column, text)
    own_line: bool  # group label pieces on lines of their own, not beside a row's label
    pushed: dict[tuple[int, int], int]  # value cell → characters it stands off its column


@dataclass
class Table:
    """One of the three tables: its grid, how it is printed, and the damage done to its layout."""

    number: int  # 2, 3 or 4 (表二, 表三, 表四)
    grid: Grid
    layout: str
    paths: dict[tuple[int, int], str]  # (row, col) of a value cell → record path
    header_rows: int  # rows before the first data row
    chosen: bool = False  # a layout kind set `layout` (others leave it alone)
    wraps: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # label cell → its lines
    before: dict[int, list[Insert]] = field(default_factory=dict)  # grid row → what comes before it
    stray: dict[int, str] = field(default_factory=dict)  # grid row → where a stray "|" goes
    separator: bool = True  # markdown: print the |---| line under the first row
    bare: bool = False  # markdown: rows without their leading pipe
    cut_after: int | None = None  # the text ends after this grid row
    # first grid row of a block printed in reading order → (its last row, where its labels go)
    reading_order: dict[int, tuple[int, str]] = field(default_factory=dict)
    columns: Columns | None = None  # layout "columns": where each cell goes
    valign: str = "top"  # drawn layouts: a wrapped row's values beside its "top" or "middle" line

    def __post_init__(self) -> None:
        self.origin = self.grid.origin_map()
        self.cover = self.grid.cover_map()

    @property
    def data_rows(self) -> list[int]:
        return sorted({r for r, _ in self.paths})


@dataclass
class Wild:
    """A report on its way to text: blocks (title, paragraphs, tables, chrome …) and how each
    value cell is printed. Damage functions change it; `render` prints it."""

    spec: ReportSpec
    seed: int
    blocks: list[tuple[str, Any]]  # (kind, str) or ("table", Table)
    printed: dict[str, Printed]
    base: str
    markdown_headings: bool
    blank_lines: bool
    removed: set[str] = field(default_factory=set)  # paths no longer in the text
    flat: tuple[str, str] | None = None  # (between cells, between blocks) when flattened
    flat_breaks: tuple[float, ...] = ()  # where a flattened text still has line breaks (0..1)
    text_ops: list[Callable[[str], str]] = field(default_factory=list)  # applied to the final text, in order

    def tables(self) -> list[Table]:
        return [payload for kind, payload in self.blocks if kind == "table"]

    def table(self, number: int) -> Table:
        return next(t for t in self.tables() if t.number == number)

    def value_paths(self, tables: list[Table] | None = None) -> list[str]:
        """Paths of the value cells still printed with a number (in `tables`, default all)."""
        out: list[str] = []
        for table in tables if tables is not None else self.tables():
            for path in table.paths.values():
                if path not in self.removed and self.printed[path].blank is None:
                    out.append(path)
        return out

    def truth(self) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for path, printed in self.printed.items():
            out[path] = None if path in self.removed or printed.blank is not None else printed.value
        return out


def _paths(grid: Grid) -> dict[tuple[int, int], str]:
    """The record path of each value cell of a grid, by its position."""
    return {(cell.row, cell.col): str(cell.path) for cell in grid.cells if cell.path is not None}


def start(spec: ReportSpec, seed: int) -> Wild:
    """The undamaged document of a spec: the generator's outline, one base layout for all tables."""
    rng = random.Random(f"gongkai-wild-base-{seed}")
    base = rng.choice(BASE_LAYOUTS)
    values = expected_cells(spec)
    printed = {path: Printed(value, format_number(value)) for path, value in values.items() if value is not None}
    blocks: list[tuple[str, Any]] = []
    for kind, payload in outline(spec):
        if kind == "table":
            number, grid = payload
            blocks.append(("table", Table(number, grid, base, _paths(grid), grid.header_rows)))
        else:
            blocks.append((kind, str(payload)))
    covered = {p for _, t in blocks if isinstance(t, Table) for p in t.paths.values()}
    if covered != set(printed):
        raise AssertionError("the grids do not print exactly the record's cells")
    return Wild(spec, seed, blocks, printed, base, base.startswith("markdown") and rng.random() < 0.7, rng.random() < 0.5)


# ---------------------------------------------------------------- rendering


def _cell_text(w: Wild, table: Table, cell: Cell, *, wrap: bool = True) -> str:
    if cell.is_value:
        return w.printed[table.paths[(cell.row, cell.col)]].shown()
    pieces = table.wraps.get((cell.row, cell.col))
    if pieces:
        return "\n".join(pieces) if wrap else "".join(pieces)
    return cell.text


def _row_texts(w: Wild, table: Table, r: int, padded: bool, *, wrap: bool = True) -> list[str]:
    """The cells of a grid row left to right (as Word copies them): merged cells once, or (padded)
    with an empty cell for every column and row a merge covers."""
    grid = table.grid
    out: list[str] = []
    c = 0
    while c < grid.cols:
        cell = table.origin.get((r, c))
        if cell is not None:
            out.append(_cell_text(w, table, cell, wrap=wrap))
            if padded:
                out.extend([""] * (cell.colspan - 1))
            c += cell.colspan
            continue
        covering = table.cover.get((r, c))
        span = covering.colspan if covering is not None else 1
        if padded or covering is None:
            out.extend([""] * span)
        c += span
    return out


def _markdown_row(texts: list[str], layout: str, bare: bool) -> str:
    if layout == "markdown_collapsed":
        # An empty cell prints as a lone "|", so blank runs collapse into "||||".
        pieces = [f"| {t} " if t else "|" for t in texts]
        line = "".join(pieces) + "|"
        if bare and texts and texts[0]:
            line = line[2:]
        return line
    line = " | ".join(texts) + " |"
    return line if bare else "| " + line


def _row_lines(w: Wild, table: Table, r: int) -> list[str]:
    """The lines of one grid row in the table's layout."""
    layout = table.layout
    if layout == "columns" and table.columns is not None:
        return _column_lines(w, table, table.columns, r)
    if layout in _DRAWN:
        return _drawn_lines(w, table, r)
    if layout in ("tabs", "tabs_padded"):
        return "\t".join(_row_texts(w, table, r, layout == "tabs_padded")).split("\n")
    if layout in _MARKDOWN:
        texts = [
            _cell_text(w, table, table.origin[(r, c)], wrap=False) if (r, c) in table.origin else ""
            for c in range(table.grid.cols)
        ]
        return [_markdown_row(texts, layout, bare=table.bare)]
    lines: list[str] = []
    c = 0
    first = True
    while c < table.grid.cols:
        cell = table.origin.get((r, c))
        if cell is None:
            covering = table.cover.get((r, c))
            if layout == "cells" and covering is not None and covering.row != r and covering.col == c:
                lines.append("\t")  # a vertical merge's continuation prints an empty cell
            c += covering.colspan if covering is not None else 1
            continue
        pieces = _cell_text(w, table, cell).split("\n")
        if layout == "cells":
            lines.append("\t" + pieces[0])
            lines.extend(pieces[1:])
        else:  # pipes
            if not first:
                lines.append("|")
            lines.extend(pieces)
        first = False
        c += cell.colspan
    if layout == "cells":
        lines.append("")
    return lines


def _drawn_lines(w: Wild, table: Table, r: int) -> list[str]:
    """One grid row drawn with box characters or as an ASCII grid: every column its own width,
    a wrapped label's pieces on lines of their own, the values beside its first or middle line,
    a rule under the row (and above the table's first)."""
    wall, joint, dash, left, right = ("│", "┼", "─", "├", "┤") if table.layout == "drawn_box" else ("|", "+", "-", "+", "+")
    rows = [[text.split("\n") for text in _row_texts(w, table, row, True)] for row in range(table.grid.rows)]
    widths = [max(len(piece) for row in rows for piece in row[c]) + 1 for c in range(table.grid.cols)]
    rule = left + joint.join(dash * width for width in widths) + right
    cells = rows[r]
    height = max(len(pieces) for pieces in cells)
    beside = 0 if table.valign == "top" else (height - 1) // 2
    lines = []
    for n in range(height):
        texts = []
        for c, pieces in enumerate(cells):
            is_value = (r, c) in table.paths
            text = (pieces[0] if n == beside else "") if is_value else (pieces[n] if n < len(pieces) else "")
            texts.append(text.ljust(widths[c]))
        lines.append(wall + wall.join(texts) + wall)
    return ([rule] if r == 0 else []) + lines + [rule]


def _put(line: list[str], at: int, text: str, *, after: bool = True) -> None:
    """Write text into a line of characters at a column; `after`: past what the line holds
    already if it would overlap (a long label pushes the value right, as pdftotext does)."""
    if after:
        used = len("".join(line).rstrip())
        at = max(at, used + 1 if used else 0)
    line.extend(" " * (at + len(text) - len(line)))
    line[at : at + len(text)] = list(text)


def _placed(columns: Columns, c: int, text: str, span: int = 1) -> int:
    """Where a value's text starts in its column(s), by the table's alignment."""
    room = sum(columns.widths[c : c + span])
    if columns.align == "right":
        return columns.starts[c] + max(0, room - len(text))
    if columns.align == "centre":
        return columns.starts[c] + max(0, (room - len(text)) // 2)
    return columns.starts[c]


def _column_lines(w: Wild, table: Table, columns: Columns, r: int) -> list[str]:
    """One grid row at fixed character columns. A label longer than its column wraps onto 2–3
    lines; the row's values stand beside the label's first line, or its middle (a line of their
    own between a two-line label's halves), with some columns (总计) beside the first all the same.
    Header cells wrap in their columns, top-aligned. Merged group labels come in pieces, one per
    row they span, beside a row's label or on a line of their own."""
    label_cells = [cell for c in range(table.grid.cols) if (cell := table.origin.get((r, c))) is not None and not cell.is_value]
    values = {c: w.printed[path].shown() for (row, c), path in table.paths.items() if row == r}
    pieces: list[tuple[int, list[str]]] = []  # (column, the label's lines)
    for cell in label_cells:
        if cell.rowspan > 1 and r >= table.header_rows:
            continue  # a group label: printed in pieces over its rows
        room = max(2, sum(columns.widths[cell.col : cell.col + cell.colspan]) - 1)
        pieces.append((cell.col, [cell.text[i : i + room] for i in range(0, len(cell.text), room)] or [""]))
    height = max((len(lines) for _, lines in pieces), default=1)
    value_line = 0 if not values or columns.valign == "top" or height == 1 else 1
    extra = 1 if value_line and height == 2 else 0  # a line of values only, between the halves
    lines: list[list[str]] = [[] for _ in range(height + extra)]
    value_columns = {c for _, c in table.paths}
    for col, texts in pieces:
        span = next(cell.colspan for cell in label_cells if cell.col == col)
        for index, text in enumerate(texts):
            _put(lines[index + 1 if extra and index else index], _placed(columns, col, text, span) if col in value_columns else columns.starts[col], text)
    for c, text in sorted(values.items()):
        if text:
            _put(lines[0 if c in columns.raised else value_line], _placed(columns, c, text) + columns.pushed.get((r, c), 0), text)
    own: list[str] = []
    for col, text in columns.groups.get(r, []):
        if columns.own_line:
            own.append(" " * columns.starts[col] + text)
        else:
            _put(lines[0], columns.starts[col], text, after=False)
    return own + ["".join(line).rstrip() for line in lines]


def _with_stray(lines: list[str], where: str, layout: str) -> list[str]:
    """A row's lines with a stray "|" (a table border that came along with the copy)."""
    if not lines:
        return lines
    lines = list(lines)
    if layout in _MARKDOWN or where == "end":
        lines[-1] = lines[-1].rstrip() + "|"
    elif where == "tab_end":
        lines[-1] = lines[-1] + "\t|"
    elif where == "start":
        lines[0] = "|" + lines[0].lstrip("\t") if layout in ("cells",) else "|" + lines[0]
    else:  # "line": a lone "|" line before the row
        lines.insert(0, "|")
    return lines


def _reading_order_pieces(w: Wild, table: Table, first: int, last: int, labels: str) -> list[list[str]]:
    """A block of rows as a PDF extractor's reading order gives it: the rows' labels listed
    together (before or after the numbers), the numbers column by column — or the first row in
    order after its label, the rest of the block as before. Each piece is a list of cells;
    blank cells printed as nothing vanish, as they do from a PDF's text."""

    def label_cells(rows: range) -> list[str]:
        return [
            _cell_text(w, table, cell, wrap=False) for r in rows for c in range(table.grid.cols) if (cell := table.origin.get((r, c))) is not None and not cell.is_value
        ]

    def number_cells(rows: range) -> list[list[str]]:
        columns = sorted({c for (r, c) in table.paths if r in rows})
        return [[shown for r in rows if (r, c) in table.paths and (shown := w.printed[table.paths[(r, c)]].shown())] for c in columns]

    pieces: list[list[str]] = []
    rows = range(first, last + 1)
    if labels == "first_row":
        pieces.append(_row_texts(w, table, first, False, wrap=False))
        rows = range(first + 1, last + 1)
    if labels == "before":
        pieces.append(label_cells(rows))
    pieces.extend(number_cells(rows))
    if labels != "before":
        pieces.append(label_cells(rows))
    return [piece for piece in pieces if piece]


def _table_lines(w: Wild, table: Table) -> list[str]:
    out: list[str] = []
    markdown = table.layout in _MARKDOWN
    if markdown:
        out.append("")
    header = table.header_rows
    inside_block_until = -1
    for r in range(table.grid.rows):
        if r <= inside_block_until:
            continue
        for kind, text in table.before.get(r, []):
            if kind == "footer":
                out.extend(["", text])
            elif kind == "ff":
                out.append("\f")
            else:  # the header rows again, at the top of the next page
                for h in range(header):
                    out.extend(_row_lines(w, table, h))
                    if markdown and h == 0 and table.separator:
                        out.append(_separator(table))
        if r in table.reading_order:
            last, labels = table.reading_order[r]
            last = last if table.cut_after is None else min(last, table.cut_after)
            for piece in _reading_order_pieces(w, table, r, last, labels):
                out.extend(["", *piece])
            out.append("")
            if table.cut_after is not None and last == table.cut_after:
                return out
            inside_block_until = last
            continue
        lines = _row_lines(w, table, r)
        if r in table.stray:
            lines = _with_stray(lines, table.stray[r], table.layout)
        out.extend(lines)
        if markdown and r == 0 and table.separator:
            out.append(_separator(table))
        if table.cut_after == r:
            return out
    if markdown:
        out.append("")
    return out


def _separator(table: Table) -> str:
    rule = "|".join(["---"] * table.grid.cols)
    return rule + "|" if table.bare else "|" + rule + "|"


def _flat_table(w: Wild, table: Table, cell_sep: str, block_sep: str) -> tuple[str, bool]:
    """A table flattened into one string (cells joined by `cell_sep`); True when the text ends in it."""
    pieces: list[str] = []
    inside_block_until = -1
    for r in range(table.grid.rows):
        if r <= inside_block_until:
            continue
        for kind, text in table.before.get(r, []):
            if kind == "footer":
                pieces.append(text)
            elif kind == "ff":
                pieces.append("\f")
            else:
                pieces.extend(cell_sep.join(_row_texts(w, table, h, False, wrap=False)) for h in range(table.header_rows))
        if r in table.reading_order:
            last, labels = table.reading_order[r]
            last = last if table.cut_after is None else min(last, table.cut_after)
            pieces.extend(cell_sep.join(piece) for piece in _reading_order_pieces(w, table, r, last, labels))
            if table.cut_after is not None and last == table.cut_after:
                return block_sep.join(pieces), True
            inside_block_until = last
            continue
        row = cell_sep.join(t for t in _row_texts(w, table, r, False, wrap=False))
        if r in table.stray:
            row = "|" + row if table.stray[r] in ("start", "line") else row + "|"
        pieces.append(row)
        if table.cut_after == r:
            return block_sep.join(pieces), True
    return block_sep.join(pieces), False


_HEADING_MARKS = {"title": "# ", "heading": "## ", "sub": "### "}


def render(w: Wild) -> str:
    """The document's text, with every damage applied."""
    if w.flat is not None:
        text = _render_flat(w, *w.flat)
    else:
        lines: list[str] = []
        for kind, payload in w.blocks:
            if isinstance(payload, Table):
                lines.extend(_table_lines(w, payload))
                if payload.cut_after is not None:
                    break
                continue
            prefix = _HEADING_MARKS.get(kind, "") if w.markdown_headings else ""
            lines.append(prefix + payload)
            if w.blank_lines or w.markdown_headings:
                lines.append("")
        text = "\n".join(lines) + "\n"
    for op in w.text_ops:
        text = op(text)
    return text


def _render_flat(w: Wild, cell_sep: str, block_sep: str) -> str:
    strings: list[str] = []
    for _kind, payload in w.blocks:
        if isinstance(payload, Table):
            text, ended = _flat_table(w, payload, cell_sep, block_sep)
            strings.append(text)
            if ended:
                break
        else:
            strings.append(payload)
    breaks = {max(1, min(len(strings) - 1, round(f * len(strings)))) for f in w.flat_breaks}
    out = ""
    for index, text in enumerate(strings):
        if index:
            out += "\n" if index in breaks else block_sep
        out += text
    return out + "\n"


# ---------------------------------------------------------------- the registry

DamageFn = Callable[[Wild, random.Random], None]
DAMAGE_KINDS: dict[str, DamageFn] = {}
_ORDER: dict[str, float] = {}  # kinds apply in this order, whatever the composition's order
_APPLIES: dict[str, Callable[[ReportSpec], bool]] = {}


def _damage(name: str, order: float, applies: Callable[[ReportSpec], bool] | None = None) -> Callable[[DamageFn], DamageFn]:
    """Register a damage kind. Order: 0 content (blocks, labels), 1 value cells, 2 table layout,
    3 layout details (wraps, page breaks, pipes), 4 cut, 5 the final text."""

    def register(fn: DamageFn) -> DamageFn:
        if not fn.__doc__:
            raise AssertionError(f"damage kind {name} needs a docstring")
        DAMAGE_KINDS[name] = fn
        _ORDER[name] = order
        if applies is not None:
            _APPLIES[name] = applies
        return fn

    return register


# At most one of these per document: each decides how the tables are laid out.
_EXCLUSIVE = frozenset({"flattened", "flattened_spaced", "markdown_no_leading_pipe", "lone_pipes", "collapsed_blanks", "mixed_layouts", "layout_columns", "drawn_tables"})
# Pairs that cannot both show in one document (a flattened text has no line for a wrapped label …).
_CONFLICTS = frozenset(
    frozenset(pair)
    for pair in (
        ("wrapped_labels", "flattened"),
        ("wrapped_labels", "flattened_spaced"),
        ("wrapped_labels", "markdown_no_leading_pipe"),
        ("wrapped_labels", "collapsed_blanks"),
        ("reading_order_blocks", "flattened"),  # a PDF extractor's order, a web page's lost separators
        ("reading_order_blocks", "markdown_no_leading_pipe"),
        ("reading_order_blocks", "collapsed_blanks"),
        ("reading_order_blocks", "drawn_tables"),
        ("wrapped_labels", "drawn_tables"),  # a drawn table wraps its labels itself
    )
)


def applicable(kind: str, spec: ReportSpec) -> bool:
    """Whether a kind can change this spec's text (signs need 2019 本年增/减 values, …)."""
    check = _APPLIES.get(kind)
    return check is None or check(spec)


def compatible(kinds: tuple[str, ...] | list[str]) -> bool:
    """Whether kinds can be composed in one document."""
    if len(set(kinds)) != len(kinds) or any(k not in DAMAGE_KINDS for k in kinds):
        return False
    if sum(1 for k in kinds if k in _EXCLUSIVE) > 1:
        return False
    return not any(frozenset((a, b)) in _CONFLICTS for a in kinds for b in kinds if a < b)


def random_composition(rng: random.Random, spec: ReportSpec, size: int | None = None) -> tuple[str, ...]:
    """1–4 compatible kinds that apply to `spec` (fewer when few apply)."""
    size = size if size is not None else rng.choice((1, 1, 2, 2, 3, 4))
    pool = [k for k in DAMAGE_KINDS if applicable(k, spec)]
    rng.shuffle(pool)
    chosen: list[str] = []
    for kind in pool:
        if len(chosen) == size:
            break
        if compatible([*chosen, kind]):
            chosen.append(kind)
    return tuple(chosen)


def _rate(rng: random.Random) -> float:
    """How much of its part of the document a kind damages."""
    return rng.choice((0.1, 0.25, 0.5, 0.8, 1.0))


def _some(rng: random.Random, items: list[Any], rate: float) -> list[Any]:
    """A random share of `items`, never none (when there are any)."""
    chosen = [item for item in items if rng.random() < rate]
    if not chosen and items:
        chosen = [rng.choice(items)]
    return chosen


def _tables(w: Wild, rng: random.Random, numbers: tuple[int, ...] = (2, 3, 4)) -> list[Table]:
    """A random non-empty subset of the tables (all of them a third of the time)."""
    tables = [t for t in w.tables() if t.number in numbers]
    if rng.random() < 0.35:
        return tables
    return rng.sample(tables, rng.randint(1, len(tables)))


def _field(path: str) -> str:
    return formats.CellPath.parse(path).column


def _row_key(path: str) -> str:
    return formats.CellPath.parse(path).row


def _is_amount(spec: ReportSpec, path: str) -> bool:
    if not path.startswith("active."):
        return False
    row = next(r for r in spec.active_rows() if r.key == _row_key(path))
    return _field(path) in row.decimal


def _is_signed(spec: ReportSpec, path: str) -> bool:
    if not path.startswith("active."):
        return False
    row = next(r for r in spec.active_rows() if r.key == _row_key(path))
    return _field(path) in row.signed


# ---------------------------------------------------------------- content: chrome, title, labels, narrative


_CRUMBS = (
    "当前位置：首页 > 政务公开 > 政府信息公开年报 > 正文",
    "当前位置：首页 > 政府信息公开 > 政府信息公开年报",
    "您当前所在的位置：首页 >> 信息公开 >> 法定主动公开内容 >> 政府信息公开工作年度报告",
    "当前位置: 首页 > 政务公开 > 年度报告",
)
_BANNERS = (
    "ENGLISH | 繁體 | 无障碍 | 长者模式",
    "Official Website of the People's Government",
    "Government Information Disclosure",
    "Welcome to our website! 登录 | 注册",
)
_SHARE = ("【字体：大 中 小】 【打印】 【关闭】", "分享到：微信 微博 QQ空间", "扫一扫在手机打开当前页", "【打印本页】 【关闭窗口】", "字号：[ 大 中 小 ]")


@_damage("site_chrome", 0.2)
def site_chrome(w: Wild, rng: random.Random) -> None:
    """Web page chrome around the report, as copying a whole gov.cn page yields: breadcrumbs
    (当前位置：首页 > 政务公开 > …), an English/accessibility banner, 「来源：… 时间：… 浏览次数：」,
    a 索引号/发布机构 box, a stray 「正文」 line and share buttons before the title; print/share
    links and a footer with 主办单位, 网站标识码 and ICP备案号 after the signature."""
    spec = w.spec
    shown = spec.published + timedelta(days=rng.randint(0, 20))
    head_pool = [
        rng.choice(_CRUMBS),
        rng.choice(_BANNERS),
        f"来源：{spec.agency if rng.random() < 0.7 else spec.site}  时间：{shown.isoformat()}  浏览次数：{rng.choice(('', str(rng.randint(10, 3000))))}",
        f"索引号：{rng.randint(10**8, 10**9 - 1)}/{spec.year + 1}-{rng.randint(1, 999):05d}  发布机构：{spec.agency}  生成日期：{shown.isoformat()}",
        "正文",
        rng.choice(_SHARE),
    ]
    head = _some(rng, head_pool, _rate(rng))
    head.sort(key=head_pool.index)  # chrome keeps its page order
    tail_pool = [
        rng.choice(_SHARE),
        "相关链接：中国政府网 | 省政府门户网站 | 市政府门户网站",
        f"主办单位：{spec.site}办公室  承办单位：{spec.site}政务公开办",
        f"网站标识码：{rng.randint(3600000000, 3699999999)}  赣ICP备{rng.randint(10**7, 10**8 - 1)}号-{rng.randint(1, 9)}  赣公网安备 {rng.randint(10**13, 10**14 - 1)}号",
        "网站地图 | 联系我们 | 使用帮助 | 隐私声明",
        f"版权所有：{spec.site}  联系电话：0{rng.randint(700, 799)}-{rng.randint(1000000, 9999999)}",
    ]
    tail = _some(rng, tail_pool, _rate(rng)) if rng.random() < 0.8 else []
    tail.sort(key=tail_pool.index)
    w.blocks = [("chrome", t) for t in head] + w.blocks + [("chrome", t) for t in tail]


_TITLE_SENTENCES = (
    "根据《中华人民共和国政府信息公开条例》规定，现公布{agency}{year}年政府信息公开工作年度报告。",
    "现公布{agency}{year}年政府信息公开工作年度报告。",
    "现将{agency}{year}年政府信息公开工作年度报告公布如下：",
    "按照《中华人民共和国政府信息公开条例》要求，{agency}编制了{year}年政府信息公开工作年度报告，现予公布。",
)


@_damage("title_in_sentence", 0.1)
def title_in_sentence(w: Wild, rng: random.Random) -> None:
    """No title line: the report's name appears only in a body sentence (「现公布县林业局2024年政府
    信息公开工作年度报告」), as on pages whose CMS shows the title outside the copied body. The
    agency and year are still the spec's (the signature still names the agency)."""
    sentence = rng.choice(_TITLE_SENTENCES).format(agency=w.spec.agency, year=w.spec.year)
    index = next(i for i, (kind, _) in enumerate(w.blocks) if kind == "title")
    w.blocks[index] = ("p", sentence)


_HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "本年制发件数": ("本年({year})制发件数", "本年（{year}年）制发件数", "本年新制发件数", "本年发文件数", "本年制发数量"),
    "本年废止件数": ("本年废止数量", "本年({year})废止件数", "本年废止件数（件）"),
    "现行有效件数": ("现行有效数量", "现行有效件数（件）", "截至{year}年底现行有效件数"),
    "本年处理决定数量": ("本年处理决定数量（件）", "处理决定数量", "本年({year})处理决定数量"),
    "本年收费金额（单位：万元）": ("本年收费金额(万元)", "本年收费金额（万元）", "收费金额（单位：万元）", "本年收费金额"),
    "本年新制作数量": ("本年新制作数量（件）", "本年({year})新制作数量", "本年制作数量"),
    "本年新公开数量": ("本年新公开数量（件）", "本年公开数量"),
    "对外公开总数量": ("对外公开总数量（件）", "对外公开总数"),
    "上一年项目数量": ("上年项目数量", "上一年度项目数量"),
    "本年增/减": ("本年增减", "本年增/减数量", "本年增（减）"),
    "处理决定数量": ("本年处理决定数量", "处理决定数量（件）"),
    "采购项目数量": ("采购项目数量（个）", "采购项目数"),
    "采购总金额": ("采购总金额（万元）", "采购总金额(万元)"),
}


@_damage("header_variants", 0.3)
def header_variants(w: Wild, rng: random.Random) -> None:
    """Table 二's column headers worded as agencies actually print them: 「本年(2023)制发件数」,
    「本年新制发件数」, 「本年发文件数」, 「本年收费金额（万元）」, 「本年增减」, 「采购总金额（万元）」 …"""
    table = w.table(2)
    cells = [c for c in table.grid.cells if not c.is_value and c.text in _HEADER_VARIANTS]
    for cell in _some(rng, cells, _rate(rng)):
        cell.text = rng.choice(_HEADER_VARIANTS[cell.text]).format(year=w.spec.year)


_LISTED_UNITS = (("部门文件", "件"), ("通知公告", "条"), ("工作动态", "条"), ("政策解读", "篇"), ("规划计划", "件"), ("人事信息", "条"), ("财政预决算", "个"), ("图片新闻", "张"))


@_damage("narrative_units", 0.4)
def narrative_units(w: Wild, rng: random.Random) -> None:
    """Narrative lists that mix units: 「主动公开政府信息58条，其中部门文件31件，通知公告19条，政策解读
    8篇」 (the parts add up to the total), and the applications received broken down by channel
    (「收到政府信息公开申请12件（其中网上申请7件、信函申请5件）」). The tables are untouched; a
    reader must not find the list or the statements inconsistent."""
    spec = w.spec
    parts_n = rng.randint(2, 4)
    names = rng.sample(_LISTED_UNITS, parts_n)
    values = [rng.randint(1, 120) for _ in names]
    total = sum(values)
    listing = "，".join(f"{name}{value}{unit}" for (name, unit), value in zip(names, values, strict=True))
    sentence = rng.choice(
        (
            f"本年度通过{spec.site}门户网站主动公开政府信息{total}条，其中{listing}。",
            f"全年主动公开政府信息{total}条，其中{listing}。",
            f"本年度共主动公开各类信息{total}条（件），其中{listing}。",
        )
    )
    old = _generated_listing(spec)  # the 主动公开…条，其中… sentence random_report wrote, if any
    index = next((i for i, (kind, text) in enumerate(w.blocks) if kind == "p" and text == old), None)
    if index is not None:
        w.blocks[index] = ("p", sentence)
    else:
        sub = next(i for i, (kind, text) in enumerate(w.blocks) if kind == "sub" and text == "（一）主动公开")
        w.blocks.insert(sub + 2, ("p", sentence))
    new = spec.figures()["new_received"]
    if new >= 2 and rng.random() < 0.6:
        online = rng.randint(1, new - 1)
        breakdown = rng.choice(
            (
                f"（其中网上申请{online}件、信函申请{new - online}件）",
                f"（其中当面申请{new - online}件，网络申请{online}件）",
                f"，其中通过网络平台申请{online}件、现场申请{new - online}件",
            )
        )
        for i, (kind, text) in enumerate(w.blocks):
            for anchor in (f"收到政府信息公开申请{new}件", f"受理政府信息公开申请{new}件"):
                if kind == "p" and anchor in text:
                    w.blocks[i] = (kind, text.replace(anchor, anchor + breakdown, 1))


# ---------------------------------------------------------------- value cells


_BLANKS = ("/", "/", "—", "——", "－", "-", "", "／", "\\")


@_damage("blank_cells", 1.0)
def blank_cells(w: Wild, rng: random.Random) -> None:
    """Some number cells printed blank — 「/」, 「—」, 「－」, 「-」, 「／」 or nothing — as agencies
    print zeros or cells they do not fill (上海 2019 left the 总计 column blank). Truth None."""
    marker = rng.choice(_BLANKS)
    tables = _tables(w, rng)
    paths = w.value_paths(tables)
    mode = rng.choice(("zeros", "zeros", "total", "random"))
    if mode == "zeros":
        paths = [p for p in paths if w.printed[p].value == 0] or paths
    elif mode == "total":
        paths = [p for p in paths if _field(p) == "total"] or paths
    for path in _some(rng, paths, _rate(rng)):
        w.printed[path].blank = marker if rng.random() < 0.9 else rng.choice(_BLANKS)


@_damage("signs", 1.1, lambda spec: spec.template == formats.TEMPLATE_2019 and any(spec.active[r][f] != 0 for r, fs in spec.active.items() for f in fs if f == "change"))
def signs(w: Wild, rng: random.Random) -> None:
    """Explicit signs in the 2019 format's signed 本年增/减 column: 「+3」, 「-5」, 「--117」 (a
    template's dash kept before the minus), 「－5」, 「−5」. Truth: the signed number."""
    paths = [p for p in w.value_paths() if _is_signed(w.spec, p) and w.printed[p].value != 0]
    for path in _some(rng, paths, _rate(rng)):
        printed = w.printed[path]
        value = int(printed.value)
        if value > 0:
            printed.text = f"+{value}"
        else:
            printed.text = rng.choice(("--", "－", "−")) + str(-value)


def _with_commas(text: str) -> str:
    sign = text[0] if text[0] in "+-" else ""
    whole, dot, fraction = text[len(sign) :].partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}"


@_damage("thousands_separators", 1.2, lambda spec: any(v is not None and abs(v) >= 1000 for v in expected_cells(spec).values()))
def thousands_separators(w: Wild, rng: random.Random) -> None:
    """Thousands separators in values of 1000 or more: 「1,234」, 「200,000.5」 (Excel's number
    format, kept when the table is pasted into Word)."""
    tables = _tables(w, rng)
    paths = [p for p in w.value_paths(tables) if abs(w.printed[p].value) >= 1000]
    if not paths:
        paths = [p for p in w.value_paths() if abs(w.printed[p].value) >= 1000]
    for path in _some(rng, paths, rng.choice((0.5, 1.0, 1.0))):
        printed = w.printed[path]
        printed.text = _with_commas(printed.text)


_UNIT_OF_FIELD = {"previous": "项", "change": "项", "items": "个"}


@_damage("units_in_cells", 1.3)
def units_in_cells(w: Wild, rng: random.Random) -> None:
    """Units inside number cells: 「12件」 or 「12 件」 for counts, 「87.2315万元」 for the fee and
    procurement amounts, 「3项」 for 2019 project counts. Truth: the number."""
    tables = _tables(w, rng)
    space = rng.choice(("", "", " "))
    paths = w.value_paths(tables)
    amounts = [p for p in w.value_paths() if _is_amount(w.spec, p)]
    chosen = set(_some(rng, paths, _rate(rng)))
    if amounts and rng.random() < 0.7:
        chosen.update(amounts)  # the 万元 amount is the commonest case
    for path in chosen:
        unit = "万元" if _is_amount(w.spec, path) else _UNIT_OF_FIELD.get(_field(path), "件") if path.startswith("active.") else "件"
        w.printed[path].suffix = space + unit


_NOTES = {
    "documents": ("（其中修订{n}件）", "（其中修订 {n} 件）", "（含自然失效{n}件）", "（含自然失效 {n} 件）", "（其中新制定{n}件）", "(其中{n}件为修订)"),
    "decisions": ("（其中简易程序{n}件）", "（其中承诺制审批{n}件）", "（含变更{n}件）"),
}
_DOCUMENT_FIELDS = ("issued", "repealed", "in_force", "made", "published", "total")


def _noted(spec: ReportSpec) -> list[str]:
    return [
        p
        for p, v in expected_cells(spec).items()
        if p.startswith("active.") and v is not None and v >= 2 and not _is_amount(spec, p) and not _is_signed(spec, p)
        and _field(p) in (*_DOCUMENT_FIELDS, "decisions")
    ]


@_damage("notes_in_cells", 1.4, lambda spec: bool(_noted(spec)))
def notes_in_cells(w: Wild, rng: random.Random) -> None:
    """Notes written into table 二 cells: 「18（其中修订 9 件）」, 「41（含自然失效 12 件）」,
    「1200（其中简易程序300件）」. The note's number is part of the cell; the truth is the first."""
    candidates = [p for p in _noted(w.spec) if p in set(w.value_paths())]
    for path in _some(rng, candidates, _rate(rng)):
        printed = w.printed[path]
        kind = "decisions" if _field(path) == "decisions" else "documents"
        n = rng.randint(1, int(printed.value) - 1)
        printed.suffix = rng.choice(_NOTES[kind]).format(n=n)


@_damage("fullwidth_digits", 1.5)
def fullwidth_digits(w: Wild, rng: random.Random) -> None:
    """Full-width digits (「１２」, 「８７．２３」) in some cells, as typed with a Chinese IME in
    full-width mode or converted by an old CMS."""
    tables = _tables(w, rng)
    for path in _some(rng, w.value_paths(tables), _rate(rng)):
        printed = w.printed[path]
        printed.text = printed.text.translate(_FULLWIDTH)
        printed.suffix = printed.suffix.translate(_FULLWIDTH)


# ---------------------------------------------------------------- table layouts


@_damage("flattened", 2.0)
def flattened(w: Wild, rng: random.Random) -> None:
    """The whole report on one line (or a few): a page's text taken without its line breaks
    (search snapshots, some CMS exports). Headings run into the prose, and table cells run
    together with no separator, labels glued to numbers:
    「一、本年新收政府信息公开申请数量530010357二、上年结转…」."""
    w.flat = ("", rng.choice(("", "", " ")))
    w.flat_breaks = tuple(rng.random() for _ in range(rng.choice((0, 0, 1, 2))))


@_damage("flattened_spaced", 2.0)
def flattened_spaced(w: Wild, rng: random.Random) -> None:
    """The whole report on one line (or a few), table cells separated by single spaces
    (「一、本年新收政府信息公开申请数量 5 3 0 0 1 0 3 二、上年结转…」), as innerText of a page whose
    cells are inline elements."""
    w.flat = (" ", " ")
    w.flat_breaks = tuple(rng.random() for _ in range(rng.choice((0, 0, 1, 2))))


@_damage("markdown_no_leading_pipe", 2.0)
def markdown_no_leading_pipe(w: Wild, rng: random.Random) -> None:
    """Markdown rows without the leading pipe, as some converters and LLM copies print them:
    「一、本年新收政府信息公开申请数量 | 41 | 5 | 0 | 0 | 2 | 0 | 48 |」, with or without the |---| line."""
    for table in _tables(w, rng):
        table.layout = "markdown_bare"
        table.bare = table.chosen = True
        table.separator = rng.random() < 0.5


@_damage("lone_pipes", 2.0)
def lone_pipes(w: Wild, rng: random.Random) -> None:
    """One cell per line with a lone 「|」 line between cells (「申请数量\\n|\\n0\\n|\\n0…」): a web
    table whose cell borders are drawn with "|" characters, copied line by line."""
    for table in _tables(w, rng):
        table.layout = "pipes"
        table.chosen = True


@_damage("collapsed_blanks", 2.0)
def collapsed_blanks(w: Wild, rng: random.Random) -> None:
    """Markdown tables whose blank cells collapse into 「||||||」 (an empty cell prints as a lone
    "|"): some cells, mostly whole runs of zeros, are printed blank. Truth None for those."""
    bare = rng.random() < 0.4
    tables = _tables(w, rng)
    blanked: list[str] = []
    for table in tables:
        table.layout = "markdown_collapsed"
        table.chosen = True
        table.bare = bare
        table.separator = rng.random() < 0.7
        rate = _rate(rng)
        for r in table.data_rows:
            if rng.random() < rate:
                for (row, _c), path in table.paths.items():
                    if row == r and w.printed[path].value == 0 and w.printed[path].blank is None:
                        w.printed[path].blank = ""
                        blanked.append(path)
    if not blanked:
        paths = w.value_paths(tables)
        for path in _some(rng, paths, 0.2):
            w.printed[path].blank = ""


@_damage("mixed_layouts", 2.0)
def mixed_layouts(w: Wild, rng: random.Random) -> None:
    """Each table copied differently (pasted together from several sources): e.g. table 二 as
    tab-separated rows, 表三 as a Markdown table, 表四 one cell per line."""
    pool = ["tabs", "tabs_padded", "markdown", "markdown_bare", "cells", "pipes"]
    for table, layout in zip(w.tables(), rng.sample(pool, 3), strict=True):
        table.layout = layout
        table.chosen = True
        table.bare = layout == "markdown_bare"
        table.separator = rng.random() < 0.7


def _layout_columns(w: Wild, table: Table, rng: random.Random) -> Columns:
    """Random character columns for a table: label columns 3–5 characters wide for merged group
    labels, 8–18 for row labels; value columns as wide as their longest value plus a gap."""
    grid = table.grid
    value_columns = sorted({c for _, c in table.paths})
    widths: list[int] = []
    gap = rng.randint(2, 6)
    for c in range(grid.cols):
        if c in value_columns:
            longest = max((len(w.printed[path].shown()) for (_, col), path in table.paths.items() if col == c), default=1)
            widths.append(max(longest, 2) + gap)
            continue
        labels = [cell for cell in grid.cells if cell.col == c and not cell.is_value and cell.row >= table.header_rows]
        if any(cell.rowspan > 1 for cell in labels):
            widths.append(rng.randint(4, 6))
        else:
            longest = max((len(cell.text) for cell in labels if cell.colspan == 1), default=4)
            widths.append(min(longest + 2, rng.randint(8, 18)))
    starts = [rng.randint(0, 6)]
    for c in range(1, grid.cols):
        padding = rng.randint(1, 8) if c == (value_columns[0] if value_columns else -1) else 0
        starts.append(starts[-1] + widths[c - 1] + padding)
    valign = rng.choice(("middle", "middle", "top"))
    uniform = table.number in (3, 4)  # rows of one width: 总计 may sit apart (the official template's PDF)
    raised = frozenset({value_columns[-1]}) if uniform and valign == "middle" and value_columns and rng.random() < 0.6 else frozenset()
    groups: dict[int, list[tuple[int, str]]] = {}
    for cell in grid.cells:
        if cell.is_value or cell.rowspan < 2 or cell.row < table.header_rows:
            continue
        room = max(widths[cell.col] - 1, -(-len(cell.text) // cell.rowspan))
        chunks = [cell.text[i : i + room] for i in range(0, len(cell.text), room)]
        first = cell.row + (cell.rowspan - len(chunks)) // 2
        for index, chunk in enumerate(chunks):
            groups.setdefault(first + index, []).append((cell.col, chunk))
    pushed = {key: rng.choice((-1, 1)) for key in table.paths if rng.random() < 0.05}
    return Columns(starts, widths, rng.choice(("left", "right", "centre")), valign, raised, groups, rng.random() < 0.3, pushed)


@_damage("layout_columns", 2.0)
def layout_columns(w: Wild, rng: random.Random) -> None:
    """Tables at fixed character columns, as `pdftotext -layout` prints a PDF's tables (the
    official template printed to PDF): values aligned left, right or centred in their columns;
    long labels wrapped in their column onto 2–3 lines, the row's values beside the first line or
    the middle one (a two-line label's values on a line of their own between its halves), 总计
    sometimes beside the first line while the others sit in the middle; merged group labels
    (「三、本年度办理结果」) in pieces down the left, beside row labels or on lines of their own;
    now and then a value a character off its column."""
    for table in _tables(w, rng):
        table.layout = "columns"
        table.chosen = True
        table.columns = _layout_columns(w, table, rng)


@_damage("drawn_tables", 2.0)
def drawn_tables(w: Wild, rng: random.Random) -> None:
    """Tables drawn as text tools draw a web page's tables: with box characters (w3m and lynx:
    「│」 walls, 「├──┼──┤」 rules between rows) or as ASCII grids (pandoc's reStructuredText:
    「+----+」, 「|」), narrow columns wrapping the labels onto lines of their own beside empty
    cells, the values beside a label's first line or its middle one."""
    layout = rng.choice(_DRAWN)
    for table in _tables(w, rng):
        table.layout = layout
        table.chosen = True
        table.valign = rng.choice(("top", "middle"))
        width = rng.randint(4, 16)
        for cell in table.grid.cells:
            if not cell.is_value and len(cell.text) > width:
                table.wraps[(cell.row, cell.col)] = _chunks(cell.text, width)


@_damage("reading_order_blocks", 2.5)
def reading_order_blocks(w: Wild, rng: random.Random) -> None:
    """Blocks of table 三's rows in a PDF extractor's reading order (pdftotext without -layout,
    a browser's copy of a PDF): the block's numbers column by column, one per line, its row
    labels listed together before or after them — or its first row in order after its label
    and the rest so. One to three blocks of 2–10 consecutive rows."""
    table = w.table(3)
    rows = table.data_rows
    taken: set[int] = set()
    for _ in range(rng.choice((1, 1, 2, 3))):
        size = rng.randint(2, min(10, len(rows)))
        first = rng.randrange(len(rows) - size + 1)
        block = rows[first : first + size]
        if taken & set(range(block[0] - 1, block[-1] + 2)):
            continue  # blocks kept apart: two adjacent blocks read as one
        taken.update(block)
        table.reading_order[block[0]] = (block[-1], rng.choice(("before", "after", "first_row")))


def _chunks(text: str, width: int) -> list[str]:
    """Text broken at a cell's width (CJK text breaks anywhere), onto at most three lines."""
    if len(text) > 3 * width:
        width = -(-len(text) // 3)
    return [text[i : i + width] for i in range(0, len(text), width)]


def _is_column_header(table: Table, cell: Cell) -> bool:
    """A header over one value column (「商业企业」, 「结果纠正」, 「本年制发件数」): narrow cells."""
    return cell.row < table.header_rows and cell.colspan == 1 and (table.number != 3 or cell.col >= 3)


@_damage("wrapped_labels", 3.0)
def wrapped_labels(w: Wild, rng: random.Random) -> None:
    """Long labels broken onto 2–3 lines inside their cells (「商业\\n企业」, 「（二）部分公开（区分处理
    的，只计这一\\n情形，不计其他情形）」), as a narrow Word/web cell's line breaks come along in
    tab-separated and one-cell-per-line copies. Each table has its column widths: row labels
    break every 8–16 characters, the narrow value-column headers every 2–4."""
    tables = [t for t in _tables(w, rng) if t.layout in _WRAPPABLE]
    if not tables:
        tables = [t for t in w.tables() if not t.chosen and t.layout not in _WRAPPABLE][:1]
        for table in tables:
            table.layout = rng.choice(("tabs", "cells"))  # a Word table pasted into the page
    rate = _rate(rng)
    for table in tables:
        label_width, header_width = rng.randint(8, 16), rng.randint(2, 4)
        pieces: dict[tuple[int, int], list[str]] = {}
        for cell in table.grid.cells:
            if not cell.is_value:
                lines = _chunks(cell.text, header_width if _is_column_header(table, cell) else label_width)
                if len(lines) > 1:
                    pieces[(cell.row, cell.col)] = lines
        for key in _some(rng, sorted(pieces), rate):
            table.wraps[key] = pieces[key]


_FOOTERS = ("— {p} —", "- {p} -", "-{p}-", "第{p}页 共{n}页", "第 {p} 页，共 {n} 页", "{p}/{n}", "— {p} —")


def _break_rows(table: Table) -> list[int]:
    """Grid rows a page can start with: after at least one data row (anywhere in small 表四)."""
    rows = [r for r in range(table.header_rows + 1, table.grid.rows)]
    return rows or list(range(1, table.grid.rows))


@_damage("page_footers", 3.1)
def page_footers(w: Wild, rng: random.Random) -> None:
    """Page footers inside tables — 「— 4 —」, 「- 4 -」, 「第4页 共9页」 — between two rows, often
    with the form feed of the page break, as pdftotext and Word-to-text copies print them."""
    style = rng.choice(_FOOTERS)
    page = rng.randint(2, 6)
    pages = page + 6 + rng.randint(0, 4)  # room for the six page breaks at most (two per table)
    for table in sorted(_tables(w, rng), key=lambda t: t.number):
        for r in sorted(rng.sample(_break_rows(table), min(len(_break_rows(table)), rng.choice((1, 1, 2))))):
            inserts: list[Insert] = [("footer", style.format(p=page, n=pages))]
            if rng.random() < 0.5:
                inserts.append(("ff", ""))
            table.before.setdefault(r, []).extend(inserts)
            page += 1


@_damage("page_split_repeat_header", 3.2)
def page_split_repeat_header(w: Wild, rng: random.Random) -> None:
    """A table split across pages with its header rows repeated at the top of the next page (Word's
    「在各页顶端以标题行形式重复出现」), with the page break's footer and form feed or not."""
    number = rng.choice((3, 3, 3, 2, 4))
    table = w.table(number)
    rows = [r for r in table.data_rows if r > table.data_rows[0]] or table.data_rows
    r = rng.choice(rows)
    inserts: list[Insert] = []
    if rng.random() < 0.5:
        inserts.append(("footer", rng.choice(_FOOTERS).format(p=rng.randint(2, 6), n=rng.randint(7, 12))))
    if rng.random() < 0.7:
        inserts.append(("ff", ""))
    inserts.append(("header", ""))
    table.before.setdefault(r, []).extend(inserts)


@_damage("stray_pipes", 3.3)
def stray_pipes(w: Wild, rng: random.Random) -> None:
    """Stray 「|」 characters from table borders: at the end or start of a row, after a tab, or
    alone on a line between rows."""
    for table in _tables(w, rng):
        rows = _some(rng, list(range(table.grid.rows)), _rate(rng) / 2)
        for r in rows:
            table.stray[r] = rng.choice(("end", "start", "tab_end", "line"))


@_damage("cut_short", 4.0)
def cut_short(w: Wild, rng: random.Random) -> None:
    """The excerpt ends inside a table (a page, a screenshot's text or a pasted excerpt stops):
    mostly after row 一 of table 三, else after a random row of table 三 or 二. Everything after
    the cut is gone: the rest of that table, the later tables (their truth is None), the later
    sections and the signature."""
    number = 3 if rng.random() < 0.75 else 2
    table = w.table(number)
    rows = table.data_rows[:-1]
    cut = rows[0] if number == 3 and rng.random() < 0.4 else rng.choice(rows)
    table.cut_after = cut
    after = False
    for other in w.tables():
        if other is table:
            w.removed.update(p for (r, _c), p in other.paths.items() if r > cut)
            after = True
        elif after:
            w.removed.update(other.paths.values())
    # Anything else that would be printed in the table after the cut goes with it.
    table.before = {r: v for r, v in table.before.items() if r <= cut}


# ---------------------------------------------------------------- the final text


def _spaces(rng: random.Random, rate: float) -> Callable[[str], str]:
    def op(text: str) -> str:
        out: list[str] = []
        for line in text.split("\n"):
            if line.strip() and line != "\f":
                if rng.random() < rate and not line.startswith("\t"):
                    line = rng.choice(("\u3000\u3000", "  ", "\xa0\xa0", " ")) + line
                if _CJK.search(line) and rng.random() < rate:
                    gaps = [m.start() for m in _CJK_PAIR.finditer(line)]
                    for gap in sorted(rng.sample(gaps, min(len(gaps), rng.randint(1, 3))), reverse=True):
                        line = line[:gap] + rng.choice((" ", "\xa0", "\u3000", "\u3000\u3000", "  ")) + line[gap:]
                if " " in line and rng.random() < rate:
                    line = re.sub(" ", lambda _m: rng.choice((" ", "  ", "\xa0")), line)
                if rng.random() < rate:
                    line += rng.choice((" ", "  ", "\xa0", "\u3000"))
            out.append(line)
        return "\n".join(out)

    return op


@_damage("irregular_spaces", 5.0)
def irregular_spaces(w: Wild, rng: random.Random) -> None:
    """Doubled and irregular spaces: paragraphs indented with 「　　」 or NBSPs, labels spread with
    spaces (「规　　章」, 「结 果 维 持」), single spaces doubled or turned into NBSP, trailing spaces.
    Never inside a number."""
    w.text_ops.append(_spaces(random.Random(rng.random()), _rate(rng) / 2))


# Characters as some PDF fonts print them: Kangxi radicals (whose NFKC form is the character)
# and a few simplified forms of the radicals supplement (CJK RADICAL CIVILIAN for 民, …).
_RADICAL_OF = {unicodedata.normalize("NFKC", chr(code)): chr(code) for code in range(0x2F00, 0x2FD6)} | dict(
    zip("民长门见马页车", "\u2ea0\u2ed3\u2ed4\u2ec5\u2ee2\u2eda\u2ecb", strict=True)
)


@_damage("font_radicals", 5.1)
def font_radicals(w: Wild, rng: random.Random) -> None:
    """Characters printed as the radicals a PDF's font maps them to, as text copied from such a
    PDF shows them (「⼈⺠政府」 for 人民政府, 「4.⽆正当理由⼤量反复申请」): every character that has
    a radical form, or some at random. Never a digit."""
    local = random.Random(rng.random())
    rate = 1.0 if rng.random() < 0.5 else _rate(rng)
    w.text_ops.append(lambda text: "".join(_RADICAL_OF[ch] if ch in _RADICAL_OF and local.random() < rate else ch for ch in text))


@_damage("crlf", 5.9)
def crlf(w: Wild, rng: random.Random) -> None:
    """Windows line ends (CRLF), on every line or — text pasted together from two sources — on some."""
    if rng.random() < 0.8:
        w.text_ops.append(lambda text: text.replace("\n", "\r\n"))
        return
    local = random.Random(rng.random())

    def some(text: str) -> str:
        return "".join(piece + ("\r\n" if local.random() < 0.5 else "\n") for piece in text.split("\n")[:-1])

    w.text_ops.append(some)


# ---------------------------------------------------------------- entry points


@dataclass(frozen=True)
class WildDoc:
    """One damaged report: its text, what a perfect reader returns, and how it was made."""

    seed: int
    spec: ReportSpec
    kinds: tuple[str, ...]
    base: str  # the base table layout
    text: str
    truth: dict[str, Value]  # record path → printed value, None where nothing is left to read
    values: dict[str, Value]  # record path → the spec's value (what a blank cell stands for)
    glued_rows: tuple[tuple[tuple[str, str], ...], ...] = ()  # see `glued_rows`

    @property
    def meta(self) -> dict[str, object]:
        return {"agency": self.spec.agency, "year": self.spec.year, "template": self.spec.template}


_PIECE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_MARKS = ("——", "--", "—", "-", "/", "\\")  # blank cells' marks (after NFKC), longest first
MAX_CUTS = 200_000  # steps of weighing one row, at most: a row that takes more is left out


def undecidable(doc: WildDoc) -> set[str]:
    """The cells of `doc`'s run-together rows (`glued_rows`) that no reader can settle from the
    tables: another reading of the row's printed text gives the cell another value (or a
    blank) and fits every identity of the tables with every other cell at its true value — the
    most the arithmetic could ever know. A reading cuts the digits into numbers, takes a mark
    ("/", "—", "-" …) for a blank cell, and — where the document prints some blank cell as
    nothing — may put a blank anywhere; a blank counts as any count ≥ 0, the one its column's
    equations determine where they do, in its row's sum as in its column. The narrative's
    figures or the agency's report of the year before may still settle such cells. A lower
    bound: rows are weighed one at a time, so ambiguity that spans rows is not counted."""
    template = doc.spec.template
    rows = formats.request_rows(template, "requests.other_handling.total" in doc.values)
    equations = [("requests", eq) for eq in request_equations(rows)] + [("review_litigation", eq) for eq in review_equations()]
    plain = unicodedata.normalize("NFKC", doc.text)
    as_nothing = any(text == "" for row in doc.glued_rows for _path, text in row)
    found: set[str] = set()
    for row in doc.glued_rows:
        printed = unicodedata.normalize("NFKC", "".join(text for _path, text in row))
        if not printed or printed not in plain:
            continue  # the damage put something between the cells after all
        paths = [path for path, _text in row]
        touched = [(table, eq) for table, eq in equations if any(f"{table}.{ref[0]}.{ref[1]}" in paths for ref in eq.cells)]
        values = _readings(printed, paths, touched, doc.truth, as_nothing)
        if values is not None:
            found.update(path for path, seen in zip(paths, values, strict=True) if len(seen) > 1)
    return found


def _readings(
    printed: str, paths: list[str], equations: list[tuple[str, Equation]], truth: dict[str, Value], as_nothing: bool
) -> list[set[Value]] | None:
    """The values (None: blank) each cell takes over every reading of `printed` into `paths`
    that fits `equations`, other cells at `truth`; None when there are too many to try. A blank
    the equations of its column determine counts that in its row's sum too (`_counts_of_blank`).

    Readings are weighed as paths through (cell, where its text ends, what the cells read so
    far add to each equation): readings that agree on these go on alike, so a row whose blank
    cells may hide anywhere is weighed whole, not cutting by cutting."""
    place = {path: index for index, path in enumerate(paths)}
    # Per equation: the sign each of the row's cells adds with, where it is weighed (its last
    # cell in the row), and what the cells outside the row add (difference, unknown left/right).
    signs: list[dict[int, int]] = []
    weighed_at: list[int] = []
    start: list[tuple[float, bool, bool]] = []
    for table, eq in equations:
        inside: dict[int, int] = {}
        difference, unknown_left, unknown_right = 0.0, False, False
        for side, cells in ((1, eq.left), (-1, eq.right)):
            for ref in cells:
                path = f"{table}.{ref[0]}.{ref[1]}"
                if path in place:
                    inside[place[path]] = side
                elif (value := truth.get(path)) is None:
                    unknown_left, unknown_right = unknown_left or side == 1, unknown_right or side == -1
                else:
                    difference += side * value
        signs.append(inside)
        weighed_at.append(max(inside))
        start.append((difference, unknown_left, unknown_right))

    def fits(difference: float, unknown_left: bool, unknown_right: bool) -> bool:
        if unknown_left and unknown_right:
            return True
        if unknown_left:
            return difference <= 1e-9
        if unknown_right:
            return difference >= -1e-9
        return abs(difference) <= 1e-9

    def pieces(index: int, at: int) -> list[tuple[int, Value]]:
        """Where the cell `index` read from `at` may end, and its value."""
        field = paths[index].rsplit(".", 1)[1]
        out: list[tuple[int, Value]] = [(at, None)] if as_nothing else []
        out += [(at + len(mark), None) for mark in _MARKS if printed.startswith(mark, at)]
        for end in range(at + 1, len(printed) + 1):
            piece = printed[at:end]
            if _PIECE.fullmatch(piece) and (piece[0] != "-" or field == "change") and ("." not in piece or field == "amount"):
                out.append((end, float(piece)))
        return out

    State = tuple[int, tuple[tuple[float, bool, bool], ...]]  # where the text read so far ends; each equation's sums
    layers: list[dict[State, list[tuple[State, Value]]]] = [{(0, tuple(start)): []}]
    steps = MAX_CUTS
    for index in range(len(paths)):
        layer: dict[State, list[tuple[State, Value]]] = {}
        for state in layers[-1]:
            at, sums = state
            for end, value in pieces(index, at):
                steps -= 1
                if steps < 0:
                    return None
                counted = value
                if value is None:
                    needed = _counts_of_blank(index, sums, signs)
                    if len(needed) > 1 or any(count < 0 for count in needed):
                        continue  # its columns need two counts, or one below zero
                    counted = needed.pop() if needed else None
                after = list(sums)
                for k, inside in enumerate(signs):
                    if index in inside:
                        difference, unknown_left, unknown_right = after[k]
                        if counted is None:
                            unknown_left, unknown_right = unknown_left or inside[index] == 1, unknown_right or inside[index] == -1
                        else:
                            difference = round(difference + inside[index] * counted, 6)
                        after[k] = (difference, unknown_left, unknown_right)
                    if weighed_at[k] == index:
                        if not fits(*after[k]):
                            break
                        after[k] = (0.0, False, False)  # weighed: it no longer tells readings apart
                else:
                    layer.setdefault((end, tuple(after)), []).append((state, value))
        layers.append(layer)
    seen: list[set[Value]] = [set() for _ in paths]
    alive = {state for state in layers[-1] if state[0] == len(printed)}
    for index in range(len(paths), 0, -1):
        before: set[State] = set()
        for state in alive:
            for previous, value in layers[index][state]:
                seen[index - 1].add(value)
                before.add(previous)
        alive = before
    return seen


def _counts_of_blank(index: int, sums: tuple[tuple[float, bool, bool], ...], signs: list[dict[int, int]]) -> set[float]:
    """What a blank in cell `index` counts, by each equation it is the row's only cell of (its
    column's, every other cell at its true value): that count stands in its row's sum too, as
    the printed table has it. Empty where no equation determines it."""
    return {
        round(-inside[index] * sums[k][0], 6)
        for k, inside in enumerate(signs)
        if inside.keys() == {index} and not sums[k][1] and not sums[k][2]
    }


def wild(spec: ReportSpec, seed: int, kinds: tuple[str, ...] | None = None) -> WildDoc:
    """`spec` printed through `kinds` (default: a random composition), reproducible from `seed`."""
    if kinds is None:
        kinds = random_composition(random.Random(f"gongkai-wild-compose-{seed}"), spec)
    if not compatible(kinds):
        raise ValueError(f"kinds cannot be composed: {kinds}")
    w = start(spec, seed)
    for kind in sorted(kinds, key=lambda k: _ORDER[k]):
        DAMAGE_KINDS[kind](w, random.Random(f"gongkai-wild-{seed}-{kind}"))
    return WildDoc(seed, spec, tuple(kinds), w.base, render(w), w.truth(), dict(expected_cells(spec)), glued_rows(w))


def glued_rows(w: Wild) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The table rows a flattened text prints with their value cells run together, no
    separator between them: (record path, printed text) of each cell, in order. Rows printed in
    reading-order blocks, or cut off, are left out."""
    if w.flat is None or w.flat[0]:
        return ()
    rows: list[tuple[tuple[str, str], ...]] = []
    for table in w.tables():
        in_blocks = {r for first, (last, _labels) in table.reading_order.items() for r in range(first, last + 1)}
        for r in table.data_rows:
            if r in in_blocks or (table.cut_after is not None and r > table.cut_after):
                continue
            cells = [path for (row, _col), path in sorted(table.paths.items()) if row == r]
            if cells and not any(path in w.removed for path in cells):
                rows.append(tuple((path, w.printed[path].shown()) for path in cells))
    return tuple(rows)


def render_wild(spec: ReportSpec, seed: int, kinds: tuple[str, ...] | None = None) -> tuple[str, dict[str, Value]]:
    """(text, truth) of `spec` printed through a random composition of damage (see `wild`)."""
    doc = wild(spec, seed, kinds)
    return doc.text, doc.truth


def random_spec(seed: int, attempt: int = 0) -> ReportSpec:
    """A report for wild printing: a third in the 2019 format (years 2019–2020), the rest 2021
    format (2021–2024); zeros more or less common."""
    rng = random.Random(f"gongkai-wild-spec-{seed}-{attempt}")
    if rng.random() < 1 / 3:
        template, year = formats.TEMPLATE_2019, rng.choice((2019, 2020))
    else:
        template, year = formats.TEMPLATE_2021, rng.choice((2021, 2022, 2023, 2024))
    return random_report(seed * 64 + attempt, template=template, year=year, zero_rate=rng.choice((0.2, 0.4, 0.6)))


def wild_report(seed: int, kinds: tuple[str, ...] | None = None) -> WildDoc:
    """A random spec printed through `kinds` (default: a random composition of 1–4 kinds).

    With `kinds` given, specs are drawn until every kind applies (signs need a 2019 report with
    a non-zero 本年增/减, thousands_separators a value of 1000 or more …).
    """
    for attempt in range(200):
        spec = random_spec(seed, attempt)
        if kinds is None or all(applicable(k, spec) for k in kinds):
            return wild(spec, seed, kinds)
    raise ValueError(f"no spec found to which all of {kinds} apply")


def last_year_record(spec: ReportSpec, seed: int) -> Record:
    """The agency's report of the year before, as the store would hold it: same template, and a
    table 二 whose stock runs on into `spec`'s (2021: 现行有效 = last year's + 制发 − 废止; 2019:
    上一年项目数量 = last year's + its 本年增/减). Only what continuity involves is filled."""
    rng = random.Random(seed * 7919 + 17)
    record = Record(Source(f"wild-{seed}-last-year.txt"))
    record.year, record.template, record.agency = spec.year - 1, spec.template, spec.agency
    for row in formats.active_rows(spec.template):
        now = spec.active.get(row.key) or {}
        before: dict[str, int | float | None] = {column.key: None for column in row.fields}
        if spec.template == formats.TEMPLATE_2021 and "in_force" in now:
            stock = now["in_force"] - now["issued"] + now["repealed"]
            before["in_force"] = stock if stock >= 0 else None
        elif "change" in now and isinstance(now["previous"], int):
            change = rng.randint(-now["previous"], 5) if now["previous"] else rng.randint(0, 5)
            before["previous"], before["change"] = now["previous"] - change, change
        record.active[row.key] = before
    return record
