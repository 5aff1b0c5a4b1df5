"""HTML pages saved from gov.cn sites: the article body among the site's chrome, its tables.

The encoding is decided from the bytes (BOM, meta charset widened to GB18030, else detection),
and checked: a page whose meta tag lies decodes with replacement characters and is detected
again. The body is the block holding most of the page's non-link Chinese text. Tables become
structured rows, a merged (rowspan/colspan) cell kept once at its origin, as in Word tables. 发布日期 is taken from the page when the body has none.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

from .document import Document, Line, ReadError, check_size
from .text import decode_text

MARKUP_FACTOR = 4  # a page's source may be this many times longer than its text (`text_characters`)

_META_CHARSET = re.compile(rb"""<meta[^>]{1,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr", "table", "center", "blockquote", "pre", "ul", "ol", "dd", "dt"}
_CHROME = {"script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "select", "button", "head", "title"}
_PUBLISHED = re.compile(r"(?:发布|发文|成文|公开)(?:日期|时间)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def decode_html(data: bytes) -> str:
    """The page's source text; one far longer than a report's page (`MARKUP_FACTOR` times
    `text_characters`: markup included) is refused."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return decode_text(data, MARKUP_FACTOR)
    match = _META_CHARSET.search(data[:8192])
    if match:
        name = match.group(1).decode("ascii", "replace").lower()
        name = _WIDER.get(name, name)
        try:
            text = data.decode(name)
            if text.count("\ufffd") <= 2:
                check_size(len(text) // MARKUP_FACTOR, 0)
                return text
        except (LookupError, UnicodeDecodeError):
            pass  # the meta tag lies: detect from the bytes
    return decode_text(data, MARKUP_FACTOR)


def _weights(root: Any) -> dict[Any, int]:
    """Each element's Chinese characters outside links (links count twice against it), computed
    once bottom-up: `text_content()` at every level of a deep page would be quadratic."""
    cjk: dict[Any, int] = {}
    links: dict[Any, int] = {}
    # Reverse document order visits every child before its parent.
    for element in reversed(list(root.iter())):
        own = len(_CJK.findall(element.text or "")) if isinstance(element.tag, str) else 0
        linked = 0
        for child in element:
            own += cjk.get(child, 0) + len(_CJK.findall(child.tail or ""))
            linked += links.get(child, 0)
        cjk[element] = own
        links[element] = linked + (own if element.tag == "a" else 0)
    return {element: cjk[element] - 2 * links[element] for element in cjk}


def _article(root: Any) -> Any:
    """Descend from <body> while one child holds nearly all of the non-link Chinese text."""
    node = root.find("body") if root.find("body") is not None else root
    weight = _weights(node)
    while True:
        total = weight.get(node, 0)
        children = [c for c in node if isinstance(c.tag, str)]
        if not children or total <= 0:
            return node
        best = max(children, key=lambda child: weight.get(child, 0))
        if weight.get(best, 0) < 0.8 * total:
            return node
        node = best


def _table_rows(table) -> list[tuple[int | None, list[str]]]:  # type: ignore[no-untyped-def]
    """The table's rows as printed, each with the source line its <tr> starts on: HTML keeps a
    merged cell once, at its origin, like Word."""
    rows: list[tuple[int | None, list[str]]] = []
    for tr in table.iter("tr"):
        if tr.xpath("ancestor::table[1]")[0] is not table:
            continue  # a row of a nested table
        rows.append((tr.sourceline, [re.sub(r"\s+", " ", cell.text_content()).strip() for cell in tr if cell.tag in ("td", "th")]))
    return rows


_TABLE_START = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_END = re.compile(r"</table\s*>", re.IGNORECASE)


def with_html_tables(document: Document) -> Document:
    """A text with HTML tables written into it (pandoc's Markdown writes a table with merged
    cells as HTML): each table's rows as a table's lines, cells kept apart as in a web page,
    each row on the line its <tr> starts on."""
    lines = document.lines
    if not any("<" in line.text and _TABLE_START.search(line.text) for line in lines):
        return document
    import lxml.etree
    import lxml.html

    out: list[Line] = []
    index = 0
    while index < len(lines):
        start = _TABLE_START.search(lines[index].text)
        end = next((j for j in range(index, len(lines)) if _TABLE_END.search(lines[j].text)), None) if start else None
        if start is None or end is None:
            out.append(lines[index])
            index += 1
            continue
        first = lines[index]
        fragment = "\n".join([first.text[start.start() :], *(line.text for line in lines[index + 1 : end + 1])])
        closing = _TABLE_END.search(fragment)
        try:
            table = lxml.html.fragment_fromstring(fragment[: closing.end() if closing else None])
        except (lxml.etree.ParserError, ValueError):  # markup it cannot parse: kept as text
            table = None
        if table is None or table.tag != "table":
            out.extend(lines[index : end + 1])
            index = end + 1
            continue
        if first.text[: start.start()].strip():
            out.append(Line(first.number, first.text[: start.start()], first.page))
        for at, cells in _table_rows(table):
            source = lines[min(index + (at or 1) - 1, end)]
            out.append(Line(source.number, "\t".join(cells), source.page, tuple(cells)))
        after = _TABLE_END.search(lines[end].text)
        if after is not None and lines[end].text[after.end() :].strip():
            out.append(Line(lines[end].number, lines[end].text[after.end() :], lines[end].page))
        index = end + 1
    return replace(document, lines=out)


def _lines(node: Any, lines: list[Line]) -> None:
    """Walk the body in order: text of blocks as lines, tables as structured rows. (Iterative:
    a page may nest elements thousands deep.)"""
    buffer: list[str] = []

    def flush() -> None:
        text = re.sub(r"[ \t\r\n\xa0\u3000]+", " ", "".join(buffer)).strip()
        if text:
            lines.append(Line(len(lines) + 1, text))
        buffer.clear()

    # (element, entering): an element is entered, its children walked, then it is left.
    stack: list[tuple[Any, bool]] = [(node, True)]
    while stack:
        element, entering = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if not entering:
            if tag in _BLOCKS:
                flush()
            buffer.append(element.tail or "")
            continue
        if tag in _CHROME:
            buffer.append(element.tail or "")
            continue
        if tag == "table":
            flush()
            for _at, cells in _table_rows(element):
                lines.append(Line(len(lines) + 1, "\t".join(cells), None, tuple(cells)))
            buffer.append(element.tail or "")
            continue
        if tag in _BLOCKS:
            flush()
        buffer.append(element.text or "")
        stack.append((element, False))
        stack.extend((child, True) for child in reversed(list(element)))
    flush()


def _page_title(root) -> str | None:  # type: ignore[no-untyped-def]
    for element in root.iter("h1", "h2", "h3", "title"):
        text = re.sub(r"\s+", "", element.text_content())
        if ("年度报告" in text or "年报" in text) and len(text) <= 80:
            return text.split("_")[0].split("-")[0] if element.tag == "title" else text
    return None


# Elements a page nests thousands deep (layout wrappers, inline styling): dropped (a block one
# becomes a line break) when the page is deeper than the parser goes, so no content is lost.
_WRAPPERS = re.compile(r"<(/?)(div|section|article|center|blockquote|main|aside|span|font|b|i|u|strong|em|small|big)\b[^>]{0,2000}>", re.I)
_INLINE = frozenset({"span", "font", "b", "i", "u", "strong", "em", "small", "big"})
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]{0,2000}>")


def _parse(text: str) -> Any:
    """The page's tree. Past the parser's depth (2048 with huge_tree) libxml2 drops everything
    deeper and after: then the wrappers are flattened, and as a last resort the tags stripped
    (the page's text is returned as a str, a line per block, cells tab-separated)."""
    import lxml.html

    def parse(source: str) -> tuple[Any, bool]:
        parser = lxml.html.HTMLParser(huge_tree=True)
        try:
            root = lxml.html.document_fromstring(source, parser=parser)
        except Exception as error:  # lxml raises ParserError/ValueError on pages it cannot parse
            raise ReadError("HTML网页无法解析") from error
        return root, any("depth" in entry.message.lower() for entry in parser.error_log)

    root, too_deep = parse(text)
    if not too_deep:
        return root
    flat = _WRAPPERS.sub(lambda m: "" if m.group(2).lower() in _INLINE else "<br>", text)
    root, too_deep = parse(flat)
    if not too_deep:
        return root
    return html.unescape(_TAG.sub(_Flattener(), flat))


class _Flattener:
    """A tag as plain text: a block ends the line; a cell after the first of its row is a tab."""

    def __init__(self) -> None:
        self.first_cell = True

    def __call__(self, match: re.Match[str]) -> str:
        closing, tag = match.group(1), match.group(2).lower()
        if tag in ("td", "th"):
            if closing:
                return ""
            separator = "" if self.first_cell else "\t"
            self.first_cell = False
            return separator
        if tag in _BLOCKS:
            self.first_cell = True
            return "\n"
        return ""


def read_html(data: bytes, path: str, sha256: str) -> Document:
    text = decode_html(data)
    root = _parse(text)
    if isinstance(root, str):
        return Document.from_text(root, path=path, sha256=sha256, media_type="text/html")
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
