"""DOCX: read the Word tables themselves (merged cells once), and the paragraphs around them.

`word/document.xml` is walked with lxml directly, giving the text python-docx 1.2 gives
(`Paragraph.text`, `_Row.cells`, `_Cell.text`) without its per-cell XPath queries, which made
reading a report's tables several times slower than checking it.
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
import zlib
from typing import Any

from lxml import etree

from .. import limits
from .document import Document, Line, ReadError, amount, check_size

MAX_RATIO = 200  # inflated more than this (and past 20 MB): a zip bomb
_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")  # <w:p>, <w:p w:rsidR=…>, <w:p/>: not <w:pPr>
_CHUNK = 1 << 20


def _check_zip(data: bytes) -> None:
    """Refuse a package that is not a DOCX, inflates too much (`unzipped_bytes`) or holds more
    paragraphs than a report (`docx_paragraphs`), before any of it is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ReadError("ZIP/DOCX文件已损坏，无法打开") from error
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise ReadError("这是ZIP压缩文件，但不是Word（DOCX）文档")
        total = sum(info.file_size for info in archive.infolist())
        packed = sum(info.compress_size for info in archive.infolist()) or 1
        if total > limits.current().unzipped_bytes or (total / packed > MAX_RATIO and total > 20 * 1024 * 1024):
            raise ReadError("DOCX解压后体积异常（可能是压缩炸弹），未读取（限制 unzipped_bytes）")
        if archive.getinfo("word/document.xml").flag_bits & 0x1:  # zipfile raises RuntimeError for it
            raise ReadError("Word（DOCX）文档已加密（ZIP密码），无法读取")
        _count_paragraphs(archive)


def _count_paragraphs(archive: zipfile.ZipFile) -> None:
    """Count the body's paragraphs (table cells hold paragraphs too) while inflating it in chunks."""
    most = limits.current().docx_paragraphs
    count = 0
    tail = b""
    try:
        with archive.open("word/document.xml") as stream:
            while chunk := stream.read(_CHUNK):
                block = tail + chunk
                # A tag cut at the chunk's end is counted in the next block (its first bytes are kept).
                keep = max(0, len(block) - 8)
                count += sum(1 for match in _PARAGRAPH.finditer(block) if match.start() < keep)
                tail = block[keep:]
                if count > most:
                    raise ReadError(f"Word文档有超过{amount(most)}个段落，不像一份年度报告，未读取（限制 docx_paragraphs）")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise ReadError("ZIP/DOCX文件已损坏，无法解压") from error
    count += len(_PARAGRAPH.findall(tail))
    if count > most:
        raise ReadError(f"Word文档有超过{amount(most)}个段落，不像一份年度报告，未读取（限制 docx_paragraphs）")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT, _BODY, _P, _R, _T, _BR, _HYPERLINK = (_W + tag for tag in ("document", "body", "p", "r", "t", "br", "hyperlink"))
_TBL, _TR, _TC, _TCPR, _TRPR = (_W + tag for tag in ("tbl", "tr", "tc", "tcPr", "trPr"))
_GRID_SPAN, _GRID_BEFORE, _VMERGE, _VAL, _TYPE = (_W + tag for tag in ("gridSpan", "gridBefore", "vMerge", "val", "type"))
# The other run children with a text of their own (python-docx's CT_R.text); w:t and w:br: `_run_text`.
_RUN_CHARACTERS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_RUN_CONTENT = (_T, _BR, *_RUN_CHARACTERS)


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for element in run.iterchildren(*_RUN_CONTENT):
        if element.tag == _T:
            parts.append(element.text or "")
        elif element.tag == _BR:  # a page or column break has no text
            parts.append("\n" if element.get(_TYPE, "textWrapping") == "textWrapping" else "")
        else:
            parts.append(_RUN_CHARACTERS[element.tag])
    return "".join(parts)


def _paragraph_text(paragraph: Any) -> str:
    """The runs that are the paragraph's children or its hyperlinks' (not those in w:ins, w:sdt …)."""
    texts = [_run_text(child) if child.tag == _R else "".join(map(_run_text, child.iterchildren(_R))) for child in paragraph.iterchildren(_R, _HYPERLINK)]
    return "".join(texts)


def _cell_text(tc: Any) -> str:
    """The cell's own paragraphs, a line each (the text of a table nested in it is not read)."""
    return "\n".join(map(_paragraph_text, tc.iterchildren(_P))).strip()


def _first(element: Any, tag: str) -> Any:
    """The first `tag` child, or None: what python-docx reads (lxml's find() is twice as slow)."""
    return next(element.iterchildren(tag), None)


def _number(element: Any, default: int) -> int:
    """The w:val of a w:gridSpan or w:gridBefore (None: `default`) as python-docx reads it: int()."""
    if element is None:
        return default
    value = element.get(_VAL)
    if value is None:
        raise ValueError(f"{element.tag} without w:val")
    return int(value)


def _cell_properties(tc: Any) -> tuple[Any, bool]:
    """The cell's w:gridSpan (or None), and whether it continues a vertical merge (`<w:vMerge/>`:
    w:val defaults to "continue"); the first of each in the first w:tcPr, as python-docx reads them."""
    properties = _first(tc, _TCPR)
    span = merge = None
    for element in () if properties is None else properties.iterchildren(_GRID_SPAN, _VMERGE):
        if element.tag == _GRID_SPAN:
            span = element if span is None else span
        elif merge is None:
            merge = element
    return span, merge is not None and merge.get(_VAL, "continue") == "continue"


def _span(tc: Any) -> int:
    return _number(_cell_properties(tc)[0], 1)


def _grid_before(tr: Any) -> int:
    properties = _first(tr, _TRPR)
    return _number(None if properties is None else _first(properties, _GRID_BEFORE), 0)


def _tc_above(rows: list[Any], row: int, tc: Any) -> Any:
    """The w:tc starting at `tc`'s grid offset in the row above (python-docx's CT_Tc._tc_above)."""
    if row == 0:
        raise ValueError("a vertical merge continued from above the table")
    offset = _grid_before(rows[row]) + sum(map(_span, tc.itersiblings(_TC, preceding=True)))
    remaining = offset - _grid_before(rows[row - 1])
    for candidate in rows[row - 1].iterchildren(_TC):
        if remaining < 0:
            break
        if remaining == 0:
            return candidate
        remaining -= _span(candidate)
    raise ValueError(f"no cell at grid offset {offset} in the row above")


def _table_lines(table: Any, start: int) -> list[Line]:
    """One Line per row; a cell spanning columns or continuing a vertical merge appears once.

    python-docx's `row.cells` lists a row's cells once per grid column they cover (a vertical
    merge's continuation as the merge's first cell); a cell is printed at its first position
    unless the row above shows the same cell there. Kept here as runs (cell, first position)
    rather than one entry per column, so that a gridSpan of millions costs nothing.
    """
    lines: list[Line] = []
    rows = table.findall(_TR)
    origins: dict[Any, Any] = {}  # the row above's w:tc → the cell it shows (itself, or a merge's first)
    above_starts: list[int] = []  # the row above's runs: where each begins, its cell, and the row's width
    above_cells: list[Any] = []
    above_width = 0
    for row, tr in enumerate(rows):
        shown: dict[Any, Any] = {}
        starts: list[int] = []
        cells: list[Any] = []
        width = 0
        for tc in tr.iterchildren(_TC):
            grid_span, continues = _cell_properties(tc)
            cell = shown[tc] = origins[_tc_above(rows, row, tc)] if continues else tc
            span = _span(cell) if continues else _number(grid_span, 1)
            if span > 0:
                if not cells or cells[-1] is not cell:
                    starts.append(width)
                    cells.append(cell)
                width += span
        texts: list[str] = []
        for at, cell in zip(starts, cells, strict=True):
            if at >= above_width or above_cells[bisect.bisect_right(above_starts, at) - 1] is not cell:
                texts.append(_cell_text(cell))
        origins, above_starts, above_cells, above_width = shown, starts, cells, width
        lines.append(Line(start + len(lines), "\t".join(texts), None, tuple(texts)))
    return lines


def read_docx(data: bytes, path: str, sha256: str) -> Document:
    _check_zip(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
        # python-docx's parser options (the same text nodes), without entities or network access
        parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(xml, parser)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, etree.LxmlError) as error:
        raise ReadError(f"Word（DOCX）文档已损坏，无法读取（{type(error).__name__}）") from error
    body = _first(root, _BODY) if root.tag == _DOCUMENT else None
    if body is None:
        raise ReadError("Word（DOCX）文档结构异常，无法读取（没有正文 w:body）")
    lines: list[Line] = []
    characters = 0
    try:
        for child in body:
            if child.tag == _P:
                lines.append(Line(len(lines) + 1, _paragraph_text(child)))
                characters += len(lines[-1].text)
            elif child.tag == _TBL:
                rows = _table_lines(child, len(lines) + 1)
                lines.extend(rows)
                characters += sum(len(row.text) for row in rows)
            else:
                continue
            check_size(characters, len(lines))
    except ValueError as error:  # a table python-docx cannot read either (a merge without its first cell …)
        raise ReadError(f"Word（DOCX）文档结构异常，无法读取（{type(error).__name__}）") from error
    return Document(path, sha256, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", lines)
