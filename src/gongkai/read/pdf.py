"""PDF with a text layer: rebuild lines and cells from the characters' coordinates.

Each character comes with its box (pypdfium2). A table drawn with ruling lines is read by its
cells: the rulings (thin path objects) give each table's grid, merged cells are the grid cells
no ruling separates, and every character belongs to the cell its centre falls in. Each table
row becomes one Line with `cells` (merged cells once, in their first row, as the DOCX reader
does), so a label wrapped over three lines stays one cell of its row and a number printed
beside its middle line stays in its own column.

Text outside ruled tables (and tables without rulings) is grouped into visual lines by the
characters' vertical centres, and a line is cut into cells where the horizontal gap is wider
than a character: the result reads like `pdftotext -layout` with tabs between cells, so the
same parser serves. Digits printed as separate text runs ("1" "0") sit closer than a character
and stay one number; letter-spaced labels ("政 策") stay one cell.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .. import limits
from .document import Box, Document, Line, ReadError, amount, check_size, pack_positions
from .ocr import ocr_lines

# Pages (`pdf_pages`), scanned pages to OCR (`ocr_pages`, counted before any OCR), the pixels of
# a rendered page (`page_pixels`) and the characters of the text layer (`text_characters`) are
# bounded by `limits.current()`.
OCR_DPI = 200


@dataclass
class _Char:
    text: str
    left: float
    bottom: float
    right: float
    top: float

    @property
    def centre(self) -> float:
        return (self.bottom + self.top) / 2

    @property
    def height(self) -> float:
        return self.top - self.bottom


def _page_chars(textpage) -> list[_Char]:  # type: ignore[no-untyped-def]
    """The page's printed characters with their ink boxes.

    Raw pdfium calls with reused buffers: the helper methods cost more than the reading itself.
    A character outside the text view (index -1) or half of a surrogate pair is skipped, as
    `get_text_range(index, 1)` does.
    """
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    text_index, unicode, charbox = pdfium_c.FPDFText_GetTextIndexFromCharIndex, pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetCharBox
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    chars: list[_Char] = []
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = unicode(raw, index)
        if not code or 0xD800 <= code <= 0xDFFF or code == 0xFFFE or text_index(raw, index) == -1:
            continue
        text = chr(code)
        if text.isspace() or not charbox(raw, index, left, right, bottom, top):
            continue
        if right.value <= left.value and top.value <= bottom.value:
            continue
        chars.append(_Char(text, left.value, bottom.value, right.value, top.value))
    return chars


def _lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into visual lines, top to bottom.

    A character joins the current line when its box overlaps the line's band (the union of its
    full-size characters) by 40 % of the smaller height: punctuation (、，.) sits low and small
    but inside the band of its line, and digits' ink boxes sit lower than CJK glyphs'.
    """
    if not chars:
        return []
    typical = statistics.median(c.height for c in chars)
    lines: list[list[_Char]] = []
    bottom = top = 0.0
    for char in sorted(chars, key=lambda c: (-c.centre, c.left)):
        if lines:
            overlap = min(top, char.top) - max(bottom, char.bottom)
            if overlap >= 0.4 * max(min(char.height, top - bottom), 0.1):
                lines[-1].append(char)
                if char.height >= 0.6 * typical:
                    bottom, top = min(bottom, char.bottom), max(top, char.top)
                continue
        lines.append([char])
        bottom, top = char.bottom, char.top
    return [sorted(line, key=lambda c: c.left) for line in lines]


def _font_size(chars: list[_Char], default: float) -> float:
    """The size of the type: ink boxes of CJK glyphs fill most of the em square, digits' do not."""
    cjk = [c.height for c in chars if "\u3400" <= c.text <= "\u9fff"]
    return statistics.median(cjk) if cjk else default


def _line_text(chars: list[_Char], page_size: float, xs: list[float] | None = None) -> str:
    """The text of one visual line, cells tab-separated; `xs` (if given) receives where each
    character of the text is printed (see `Line.xs`): a separator spans its gap, and two
    characters side by side meet halfway between them."""
    size = _font_size(chars, page_size)
    out = chars[0].text
    if xs is not None:
        xs.append(chars[0].left)
    for previous, char in itertools.pairwise(chars):
        gap = char.left - previous.right
        digits = previous.text.isdigit() and char.text.isdigit()
        separator = ""
        if gap > 1.1 * size:
            separator = "\t"
        elif gap > (0.5 if digits else 0.3) * size and previous.text.isalnum() and char.text.isalnum() and (previous.text.isascii() or char.text.isascii()):
            separator = " "
        if xs is not None:
            if separator:
                xs.append(previous.right)
                xs.append(char.left)
            else:
                xs.append((previous.right + char.left) / 2)
        out += separator + char.text
    if xs is not None:
        xs.append(max(chars[-1].right, xs[-1]))
    return out


# ---------------------------------------------------------------- ruled tables

THIN = 3.0  # a path no thicker than this (points, stroke included) is a ruling line
MIN_RULE = 4.0  # shorter ones are marks (a dash drawn as a path), not borders
SNAP = 4.0  # rulings this close are one border (double lines); no cell is narrower than this
MAX_RULES = 1500  # more is a page of drawings (a chart), not a report's tables: no grid search
MAX_FORM_DEPTH = 4
_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class _Rule:
    vertical: bool
    at: float  # x of a vertical ruling, y of a horizontal one
    low: float  # its extent along the other axis
    high: float


def _then(inner: _Matrix, outer: _Matrix) -> _Matrix:
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _box_rule(left: float, bottom: float, right: float, top: float) -> _Rule | None:
    """A thin box is a ruling along its long side."""
    if top - bottom <= THIN and right - left >= MIN_RULE:
        return _Rule(False, (top + bottom) / 2, left, right)
    if right - left <= THIN and top - bottom >= MIN_RULE:
        return _Rule(True, (left + right) / 2, bottom, top)
    return None


class _Rulings:
    """The rulings a page's path objects draw. Runs once per object: ctypes buffers are reused.

    Borders come as stroked lines, as thin filled rectangles (Word's export), or as one path
    holding many of either; a large filled box is a cell's shading, not a border.
    """

    def __init__(self) -> None:
        import pypdfium2.raw as pdfium_c

        self.c = pdfium_c
        self.box = [ctypes.c_float() for _ in range(4)]
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        self.matrix = pdfium_c.FS_MATRIX()
        self.rules: list[_Rule] = []

    def page(self, page) -> list[_Rule]:  # type: ignore[no-untyped-def]
        c = self.c
        self.rules = []
        self._objects(page.raw, c.FPDFPage_CountObjects, c.FPDFPage_GetObject, _IDENTITY, 0)
        return self.rules

    def _objects(self, parent, count_objects, get_object, outer: _Matrix, depth: int) -> None:  # type: ignore[no-untyped-def]
        c = self.c
        get_type, path, form = c.FPDFPageObj_GetType, c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM
        for index in range(count_objects(parent)):
            obj = get_object(parent, index)
            kind = get_type(obj)
            if kind == path:
                self._path(obj, outer)
            elif kind == form and depth < MAX_FORM_DEPTH:
                self._objects(obj, c.FPDFFormObj_CountObjects, c.FPDFFormObj_GetObject, self._matrix(obj, outer), depth + 1)
            if len(self.rules) > MAX_RULES:
                return

    def _matrix(self, obj, outer: _Matrix) -> _Matrix:  # type: ignore[no-untyped-def]
        m = self.matrix
        self.c.FPDFPageObj_GetMatrix(obj, m)
        return _then((m.a, m.b, m.c, m.d, m.e, m.f), outer)

    def _path(self, obj, outer: _Matrix) -> None:  # type: ignore[no-untyped-def]
        """A thin path is one ruling; a larger one is read segment by segment."""
        c, box = self.c, self.box
        if not c.FPDFPageObj_GetBounds(obj, *box):
            return
        x0, y0 = _apply(outer, box[0].value, box[1].value)
        x1, y1 = _apply(outer, box[2].value, box[3].value)
        left, right, bottom, top = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        if right - left < MIN_RULE and top - bottom < MIN_RULE:
            return
        rule = _box_rule(left, bottom, right, top)
        if rule is not None:
            self.rules.append(rule)
            return
        c.FPDFPath_GetDrawMode(obj, self.fill, self.stroke)
        stroked = bool(self.stroke.value)
        count = c.FPDFPath_CountSegments(obj)
        if not stroked and count <= 5:
            return  # one filled box: shading
        m = self._matrix(obj, outer)
        x, y = self.x, self.y
        subpath: list[tuple[float, float]] = []
        for index in range(count):
            segment = c.FPDFPath_GetPathSegment(obj, index)
            c.FPDFPathSegment_GetPoint(segment, x, y)
            kind = c.FPDFPathSegment_GetType(segment)
            if kind == c.FPDF_SEGMENT_MOVETO:
                self._subpath(subpath, stroked)
                subpath = []
            elif kind != c.FPDF_SEGMENT_LINETO:
                subpath = []  # a curve: not a border
                continue
            subpath.append(_apply(m, x.value, y.value))
            if c.FPDFPathSegment_GetClose(segment):
                subpath.append(subpath[0])
        self._subpath(subpath, stroked)

    def _subpath(self, points: list[tuple[float, float]], stroked: bool) -> None:
        if len(points) < 2:
            return
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        thin = _box_rule(min(xs), min(ys), max(xs), max(ys))
        if thin is not None:
            self.rules.append(thin)
        elif stroked:
            for (ax, ay), (bx, by) in itertools.pairwise(points):
                rule = _box_rule(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
                if rule is not None:
                    self.rules.append(rule)


def _snap(values: list[tuple[float, int]]) -> tuple[list[float], list[list[int]]]:
    """Positions within SNAP of their neighbour are one border: its centre, and the rulings in it."""
    centres: list[float] = []
    members: list[list[int]] = []
    group: list[tuple[float, int]] = []
    for value in sorted(values):
        if group and value[0] - group[-1][0] > SNAP:
            centres.append(sum(v for v, _ in group) / len(group))
            members.append([i for _, i in group if i >= 0])
            group = []
        group.append(value)
    if group:
        centres.append(sum(v for v, _ in group) / len(group))
        members.append([i for _, i in group if i >= 0])
    return centres, members


def _spans(rules: list[_Rule]) -> list[tuple[float, float]]:
    """The extents one border's rulings draw, overlapping ones merged."""
    out: list[tuple[float, float]] = []
    for rule in sorted(rules, key=lambda r: r.low):
        if out and rule.low <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], rule.high))
        else:
            out.append((rule.low, rule.high))
    return out


def _covered(spans: list[tuple[float, float]], low: float, high: float) -> bool:
    """Whether a border's rulings draw at least half of it between low and high."""
    drawn = sum(max(0.0, min(stop, high) - max(start, low)) for start, stop in spans)
    return drawn >= 0.5 * (high - low)


class _Find:
    """Union-find over integers."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def __call__(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self(a)] = self(b)


@dataclass
class _Grid:
    """A ruled table: its column and row borders, and its (merged) cells with their characters."""

    xs: list[float]  # column borders, left to right
    ys: list[float]  # row borders, top to bottom (PDF y, decreasing)
    cells: list[tuple[int, int, int, int]]  # (first row, first column, end row, end column)
    owner: dict[tuple[int, int], int]  # grid position → index in cells
    chars: list[list[_Char]] = field(default_factory=list)
    rising: list[float] = field(default_factory=list)  # ys bottom to top, for bisect

    def __post_init__(self) -> None:
        self.rising = self.ys[::-1]

    def cell_at(self, x: float, y: float) -> int | None:
        if not (self.xs[0] < x < self.xs[-1] and self.ys[-1] < y < self.ys[0]):
            return None
        column = bisect.bisect(self.xs, x) - 1
        row = len(self.ys) - 1 - bisect.bisect(self.rising, y)
        return self.owner.get((row, column))


def _grid(rules: list[_Rule]) -> _Grid | None:
    """The cell grid one connected set of rulings draws; None when it is not a table of cells.

    Borders a table leaves open (no outer verticals, no top line) are where the other rulings
    end. Grid cells that no ruling separates are one merged cell; a merge that is not a
    rectangle means rulings are missing, and then the cells are not known.
    """
    horizontal = [r for r in rules if not r.vertical]
    vertical = [r for r in rules if r.vertical]
    if len(horizontal) < 2 or not vertical:
        return None
    xs, x_members = _snap([(r.at, i) for i, r in enumerate(vertical)] + [(min(r.low for r in horizontal), -1), (max(r.high for r in horizontal), -1)])
    ys, y_members = _snap([(r.at, i) for i, r in enumerate(horizontal)] + [(min(r.low for r in vertical), -1), (max(r.high for r in vertical), -1)])
    ys.reverse()
    y_members.reverse()
    rows, columns = len(ys) - 1, len(xs) - 1
    if rows < 1 or columns < 2:
        return None
    x_spans = [_spans([vertical[i] for i in members]) for members in x_members]
    y_spans = [_spans([horizontal[i] for i in members]) for members in y_members]
    find = _Find(rows * columns)
    for row in range(rows):
        for column in range(columns):
            here = row * columns + column
            if column + 1 < columns and not _covered(x_spans[column + 1], ys[row + 1], ys[row]):
                find.union(here, here + 1)
            if row + 1 < rows and not _covered(y_spans[row + 1], xs[column], xs[column + 1]):
                find.union(here, here + columns)
    groups: dict[int, list[int]] = {}
    for position in range(rows * columns):
        groups.setdefault(find(position), []).append(position)
    cells: list[tuple[int, int, int, int]] = []
    owner: dict[tuple[int, int], int] = {}
    for members in groups.values():
        top, bottom = members[0] // columns, members[-1] // columns + 1
        left = min(p % columns for p in members)
        right = max(p % columns for p in members) + 1
        if (bottom - top) * (right - left) != len(members):
            return None
        for position in members:
            owner[(position // columns, position % columns)] = len(cells)
        cells.append((top, left, bottom, right))
    if len(cells) <= rows:
        return None  # one cell a row: a framed paragraph, not a table
    return _Grid(xs, ys, cells, owner, [[] for _ in cells])


def _grids(rules: list[_Rule]) -> list[_Grid]:
    """The tables of a page: rulings that cross or touch each other form one table."""
    if len(rules) > MAX_RULES:
        return []
    find = _Find(len(rules))
    vertical = sorted((r.at, i) for i, r in enumerate(rules) if r.vertical)
    positions = [at for at, _ in vertical]
    for i, h in enumerate(rules):
        if h.vertical:
            continue
        for _, j in vertical[bisect.bisect_left(positions, h.low - SNAP) : bisect.bisect_right(positions, h.high + SNAP)]:
            if rules[j].low - SNAP <= h.at <= rules[j].high + SNAP:
                find.union(i, j)
    components: dict[int, list[_Rule]] = {}
    for index, rule in enumerate(rules):
        components.setdefault(find(index), []).append(rule)
    return [grid for part in components.values() if (grid := _grid(part)) is not None]


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


# What a value cell prints: a number, or a blank marker ("/", "—", "无").
_VALUE = re.compile(r"^[+\-－]?[\d,，.．\s]*\d[\d,，.．\s]*$|^[/／\\\-－—–―─×]+$|^[无空]$")


def _cell_lines(chars: list[_Char]) -> list[list[_Char]]:
    """A cell's visual lines. Small marks (quotes, dots, 一) join the line they overlap
    afterwards: alone they would start a line of their own above or below their words."""
    typical = statistics.median(c.height for c in chars)
    full = [c for c in chars if c.height >= 0.6 * typical]
    if len(full) == len(chars):
        return _lines(chars)
    lines = _lines(full)
    bands = [(min(c.bottom for c in line), max(c.top for c in line)) for line in lines]
    for char in chars:
        if char.height >= 0.6 * typical:
            continue
        nearest = min(range(len(lines)), key=lambda i: (-(min(bands[i][1], char.top) - max(bands[i][0], char.bottom)), abs((bands[i][0] + bands[i][1]) / 2 - char.centre)))
        lines[nearest].append(char)
    return [sorted(line, key=lambda c: c.left) for line in lines]


def _in_cell(text: str) -> str:
    """A line's text inside one cell: a wide gap there is spacing, not a cell boundary."""
    if "\t" not in text:
        return text
    parts = text.split("\t")
    out = parts[0]
    for part in parts[1:]:
        out += ("" if out and part and _wide(out[-1]) and _wide(part[0]) else " ") + part
    return out


def _cell_text(chars: list[_Char], page_size: float) -> str:
    """A cell's text: its lines joined, without a space where a CJK label wrapped."""
    out = ""
    if not chars:
        return out
    if max(c.bottom for c in chars) < min(c.top for c in chars):  # one line (most cells: a number)
        return _in_cell(_line_text(sorted(chars, key=lambda c: c.left), page_size))
    for visual in _cell_lines(chars):
        text = _in_cell(_line_text(visual, page_size))
        if out and not (_wide(out[-1]) or _wide(text[0])):
            out += " "  # two numbers on two lines stay two numbers
        out += text
    return out


# A page's line: its text, its cells and their boxes (ruled rows), its box, its characters' x-positions.
_Row = tuple[str, tuple[str, ...] | None, tuple[Box, ...] | None, Box | None, bytes | None]


def _grid_rows(grid: _Grid, page_size: float, origin: tuple[float, float]) -> list[tuple[float, _Row]]:
    """One row per grid row that has cells starting in it: their texts and boxes.

    An empty cell is emitted as a printed blank only where a value could stand: below the
    header (the rows above the first number) and over a column that holds more numbers than
    labels. A blank beside a label, or the empty tail of a merged label on a new page, is not
    a missing number.
    """
    texts = [_cell_text(chars, page_size) for chars in grid.chars]
    value = [bool(_VALUE.match(text)) for text in texts]
    first_value_row = min((grid.cells[i][0] for i, v in enumerate(value) if v), default=len(grid.ys))
    columns = len(grid.xs) - 1
    numbers, labels = [0] * columns, [0] * columns
    for index, (top, left, _, right) in enumerate(grid.cells):
        if right - left == 1 and top >= first_value_row and texts[index]:
            (numbers if value[index] else labels)[left] += 1
    value_column = [numbers[c] > labels[c] for c in range(columns)]
    rows: list[tuple[float, _Row]] = []
    starting: dict[int, list[int]] = {}
    for index, cell in enumerate(grid.cells):
        starting.setdefault(cell[0], []).append(index)
    for row in sorted(starting):
        kept = [
            i for i in sorted(starting[row], key=lambda i: grid.cells[i][1])
            if texts[i] or (row >= first_value_row and any(value_column[grid.cells[i][1] : grid.cells[i][3]]))
        ]
        if not any(texts[i] for i in kept):
            continue  # a row of blanks: spacing, or a header's empty corner
        cells = tuple(texts[i] for i in kept)
        left_edge, page_top = origin
        boxes = tuple(
            (round(grid.xs[left] - left_edge, 1), round(page_top - grid.ys[top], 1), round(grid.xs[right] - left_edge, 1), round(page_top - grid.ys[bottom], 1))
            for top, left, bottom, right in (grid.cells[i] for i in kept)
        )
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        rows.append((grid.ys[row], ("\t".join(cells), cells, boxes, box, None)))
    return rows


def _page_lines(page, chars: list[_Char]) -> list[_Row]:  # type: ignore[no-untyped-def]
    """The page's lines top to bottom: table rows with their cells, and the text around them."""
    page_size = _font_size(chars, 10.0)
    grids = _grids(_Rulings().page(page))
    loose: list[_Char] = []
    for char in chars:
        x = (char.left + char.right) / 2
        for grid in grids:
            cell = grid.cell_at(x, char.centre)
            if cell is not None:
                grid.chars[cell].append(char)
                break
        else:
            loose.append(char)
    if grids and loose:
        loose = _overflowing(loose, grids)
    # Geometry from the top-left corner of the page as shown (its crop box), as it is rendered.
    left_edge, _bottom, _right, page_top = page.get_cropbox()
    placed: list[tuple[float, _Row]] = []
    for visual in _lines(loose):
        xs: list[float] = []
        text = _line_text(visual, page_size, xs)
        top, bottom = max(c.top for c in visual), min(c.bottom for c in visual)
        box = (visual[0].left - left_edge, page_top - top, xs[-1] - left_edge, page_top - bottom)
        placed.append((top, (text, None, None, box, pack_positions(x - left_edge for x in xs) if left_edge else pack_positions(xs))))
    for grid in grids:
        placed.extend(_grid_rows(grid, page_size, (left_edge, page_top)))
    placed.sort(key=lambda item: -item[0])  # stable: a table's rows keep their order
    return [row for _, row in placed]


def _overflowing(loose: list[_Char], grids: list[_Grid]) -> list[_Char]:
    """The characters outside every table, less those that continue a word of a cell on a
    table's outer border, which join that cell.

    A number wider than its cell on a narrow page runs past the table's border ("19126.1129"
    on A5: ".1129" printed beyond it); apart, the cell would read 19126. A character continues
    a word when it stands on the word's line with no space between them.
    """
    right: list[tuple[_Char, list[_Char]]] = []  # the last character of each cell line at a right border, with its cell
    left: list[tuple[_Char, list[_Char]]] = []  # the first at a left border
    for grid in grids:
        for (_top, first_column, _bottom, end_column), chars in zip(grid.cells, grid.chars, strict=True):
            if chars and end_column == len(grid.xs) - 1:
                right.extend((max(line, key=lambda c: c.right), chars) for line in _lines(chars))
            if chars and first_column == 0:
                left.extend((min(line, key=lambda c: c.left), chars) for line in _lines(chars))
    # Only characters level with a table can continue its cells (the page's prose is not weighed).
    beside = [c for c in loose if any(grid.ys[-1] < c.centre < grid.ys[0] for grid in grids)]
    if not beside or not (right or left):
        return loose
    joined = _join_words(sorted(beside, key=lambda c: c.left), right, leftwards=False)
    joined |= _join_words(sorted((c for c in beside if id(c) not in joined), key=lambda c: -c.right), left, leftwards=True)
    return [c for c in loose if id(c) not in joined]


def _join_words(chars: list[_Char], ends: list[tuple[_Char, list[_Char]]], *, leftwards: bool) -> set[int]:
    """Put each character that continues a cell's word (rightwards past its last character, or
    leftwards before its first) into that cell, in `chars`' order so that a word continues
    character by character; the ids of those joined."""
    joined: set[int] = set()
    for char in chars:
        cell = next((cell for end, cell in ends if (_continues(char, end) if leftwards else _continues(end, char))), None)
        if cell is not None:
            cell.append(char)
            ends.append((char, cell))
            joined.add(id(char))
    return joined


def _continues(before: _Char, after: _Char) -> bool:
    """`after` stands right after `before` on its line (the same baseline: a dot sits low), no
    space between them."""
    height = max(before.height, after.height)
    return abs(before.bottom - after.bottom) < 0.2 * height and -0.1 * height <= after.left - before.right <= 0.25 * height


def _render(page: Any, number: int, page_pixels: int) -> tuple[Any, float, bool]:
    """The page as an image for OCR, at OCR_DPI or smaller so that it has at most `page_pixels`
    pixels: (image, pixels per point, whether it was scaled down)."""
    import pypdfium2 as pdfium

    width, height = page.get_size()
    if not (width > 0 and height > 0 and math.isfinite(width * height)):
        raise ReadError(f"PDF第{number}页的页面尺寸无效（{width}×{height}），无法读取")
    scale = OCR_DPI / 72
    reduced = width * height * scale * scale > page_pixels
    if reduced:
        scale = math.sqrt(page_pixels / (width * height)) * 0.999
    try:
        return page.render(scale=scale).to_pil(), scale, reduced
    except (pdfium.PdfiumError, MemoryError, ValueError, OSError) as error:
        raise ReadError(f"PDF第{number}页无法渲染为图像（{type(error).__name__}），文件可能已损坏") from error


def read_pdf(data: bytes, path: str, sha256: str) -> Document:
    """The text lines of a PDF's text layer, with page numbers; scanned pages are OCRed (after
    counting them against `ocr_pages`); ReadError when there is no text."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            raise ReadError("PDF文件已加密（需要密码），无法读取") from error
        raise ReadError("PDF文件已损坏，无法打开") from error
    try:
        page_count = len(pdf)
        if page_count == 0:
            raise ReadError("PDF文件没有页面")
        bounds = limits.current()
        if page_count > bounds.pdf_pages:
            raise ReadError(f"PDF有{page_count}页，超过{bounds.pdf_pages}页，不像是一份年度报告，未读取（限制 pdf_pages）")
        pages = _text_pages(pdf, page_count, bounds.text_characters)
        scanned = [number for number, rows in enumerate(pages) if rows is None]
        if len(scanned) > bounds.ocr_pages:
            raise ReadError(
                f"扫描件有{len(scanned)}页需要文字识别，超过{bounds.ocr_pages}页，为控制时间未做文字识别（限制 ocr_pages）"
            )
        lines: list[Line] = []
        reduced: list[int] = []
        for number, rows in enumerate(pages):
            if rows is not None:
                for text, cells, boxes, box, xs in rows:
                    lines.append(Line(len(lines) + 1, text, number + 1, cells=cells, boxes=boxes, box=box, xs=xs))
                continue
            page = pdf[number]
            try:
                image, scale, smaller = _render(page, number + 1, bounds.page_pixels)
            finally:
                page.close()
            if smaller:
                reduced.append(number + 1)
            lines.extend(ocr_lines(image, number + 1, len(lines) + 1, scale=scale))
    except pdfium.PdfiumError as error:
        raise ReadError("PDF文件已损坏，部分页面无法读取") from error
    finally:
        pdf.close()
    if not any(line.text.strip() for line in lines):
        shrunk = f"（第{'、'.join(map(str, reduced))}页过大，已按限制 page_pixels 缩小后识别）" if reduced else ""
        raise ReadError("PDF中没有文字，扫描页中也没有识别出文字" + shrunk)
    media_type = "application/pdf"
    return Document(path, sha256, media_type, lines, page_count)


def _text_pages(pdf: Any, page_count: int, most_characters: int) -> list[list[_Row] | None]:
    """Each page's lines from its text layer; None for a page to OCR (no text, an image)."""
    import pypdfium2.raw as pdfium_raw

    pages: list[list[_Row] | None] = []
    characters = lines = 0
    for number in range(page_count):
        page = pdf[number]
        try:
            textpage = page.get_textpage()
            try:
                if characters + pdfium_raw.FPDFText_CountChars(textpage.raw) > most_characters:
                    raise ReadError(
                        f"PDF的文字超过{amount(most_characters)}字，不像一份年度报告，未读取（限制 text_characters）"
                    )
                chars = _page_chars(textpage)
            finally:
                textpage.close()
            if chars:
                rows = _page_lines(page, chars)
                pages.append(rows)
                characters += sum(len(row[0]) for row in rows)
                lines += len(rows)
                check_size(characters, lines)
            elif any(True for _ in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2)):
                pages.append(None)
            else:
                pages.append([])
        finally:
            page.close()
    return pages
