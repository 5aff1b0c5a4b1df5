"""DOCX: read the Word tables themselves (merged cells once), and the paragraphs around them."""

from __future__ import annotations

import io
import zipfile

from .document import Document, Line, ReadError

MAX_UNZIPPED = 300 * 1024 * 1024  # a zip bomb is refused before python-docx inflates it
MAX_RATIO = 200


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ReadError("ZIP/DOCX文件已损坏，无法打开") from error
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise ReadError("这是ZIP压缩文件，但不是Word（DOCX）文档")
        total = sum(info.file_size for info in archive.infolist())
        packed = sum(info.compress_size for info in archive.infolist()) or 1
        if total > MAX_UNZIPPED or (total / packed > MAX_RATIO and total > 20 * 1024 * 1024):
            raise ReadError("DOCX解压后体积异常（可能是压缩炸弹），未读取")


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
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Line(len(lines) + 1, Paragraph(child, document).text))
        elif tag == "tbl":
            lines.extend(_table_lines(Table(child, document), len(lines) + 1))
    return Document(path, sha256, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", lines)
