"""Bad inputs, as an officer's folder of downloads and an attacker's uploads really hold them.

Each `BadKind` writes one entry into a folder (built from a good report at run time: no binary
is committed) and says what gongkai must make of it: `unreadable` (a reason, in Chinese),
`not_a_report`, `rejected` (either of those two), `report` (read as a report; findings allowed) or
`either` (a damaged report that may or may not still read as one). Whatever the kind, gongkai must give exactly one record for
the entry, in `check` and in `ingest`'s files table, with no traceback and no hang.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gongkai import formats

from .generate import random_report, render

UNREADABLE = "unreadable"
NOT_A_REPORT = "not_a_report"
REPORT = "report"
REJECTED = "rejected"  # unreadable, or read as text that is not a report: either says why
EITHER = "either"  # a damaged report: a report with findings, not one, or unreadable


@dataclass(frozen=True)
class Source:
    """The good material the bad inputs are made from."""

    text: str  # a report's text
    pdf: bytes  # a real report as PDF
    docx: bytes
    html: bytes


@dataclass(frozen=True)
class BadKind:
    name: str  # also the entry's file name (unless the kind makes its own)
    expect: str
    make: Callable[[Path, Source], Path]  # writes the entry into a folder, returns its path


KINDS: dict[str, BadKind] = {}


def _kind(name: str, expect: str) -> Callable[[Callable[[Path, Source], Path]], Callable[[Path, Source], Path]]:
    def register(make: Callable[[Path, Source], Path]) -> Callable[[Path, Source], Path]:
        KINDS[name] = BadKind(name, expect, make)
        return make

    return register


def _bytes_kind(name: str, expect: str, content: Callable[[Source], bytes]) -> None:
    def make(folder: Path, source: Source) -> Path:
        path = folder / name
        path.write_bytes(content(source))
        return path

    KINDS[name] = BadKind(name, expect, make)


def source(seed_text: str, pdf: bytes) -> Source:
    spec = random_report(7)
    return Source(seed_text, pdf, render(spec, "docx")[0], render(spec, "html-utf8")[0])


def write_all(folder: Path, material: Source) -> dict[str, tuple[Path, BadKind]]:
    """Every kind into `folder`: kind name → (the entry's path, the kind)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: (kind.make(folder, material), kind) for name, kind in KINDS.items()}


def _utf8(s: Source) -> bytes:
    return s.text.encode("utf-8")


def _cut(fraction: float) -> Callable[[Source], bytes]:
    return lambda s: _utf8(s)[: int(len(_utf8(s)) * fraction)]


def _zip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx_with(s: Source, replace: dict[str, bytes | None]) -> bytes:
    """The good DOCX with some parts replaced (None: removed)."""
    with zipfile.ZipFile(io.BytesIO(s.docx)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name, data in replace.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    return _zip(parts)


def _docx_paragraphs(count: int) -> Callable[[Source], bytes]:
    def content(s: Source) -> bytes:
        body = b"<w:p><w:r><w:t>\xe5\xad\x97</w:t></w:r></w:p>" * count
        xml = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + b"</w:body></w:document>"
        return _docx_with(s, {"word/document.xml": xml})

    return content


def png(width: int, height: int, rows: int | None = None) -> bytes:
    """A greyscale PNG whose header says width × height, with `rows` rows of data (default: all,
    at most 20 000). One colour compresses to almost nothing: a decompression bomb when large."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xc8" * width
    data = b"".join(compressor.compress(row) for _ in range(min(height, 20000) if rows is None else rows)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def pdf(pages: list[bytes], width: float, height: float | None = None) -> bytes:
    """A minimal PDF: one page of width × height points per content stream in `pages` (font F1,
    Helvetica, available to them)."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, content in enumerate(pages):
        box = f"[0 0 {width} {width if height is None else height}]"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox {box} /Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode() + b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def _text_page(text: str) -> bytes:
    return f"BT /F1 12 Tf 72 72 Td ({text}) Tj ET".encode()


def _with_table3_row(s: Source, replace: Callable[[str], str]) -> bytes:
    lines = s.text.splitlines()
    at = next(i for i, line in enumerate(lines) if "本年新收政府信息公开申请数量" in line)
    lines[at] = replace(lines[at])
    return "\n".join(lines).encode("utf-8")


def _shuffled(s: Source) -> bytes:
    lines = s.text.splitlines()
    random.Random(5).shuffle(lines)
    return "\n".join(lines).encode("utf-8")


def _nested_html(depth: int) -> Callable[[Source], bytes]:
    def content(s: Source) -> bytes:
        body = "".join(f"<p>{line}</p>" for line in s.text.splitlines())
        return f"<html><body>{'<div>' * depth}{body}{'</div>' * depth}</body></html>".encode()

    return content


# ---------------------------------------------------------------- sizes and bytes

_bytes_kind("empty.txt", UNREADABLE, lambda s: b"")
_bytes_kind("one-byte.txt", REJECTED, lambda s: b"x")
_bytes_kind("whitespace-only.txt", REJECTED, lambda s: b" \n\t\r\n" * 1000)
_bytes_kind("nul-only.txt", UNREADABLE, lambda s: b"\x00" * 4096)
_bytes_kind("one-nul-in-report.txt", REPORT, lambda s: (s.text[:100] + "\x00" + s.text[100:]).encode("utf-8"))
_bytes_kind("random-bytes.bin", UNREADABLE, lambda s: random.Random(1).randbytes(8192))
_bytes_kind("random-bytes.txt", UNREADABLE, lambda s: random.Random(2).randbytes(8192))
_bytes_kind("control-characters.txt", EITHER, lambda s: "".join(ch + ("\x07\x1b[2J" if i % 50 == 0 else "") for i, ch in enumerate(s.text)).encode())
_bytes_kind("digits-50k.txt", REJECTED, lambda s: b"1234567890" * 5000)
_bytes_kind("digits-in-report-50k.txt", EITHER, lambda s: _utf8(s) + b"\n" + b"9" * 50000)
_bytes_kind("long-line-1mb.txt", EITHER, lambda s: s.text.replace("\n", " ").encode() + b"x" * 1_000_000)
_bytes_kind("tiny-lines-200k.txt", UNREADABLE, lambda s: b"a\n" * 300_000)
_bytes_kind("huge-text-6m-chars.txt", UNREADABLE, lambda s: ("政" * 6_100_000).encode())
_bytes_kind("number-5000-digits-in-cell.txt", EITHER, lambda s: _with_table3_row(s, lambda line: line + " " + "7" * 5000))
_bytes_kind("run-of-60-digits-in-row.txt", EITHER, lambda s: _with_table3_row(s, lambda line: "一、本年新收政府信息公开申请数量 " + "1" * 60))
_bytes_kind("run-of-300-digits-in-row.txt", EITHER, lambda s: _with_table3_row(s, lambda line: "一、本年新收政府信息公开申请数量 " + "12" * 150))
_bytes_kind("spaces-500k.txt", REJECTED, lambda s: b" " * 500_000 + b"x")
_bytes_kind("punctuation-run.txt", EITHER, lambda s: _utf8(s) + ("，。、" * 50_000).encode())
_bytes_kind("pdf-header-in-text.txt", UNREADABLE, lambda s: b"%PDF-1.7\n" + _utf8(s))

# ---------------------------------------------------------------- encodings

_bytes_kind("gbk.txt", REPORT, lambda s: s.text.encode("gbk", "replace"))
_bytes_kind("gb18030.txt", REPORT, lambda s: s.text.encode("gb18030"))
_bytes_kind("big5.txt", EITHER, lambda s: s.text.encode("big5", "replace"))
_bytes_kind("utf-8-bom.txt", REPORT, lambda s: b"\xef\xbb\xbf" + _utf8(s))
_bytes_kind("utf-16-le-bom.txt", REPORT, lambda s: s.text.encode("utf-16"))
_bytes_kind("utf-16-be-bom.txt", REPORT, lambda s: b"\xfe\xff" + s.text.encode("utf-16-be"))
_bytes_kind("utf-16-le-no-bom.txt", EITHER, lambda s: s.text.encode("utf-16-le"))
_bytes_kind("utf-32-le-bom.txt", REPORT, lambda s: s.text.encode("utf-32"))
_bytes_kind("utf-32-be-bom.txt", REPORT, lambda s: b"\x00\x00\xfe\xff" + s.text.encode("utf-32-be"))
_bytes_kind("latin-1-mojibake.txt", EITHER, lambda s: _utf8(s).decode("latin-1").encode("utf-8"))
_bytes_kind("invalid-utf8-sprinkled.txt", EITHER, lambda s: b"".join(_utf8(s)[i : i + 300] + b"\xff\xfe" for i in range(0, len(_utf8(s)), 300)))
_bytes_kind("cut-mid-character.txt", EITHER, lambda s: _utf8(s)[: len(_utf8(s)) // 2 + 1])
_bytes_kind("crlf.txt", REPORT, lambda s: s.text.replace("\n", "\r\n").encode())
_bytes_kind("cr-only.txt", REPORT, lambda s: s.text.replace("\n", "\r").encode())
_bytes_kind("unicode-line-separators.txt", REPORT, lambda s: s.text.replace("\n", "\u2028").encode())
_bytes_kind("nfkd-decomposed.txt", EITHER, lambda s: __import__("unicodedata").normalize("NFKD", s.text).encode())
_bytes_kind("full-width-everything.txt", EITHER, lambda s: s.text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}).encode())
_bytes_kind("bidi-and-zero-width.txt", EITHER, lambda s: s.text.replace("机关", "机\u200b关\u202e").encode())
_bytes_kind("emoji.txt", REPORT, lambda s: s.text.replace("。", "。😀", 20).encode())

# ---------------------------------------------------------------- structure of the text

for _fraction in (0.05, 0.2, 0.4, 0.6, 0.8, 0.95):
    _bytes_kind(f"cut-at-{int(_fraction * 100)}-percent.txt", EITHER, _cut(_fraction))
_bytes_kind("report-twice.txt", REPORT, lambda s: (s.text + "\n" + s.text).encode())
_bytes_kind("report-ten-times.txt", EITHER, lambda s: ((s.text + "\n") * 10).encode())
_bytes_kind("shuffled-lines.txt", EITHER, _shuffled)
_bytes_kind("reversed-lines.txt", EITHER, lambda s: "\n".join(reversed(s.text.splitlines())).encode())
_bytes_kind("one-line.txt", REPORT, lambda s: s.text.replace("\n", "").encode())
_bytes_kind("spaced-characters.txt", EITHER, lambda s: " ".join(s.text).encode())
_bytes_kind("tables-only.txt", EITHER, lambda s: "\n".join(line for line in s.text.splitlines() if any(ch.isdigit() for ch in line)).encode())
_bytes_kind("narrative-only.txt", EITHER, lambda s: "\n".join(line for line in s.text.splitlines() if not any(ch.isdigit() for ch in line)).encode())
_bytes_kind("html-tags-in-text.txt", EITHER, lambda s: "\n".join(f"<span class='x'>{line}</span>" for line in s.text.splitlines()).encode())
_bytes_kind("markdown-quoted.txt", EITHER, lambda s: "\n".join(f"> {line}" for line in s.text.splitlines()).encode())
_bytes_kind("tabs-everywhere.txt", EITHER, lambda s: s.text.replace(" ", "\t\t").encode())
_bytes_kind("numbers-replaced-by-x.txt", EITHER, lambda s: "".join("x" if ch.isdigit() else ch for ch in s.text).encode())
_bytes_kind("negative-numbers.txt", EITHER, lambda s: _with_table3_row(s, lambda line: line.replace(" 0", " -3")))
_bytes_kind("decimal-counts.txt", EITHER, lambda s: _with_table3_row(s, lambda line: line.replace(" 0", " 0.5")))
_bytes_kind("news-article.txt", NOT_A_REPORT, lambda s: ("本报讯 今日召开会议，研究部署农业生产工作。会议要求各地抓好落实。\n" * 40).encode())
_bytes_kind("english-text.txt", NOT_A_REPORT, lambda s: b"This is an English document about government transparency.\n" * 100)
_bytes_kind("other-annual-report.txt", NOT_A_REPORT, lambda s: ("某某局2023年度工作总结\n一、主要工作\n今年以来，我局扎实推进各项工作。\n" * 30).encode())
_bytes_kind("headings-only.txt", EITHER, lambda s: "\n".join(f"{n}、{t.title}" for n, t in zip("一二三四五六", formats.SECTIONS, strict=False)).encode() + "\n政府信息公开工作年度报告\n".encode())
_bytes_kind("json.txt", REJECTED, lambda s: b'{"a": [1, 2, 3], "b": {"c": null}}' * 100)
_bytes_kind("csv-of-numbers.csv", REJECTED, lambda s: b"\n".join(b",".join(str(i * j).encode() for j in range(20)) for i in range(500)))

# ---------------------------------------------------------------- PDF

_bytes_kind("pdf-garbage.pdf", UNREADABLE, lambda s: b"%PDF-1.4\n garbage garbage")
_bytes_kind("pdf-truncated.pdf", UNREADABLE, lambda s: s.pdf[: len(s.pdf) // 3])
_bytes_kind("pdf-real.pdf", REPORT, lambda s: s.pdf)
_bytes_kind("pdf-zero-pages.pdf", UNREADABLE, lambda s: pdf([], 595, 842))
_bytes_kind("pdf-blank-page.pdf", UNREADABLE, lambda s: pdf([b""], 595, 842))
_bytes_kind("pdf-ascii-text.pdf", EITHER, lambda s: pdf([_text_page("Hello, this is not a report")], 595, 842))
_bytes_kind("pdf-huge-page.pdf", UNREADABLE, lambda s: pdf([b""], 14400))
_bytes_kind("pdf-tiny-page.pdf", UNREADABLE, lambda s: pdf([b""], 1))
_bytes_kind("pdf-200-blank-pages.pdf", UNREADABLE, lambda s: pdf([b""] * 200, 595, 842))
_bytes_kind("pdf-31-blank-pages.pdf", UNREADABLE, lambda s: pdf([b""] * 31, 595, 842))
_bytes_kind("pdf-twice-concatenated.pdf", EITHER, lambda s: s.pdf + s.pdf)
_bytes_kind("pdf-as-txt.txt", REPORT, lambda s: s.pdf)
_bytes_kind("pdf-no-eof.pdf", EITHER, lambda s: s.pdf.rsplit(b"%%EOF", 1)[0])

# ---------------------------------------------------------------- Word

_bytes_kind("docx-good.docx", REPORT, lambda s: s.docx)
_bytes_kind("docx-as-pdf.pdf", REPORT, lambda s: s.docx)
_bytes_kind("zip-not-docx.docx", UNREADABLE, lambda s: _zip({"hello.txt": b"hi"}))
_bytes_kind("docx-without-document.docx", UNREADABLE, lambda s: _docx_with(s, {"word/document.xml": None}))
_bytes_kind("docx-broken-xml.docx", UNREADABLE, lambda s: _docx_with(s, {"word/document.xml": b"<w:document><w:body><w:p>"}))
_bytes_kind("docx-empty-body.docx", REJECTED, _docx_paragraphs(0))
_bytes_kind("docx-60k-paragraphs.docx", UNREADABLE, _docx_paragraphs(60_000))
_bytes_kind("docx-truncated.docx", UNREADABLE, lambda s: s.docx[: len(s.docx) // 2])
_bytes_kind("zip-bomb.docx", UNREADABLE, lambda s: _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\x00" * 50_000_000}))
_bytes_kind("zip-empty.zip", UNREADABLE, lambda s: _zip({}))
_bytes_kind("ole-garbage.doc", REJECTED, lambda s: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(3).randbytes(4096))
_bytes_kind("rtf-garbage.rtf", EITHER, lambda s: b"{\\rtf1\\ansi garbage {{{")

# ---------------------------------------------------------------- web pages

_bytes_kind("html-good.html", REPORT, lambda s: s.html)
_bytes_kind("html-no-body.html", REJECTED, lambda s: b"<html><head><title>x</title></head></html>")
_bytes_kind("html-script-only.html", REJECTED, lambda s: b"<html><body><script>" + b"var a=1;" * 1000 + b"</script></body></html>")
_bytes_kind("html-depth-300.html", REPORT, _nested_html(300))
_bytes_kind("html-depth-5000.html", EITHER, _nested_html(5000))
_bytes_kind("html-unclosed-tags.html", EITHER, lambda s: b"<html><body>" + b"<div><p><span>" * 2000 + s.text.encode())
_bytes_kind("html-entities.html", EITHER, lambda s: b"<html><body><p>" + b"&#x653F;&#x5E9C;&amp;&lt;" * 20000 + b"</p></body></html>")
_bytes_kind("html-lying-charset.html", EITHER, lambda s: b'<html><head><meta charset="utf-8"></head><body><pre>' + s.text.encode("gbk", "replace") + b"</pre></body></html>")
_bytes_kind("html-huge-attribute.html", EITHER, lambda s: b'<html><body><div data-x="' + b"a" * 2_000_000 + b'">' + s.text.encode() + b"</div></body></html>")
_bytes_kind("xml-not-html.xml", EITHER, lambda s: b'<?xml version="1.0"?><root>' + s.text.encode() + b"</root>")
_bytes_kind("svg.svg", REJECTED, lambda s: b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>')

# ---------------------------------------------------------------- images

_bytes_kind("png-1x1.png", UNREADABLE, lambda s: png(1, 1))
_bytes_kind("png-blank-800.png", UNREADABLE, lambda s: png(800, 600))
_bytes_kind("png-bomb-20000.png", UNREADABLE, lambda s: png(20000, 20000))
_bytes_kind("png-truncated.png", UNREADABLE, lambda s: png(400, 400)[:300])
_bytes_kind("png-header-only.png", UNREADABLE, lambda s: b"\x89PNG\r\n\x1a\n")
_bytes_kind("jpeg-garbage.jpg", UNREADABLE, lambda s: b"\xff\xd8\xff\xe0" + random.Random(4).randbytes(2048))
_bytes_kind("gif-garbage.gif", UNREADABLE, lambda s: b"GIF89a" + random.Random(5).randbytes(512))
_bytes_kind("tiff-garbage.tif", UNREADABLE, lambda s: b"II*\x00" + random.Random(6).randbytes(512))
_bytes_kind("bmp-garbage.bmp", UNREADABLE, lambda s: b"BM" + random.Random(7).randbytes(512))

# ---------------------------------------------------------------- the file system


@_kind("named-pipe.txt", UNREADABLE)
def _fifo(folder: Path, s: Source) -> Path:
    path = folder / "named-pipe.txt"
    os.mkfifo(path)
    return path


@_kind("dangling-link.txt", UNREADABLE)
def _dangling(folder: Path, s: Source) -> Path:
    path = folder / "dangling-link.txt"
    os.symlink(folder / "does-not-exist.txt", path)
    return path


@_kind("link-loop.txt", UNREADABLE)
def _loop(folder: Path, s: Source) -> Path:
    path = folder / "link-loop.txt"
    os.symlink(path, path)
    return path


@_kind("link-to-device.txt", UNREADABLE)
def _device(folder: Path, s: Source) -> Path:
    path = folder / "link-to-device.txt"
    os.symlink("/dev/zero", path)
    return path


@_kind("link-to-parent-folder", UNREADABLE)
def _parent(folder: Path, s: Source) -> Path:
    path = folder / "link-to-parent-folder"
    os.symlink(folder, path)
    return path


@_kind("link-to-good-report.txt", REPORT)
def _good_link(folder: Path, s: Source) -> Path:
    target = folder.parent / f"{folder.name}-linked-report.txt"
    target.write_text(s.text, encoding="utf-8")
    path = folder / "link-to-good-report.txt"
    os.symlink(target, path)
    return path


def _named(name: str, expect: str = REPORT) -> None:
    def make(folder: Path, s: Source) -> Path:
        path = Path(os.fsdecode(os.fsencode(folder) + b"/" + (name.encode("utf-8", "surrogateescape"))))
        path.write_text(s.text, encoding="utf-8")
        return path

    KINDS[f"name:{name!r}"] = BadKind(f"name:{name!r}", expect, make)


_named(os.fsdecode(b"\xb1\xa8\xb8\xe6-gbk-name.txt"))  # 报告 in GBK bytes: not UTF-8
_named("名" * 80 + ".txt")  # 240 bytes of name
_named("line\nbreak.txt")
_named("escape-\x1b]0;pwned\x07.txt")
_named("-starts-with-dash.txt")
_named("=cmd|calc!A0.txt")
_named("rlo-\u202etxt.exe")
_named("spaces   and\ttab.txt")
_named("emoji-📄.txt")

