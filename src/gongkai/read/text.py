"""Decode a text file whose encoding is not declared (UTF-8, GB18030/GBK, UTF-16, UTF-32…).

A text is measured before it is decoded and again after (`text_characters`, `text_lines`), so a
file of hundreds of megabytes is refused before it takes that much memory. A few stray NUL or
control bytes in an otherwise-text file are dropped rather than making the whole file "not text".
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from .. import limits
from .document import ReadError, check_size, line_count

_MAX_BYTES_PER_CHARACTER = 4  # UTF-8, GB18030 and UTF-32 take at most four bytes a character
# Control characters a text never means (NUL, BEL, ESC …): dropped. Tab, line feed, form feed
# (pdftotext's page break), carriage return and vertical tab are kept.
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_NOT_CONTROLS = bytes(byte for byte in range(256) if not (byte < 9 or (13 < byte < 32 and byte != 27)))
_UTF32_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"))


def _looks_binary(data: bytes) -> bool:
    """Bytes that are not text: many NULs or control bytes (a few stray ones are tolerated)."""
    sample = data[:8192]
    if sample.count(0) > max(8, len(sample) // 100):
        return True
    # The control bytes counted as what deleting every other byte leaves (C speed, not a loop).
    controls = len(sample.translate(None, _NOT_CONTROLS))
    return controls > len(sample) * 0.05


def _printable(text: str) -> bool:
    head = text[:2048]
    return sum(1 for ch in head if ch.isprintable() or ch in "\r\n\t\f") >= 0.97 * len(head)


def _utf32_without_bom(data: bytes) -> str | None:
    """UTF-32 text saved without a byte-order mark: two of every four bytes are NUL (the BMP)."""
    sample = data[: 4096 - 4096 % 4]
    if len(sample) < 16 or len(data) % 4:
        return None
    quarters = [sample[k::4].count(0) for k in range(4)]
    groups = len(sample) // 4
    if quarters[2] == quarters[3] == groups and quarters[0] < groups:
        encoding = "utf-32-le"
    elif quarters[0] == quarters[1] == groups and quarters[3] < groups:
        encoding = "utf-32-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _printable(text) else None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: its NULs fall on alternate bytes."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if max(even_nuls, odd_nuls) < 16 or max(even_nuls, odd_nuls) < 3 * min(even_nuls, odd_nuls):
        return None
    try:
        text = data.decode("utf-16-be" if even_nuls > odd_nuls else "utf-16-le")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) else None


def _decode(data: bytes) -> str:
    for bom, encoding in _UTF32_BOMS:  # before UTF-16: FF FE 00 00 also starts like UTF-16 LE
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    wide = _utf32_without_bom(data) or _utf16_without_bom(data)
    if wide is not None:
        return wide
    if _looks_binary(data):
        raise ReadError("文件内容不是文本，也不是可识别的文档格式（可能已损坏）")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3:
            # A file cut off in the middle of its last character: keep everything before it.
            return data[: error.start].decode("utf-8")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ReadError("无法识别文件的文字编码")
    return str(best)


def decode_text(data: bytes, factor: int = 1) -> str:
    """The text of `data`, or ReadError when it is not text in any encoding we know, or is far
    longer than a report (`text_characters`, `text_lines`; markup counts 1/`factor`)."""
    bounds = limits.current()
    if len(data) > _MAX_BYTES_PER_CHARACTER * factor * bounds.text_characters:
        check_size(len(data) // (_MAX_BYTES_PER_CHARACTER * factor) + 1, 0)  # more characters than the limit, whatever the encoding
    text = _decode(data)
    check_size(len(text) // factor, line_count(text) // factor)
    return _STRAY_CONTROLS.sub("", text) if _STRAY_CONTROLS.search(text) else text
