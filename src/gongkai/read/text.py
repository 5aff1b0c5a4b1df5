"""Decode a text file whose encoding is not declared (UTF-8, GB18030/GBK, UTF-16…)."""

from __future__ import annotations

from charset_normalizer import from_bytes

from .document import ReadError


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return True
    controls = sum(1 for byte in sample if byte < 9 or (13 < byte < 32 and byte != 27))
    return controls > len(sample) * 0.05


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
    printable = sum(1 for ch in text[:2048] if ch.isprintable() or ch in "\r\n\t\f")
    return text if printable >= 0.97 * min(len(text), 2048) else None


def decode_text(data: bytes) -> str:
    """The text of `data`, or ReadError when it is not text in any encoding we know."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
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
