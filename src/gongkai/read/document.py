"""The reader's output: text lines, each with its line number and page."""

from __future__ import annotations

from dataclasses import dataclass, field


class ReadError(Exception):
    """A file that cannot be read; the message is a Chinese sentence for the user."""


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based line in the source text (or in the text the reader built)
    text: str
    page: int | None = None
    # A table row read from the document's own structure (DOCX, HTML, ruled PDF tables): its
    # cells, merged cells once. None for text whose cell boundaries have to be guessed.
    cells: tuple[str, ...] | None = None
    column: int = 0  # where `text` starts in the source line (a piece of a line cut apart)
    # Where each of `cells` is printed (PDF): (x0, top, x1, bottom) in points from the page's
    # top-left corner, the merged cell's whole rectangle. None when the reader has no geometry.
    boxes: tuple[tuple[float, float, float, float], ...] | None = None


@dataclass
class Document:
    path: str
    sha256: str
    media_type: str
    lines: list[Line] = field(default_factory=list)
    pages: int | None = None
    # A date the page around the document states (HTML 发布日期), with the text it came from.
    published_hint: tuple[str, str] | None = None

    @classmethod
    def from_text(cls, text: str, *, path: str = "<text>", sha256: str = "", media_type: str = "text/plain") -> Document:
        """Split text into lines; form feeds (pdftotext's page breaks) give page numbers."""
        has_pages = "\f" in text
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
