"""From a Document (text lines) to a Record: sections, metadata, the three tables, the narrative."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import islice

from .. import formats
from ..arithmetic import last_year_figures
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
from ..read.document import size_problem
from .meta import Heading, find_sections, read_meta
from .narrative import Prose, build_prose, extract_listed_totals, extract_statements
from .resolve import Blanks, Cell, search_budget
from .segment import segment
from .tables import LastYear, RequestsTable, blank_marks, blank_printing, read_active, read_requests, read_review
from .tokens import BOX_CHARACTER, Token, is_page_number, is_prose, page_footers, page_totals, tokenize, unbox, with_opening_rule

_T3_START = ("勾稽", formats.APPLICANTS_HEADER, "本年新收", "自然人")
_T2_START = ("第二十条", formats.CONTENT_HEADER, "本年制发件数", "本年新制作数量")
# Words of table 四's header that a sentence about 行政复议 would not contain.
_T4_START = ("结果维持", "结果纠正", "尚未审结", "未经复议", "复议后起诉")
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGIT = re.compile(r"\d")

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


# Table 三's row labels without their list marks, long enough not to be a sentence's words.
_REQUEST_ROW_CORES = tuple(
    {core for row in formats.ALL_REQUEST_ROWS.values() if len(core := re.sub(r"\(.*$", "", formats.strip_list_mark(formats.normalize_label(row.label)))) >= 5}
)


_CELL_BREAKS = re.compile(r"<br\s*/?>|\|", re.IGNORECASE)


def _names_request_rows(lines: list[Line], enough: int = 3) -> bool:
    """Whether table lines (not prose) name `enough` of table 三's rows."""
    named: set[str] = set()
    for line in lines:
        if not is_prose(line.text):
            folded = formats.normalize_label(_CELL_BREAKS.sub("", line.text))  # a label wrapped in its cell
            named.update(core for core in _REQUEST_ROW_CORES if core in folded)
            if len(named) >= enough:
                return True
    return False


def _regions(lines: list[Line], headings: list[Heading]) -> dict[str, tuple[int, int] | None]:
    """Line ranges [start, end) of tables 二, 三, 四: inside their sections, at their anchors."""
    at = {h.number: h.line_index for h in headings}
    after = {h.number: (headings[i + 1].line_index if i + 1 < len(headings) else len(lines)) for i, h in enumerate(headings)}
    total = len(lines)

    t3_start = _first(lines, at.get(3, at.get(2, 0)), after.get(3, total), _T3_START)
    if t3_start is None and 3 not in at:
        t3_start = _first(lines, 0, total, _T3_START)
    if t3_start is None and 3 in at and _names_request_rows(lines[at[3] + 1 : after[3]]):
        t3_start = at[3] + 1  # a header printed as a picture, row 一's label scrambled: its rows tell
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
    """Drop the values that follow table 三's last row (notes, stray text) so they cannot be
    read as cells; the labels stay: an extractor may print a block's row labels after its
    numbers, and they show which rows the table has."""
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if not token.is_value and "结转下年度" in formats.normalize_label(token.text):
            seen_value = False
            for end in range(index + 1, len(tokens)):
                if tokens[end].is_value:
                    seen_value = True
                elif seen_value:
                    return tokens[:end] + [t for t in tokens[end:] if not t.is_value]
            return tokens
    return tokens


# Words of table 二's headers and rows, variants included ("本年发文件数", "本年(2023)制发件数",
# "本年增减"), searched in the tables themselves: the narrative may use any of them.
_HEADER_CORES = {
    formats.TEMPLATE_2021: re.compile(r"制发|发文件数|废止|现行有效|收费金额|本年处理决定"),
    formats.TEMPLATE_2019: re.compile(r"新制作|制作数量|新公开|对外公开总|其他对外管理服务事项|政府集中采购|上一年|增\s*[/／(（]?\s*减"),
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
        if "其他处理" in scope:
            return formats.TEMPLATE_2019
    if year in (2019, 2020) and not hits[formats.TEMPLATE_2021]:
        return formats.TEMPLATE_2019  # the 2021 format did not exist yet: 2019–2020 reports use the 2019 one
    return formats.TEMPLATE_UNKNOWN


def _store_cell(record: Record, path: str, cell: Cell) -> None:
    if cell.token is not None:
        token = cell.token
        # (Positional, in the fields' order: keywords cost a third more, once for every cell of every report.)
        record.provenance[path] = Provenance(token.text, token.line, token.page, cell.status == "derived", token.column, token.box, token.confidence)
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


_ANNUAL_REPORT = re.compile(r"年\s*度\s*报\s*告|年\s*报")  # spaces may drift between the words


def _is_report(text: str, tables_found: int, headings: list[Heading]) -> str | None:
    """None when the text is a 政府信息公开工作年度报告, else why not."""
    # Counting stops at the twentieth: listing every Chinese character of the text costs more.
    if sum(1 for _ in islice(_CJK.finditer(text, 0, 20000), 20)) < 20:
        return "文件中几乎没有中文内容，不是政府信息公开工作年度报告"
    if "信息公开" not in text:
        return "文中没有“政府信息公开”字样，不是政府信息公开工作年度报告"
    # (The plain words first: a search of the whole text for the spaced ones costs more.)
    if "年度报告" not in text and "年报" not in text and not _ANNUAL_REPORT.search(text) and tables_found < 2 and len(headings) < 4:
        return "文中既没有“年度报告”标题，也没有年度报告的统计表格和章节，不像是政府信息公开工作年度报告"
    return None


def parse(document: Document, previous: Record | None = None) -> Record:
    """Read a Document into a Record. Never raises on content: problems become notes for the rules.

    `previous`: the same agency's report of the year before, when known (the store has it):
    its table 二 settles digits run together that this report's arithmetic alone cannot.

    A document beyond the text limits (`text_characters`, `text_lines`) is not parsed: its
    record is `unreadable`, with the limit named. Every search for the reading of damaged runs
    shares one budget for the document (`resolve.DOCUMENT_STEPS`).
    """
    text = document.text
    problem = document.fatal or size_problem(len(text), len(document.lines))
    if problem is not None:
        return Record.unreadable(document.path, problem, sha256=document.sha256 or None)
    unified = formats.unify_radicals(text)
    lines = document.lines
    if unified is not text:  # radicals printed for characters: read as the characters
        lines = [replace(line, text=formats.unify_radicals(line.text)) for line in lines]
    if BOX_CHARACTER.search(unified) or "+--" in unified:  # a table drawn with box characters
        lines = unbox(lines)
    with search_budget():
        return _parse(document, unified, lines, previous)


def _parse(document: Document, text: str, printed: list[Line], previous: Record | None) -> Record:
    record = Record(Source(document.path, document.sha256, document.media_type, document.pages))
    lines = segment(printed)
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
    copies: dict[str, tuple[int, int]] = {}
    is_prose_at: dict[int, bool] = {}  # line → whether it is prose, once asked (`is_prose`)

    if template != formats.TEMPLATE_PRE2019:
        copies = _second_copies(lines, regions, headings, formats.has_compatibility_forms(text), is_prose_at)
        for region in [*regions.values(), *copies.values()]:
            if region:
                table_lines.update(range(*region))
    prose = _prose(lines, headings, table_lines, is_prose_at)
    notes.statements = extract_statements(prose, template)

    if template != formats.TEMPLATE_PRE2019:
        footers, totals = page_footers(lines), page_totals(lines)

        def table_tokens(name: str, region: tuple[int, int]) -> list[Token]:
            found = tokenize(lines[with_opening_rule(lines, region[0]) : region[1]], _WIDTHS[name], footers, totals)
            return _cut_after_last_row(found) if name == "三" else found

        tokens = {name: table_tokens(name, region) if region else [] for name, region in regions.items()}
        blanks = blank_printing(tokens["二"], tokens["三"], tokens["四"], table_template)
        marks = blank_marks(tokens["二"], tokens["三"], tokens["四"])
        stated = _stated(notes.statements)
        last_year = _last_year(previous, record.year, table_template)

        def read(name: str, region: tuple[int, int], given: list[Token] | None = None) -> _Table:
            return _read_table(name, table_tokens(name, region) if given is None else given, table_template, blanks, marks, stated, last_year)

        for name, region in regions.items():
            if region is None:
                continue
            table = read(name, region, tokens[name])
            copy = copies.get(name)
            if copy is not None and copy[0] < region[1]:
                # The second copy lies inside the first's region: the first copy alone is read,
                # unless it does not stand as a table without what followed it.
                alone = read(name, (region[0], copy[0]))
                table, copy = (alone, copy) if alone.substantial() else (table, None)
            if copy is not None:
                _distrust_differences(name, table, read(name, copy), lines[copy[0]])
            _store_table(record, name, table, template)

    record.sections = _sections(lines, headings)
    notes.section_lines = {h.number: lines[h.line_index].number for h in headings}
    notes.listed_totals = extract_listed_totals(prose)
    notes.not_a_report = _is_report(text, sum(notes.tables_found.values()), headings)
    return record


def _last_year(previous: Record | None, year: int | None, template: str) -> LastYear | None:
    """What the report of the year before (same template) tells this one's table 二, if anything."""
    if previous is None or year is None or previous.year != year - 1 or previous.template != template:
        return None
    figures = last_year_figures(template, previous.active)
    return LastYear(previous.year, figures) if figures else None


_WIDTHS = {"二": None, "三": len(formats.REQUEST_COLUMN_KEYS), "四": len(formats.REVIEW_BLOCKS) * len(formats.REVIEW_FIELDS)}
_PATH_GROUP = {"二": "active", "三": "requests", "四": "review_litigation"}
_REQUEST_COLUMN_INDEX = {key: index for index, key in enumerate(formats.REQUEST_COLUMN_KEYS)}


@dataclass
class _Table:
    """One table as read: its cells by (row, column), whether it was found, and for table 三 the
    reader's whole result (its rows, the 2019-style single 其他处理 row)."""

    grid: dict[tuple[str, str], Cell]
    found: bool
    requests: RequestsTable | None = None

    def substantial(self) -> bool:
        """Found, with a printed number in at least half of its cells."""
        printed = sum(1 for cell in self.grid.values() if cell.value is not None)
        return self.found and printed * 2 >= len(self.grid) > 0


def _read_table(
    name: str, tokens: list[Token], template: str, blanks: Blanks, marks: tuple[Token, ...], stated: dict[str, int], last_year: LastYear | None
) -> _Table:
    if name == "二":
        cells, found = read_active(tokens, template, blanks, last_year, stated)
        return _Table(cells, found)
    if name == "三":
        table = read_requests(tokens, template, blanks, stated, marks)
        return _Table(table.grid, table.found, table)
    grid, found = read_review(tokens, blanks, stated, marks)
    return _Table(grid, found)


def _store_table(record: Record, name: str, table: _Table, template: str) -> None:
    notes = record.notes
    notes.tables_found[name] = table.found
    if name == "三" and table.requests is not None:
        notes.single_other_row = table.requests.single_other_row and template != formats.TEMPLATE_2019
        if table.found and table.requests.single_other_row and "other_handling" not in record.requests["rows"]:
            record.requests["rows"] = _ordered_rows(record.requests["rows"], table.requests.rows)
    if not table.found:
        return
    group = _PATH_GROUP[name]
    for (row, column), cell in table.grid.items():
        if name == "二":
            record.active[row][column] = cell.value
        elif name == "三":
            record.requests["rows"][row][_REQUEST_COLUMN_INDEX[column]] = cell.value
        else:
            record.review_litigation[row][column] = cell.value
        _store_cell(record, f"{group}.{row}.{column}", cell)


# ------------------------------------------------------------------ a table printed twice

# Each table's first row (words of its label): printed again after the table's values, it
# starts a second copy of the table.
_FIRST_ROW = {"二": "规章", "三": "本年新收", "四": "结果维持"}
_STARTS = {"二": _T2_START, "三": _T3_START, "四": _T4_START}


def _second_copies(
    lines: list[Line], regions: dict[str, tuple[int, int] | None], headings: list[Heading], compatibility_forms: bool, prose: dict[int, bool]
) -> dict[str, tuple[int, int]]:
    """Where each table is printed a second time (line range of the copy), after its first copy.
    `compatibility_forms`: False when the document prints none (`formats.has_compatibility_forms`);
    `prose`: which lines are prose, as far as known (filled in here)."""
    heading_lines = sorted(h.line_index for h in headings)
    copies: dict[str, tuple[int, int]] = {}
    for name, region in regions.items():
        if region is None:
            continue
        start = _copy_start(lines, region[0], _FIRST_ROW[name], prose, compatibility_forms)
        if start is None:
            continue
        end = len(lines)
        later = [i for i in heading_lines if i > start]
        if later:
            end = later[0]
        others = tuple(anchor for other, anchors in _STARTS.items() if other != name for anchor in anchors)
        stop = _first(lines, start + 1, end, others)
        copies[name] = (start, stop if stop is not None else end)
    return copies


def _is_prose_at(lines: list[Line], index: int, known: dict[int, bool]) -> bool:
    """Whether line `index` is prose (`is_prose`), asked once a document: `known` keeps the answers."""
    if index not in known:
        known[index] = is_prose(lines[index].text)
    return known[index]


def _copy_start(lines: list[Line], start: int, first_row: str, prose: dict[int, bool], compatibility_forms: bool) -> int | None:
    """The line where a table's first row is printed again after the numbers of its first copy.
    `prose`: which lines are prose, as far as known (filled in here)."""
    first: int | None = None
    numbers = False
    for index in range(start, len(lines)):
        if _is_prose_at(lines, index, prose):
            continue
        text = lines[index].text
        if formats.folds_to_contain(text, first_row, compatibility_forms=compatibility_forms):
            if first is not None and numbers:
                return index
            first = index if first is None else first
        if first is not None and not numbers and _DIGIT.search(text) and not is_page_number(text):
            numbers = True
    return None


def _distrust_differences(name: str, first: _Table, second: _Table, at: Line) -> None:
    """Cells a second copy of the table prints differently: which copy is right is not known,
    so those cells are null with a finding (cells both copies print alike keep their value)."""
    if not (first.substantial() and second.substantial()):
        return
    table = f"表{name}"
    where = f"第{at.number}行" + (f"（第{at.page}页）" if at.page else "")
    for ref, cell in first.grid.items():
        other = second.grid.get(ref)
        if cell.value is None or other is None or other.value is None or other.value == cell.value:
            continue
        first.grid[ref] = Cell(
            None, cell.token, "unreadable",
            f"{table}印了两份，此格第一份为{_number(cell.value)}，{where}起的第二份为{_number(other.value)}，无法确定以哪份为准",
        )


def _number(value: int | float) -> str:
    return str(value)


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


def _prose(lines: list[Line], headings: list[Heading], table_lines: set[int], is_prose_at: dict[int, bool]) -> list[Prose]:
    """The sentences of each section, the tables' lines left out (but for their prose).
    `is_prose_at`: which lines are prose, as far as known (filled in here)."""
    blocks: list[tuple[int | None, list[Line]]] = []
    section: int | None = None
    current: list[Line] = []
    starts = {h.line_index: h.number for h in headings}
    for index, line in enumerate(lines):
        if index in starts:
            blocks.append((section, current))
            section, current = starts[index], []
            continue
        if index in table_lines and not _is_prose_at(lines, index, is_prose_at):
            continue
        current.append(line)
    blocks.append((section, current))
    return build_prose(blocks)
