"""The national report formats (国办公开办函〔2021〕30号 and 〔2019〕60号) as data.

This module is the one place that knows the tables' rows, columns, labels and the label
variants seen in real reports. Parsers, rules, exports and generators all read it from here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

TEMPLATE_2021 = "2021"
TEMPLATE_2019 = "2019"
TEMPLATE_PRE2019 = "pre2019"
TEMPLATE_UNKNOWN = "unknown"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # The verbs a report's text states this table 二 figure with (「制发规范性文件3件」).
    stated_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """A data row of a table: its record key, the exact printed label, and where it sits."""

    key: str
    label: str
    group: str | None = None  # the rowspan group label it belongs to, e.g. （三）不予公开
    aliases: tuple[str, ...] = ()
    short: str = ""  # a short name for messages, e.g. 属于国家秘密

    @property
    def name(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    rows: tuple[str, ...]


# ---------------------------------------------------------------- the three tables and their cells


@dataclass(frozen=True)
class Table:
    """One of the three statistical tables: its number as printed (二/三/四), the record key of
    its values, and its title."""

    number: str
    group: str
    title: str

    @property
    def name(self) -> str:
        """「表三（收到和处理政府信息公开申请情况）」, as messages name it."""
        return f"表{self.number}（{self.title}）"


TABLES: tuple[Table, ...] = (
    Table("二", "active", "主动公开政府信息情况"),
    Table("三", "requests", "收到和处理政府信息公开申请情况"),
    Table("四", "review_litigation", "政府信息公开行政复议、行政诉讼情况"),
)
TABLE_OF_GROUP: dict[str, Table] = {t.group: t for t in TABLES}
TABLE_OF_NUMBER: dict[str, Table] = {t.number: t for t in TABLES}


class CellPath(NamedTuple):
    """The address of one table cell: `requests.granted.total` is (group, row, column).

    Its dotted form is the key of `Record.provenance` and of the store's cells."""

    group: str  # requests / review_litigation / active
    row: str
    column: str

    @classmethod
    def parse(cls, dotted: str) -> CellPath:
        group, row, column = dotted.split(".")
        return cls(group, row, column)

    @property
    def table(self) -> Table:
        return TABLE_OF_GROUP[self.group]

    def __str__(self) -> str:
        return f"{self.group}.{self.row}.{self.column}"


# ---------------------------------------------------------------- table 三 (requests)

REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
REQUEST_COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in REQUEST_COLUMNS)
COLUMN_INDEX: dict[str, int] = {key: i for i, key in enumerate(REQUEST_COLUMN_KEYS)}
APPLICANT_COLUMN_KEYS: tuple[str, ...] = REQUEST_COLUMN_KEYS[:6]

_G_RESULTS = "三、本年度办理结果"
_G_WITHHELD = "（三）不予公开"
_G_UNAVAILABLE = "（四）无法提供"
_G_REJECTED = "（五）不予处理"
_G_OTHER = "（六）其他处理"

_ROWS_HEAD: tuple[Row, ...] = (
    Row("new_received", "一、本年新收政府信息公开申请数量", short="本年新收"),
    Row("carried_over", "二、上年结转政府信息公开申请数量", short="上年结转"),
    Row("granted", "（一）予以公开", _G_RESULTS, short="予以公开"),
    Row(
        "partially_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        _G_RESULTS,
        aliases=("（二）部分公开",),
        short="部分公开",
    ),
    Row("withheld_state_secret", "1.属于国家秘密", _G_WITHHELD, short="不予公开·属于国家秘密"),
    Row(
        "withheld_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        _G_WITHHELD,
        short="不予公开·其他法律行政法规禁止公开",
    ),
    Row(
        "withheld_security_stability",
        "3.危及“三安全一稳定”",
        _G_WITHHELD,
        short="不予公开·危及“三安全一稳定”",
    ),
    Row(
        "withheld_third_party_rights",
        "4.保护第三方合法权益",
        _G_WITHHELD,
        short="不予公开·保护第三方合法权益",
    ),
    Row(
        "withheld_internal_affairs",
        "5.属于三类内部事务信息",
        _G_WITHHELD,
        short="不予公开·属于三类内部事务信息",
    ),
    Row(
        "withheld_process_information",
        "6.属于四类过程性信息",
        _G_WITHHELD,
        short="不予公开·属于四类过程性信息",
    ),
    Row(
        "withheld_enforcement_files",
        "7.属于行政执法案卷",
        _G_WITHHELD,
        short="不予公开·属于行政执法案卷",
    ),
    Row(
        "withheld_query_matters",
        "8.属于行政查询事项",
        _G_WITHHELD,
        short="不予公开·属于行政查询事项",
    ),
    Row(
        "unavailable_not_held",
        "1.本机关不掌握相关政府信息",
        _G_UNAVAILABLE,
        short="无法提供·本机关不掌握相关政府信息",
    ),
    Row(
        "unavailable_needs_creation",
        "2.没有现成信息需要另行制作",
        _G_UNAVAILABLE,
        short="无法提供·没有现成信息需要另行制作",
    ),
    Row(
        "unavailable_unclear",
        "3.补正后申请内容仍不明确",
        _G_UNAVAILABLE,
        short="无法提供·补正后申请内容仍不明确",
    ),
    Row(
        "rejected_petition_complaint",
        "1.信访举报投诉类申请",
        _G_REJECTED,
        short="不予处理·信访举报投诉类申请",
    ),
    Row("rejected_duplicate", "2.重复申请", _G_REJECTED, short="不予处理·重复申请"),
    Row(
        "rejected_publication",
        "3.要求提供公开出版物",
        _G_REJECTED,
        short="不予处理·要求提供公开出版物",
    ),
    Row(
        "rejected_excessive",
        "4.无正当理由大量反复申请",
        _G_REJECTED,
        short="不予处理·无正当理由大量反复申请",
    ),
    Row(
        "rejected_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        _G_REJECTED,
        short="不予处理·要求行政机关确认或重新出具已获取信息",
    ),
)

_ROWS_OTHER_2021: tuple[Row, ...] = (
    Row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        _G_OTHER,
        short="其他处理·逾期不补正",
    ),
    Row(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        _G_OTHER,
        short="其他处理·逾期未缴费",
    ),
    Row("other_misc", "3.其他", _G_OTHER, short="其他处理·其他"),
)
ROW_OTHER_HANDLING = Row("other_handling", "（六）其他处理", _G_RESULTS, short="其他处理")

_ROWS_TAIL: tuple[Row, ...] = (
    Row("total_processed", "（七）总计", _G_RESULTS, short="（七）总计"),
    Row("carried_forward", "四、结转下年度继续办理", short="结转下年度"),
)

REQUEST_ROWS_2021: tuple[Row, ...] = _ROWS_HEAD + _ROWS_OTHER_2021 + _ROWS_TAIL
REQUEST_ROWS_2019: tuple[Row, ...] = _ROWS_HEAD + (ROW_OTHER_HANDLING,) + _ROWS_TAIL

OTHER_2021_KEYS: tuple[str, ...] = tuple(r.key for r in _ROWS_OTHER_2021)
ALL_REQUEST_ROWS: dict[str, Row] = {
    r.key: r for r in REQUEST_ROWS_2021 + (ROW_OTHER_HANDLING,)
}

# The rows whose sum is （七）总计, per category (for narrative statements and indicators).
RESULT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "granted": ("granted",),
    "partially_granted": ("partially_granted",),
    "withheld": tuple(r.key for r in _ROWS_HEAD if r.group == _G_WITHHELD),
    "unavailable": tuple(r.key for r in _ROWS_HEAD if r.group == _G_UNAVAILABLE),
    "rejected": tuple(r.key for r in _ROWS_HEAD if r.group == _G_REJECTED),
    "other": OTHER_2021_KEYS,  # or other_handling in the 2019 format
}
RESULT_CATEGORY_LABELS: dict[str, str] = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
}

def topic_rows(topic: str, row_keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """The table 三 rows whose 总计 cells add up to what a narrative topic states (None: not table 三).

    `row_keys` are the rows the table prints (the 2019 （六）其他处理 row or the 2021 three).
    """
    if topic in ("new_received", "carried_over", "total_processed", "carried_forward", "granted", "partially_granted"):
        return (topic,)
    if topic == "granted_or_partial":
        return ("granted", "partially_granted")
    if topic == "other":
        return ("other_handling",) if "other_handling" in row_keys else OTHER_2021_KEYS
    if topic in RESULT_CATEGORIES:
        return RESULT_CATEGORIES[topic]
    return None


ACTIVE_TOPIC = "active"  # a narrative topic "active.<row>.<field>" states one cell of table 二


def active_topic(row: str, field: str) -> str:
    """The narrative topic of table 二's cell (row, field)."""
    return f"{ACTIVE_TOPIC}.{row}.{field}"


def active_topic_cell(topic: str) -> tuple[str, str] | None:
    """The table 二 cell (row, field) a narrative topic states; None for another table's topic."""
    parts = topic.split(".")
    return (parts[1], parts[2]) if len(parts) == 3 and parts[0] == ACTIVE_TOPIC else None


GROUPS: tuple[Group, ...] = (
    Group("results", _G_RESULTS, tuple(r.key for r in REQUEST_ROWS_2021[2:-1])),
    Group("withheld", _G_WITHHELD, RESULT_CATEGORIES["withheld"]),
    Group("unavailable", _G_UNAVAILABLE, RESULT_CATEGORIES["unavailable"]),
    Group("rejected", _G_REJECTED, RESULT_CATEGORIES["rejected"]),
    Group("other", _G_OTHER, OTHER_2021_KEYS),
)

# The group headers of table 三 in both formats (2019's （六）其他处理 is a row, 2021's a group).
SHARED_GROUP_LABELS = (_G_RESULTS, _G_WITHHELD, _G_UNAVAILABLE, _G_REJECTED)


def is_group_header(label: str) -> bool:
    """A label that is (a first piece of) a group header of table 三 and nothing more:
    「（五）不」, 「（三）不予公开」; not 「（五）不予处理1.信访举报投诉类申请」."""
    folded = normalize_label(label)
    return bool(folded) and any(normalize_label(group).startswith(folded) for group in SHARED_GROUP_LABELS)


BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
# Header cells of the tables, as printed.
APPLICANTS_HEADER = "申请人情况"  # table 三, over the seven columns
ORGANISATIONS_HEADER = "法人或其他组织"  # table 三, over 商业企业 … 其他
CONTENT_HEADER = "信息内容"  # table 二, first column of each block


def is_request_header(printed: str) -> bool:
    """A label printed exactly as one of table 三's header cells (「其他」, 「总计」, 「自然人」 …):
    a column's name, not a row's, though 「3.其他」 and 「（七）总计」 fold to the same words."""
    return normalize_label(printed) in _REQUEST_HEADERS


def is_request_header_pieces(printed: str) -> bool:
    """A label printed as several of table 三's header cells (「商业企业 科研机构 … 其他」), or as
    pieces of them a wrapped header leaves on a line (「组织」, 「社会公益」): no row's name."""
    words = [normalize_label(word) for word in printed.split()]
    pieces = [word for word in words if len(word) >= 2 and any(word in header for header in _REQUEST_HEADERS)]
    return len(pieces) == len(words) > 0 and (len(words) > 1 or pieces[0] not in _REQUEST_HEADERS)


def table_labels() -> tuple[str, ...]:
    """The labels of every row and group of tables 二 and 三, in every numeric format, as
    printed (aliases of table 二's rows included)."""
    labels = [row.label for row in ALL_REQUEST_ROWS.values()] + [group.label for group in GROUPS]
    labels += [label for template in NUMERIC_TEMPLATES for a in active_rows(template) for label in (a.label, *a.aliases)]
    return tuple(labels)


def request_rows(template: str, single_other_row: bool = False) -> tuple[Row, ...]:
    """The data rows of table 三 in printed order for a template."""
    if template == TEMPLATE_2019 or single_other_row:
        return REQUEST_ROWS_2019
    return REQUEST_ROWS_2021


def result_row_keys(rows: tuple[Row, ...]) -> tuple[str, ...]:
    """The rows that add up to （七）总计."""
    keys = [r.key for r in rows]
    return tuple(keys[keys.index("granted") : keys.index("total_processed")])


# ---------------------------------------------------------------- table 四

REVIEW_BLOCKS: tuple[Column, ...] = (
    Column("review", "行政复议"),
    Column("litigation_direct", "行政诉讼·未经复议直接起诉"),
    Column("litigation_after_review", "行政诉讼·复议后起诉"),
)
REVIEW_FIELDS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

# ---------------------------------------------------------------- table 二 (active)


@dataclass(frozen=True)
class ActiveRow:
    key: str
    label: str
    fields: tuple[Column, ...]
    block: str  # 第二十条第（一）项 …
    aliases: tuple[str, ...] = ()
    decimal: tuple[str, ...] = ()  # fields that are amounts, not counts
    signed: tuple[str, ...] = ()  # fields that may be negative (本年增/减)
    # What a report's text calls this row's items when it states a figure of them, with a verb
    # of one of its fields' `stated_as` (「作出行政处罚决定12件」).
    stated_as: tuple[str, ...] = ()


_DECISIONS_2021 = (Column("decisions", "本年处理决定数量", ("作出", "做出")),)
_DOCUMENTS_2021 = (
    Column("issued", "本年制发件数", ("制发", "新制发", "印发", "出台")),
    Column("repealed", "本年废止件数", ("废止",)),
    Column("in_force", "现行有效件数", ("现行有效",)),
)
_DOCUMENTS_2019 = (
    Column("made", "本年新制作数量", ("新制作", "制作", "制发", "印发")),
    Column("published", "本年新公开数量", ("新公开",)),
    Column("total", "对外公开总数量"),
)
ACTIVE_ROWS_2021: tuple[ActiveRow, ...] = (
    ActiveRow(
        "regulations",
        "规章",
        _DOCUMENTS_2021,
        "第二十条第（一）项",
        stated_as=("规章",),
    ),
    ActiveRow(
        "normative_documents",
        "行政规范性文件",
        _DOCUMENTS_2021,
        "第二十条第（一）项",
        aliases=("规范性文件",),
        stated_as=("行政规范性文件", "规范性文件"),
    ),
    ActiveRow("licensing", "行政许可", _DECISIONS_2021, "第二十条第（五）项", stated_as=("行政许可决定",)),
    ActiveRow("punishment", "行政处罚", _DECISIONS_2021, "第二十条第（六）项", stated_as=("行政处罚决定",)),
    ActiveRow("coercion", "行政强制", _DECISIONS_2021, "第二十条第（六）项", stated_as=("行政强制决定",)),
    ActiveRow(
        "fees",
        "行政事业性收费",
        (Column("amount", "本年收费金额（单位：万元）"),),
        "第二十条第（八）项",
        decimal=("amount",),
    ),
)

_PROJECTS_2019 = (
    Column("previous", "上一年项目数量"),
    Column("change", "本年增/减"),
    Column("decisions", "处理决定数量", ("作出", "做出")),
)
ACTIVE_ROWS_2019: tuple[ActiveRow, ...] = (
    ActiveRow(
        "regulations",
        "规章",
        _DOCUMENTS_2019,
        "第二十条第（一）项",
        stated_as=("规章",),
    ),
    ActiveRow(
        "normative_documents",
        "规范性文件",
        _DOCUMENTS_2019,
        "第二十条第（一）项",
        aliases=("行政规范性文件",),
        stated_as=("规范性文件", "行政规范性文件"),
    ),
    ActiveRow("licensing", "行政许可", _PROJECTS_2019, "第二十条第（五）项", signed=("change",), stated_as=("行政许可决定",)),
    ActiveRow("other_services", "其他对外管理服务事项", _PROJECTS_2019, "第二十条第（五）项", signed=("change",)),
    ActiveRow("punishment", "行政处罚", _PROJECTS_2019, "第二十条第（六）项", signed=("change",), stated_as=("行政处罚决定",)),
    ActiveRow("coercion", "行政强制", _PROJECTS_2019, "第二十条第（六）项", signed=("change",), stated_as=("行政强制决定",)),
    ActiveRow(
        "fees",
        "行政事业性收费",
        (Column("previous", "上一年项目数量"), Column("change", "本年增/减")),
        "第二十条第（八）项",
        signed=("change",),
    ),
    ActiveRow(
        "procurement",
        "政府集中采购",
        (Column("items", "采购项目数量"), Column("amount", "采购总金额")),
        "第二十条第（九）项",
        decimal=("amount",),
    ),
)


def active_rows(template: str) -> tuple[ActiveRow, ...]:
    return ACTIVE_ROWS_2019 if template == TEMPLATE_2019 else ACTIVE_ROWS_2021


# Labels that identify a template when found in the document (R1 of format.md).
TEMPLATE_MARKERS: dict[str, tuple[str, ...]] = {
    # Cores of the headers, so that variants ("本年(2023)制发件数", "本年新制发件数") still count.
    TEMPLATE_2021: ("制发件数", "废止件数", "现行有效件数", "收费金额"),
    TEMPLATE_2019: ("本年新制作数量", "本年新公开数量", "对外公开总数量", "其他对外管理服务事项", "政府集中采购"),
    TEMPLATE_PRE2019: (
        "同意公开",
        "同意部分公开",
        "不同意公开",
        "咨询处理情况",
        "依申请公开政府信息情况",
        "政府信息公开的收费及减免情况",
        "指标名称",
        "历年累计",
    ),
}


def expected_template(year: int) -> str:
    """The template a report for `year` must use (format.md R2)."""
    if year <= 2018:
        return TEMPLATE_PRE2019
    if year <= 2020:
        return TEMPLATE_2019
    return TEMPLATE_2021


# ---------------------------------------------------------------- the six sections


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    keywords: tuple[str, ...]  # any of these in a heading line marks the section


SECTIONS: tuple[Section, ...] = (
    Section(1, "总体情况", ("总体情况", "概述", "基本情况")),
    Section(2, "主动公开政府信息情况", ("主动公开政府信息", "主动公开情况")),
    Section(3, "收到和处理政府信息公开申请情况", ("收到和处理政府信息公开申请", "收到和处理", "依申请公开情况")),
    Section(4, "政府信息公开行政复议、行政诉讼情况", ("行政复议",)),
    Section(5, "存在的主要问题及改进情况", ("存在的主要问题", "存在问题", "主要问题", "改进情况")),
    Section(6, "其他需要报告的事项", ("其他需要报告", "其他需报告", "其他事项")),
)

# ---------------------------------------------------------------- label normalisation

_LIST_MARK = re.compile(r"^(?:\d+|[一二三四五六七八九十]+)[.．、,，]")


# Some PDF fonts print characters as radicals: the Kangxi radicals (U+2F00–2FD5, 「⼈」 for 人;
# NFKC gives the character) and, in the radicals supplement, these simplified forms («⺠» for 民),
# which NFKC leaves alone. Each is one character for one, so columns do not move.
_RADICALS = re.compile("[\u2e80-\u2fdf]+")
_SUPPLEMENT_FORMS = str.maketrans(
    "\u2ea0\u2ed3\u2ecb\u2ed4\u2ec5\u2ee2\u2eda\u2edb\u2edc\u2ee5\u2ee6\u2ef0\u2ee9\u2eec\u2eee\u2ec6\u2ed8\u2edd\u2ec4\u2ee8\u2ec9\u2eca\u2ee4\u2ee3\u2ed7\u2ed9",
    "民长车门见马页风飞鱼鸟龙黄齐齿角青食西麦贝足鬼骨雨韦",
)


def _as_characters(run: re.Match[str]) -> str:
    unified = unicodedata.normalize("NFKC", run.group().translate(_SUPPLEMENT_FORMS))
    return unified if len(unified) == len(run.group()) else run.group()


def unify_radicals(text: str) -> str:
    """`text` with the radicals a PDF font printed for characters read as those characters."""
    return _RADICALS.sub(_as_characters, text) if _RADICALS.search(text) else text


# Labels are shorter; a text this long is a passage of a document, folded otherwise (see below).
_LONG_TEXT = 200


def normalize_label(text: str) -> str:
    """Fold a printed label (cached for the short strings labels are); see `_fold`."""
    return _fold_cached(text) if len(text) < _LONG_TEXT else _fold(text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return _fold(text)


_FULL_WIDTH = str.maketrans({**{chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)}, "\u3000": " "})
# The characters `_FULL_WIDTH` maps: translating only their runs is several times faster on a
# long Chinese text than `str.translate` on all of it (a dict lookup per character).
_FULL_WIDTH_RUN = re.compile("[\uff01-\uff5e\u3000]+")
# Characters NFKC changes that a report may print, beyond the full-width ASCII forms.
_COMPATIBILITY = re.compile("[\u00a0-\u00bf\u2000-\u2017\u2024-\u2026\u2150-\u218f\u2460-\u24ff\u2e80-\u2fdf\u3200-\u33ff\uf900-\ufaff\ufb00-\ufb4f\ufe10-\ufe6f\uff5f-\uffef]")
# Whitespace and quotes, both dropped (one pass).
_QUOTES = "“”\"'‘’「」『』"
_DROPPED = re.compile(f"[\\s{_QUOTES}]+")


def _half_width(run: re.Match[str]) -> str:
    return run.group().translate(_FULL_WIDTH)


_FULL_WIDTH_CHARACTER = re.compile(_FULL_WIDTH_RUN.pattern[:-1])
_HALF_WIDTH_OF = {chr(code): half for code, half in _FULL_WIDTH.items()}


def half_width(text: str) -> str:
    """`text` with its full-width forms (and ideographic spaces) as ASCII characters."""
    if len(text) < _LONG_TEXT:
        return _FULL_WIDTH_RUN.sub(_half_width, text)
    # A long text: each full-width character it prints replaced all at once, two to three
    # times faster than a call for each run of them.
    for char in set(_FULL_WIDTH_CHARACTER.findall(text)):
        text = text.replace(char, _HALF_WIDTH_OF[char])
    return text


def without_spaces_and_quotes(text: str) -> str:
    """`text` without its whitespace (what `str.isspace` calls so) and quotes."""
    if len(text) < _LONG_TEXT:
        return _DROPPED.sub("", text)
    # A long text: splitting at whitespace and dropping each quote is four times faster than
    # the pattern, which tries its class at every character (slower on a label).
    text = "".join(text.split())
    for quote in _QUOTES:
        if quote in text:
            text = text.replace(quote, "")
    return text


def _fold(text: str) -> str:
    """Fold a printed label so that variants compare equal.

    Full/half-width forms (NFKC), whitespace inside labels ("规    章", "结 果 维 持"), line
    breaks, curly or straight quotes, and 1. / 1、 / 1． list markers all fold to one form.
    """
    # The full-width forms every Chinese text is full of fold by a table; the costlier NFKC
    # runs only for the rarer compatibility characters (Kangxi radicals from PDF fonts, ①, Ⅰ …).
    folded = half_width(text)
    if _COMPATIBILITY.search(folded):
        folded = unicodedata.normalize("NFKC", folded)
    folded = without_spaces_and_quotes(folded)
    folded = folded.replace("、", ".").replace("，", ",").replace("：", ":")
    return folded


def has_compatibility_forms(text: str) -> bool:
    """Whether `text` prints characters NFKC folds (`normalize_label`) beyond full-width forms."""
    return _COMPATIBILITY.search(text) is not None


def folds_to_contain(text: str, words: str, *, compatibility_forms: bool = True) -> bool:
    """Whether `words` (Chinese characters) stand in `text` once folded (`normalize_label`).

    Folding makes a Chinese character only out of a compatibility form (a radical, a CJK
    compatibility ideograph): a text holding neither the words' first character nor such a
    form does not contain them, and is not folded to tell (most lines of a document).
    `compatibility_forms`: False when the caller knows `text` holds none (its document has none).
    """
    if words[0] not in text and not (compatibility_forms and has_compatibility_forms(text)):
        return False
    return words in normalize_label(text)


def list_marker_digit(label: str) -> str | None:
    """The digit that numbers a row label ("2.其他法律行政法规禁止公开" → "2"), if any."""
    mark = re.match(r"^(\d)\.", normalize_label(label))
    return mark.group(1) if mark else None


_BRACKETED_MARK = re.compile(r"^\((?:\d+|[一二三四五六七八九十]+)\)")


def strip_list_mark(label: str) -> str:
    """Drop a leading 1. / （一） / 一、 marker from a folded label."""
    return _LIST_MARK.sub("", _BRACKETED_MARK.sub("", label))


_CHINESE_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_MARK_NUMBER = re.compile(r"^(?:\((\d+|[一二三四五六七八九十]+)\)|(\d+|[一二三四五六七八九十]+)[.．、,，])")


def _list_number(folded: str) -> int | None:
    """The number a folded label's list marker gives it (「（六）」 6, 「3.」 3, 「二、」 2), if any."""
    mark = _MARK_NUMBER.match(folded)
    if mark is None:
        return None
    numeral = mark.group(1) or mark.group(2)
    if numeral.isdigit():
        return int(numeral)
    return _CHINESE_NUMERALS.get(numeral, 0) if len(numeral) == 1 else 10 + _CHINESE_NUMERALS.get(numeral[-1], 0)


_FOLDED_GROUP_LABELS = tuple(normalize_label(group) for group in SHARED_GROUP_LABELS)


@lru_cache(maxsize=65536)
def label_similarity(printed: str, official: str) -> float:
    """How well a printed label matches an official one, 0..1 (after folding both).

    A printed label numbered otherwise than the official one matches half as well: a piece of
    it (「（六）其他」, the first line of the group 「（六）其他处理」, is not the row 「3.其他」), or a
    label alike in its words (「一、本年新收…申请数量」 is not 「二、上年结转…申请数量」). The first line
    of a wrapped label, numbered as the official one (「5.要求行政机关确认」), matches well.
    A group's label printed before its row's in one cell (「三、本年度办理结果 （一）予以公开」: a
    converter joined the merged cell to the row's) names the row as the row's label alone does.
    Cached: the same printed labels recur in report after report.
    """
    folded_printed, folded_official = normalize_label(printed), normalize_label(official)
    for group in _FOLDED_GROUP_LABELS:
        if folded_printed.startswith(group) and len(folded_printed) > len(group) and not folded_official.startswith(group):
            return label_similarity(folded_printed[len(group) :], official)
    a, b = strip_list_mark(folded_printed), strip_list_mark(folded_official)
    if not a or not b:
        return 0.0
    if a in b:
        numbers = _list_number(folded_printed), _list_number(folded_official)
        if None not in numbers and numbers[0] != numbers[1]:
            return 0.5 * (1.0 if a == b else len(a) / len(b) * 0.5 + 0.5)
        if a == b:
            return 1.0
        if None not in numbers and b.startswith(a) and len(a) >= 4:
            return max(0.85, len(a) / len(b) * 0.5 + 0.5)
    if b in a or a in b:
        return min(len(a), len(b)) / max(len(a), len(b)) * 0.5 + 0.5
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    numbers = _list_number(folded_printed), _list_number(folded_official)
    # Alike in their words, numbered otherwise (「一、本年新收…申请数量」, 「二、上年结转…申请数量」): other rows.
    return 0.5 * ratio if None not in numbers and numbers[0] != numbers[1] else ratio


NUMERIC_TEMPLATES: tuple[str, ...] = (TEMPLATE_2021, TEMPLATE_2019)  # the formats whose numbers are read and checked


_REQUEST_HEADERS = frozenset(normalize_label(text) for text in (APPLICANTS_HEADER, ORGANISATIONS_HEADER, *(c.label for c in REQUEST_COLUMNS)))
