"""A report's content in the official structure, before any file format: the `Composition`.

Title, the paragraph on what the report follows and its period, the six sections (一、总体情况 …
六、其他需要报告的事项) with the generated figure sentences, the clerk's prose kept as given,
the three tables as `layout` grids in sections 二, 三 and 四, the signature and the date. The
DOCX and HTML writers draw exactly these blocks; `Composition.lines` is what gongkai's readers
make of the written file (a table row per line, a merged cell once at its origin), which
`examine` reads and checks with the parser and rules of `gongkai check`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .. import formats, layout
from ..check import get_rule, run_rules
from ..check.rules import is_government_own_report, late_publication, legal_deadline
from ..model import Finding, Record
from ..parse import parse
from ..read import Document, Line
from ..safe import xlsx_clean
from . import narrative

NUMERALS = "一二三四五六"
# The section each table is printed in: table 二 in section 二 (whose title it shares), …
TABLE_SECTIONS = {table.number: NUMERALS.index(table.number) + 1 for table in formats.TABLES}

ParagraphKind = Literal["title", "intro", "heading", "text", "prose", "placeholder", "signature", "date"]


class CompositionError(ValueError):
    """A record that cannot be written as a report (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the report: its role (drawn in the role's style) and its text.

    `text` is generated, `prose` the clerk's own (kept as given), `placeholder` what stands
    where a section's prose is still to be written."""

    kind: ParagraphKind
    text: str
    section: int | None = None


@dataclass(frozen=True)
class TableBlock:
    """One of the three tables, as the official layout draws it."""

    grid: layout.Grid
    section: int


Block = Paragraph | TableBlock


@dataclass(frozen=True)
class Composition:
    """Everything the written report says, in order, and what the writer had to say about it."""

    record: Record
    year: int
    agency: str
    template: str
    published: date
    government_level: bool  # a 县级以上人民政府's own report (due 31 March)
    blocks: tuple[Block, ...]
    notices: tuple[str, ...]  # things filled in or dropped, in Chinese

    @property
    def title(self) -> str:
        return report_title(self.agency, self.year)

    @property
    def deadline(self) -> date:
        return legal_deadline(self.year, self.government_level)

    def lines(self) -> list[Line]:
        """The report as gongkai's DOCX and HTML readers see the written file: a line per
        paragraph, a line per table row whose cells are the cells that start in that row."""
        lines: list[Line] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(Line(len(lines) + 1, block.text))
                continue
            for r in range(block.grid.rows):
                cells = tuple(printed_text(cell) for cell in block.grid.cells if cell.row == r)
                lines.append(Line(len(lines) + 1, "\t".join(cells), None, cells))
        return lines

    def heading_lines(self) -> dict[int, int]:
        """Section number → the line of its heading (as numbered by `lines`)."""
        out: dict[int, int] = {}
        number = 0
        for block in self.blocks:
            number += 1 if isinstance(block, Paragraph) else block.grid.rows
            if isinstance(block, Paragraph) and block.kind == "heading" and block.section is not None:
                out[block.section] = number
        return out


NULL_MARK = "—"

TEXT_WIDTH = 8844  # twentieths of a point: A4 less the margins of GB/T 9704 (210 − 28 − 26 mm)
# Column widths (twips) of each table within the text width: table 三's label columns wide
# enough for its longest labels on two or three lines, its seven numbers alike; table 四's
# fifteen alike; table 二's four alike. The HTML page uses the same proportions.
_COLUMN_WIDTHS: dict[str, tuple[int, ...]] = {
    "二": (2211,) * 4,
    "三": (700, 920, 2600) + (660,) * 7,
    "四": (589,) * 14 + (598,),
}


def column_widths(grid: layout.Grid) -> list[int]:
    """The widths (twips) of a grid's columns as the writers draw them."""
    widths = _COLUMN_WIDTHS.get(grid.table.number)
    return list(widths) if widths is not None and len(widths) == grid.cols else [TEXT_WIDTH // grid.cols] * grid.cols


def printed_text(cell: layout.Cell) -> str:
    """What a table cell prints: a value's figure, 「—」 for a value that is null (not zero,
    and not a cell left empty by mistake: the reader takes it as blank, a `blank_cell`
    warning), a label as the layout gives it."""
    if cell.is_value and cell.value is None:
        return NULL_MARK
    return cell.text


def report_title(agency: str, year: int) -> str:
    """「<机关><年>年政府信息公开工作年度报告」, as the national format names the report."""
    return f"{agency}{year}年政府信息公开工作年度报告"


def heading(section: formats.Section) -> str:
    return f"{NUMERALS[section.number - 1]}、{section.title}"


def chinese_date(day: date) -> str:
    """「2024年1月20日」 (成文日期 in Arabic numerals, GB/T 9704-2012)."""
    return f"{day.year}年{day.month}月{day.day}日"


def prose_paragraphs(text: str) -> list[str]:
    """The clerk's text as paragraphs: one per non-empty line, each kept as written except for
    the whitespace around it (indentation is the writer's layout) and characters no document
    can hold (XML's forbidden control characters)."""
    return [line.strip() for line in clean_text(text).splitlines() if line.strip()]


def clean_text(text: str) -> str:
    """Text without the characters a DOCX (XML) cannot hold: C0 controls but tab and line breaks."""
    return xlsx_clean(text)


def _placeholder(section: int, template: str, government: bool) -> str:
    """What stands in section 五 or 六 when the clerk wrote nothing for it: what the section must
    report (条例第五十条, the format), visible in the document so that an unfinished report is
    not published as if it were finished (`notices` says so too)."""
    items = []
    if section == 5:
        items.append("本年度政府信息公开工作存在的主要问题及改进情况")
        if template == formats.TEMPLATE_2021:
            items.append("上一年度报告所列问题的整改情况")
        if government:
            items.append("工作考核、社会评议和责任追究结果情况")  # 条例第五十条第（四）项
        return f"（待填写：{'，'.join(items)}。）"
    if template == formats.TEMPLATE_2021:
        items.append("依据《政府信息公开信息处理费管理办法》收取信息处理费的情况")
        if government:
            items += ["落实上级年度政务公开工作要点情况", "人大代表建议和政协提案办理结果公开情况", "年度政务公开工作创新情况"]
    items.append("其他需要报告的事项")
    return f"（待填写：{'，'.join(items)}。）"


# What the national format asks some sections to cover (format.md R22–R25), and the words that
# show a section's prose does: a notice, not a finding, when the words are absent.
_CONTENT_ASKED: tuple[tuple[tuple[int, ...], str, tuple[str, ...], bool, bool], ...] = (
    # (sections, what, words, governments only, 2021 format only)
    ((1, 5), "工作考核、社会评议和责任追究结果情况（《条例》第五十条第（四）项）", ("考核", "社会评议", "责任追究"), True, False),
    ((5,), "上一年度报告所列问题的整改情况", ("整改",), False, True),
    ((6,), "信息处理费收取情况", ("信息处理费",), False, True),
    ((6,), "落实上级年度政务公开工作要点情况", ("工作要点",), True, True),
    ((6,), "人大代表建议和政协提案办理结果公开情况", ("建议", "提案"), True, True),
)


def _content_notices(prose: Mapping[int, list[str]], template: str, government: bool) -> list[str]:
    notices = []
    for sections, what, words, governments_only, only_2021 in _CONTENT_ASKED:
        if (governments_only and not government) or (only_2021 and template != formats.TEMPLATE_2021):
            continue
        if not any(section in prose for section in sections):
            continue  # the placeholder names it already
        text = "".join("".join(prose.get(s, [])) for s in sections)
        if not any(word in text for word in words):
            where = "或".join(f"第{NUMERALS[s - 1]}部分" for s in sections)
            notices.append(f"{where}的正文没有提到{what}，年度报告格式要求报告此项。")
    return notices


def _validate(record: Record) -> tuple[int, str, str]:
    if record.template not in formats.NUMERIC_TEMPLATES:
        raise CompositionError(f"记录的格式为“{record.template}”：只能按2021年版或2019年版格式写出年度报告。")
    if record.year is None:
        raise CompositionError("记录没有年度，无法写出年度报告（标题和统计期限都需要年度）。")
    agency = clean_text(record.agency or "").strip()
    if not agency:
        raise CompositionError("记录没有机关名称，无法写出年度报告（标题和落款都需要机关名称）。")
    if re.search(r"[\n\r\t]", agency):
        raise CompositionError("机关名称中有换行或制表符，请改为一行文字。")
    return record.year, agency, record.template


def compose(
    record: Record,
    prose: Mapping[int, str] | None = None,
    published: date | None = None,
    government_level: bool | None = None,
) -> Composition:
    """The report for `record` in the official structure of its template.

    `prose`: the clerk's text per section number (1–6), kept as given after the generated
    sentences of that section (and, in 二–四, before the table). `published`: the date under
    the signature (default: the record's, else today). `government_level`: whether this is a
    县级以上人民政府's own report, due 31 March instead of 31 January (None: decided from the
    agency's name, as `gongkai check` decides it).
    """
    year, agency, template = _validate(record)
    given = dict(prose or {})
    unknown = sorted(k for k in given if k not in range(1, 7))
    if unknown:
        raise CompositionError(f"正文只能对应第1至第6部分，不认识的部分编号：{unknown}。")
    paragraphs = {number: prose_paragraphs(text) for number, text in given.items()}
    paragraphs = {number: texts for number, texts in paragraphs.items() if texts}
    notices: list[str] = []
    if any(clean_text(text) != text for text in given.values()) or clean_text(record.agency or "") != (record.agency or ""):
        notices.append("正文或机关名称中有Word文档无法保存的控制字符，已删去。")
    when = published or (date.fromisoformat(record.published) if record.published else date.today())
    government = is_government_own_report(agency) if government_level is None else government_level

    grids = {TABLE_SECTIONS[grid.table.number]: grid for grid in layout.record_tables(record)}
    blocks: list[Block] = [Paragraph("title", report_title(agency, year)), Paragraph("intro", narrative.introduction(record, year))]
    for section in formats.SECTIONS:
        number = section.number
        blocks.append(Paragraph("heading", heading(section), number))
        generated = narrative.overview(record) if number == 1 else [narrative.TABLE_LEADS[number]] if number in grids else []
        blocks += [Paragraph("text", text, number) for text in generated]
        blocks += [Paragraph("prose", text, number) for text in paragraphs.get(number, [])]
        if number in (5, 6) and number not in paragraphs:
            blocks.append(Paragraph("placeholder", _placeholder(number, template, government), number))
        if number in grids:
            blocks.append(TableBlock(grids[number], number))
    blocks += [Paragraph("signature", agency), Paragraph("date", chinese_date(when))]

    missing = [n for n in (5, 6) if n not in paragraphs]
    if missing:
        names = "、".join(f"第{NUMERALS[n - 1]}部分" for n in missing)
        notices.append(f"{names}没有提供正文，文中写有“待填写”提示，发布前请补充。")
    notices += _content_notices(paragraphs, template, government)
    return Composition(record, year, agency, template, when, government, tuple(blocks), tuple(notices))


# ---------------------------------------------------------------- reading it as gongkai check does


@dataclass(frozen=True)
class Examination:
    """What `gongkai check` says of the written report, and where its reading differs from the record."""

    findings: tuple[Finding, ...]
    misread: tuple[str, ...]  # Chinese sentences: cells or headings read differently from what was written
    read: Record


def examine(composition: Composition, path: str = "<written report>", previous: Record | None = None) -> Examination:
    """Read the composed report with gongkai's parser and run every rule on it: the
    single-report ones, and the cross-year ones against `previous` (the agency's report of the
    year before, as `gongkai check --db` finds it) when given.

    The findings are those `gongkai check` gives the written file (a prose figure that
    contradicts a table is `narrative_mismatch`), except `published_late`, decided here with
    the writer's `government_level` (the checker guesses it from the agency's name).
    """
    document = Document(path, "", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", composition.lines())
    read = run_rules(parse(document), previous)
    findings = [f for f in read.findings if f.rule != "published_late"]
    late = late_publication(composition.year, composition.published, composition.government_level)
    if late is not None:
        findings.append(get_rule("published_late").finding(late))
    return Examination(tuple(findings), tuple(_misread(composition, read)), read)


def _misread(composition: Composition, read: Record) -> list[str]:
    """Where reading the report back would not give what was written (a clerk's paragraph
    that looks like a section heading or a table's first row, …)."""
    out: list[str] = []
    written = composition.heading_lines()
    for number, line in written.items():
        if read.notes.section_lines.get(number) != line:
            found = read.notes.section_lines.get(number)
            where = f"第{found}行" if found is not None else "找不到"
            out.append(f"第{NUMERALS[number - 1]}部分的标题写在第{line}行，读回时为{where}：可能有一段正文像是章节标题，请修改该段。")
    expected = layout.record_tables(composition.record).by_path()
    values = read.cell_values()
    wrong = [str(path) for path, cell in expected.items() if values.get(str(path)) != cell.value]
    if wrong:
        shown = "、".join(wrong[:5]) + ("等" if len(wrong) > 5 else "")
        out.append(f"表格中有{len(wrong)}个数值读回时与记录不一致（{shown}）：可能有一段正文被当作表格读取，请检查第二至第四部分的正文。")
    for name, want, got in (
        ("机关名称", composition.agency, read.agency),
        ("年度", composition.year, read.year),
        ("落款日期", composition.published.isoformat(), read.published),
    ):
        if got != want:
            out.append(f"报告的{name}读回为“{got}”，写的是“{want}”。")
    return out
