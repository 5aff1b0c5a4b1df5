"""HTML pages saved from gov.cn sites: the article body among the site's chrome, its tables.

The encoding is decided from the bytes (BOM, meta charset widened to GB18030, else detection),
and checked: a page whose meta tag lies decodes with replacement characters and is detected
again. The body is the block holding most of the page's non-link Chinese text. Tables become
structured rows, a merged (rowspan/colspan) cell kept once at its origin, as in Word tables. 发布日期 is taken from the page when the body has none.
"""

from __future__ import annotations

import re
from typing import Any

from .document import Document, Line, ReadError
from .text import decode_text

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr", "table", "center", "blockquote", "pre", "ul", "ol", "dd", "dt"}
_CHROME = {"script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "select", "button", "head", "title"}
_PUBLISHED = re.compile(r"(?:发布|发文|成文|公开)(?:日期|时间)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def decode_html(data: bytes) -> str:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data)
    match = _META_CHARSET.search(data[:8192])
    if match:
        name = match.group(1).decode("ascii", "replace").lower()
        name = _WIDER.get(name, name)
        try:
            text = data.decode(name)
            if text.count("\ufffd") <= 2:
                return text
        except (LookupError, UnicodeDecodeError):
            pass  # the meta tag lies: detect from the bytes
    return decode_text(data)


def _chinese_weight(element) -> int:  # type: ignore[no-untyped-def]
    text = element.text_content()
    links = sum(len(_CJK.findall(a.text_content())) for a in element.iter("a"))
    return len(_CJK.findall(text)) - 2 * links


def _article(root: Any) -> Any:
    """Descend from <body> while one child holds nearly all of the non-link Chinese text."""
    node = root.find("body") if root.find("body") is not None else root
    while True:
        total = _chinese_weight(node)
        children = [c for c in node if isinstance(c.tag, str)]
        if not children or total <= 0:
            return node
        best = max(children, key=_chinese_weight)
        if _chinese_weight(best) < 0.8 * total:
            return node
        node = best


def _table_rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The table's rows as printed: HTML keeps a merged cell once, at its origin, like Word."""
    rows: list[list[str]] = []
    for tr in table.iter("tr"):
        if tr.xpath("ancestor::table[1]")[0] is not table:
            continue  # a row of a nested table
        rows.append([re.sub(r"\s+", " ", cell.text_content()).strip() for cell in tr if cell.tag in ("td", "th")])
    return rows


def _lines(node, lines: list[Line]) -> None:  # type: ignore[no-untyped-def]
    """Walk the body in order: text of blocks as lines, tables as structured rows."""
    buffer: list[str] = []

    def flush() -> None:
        text = re.sub(r"[ \t\r\n\xa0\u3000]+", " ", "".join(buffer)).strip()
        if text:
            lines.append(Line(len(lines) + 1, text))
        buffer.clear()

    def walk(element) -> None:  # type: ignore[no-untyped-def]
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _CHROME:
            buffer.append(element.tail or "")
            return
        if tag == "table":
            flush()
            for cells in _table_rows(element):
                lines.append(Line(len(lines) + 1, "\t".join(cells), None, tuple(cells)))
            buffer.append(element.tail or "")
            return
        if tag in _BLOCKS:
            flush()
        buffer.append(element.text or "")
        for child in element:
            walk(child)
        if tag in _BLOCKS:
            flush()
        buffer.append(element.tail or "")

    walk(node)
    flush()


def _page_title(root) -> str | None:  # type: ignore[no-untyped-def]
    for element in root.iter("h1", "h2", "h3", "title"):
        text = re.sub(r"\s+", "", element.text_content())
        if ("年度报告" in text or "年报" in text) and len(text) <= 80:
            return text.split("_")[0].split("-")[0] if element.tag == "title" else text
    return None


def read_html(data: bytes, path: str, sha256: str) -> Document:
    import lxml.html

    text = decode_html(data)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as error:  # lxml raises ParserError/ValueError on pages it cannot parse
        raise ReadError("HTML网页无法解析") from error
    for chrome in root.xpath("//script|//style|//noscript"):
        chrome.drop_tree()
    lines: list[Line] = []
    _lines(_article(root), lines)
    title = _page_title(root)
    if title and not any("年度报告" in line.text or "年报" in line.text for line in lines[:6]):
        # The title sits in the page's header (<h1>, <title>) outside the article body.
        lines = [Line(1, title)] + [Line(line.number + 1, line.text, line.page, line.cells) for line in lines]
    document = Document(path, sha256, "text/html", lines)
    page_text = root.text_content()
    found = _PUBLISHED.search(page_text)
    if found:
        year, month, day = (int(g) for g in found.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            document.published_hint = (f"{year:04d}-{month:02d}-{day:02d}", found.group(0))
    return document
