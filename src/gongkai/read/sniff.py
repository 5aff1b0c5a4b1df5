"""Decide a file's type from its bytes and hand it to the reader for that type."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import limits
from ..files import input_size, is_url, open_input
from .document import Document, ReadError, check_size
from .text import decode_text

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"{\\rtf", "application/rtf"),
)
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _markup(stripped: bytes) -> bool:
    lowered = stripped[:512].lower()
    return lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<?xml")) or b"<html" in lowered


# An OpenDocument package stores its media type first, uncompressed (ODF 1.2 part 3, 3.3).
_ODT = b"PK\x03\x04", b"mimetypeapplication/vnd.oasis.opendocument.text"
ODT_MEDIA_TYPE = "application/vnd.oasis.opendocument.text"


def sniff(head: bytes) -> str:
    """The media type of a file from its first bytes (magic numbers, then markup, then text)."""
    if head.startswith(_ODT[0]) and _ODT[1] in head[:128]:
        return ODT_MEDIA_TYPE
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, media_type in _MAGIC:
        if stripped.startswith(magic) or head.startswith(magic):
            return media_type
    if _markup(stripped):
        return "text/html"
    for bom, encoding in _WIDE_BOMS:  # a page saved as UTF-16 or UTF-32
        if head.startswith(bom):
            text = head[len(bom) :].decode(encoding, errors="ignore")
            return "text/html" if _markup(text.lstrip(" \t\r\n").encode("utf-8", "replace")) else "text/plain"
    return "text/plain"


def _size(count: float) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def load(path: str | Path) -> Document:
    """Read a file (a local path or an fsspec URL) into a Document, or raise ReadError with a
    Chinese message."""
    try:
        size = input_size(path)
    except OSError as error:
        raise ReadError(f"无法打开文件：{error.strerror or error}") from error
    if not is_url(path) and not Path(path).is_file():
        raise ReadError("不是普通文件，无法读取")
    if size == 0:
        raise ReadError("文件为空（0字节）")
    most = limits.current().file_bytes
    if size > most:
        raise ReadError(f"文件过大（{_size(size)}，上限 {_size(most)}），未读取（限制 file_bytes）")
    try:
        with open_input(path) as stream:
            data = stream.read(most + 1)  # never more than the limit, whatever the size said
    except OSError as error:
        raise ReadError(f"无法读取文件：{error.strerror or error}") from error
    if len(data) > most:  # it grew since its size was taken
        raise ReadError(f"文件过大（上限 {_size(most)}），未读取（限制 file_bytes）")
    try:
        document = _read(data, str(path))
    except MemoryError as error:
        raise ReadError("读取此文件所需内存超出限制，未读取（文件可能异常庞大或已损坏）") from error
    except RecursionError as error:
        raise ReadError("文件结构嵌套过深，无法读取（文件可能已损坏）") from error
    if document.fatal:
        raise ReadError(document.fatal)
    check_size(sum(len(line.text) for line in document.lines), len(document.lines))
    return document


def _read(data: bytes, path: str) -> Document:
    """The Document of a file's bytes, by the reader for its type."""
    sha256 = hashlib.sha256(data).hexdigest()
    media_type = sniff(data[:2048])
    if media_type in ("application/x-ole-storage", "application/rtf", ODT_MEDIA_TYPE):
        from .office import read_office

        return read_office(data, path, sha256, media_type)
    if media_type.startswith("image/"):
        from .ocr import read_image

        return read_image(data, path, sha256, media_type)
    if media_type == "application/zip":
        from .docx import read_docx

        return read_docx(data, path, sha256)
    if media_type == "application/pdf":
        from .pdf import read_pdf

        return read_pdf(data, path, sha256)
    if media_type == "text/html":
        from .html import read_html

        return read_html(data, path, sha256)
    return text_document(decode_text(data), path=path, sha256=sha256, media_type=media_type)


def text_document(text: str, *, path: str = "<text>", sha256: str = "", media_type: str = "text/plain") -> Document:
    """A text's Document: its lines, and the rows of any HTML table written into it."""
    from .html import with_html_tables

    return with_html_tables(Document.from_text(text, path=path, sha256=sha256, media_type=media_type))
