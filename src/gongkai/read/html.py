"""Minimal HTML-to-text for pages saved from gov.cn sites (table cells become tab-separated)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from .text import decode_text

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}
_SKIP = {"script", "style", "head", "noscript"}


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in ("td", "th"):
            self.parts.append("\t")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data) if "\n" in data else data)


def _decode(data: bytes) -> str:
    match = _CHARSET.search(data[:4096])
    if match:
        name = match.group(1).decode("ascii").lower()
        if name in ("gb2312", "gbk", "gb_2312-80"):
            name = "gb18030"
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def html_to_text(data: bytes) -> str:
    builder = _TextBuilder()
    builder.feed(_decode(data))
    builder.close()
    text = unescape("".join(builder.parts)).replace("\xa0", " ")
    return re.sub(r"\n\s*\n+", "\n\n", text)
