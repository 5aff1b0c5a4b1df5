"""DOCX: read the Word tables themselves (merged cells once), and the paragraphs around them."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from .. import limits
from .document import Document, Line, ReadError, amount, check_size

MAX_RATIO = 200  # inflated more than this (and past 20 MB): a zip bomb
_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")  # <w:p>, <w:p w:rsidR=…>, <w:p/>: not <w:pPr>
_CHUNK = 1 << 20


def _check_zip(data: bytes) -> None:
    """Refuse a package that is not a DOCX, inflates too much (`unzipped_bytes`) or holds more
    paragraphs than a report (`docx_paragraphs`), before python-docx parses any of it."""
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


def _table_lines(table, start: int) -> list[Line]:  # type: ignore[no-untyped-def]
    """One Line per row; a cell spanning columns or continuing a vertical merge appears once."""
    lines: list[Line] = []
    above: list[object] = []
    for row in table.rows:
        cells: list[str] = []
        current: list[object] = []
        for position, cell in enumerate(row.cells):
            element = cell._tc
            current.append(element)
            if position and element is current[position - 1]:
                continue  # horizontal span
            if position < len(above) and element is above[position]:
                continue  # vertical merge: printed once, in its first row
            cells.append(cell.text.strip())
        above = current
        lines.append(Line(start + len(lines), "\t".join(cells), None, tuple(cells)))
    return lines


def read_docx(data: bytes, path: str, sha256: str) -> Document:
    _check_zip(data)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a damaged package
        raise ReadError(f"Word（DOCX）文档已损坏，无法读取（{type(error).__name__}）") from error
    lines: list[Line] = []
    characters = 0
    try:
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                lines.append(Line(len(lines) + 1, Paragraph(child, document).text))
                characters += len(lines[-1].text)
            elif tag == "tbl":
                rows = _table_lines(Table(child, document), len(lines) + 1)
                lines.extend(rows)
                characters += sum(len(row.text) for row in rows)
            else:
                continue
            check_size(characters, len(lines))
    except ReadError:
        raise
    except Exception as error:  # python-docx on a malformed table (a merge without its origin …)
        raise ReadError(f"Word（DOCX）文档结构异常，无法读取（{type(error).__name__}）") from error
    return Document(path, sha256, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", lines)
