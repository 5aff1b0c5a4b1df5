"""The report as a Word document (python-docx): A4, the fonts of official documents, real
Word tables whose merged cells are those of the official layout.

Tables are written as WordprocessingML rows directly (w:gridSpan for a cell spanning columns,
w:vMerge restart/continue for one spanning rows: what python-docx's `merge()` makes, without
its cost per merge), text set on elements so that it is escaped by the XML library.
"""

from __future__ import annotations

import io

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

from .. import layout
from .compose import Composition, ParagraphKind, TableBlock, column_widths, printed_text

# GB/T 9704-2012 (党政机关公文格式): A4, margins 37/35/28/26 mm, body 3号仿宋 (16 pt) on a
# 28 pt line, headings 3号黑体, the title 2号小标宋 (22 pt). Fonts a machine lacks are
# substituted by Word/WPS/LibreOffice with its own Chinese fonts.
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)
TABLE_SIZE = Pt(9)

STYLE_NAMES: dict[ParagraphKind, str] = {
    "title": "Report Title",
    "intro": "Normal",
    "heading": "Section Heading",
    "text": "Normal",
    "prose": "Normal",
    "placeholder": "Placeholder",
    "signature": "Signature",
    "date": "Signature",
}
TABLE_STYLE = "Table Text"


def _fonts(style: ParagraphStyle, east_asian: str, size: Pt, latin: str = LATIN_FONT) -> None:
    style.font.name = latin
    style.font.size = size
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _paragraph_style(document: WordDocument, name: str, east_asian: str, size: Pt) -> ParagraphStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    _fonts(style, east_asian, size)
    return style


def _styles(document: WordDocument) -> None:
    normal = document.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _fonts(normal, BODY_FONT, BODY_SIZE)
    body = normal.paragraph_format
    body.first_line_indent = Pt(32)  # two characters
    body.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    body.line_spacing = Pt(28)
    body.space_before = body.space_after = Pt(0)
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = _paragraph_style(document, STYLE_NAMES["title"], TITLE_FONT, Pt(22))
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(28)

    heading = _paragraph_style(document, STYLE_NAMES["heading"], HEADING_FONT, BODY_SIZE)
    heading.paragraph_format.keep_with_next = True
    # Outline level 1: the sections appear in Word's navigation pane and a table of contents.
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    heading.element.get_or_add_pPr().append(outline)

    placeholder = _paragraph_style(document, STYLE_NAMES["placeholder"], BODY_FONT, BODY_SIZE)
    placeholder.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)  # to be replaced before publication

    signature = _paragraph_style(document, STYLE_NAMES["signature"], BODY_FONT, BODY_SIZE)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.first_line_indent = Pt(0)
    signature.paragraph_format.right_indent = Pt(64)

    table = _paragraph_style(document, TABLE_STYLE, TABLE_FONT, TABLE_SIZE)
    table.paragraph_format.first_line_indent = Pt(0)
    table.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(document: WordDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # Page number 「— 1 —」 centred in the footer (a PAGE field).
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.add_run("— ")
    run = footer.add_run()._r
    run.append(_element("w:fldChar", fldCharType="begin"))
    instruction = _element("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run.append(instruction)
    run.append(_element("w:fldChar", fldCharType="separate"))
    shown = _element("w:t")
    shown.text = "1"  # what a reader shows before fields are updated
    run.append(shown)
    run.append(_element("w:fldChar", fldCharType="end"))
    footer.add_run(" —")


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _cell_paragraph(text: str, align: str) -> BaseOxmlElement:
    paragraph = _element("w:p")
    properties = _element("w:pPr")
    properties.append(_element("w:pStyle", val=TABLE_STYLE.replace(" ", "")))
    properties.append(_element("w:jc", val=align))
    paragraph.append(properties)
    if text:
        run = _element("w:r")
        shown = _element("w:t")
        shown.set(qn("xml:space"), "preserve")
        shown.text = text
        run.append(shown)
        paragraph.append(run)
    return paragraph


def _table(document: WordDocument, grid: layout.Grid) -> None:
    """A Word table drawing the grid: each cell at its origin with its spans, a vertical merge
    continued by empty cells below its origin (what Word itself writes)."""
    table = document.add_table(rows=0, cols=grid.cols)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = column_widths(grid)
    for column, width in zip(table._tbl.tblGrid.iter(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(width))
    cover = grid.cover_map()
    for r in range(grid.rows):
        row = _element("w:tr")
        row_properties = _element("w:trPr")
        row_properties.append(_element("w:cantSplit"))  # a row is never cut across pages
        row.append(row_properties)
        c = 0
        while c < grid.cols:
            cell = cover[(r, c)]
            properties = _element("w:tcPr")
            properties.append(_element("w:tcW", w=str(sum(widths[c : c + cell.colspan])), type="dxa"))
            if cell.colspan > 1:
                properties.append(_element("w:gridSpan", val=str(cell.colspan)))
            if cell.rowspan > 1:
                properties.append(_element("w:vMerge", val="restart") if r == cell.row else _element("w:vMerge"))
            properties.append(_element("w:vAlign", val="center"))
            element = _element("w:tc")
            element.append(properties)
            text = printed_text(cell) if r == cell.row else ""
            element.append(_cell_paragraph(text, "left" if cell.kind == "label" else "center"))
            row.append(element)
            c += cell.colspan
        table._tbl.append(row)


def to_docx(composition: Composition) -> bytes:
    """The composed report as DOCX bytes."""
    document = docx.Document()
    _styles(document)
    _page(document)
    properties = document.core_properties
    properties.title = composition.title
    properties.author = composition.agency
    properties.last_modified_by = composition.agency
    properties.comments = "由 gongkai 按《政府信息公开工作年度报告格式》生成"
    blocks = composition.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, TableBlock):
            _table(document, block.grid)
            continue
        paragraph = document.add_paragraph(block.text)
        style = STYLE_NAMES[block.kind]
        if style != "Normal":
            # The style's id set directly: python-docx's lookup by name scans every style each time.
            paragraph._p.style = style.replace(" ", "")
        if index + 1 < len(blocks) and isinstance(blocks[index + 1], TableBlock):
            paragraph.paragraph_format.keep_with_next = True  # 「…如下表。」 on the table's page
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
