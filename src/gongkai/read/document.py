"""The reader's output: text lines, each with its line number and page."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import limits


class ReadError(Exception):
    """A file that cannot be read; the message is a Chinese sentence for the user."""


def amount(value: float) -> str:
    """A limit as a Chinese reader says it: 5000000 → "500万", 100000000 → "1亿", 80 → "80"."""
    number = int(value)
    if number >= 100_000_000 and number % 100_000_000 == 0:
        return f"{number // 100_000_000}亿"
    if number >= 10_000 and number % 10_000 == 0:
        return f"{number // 10_000}万"
    return str(number)


def line_count(text: str) -> int:
    """The lines of a text (a final line break ends the last line, it does not start one)."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def size_problem(characters: int, lines: int) -> str | None:
    """Why a text of this size is not read (the limit named), or None when it is within bounds."""
    bounds = limits.current()
    if characters > bounds.text_characters:
        return f"文字超过{amount(bounds.text_characters)}字，不像一份年度报告，未读取（限制 text_characters）"
    if lines > bounds.text_lines:
        return f"文字超过{amount(bounds.text_lines)}行，不像一份年度报告，未读取（限制 text_lines）"
    return None


def check_size(characters: int, lines: int) -> None:
    """ReadError when a text of this size is beyond `text_characters` or `text_lines`."""
    problem = size_problem(characters, lines)
    if problem is not None:
        raise ReadError(problem)


Box = tuple[float, float, float, float]  # (x0, top, x1, bottom) in points from the page's top-left corner


def pack_positions(xs: Iterable[float]) -> bytes:
    """Characters' x-positions as `Line.xs` keeps them: float32, 4 bytes each (a tuple of floats takes 32)."""
    return array("f", xs).tobytes()


# Not frozen, though nothing assigns to a Line (a changed one is a copy: `dataclasses.replace`):
# a frozen dataclass sets each of its fields through object.__setattr__, five times the cost
# of plain slots, and every line of every document is one.
@dataclass(slots=True, unsafe_hash=True)
class Line:
    """One line of text, with what its source knows about where it is printed.

    Geometry is in PDF points (1/72 inch) from the top-left corner of the page; for an image
    file, one point is one pixel of the image. DOCX, HTML and text sources have none.
    """

    number: int  # 1-based line in the source text (or in the text the reader built)
    text: str
    page: int | None = None
    # A table row read from the document's own structure (DOCX, HTML, ruled PDF tables): its
    # cells, merged cells once. None for text whose cell boundaries have to be guessed.
    cells: tuple[str, ...] | None = None
    column: int = 0  # where `text` starts in the source line (a piece of a line cut apart)
    # A piece of a line cut apart whose last character was printed against the next piece's
    # first, no space between («…行政许可10-33其他…»): its last number is glued to a label.
    runs_on: bool = False
    # Where each of `cells` is printed (ruled PDF tables: the merged cell's whole rectangle),
    # or, in a line without cells read by OCR, each tab-separated word of the source line.
    # None when the reader has no geometry.
    boxes: tuple[Box, ...] | None = None
    box: Box | None = None  # the whole source line's rectangle (PDF, OCR)
    # Where each character of the source line is printed, left to right: character i spans
    # x[i] to x[i + 1] (len(text) + 1 values, packed by `pack_positions`; read them with
    # `positions()`). A separator the reader inserted (a tab, a space) spans the gap it stands
    # for; two characters printed side by side meet halfway. Indexed by position in the source
    # line (`column` + position in `text`).
    xs: bytes | None = None
    confidences: tuple[float, ...] | None = None  # OCR: the confidence (0–1) of each of `boxes`

    def positions(self) -> tuple[float, ...] | None:
        """The characters' x-positions (see `xs`), or None."""
        return None if self.xs is None else tuple(memoryview(self.xs).cast("f"))

    def _x(self, start: int, end: int) -> tuple[float, float] | None:
        if self.xs is None:
            return None
        xs = memoryview(self.xs).cast("f")
        return (xs[start], xs[end]) if 0 <= start < end < len(xs) else None

    def span_box(self, start: int, end: int) -> Box | None:
        """The rectangle of the characters [start, end) of the source line, or None."""
        span = self._x(start, end)
        if span is None or self.box is None:
            return None
        x0, x1 = span
        top, bottom = self.box[1], self.box[3]
        if self.boxes is not None and self.cells is None:  # OCR: the word's own top and bottom
            word = self.word_at(x0, x1)
            if word is not None:
                top, bottom = self.boxes[word][1], self.boxes[word][3]
        return (x0, top, x1, bottom)

    def word_at(self, x0: float, x1: float) -> int | None:
        """The index in `boxes` of the word that overlaps [x0, x1] most (OCR lines)."""
        best, best_overlap = None, 0.0
        for index, (left, _top, right, _bottom) in enumerate(self.boxes or ()):
            overlap = min(right, x1) - max(left, x0)
            if overlap > best_overlap:
                best, best_overlap = index, overlap
        return best

    def span_confidence(self, start: int, end: int) -> float | None:
        """The OCR confidence of the word holding characters [start, end), or None."""
        span = self._x(start, end) if self.confidences is not None else None
        if span is None or self.confidences is None:
            return None
        word = self.word_at(*span)
        return None if word is None else self.confidences[word]


@dataclass
class Document:
    path: str
    sha256: str
    media_type: str
    lines: list[Line] = field(default_factory=list)
    pages: int | None = None
    # A date the page around the document states (HTML 发布日期), with the text it came from.
    published_hint: tuple[str, str] | None = None
    # Why the text was not read at all (a limit reached before it was cut into lines); the
    # parser turns it into an `unreadable` record.
    fatal: str | None = None

    @classmethod
    def from_text(cls, text: str, *, path: str = "<text>", sha256: str = "", media_type: str = "text/plain") -> Document:
        """Split text into lines; form feeds (pdftotext's page breaks) give page numbers.

        A text beyond `text_characters` or `text_lines` is not cut into lines (that alone would
        take gigabytes): the Document is empty and says why in `fatal`.
        """
        problem = size_problem(len(text), line_count(text))
        if problem is not None:
            return cls(path, sha256, media_type, fatal=problem)
        has_pages = "\f" in text
        if not has_pages and "\r" not in text:  # the common case: one Line per line, nothing to cut
            return cls(path, sha256, media_type, [Line(number, chunk) for number, chunk in enumerate(text.split("\n"), start=1)])
        lines: list[Line] = []
        page = 1
        for number, chunk in enumerate(text.split("\n"), start=1):
            pieces = chunk.rstrip("\r").split("\f")
            for index, piece in enumerate(pieces):
                if index:
                    page += 1
                if piece.strip() or len(pieces) == 1:
                    lines.append(Line(number, piece, page if has_pages else None))
        pages = text.rstrip("\n\f \r").count("\f") + 1 if has_pages else None
        return cls(path, sha256, media_type, lines, pages)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
