"""Scanned pages and images: OCR on the CPU with the PP-OCR models that ship inside `rapidocr`.

Nothing is downloaded at run time. OCR returns text boxes with a confidence; boxes are grouped
into visual lines and cells like a PDF's characters. A number read with low confidence is
marked doubtful: the parser treats it as unknown and lets the table's arithmetic decide it,
so an uncertain cell ends up derived (and said so) or null, never a guess.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .document import Line, ReadError

DOUBT_MARK = "\u2047"  # ⁇ prefixed to a number OCR is not sure of (see parse.tokens)
MIN_NUMBER_CONFIDENCE = 0.9
MAX_SIDE = 3000  # pixels; larger images are scaled down first to bound time and memory


@dataclass
class _Box:
    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


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
    scale = min(1.0, MAX_SIDE / max(width, height))
    if scale < 1.0:
        image = image.resize((int(width * scale), int(height * scale)))
    result = _engine()(np.asarray(image.convert("RGB")))
    boxes: list[_Box] = []
    if result is None or getattr(result, "boxes", None) is None:
        return boxes
    for points, text, score in zip(result.boxes, result.txts, result.scores):
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        boxes.append(_Box(str(text), min(xs), min(ys), max(xs), max(ys), float(score)))
    return boxes


def _is_number(text: str) -> bool:
    stripped = text.replace(",", "").replace(".", "", 1)
    return stripped.isdecimal()


def ocr_lines(image: Any, page: int | None, first_line: int) -> list[Line]:
    """Lines of text OCR reads on one page image, cells tab-separated, top to bottom."""
    boxes = sorted(_boxes(image), key=lambda b: ((b.top + b.bottom) / 2, b.left))
    if not boxes:
        return []
    typical = statistics.median(b.height for b in boxes)
    rows: list[list[_Box]] = []
    centre = 0.0
    for box in boxes:
        middle = (box.top + box.bottom) / 2
        if box.height > 1.6 * typical:
            rows.append([box])  # a label spanning several rows (a merged cell) stands alone
            continue
        if rows and abs(middle - centre) <= 0.5 * typical and rows[-1][0].height <= 1.6 * typical:
            rows[-1].append(box)
            centre = statistics.fmean((b.top + b.bottom) / 2 for b in rows[-1])
            continue
        rows.append([box])
        centre = middle
    lines: list[Line] = []
    for row in rows:
        cells = []
        for box in sorted(row, key=lambda b: b.left):
            text = box.text.strip()
            if _is_number(text) and box.score < MIN_NUMBER_CONFIDENCE:
                text = DOUBT_MARK + text
            cells.append(text)
        lines.append(Line(first_line + len(lines), "\t".join(cells), page))
    return lines


def read_image(data: bytes, path: str, sha256: str, media_type: str):  # type: ignore[no-untyped-def]
    """An image file (a photographed or scanned report page)."""
    import io

    from PIL import Image, UnidentifiedImageError

    from .document import Document

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        raise ReadError("图片文件已损坏，无法打开") from error
    lines = ocr_lines(image, 1, 1)
    if not any(line.text.strip() for line in lines):
        raise ReadError("图片中没有识别出文字")
    return Document(path, sha256, media_type, lines, 1)
