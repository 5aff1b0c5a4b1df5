"""Scanned pages and images: OCR on the CPU with the PP-OCR models that ship inside `rapidocr`.

Nothing is downloaded at run time. OCR returns text boxes with a confidence; boxes are grouped
into visual lines and cells like a PDF's characters. A number read with low confidence is
marked doubtful: the parser treats it as unknown and lets the table's arithmetic decide it,
so an uncertain cell ends up derived (and said so) or null, never a guess.

Each line keeps its words' boxes, converted from image pixels to points (`scale`: pixels per
point, the render scale of a PDF page), and their confidence (0–1, as the engine gives it),
so that every number's provenance can say where it was read and how sure the reading was.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import limits
from .document import Box, Document, Line, ReadError, amount, pack_positions

DOUBT_MARK = "\u2047"  # ⁇ prefixed to a number OCR is not sure of (see parse.tokens)
MIN_NUMBER_CONFIDENCE = 0.9
MAX_SIDE = 3000  # pixels; larger images are scaled down first to bound time and memory
MIN_SIDE = 8  # pixels; a thinner image holds no line of text


@dataclass
class _Box:
    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float
    slope: float = 0.0  # of the text's top edge (dy/dx): a page scanned askew tilts every line alike
    thickness: float | None = None  # the text's own height, across its slope (the box's, level)

    @property
    def height(self) -> float:
        return self.thickness if self.thickness is not None else self.bottom - self.top


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr import RapidOCR
    except ImportError as error:
        raise ReadError("识别扫描件需要安装OCR组件：pip install 'gongkai[ocr]'") from error
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)  # "no text on this page" is our finding to give
    return RapidOCR(params={"Global.log_level": "error"})


def _boxes(image: Any) -> list[_Box]:
    import numpy as np

    width, height = image.size
    if min(width, height) < MIN_SIDE:
        return []  # a sliver of an image holds no line of text (and the engine cannot take it)
    scale = min(1.0, MAX_SIDE / max(width, height))
    if scale < 1.0:
        image = image.resize((max(1, int(width * scale)), max(1, int(height * scale))))
    engine = _engine()
    try:
        result = engine(np.asarray(image.convert("RGB")))
    except Exception as error:  # the engine on an image it cannot take (onnxruntime, OpenCV errors)
        raise ReadError(f"文字识别无法处理这幅图像（{type(error).__name__}）") from error
    boxes: list[_Box] = []
    if result is None or getattr(result, "boxes", None) is None:
        return boxes
    for points, text, score in zip(result.boxes, result.txts, result.scores):
        # In the pixels of the image as given (before any scaling down); the corners clockwise
        # from the text's top left.
        xs = [float(p[0]) / scale for p in points]
        ys = [float(p[1]) / scale for p in points]
        run = xs[1] - xs[0]
        slope = (ys[1] - ys[0]) / run if run > 0 else 0.0
        thickness = ((ys[3] - ys[0]) + (ys[2] - ys[1])) / 2
        boxes.append(_Box(str(text), min(xs), min(ys), max(xs), max(ys), float(score), slope, thickness if thickness > 0 else None))
    return boxes


MIN_SKEW = 0.002  # slope (about 0.1°) below which a page is taken as level
MAX_SKEW = 0.1  # about 6°: beyond it the slopes measure something other than the page


def _skew(boxes: list[_Box]) -> float:
    """How far the page is tilted: the median slope of the long text boxes (at least three times
    as wide as tall, whose slope is measured well), when there are three of them and they agree."""
    slopes = sorted(b.slope for b in boxes if b.right - b.left >= 3 * b.height)
    if len(slopes) < 3:
        return 0.0
    skew = statistics.median(slopes)
    return skew if MIN_SKEW <= abs(skew) <= MAX_SKEW else 0.0


def _level(box: _Box, skew: float) -> float:
    """Where a box's middle stands down the page once the page's tilt is taken out."""
    return (box.top + box.bottom) / 2 - skew * (box.left + box.right) / 2


def _is_number(text: str) -> bool:
    stripped = text.replace(",", "").replace(".", "", 1)
    return stripped.isdecimal()


def _geometry(words: list[tuple[str, _Box]], scale: float) -> tuple[tuple[Box, ...], tuple[float, ...], Box, bytes]:
    """A line's word boxes in points, their confidences, the line's box, and the x-position of
    each character of "\t".join(words) (see `Line.xs`: a word's characters share its width
    evenly; a tab spans the gap between two words)."""
    boxes = tuple((b.left / scale, b.top / scale, b.right / scale, b.bottom / scale) for _text, b in words)
    xs: list[float] = []
    for index, ((text, _b), (left, _top, right, _bottom)) in enumerate(zip(words, boxes)):
        if index:
            xs.append(max(xs[-1], min(left, boxes[index - 1][2])))  # the tab: from the word before to this one
        step = (right - left) / max(len(text), 1)
        xs.extend(left + step * k for k in range(len(text)))
    xs.append(boxes[-1][2])
    line_box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return boxes, tuple(round(b.score, 4) for _t, b in words), line_box, pack_positions(xs)


def ocr_lines(image: Any, page: int | None, first_line: int, scale: float = 1.0) -> list[Line]:
    """Lines of text OCR reads on one page image, cells tab-separated, top to bottom.

    `scale`: the image's pixels per point (a PDF page rendered at 200 dpi: 200/72); an image
    file is measured in its own pixels (scale 1).
    """
    found = _boxes(image)
    skew = _skew(found)  # a page scanned askew: rows are grouped along its tilt, not the image's
    boxes = sorted(found, key=lambda b: (_level(b, skew), b.left))
    if not boxes:
        return []
    typical = statistics.median(b.height for b in boxes)
    rows: list[list[_Box]] = []
    centre = 0.0
    for box in boxes:
        middle = _level(box, skew)
        if box.height > 1.6 * typical:
            rows.append([box])  # a label spanning several rows (a merged cell) stands alone
            continue
        if rows and abs(middle - centre) <= 0.5 * typical and rows[-1][0].height <= 1.6 * typical:
            rows[-1].append(box)
            centre = statistics.fmean(_level(b, skew) for b in rows[-1])
            continue
        rows.append([box])
        centre = middle
    lines: list[Line] = []
    for row in rows:
        words: list[tuple[str, _Box]] = []
        for box in sorted(row, key=lambda b: b.left):
            text = box.text.strip()
            if _is_number(text) and box.score < MIN_NUMBER_CONFIDENCE:
                text = DOUBT_MARK + text
            words.append((text, box))
        word_boxes, confidences, line_box, xs = _geometry(words, scale)
        text = "\t".join(t for t, _b in words)
        lines.append(Line(first_line + len(lines), text, page, boxes=word_boxes, box=line_box, xs=xs, confidences=confidences))
    return lines


def _open_image(data: bytes) -> Any:
    """The image in `data`, decoded only when it has at most `image_pixels` pixels (the size is
    read from the header first: a decompression bomb is refused before it takes any memory)."""
    import io

    from PIL import Image

    most = limits.current().image_pixels
    saved = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = None  # opening reads the header only; the size is checked here
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > most:
            raise ReadError(f"图片有{width}×{height}像素，超过{amount(most)}像素（可能是“解压炸弹”），未读取（限制 image_pixels）")
        image.load()
    except ReadError:
        raise
    except Exception as error:  # PIL raises many kinds (OSError, SyntaxError, ValueError …) for a damaged image
        raise ReadError("图片文件已损坏，无法打开") from error
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    return image


def read_image(data: bytes, path: str, sha256: str, media_type: str) -> Document:
    """An image file (a photographed or scanned report page)."""
    image = _open_image(data)
    lines = ocr_lines(image, 1, 1)
    if not any(line.text.strip() for line in lines):
        raise ReadError("图片中没有识别出文字")
    return Document(path, sha256, media_type, lines, 1)
