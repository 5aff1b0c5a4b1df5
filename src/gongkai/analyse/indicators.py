"""The indicators computed from a report: each defined once, with its key, Chinese name and formula.

An indicator is a count (本年新收申请数), a ratio (公开率 = 分子 ÷ 分母) or a per-report count of
findings. A ratio is built from the dotted cell paths of its numerator and denominator, so the
function that computes it and the formula text shown in docs/indicators.md come from the same
definition and cannot drift apart.

Null is never zero: when any cell a part needs is null (blank, "/", unreadable, table missing),
that part is null and so is the indicator. A zero denominator gives a null ratio with both parts
known. Aggregates over many reports are ratios of sums over the reports whose parts are both
known (not means of ratios, which would weigh a report with 2 applications like one with 2,000),
and carry the number of reports used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from .. import formats
from ..check import RULES
from ..model import Record
from ..textwidth import display_width, pad

Number = int | float
Kind = Literal["count", "ratio", "per_report"]
Parts = tuple[Number | None, Number | None]

KIND_NAMES: dict[str, str] = {"count": "计数", "ratio": "比率", "per_report": "每份报告条数"}


@dataclass(frozen=True)
class Measure:
    """An indicator's value with its parts; `n` is the number of reports behind it (1 for one report)."""

    value: float | None
    numerator: Number | None
    denominator: Number | None
    n: int


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # Chinese, also the column title
    kind: Kind
    formula: str  # Chinese, for people
    parts: Callable[[Record], Parts]  # (numerator, denominator); a count's denominator is None
    cells: tuple[str, ...] = ()  # the dotted paths it reads (empty for findings)
    group: str = ""  # heading in docs/indicators.md
    main: bool = False  # a column of the default text table and of the XLSX summary
    note: str = ""
    numerator: tuple[str, ...] = ()  # the cells summed above the line (a count's cells)
    denominator: tuple[str, ...] = ()  # … and below it (none for a count)
    counted: tuple[Literal["severity", "rule"], str] | None = None  # the findings a per-report count counts

    def measure(self, record: Record) -> Measure:
        return self.of_parts(*self.parts(record))

    def of_parts(self, numerator: Number | None, denominator: Number | None) -> Measure:
        """One report's measure from its two parts (as `parts` gives them, or as a store summed them)."""
        return Measure(_value(self.kind, numerator, denominator), numerator, denominator, 1)

    def aggregate(self, measures: Iterable[Measure]) -> Measure:
        """Ratio of sums (a sum for a count) over the measures whose parts are all known."""
        used = [m for m in measures if m.numerator is not None and (self.kind == "count" or m.denominator is not None)]
        if not used:
            return Measure(None, None, None, 0)
        numerator = _total(m.numerator for m in used)
        denominator = None if self.kind == "count" else _total(m.denominator for m in used)
        return Measure(_value(self.kind, numerator, denominator), numerator, denominator, sum(m.n for m in used))


def _total(values: Iterable[Number | None]) -> Number:
    return sum(v for v in values if v is not None)


def _value(kind: Kind, numerator: Number | None, denominator: Number | None) -> float | None:
    if numerator is None:
        return None
    if kind == "count":
        return numerator
    if denominator is None or denominator == 0:
        return None
    return numerator / denominator


# ---------------------------------------------------------------- reading cells


def cell(record: Record, path: str) -> Number | None:
    """One table cell by its dotted path; None when null or absent (a row the report does not have)."""
    table, row, column = formats.CellPath.parse(path)
    if table == "requests":
        values = record.rows.get(row)
        if not values:
            return None
        return values[formats.COLUMN_INDEX[column]]
    source = record.review_litigation if table == "review_litigation" else record.active
    return source.get(row, {}).get(column)


def cell_sum(record: Record, paths: tuple[str, ...]) -> Number | None:
    """The sum of some cells, null as soon as one of them is null (null is never zero)."""
    total: Number = 0
    for path in paths:
        value = cell(record, path)
        if value is None:
            return None
        total += value
    return total


_BLOCK_LABELS = {b.key: b.label for b in formats.REVIEW_BLOCKS}
_FIELD_LABELS = {f.key: f.label for f in formats.REVIEW_FIELDS}
_COLUMN_LABELS = {c.key: c.label for c in formats.REQUEST_COLUMNS}


def cell_name(path: str) -> str:
    """A short Chinese name of a cell for formulas: 予以公开, 行政复议·结果纠正, …"""
    table, row, column = formats.CellPath.parse(path)
    if table == "requests":
        name = formats.ALL_REQUEST_ROWS[row].name
        return name if column == "total" else f"{name}（{_COLUMN_LABELS[column]}）"
    if table == "review_litigation":
        return f"{_BLOCK_LABELS[row]}·{_FIELD_LABELS[column]}"
    return path


def _terms(paths: tuple[str, ...], bracket: bool = True) -> str:
    names = " + ".join(cell_name(p) for p in paths)
    return f"（{names}）" if bracket and len(paths) > 1 else names


def _request_totals(*rows: str) -> tuple[str, ...]:
    return tuple(f"requests.{row}.total" for row in rows)


def _review(blocks: tuple[str, ...], fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"review_litigation.{b}.{f}" for b in blocks for f in fields)


def _count(key: str, name: str, paths: tuple[str, ...], group: str, *, main: bool = False, note: str = "") -> Indicator:
    return Indicator(
        key, name, "count", _terms(paths, bracket=False), lambda record: (cell_sum(record, paths), None), paths, group, main, note, numerator=paths
    )


def _ratio(
    key: str,
    name: str,
    numerator: tuple[str, ...],
    denominator: tuple[str, ...],
    group: str,
    *,
    main: bool = False,
    note: str = "",
    spelled: tuple[str, str] | None = None,
) -> Indicator:
    """A ratio of two cell sums; `spelled` names long sums in the formula (the cells are listed anyway)."""
    top, bottom = spelled or (_terms(numerator), _terms(denominator))
    return Indicator(
        key,
        name,
        "ratio",
        f"{top} ÷ {bottom}",
        lambda record: (cell_sum(record, numerator), cell_sum(record, denominator)),
        numerator + tuple(p for p in denominator if p not in numerator),
        group,
        main,
        note,
        numerator=numerator,
        denominator=denominator,
    )


def _findings(key: str, name: str, formula: str, counted: tuple[Literal["severity", "rule"], str], *, main: bool = False) -> Indicator:
    """Findings per report (those of one severity or of one rule): a report's count over 1, so
    that the aggregate is the mean per report."""
    by, wanted = counted
    return Indicator(
        key,
        name,
        "per_report",
        formula,
        lambda record: (sum(1 for f in record.findings if (f.severity if by == "severity" else f.rule) == wanted), 1),
        (),
        "问题",
        main,
        counted=counted,
    )


def _group_sum(key: str) -> str:
    """A whole result group as a sum: （三）不予公开 1–8 项之和."""
    group = next(g for g in formats.GROUPS if g.key == key)
    return f"{group.label} 1–{len(group.rows)} 项之和"


# ---------------------------------------------------------------- the catalog

_PROCESSED = _request_totals("total_processed")
_RESULTS = "办理结果"
_WITHHELD = formats.RESULT_CATEGORIES["withheld"]
_REVIEW_DECIDED = ("upheld", "corrected", "other")  # 尚未审结 has no result yet
_LITIGATION = ("litigation_direct", "litigation_after_review")

INDICATORS: tuple[Indicator, ...] = (
    _count("received", "本年新收申请", _request_totals("new_received"), "申请", main=True),
    _count("processed", "办结申请", _PROCESSED, "申请", note="三、本年度办理结果（七）总计。"),
    _ratio(
        "disclosure_rate",
        "公开率",
        _request_totals("granted", "partially_granted"),
        _PROCESSED,
        _RESULTS,
        main=True,
        note="部分公开按表内说明「只计这一情形」计入。",
    ),
    _ratio(
        "withheld_rate",
        "不予公开率",
        _request_totals(*_WITHHELD),
        _PROCESSED,
        _RESULTS,
        main=True,
        spelled=(_group_sum("withheld"), cell_name(_PROCESSED[0])),
    ),
    *(
        _ratio(
            key,
            formats.ALL_REQUEST_ROWS[key].name,
            _request_totals(key),
            _PROCESSED,
            "不予公开（按理由）",
            note="分子即该理由的件数。",
        )
        for key in _WITHHELD
    ),
    _ratio(
        "unavailable_rate",
        "无法提供率",
        _request_totals(*formats.RESULT_CATEGORIES["unavailable"]),
        _PROCESSED,
        _RESULTS,
        main=True,
        spelled=(_group_sum("unavailable"), cell_name(_PROCESSED[0])),
    ),
    _ratio(
        "rejected_rate",
        "不予处理率",
        _request_totals(*formats.RESULT_CATEGORIES["rejected"]),
        _PROCESSED,
        _RESULTS,
        main=True,
        spelled=(_group_sum("rejected"), cell_name(_PROCESSED[0])),
    ),
    _ratio(
        "carry_forward_rate",
        "结转率",
        _request_totals("carried_forward"),
        _request_totals("new_received", "carried_over"),
        _RESULTS,
        main=True,
    ),
    _ratio(
        "review_correction_rate",
        "行政复议纠错率",
        _review(("review",), ("corrected",)),
        _review(("review",), _REVIEW_DECIDED),
        "行政复议、行政诉讼",
        main=True,
        note="尚未审结的案件不计入分母。",
    ),
    _ratio(
        "litigation_correction_rate",
        "行政诉讼纠错率",
        _review(_LITIGATION, ("corrected",)),
        _review(_LITIGATION, _REVIEW_DECIDED),
        "行政复议、行政诉讼",
        main=True,
        note="未经复议直接起诉与复议后起诉合并计算；尚未审结的案件不计入分母。",
    ),
    _findings("errors", "错误", "“错误”级问题条数", ("severity", "error"), main=True),
    _findings("warnings", "警告", "“警告”级问题条数", ("severity", "warning"), main=True),
    *(_findings(f"findings_{r.name}", f"{r.code} {r.title}", f"规则 {r.code} `{r.name}` 的问题条数", ("rule", r.name)) for r in RULES),
)

INDICATORS_BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
MAIN_INDICATORS: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.main)


def measures(record: Record, indicators: Iterable[Indicator] = INDICATORS) -> dict[str, Measure]:
    """Every indicator of one report."""
    return {i.key: i.measure(record) for i in indicators}


def select(keys: Iterable[str]) -> tuple[Indicator, ...]:
    """Indicators by key, in the order given; KeyError names the unknown one."""
    return tuple(INDICATORS_BY_KEY[key] for key in keys)


def indicators_markdown() -> str:
    """The catalog as Markdown (docs/indicators.md is generated from this)."""
    out = [
        "# 指标 — indicators",
        "",
        "Generated by `gongkai stats --list --format markdown` from `gongkai.analyse.indicators`.",
        "",
        "- 表三的单元格都取“总计”列。Cells of table 三 are read in its 总计 column.",
        (
            "- **空不等于零**：分子或分母用到的任一单元格为空（空白、“/”、读不出、缺表），该报告的指标即为空；"
            "分母为 0 时比率为空。Null is never zero: a null cell makes the indicator null for that report; a zero "
            "denominator gives a null ratio."
        ),
        (
            "- **汇总**（按机关、地区、年度）：比率 = 各报告分子之和 ÷ 分母之和，只计分子分母均已知的报告，并给出所用报告数 n；"
            "计数为已知值之和；问题数为每份报告平均条数。Aggregates are ratios of sums over the reports where both "
            "parts are known, with the number of reports used."
        ),
        (
            "- **排名**：同一年度内按本年新收申请、公开率从高到低排名（并列同名次，空值不排名）。"
            "**同比**：同一机关与上一年度相比，本年新收申请的增减（件）与公开率的增减（百分点）。"
        ),
        "",
        "| key | 名称 | 类型 | 公式 |",
        "|---|---|---|---|",
    ]
    for indicator in INDICATORS:
        out.append(f"| `{indicator.key}` | {indicator.name} | {KIND_NAMES[indicator.kind]} | {indicator.formula} |")
    group = None
    for indicator in INDICATORS:
        if indicator.kind == "per_report" and not indicator.main:
            continue  # the per-rule counts are alike; the table above lists them
        if indicator.group != group:
            group = indicator.group
            out += ["", f"## {group}"]
        out += ["", f"### `{indicator.key}` {indicator.name}", "", f"{KIND_NAMES[indicator.kind]}：{indicator.formula}"]
        if indicator.cells:
            out += ["", "单元格 / cells: " + ", ".join(f"`{p}`" for p in indicator.cells)]
        if indicator.note:
            out += ["", indicator.note]
    return "\n".join(out) + "\n"


def indicators_text() -> str:
    """The catalog as an aligned list for the terminal."""
    key_width = max(len(i.key) for i in INDICATORS) + 2
    name_width = max(display_width(i.name) for i in INDICATORS) + 2
    return "\n".join(f"{pad(i.key, key_width)}{pad(i.name, name_width)}{i.formula}" for i in INDICATORS)
