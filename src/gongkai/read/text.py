"""Decode a text file whose encoding is not declared (UTF-8, GB18030/GBK, UTF-16…)."""

from __future__ import annotations

from charset_normalizer import from_bytes

from .document import ReadError


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return True
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32 and byte != 27)
    return controls > len(sample) * 0.05


def decode_text(data: bytes) -> str:
    """The text of `data`, or ReadError when it is not text in any encoding we know."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
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
