"""Draw what gongkai read onto the page it read it from (`gongkai show FILE --draw out.png`).

The page of a PDF (text layer or scan) or a scanned image is rendered, and every table cell
whose provenance has a box is outlined there with the value read written beside it, the way
pdfplumber's visual debugging does: cells a finding is about in red, the others in green. A
glance shows whether each box sits on the number it claims to have read.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Box, Record, Value

if TYPE_CHECKING:
    from PIL import Image as PILImage

SCALE = 2.0  # pixels per point of a rendered PDF page (144 dpi)
RED = (220, 20, 20)
GREEN = (0, 150, 60)
BLUE = (20, 90, 220)  # the one cell asked about (`render_page(focus=…)`)
_TABLE_GROUPS = ("requests.", "review_litigation.", "active.")


class DrawError(Exception):
    """The page cannot be drawn; the message is a Chinese sentence for the user."""


@dataclass(frozen=True)
class Drawn:
    """What was drawn: the page (1-based), the cells outlined, those in red, the image's size,
    and its pixels per point (a box of the provenance times this is where it is on the image)."""

    page: int
    cells: int
    flagged: int
    size: tuple[int, int]
    pixels: float = 1.0


@dataclass(frozen=True)
class _Cell:
    path: str
    box: Box
    value: Value
    derived: bool
    flagged: bool


def located_cells(record: Record) -> dict[int, list[_Cell]]:
    """The table cells whose provenance has a box, by page."""
    values = record.cell_values()
    flagged = {path for path in values if any(f.covers(path) for f in record.findings if "table" in f.location)}
    pages: dict[int, list[_Cell]] = {}
    for path, provenance in record.provenance.items():
        if provenance.box is None or provenance.page is None or not path.startswith(_TABLE_GROUPS) or path not in values:
            continue
        pages.setdefault(provenance.page, []).append(_Cell(path, provenance.box, values[path], provenance.derived, path in flagged))
    return pages


def default_page(pages: dict[int, list[_Cell]]) -> int | None:
    """The page holding (most of) table 三, else the page with the most cells."""
    requests = Counter(page for page, cells in pages.items() for cell in cells if cell.path.startswith("requests."))
    if requests:
        return requests.most_common(1)[0][0]
    return max(pages, key=lambda page: (len(pages[page]), -page)) if pages else None


def _page_image(record: Record, page: int, scale: float, max_side: int | None = None) -> tuple[PILImage.Image, float]:
    """The page as an RGB image, and its pixels per point; with `max_side`, no side of the
    image is longer than that many pixels (a large page is rendered smaller)."""
    from PIL import Image

    media_type = record.source.media_type or ""
    path = Path(record.source.path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DrawError(f"无法读取文件：{error.strerror or error}") from error
    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            raise DrawError("PDF文件无法打开，不能绘图") from error
        try:
            if not 1 <= page <= len(pdf):
                raise DrawError(f"第{page}页不存在：此PDF共{len(pdf)}页")
            if max_side is not None:
                width, height = pdf[page - 1].get_size()
                scale = min(scale, max_side / max(width, height, 1.0))
            rendered = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf.close()
        return rendered, scale
    if media_type.startswith("image/"):
        if page != 1:
            raise DrawError(f"第{page}页不存在：图片文件只有1页")
        with Image.open(io.BytesIO(data)) as image:
            picture = image.convert("RGB")  # an image's boxes are in its own pixels
        longest = max(picture.size)
        if max_side is not None and longest > max_side:
            ratio = max_side / longest
            picture = picture.resize((max(1, round(picture.width * ratio)), max(1, round(picture.height * ratio))))
            return picture, ratio
        return picture, 1.0
    raise DrawError(_refusal(path.name, media_type) or "无法绘图")


def _refusal(name: str, media_type: str) -> str | None:
    """Why a file of this type cannot be drawn (in Chinese), or None when it can."""
    if media_type == "application/pdf" or media_type.startswith("image/"):
        return None
    return f"只能为PDF或扫描图片绘制读取位置，{name} 是{_kind(media_type)}，没有版面位置可画"


def refusal(name: str, media_type: str) -> str | None:
    """Why a file of this name and (sniffed) media type cannot be drawn, in Chinese, or None."""
    return _refusal(name, media_type)


def drawable(path: str | Path) -> str | None:
    """Why the file cannot be drawn, decided from its first bytes as the reader does, or None."""
    from .read import sniff

    try:
        with open(path, "rb") as file:
            head = file.read(2048)
    except OSError:
        return None  # the reader says why it cannot be opened
    return _refusal(Path(path).name, sniff(head))


def _kind(media_type: str) -> str:
    kinds = {
        "text/plain": "纯文本文件",
        "text/html": "网页（HTML）文件",
        "application/msword": "Word（DOC/WPS）文档",
        "application/rtf": "RTF文档",
        "application/vnd.oasis.opendocument.text": "ODT（OpenDocument）文档",
    }
    if "wordprocessingml" in media_type:
        return "Word（DOCX）文档"
    return kinds.get(media_type, f"{media_type or '未知类型'}文件")


def _label(cell: _Cell) -> str:
    if cell.value is None:
        return "null"
    text = format(cell.value, ".12g") if isinstance(cell.value, float) else str(cell.value)
    return text + ("*" if cell.derived else "")  # * : derived from the table's arithmetic


def _ink(page: PILImage.Image, at: tuple[float, float], width: float, height: float) -> float:
    """How many printed (dark) pixels a label of this size would cover there; inf off the page."""
    x, y, right, lower = round(at[0]), round(at[1]), round(at[0] + width) + 2, round(at[1] + height) + 3
    if x < 1 or y < 0 or right > page.width or lower > page.height:
        return float("inf")
    return float(sum(page.crop((x - 1, y, right, lower)).histogram()[:160]))


def draw(record: Record, out: str | Path, page: int | None = None, *, scale: float = SCALE) -> Drawn:
    """Render `page` (default: the page of table 三) of the record's source with its read cells
    outlined and labelled, and save it as PNG at `out`. DrawError when it cannot be drawn."""
    image, drawn = render_page(record, page, scale=scale)
    target = Path(out)
    try:
        image.save(target, format="PNG", optimize=True)
    except OSError as error:
        why = "文件夹不存在" if not target.parent.is_dir() else "没有写入权限或磁盘已满"
        raise DrawError(f"无法写入图片 {target}（{why}）") from error
    return drawn


def page_png(record: Record, page: int | None = None, *, focus: str | None = None, max_side: int | None = 2000, scale: float = SCALE) -> tuple[bytes, Drawn]:
    """The drawn page (see `render_page`) as PNG bytes, no side longer than `max_side` pixels."""
    image, drawn = render_page(record, page, scale=scale, focus=focus, max_side=max_side)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue(), drawn


def render_page(
    record: Record, page: int | None = None, *, scale: float = SCALE, focus: str | None = None, max_side: int | None = None
) -> tuple[PILImage.Image, Drawn]:
    """The page (default: the page of table 三) of the record's source with its read cells
    outlined and labelled; the cell `focus` (a dotted path), when on that page, outlined thick in
    blue on top. DrawError when it cannot be drawn."""
    from PIL import Image, ImageDraw, ImageFont

    refusal = _refusal(Path(record.source.path).name, record.source.media_type or "")
    if refusal:
        raise DrawError(refusal)
    pages = located_cells(record)
    if page is None:
        page = default_page(pages)
        if page is None:
            raise DrawError("没有读出带版面位置的表格数字，无法绘图")
    image, pixels = _page_image(record, page, scale, max_side)
    page_ink = image.convert("L")  # the page as printed, to find blank room for the labels
    cells = pages.get(page, [])
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    shade = ImageDraw.Draw(overlay)
    pen = ImageDraw.Draw(image)
    # An image file's boxes are in its pixels: size the lettering as if the page were A4 high.
    lettering = pixels if record.source.media_type == "application/pdf" else max(1.0, image.height / 842)
    font = ImageFont.load_default(size=max(10, round(7 * lettering)))
    pad = lettering  # a box around a number's own characters would hide them: drawn 1 pt wider
    for cell in sorted(cells, key=lambda c: c.flagged):  # red drawn last, on top
        colour = RED if cell.flagged else GREEN
        x0, top, x1, bottom = (v * pixels for v in cell.box)
        shade.rectangle((x0 - pad, top - pad, x1 + pad, bottom + pad), fill=(*colour, 40))
        pen.rectangle((x0 - pad, top - pad, x1 + pad, bottom + pad), outline=colour, width=max(1, round(pixels)))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    pen = ImageDraw.Draw(image)
    for cell in sorted(cells, key=lambda c: c.flagged):
        colour = RED if cell.flagged else GREEN
        x0, top, x1, bottom = (v * pixels for v in cell.box)
        label = _label(cell)
        left, upper, right, lower = pen.textbbox((0, 0), label, font=font)
        width, height = right - left, lower - upper
        # The first place the page leaves blank (else the one with least ink): a ruled cell's
        # top corners, beside the number's own characters, above them.
        beside = (x1 + 2 * pad, top - pad)
        candidates = [beside, (x0, top - height - 3 * pad)]
        if x1 - x0 >= width + 4 * pad and bottom - top >= height + 4 * pad:
            candidates[:0] = [(x0 + 2 * pad, top + 2 * pad), (x1 - width - 3 * pad, top + 2 * pad)]
        ink = [_ink(page_ink, spot, width, height) for spot in candidates]
        at = candidates[ink.index(0.0)] if 0.0 in ink else candidates[ink.index(min(ink))]
        pen.rectangle((at[0] - 1, at[1], at[0] + width + 1, at[1] + height + 2), fill=(255, 255, 255))
        pen.text((at[0], at[1] - upper + 1), label, fill=colour, font=font)
    focused = next((c for c in cells if c.path == focus), None)
    if focused is not None:
        x0, top, x1, bottom = (v * pixels for v in focused.box)
        margin = 3 * pad
        pen.rectangle((x0 - margin, top - margin, x1 + margin, bottom + margin), outline=BLUE, width=max(2, round(2 * pixels)))
    return image, Drawn(page, len(cells), sum(1 for c in cells if c.flagged), image.size, pixels)
