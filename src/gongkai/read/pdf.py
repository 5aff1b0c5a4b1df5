"""PDF with a text layer: rebuild lines and cells from the characters' coordinates.

Each character comes with its box (pypdfium2). Characters are grouped into visual lines by
their vertical centres, and a line is cut into cells where the horizontal gap is wider than a
character: the result reads like `pdftotext -layout` with tabs between cells, so the same
parser serves. Digits printed as separate text runs ("1" "0") sit closer than a character and
stay one number; letter-spaced labels ("政 策") stay one cell.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from .document import Document, Line, ReadError
from .ocr import ocr_lines

MAX_PAGES = 80  # a report is a few pages; beyond this the file is something else
MAX_OCR_PAGES = 30  # OCR takes seconds a page: bound the time a scanned file can take
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
    chars: list[_Char] = []
    for index in range(textpage.count_chars()):
        text = textpage.get_text_range(index, 1)
        if not text or text.isspace() or text == "\ufffe":
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=False)
        if right <= left and top <= bottom:
            continue
        chars.append(_Char(text, left, bottom, right, top))
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


def _line_text(chars: list[_Char], page_size: float) -> str:
    size = _font_size(chars, page_size)
    out = chars[0].text
    for previous, char in zip(chars, chars[1:]):
        gap = char.left - previous.right
        digits = previous.text.isdigit() and char.text.isdigit()
        if gap > 1.1 * size:
            out += "\t"
        elif gap > (0.5 if digits else 0.3) * size and previous.text.isalnum() and char.text.isalnum() and (previous.text.isascii() or char.text.isascii()):
            out += " "
        out += char.text
    return out


def read_pdf(data: bytes, path: str, sha256: str) -> Document:
    """The text lines of a PDF's text layer, with page numbers; ReadError when it has none."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

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
        if page_count > MAX_PAGES:
            raise ReadError(f"PDF有{page_count}页，超过{MAX_PAGES}页，不像是一份年度报告，未读取")
        lines: list[Line] = []
        scanned = 0
        for number in range(page_count):
            page = pdf[number]
            textpage = page.get_textpage()
            chars = _page_chars(textpage)
            textpage.close()
            if chars:
                page_size = _font_size(chars, 10.0)
                for visual in _lines(chars):
                    lines.append(Line(len(lines) + 1, _line_text(visual, page_size), number + 1))
            elif any(True for _ in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2)):
                scanned += 1
                if scanned > MAX_OCR_PAGES:
                    raise ReadError(f"扫描件超过{MAX_OCR_PAGES}页，为控制时间未做文字识别")
                image = page.render(scale=OCR_DPI / 72).to_pil()
                lines.extend(ocr_lines(image, number + 1, len(lines) + 1))
            page.close()
    finally:
        pdf.close()
    if not any(line.text.strip() for line in lines):
        raise ReadError("PDF中没有文字，扫描页中也没有识别出文字")
    media_type = "application/pdf"
    return Document(path, sha256, media_type, lines, page_count)
