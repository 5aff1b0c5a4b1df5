"""Decide a file's type from its bytes and hand it to the reader for that type."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .document import Document, ReadError
from .text import decode_text

MAX_BYTES = 200 * 1024 * 1024  # larger files are refused before reading, to bound memory

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



def sniff(head: bytes) -> str:
    """The media type of a file from its first bytes (magic numbers, then markup, then text)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, media_type in _MAGIC:
        if stripped.startswith(magic) or head.startswith(magic):
            return media_type
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<?xml")) or b"<html" in lowered:
        return "text/html"
    return "text/plain"


def load(path: str | Path) -> Document:
    """Read a file into a Document, or raise ReadError with a Chinese message."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as error:
        raise ReadError(f"无法打开文件：{error.strerror or error}") from error
    if not file.is_file():
        raise ReadError("不是普通文件，无法读取")
    if size == 0:
        raise ReadError("文件为空（0字节）")
    if size > MAX_BYTES:
        raise ReadError(f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {MAX_BYTES // 1024 // 1024} MB），未读取")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ReadError(f"无法读取文件：{error.strerror or error}") from error
    sha256 = hashlib.sha256(data).hexdigest()
    media_type = sniff(data[:2048])
    if media_type in ("application/x-ole-storage", "application/rtf"):
        from .office import read_office

        return read_office(data, str(path), sha256)
    if media_type.startswith("image/"):
        from .ocr import read_image

        return read_image(data, str(path), sha256, media_type)
    if media_type == "application/zip":
        from .docx import read_docx

        return read_docx(data, str(path), sha256)
    if media_type == "application/pdf":
        from .pdf import read_pdf

        return read_pdf(data, str(path), sha256)
    if media_type == "text/html":
        from .html import read_html

        return read_html(data, str(path), sha256)
    text = decode_text(data)
    return Document.from_text(text, path=str(path), sha256=sha256, media_type=media_type)
