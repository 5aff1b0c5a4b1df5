"""The clerk's own text per section, from a folder of Markdown or text files.

A file belongs to the section its name says: `1.md` … `6.md` (also `01.txt`, `5-问题.md`),
`一.md` / `第五部分.txt`, or a name holding the section's title or one of its keywords
(`总体情况.md`, `存在的主要问题及改进情况.txt`). The text is kept as written; only a first line
repeating the section's own heading is dropped, since the writer prints the heading itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import formats
from .compose import NUMERALS, CompositionError

SUFFIXES = (".md", ".markdown", ".txt")
MAX_BYTES = 1 << 20  # one section's text; more is not a section of a report

_BY_DIGIT = re.compile(r"^0?([1-6])(?!\d)")
_BY_NUMERAL = re.compile(r"^第?([一二三四五六])(?![一二三四五六七八九十])")
_HEADING_MARK = re.compile(r"^[#*\s>]*(?:(?:[一二三四五六]|[1-6])\s*[、.．]|第[一二三四五六]部分[、：:\s]?)?\s*")


def section_of(name: str) -> int | None:
    """The section number a file's name (without its suffix) names, or None."""
    stem = name.strip()
    if found := _BY_DIGIT.match(stem):
        return int(found.group(1))
    if found := _BY_NUMERAL.match(stem):
        return NUMERALS.index(found.group(1)) + 1
    folded = formats.normalize_label(stem)
    hits = {s.number for s in formats.SECTIONS if formats.normalize_label(s.title) in folded or any(k in folded for k in s.keywords)}
    return hits.pop() if len(hits) == 1 else None


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CompositionError(f"无法识别文件“{path.name}”的文字编码，请另存为UTF-8编码的文本文件。")


def _is_own_heading(line: str, section: int) -> bool:
    """A line that only repeats the section's heading (「一、总体情况」, 「# 总体情况」)."""
    text = _HEADING_MARK.sub("", line).strip().strip("*#").strip()
    if not text or len(text) > 30 or re.search(r"[。；;，,]", text):
        return False
    definition = formats.SECTIONS[section - 1]
    folded = formats.normalize_label(text)
    return folded == formats.normalize_label(definition.title) or any(k == folded or k in folded for k in definition.keywords)


def strip_heading(text: str, section: int) -> str:
    """The text without a first line that is the section's own heading."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and _is_own_heading(lines[first], section):
        del lines[: first + 1]
    return "\n".join(lines).strip("\n")


def load_prose(folder: Path | str) -> dict[int, str]:
    """Section number → the clerk's text, from the Markdown/text files of `folder`.

    Raises CompositionError (in Chinese) for a file whose name names no section, two files
    for one section, a file too large or not decodable, or a folder that does not exist.
    """
    root = Path(folder)
    if not root.is_dir():
        raise CompositionError(f"找不到正文文件夹“{root}”。")
    found: dict[int, Path] = {}
    prose: dict[int, str] = {}
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        section = section_of(path.stem)
        if section is None:
            raise CompositionError(f"无法判断文件“{path.name}”是哪一部分的正文：文件名应为 1.md…6.md，或含有该部分的标题（如“总体情况.md”）。")
        if section in found:
            raise CompositionError(f"文件“{found[section].name}”和“{path.name}”都是第{NUMERALS[section - 1]}部分的正文，请只保留一个。")
        if path.stat().st_size > MAX_BYTES:
            raise CompositionError(f"文件“{path.name}”超过1MB，不像一个部分的正文。")
        found[section] = path
        prose[section] = strip_heading(_decode(path.read_bytes(), path), section)
    return prose
