"""The DOCX reader walks word/document.xml with lxml: it must give exactly the Lines that
python-docx gave it before (numbers, text, cells, no geometry), or refuse what it refused.

`reference` is that reader as it was (python-docx 1.2: `Paragraph.text`, `row.cells`,
`cell.text`). Every document here is read both ways: the corpus's Word files, the reports
synth.generate and gongkai.writer render, hand-made edge cases (merged cells, breaks, hyperlinks,
nested tables, grid offsets) and random tables of valid and broken merges.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import CORPUS, CORPUS_MISSING
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.table import Table
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import formats
from gongkai.model import Record, Source
from gongkai.read.document import Line, ReadError, check_size
from gongkai.read.docx import _check_zip, read_docx
from gongkai.writer import compose
from gongkai.writer import to_docx as writer_docx
from synth.generate import ReportSpec, agency_series, random_report, render

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCX_RENDERINGS = ("docx", "docx-break-row", "docx-break-split")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def reference(data: bytes) -> list[Line]:
    """The reader before the rewrite: python-docx walking the body, merged cells once."""
    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        raise ReadError(f"Word（DOCX）文档已损坏，无法读取（{type(error).__name__}）") from error
    lines: list[Line] = []
    characters = 0
    try:
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                lines.append(Line(len(lines) + 1, Paragraph(child, document).text))
            elif tag == "tbl":
                above: list[object] = []
                for row in Table(child, document).rows:
                    cells: list[str] = []
                    current: list[object] = []
                    for position, cell in enumerate(row.cells):
                        current.append(cell._tc)
                        if position and cell._tc is current[position - 1]:
                            continue
                        if position < len(above) and cell._tc is above[position]:
                            continue
                        cells.append(cell.text.strip())
                    above = current
                    lines.append(Line(len(lines) + 1, "\t".join(cells), None, tuple(cells)))
            else:
                continue
            characters = sum(len(line.text) for line in lines)
            check_size(characters, len(lines))
    except ReadError:
        raise
    except Exception as error:
        raise ReadError(f"Word（DOCX）文档结构异常，无法读取（{type(error).__name__}）") from error
    return lines


def outcome(reader: Callable[[bytes], list[Line]], data: bytes) -> list[Line] | str:
    try:
        return reader(data)
    except ReadError as error:
        return f"ReadError: {error}"


def assert_same(data: bytes) -> list[Line] | str:
    """The new reader's Lines are the reference's; a document it refused is refused, in Chinese."""
    want = outcome(reference, data)
    got = outcome(lambda d: read_docx(d, "test.docx", "").lines, data)
    if isinstance(want, str):
        assert isinstance(got, str) and CHINESE.search(got), (want, got)
    else:
        assert got == want
    return got


# ------------------------------------------------------------------ documents to read


def saved(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_body(*fragments: str) -> bytes:
    """A Word document whose body holds these WordprocessingML fragments (before its w:sectPr)."""
    document = docx.Document()
    body = document.element.body
    for fragment in fragments:
        wrapper = parse_xml(f'<w:wrap xmlns:w="{W}" xmlns:r="{R}">{fragment}</w:wrap>')
        for element in list(wrapper):
            body.insert(len(body) - 1, element)
    return saved(document)


def with_document_xml(xml: bytes) -> bytes:
    """A Word document whose word/document.xml is `xml` (the other parts intact)."""
    with zipfile.ZipFile(io.BytesIO(saved(docx.Document()))) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["word/document.xml"] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def tc(text: str = "", span: str | None = None, merge: str | None = None) -> str:
    """A w:tc: span "" gives a w:gridSpan without w:val, merge "" a bare w:vMerge (continue)."""
    properties = "" if span is None else "<w:gridSpan/>" if span == "" else f'<w:gridSpan w:val="{span}"/>'
    properties += "" if merge is None else "<w:vMerge/>" if merge == "" else f'<w:vMerge w:val="{merge}"/>'
    return f'<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'


def tr(*cells: str, before: str | None = None) -> str:
    properties = "" if before is None else f'<w:trPr><w:gridBefore w:val="{before}"/></w:trPr>'
    return f"<w:tr>{properties}{''.join(cells)}</w:tr>"


def tbl(*rows: str) -> str:
    return f"<w:tbl><w:tblPr/><w:tblGrid/>{''.join(rows)}</w:tbl>"


def merged_cells() -> bytes:
    document = docx.Document()
    document.add_paragraph("表格前")
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(0, 2)).text = "横向合并"
    table.cell(1, 3).merge(table.cell(3, 3)).text = "纵向合并"
    table.cell(1, 0).merge(table.cell(2, 1)).text = "块"
    document.add_paragraph("表格后")
    return saved(document)


def two_paragraph_cell() -> bytes:
    document = docx.Document()
    cell = document.add_table(rows=1, cols=2).cell(0, 0)
    cell.text = "  第一段 "
    cell.add_paragraph("第二段")
    cell.add_paragraph("")
    cell.add_paragraph("   ")
    return saved(document)


def tabs_and_breaks() -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph("前\t中\n后")
    run = paragraph.add_run("甲")
    run.add_tab()
    run.add_text("乙")
    run.add_break()
    run.add_text("丙")
    run.add_break(WD_BREAK.PAGE)
    run.add_break(WD_BREAK.COLUMN)
    run.add_text("丁")
    document.add_table(rows=1, cols=2).cell(0, 1).text = "\t格\n内\t"
    return saved(document)


def empty_tables() -> bytes:
    document = docx.Document()
    document.add_table(rows=0, cols=3)
    document.add_paragraph("")
    document.add_table(rows=2, cols=2)
    return saved(document)


def nested_table() -> bytes:
    document = docx.Document()
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "外层"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "内层"
    inner.cell(1, 1).text = "内层二"
    outer.cell(0, 1).add_paragraph("表后段落")
    outer.cell(1, 1).text = "末格"
    return saved(document)


RUN_CONTENT = (
    '<w:p><w:r><w:t xml:space="preserve">  两端空格  </w:t><w:cr/><w:t>换行</w:t><w:noBreakHyphen/><w:t>连字</w:t>'
    '<w:ptab w:relativeTo="margin" w:alignment="right" w:leader="none"/><w:t>右</w:t></w:r>'
    '<w:r><w:br w:type="textWrapping"/><w:br w:type="other"/><w:t>  </w:t><w:t/><w:delText>删除</w:delText></w:r>'
    '<w:hyperlink r:id="rId99"><w:r><w:t>链接</w:t></w:r><w:r><w:tab/><w:t>文字</w:t></w:r></w:hyperlink>'
    '<w:ins w:id="1" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>'
    '<w:smartTag w:uri="u" w:element="e"><w:r><w:t>标记</w:t></w:r></w:smartTag>'
    '<w:fldSimple w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple><!-- 注释 --><w:r><w:t>末</w:t><!-- 注释 --></w:r></w:p>'
)
EDGE_CASES: dict[str, Callable[[], bytes]] = {
    "merged cells (python-docx merge)": merged_cells,
    "a cell with two paragraphs": two_paragraph_cell,
    "tabs and line breaks in runs": tabs_and_breaks,
    "empty tables": empty_tables,
    "a nested table in a cell": nested_table,
    "run content, hyperlink, w:ins, comments": lambda: with_body(RUN_CONTENT, tbl(tr(f"<w:tc>{RUN_CONTENT}</w:tc>"))),
    "hyperlink in a cell": lambda: with_body(tbl(tr(tc("甲"), '<w:tc><w:p><w:hyperlink r:id="rId1"><w:r><w:t>链</w:t></w:r></w:hyperlink></w:p></w:tc>'))),
    "body sdt and bookmarks skipped": lambda: with_body(
        '<w:sdt><w:sdtContent><w:p><w:r><w:t>控件</w:t></w:r></w:p></w:sdtContent></w:sdt><w:bookmarkStart w:id="0" w:name="b"/><w:p/>'
    ),
    "vMerge restart / continue": lambda: with_body(
        tbl(
            tr(tc("甲", merge="restart"), tc("乙"), tc("丙", span="2")),
            tr(tc("", merge=""), tc("丁"), tc("戊", span="2", merge="restart")),
            tr(tc("x", merge="continue"), tc("己"), tc("", span="2", merge="")),
            tr(tc("庚"), tc("辛", merge="bogus"), tc("壬"), tc("癸")),
        )
    ),
    "continuation narrower than its first cell": lambda: with_body(
        tbl(tr(tc("宽", span="2", merge="restart"), tc("右")), tr(tc("", merge=""), tc("a"), tc("b")))
    ),
    # python-docx compares a row's cells with the row above's by position in `row.cells`, which
    # counts the first cell's grid columns, not the continuation's own gridSpan: 乙 printed twice.
    "continuation wider than its first cell": lambda: with_body(
        tbl(tr(tc("甲", merge="restart"), tc("右")), tr(tc("", span="2", merge=""), tc("乙", merge="restart")), tr(tc("丙", span="2"), tc("", merge="")))
    ),
    "two continuations of one cell": lambda: with_body(tbl(tr(tc("甲")), tr(tc("", span="0", merge=""), tc("", merge="")))),
    "gridBefore with a vertical merge": lambda: with_body(
        tbl(
            tr(tc("甲"), tc("乙", merge="restart")),
            tr(tc("", merge=""), before="1"),
            tr(tc("丙", span="2")),
            tr(tc("丁", merge="restart"), before="1"),
            tr(tc("", merge=""), tc("戊"), before="1"),
        )
    ),
    "gridSpan 0, negative, spaced, huge": lambda: with_body(
        tbl(tr(tc("零", span="0"), tc("负", span="-1"), tc("空格", span=" 2 "), tc("大", span="100000")), tr(tc("下")))
    ),
    "repeated properties: the first counts": lambda: with_body(
        tbl(
            tr('<w:tc><w:tcPr><w:gridSpan w:val="2"/><w:gridSpan w:val="x"/></w:tcPr><w:tcPr><w:gridSpan w:val="3"/></w:tcPr><w:p/></w:tc>', tc("乙")),
            tr('<w:tc><w:tcPr><w:vMerge w:val="restart"/><w:vMerge/></w:tcPr><w:p><w:r><w:t>丙</w:t></w:r></w:p></w:tc>', tc("丁", span="2")),
            tr(tc("", merge=""), '<w:tc><w:tcPr><w:vMerge w:val="x"/><w:vMerge/></w:tcPr><w:p/></w:tc>', tc("戊")),
        )
    ),
    "rows without cells, cells without paragraphs": lambda: with_body(tbl("<w:tr/>", tr("<w:tc/>", tc("有")), "<w:tr/>")),
}
REFUSED: dict[str, Callable[[], bytes]] = {
    "continuation in the first row": lambda: with_body(tbl(tr(tc("", merge=""), tc("甲")))),
    "continuation under no cell": lambda: with_body(tbl(tr(tc("宽", span="2")), tr(tc("a"), tc("", merge="")))),
    "continuation into the middle of a cell": lambda: with_body(tbl(tr(tc("宽", span="2"), tc("负", span="-1"), tc("丙")), tr(tc("a"), tc("", merge="")))),
    "gridSpan not a number": lambda: with_body(tbl(tr(tc("甲", span="两")))),
    "gridSpan without w:val": lambda: with_body(tbl(tr(tc("甲", span="")))),
    "invalid XML": lambda: with_document_xml(b"<w:document><w:body><w:p>"),
    "truncated XML": lambda: with_document_xml(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>半'.encode()),
    "not a w:document": lambda: with_document_xml(f'<w:body xmlns:w="{W}"><w:p/></w:body>'.encode()),
    "no w:body": lambda: with_document_xml(f'<w:document xmlns:w="{W}"/>'.encode()),
}


# ------------------------------------------------------------------ the same Lines


def _corpus_files() -> list[Any]:
    files = sorted(CORPUS.rglob("*.docx")) if CORPUS.is_dir() else []
    if not files:
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=CORPUS_MISSING))]
    return [pytest.param(path, id=str(path.relative_to(CORPUS))) for path in files]


@pytest.mark.parametrize("path", _corpus_files())
def test_corpus_docx_reads_as_python_docx_read_it(path: Path) -> None:
    lines = assert_same(path.read_bytes())
    assert isinstance(lines, list) and any(line.cells for line in lines)


@pytest.mark.parametrize("rendering", DOCX_RENDERINGS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_reports_read_as_python_docx_read_them(rendering: str, seed: int) -> None:
    template = formats.TEMPLATE_2019 if seed == 3 else formats.TEMPLATE_2021
    lines = assert_same(render(random_report(seed, template=template, year=2020 if seed == 3 else 2023), rendering)[0])
    assert isinstance(lines, list) and sum(1 for line in lines if line.cells) > 30


def test_the_bench_set_reads_as_python_docx_read_it() -> None:
    for spec in list(agency_series(31, agencies=2, years=(2021, 2022, 2023, 2024))):
        assert_same(render(spec, "docx")[0])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), rendering=st.sampled_from(DOCX_RENDERINGS), zero_rate=st.sampled_from((0.0, 0.4, 0.9)))
def test_random_generated_reports_read_as_python_docx_read_them(seed: int, rendering: str, zero_rate: float) -> None:
    assert_same(render(random_report(seed, zero_rate=zero_rate), rendering)[0])


def _record(spec: ReportSpec) -> Record:
    """The record a generated report's tables make (what the ledger hands the writer)."""
    record = Record(Source(f"{spec.year}-{spec.seed}"), spec.template, spec.year, spec.agency, spec.published.isoformat())
    record.requests = {"columns": list(formats.REQUEST_COLUMN_KEYS), "rows": {k: list(v) for k, v in spec.requests.items()}}
    record.review_litigation = {k: dict(v) for k, v in spec.review.items()}
    record.active = {k: dict(v) for k, v in spec.active.items()}
    return record


@pytest.mark.parametrize(("seed", "template", "year"), [(5, formats.TEMPLATE_2021, 2023), (6, formats.TEMPLATE_2019, 2020)])
def test_written_reports_read_as_python_docx_read_them(seed: int, template: str, year: int) -> None:
    spec = random_report(seed, template=template, year=year)
    prose = {number: "\n".join(spec.paragraphs(number)) for number in range(1, 7) if spec.paragraphs(number)}
    assert_same(writer_docx(compose(_record(spec), prose)))


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_cases_read_as_python_docx_read_them(name: str) -> None:
    lines = assert_same(EDGE_CASES[name]())
    assert isinstance(lines, list)


def test_merged_cells_appear_once_in_their_first_row() -> None:
    lines = assert_same(merged_cells())
    assert isinstance(lines, list)
    assert [line.cells for line in lines] == [
        None,
        ("横向合并", "03"),
        ("块", "12", "纵向合并"),
        ("22",),
        ("30", "31", "32"),
        None,
    ]


def test_breaks_tabs_and_hyperlinks_are_text() -> None:
    lines = assert_same(with_body(RUN_CONTENT))
    assert isinstance(lines, list)
    assert lines[0].text == "  两端空格  \n换行-连字\t右\n  链接\t文字末"


@pytest.mark.parametrize("name", list(REFUSED))
def test_what_python_docx_refused_is_refused_in_chinese(name: str) -> None:
    refused = assert_same(REFUSED[name]())
    assert isinstance(refused, str) and refused.startswith("ReadError: Word（DOCX）文档")


def test_invalid_xml_says_the_document_is_damaged() -> None:
    with pytest.raises(ReadError, match=r"^Word（DOCX）文档已损坏，无法读取（XMLSyntaxError）$"):
        read_docx(with_document_xml(b"<w:document><w:body><w:p>"), "bad.docx", "")


def test_a_password_protected_package_is_refused_in_chinese() -> None:
    """zipfile raises RuntimeError for an encrypted member (python-docx let it out as a traceback)."""
    data = bytearray(saved(docx.Document()))
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central headers
        at = data.find(signature)
        while at >= 0:
            data[at + flags] |= 1
            at = data.find(signature, at + 4)
    with pytest.raises(ReadError, match="加密"):
        read_docx(bytes(data), "locked.docx", "")


# Random tables: spans valid or not, merges of every kind, rows starting late; mostly readable
# ones (a first row of merge origins to continue), some python-docx refused.
_cells = st.lists(
    st.tuples(
        st.sampled_from(("甲", " 乙 ", "", "丙\t丁")),
        st.sampled_from((*[None] * 8, "1", "2", "2", "3", "0", "-1", "x", "")),
        st.sampled_from((*[None] * 6, "", "", "", "restart", "restart", "continue", "other")),
    ),
    max_size=5,
)
_rows = st.lists(st.tuples(_cells, st.sampled_from((*[None] * 6, "0", "1", "2", "z"))), max_size=6)
_FIRST_ROW = tr(tc("首", merge="restart"), tc("次", span="2", merge="restart"), tc("末", merge="restart"))


@settings(max_examples=300, deadline=None)
@given(rows=_rows)
def test_random_tables_read_as_python_docx_read_them(rows: list[tuple[list[tuple[str, str | None, str | None]], str | None]]) -> None:
    table = tbl(_FIRST_ROW, *(tr(*(tc(text, span, merge) for text, span, merge in cells), before=before) for cells, before in rows))
    assert_same(with_body("<w:p><w:r><w:t>前</w:t></w:r></w:p>", table, table))
