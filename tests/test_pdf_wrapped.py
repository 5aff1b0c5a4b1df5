"""Ruled PDF tables whose long labels wrap inside their cells (issue 8).

The official blank template (国办公开办函〔2021〕30号, corpus/real/template_official_blank.docx)
is filled with a generated report's numbers and printed to PDF by LibreOffice. Its table 三
wraps （二）部分公开… and the （六）其他处理 labels over two or three lines, with the numbers
beside the middle line and 总计 beside the first: read by visual lines, a row slid one column
and another was lost. Read by the ruled cells, every label is one cell of its row. Needs
LibreOffice (`soffice`); nothing binary is committed, the PDFs are made here.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

import gongkai
from gongkai import formats
from gongkai.read import Line, load
from gongkai.read.pdf import _grids, _Rule
from synth.generate import ReportSpec, expected_cells, format_number, random_report

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

SEEDS = (80_001, 80_002, 80_003)
# Paragraphs added before table 三: none keeps the template's own page break (after （七）总计);
# PUSH moves the break into the middle of the results group, so merged labels continue on the
# next page as empty cells.
PUSH = 14
ARITHMETIC = frozenset({"row_total", "results_total", "balance", "review_total"})
WRAPPED = (
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "5.要求行政机关确认或重新出具已获取信息",
)


def _set(cell, text: str) -> None:  # type: ignore[no-untyped-def]
    """Write a value into a template cell, keeping its paragraph's formatting."""
    paragraph = cell.paragraphs[0]
    if paragraph.runs:
        paragraph.runs[0].text = text
        for run in paragraph.runs[1:]:
            run.text = ""
    else:
        paragraph.add_run(text)


def _no_borders(document) -> None:  # type: ignore[no-untyped-def]
    """Every table without ruling lines: the text-only layout the reader must still read."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import parse_xml

    nil = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    for table in document.tables:
        for borders in table._tbl.iter(qn("w:tblBorders"), qn("w:tcBorders")):
            borders.getparent().remove(borders)
        table._tbl.tblPr.append(parse_xml(f'<w:tblBorders xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{nil}</w:tblBorders>'))


def filled_template(template: Path, spec: ReportSpec, *, push: int = 0, borders: bool = True) -> bytes:
    """The official blank template with the spec's numbers in tables 二, 三 and 四."""
    import docx

    document = docx.Document(str(template))
    active, requests, review = document.tables
    by_label = {row.label: row for row in spec.active_rows()}
    for row in active.rows:
        cells = row.cells
        unique = [c for i, c in enumerate(cells) if all(c._tc is not d._tc for d in cells[:i])]  # a merged cell once
        active_row = by_label.get(unique[0].text.strip())
        if active_row is not None:
            for cell, column in zip(unique[1:], active_row.fields):
                _set(cell, format_number(spec.active[active_row.key][column.key]))
    for row, request_row in zip(list(requests.rows)[3:], spec.request_rows(), strict=True):
        for cell, value in zip(row.cells[3:], spec.requests[request_row.key], strict=True):
            _set(cell, format_number(value))
    values = [spec.review[block.key][column.key] for block in formats.REVIEW_BLOCKS for column in formats.REVIEW_FIELDS]
    for cell, value in zip(review.rows[3].cells, values, strict=True):
        _set(cell, format_number(value))
    heading = next(p for p in document.paragraphs if p.text.startswith("三、"))
    for _ in range(push):
        heading.insert_paragraph_before("（文字描述）")
    if not borders:
        _no_borders(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def pdfs(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ReportSpec, Path]]:
    """Filled templates as PDFs made by LibreOffice (one soffice call), by name."""
    template = corpus / "real" / "template_official_blank.docx"
    if not template.is_file():
        pytest.skip(f"{template.name} is not in the corpus")
    folder = tmp_path_factory.mktemp("wrapped")
    made: dict[str, tuple[ReportSpec, dict[str, object]]] = {}
    for seed in SEEDS:
        made[f"filled-{seed}"] = (random_report(seed), {})
    made["pushed"] = (random_report(SEEDS[0]), {"push": PUSH})
    made["borderless"] = (random_report(SEEDS[1]), {"borders": False})
    for name, (spec, options) in made.items():
        (folder / f"{name}.docx").write_bytes(filled_template(template, spec, **options))  # type: ignore[arg-type]
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *(str(folder / f"{name}.docx") for name in made)],
        capture_output=True, timeout=180, check=True,
    )
    return {name: (spec, folder / f"{name}.pdf") for name, (spec, _) in made.items()}


def _row(lines: list[Line], label: str) -> Line:
    found = [line for line in lines if line.cells is not None and label in line.cells]
    assert len(found) == 1, (label, [line.text for line in lines if label[:6] in line.text])
    return found[0]


@pytest.mark.parametrize("name", [f"filled-{seed}" for seed in SEEDS] + ["pushed"])
def test_wrapped_labels_are_one_cell_of_their_row(pdfs: dict[str, tuple[ReportSpec, Path]], name: str) -> None:
    """What the reader emits: each wrapped label whole, in one row with its seven numbers."""
    spec, pdf = pdfs[name]
    lines = load(pdf).lines
    keys = {row.label: row.key for row in spec.request_rows()}
    for label in WRAPPED:
        line = _row(lines, label)
        assert line.cells is not None and line.boxes is not None
        assert list(line.cells[-7:]) == [str(v) for v in spec.requests[keys[label]]], line.cells
        assert len(line.boxes) == len(line.cells)
        for x0, top, x1, bottom in line.boxes:
            assert 0 <= x0 < x1 <= 596 and 0 <= top < bottom <= 842
        assert line.page is not None
    # every numeric row of table 三 is one line whose last seven cells are its numbers
    for row in spec.request_rows():
        line = _row(lines, row.label)
        assert line.cells is not None
        assert list(line.cells[-7:]) == [str(v) for v in spec.requests[row.key]], (row.label, line.cells)


@pytest.mark.parametrize("name", [f"filled-{seed}" for seed in SEEDS] + ["pushed"])
def test_filled_template_pdf_reads_exactly(pdfs: dict[str, tuple[ReportSpec, Path]], name: str) -> None:
    spec, pdf = pdfs[name]
    record = gongkai.check(pdf)
    read = record.cell_values()
    wrong = {path: (value, read.get(path)) for path, value in expected_cells(spec).items() if read.get(path) != value}
    assert not wrong, wrong
    assert not [f for f in record.findings if f.rule in ARITHMETIC], [f.message for f in record.findings if f.rule in ARITHMETIC]


def test_pushed_table_continues_on_the_next_page(pdfs: dict[str, tuple[ReportSpec, Path]]) -> None:
    """The page break falls inside the results group: its rows sit on two pages."""
    spec, pdf = pdfs["pushed"]
    lines = load(pdf).lines
    rows = [_row(lines, row.label) for row in spec.request_rows()]
    pages = sorted({line.page or 0 for line in rows})
    assert len(pages) == 2, pages
    index, first_on_next = next((i, line) for i, line in enumerate(rows) if line.page == pages[1])
    group = spec.request_rows()[index].group
    assert group is not None and group.startswith("（"), f"the page break no longer falls inside a group of table 三 ({group}): adjust PUSH"
    # the merged labels continue on the new page as empty cells: not emitted as blanks
    assert first_on_next.cells is not None and first_on_next.cells[0].strip(), first_on_next.cells


def test_tables_without_rulings_are_read_as_text(pdfs: dict[str, tuple[ReportSpec, Path]]) -> None:
    """No ruling lines, no cell grid: the reader keeps its visual lines cut at gaps."""
    _, pdf = pdfs["borderless"]
    lines = load(pdf).lines
    assert all(line.cells is None for line in lines)
    assert any("\t" in line.text for line in lines)


# ------------------------------------------------------------------ the grid from rulings


def _frame(xs: list[float], ys: list[float]) -> list[_Rule]:
    """A full grid of rulings over the given borders (PDF y: top first)."""
    return [_Rule(False, y, xs[0], xs[-1]) for y in ys] + [_Rule(True, x, ys[-1], ys[0]) for x in xs]


def test_grid_merges_cells_no_ruling_separates() -> None:
    rules = _frame([0, 100, 200], [300, 280, 260, 240])
    # the left column's border between its first two rows is missing: one merged cell
    rules = [r for r in rules if not (not r.vertical and r.at == 280)] + [_Rule(False, 280, 100, 200)]
    (grid,) = _grids(rules)
    assert grid.cells[grid.owner[(0, 0)]] == (0, 0, 2, 1)
    assert grid.owner[(0, 0)] == grid.owner[(1, 0)] != grid.owner[(2, 0)]


def test_a_framed_paragraph_is_not_a_table() -> None:
    assert _grids(_frame([0, 400], [700, 600])) == []


def test_a_merge_that_is_not_a_rectangle_gives_no_grid() -> None:
    rules = _frame([0, 100, 200], [300, 280, 260])
    # drop the vertical between the columns in the top row and the horizontal under the right top cell:
    # the cells (0,0), (0,1), (1,1) join into an L
    rules = [r for r in rules if not (r.vertical and r.at == 100)] + [_Rule(True, 100, 260, 280)]
    rules = [r for r in rules if not (not r.vertical and r.at == 280)] + [_Rule(False, 280, 0, 100)]
    assert _grids(rules) == []


def test_double_borders_are_one_border() -> None:
    rules = _frame([0, 100, 200], [300, 280, 260]) + [_Rule(True, 101.5, 260, 300), _Rule(False, 281, 0, 200)]
    (grid,) = _grids(rules)
    assert len(grid.xs) == 3 and len(grid.ys) == 3


@pytest.mark.parametrize("name", [f"filled-{seed}" for seed in SEEDS] + ["pushed", "borderless"])
def test_filled_template_reads_exactly_through_pdftotext_layout(pdfs: dict[str, tuple[ReportSpec, Path]], name: str) -> None:
    """The same PDFs as `pdftotext -layout` prints them: a wrapped label's 总计 one line above
    the row's other values; the columns put each value in its cell."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    spec, pdf = pdfs[name]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    record = gongkai.check_text(text)
    read = record.cell_values()
    wrong = {path: (value, read.get(path)) for path, value in expected_cells(spec).items() if read.get(path) != value}
    assert not wrong, wrong
    assert not [f for f in record.findings if f.rule in ARITHMETIC]


def test_borderless_template_pdf_reads_exactly(pdfs: dict[str, tuple[ReportSpec, Path]]) -> None:
    """Without rulings the PDF's visual lines carry each value's place across the page: the
    wrapped rows' 总计 goes to its column, not first."""
    spec, pdf = pdfs["borderless"]
    read = gongkai.check(pdf).cell_values()
    wrong = {path: (value, read.get(path)) for path, value in expected_cells(spec).items() if read.get(path) != value}
    assert not wrong, wrong
