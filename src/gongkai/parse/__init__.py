"""From a Document (text lines) to a Record: sections, metadata, the three tables, the narrative."""

from __future__ import annotations

import re
from collections.abc import Callable

from .. import formats
from ..model import (
    CellNote,
    Provenance,
    Record,
    Source,
    Statement,
    Value,
    empty_active,
    empty_requests,
    empty_review,
)
from ..read import Document, Line
from .meta import Heading, find_sections, read_meta
from .narrative import Prose, build_prose, extract_listed_totals, extract_statements
from .resolve import Cell
from .segment import segment
from .tables import read_active, read_requests, read_review
from .tokens import Token, is_prose, page_footers, tokenize

_T3_START = ("勾稽", formats.APPLICANTS_HEADER, "本年新收", "自然人")
_T2_START = ("第二十条", formats.CONTENT_HEADER, "本年制发件数", "本年新制作数量")
# Words of table 四's header that a sentence about 行政复议 would not contain.
_T4_START = ("结果维持", "结果纠正", "尚未审结", "未经复议", "复议后起诉")
_CJK = re.compile(r"[\u3400-\u9fff]")

__all__ = ["parse"]


def _first(lines: list[Line], start: int, end: int, anchors: tuple[str, ...], *, skip_prose: bool = True) -> int | None:
    for index in range(start, min(end, len(lines))):
        text = lines[index].text
        if skip_prose and is_prose(text):
            continue
        folded = formats.normalize_label(text)
        if any(a in folded for a in anchors):
            return index
    return None


def _regions(lines: list[Line], headings: list[Heading]) -> dict[str, tuple[int, int] | None]:
    """Line ranges [start, end) of tables 二, 三, 四: inside their sections, at their anchors."""
    at = {h.number: h.line_index for h in headings}
    after = {h.number: (headings[i + 1].line_index if i + 1 < len(headings) else len(lines)) for i, h in enumerate(headings)}
    total = len(lines)

    t3_start = _first(lines, at.get(3, at.get(2, 0)), after.get(3, total), _T3_START)
    if t3_start is None and 3 not in at:
        t3_start = _first(lines, 0, total, _T3_START)
    t4_from = at[4] + 1 if 4 in at else (t3_start + 1 if t3_start is not None else 0)
    t4_start = _first(lines, t4_from, after.get(4, total) if 4 in at else total, _T4_START)
    if t4_start is None and 4 in at:
        t4_start = t4_from
    t3_end = at.get(4, t4_start if t4_start is not None else after.get(3, total))

    t2_from = at[2] + 1 if 2 in at else 0
    t2_start = _first(lines, t2_from, at.get(3, t3_start if t3_start is not None else total), _T2_START)
    t2_end = at.get(3, t3_start if t3_start is not None else after.get(2, total))

    t4_end = at.get(5, after.get(4, total))
    if 4 not in at and t4_start is not None:
        t4_end = min(total, t4_start + 60) if 5 not in at else at[5]
    return {
        "二": (t2_start, t2_end) if t2_start is not None else None,
        "三": (t3_start, t3_end) if t3_start is not None else None,
        "四": (t4_start, t4_end) if t4_start is not None else None,
    }


def _cut_after_last_row(tokens: list[Token]) -> list[Token]:
    """Drop what follows table 三's last row (notes, stray text) so it cannot add values."""
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if not token.is_value and "结转下年度" in formats.normalize_label(token.text):
            seen_value = False
            for end in range(index + 1, len(tokens)):
                if tokens[end].is_value:
                    seen_value = True
                elif seen_value:
                    return tokens[:end]
            return tokens
    return tokens


# Words of table 二's headers and rows, variants included ("本年发文件数", "本年(2023)制发件数",
# "本年增减"), searched in the tables themselves: the narrative may use any of them.
_HEADER_CORES = {
    formats.TEMPLATE_2021: re.compile(r"制发|发文件数|废止|现行有效|收费金额"),
    formats.TEMPLATE_2019: re.compile(r"新制作|新公开|对外公开总|其他对外管理服务事项|政府集中采购|上一年项目数量|增/?减"),
}


def _detect_template(document: Callable[[], str], year: int | None, tables: str = "") -> str:
    """The format the tables are printed in, from their own words (`tables`: their folded text).

    Without the tables' text (no table found), the whole document's (`document()`, folded only
    when needed: it is the costliest text to fold) is used.
    """
    scope = tables or document()
    hits = {name: sum(1 for m in markers if m in scope) for name, markers in formats.TEMPLATE_MARKERS.items()}
    if tables:
        for name, cores in _HEADER_CORES.items():
            hits[name] = max(hits[name], len(set(cores.findall(tables))))
    if hits[formats.TEMPLATE_2021] >= 2 and hits[formats.TEMPLATE_2021] > hits[formats.TEMPLATE_2019]:
        return formats.TEMPLATE_2021
    if hits[formats.TEMPLATE_2019] >= 2:
        return formats.TEMPLATE_2019
    has_table3 = "本年新收" in scope and "结转下年度" in scope
    # The pre-2019 tables have none of the anchors that delimit the tables' text: the whole document.
    if any(m in document() for m in formats.TEMPLATE_MARKERS[formats.TEMPLATE_PRE2019]) and not has_table3:
        return formats.TEMPLATE_PRE2019
    if year is not None and year <= 2018 and not has_table3:
        return formats.TEMPLATE_PRE2019
    if has_table3:
        if any(m in scope for m in ("逾期不补正", "逾期未按收费")):
            return formats.TEMPLATE_2021
        return formats.TEMPLATE_2019 if "其他处理" in scope else formats.TEMPLATE_UNKNOWN
    return formats.TEMPLATE_UNKNOWN


def _store_cell(record: Record, path: str, cell: Cell) -> None:
    if cell.token is not None:
        token = cell.token
        record.provenance[path] = Provenance(
            token.text, token.line, token.page, derived=cell.status == "derived", column=token.column, box=token.box, confidence=token.confidence
        )
    if cell.status != "printed":
        record.notes.cells[path] = CellNote(cell.status, cell.detail)


def _line_provenance(line: Line, text: str | None = None) -> Provenance:
    """The provenance of a value read from a whole line: its text, and where the text is printed."""
    stripped = line.text.strip()
    box = line.box if line.column == 0 and line.xs is None else None
    if line.xs is not None and stripped:
        start = line.column + line.text.index(stripped[0])
        box = line.span_box(start, start + len(stripped))
    return Provenance(stripped if text is None else text, line.number, line.page, box=box)


def _is_report(text: str, tables_found: int, headings: list[Heading]) -> str | None:
    """None when the text is a 政府信息公开工作年度报告, else why not."""
    if len(_CJK.findall(text, 0, 20000)) < 20:
        return "文件中几乎没有中文内容，不是政府信息公开工作年度报告"
    if "信息公开" not in text:
        return "文中没有“政府信息公开”字样，不是政府信息公开工作年度报告"
    if "年度报告" not in text and "年报" not in text and tables_found < 2 and len(headings) < 4:
        return "文中既没有“年度报告”标题，也没有年度报告的统计表格和章节，不像是政府信息公开工作年度报告"
    return None


def parse(document: Document) -> Record:
    """Read a Document into a Record. Never raises on content: problems become notes for the rules."""
    record = Record(Source(document.path, document.sha256, document.media_type, document.pages))
    lines = segment(document.lines)
    text = document.text
    headings = find_sections(lines)
    meta = read_meta(lines, headings)
    notes = record.notes
    notes.title_year, notes.period_year, notes.period_text = meta.title_year, meta.period_year, meta.period_text

    record.agency = meta.signature_agency or meta.title_agency
    agency_line = meta.signature_line if meta.signature_agency else meta.title_line
    if record.agency and agency_line:
        record.provenance["agency"] = _line_provenance(agency_line)
    record.published = meta.published
    if meta.published_line:
        record.provenance["published"] = _line_provenance(meta.published_line)
    elif document.published_hint:
        record.published, shown = document.published_hint
        record.provenance["published"] = Provenance(shown)
    record.year = meta.year
    if record.year is None and record.published:
        record.year = int(record.published[:4]) - 1
    if meta.title_line and meta.title_year:
        record.provenance["year"] = _line_provenance(meta.title_line, meta.title or "")

    folded: list[str] = []

    def folded_document() -> str:
        if not folded:
            folded.append(formats.normalize_label(text))
        return folded[0]

    regions = _regions(lines, headings)
    tables = formats.normalize_label(
        "".join(line.text for name in ("二", "三") if (region := regions[name]) for line in lines[region[0] : region[1]])
    )
    template = _detect_template(folded_document, record.year, tables)
    record.template = template
    if template == formats.TEMPLATE_2021:
        notes.outdated_labels = [m for m in formats.TEMPLATE_MARKERS[formats.TEMPLATE_2019] if m in (tables or folded_document())]

    table_template = template if template in formats.NUMERIC_TEMPLATES else formats.TEMPLATE_2021
    record.active = empty_active(table_template)
    record.requests = empty_requests(table_template)
    record.review_litigation = empty_review()
    table_lines: set[int] = set()

    if template != formats.TEMPLATE_PRE2019:
        for region in regions.values():
            if region:
                table_lines.update(range(*region))
    prose = _prose(lines, headings, table_lines)
    notes.statements = extract_statements(prose)

    if template != formats.TEMPLATE_PRE2019:
        footers = page_footers(lines)
        widths = {"二": None, "三": len(formats.REQUEST_COLUMN_KEYS), "四": len(formats.REVIEW_BLOCKS) * len(formats.REVIEW_FIELDS)}
        tokens = {
            name: tokenize(lines[region[0] : region[1]], widths[name], footers) if region else []
            for name, region in regions.items()
        }
        tokens["三"] = _cut_after_last_row(tokens["三"])
        # Run-together digits may hide a blank cell only where the document prints blanks.
        blanks_seen = any(t.kind == "null" for table in tokens.values() for t in table)
        if regions["二"]:
            cells, found = read_active(tokens["二"], table_template, blanks_seen)
            notes.tables_found["二"] = found
            if found:
                for (row, field), cell in cells.items():
                    record.active[row][field] = cell.value
                    _store_cell(record, f"active.{row}.{field}", cell)
        if regions["三"]:
            table = read_requests(tokens["三"], table_template, blanks_seen, _stated(notes.statements))
            notes.tables_found["三"] = table.found
            notes.single_other_row = table.single_other_row and template != formats.TEMPLATE_2019
            if table.found:
                if table.single_other_row and "other_handling" not in record.requests["rows"]:
                    record.requests["rows"] = _ordered_rows(record.requests["rows"], table.rows)
                for (row, column), cell in table.grid.items():
                    record.requests["rows"][row][formats.REQUEST_COLUMN_KEYS.index(column)] = cell.value
                    _store_cell(record, f"requests.{row}.{column}", cell)
        if regions["四"]:
            grid, found = read_review(tokens["四"], blanks_seen, _stated(notes.statements))
            notes.tables_found["四"] = found
            if found:
                for (block, field), cell in grid.items():
                    record.review_litigation[block][field] = cell.value
                    _store_cell(record, f"review_litigation.{block}.{field}", cell)

    record.sections = _sections(lines, headings)
    notes.section_lines = {h.number: lines[h.line_index].number for h in headings}
    notes.listed_totals = extract_listed_totals(prose)
    notes.not_a_report = _is_report(text, sum(notes.tables_found.values()), headings)
    return record


def _stated(statements: list[Statement]) -> dict[str, int]:
    """The figures the narrative states once (or always alike), by topic."""
    values: dict[str, set[int]] = {}
    for statement in statements:
        values.setdefault(statement.topic, set()).add(statement.value)
    return {topic: next(iter(found)) for topic, found in values.items() if len(found) == 1}


def _ordered_rows(rows: dict[str, list[Value] | None], printed: tuple[formats.Row, ...]) -> dict[str, list[Value] | None]:
    """The 2021 keys with the printed 2019-style other_handling row in its place.

    The three 2021 其他处理 rows the document does not print are null (not a list of nulls).
    """
    printed_keys = {r.key for r in printed}
    ordered: dict[str, list[Value] | None] = {}
    for key, values in rows.items():
        if key == "total_processed":
            ordered["other_handling"] = [None] * len(formats.REQUEST_COLUMN_KEYS)
        ordered[key] = values if key in printed_keys else None
    return ordered


def _sections(lines: list[Line], headings: list[Heading]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i, heading in enumerate(headings):
        end = headings[i + 1].line_index if i + 1 < len(headings) else len(lines)
        body = "\n".join(line.text for line in lines[heading.line_index + 1 : end]).strip()
        out.append({"number": heading.number, "title": heading.title, "text": body})
    return out


def _prose(lines: list[Line], headings: list[Heading], table_lines: set[int]) -> list[Prose]:
    blocks: list[tuple[int | None, list[Line]]] = []
    section: int | None = None
    current: list[Line] = []
    starts = {h.line_index: h.number for h in headings}
    for index, line in enumerate(lines):
        if index in starts:
            blocks.append((section, current))
            section, current = starts[index], []
            continue
        if index in table_lines and not is_prose(line.text):
            continue
        current.append(line)
    blocks.append((section, current))
    return build_prose(blocks)
