"""The single-report rules of record.md. Each docstring: what it checks, why, an example."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from .. import formats
from ..arithmetic import Equation, request_equations, review_equations
from ..model import Location, Record
from .registry import NEEDS_NOTHING, NEEDS_REPORT, Context, Hit, rule

_COLUMN_LABELS = {c.key: c.label for c in formats.REQUEST_COLUMNS}
_REVIEW_LABELS = {b.key: b.label for b in formats.REVIEW_BLOCKS}
_FIELD_LABELS = {f.key: f.label for f in formats.REVIEW_FIELDS}


def _fmt(value: int | float | None) -> str:
    if value is None:
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def request_rows(record: Record) -> tuple[formats.Row, ...]:
    return formats.request_rows(record.template, record.notes.single_other_row)


def _row_place(record: Record, key: str) -> str:
    """表三第N行“label” — N counts the data rows as printed."""
    rows = request_rows(record)
    keys = [r.key for r in rows]
    row = formats.ALL_REQUEST_ROWS[key]
    number = f"第{keys.index(key) + 1}行" if key in keys else ""
    group = f"{row.group}·" if row.group and row.group.startswith("（") else ""
    return f"表三{number}“{group}{row.label}”"


def describe_path(record: Record, path: str) -> tuple[str, Location]:
    """A Chinese place name and a location object for a dotted value path."""
    group, row, column = cell = formats.CellPath.parse(path)
    location = Location(table=cell.table.number, row=row, column=column)
    if group == "requests":
        return f"{_row_place(record, row)}行“{_COLUMN_LABELS[column]}”列", location
    if group == "review_litigation":
        return f"表四“{_REVIEW_LABELS[row]}·{_FIELD_LABELS[column]}”", location
    active = {r.key: r for r in formats.active_rows(record.template)}
    label = active[row].label if row in active else row
    field = next((f.label for f in active[row].fields if f.key == column), column) if row in active else column
    return f"表二“{label}·{field}”", location


def _with_line(record: Record, path: str, location: Location) -> Location:
    provenance = record.provenance.get(path)
    if provenance is not None:
        if provenance.page is not None:
            location["page"] = provenance.page
        if provenance.line is not None:
            location["line"] = provenance.line
    return location


# ------------------------------------------------------------------ the file itself


@rule("GK001", "unreadable", "error", "文件无法打开或解码", NEEDS_NOTHING)
def unreadable(context: Context) -> Iterator[Hit]:
    """The file cannot be opened or decoded.

    Why: a corrupt, encrypted, empty or unknown file must still produce a record, so that a
    batch of hundreds of reports never loses one silently.
    Example: an empty file → 「无法读取文件：文件为空（0字节）」.
    """
    if context.record.notes.fatal:
        yield Hit(f"无法读取文件：{context.record.notes.fatal}。", {})


@rule("GK002", "not_a_report", "error", "不是政府信息公开工作年度报告", NEEDS_NOTHING)
def not_a_report(context: Context) -> Iterator[Hit]:
    """The file is readable but is not a 政府信息公开工作年度报告.

    Why: a folder of downloads often holds notices, news and attachments beside the reports.
    Example: a newspaper article → 「这不是政府信息公开工作年度报告：文中没有“政府信息公开”字样…」.
    """
    notes = context.record.notes
    if not notes.fatal and notes.not_a_report:
        yield Hit(f"这不是政府信息公开工作年度报告：{notes.not_a_report}。", {})


@rule("GK003", "pre2019_report", "info", "2019年以前格式，不核查数字", NEEDS_REPORT)
def pre2019_report(context: Context) -> Iterator[Hit]:
    """A report in the pre-2019 style (2007 条例): its numbers are not checked.

    Why: before 国办公开办函〔2019〕60号 there was no national table, so the arithmetic rules
    do not apply.
    Example: a 2017 report with 「同意公开」「指标名称/计量单位」 tables.
    """
    if context.record.template == formats.TEMPLATE_PRE2019:
        yield Hit("这是2019年以前格式的年度报告（无全国统一表格），不核查其中的数字。", {})


@rule("GK004", "template_outdated", "error", "格式与年度不符，或新版报告仍用旧版栏目", NEEDS_REPORT)
def template_outdated(context: Context) -> Iterator[Hit]:
    """The format does not fit the report's year, or a 2021-format report still prints 2019 rows.

    Why: 国办公开办函〔2021〕30号 requires the 2021 format from the 2021 reports on; tables in
    the old format lose the （六）其他处理 detail and the 第二十条 columns.
    Example: a 2023 report whose table 三 prints （六）其他处理 as one row instead of three.
    """
    record = context.record
    if record.year is not None and record.template in (formats.TEMPLATE_2019, formats.TEMPLATE_2021, formats.TEMPLATE_PRE2019):
        expected = formats.expected_template(record.year)
        if expected != record.template:
            names = {formats.TEMPLATE_2021: "2021年版", formats.TEMPLATE_2019: "2019年版（试行）", formats.TEMPLATE_PRE2019: "2019年以前"}
            yield Hit(
                f"{record.year}年度报告应使用{names[expected]}格式，但本报告使用的是{names[record.template]}格式。",
                {},
                expected=expected,
                actual=record.template,
            )
    if record.template != formats.TEMPLATE_2021:
        return
    if record.notes.single_other_row:
        place = _row_place(record, "other_handling")
        yield Hit(
            f"{place}仍按2019年版印为一行；2021年版格式应分为“1.逾期不补正”“2.逾期未按收费通知缴费”“3.其他”三行，这三行记为空。",
            {"table": "三", "row": "other_handling"},
            expected="other_no_correction, other_no_fee, other_misc",
            actual="other_handling",
        )
    if record.notes.outdated_labels:
        labels = "、".join(f"“{label}”" for label in record.notes.outdated_labels)
        yield Hit(f"2021年版格式的报告中仍出现2019年版表格的栏目{labels}。", {"table": "二"})


@rule("GK005", "table_missing", "error", "缺少三张统计表之一", NEEDS_REPORT)
def table_missing(context: Context) -> Iterator[Hit]:
    """One of the three statistical tables (二, 三, 四) cannot be found.

    Why: 条例第五十条 and the national format make the three tables mandatory.
    Example: a report cut off after section 二 → 表三 and 表四 are missing.
    """
    record = context.record
    if record.template == formats.TEMPLATE_PRE2019:
        return
    for table, found in record.notes.tables_found.items():
        if not found:
            yield Hit(f"找不到{formats.TABLE_OF_NUMBER[table].name}，其中的数字都记为空。", {"table": table})


@rule("GK006", "section_missing", "error", "缺少六个部分之一", NEEDS_REPORT)
def section_missing(context: Context) -> Iterator[Hit]:
    """One of the six sections (一、总体情况 … 六、其他需要报告的事项) is absent.

    Why: 30号 says the report's content must follow 条例第五十条 「不能遗漏」.
    Example: a report with no 「五、存在的主要问题及改进情况」 heading.
    """
    record = context.record
    if record.template == formats.TEMPLATE_PRE2019:
        return
    for section in formats.SECTIONS:
        if section.number not in record.notes.section_lines:
            number = "一二三四五六"[section.number - 1]
            yield Hit(f"缺少第{number}部分“{number}、{section.title}”（找不到该标题）。", {"section": section.number})


# ------------------------------------------------------------------ cells


def _cells_with(record: Record, status: str) -> Iterator[tuple[list[str], str]]:
    """Noted cells of one status, a whole row at once when every cell of it shares the note."""
    by_row: dict[tuple[str, str, str], list[str]] = {}
    for path, note in record.notes.cells.items():
        if note.status == status:
            cell = formats.CellPath.parse(path)
            by_row.setdefault((cell.group, cell.row, note.detail), []).append(path)
    for (table, _row, detail), paths in by_row.items():
        if table == "active":
            for path in paths:
                yield [path], detail
        else:
            yield paths, detail


def _place(record: Record, paths: list[str]) -> tuple[str, Location]:
    """Where a group of cells of one row is: one cell, some columns, or the whole row."""
    place, location = describe_path(record, paths[0])
    location = _with_line(record, paths[0], location)
    if len(paths) == 1:
        return place, location
    location.pop("column", None)
    table, row, _ = formats.CellPath.parse(paths[0])
    columns = [formats.CellPath.parse(p).column for p in paths]
    labels = _COLUMN_LABELS if table == "requests" else _FIELD_LABELS
    row_name = f"{_row_place(record, row)}行" if table == "requests" else f"表四“{_REVIEW_LABELS[row]}”"
    if len(paths) == len(labels):
        return f"{row_name}整行", location
    location["columns"] = columns
    return row_name + "、".join(f"“{labels[c]}”" for c in columns) + "列", location


def _values(record: Record, paths: list[str]) -> str:
    return " ".join(_fmt(_lookup_path(record, p)) for p in paths)


@rule("GK101", "cell_unreadable", "warning", "单元格无法确定（记为空）")
def cell_unreadable(context: Context) -> Iterator[Hit]:
    """The reader could not determine a cell; its value is null.

    Why: a guess would be worse than a gap: null is not zero.
    Example: a row printing six numbers for seven cells where the arithmetic cannot tell which
    cell is missing.
    """
    record = context.record
    for paths, detail in _cells_with(record, "unreadable"):
        place, location = _place(record, paths)
        reason = f"（{detail}）" if detail else ""
        yield Hit(f"{place}无法确定{reason}，记为空。", location)


@rule("GK102", "blank_cell", "warning", "单元格印为空白、“/”或“—”（记为空）")
def blank_cell(context: Context) -> Iterator[Hit]:
    """The document prints a cell blank, "/" or "—"; its value is null.

    Why: the format asks for a number in every cell (0 when there is none); a blank is not 0.
    Example: 「行政事业性收费 ／」 → 表二“行政事业性收费·本年收费金额”印为空白或“／”。
    """
    record = context.record
    for paths, _detail in _cells_with(record, "blank"):
        place, location = _place(record, paths)
        printed = record.provenance.get(paths[0])
        shown = f"印为“{printed.text}”" if printed and printed.text else "未填写"
        yield Hit(f"{place}{shown}，应填写数字（没有则填0），记为空。", location)


@rule("GK103", "invalid_number", "error", "计数为负数或非整数")
def invalid_number(context: Context) -> Iterator[Hit]:
    """A count that is negative or not an integer.

    Why: applications, documents and decisions are counted in whole 件.
    Example: 「予以公开 2.5」.
    """
    record = context.record
    for path, note in record.notes.cells.items():
        if note.status == "invalid":
            place, location = describe_path(record, path)
            printed = record.provenance.get(path)
            yield Hit(f"{place}{note.detail}。", _with_line(record, path, location), actual=printed.text if printed else None)


@rule("GK104", "derived_value", "info", "由勾稽关系唯一推出的数值")
def derived_value(context: Context) -> Iterator[Hit]:
    """A cell the document does not legibly print was derived because the arithmetic allows exactly one value.

    Why: derived values must never pass for printed ones (provenance carries derived: true).
    Example: a page break swallows one 0 of a row of zeros; row and column totals force it to 0.
    """
    record = context.record
    for paths, detail in _cells_with(record, "derived"):
        place, location = _place(record, paths)
        values = _values(record, paths)
        yield Hit(f"{place}不是直接读出的：{detail}，由表内勾稽关系唯一确定为 {values}。", location, actual=values)


@rule("GK105", "digits_split", "info", "连写数字按勾稽关系拆分")
def digits_split(context: Context) -> Iterator[Hit]:
    """Numbers printed run together ("713000074") were split where the arithmetic allows one reading only.

    Why: text extraction sometimes loses the space between cells; the split is shown, not hidden.
    Example: 「713000074」 → 71 3 0 0 0 0 74, the only split whose six parts add up to the last.
    """
    record = context.record
    for paths, detail in _cells_with(record, "split"):
        place, location = _place(record, paths)
        values = _values(record, paths)
        yield Hit(f"{place}读为 {values}：{detail}。", location, actual=values)


def _lookup_path(record: Record, path: str) -> int | float | None:
    table, row, column = formats.CellPath.parse(path)
    if table == "requests":
        return record.rows[row][formats.REQUEST_COLUMN_KEYS.index(column)]
    if table == "review_litigation":
        return record.review_litigation[row][column]
    return record.active[row][column]


# ------------------------------------------------------------------ arithmetic


def _request_lookup(record: Record):  # type: ignore[no-untyped-def]
    rows = record.rows

    def lookup(ref: tuple[str, str]) -> int | float | None:
        values = rows.get(ref[0])
        return None if values is None else values[formats.COLUMN_INDEX[ref[1]]]

    return lookup


def _equations(record: Record, kind: str) -> Iterator[tuple[Equation, int | float, int | float]]:
    if kind == "review_total":
        def lookup(ref: tuple[str, str]) -> int | float | None:
            return record.review_litigation[ref[0]][ref[1]]
        equations = review_equations()
        if not record.notes.tables_found.get("四"):
            return
    else:
        lookup = _request_lookup(record)
        equations = request_equations(request_rows(record))
        if not record.notes.tables_found.get("三"):
            return
    for equation in equations:
        if equation.kind != kind:
            continue
        sums = equation.sums(lookup)
        if sums is not None and sums[0] != sums[1]:
            yield equation, sums[0], sums[1]


def _terms(record: Record, refs: tuple[tuple[str, str], ...]) -> str:
    lookup = _request_lookup(record)
    return " + ".join(_fmt(lookup(ref)) for ref in refs)


@rule("GK201", "row_total", "error", "表三某行总计≠六类申请人之和")
def row_total(context: Context) -> Iterator[Hit]:
    """Table 三: a row's 总计 differs from the sum of its six applicant columns.

    Why: 总计 is by definition 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他.
    Example: 「一、本年新收 1 1 0 0 0 0 1」: 1 + 1 = 2 ≠ 1.
    """
    record = context.record
    for equation, parts, total in _equations(record, "row_total"):
        row = equation.key
        yield Hit(
            f"{_row_place(record, row)}行：六类申请人之和为{_fmt(parts)}（{_terms(record, equation.left)}），但“总计”列印为{_fmt(total)}。",
            _with_line(record, f"requests.{row}.total", {"table": "三", "row": row, "column": "total"}),
            expected=parts,
            actual=total,
        )


@rule("GK202", "results_total", "error", "表三（七）总计≠各项办理结果之和")
def results_total(context: Context) -> Iterator[Hit]:
    """Table 三: （七）总计 differs from the sum of the result rows, for a column.

    Why: every application handled is counted in exactly one result row (部分公开「只计这一情形」).
    Example: 予以公开 700 + 部分公开 158 + … = 1483 but （七）总计 prints 1484 in 自然人.
    """
    record = context.record
    for equation, parts, total in _equations(record, "results_total"):
        column = equation.key
        yield Hit(
            f"表三“{_COLUMN_LABELS[column]}”列：各项办理结果之和为{_fmt(parts)}，但“（七）总计”印为{_fmt(total)}。",
            _with_line(record, f"requests.total_processed.{column}", {"table": "三", "row": "total_processed", "column": column}),
            expected=parts,
            actual=total,
        )


@rule("GK203", "balance", "error", "表三勾稽关系：一+二≠三（七）+四")
def balance(context: Context) -> Iterator[Hit]:
    """Table 三 勾稽关系: 一 + 二 ≠ 三（七）总计 + 四, for a column.

    Why: the table's own note: 「第一项加第二项之和，等于第三项加第四项之和」.
    Example: 自然人 本年新收 2 + 上年结转 0 = 2, but 办理 0 + 结转下年度 0 = 0.
    """
    record = context.record
    for equation, received, handled in _equations(record, "balance"):
        column = equation.key
        yield Hit(
            f"表三“{_COLUMN_LABELS[column]}”列勾稽关系不成立：本年新收{_terms(record, equation.left[:1])} + 上年结转{_terms(record, equation.left[1:])} = {_fmt(received)}，"
            f"而办理结果总计{_terms(record, equation.right[:1])} + 结转下年度{_terms(record, equation.right[1:])} = {_fmt(handled)}。",
            {"table": "三", "column": column},
            expected=received,
            actual=handled,
        )


@rule("GK204", "review_total", "error", "表四总计≠维持+纠正+其他+尚未审结")
def review_total(context: Context) -> Iterator[Hit]:
    """Table 四: a block's 总计 differs from 维持 + 纠正 + 其他 + 尚未审结.

    Why: 总计 is the sum of the four outcomes, for 行政复议 and both kinds of 行政诉讼.
    Example: 行政复议 10 1 0 0 总计 0.
    """
    record = context.record
    for equation, parts, total in _equations(record, "review_total"):
        block = equation.key
        terms = " + ".join(
            f"{_FIELD_LABELS[f]}{_fmt(record.review_litigation[block][f])}" for _, f in equation.left
        )
        yield Hit(
            f"表四“{_REVIEW_LABELS[block]}”：{terms} = {_fmt(parts)}，但总计印为{_fmt(total)}。",
            _with_line(record, f"review_litigation.{block}.total", {"table": "四", "row": block, "column": "total"}),
            expected=parts,
            actual=total,
        )


# ------------------------------------------------------------------ narrative

TOPIC_LABELS = {
    "new_received": "本年新收申请",
    "carried_over": "上年结转申请",
    "total_processed": "办结（答复）申请",
    "carried_forward": "结转下年度申请",
    "granted_or_partial": "予以公开及部分公开",
    "review_total": "行政复议",
    "litigation_total": "行政诉讼",
    **{k: v for k, v in formats.RESULT_CATEGORY_LABELS.items()},
}


def topic_label(topic: str, template: str) -> str:
    """What a narrative topic counts, in the words of the tables."""
    cell = formats.active_topic_cell(topic)
    if cell is None:
        return TOPIC_LABELS[topic]
    row = next(r for r in formats.active_rows(template) if r.key == cell[0])
    return f"{row.label}{next(c.label for c in row.fields if c.key == cell[1])}"


def topic_value(record: Record, topic: str) -> int | float | None:
    """The table value a narrative topic refers to (None when a needed cell is null)."""
    cell = formats.active_topic_cell(topic)
    if cell is not None:
        return record.active.get(cell[0], {}).get(cell[1])
    rows = record.rows
    total = formats.REQUEST_COLUMN_KEYS.index("total")

    def row_sum(keys: tuple[str, ...]) -> int | float | None:
        values = [row[total] for row in (rows.get(k) for k in keys) if row is not None]
        if not values or any(v is None for v in values):
            return None
        return sum(v for v in values if v is not None)

    keys = formats.topic_rows(topic, tuple(rows))
    if keys is not None:
        return row_sum(keys)
    review = record.review_litigation
    if topic == "review_total":
        return review["review"]["total"]
    if topic == "litigation_total":
        direct, after = review["litigation_direct"]["total"], review["litigation_after_review"]["total"]
        return None if direct is None or after is None else direct + after
    raise KeyError(topic)


_TOPIC_TABLE = {
    "review_total": "四",
    "litigation_total": "四",
}


def _listed_unit(text: str, total: int) -> str:
    """The unit the total is printed in (条, 件 …); the parts may use others (「58条，其中…31件」)."""
    found = re.search(rf"(?<!\d){total}\s*([条件个篇项份张])", text)
    return found.group(1) if found else ""


@rule("GK301", "narrative_mismatch", "error", "正文数字与表格不一致")
def narrative_mismatch(context: Context) -> Iterator[Hit]:
    """A figure stated in the text differs from the table (or listed parts do not add up to their total).

    Why: 30号 names 「发布内容不准确」; supervisors compare the 总体情况 figures with the tables.
    Example: text 「收到政府信息公开申请17件」, table 三 本年新收 总计 95.
    """
    record = context.record
    for statement in record.notes.statements:
        table = "二" if formats.active_topic_cell(statement.topic) else _TOPIC_TABLE.get(statement.topic, "三")
        value = topic_value(record, statement.topic) if record.notes.tables_found.get(table) else None
        if value is None or value == statement.value:
            continue
        section = f"第{'一二三四五六'[statement.section - 1]}部分" if statement.section else "正文"
        yield Hit(
            f"{section}称“{statement.text}”（{topic_label(statement.topic, record.template)}{statement.value}件），但表{table}中为{_fmt(value)}件。",
            {"section": statement.section, "line": statement.line, "table": table, **({"page": statement.page} if statement.page else {})},
            expected=value,
            actual=statement.value,
        )
    for listed in record.notes.listed_totals:
        parts = sum(listed.parts)
        if parts == listed.total:
            continue
        section = f"第{'一二三四五六'[listed.section - 1]}部分" if listed.section else "正文"
        unit = _listed_unit(listed.text, listed.total)
        yield Hit(
            f"{section}称“{listed.text}”：总数{listed.total}{unit}，但所列各项之和为{parts}（{' + '.join(map(str, listed.parts))}）。",
            {"section": listed.section, "line": listed.line, **({"page": listed.page} if listed.page else {})},
            expected=parts,
            actual=listed.total,
        )


# ------------------------------------------------------------------ dates


def _published(record: Record) -> date | None:
    return date.fromisoformat(record.published) if record.published else None


def _cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


@rule("GK401", "date_before_period_end", "error", "落款日期早于统计期末", NEEDS_REPORT)
def date_before_period_end(context: Context) -> Iterator[Hit]:
    """The report is dated on or before 31 December of the year it reports on.

    Why: a report cannot be signed before its statistical period ends; usually the year is mistyped.
    Example: the 2023 report signed 「2023年1月11日」.
    """
    record = context.record
    published = _published(record)
    if published is None or record.year is None:
        return
    period_end = date(record.year, 12, 31)
    if published <= period_end:
        yield Hit(
            f"报告落款日期{_cn_date(published)}不晚于统计期末{_cn_date(period_end)}，{record.year}年度的报告不可能在此之前成文（可能写错了年份）。",
            {"section": 6, **({"line": record.provenance["published"].line} if "published" in record.provenance else {})},
            expected=f"> {period_end.isoformat()}",
            actual=published.isoformat(),
        )


_PLACE = re.compile(r".{1,14}?(?:省|自治区|市|自治州|州|盟|地区|区|县|自治县|旗)")


def is_government_own_report(agency: str | None) -> bool:
    """A 县级以上地方人民政府's own report, due 31 March (条例第四十九条); departments: 31 January.

    The government is named as 「…人民政府」, or by its place alone (「赣州市」 in a title).
    """
    if not agency:
        return False
    name = agency.removesuffix("人民政府")
    if name == agency and not _PLACE.fullmatch(agency):
        return False
    return not name.endswith(("镇", "乡", "街道", "苏木"))


def legal_deadline(year: int, government_own: bool) -> date:
    """The last day a report on `year` may be dated (条例第四十九条).

    A 县级以上 government's own report (`government_own`): 31 March of the next year; every
    other organ's: 31 January. Before the 2019 report year (2007 条例第三十一条): 31 March for all.
    """
    if government_own or year <= 2018:
        return date(year + 1, 3, 31)
    return date(year + 1, 1, 31)


def late_publication(year: int, published: date, government_own: bool) -> Hit | None:
    """The `published_late` hit for a report on `year` dated `published`, or None when in time.

    A date on or before the period's end is `date_before_period_end`'s, not this rule's.
    """
    deadline = legal_deadline(year, government_own)
    if published <= date(year, 12, 31) or published <= deadline:
        return None
    whose = "2019年以前的年度报告" if year <= 2018 else "县级以上人民政府本级报告" if government_own else "政府部门（及乡镇、街道）报告"
    return Hit(
        f"报告落款日期{_cn_date(published)}晚于法定期限{_cn_date(deadline)}（{whose}，《条例》第四十九条）。",
        {"section": 6},
        expected=f"<= {deadline.isoformat()}",
        actual=published.isoformat(),
    )


@rule("GK402", "published_late", "warning", "晚于法定期限发布", NEEDS_REPORT)
def published_late(context: Context) -> Iterator[Hit]:
    """The report is dated after its legal deadline.

    Why: 条例第四十九条: departments publish by 31 January; a 县级以上 government's own report by 31 March
    (before the 2019 report year, 2007 条例第三十一条: every organ by 31 March).
    Example: a 局's 2023 report dated 「2024年2月26日」.
    """
    record = context.record
    published = _published(record)
    if published is None or record.year is None:
        return
    hit = late_publication(record.year, published, is_government_own_report(record.agency))
    if hit is not None:
        if "published" in record.provenance:
            hit.location["line"] = record.provenance["published"].line
        yield hit


@rule("GK403", "year_mismatch", "warning", "标题年份与统计期限不一致", NEEDS_REPORT)
def year_mismatch(context: Context) -> Iterator[Hit]:
    """The year in the title and the statistical period disagree.

    Why: a report copied from last year often keeps one old year somewhere.
    Example: title 「2023年…年度报告」, text 「统计期限自2022年1月1日起」.
    """
    notes = context.record.notes
    if notes.title_year and notes.period_year and notes.title_year != notes.period_year:
        yield Hit(
            f"标题年份为{notes.title_year}年，但正文所述统计期限（“{notes.period_text}”）为{notes.period_year}年。",
            {"section": 1},
            expected=notes.title_year,
            actual=notes.period_year,
        )
