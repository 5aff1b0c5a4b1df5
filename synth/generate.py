"""Generate complete 政府信息公开工作年度报告 for tests and benchmarks.

A `ReportSpec` holds everything a report states: agency, year, format, signature date, the
three tables in the record's shape, the section texts and where the narrative states which
figure. `random_report(seed)` makes one whose numbers are consistent (row totals, （七）总计,
the 勾稽关系 of every column, table 四 totals, and the narrative); `plant(spec, kind, rng)`
breaks exactly one of those relations and says where. The renderers print a spec the ways
reports reach gongkai:

* `to_text(spec, layout)`: text copied out of Word/PDF, in four layouts (tab-separated rows,
  Markdown pipe tables, one cell per line, `pdftotext -layout`-style aligned columns with
  wrapped labels and a page break inside table 三);
* `to_docx(spec)`: a Word document whose tables have the merged cells of the official blank
  template (国办公开办函〔2021〕30号), optionally with a page break inside table 三;
* `to_html(spec)`: a gov.cn-like page (site chrome, 发布日期 in the page header, UTF-8 or GBK,
  optionally a lying meta charset) whose tables use rowspan/colspan like the official layout.

For the store, `agency_series(seed)` makes many agencies over consecutive years whose reports
agree across years (上年结转 = last year's 结转下年度, the stock of 规范性文件), with narratives
written afresh each year and printed names that sometimes carry a typo or drop their city;
`plant_series` breaks one cross-year relation (carry_over_chain, stock_continuity, copied_text)
and says where; `planted_series` does both for a whole corpus; `write_reports` writes files.

Labels, rows and columns always come from `gongkai.formats`, and the tables' official layout
(merged cells, group labels, the 勾稽 note) from `gongkai.layout`; nothing here retypes them.

    >>> from synth.generate import random_report, to_text
    >>> spec = random_report(7)
    >>> text = to_text(spec, "tabs")
"""

from __future__ import annotations

import copy
import html as _html
import io
import itertools
import random
import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from gongkai import formats, layout
from gongkai.layout import Cell, Grid, format_number

from . import expected_cells

__all__ = [
    "ARITHMETIC_RULES",
    "LAYOUTS",
    "PLANTS",
    "PLANT_KINDS",
    "RENDERINGS",
    "SERIES_PLANTS",
    "SERIES_PLANT_KINDS",
    "NarrativeItem",
    "Plant",
    "PlantKind",
    "ReportSpec",
    "SeriesPlant",
    "agency_series",
    "expected_cells",
    "plant",
    "plant_series",
    "planted_series",
    "random_report",
    "render",
    "tables",
    "to_docx",
    "to_html",
    "to_text",
    "violations",
    "write_reports",
]

Number = int | float
LAYOUTS: tuple[str, ...] = ("tabs", "markdown", "cells", "layout")

_CN_NUMBERS = "一二三四五六"
_TOTAL = formats.REQUEST_COLUMN_KEYS.index("total")

# ---------------------------------------------------------------- names

_CITIES = (
    "赣州市", "淮安市", "宜春市", "九江市", "南平市", "绵阳市", "遵义市", "洛阳市", "襄阳市", "常德市",
    "柳州市", "湖州市", "泰州市", "德州市", "曲靖市", "吉安市", "上饶市", "衡阳市", "南阳市", "宿迁市",
)
_DISTRICTS = (
    "章贡区", "南康区", "洪泽区", "清江浦区", "袁州区", "浔阳区", "建阳区", "涪城区", "汇川区", "西工区",
    "樊城区", "武陵区", "城中区", "吴兴区", "海陵区", "吉州区", "信州区", "雁峰区", "卧龙区", "宿城区",
)
_COUNTIES = (
    "宁都县", "涟水县", "铜鼓县", "修水县", "浦城县", "三台县", "绥阳县", "宜阳县", "南漳县", "桃源县",
    "融安县", "长兴县", "夏津县", "陆良县", "永丰县", "婺源县", "衡山县", "西峡县", "泗阳县", "于都县",
)
_DEPARTMENTS = (
    "交通运输局", "自然资源局", "生态环境局", "住房和城乡建设局", "市场监督管理局", "教育体育局",
    "卫生健康委员会", "发展和改革委员会", "卫生健康委", "政务服务数据管理局", "医疗保障局",
    "退役军人事务局", "融媒体中心", "政务服务中心", "公共资源交易中心", "农业农村局", "水利局",
    "民政局", "司法局", "财政局", "人力资源和社会保障局", "应急管理局", "统计局", "审计局", "林业局",
    "商务局", "文化广电新闻出版旅游局", "人民政府办公室", "城市管理局", "机关事务管理中心",
)


def random_agency(rng: random.Random) -> str:
    """A plausible issuing organ: city, then district or county, then a 局/委/办公室/中心/人民政府."""
    city = rng.choice(_CITIES)
    shape = rng.random()
    if shape < 0.3:
        return city + rng.choice(_DEPARTMENTS)
    place = rng.choice(_DISTRICTS if rng.random() < 0.5 else _COUNTIES)
    if shape < 0.45:
        return city + place + "人民政府"
    return city + place + rng.choice(_DEPARTMENTS)


# ---------------------------------------------------------------- the spec


@dataclass
class NarrativeItem:
    """A sentence of the narrative that states table figures: its section and what it states.

    `kind` is "requests" (新收/上年结转/办结/结转下年度), "results" (the result categories of
    `topics`), "review" (行政复议/行政诉讼) or "active" (table 二's cells of `topics`, e.g.
    "active.normative_documents.issued"); `variant` picks the wording.
    """

    section: int
    kind: Literal["requests", "results", "review", "active"]
    variant: int = 0
    topics: tuple[str, ...] = ()


@dataclass
class ReportSpec:
    """Everything a generated report states; the tables are in the record's shape.

    `requests` maps each printed row key of table 三 to its seven values (REQUEST_COLUMN_KEYS
    order), `review` block → field → value (table 四), `active` row → field → value (table 二).
    `overrides` makes the narrative state a figure different from the table (see `plant`).
    """

    seed: int
    agency: str
    year: int
    template: str
    published: date
    requests: dict[str, list[int]]
    review: dict[str, dict[str, int]]
    active: dict[str, dict[str, Number]]
    single_other_row: bool = False
    sections: dict[int, list[str]] = field(default_factory=dict)  # paragraphs without figures
    narrative: list[NarrativeItem] = field(default_factory=list)
    listed: tuple[int, tuple[tuple[str, int], ...]] | None = None  # 主动公开N条，其中…
    overrides: dict[str, int] = field(default_factory=dict)
    site: str = ""
    series: str = ""  # the agency's canonical name in an `agency_series` (`agency` is as printed)

    # -- structure

    def request_rows(self) -> tuple[formats.Row, ...]:
        return formats.request_rows(self.template, self.single_other_row)

    def active_rows(self) -> tuple[formats.ActiveRow, ...]:
        return formats.active_rows(self.template)

    def copy(self) -> ReportSpec:
        return copy.deepcopy(self)

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def notice(self) -> str:
        return "国办公开办函〔2019〕60号" if self.template == formats.TEMPLATE_2019 else "国办公开办函〔2021〕30号"

    # -- figures

    def figures(self) -> dict[str, int]:
        """The table value of every narrative topic (as gongkai's narrative rule computes it)."""
        rows = self.requests

        def total(*keys: str) -> int:
            return sum(rows[k][_TOTAL] for k in keys if k in rows)

        other = ("other_handling",) if "other_handling" in rows else formats.OTHER_2021_KEYS
        out = {
            "new_received": total("new_received"),
            "carried_over": total("carried_over"),
            "total_processed": total("total_processed"),
            "carried_forward": total("carried_forward"),
            "granted": total("granted"),
            "partially_granted": total("partially_granted"),
            "granted_or_partial": total("granted", "partially_granted"),
            "withheld": total(*formats.RESULT_CATEGORIES["withheld"]),
            "unavailable": total(*formats.RESULT_CATEGORIES["unavailable"]),
            "rejected": total(*formats.RESULT_CATEGORIES["rejected"]),
            "other": total(*other),
            "review_total": self.review["review"]["total"],
            "litigation_total": self.review["litigation_direct"]["total"] + self.review["litigation_after_review"]["total"],
        }
        for row in self.active_rows():
            for column in row.fields:
                value = self.active[row.key][column.key]
                if row.stated_as and column.stated_as and isinstance(value, int):
                    out[formats.active_topic(row.key, column.key)] = value
        return out

    def stated(self) -> dict[str, int]:
        """The figures as the narrative states them (the table's, unless overridden)."""
        return {**self.figures(), **self.overrides}

    def statements(self) -> list[tuple[int, str, int]]:
        """(section, topic, stated value) of every figure the narrative states."""
        out: list[tuple[int, str, int]] = []
        for item in self.narrative:
            _sentence, topics = _narrative_sentence(self, item)
            out.extend((item.section, topic, value) for topic, value in topics)
        return out

    # -- text

    def intro(self) -> str:
        return (
            f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室"
            f"关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{self.notice}）要求编制。"
            f"本报告所列数据的统计期限自{self.year}年1月1日起至{self.year}年12月31日止。"
            f"本报告电子版可在“{self.site}”门户网站查阅或下载。如对本报告有疑问，请与{self.agency}联系。"
        )

    def paragraphs(self, section: int) -> list[str]:
        """The paragraphs of a section as printed: boilerplate with the narrative sentences in place."""
        paragraphs = list(self.sections.get(section, []))
        placed = 0  # narrative sentences follow one another, in the plan's order
        for item in self.narrative:
            if item.section != section:
                continue
            sentence, _topics = _narrative_sentence(self, item)
            paragraphs.insert(_narrative_anchor(paragraphs, item) + placed, sentence)
            placed += 1
        return paragraphs

    def signature_date(self, style: int = 0) -> str:
        d = self.published
        if style == 1:
            return f"{_cn_year(d.year)}年{_cn_small(d.month)}月{_cn_small(d.day)}日"
        return f"{d.year}年{d.month}月{d.day}日"


def _cn_year(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(c)] for c in str(year))


def _cn_small(value: int) -> str:
    digits = "〇一二三四五六七八九"
    if value < 10:
        return digits[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _narrative_anchor(paragraphs: list[str], item: NarrativeItem) -> int:
    """Where a narrative sentence goes: after the section-1 sub-heading it belongs to, else first."""
    if item.section == 1:
        heading = "（一）主动公开" if item.kind == "active" else "（二）依申请公开"
        for index, text in enumerate(paragraphs):
            if text == heading:
                return index + 1
    return 0


_CATEGORY_WORDS = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "granted_or_partial": "予以公开及部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
}


# Figures of other things than table 二's cells that a 主动公开 paragraph states next to them
# (counted in 篇, 条, 次: none is a table 二 figure).
_ACTIVE_ASIDES = ("发布政策解读{n}篇", "公开行政处罚信息{n}条", "开展规范性文件合法性审查{n}次", "公开行政许可信息{n}条")


def _active_sentence(spec: ReportSpec, item: NarrativeItem) -> tuple[str, list[tuple[str, int]]]:
    """Table 二's figures of `item.topics` in one sentence: variant 0 names each row once and
    lists its verbs (「制发行政规范性文件3件，废止1件」), 1 names each verb once and lists its
    rows (「制发规章0件、行政规范性文件3件」); odd-numbered variants above 1 add figures of
    other things (`_ACTIVE_ASIDES`)."""
    s = spec.stated()
    rows = {row.key: row for row in spec.active_rows()}
    cells = [formats.active_topic_cell(t) for t in item.topics]
    stated = [(t, cell) for t, cell in zip(item.topics, cells) if cell is not None]

    def verb(row: str, field: str) -> str:
        return next(c.stated_as[0] for c in rows[row].fields if c.key == field)

    def name(row: str) -> str:
        return rows[row].stated_as[0]

    groups: list[str] = []
    if item.variant % 2 == 0:
        for row in dict.fromkeys(cell[0] for _t, cell in stated):
            mine = [(t, cell[1]) for t, cell in stated if cell[0] == row]
            clauses = [f"{verb(row, field)}{name(row) if i == 0 else ''}{s[t]}件" for i, (t, field) in enumerate(mine)]
            groups.append("，".join(clauses))
    else:
        for field_verb in dict.fromkeys(verb(*cell) for _t, cell in stated):
            mine = [(t, cell[0]) for t, cell in stated if verb(*cell) == field_verb]
            groups.append(field_verb + "、".join(f"{name(row)}{s[t]}件" for t, row in mine))
    if item.variant > 1 and item.variant % 2 == 1:
        aside = _ACTIVE_ASIDES[item.variant % len(_ACTIVE_ASIDES)].format(n=item.variant * 7 % 90 + 3)
        groups.append(aside)
    lead = "本年度" if item.variant % 3 else "全年共"
    return lead + "；".join(groups) + "。", [(t, s[t]) for t, _cell in stated]


def _narrative_sentence(spec: ReportSpec, item: NarrativeItem) -> tuple[str, list[tuple[str, int]]]:
    """The sentence for a narrative item and the (topic, value) pairs it states."""
    s = spec.stated()
    y = spec.year
    if item.kind == "active":
        return _active_sentence(spec, item)
    if item.kind == "requests":
        keys = ("new_received", "carried_over", "total_processed", "carried_forward")
        if all(s[k] == 0 for k in keys) and item.variant % 2 == 0:
            return f"{y}年，本机关未收到政府信息公开申请。", [("new_received", 0)]
        new, old, done, forward = (s[k] for k in keys)
        if item.variant % 2 == 0:
            text = f"{y}年，本机关收到政府信息公开申请{new}件，上年结转{old}件，办结{done}件，结转下年度{forward}件。"
        else:
            text = f"全年共受理政府信息公开申请{new}件，另有上年结转申请{old}件；已办结{done}件，结转下年度继续办理{forward}件。"
        return text, [(k, s[k]) for k in keys]
    if item.kind == "results":
        if not item.topics:
            return "所有申请均在法定期限内答复。", []
        parts = [f"{_CATEGORY_WORDS[t]}{s[t]}件" for t in item.topics]
        lead = "其中，" if item.variant % 2 == 0 else "从办理结果看，"
        return lead + "，".join(parts) + "。", [(t, s[t]) for t in item.topics]
    review, litigation = s["review_total"], s["litigation_total"]
    if review == 0 and litigation == 0 and item.variant % 2 == 0:
        return "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。", []
    if item.variant % 2 == 0:
        text = f"{y}年，本机关因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{litigation}件。"
    else:
        text = f"全年发生政府信息公开行政复议案件{review}件、行政诉讼案件{litigation}件。"
    return text, [("review_total", review), ("litigation_total", litigation)]


# ---------------------------------------------------------------- random values


def _count(rng: random.Random, high: int) -> int:
    """A positive count, small numbers more likely than large ones (log-uniform up to `high`)."""
    if high <= 1:
        return 1
    scaled: float = high ** rng.random()
    return max(1, min(high, round(scaled)))


def _random_requests(rng: random.Random, rows: tuple[formats.Row, ...], zero_rate: float) -> dict[str, list[int]]:
    keys = [r.key for r in rows]
    results = formats.result_row_keys(rows)
    table = {key: [0] * 7 for key in keys}
    if rng.random() < zero_rate / 4:
        return table  # many agencies receive no application at all
    busy = rng.random() < 0.35  # some agencies receive thousands
    for column in range(6):
        if column == 0:
            scale = rng.choice((3000, 1500)) if busy else rng.choice((8, 40, 200))
            active_share = 1 - zero_rate / 2
        else:
            if rng.random() < zero_rate + 0.2:
                continue  # a column of zeros (科研机构, 社会公益组织 …)
            scale = rng.choice((3, 10, 60))
            active_share = 1 - zero_rate
        for key in results:
            if rng.random() < active_share * (0.9 if key in ("granted", "partially_granted", "unavailable_not_held") else 0.5):
                table[key][column] = _count(rng, scale // (1 if key == "granted" else rng.choice((1, 3, 10))) or 1)
        processed = sum(table[key][column] for key in results)
        forward = _count(rng, max(1, scale // 10)) if rng.random() > zero_rate + 0.2 else 0
        carried = rng.randint(0, min(processed + forward, max(1, scale // 10))) if rng.random() > zero_rate + 0.2 else 0
        table["total_processed"][column] = processed
        table["carried_forward"][column] = forward
        table["carried_over"][column] = carried
        table["new_received"][column] = processed + forward - carried
    for values in table.values():
        values[6] = sum(values[:6])
    return table


def _random_review(rng: random.Random, zero_rate: float) -> dict[str, dict[str, int]]:
    review: dict[str, dict[str, int]] = {}
    for block in formats.REVIEW_BLOCKS:
        values = {f.key: 0 for f in formats.REVIEW_FIELDS}
        if rng.random() >= zero_rate + 0.15:
            for key in ("upheld", "corrected", "other", "pending"):
                if rng.random() >= zero_rate:
                    values[key] = _count(rng, rng.choice((3, 12, 60)))
        values["total"] = values["upheld"] + values["corrected"] + values["other"] + values["pending"]
        review[block.key] = values
    return review


def _random_amount(rng: random.Random) -> Number:
    digits = rng.choice((0, 1, 2, 2, 4))
    value = round(rng.uniform(0.01, 200000) if rng.random() < 0.5 else rng.uniform(0.01, 300), digits)
    return int(value) if digits == 0 else value


def _random_active(rng: random.Random, template: str, zero_rate: float) -> dict[str, dict[str, Number]]:
    active: dict[str, dict[str, Number]] = {}
    for row in formats.active_rows(template):
        values: dict[str, Number] = {}
        zero_row = rng.random() < zero_rate or (row.key == "regulations" and rng.random() < 0.8)
        for column in row.fields:
            if zero_row:
                values[column.key] = 0
            elif column.key in row.decimal:
                values[column.key] = _random_amount(rng)
            elif column.key in row.signed:
                values[column.key] = rng.randint(-20, 20)
            elif row.key in ("licensing", "punishment", "coercion") and column.key == "decisions":
                values[column.key] = _count(rng, rng.choice((50, 5000, 1_000_000)))
            else:
                values[column.key] = _count(rng, rng.choice((5, 40, 400))) if rng.random() >= zero_rate else 0
        # Stock columns stay plausible: 现行有效 at least 本年制发, F2019 上一年 + 增/减 ≥ 0.
        if "in_force" in values:
            values["in_force"] = max(values["in_force"], values["issued"])
        if "total" in values and "published" in values:
            values["total"] = max(values["total"], values["published"])
        if "change" in values and "previous" in values:
            values["previous"] = max(values["previous"], -values["change"])
        active[row.key] = values
    return active


# ---------------------------------------------------------------- texts

_S1_PARAGRAPHS: dict[str, tuple[str, ...]] = {
    "（一）主动公开": (
        "本机关坚持以公开为常态、不公开为例外，围绕中心工作和群众关切，及时准确发布政府信息，切实保障人民群众的知情权、参与权和监督权。",
        "本机关严格落实《条例》要求，持续加大重点领域信息公开力度，聚焦教育、医疗、养老、就业等民生领域，做好政策文件和解读材料的同步发布。",
    ),
    "（二）依申请公开": (
        "本机关进一步规范依申请公开办理流程，严格按照法定程序和期限答复，加强与申请人的沟通，做到依法、规范、便民。",
        "本机关畅通政府信息公开申请渠道，健全受理、登记、审核、答复、归档等环节的工作机制，提高答复质量。",
    ),
    "（三）政府信息管理": (
        "严格落实政府信息公开保密审查制度，坚持“先审后发”和“谁发布、谁负责”的原则，规范政府信息发布流程，确保信息准确、安全。",
        "定期梳理更新政府信息公开目录，对现行有效的行政规范性文件进行清理，并在门户网站统一公布。",
    ),
    "（四）政府信息公开平台建设": (
        "充分发挥政府门户网站政府信息公开第一平台作用，优化栏目设置，加强政务新媒体管理，拓宽信息公开渠道。",
        "依托政府网站、政务新媒体和政务服务大厅等平台，方便群众及时获取政府信息。",
    ),
    "（五）监督保障": (
        "成立由主要负责同志任组长的政务公开工作领导小组，明确专人负责，将政务公开工作纳入年度绩效考核，本年度未发生责任追究情况。",
        "加强业务培训，组织工作人员学习《条例》及相关文件，不断提升政务公开工作人员的业务能力。",
    ),
}
_S2_INTRO = ("本机关主动公开政府信息情况如下：", "本部分以表格形式报告。", "")
_S3_INTRO = ("本机关收到和处理政府信息公开申请情况如下：", "本部分以表格形式报告。", "")
_S4_INTRO = ("本机关政府信息公开行政复议、行政诉讼情况如下：", "")
_S5_PARAGRAPHS = (
    "本年度政府信息公开工作取得了一定成效，但仍存在一些不足：主动公开的深度和广度有待拓展，政策解读形式还不够丰富，工作人员业务水平有待提高。",
    "下一步，本机关将从以下方面加以改进：一是加强对重点领域信息公开的梳理，及时更新公开内容；二是丰富政策解读形式，提高解读质量；三是加强业务培训，提升工作人员能力。",
    "针对上一年度报告中提出的问题，本机关已逐项制定整改措施，整改工作已基本完成。",
)
_S6_PARAGRAPHS = (
    "本年度未收取政府信息公开信息处理费。",
    "按照《政府信息公开信息处理费管理办法》规定的按件、按量收费标准，本年度没有产生信息公开处理费。",
    "本年度无其他需要报告的事项。",
)
_LISTED_CATEGORIES = ("机构职能", "政策文件", "工作动态", "通知公告", "规划计划", "人事信息", "财政预决算", "政策解读")


def _sections(rng: random.Random) -> dict[int, list[str]]:
    s1: list[str] = []
    for heading, options in _S1_PARAGRAPHS.items():
        s1.append(heading)
        s1.append(rng.choice(options))
    return {
        1: s1,
        2: [t for t in (rng.choice(_S2_INTRO),) if t],
        3: [t for t in (rng.choice(_S3_INTRO),) if t],
        4: [t for t in (rng.choice(_S4_INTRO),) if t],
        5: rng.sample(list(_S5_PARAGRAPHS), rng.randint(1, 3)),
        6: [rng.choice(_S6_PARAGRAPHS)],
    }


def _site(agency: str) -> str:
    """The government whose portal publishes the report: the agency's 区/县 (or 市) 人民政府."""
    if agency.endswith("人民政府"):
        return agency
    for mark in ("区", "县", "市"):
        if mark in agency:
            return agency[: agency.index(mark) + 1] + "人民政府"
    return agency


def _narrative_plan(rng: random.Random, requests: dict[str, list[int]]) -> list[NarrativeItem]:
    items: list[NarrativeItem] = []
    s_requests = rng.choice((1, 1, 3))
    items.append(NarrativeItem(s_requests, "requests", rng.randint(0, 3)))
    if rng.random() < 0.8:
        other = ("other_handling",) if "other_handling" in requests else formats.OTHER_2021_KEYS
        totals = {
            "granted": requests["granted"][_TOTAL],
            "partially_granted": requests["partially_granted"][_TOTAL],
            "withheld": sum(requests[k][_TOTAL] for k in formats.RESULT_CATEGORIES["withheld"]),
            "unavailable": sum(requests[k][_TOTAL] for k in formats.RESULT_CATEGORIES["unavailable"]),
            "rejected": sum(requests[k][_TOTAL] for k in formats.RESULT_CATEGORIES["rejected"]),
            "other": sum(requests[k][_TOTAL] for k in other),
        }
        topics = [t for t, v in totals.items() if v or rng.random() < 0.3]
        if "granted" in topics and "partially_granted" in topics and rng.random() < 0.3:
            topics.remove("partially_granted")
            topics[topics.index("granted")] = "granted_or_partial"
        items.append(NarrativeItem(s_requests, "results", rng.randint(0, 3), tuple(topics)))
    if rng.random() < 0.85:
        items.append(NarrativeItem(rng.choice((1, 4)), "review", rng.randint(0, 3)))
    return items


def _active_plan(seed: int, template: str, active: dict[str, dict[str, Number]]) -> list[NarrativeItem]:
    """Half the reports state some of table 二's figures in their 主动公开 paragraph (its own
    random stream, so that the rest of a seed's report stays as it was)."""
    rng = random.Random(f"gongkai-active-narrative-{seed}")
    if rng.random() >= 0.5:
        return []
    topics = [
        formats.active_topic(row.key, column.key)
        for row in formats.active_rows(template)
        if row.stated_as and (row.key == "normative_documents" or rng.random() < 0.4)
        for column in row.fields
        if column.stated_as and isinstance(active[row.key][column.key], int) and rng.random() < 0.8
    ]
    return [NarrativeItem(1, "active", rng.randint(0, 5), tuple(topics))] if topics else []


def random_report(
    seed: int,
    *,
    template: str = formats.TEMPLATE_2021,
    year: int = 2023,
    agency: str | None = None,
    zero_rate: float = 0.4,
    single_other_row: bool = False,
) -> ReportSpec:
    """A complete report with random but consistent numbers (same seed, same report).

    Table 三 satisfies every row total, （七）总计 and the 勾稽关系 of every column; table 四
    every block total; the narrative states the table's figures. `zero_rate` is roughly the
    share of zero cells (real tables are mostly zeros); 自然人 may reach a few thousand.
    `template` "2019" prints the 2019 tables (use year 2019 or 2020 for a report without
    findings); `single_other_row` prints the 2019 （六）其他处理 row in a 2021 table.
    The signature date falls in January of the following year.
    """
    rng = random.Random(f"gongkai-report-{seed}")
    rows = formats.request_rows(template, single_other_row)
    agency = agency or random_agency(rng)
    requests = _random_requests(rng, rows, zero_rate)
    review = _random_review(rng, zero_rate)
    active = _random_active(rng, template, zero_rate)
    listed: tuple[int, tuple[tuple[str, int], ...]] | None = None
    if rng.random() < 0.6:
        names = rng.sample(_LISTED_CATEGORIES, rng.randint(2, 4))
        parts = tuple((name, _count(rng, 300)) for name in names)
        listed = (sum(v for _, v in parts), parts)
    spec = ReportSpec(
        seed=seed,
        agency=agency,
        year=year,
        template=template,
        published=date(year + 1, 1, rng.randint(5, 31)),
        requests=requests,
        review=review,
        active=active,
        single_other_row=single_other_row,
        sections=_sections(rng),
        narrative=[*_narrative_plan(rng, requests), *_active_plan(seed, template, active)],
        listed=listed,
        site=_site(agency),
    )
    if listed is not None:
        total, parts = listed
        listing = "，".join(f"{name}{value}条" for name, value in parts)
        sentence = f"本年度通过{spec.site}门户网站主动公开政府信息{total}条，其中{listing}。"
        spec.sections[1].insert(2, sentence)
    return spec


# ---------------------------------------------------------------- consistency and planting


def violations(spec: ReportSpec) -> set[tuple[str, str]]:
    """Every broken relation of the tables, as (rule, key): key is the row (row_total), the
    column (results_total, balance) or the block (review_total). Computed independently of
    gongkai's own arithmetic, from the formats only."""
    out: set[tuple[str, str]] = set()
    rows = spec.requests
    keys = [r.key for r in spec.request_rows()]
    results = formats.result_row_keys(spec.request_rows())
    for key in keys:
        if sum(rows[key][:6]) != rows[key][_TOTAL]:
            out.add(("row_total", key))
    for index, column in enumerate(formats.REQUEST_COLUMN_KEYS):
        if sum(rows[k][index] for k in results) != rows["total_processed"][index]:
            out.add(("results_total", column))
        received = rows["new_received"][index] + rows["carried_over"][index]
        if received != rows["total_processed"][index] + rows["carried_forward"][index]:
            out.add(("balance", column))
    for block, values in spec.review.items():
        if values["upheld"] + values["corrected"] + values["other"] + values["pending"] != values["total"]:
            out.add(("review_total", block))
    return out


@dataclass
class Plant:
    """One planted inconsistency: the rule that must fire, where, and the values involved.

    `location` uses the keys of a finding's location (table/row/column, or section for the
    narrative, plus "topic"). `collateral` lists the other (rule, key) relations the change
    necessarily breaks, always in the 总计 column: a row's 总计 cannot change without the
    总计 column's （七）总计 sum or 勾稽关系 breaking too (both for the （七）总计 row itself),
    and an applicant column's sum not without the 总计 column's.
    """

    rule: str
    location: dict[str, Any]
    expected: Number  # the value the relation (or the table) requires
    actual: Number  # the value as printed (or stated)
    description: str
    collateral: set[tuple[str, str]] = field(default_factory=set)

    @property
    def key(self) -> tuple[str, str]:
        where = self.location
        if self.rule == "row_total" or self.rule == "review_total":
            return (self.rule, where["row"])
        if self.rule in ("results_total", "balance"):
            return (self.rule, where["column"])
        return (self.rule, str(where.get("topic")))


def _delta(rng: random.Random, current: int) -> int:
    """A non-zero change that keeps the value non-negative."""
    while True:
        delta = rng.choice((-1, 1)) * _count(rng, 12)
        if current + delta >= 0:
            return delta


# One planted inconsistency per kind: each function changes a copy of a consistent spec and says
# what it planted. `PLANTS` is the one registry `plant`, the tests and the benches read.
PlantFunction = Callable[[ReportSpec, random.Random, tuple[int, ...] | None], Plant]


@dataclass(frozen=True)
class PlantKind:
    """A registered kind of planted inconsistency: the finding rule that must fire on it and
    whether it breaks a relation of the tables (which `violations` then sees)."""

    name: str
    rule: str
    arithmetic: bool
    function: PlantFunction

    @property
    def doc(self) -> str:
        return (self.function.__doc__ or "").strip()


PLANTS: dict[str, PlantKind] = {}


def _plants(name: str, rule: str | None = None, *, arithmetic: bool = True) -> Callable[[PlantFunction], PlantFunction]:
    """Register a plant function under a stable kind name (`rule`: the finding's rule, default the name)."""

    def register(function: PlantFunction) -> PlantFunction:
        if name in PLANTS:
            raise ValueError(f"duplicate plant kind {name}")
        PLANTS[name] = PlantKind(name, rule or name, arithmetic, function)
        return function

    return register


@_plants("row_total")
def _plant_row_total(out: ReportSpec, rng: random.Random, sections: tuple[int, ...] | None) -> Plant:
    """A row's 总计 cell changed (breaks that row's total; the 总计 column's （七）总计 or 勾稽
    relation breaks with it, listed in `collateral`)."""
    rows = out.requests
    row = rng.choice([r.key for r in out.request_rows()])
    before = rows[row][_TOTAL]
    rows[row][_TOTAL] += _delta(rng, before)
    place = {"table": "三", "row": row, "column": "total"}
    return Plant("row_total", place, before, rows[row][_TOTAL], f"表三“{formats.ALL_REQUEST_ROWS[row].label}”行总计由{before}改为{rows[row][_TOTAL]}")


@_plants("results_total")
def _plant_results_total(out: ReportSpec, rng: random.Random, sections: tuple[int, ...] | None) -> Plant:
    """A result row's applicant cell and its 总计 changed together, so the row still adds up and
    only （七）总计 of that column (and of 总计) no longer does."""
    rows = out.requests
    results = formats.result_row_keys(out.request_rows())
    row, column = rng.choice(results), rng.randrange(6)
    delta = _delta(rng, rows[row][column])
    before = rows["total_processed"][column]
    rows[row][column] += delta
    rows[row][_TOTAL] += delta
    place = {"table": "三", "row": "total_processed", "column": formats.REQUEST_COLUMN_KEYS[column]}
    return Plant(
        "results_total",
        place,
        before + delta,
        before,
        f"表三“{formats.ALL_REQUEST_ROWS[row].label}”行“{formats.REQUEST_COLUMNS[column].label}”列及其总计各改变{delta:+d}",
    )


@_plants("balance")
def _plant_balance(out: ReportSpec, rng: random.Random, sections: tuple[int, ...] | None) -> Plant:
    """结转下年度 of one column and its 总计 changed together: only the 勾稽关系 of that column
    (and of 总计) breaks."""
    rows = out.requests
    column = rng.randrange(6)
    forward = rows["carried_forward"]
    delta = _delta(rng, forward[column])
    received = rows["new_received"][column] + rows["carried_over"][column]
    forward[column] += delta
    forward[_TOTAL] += delta
    place = {"table": "三", "column": formats.REQUEST_COLUMN_KEYS[column]}
    return Plant(
        "balance",
        place,
        received,
        rows["total_processed"][column] + forward[column],
        f"表三“结转下年度”行“{formats.REQUEST_COLUMNS[column].label}”列及其总计各改变{delta:+d}",
    )


@_plants("review_total")
def _plant_review_total(out: ReportSpec, rng: random.Random, sections: tuple[int, ...] | None) -> Plant:
    """One outcome of a table 四 block changed, its 总计 not."""
    block = rng.choice([b.key for b in formats.REVIEW_BLOCKS])
    field_key = rng.choice(("upheld", "corrected", "other", "pending"))
    values = out.review[block]
    delta = _delta(rng, values[field_key])
    values[field_key] += delta
    place = {"table": "四", "row": block, "column": "total"}
    members = values["upheld"] + values["corrected"] + values["other"] + values["pending"]
    return Plant("review_total", place, members, values["total"], f"表四“{block}.{field_key}”改变{delta:+d}，总计未变")


@_plants("narrative", "narrative_mismatch", arithmetic=False)
def _plant_narrative(out: ReportSpec, rng: random.Random, sections: tuple[int, ...] | None) -> Plant:
    """One figure stated in the text differs from the table (in `sections`, if given)."""
    stated = [s for s in out.statements() if sections is None or s[0] in sections]
    if not stated:
        raise ValueError("this spec states no figure in its narrative")
    section, topic, value = rng.choice(stated)
    wrong = value + _delta(rng, value)
    out.overrides[topic] = wrong
    return Plant("narrative_mismatch", {"section": section, "topic": topic}, value, wrong, f"第{_CN_NUMBERS[section - 1]}部分所述“{topic}”由{value}改为{wrong}")


PLANT_KINDS: tuple[str, ...] = tuple(PLANTS)
ARITHMETIC_RULES: frozenset[str] = frozenset(p.rule for p in PLANTS.values() if p.arithmetic)


def plant(
    spec: ReportSpec, kind: str, rng: random.Random, *, sections: tuple[int, ...] | None = None
) -> tuple[ReportSpec, Plant]:
    """A copy of a consistent `spec` with ONE inconsistency of `kind` (one of `PLANTS`, whose
    functions say what each kind changes), and what was planted.

    The narrative always states the printed table (unless the plant is "narrative").
    `sections` limits a narrative plant to figures stated in those sections.
    """
    if violations(spec):
        raise ValueError("plant() needs a consistent spec")
    if kind not in PLANTS:
        raise ValueError(f"unknown plant kind {kind!r}; one of {PLANT_KINDS}")
    kind_ = PLANTS[kind]
    out = spec.copy()
    result = kind_.function(out, rng, sections)
    if kind_.arithmetic:
        broken = violations(out)
        if result.key not in broken:
            raise AssertionError(f"plant {kind} did not break {result.key}")
        result.collateral = broken - {result.key}
    return out, result


# ---------------------------------------------------------------- the tables as grids


def tables(spec: ReportSpec) -> layout.Tables:
    """The spec's three tables in the official layout (`gongkai.layout`)."""
    return layout.tables(spec.template, spec.requests, spec.review, spec.active)


# ---------------------------------------------------------------- document outline

Block = tuple[str, Any]  # ("title"|"p"|"heading"|"sub"|"table"|"sign", payload)


def outline(spec: ReportSpec, *, signature_date: bool = True, date_style: int = 0) -> list[Block]:
    """The report as a sequence of blocks, shared by every renderer."""
    blocks: list[Block] = [("title", spec.title), ("p", spec.intro())]
    grids = {grid.table.number: grid for grid in tables(spec)}
    subheadings = set(_S1_PARAGRAPHS)
    for section in formats.SECTIONS:
        number = _CN_NUMBERS[section.number - 1]
        blocks.append(("heading", f"{number}、{section.title}"))
        for paragraph in spec.paragraphs(section.number):
            blocks.append(("sub" if paragraph in subheadings else "p", paragraph))
        if number in grids:
            blocks.append(("table", (section.number, grids[number])))
    blocks.append(("sign", spec.agency))
    if signature_date:
        blocks.append(("sign", spec.signature_date(date_style)))
    return blocks


def _rng(spec: ReportSpec, purpose: str) -> random.Random:
    """Cosmetic choices of a renderer: fixed by the spec's seed, independent of other renderers."""
    return random.Random(f"gongkai-render-{spec.seed}-{purpose}")


# ---------------------------------------------------------------- text renderers


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _wrap_cjk(text: str, width: int) -> list[str]:
    """Cut text into pieces of at most `width` characters (CJK text has no spaces to break at)."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _grid_lines_tabs(grid: Grid, padded: bool) -> list[str]:
    """One line per table row, cells tab-separated, as copied from Word.

    `padded`: a merged cell leaves empty cells for the columns and rows it covers (Word's
    copy); otherwise each merged cell appears once.
    """
    origin = grid.origin_map()
    cover = grid.cover_map()
    lines: list[str] = []
    for r in range(grid.rows):
        cells: list[str] = []
        c = 0
        while c < grid.cols:
            cell = origin.get((r, c))
            if cell is not None:
                cells.append(cell.text)
                if padded:
                    cells.extend([""] * (cell.colspan - 1))
                c += cell.colspan
                continue
            covering = cover.get((r, c))
            if covering is None:
                cells.append("")
                c += 1
                continue
            if padded:
                cells.extend([""] * covering.colspan)
            c += covering.colspan
        lines.append("\t".join(cells))
    return lines


def _grid_lines_markdown(grid: Grid) -> list[str]:
    origin = grid.origin_map()
    lines: list[str] = []
    for r in range(grid.rows):
        cells = [origin[(r, c)].text if (r, c) in origin else "" for c in range(grid.cols)]
        lines.append("| " + " | ".join(cells) + " |")
        if r == 0:
            lines.append("|" + "|".join(["---"] * grid.cols) + "|")
    return lines


def _grid_lines_cells(grid: Grid, rng: random.Random) -> list[str]:
    """One cell per line, each behind a tab, rows separated by a blank line (a web page's copy).

    A vertical merge's continuation prints an empty cell; long labels break inside the cell.
    """
    origin = grid.origin_map()
    cover = grid.cover_map()
    lines: list[str] = []
    for r in range(grid.rows):
        c = 0
        while c < grid.cols:
            cell = origin.get((r, c))
            if cell is None:
                covering = cover.get((r, c))
                if covering is not None and covering.row != r and covering.col == c:
                    lines.append("\t")
                c += covering.colspan if covering is not None else 1
                continue
            text = cell.text
            if cell.is_value and rng.random() < 0.03:
                lines.extend(["\t", text])  # the number slipped to the next line
            elif _narrow_label(grid, cell) and rng.random() < 0.4:
                # A label in a narrow cell (column headers, long row labels) breaks inside.
                cut = rng.randint(2, len(text) - 2)
                lines.extend(["\t" + text[:cut], text[cut:]])
            else:
                lines.append("\t" + text)
            c += cell.colspan
        lines.append("")
    return lines


def _narrow_label(grid: Grid, cell: Cell) -> bool:
    """A label cell that a web page or Word would wrap: a value column's header, a long row label."""
    if cell.is_value or len(cell.text) < 4:
        return False
    number = grid.table.number
    header_of_values = cell.colspan == 1 and cell.rowspan <= 2 and (number == "四" or (number == "三" and cell.col >= 3))
    return header_of_values or (cell.colspan <= 2 and len(cell.text) > 14)


_LABEL_WRAP = 16  # CJK characters per line of a wrapped label, as in pdftotext output


def _layout_values(values: list[str], start: int, width: int = 8) -> str:
    return " " * start + "".join(v.rjust(width) for v in values)


def _layout_row(label_parts: list[tuple[int, str]], values: list[str], value_col: int, placement: str) -> list[str]:
    """Lines of one row: wrapped label pieces (indent, text) and the right-aligned values."""
    out: list[str] = []
    last = len(label_parts) - 1
    put = {"first": 0, "last": last}.get(placement, -1)
    for index, (indent, text) in enumerate(label_parts):
        line = " " * indent + text
        if index == put:
            line = _pad(line, value_col) + _layout_values(values, 0)
        out.append(line.rstrip())
    if put == -1:
        out.append(_layout_values(values, value_col).rstrip())
    return out


def _layout_requests(spec: ReportSpec, rng: random.Random, page: int) -> list[str]:
    """Table 三 as `pdftotext -layout` prints it, with a page break inside."""
    rows = spec.request_rows()
    value_col = 60
    note = _wrap_cjk(formats.BALANCE_NOTE, _LABEL_WRAP)
    heads = [c.label for c in formats.REQUEST_COLUMNS]
    lines = [
        _pad(note[0], value_col + 20) + formats.APPLICANTS_HEADER,
        _pad(note[1] if len(note) > 1 else "", value_col + 2) + heads[0] + "  " + formats.ORGANISATIONS_HEADER + " " * 18 + heads[6],
        _pad(note[2] if len(note) > 2 else "", value_col + 10) + "  ".join(heads[1:6]),
    ]
    lines.extend(note[3:])
    lines.append("")
    results_label = formats.GROUPS[0].label
    result_keys = set(formats.result_row_keys(rows)) | {"total_processed"}
    results_rows = [r for r in rows if r.key in result_keys]
    results_mid = results_rows[len(results_rows) // 2].key
    group_rows: dict[str, list[str]] = {}
    for row in rows:
        if row.group and row.group != results_label:
            group_rows.setdefault(row.group, []).append(row.key)
    break_after = rng.randint(4, len(rows) - 4)
    group_inline: dict[str, bool] = {}
    for index, row in enumerate(rows):
        indent = 0 if row.key not in result_keys else (18 if row.group in (None, results_label) else 26)
        parts = [(indent, piece) for piece in _wrap_cjk(row.label, _LABEL_WRAP)]
        if row.key == results_mid:
            lines.append(" " + " ".join(results_label) if rng.random() < 0.5 else " " + results_label)
        if row.group in group_rows:
            # pdftotext prints a group label on its first row's line, or alone in its middle.
            members = group_rows[row.group]
            inline = group_inline.setdefault(row.group, rng.random() < 0.5 or len(members) == 1)
            if inline and row.key == members[0]:
                first_indent, first_text = parts[0]
                parts[0] = (8, _pad(row.group, first_indent - 8) + first_text)
            elif not inline and row.key == members[len(members) // 2]:
                lines.append(" " * 8 + row.group)
        placement = rng.choice(("first", "first", "last", "after")) if len(parts) > 1 else "first"
        lines.extend(_layout_row(parts, [format_number(v) for v in spec.requests[row.key]], value_col, placement))
        if index == break_after:
            lines.extend(["", " " * 34 + rng.choice((f"- {page} -", f"-{page}-")), "\f"])
    return lines


def _layout_active(spec: ReportSpec) -> list[str]:
    lines: list[str] = []
    block = ""
    for row in spec.active_rows():
        if row.block != block:
            block = row.block
            lines.append(" " * 20 + block)
            labels = [c.label for c in row.fields]
            lines.append(_pad(formats.CONTENT_HEADER, 20) + "".join(_pad(label, 18) for label in labels).rstrip())
        values = [format_number(spec.active[row.key][c.key]).rjust(12) for c in row.fields]
        lines.append(_pad(row.label, 18) + "      ".join(values))
    return lines


def _layout_review(spec: ReportSpec) -> list[str]:
    fields = [f.label for f in formats.REVIEW_FIELDS]
    top = [f[:2] for f in fields]
    bottom = [f[2:] for f in fields]
    values = [format_number(spec.review[b.key][f.key]) for b in formats.REVIEW_BLOCKS for f in formats.REVIEW_FIELDS]
    review, direct, after = (layout.block_levels(b) for b in formats.REVIEW_BLOCKS)
    return [
        " " * 10 + review[0] + " " * 30 + direct[0],
        " " * 40 + direct[1] + " " * 12 + after[1],
        "   ".join(top * 3),
        "   ".join(bottom * 3),
        "",
        "".join(v.rjust(6) for v in values),
    ]


def _wrap_prose(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent="") or [""]


def to_text(spec: ReportSpec, layout: str = "tabs") -> str:
    """The report as text copied out of a Word/PDF document or web page.

    * "tabs": one table row per line, cells tab-separated (merged cells printed once or padded
      with empty cells, chosen per report);
    * "markdown": Markdown with pipe tables and ``#`` headings;
    * "cells": one cell per line behind a tab, a blank line between rows, labels broken;
    * "layout": like ``pdftotext -layout``: space-aligned columns, labels wrapped at 16
      characters onto continuation lines, prose wrapped, page-number lines and form feeds,
      one of them inside table 三 (after its page number line "- 3 -").
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {LAYOUTS}")
    rng = _rng(spec, f"text-{layout}")
    date_style = 1 if rng.random() < 0.2 else 0
    blocks = outline(spec, date_style=date_style)
    padded = rng.random() < 0.5
    lines: list[str] = []
    page = 1
    for kind, payload in blocks:
        if kind == "table":
            number, grid = payload
            if layout == "tabs":
                lines.extend(_grid_lines_tabs(grid, padded))
            elif layout == "markdown":
                lines.append("")
                lines.extend(_grid_lines_markdown(grid))
                lines.append("")
            elif layout == "cells":
                lines.extend(_grid_lines_cells(grid, rng))
            else:
                if number == 2:
                    lines.extend(_layout_active(spec))
                elif number == 3:
                    lines.extend(_layout_requests(spec, rng, page))
                    page += 1
                else:
                    lines.extend(_layout_review(spec))
            continue
        text = str(payload)
        if layout == "markdown":
            prefix = {"title": "# ", "heading": "## ", "sub": "### "}.get(kind, "")
            lines.extend([prefix + text, ""])
        elif layout == "layout":
            if kind == "heading" and text[0] in "二三" and page == "一二三".index(text[0]):
                # A page ends before sections 二 and 三 (its number printed at the bottom), so
                # that table 三 starts on page 3 and breaks after "- 3 -".
                lines.extend(["", " " * 34 + f"- {page} -", "\f"])
                page += 1
            if kind == "title":
                lines.extend(["", " " * 8 + text, ""])
            elif kind in ("heading", "sub"):
                lines.append("  " + text)
            elif kind == "sign":
                lines.append(" " * 44 + text)
            else:
                lines.extend(_wrap_prose(text, 38, "  "))
        elif layout == "cells":
            lines.append(" " + text if kind in ("title", "heading") else text)
        else:
            lines.append(text)
            if rng.random() < 0.5:
                lines.append("")
    if layout == "layout":
        lines.extend(["", " " * 34 + f"- {page} -", ""])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- DOCX


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Header labels the official template breaks inside their narrow cells.
_TEMPLATE_BREAKS = {"商业企业": "商业\n企业", "科研机构": "科研\n机构", "结果纠正": "结果\n纠正", "其他结果": "其他\n结果", "尚未审结": "尚未\n审结"}


# Column widths (twentieths of a point) of the official template's tables 二, 三 and 四.
_TEMPLATE_WIDTHS = {
    "二": [2435] * 4,
    "三": [754, 921, 3271] + [685] * 7,
    "四": [649] * 7 + [650] * 8,
}


def _docx_paragraph(text: str, *, page_break_before: bool = False, size: int = 18) -> str:
    """A w:p with the text (line breaks as w:br), 9-point type."""
    runs = []
    for index, piece in enumerate(text.split("\n")):
        br = "<w:br/>" if index else ""
        runs.append(f'<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr>{br}<w:t xml:space="preserve">{_html.escape(piece, quote=False)}</w:t></w:r>')
    ppr = "<w:pPr><w:pageBreakBefore/><w:jc w:val=\"center\"/></w:pPr>" if page_break_before else "<w:pPr><w:jc w:val=\"center\"/></w:pPr>"
    return f"<w:p>{ppr}{''.join(runs) if text else ''}</w:p>"


def _docx_table(document: Any, grid: Grid, rows: range, page_break_row: int | None = None) -> Any:
    """A Word table for grid rows `rows`, merged cells as in the official template.

    Written as WordprocessingML directly (w:gridSpan for a horizontal merge, w:vMerge
    restart/continue for a vertical one), which is what python-docx's merge() produces but
    without its quadratic cost. A merged cell that starts above `rows` continues as an empty
    merged cell (what Word does when a table is split inside a vertical merge).
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    table = document.add_table(rows=0, cols=grid.cols)
    table.style = "Table Grid"
    cover = grid.cover_map()
    widths = _TEMPLATE_WIDTHS.get(grid.table.number, [9000 // grid.cols] * grid.cols)
    for column, width in zip(table._tbl.tblGrid.iter(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(width))
    trs: list[str] = []
    for r in rows:
        tcs: list[str] = []
        c = 0
        while c < grid.cols:
            cell = cover.get((r, c))
            span = cell.colspan if cell is not None else 1
            props = f'<w:tcW w:w="{sum(widths[c : c + span])}" w:type="dxa"/>' + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
            text = ""
            if cell is not None and cell.rowspan > 1:
                restart = r == cell.row or r == rows.start
                props += '<w:vMerge w:val="restart"/>' if restart else "<w:vMerge/>"
            if cell is not None and r == cell.row:
                text = cell.text if cell.is_value else _TEMPLATE_BREAKS.get(cell.text, cell.text)
            paragraph = _docx_paragraph(text, page_break_before=(r == page_break_row and c == 0))
            tcs.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraph}</w:tc>")
            c += span
        trs.append(f'<w:tr xmlns:w="{_W}">{"".join(tcs)}</w:tr>')
    for tr in trs:
        table._tbl.append(parse_xml(tr))
    return table


def to_docx(
    spec: ReportSpec,
    page_break_in_table: bool = True,
    *,
    break_style: Literal["split", "row"] = "split",
    signature_date: bool = True,
) -> bytes:
    """The report as a Word document with the official table layout and merged cells.

    `page_break_in_table` puts a page break inside table 三: `break_style` "split" cuts the
    table in two with a page-break paragraph between them (what many agencies do; a vertical
    merge crossing the cut continues as an empty merged cell), "row" keeps one table and
    marks a row with ``w:pageBreakBefore``.
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    rng = _rng(spec, "docx")
    document = docx.Document()
    for kind, payload in outline(spec, signature_date=signature_date):
        if kind == "table":
            number, grid = payload
            if number == 3 and page_break_in_table:
                cut = rng.randint(8, grid.rows - 3)
                if break_style == "split":
                    _docx_table(document, grid, range(cut))
                    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                    _docx_table(document, grid, range(cut, grid.rows))
                else:
                    _docx_table(document, grid, range(grid.rows), page_break_row=cut)
            else:
                _docx_table(document, grid, range(grid.rows))
            continue
        paragraph = document.add_paragraph(str(payload))
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.bold = True
        elif kind in ("heading", "sub"):
            for run in paragraph.runs:
                run.bold = True
        elif kind == "sign":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- HTML


def _html_table(grid: Grid) -> str:
    origin = grid.origin_map()
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%">', "<tbody>"]
    for r in range(grid.rows):
        out.append("<tr>")
        for c in range(grid.cols):
            cell = origin.get((r, c))
            if cell is None:
                continue
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            align = "center" if cell.is_value else "left"
            out.append(f'<td{spans} style="text-align:{align}"><p>{_html.escape(cell.text)}</p></td>')
        out.append("</tr>")
    out.extend(["</tbody>", "</table>"])
    return "\n".join(out)


_NAV = ("首页", "政务公开", "政务服务", "互动交流", "走进本地", "专题专栏", "数据开放", "政策文件", "政策解读", "新闻发布会", "人事信息", "财政资金", "重点领域信息公开", "建议提案办理", "规划计划")
_RELATED = (
    "关于做好政府信息公开工作年度报告有关工作的通知",
    "政府信息公开指南",
    "政府信息公开制度",
    "法定主动公开内容",
    "政府信息公开工作年度报告专栏",
    "依申请公开办理流程说明",
)


def to_html(
    spec: ReportSpec,
    encoding: str = "utf-8",
    chrome: bool = True,
    *,
    lying_meta: bool = False,
    signature_date: bool = True,
) -> bytes:
    """The report as a gov.cn-like web page.

    The page has site chrome (navigation with many links, breadcrumb, related links, a footer
    with 主办单位 and ICP number) around the article, and a 「发布日期：YYYY-MM-DD」 line in the
    article header outside the body. Tables use rowspan/colspan like the official layout.
    `encoding` is "utf-8" or "gbk"; `lying_meta` declares utf-8 whatever the bytes are;
    `signature_date=False` drops the date under the signature, so the date is only on the page.
    """
    rng = _rng(spec, "html")
    declared = "utf-8" if lying_meta else ("gb2312" if encoding.lower() in ("gbk", "gb2312", "gb18030") and rng.random() < 0.5 else encoding)
    body: list[str] = []
    for kind, payload in outline(spec, signature_date=signature_date):
        if kind == "title":
            if rng.random() < 0.5:
                body.append(f'<p style="text-align:center"><strong>{_html.escape(payload)}</strong></p>')
        elif kind == "table":
            body.append(_html_table(payload[1]))
        elif kind == "heading":
            body.append(f"<p><strong>{_html.escape(payload)}</strong></p>" if rng.random() < 0.5 else f"<h3>{_html.escape(payload)}</h3>")
        elif kind == "sub":
            body.append(f"<p>\u3000\u3000<strong>{_html.escape(payload)}</strong></p>")
        elif kind == "sign":
            body.append(f'<p style="text-align:right">{_html.escape(payload)}</p>')
        else:
            body.append(f"<p>\u3000\u3000{_html.escape(payload)}</p>")
    published = spec.published.isoformat()
    site = _html.escape(spec.site)
    title = _html.escape(spec.title)
    meta = f'<meta charset="{declared}">' if rng.random() < 0.5 else f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">'
    head = (
        f"<!DOCTYPE html>\n<html>\n<head>\n{meta}\n"
        f'<meta name="ArticleTitle" content="{title}">\n<meta name="PubDate" content="{published} 09:30">\n'
        f"<title>{title}_{site}门户网站</title>\n"
        '<link rel="stylesheet" href="/css/style.css">\n'
        f'<script type="text/javascript">var siteName = "{site}"; var pageType = "article";</script>\n</head>\n'
    )
    parts = [head, "<body>"]
    if chrome:
        nav = "".join(f'<li><a href="/col/{i}/index.html">{name}</a></li>' for i, name in enumerate(_NAV))
        parts.append(
            f'<div class="header"><div class="logo"><a href="/">{site}门户网站</a></div>'
            f'<div class="search"><form action="/search"><input type="text" name="q"><button>搜索</button></form></div>'
            f'<ul class="nav">{nav}</ul></div>'
        )
        parts.append('<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>')
    parts.append('<div class="main"><div class="article">')
    parts.append(f'<div class="article-title"><h1>{title}</h1></div>')
    parts.append(
        f'<div class="article-info"><span>发布日期：{published}</span>\u3000<span>来源：{_html.escape(spec.agency)}</span>'
        f"\u3000<span>浏览次数：{rng.randint(30, 5000)}</span>\u3000<span>字号：[ 大 中 小 ]</span></div>"
    )
    parts.append('<div class="article-content" id="zoom">')
    parts.extend(body)
    parts.append("</div>")
    parts.append('<div class="article-tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>')
    parts.append("</div>")
    if chrome:
        related = "".join(f'<li><a href="/art/{i}.html">{name}</a><span>{spec.year}-12-{10 + i:02d}</span></li>' for i, name in enumerate(_RELATED))
        parts.append(f'<div class="related"><h3>相关链接</h3><ul>{related}</ul></div>')
    parts.append("</div>")
    if chrome:
        parts.append(
            f'<div class="footer"><p>主办单位：{site}办公室\u3000承办单位：{_html.escape(spec.agency)}</p>'
            f'<p>网站标识码：{rng.randint(3600000000, 3699999999)}\u3000<a href="https://beian.miit.gov.cn/">赣ICP备{rng.randint(10000000, 99999999)}号</a></p>'
            "<p>建议使用1920×1080分辨率浏览本网站</p></div>"
        )
    parts.append("</body>\n</html>\n")
    text = "\n".join(parts)
    return text.encode("gbk" if encoding.lower() in ("gbk", "gb2312") else encoding)


# ---------------------------------------------------------------- all renderings by name


def _text(layout: str) -> Callable[[ReportSpec], tuple[bytes, str]]:
    return lambda spec: (to_text(spec, layout).encode("utf-8"), ".txt")


RENDERINGS: dict[str, Callable[[ReportSpec], tuple[bytes, str]]] = {
    **{f"text-{layout}": _text(layout) for layout in LAYOUTS},
    "docx": lambda spec: (to_docx(spec, page_break_in_table=False), ".docx"),
    "docx-break-row": lambda spec: (to_docx(spec, True, break_style="row"), ".docx"),
    "docx-break-split": lambda spec: (to_docx(spec, True, break_style="split"), ".docx"),
    "html-utf8": lambda spec: (to_html(spec, "utf-8"), ".html"),
    "html-gbk": lambda spec: (to_html(spec, "gbk"), ".html"),
    "html-gbk-lying-meta": lambda spec: (to_html(spec, "gbk", lying_meta=True), ".html"),
    "html-no-signature-date": lambda spec: (to_html(spec, "utf-8", signature_date=False), ".html"),
}


def render(spec: ReportSpec, name: str) -> tuple[bytes, str]:
    """The file bytes and suffix of a spec in one of the named renderings (see RENDERINGS)."""
    return RENDERINGS[name](spec)


# ---------------------------------------------------------------- one agency over several years
#
# `agency_series` makes the reports a store holds: many agencies, each over consecutive years,
# whose years agree with each other the way real ones must (上年结转 = last year's 结转下年度,
# 现行有效件数 = last year's + 本年制发 − 本年废止), whose narrative is written afresh each year,
# and whose printed name sometimes carries a typo or drops its city. `plant_series` then breaks
# one cross-year relation of one agency and says where, for the cross-year rules to find.

_DIGIT_RUN = re.compile(r"\d+")

# Sentence pools of the narrative, per part. A report draws a few sentences from each pool, so
# two years of the same agency share some sentences (as real ones do) but rarely most of them.
# No sentence states a count in 件 or 条: those are the narrative rule's figures.
_SERIES_S1: dict[str, tuple[str, ...]] = {
    "（一）主动公开": (
        "本机关坚持以公开为常态、不公开为例外，围绕中心工作和群众关切，及时准确发布政府信息。",
        "聚焦教育、医疗、养老、就业等民生领域，做好政策文件和解读材料的同步发布。",
        "全年召开新闻发布会{n}场，发布政策解读材料{m}篇，图解、视频等多元化解读占比明显提高。",
        "围绕优化营商环境，集中公开涉企政策、惠企资金和行政审批信息，方便市场主体查询办理。",
        "落实重大行政决策预公开制度，对涉及群众切身利益的决策事项广泛征求社会意见，开展意见征集{n}次。",
        "及时公开财政预决算、“三公”经费和重大建设项目批准实施等信息，主动接受社会监督。",
        "推进政务公开与政务服务融合，在门户网站发布办事指南，动态更新服务事项清单。",
        "加强政策解读回应，主要负责同志带头解读重要政策{n}次，及时回应社会关切。",
        "持续推进基层政务公开标准化规范化建设，动态调整公开事项标准目录。",
        "围绕乡村振兴、安全生产、生态环境保护等重点工作，开设专题专栏{n}个，集中发布相关信息。",
    ),
    "（二）依申请公开": (
        "进一步规范依申请公开办理流程，严格按照法定程序和期限答复，加强与申请人的沟通。",
        "健全受理、登记、审核、答复、归档等环节的工作机制，持续提高答复质量。",
        "对申请内容不明确的，及时一次性告知申请人补正，做到依法、规范、便民。",
        "落实依申请公开会商机制，对疑难复杂申请组织法律顾问研究论证，全年开展会商{n}次。",
        "制定依申请公开答复文书范本，统一文书格式和法律依据引用，减少程序瑕疵。",
        "畅通网上申请、信函申请和当面申请等渠道，为申请人提供便捷服务。",
        "定期梳理依申请公开中反映的共性问题，对公众普遍关注的信息及时转为主动公开。",
        "安排专人负责依申请公开登记台账，逐件跟踪办理进度，确保按期办结。",
    ),
    "（三）政府信息管理": (
        "严格落实政府信息公开保密审查制度，坚持“先审后发”和“谁发布、谁负责”的原则。",
        "定期梳理更新政府信息公开目录，对现行有效的行政规范性文件进行清理，并在门户网站统一公布。",
        "建立政府信息发布审核台账，全年审核拟公开信息{n}余批次，未发生失泄密情况。",
        "开展政府网站内容专项检查{n}次，及时纠正错别字、空白栏目和链接失效等问题。",
        "按照政策文件应公开尽公开的要求，对历年文件进行全面清理，逐一标注文件有效性。",
        "加强个人信息保护，对公开内容中涉及的身份证号码、联系电话等敏感信息进行脱敏处理。",
        "完善政府信息公开属性源头认定机制，公文在拟制时即明确公开方式。",
        "规范政策文件集中公开，做到文件标题、文号、发布日期等要素完整准确。",
    ),
    "（四）政府信息公开平台建设": (
        "充分发挥政府门户网站政府信息公开第一平台作用，优化栏目设置，拓宽信息公开渠道。",
        "加强政务新媒体管理，全年通过政务微信公众号推送信息{n}期。",
        "依托政府网站、政务新媒体和政务服务大厅等平台，方便群众及时获取政府信息。",
        "在政务服务大厅设置政府信息公开查阅点，配备查阅设备，全年接待现场查阅{n}人次。",
        "对门户网站信息公开专栏进行改版，新增政策问答库和解读专区，提升检索便利度。",
        "落实网站适老化和无障碍改造要求，方便老年人和残障人士浏览使用。",
        "建立网站和政务新媒体每日巡查机制，确保平台安全平稳运行。",
        "推进政务公开专区建设，提供政策咨询、信息查阅等一站式服务。",
    ),
    "（五）监督保障": (
        "成立由主要负责同志任组长的政务公开工作领导小组，明确专人负责，本年度未发生责任追究情况。",
        "将政务公开工作纳入年度绩效考核，考核结果与评先评优挂钩。",
        "组织政务公开业务培训{n}场次，参训人员{m}人次，不断提升工作人员业务能力。",
        "主动接受社会监督，聘请政务公开社会监督员{n}名，定期听取意见建议。",
        "召开政务公开工作专题会议{n}次，研究部署重点工作任务。",
        "对照年度政务公开工作要点，逐项分解任务，明确责任单位和完成时限。",
        "开展政务公开自查自评，对发现的问题建立清单、限期整改。",
        "本年度没有发生涉及政务公开工作的投诉举报。",
    ),
}
_SERIES_PROBLEM_LEADS = (
    "本年度政府信息公开工作取得了一定成效，但仍存在一些不足：",
    "对照新形势新要求，本机关政府信息公开工作还存在一些差距：",
    "本年度工作中发现的主要问题有：",
    "我们清醒地认识到，政务公开工作仍有薄弱环节：",
)
_SERIES_PROBLEMS = (
    "主动公开的深度和广度有待拓展",
    "政策解读形式还不够丰富，图解、视频等解读占比不高",
    "工作人员业务水平有待提高，对《条例》的理解把握还不够精准",
    "部分栏目信息更新不够及时",
    "依申请公开答复的规范性有待进一步加强",
    "政务新媒体互动回应不够及时",
    "基层政务公开标准化规范化建设推进不够平衡",
    "公开内容与群众需求的契合度还不够高",
    "信息发布审核把关存在薄弱环节",
)
_SERIES_MEASURE_LEADS = (
    "下一步，本机关将从以下方面加以改进：",
    "针对上述问题，本机关将重点做好以下工作：",
    "今后，我们将着力做到：",
    "为此，本机关将采取以下措施：",
)
_SERIES_MEASURES = (
    "加强对重点领域信息公开的梳理，及时更新公开内容",
    "丰富政策解读形式，提高解读质量",
    "加强业务培训，提升工作人员能力",
    "建立栏目内容保障责任清单，确保信息及时更新",
    "规范依申请公开办理程序，提升答复质量",
    "加强政务新媒体管理，及时回应群众关切",
    "深化基层政务公开，推动公开事项标准目录落地见效",
    "围绕群众关切精准发布信息，增强公开实效",
    "严格落实信息发布审核制度，守住安全底线",
)
_SERIES_FOLLOW_UPS = (
    "针对上一年度报告中提出的问题，本机关已逐项制定整改措施，整改工作已基本完成。",
    "上一年度报告中提出的栏目更新不及时等问题已完成整改，建立了常态化巡查机制。",
    "对上一年度发现的问题，本机关建立了整改台账，逐项明确责任人和完成时限，目前已全部整改到位。",
    "上年度存在问题的整改情况已在本机关门户网站同步公布，接受社会监督。",
    "对照上年度问题清单，本机关已完善相关制度{n}项，整改成效持续巩固。",
)
_SERIES_FEES = (
    "本年度未收取政府信息公开信息处理费。",
    "按照《政府信息公开信息处理费管理办法》规定的按件、按量收费标准，本年度没有产生信息公开处理费。",
    "本机关本年度未发出收费通知，未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》，本年度未收取任何信息处理费用。",
)
_SERIES_OTHER = (
    "本年度共办理人大代表建议{n}个、政协委员提案{m}个，办理结果均已按要求公开。",
    "本机关已按照年度政务公开工作要点逐项落实各项任务。",
    "本年度未发生因政府信息公开引发的舆情事件。",
    "本机关政务公开工作机构和人员保持稳定，配备专兼职工作人员{n}名。",
    "本年度组织开展“政府开放日”活动{n}次，邀请群众代表走进机关、参与监督。",
    "本机关全面落实政务公开工作年度要点，相关情况已在门户网站专栏发布。",
)
# Characters a careless typist or an OCR pass puts for another (one each way is enough).
_LOOKALIKES = {
    "设": "没", "务": "物", "源": "原", "管": "馆", "理": "里", "督": "都", "障": "章", "输": "轮",
    "康": "糠", "展": "屏", "革": "格", "交": "文", "通": "涌", "融": "触", "媒": "煤", "资": "姿",
    "建": "健", "政": "正", "员": "贝", "委": "萎", "统": "充", "审": "宙", "农": "衣", "然": "燃",
}


def _fill(rng: random.Random, sentence: str) -> str:
    """A pool sentence with its counts filled in ({n} small, {m} larger)."""
    return sentence.format(n=rng.randint(2, 30), m=rng.randint(20, 400))


def _series_texts(rng: random.Random) -> dict[int, list[str]]:
    """The narrative of one year (without table figures): sections 一 to 六, paragraphs."""
    s1: list[str] = []
    for heading, pool in _SERIES_S1.items():
        s1.append(heading)
        s1.append("".join(_fill(rng, s) for s in rng.sample(pool, rng.randint(2, 3))))
    s5 = [
        rng.choice(_SERIES_PROBLEM_LEADS) + "；".join(rng.sample(_SERIES_PROBLEMS, rng.randint(2, 3))) + "。",
        rng.choice(_SERIES_MEASURE_LEADS) + "；".join(rng.sample(_SERIES_MEASURES, rng.randint(2, 3))) + "。",
    ]
    if rng.random() < 0.6:
        s5.append(_fill(rng, rng.choice(_SERIES_FOLLOW_UPS)))
    s6 = [rng.choice(_SERIES_FEES)]
    s6.extend(_fill(rng, s) for s in rng.sample(_SERIES_OTHER, rng.randint(0, 2)))
    if len(s6) == 1 and rng.random() < 0.5:
        s6.append("本年度无其他需要报告的事项。")
    return {
        1: s1,
        2: [t for t in (rng.choice(_S2_INTRO),) if t],
        3: [t for t in (rng.choice(_S3_INTRO),) if t],
        4: [t for t in (rng.choice(_S4_INTRO),) if t],
        5: s5,
        6: s6,
    }


def _listed_sentence(spec: ReportSpec) -> str | None:
    """The 「主动公开政府信息N条，其中…」 sentence of section 一 (as random_report writes it)."""
    if spec.listed is None:
        return None
    total, parts = spec.listed
    listing = "，".join(f"{name}{value}条" for name, value in parts)
    return f"本年度通过{spec.site}门户网站主动公开政府信息{total}条，其中{listing}。"


def _set_texts(spec: ReportSpec, texts: dict[int, list[str]]) -> None:
    """Give a spec its narrative, with its own 主动公开…条，其中… sentence in section 一."""
    spec.sections = {number: list(paragraphs) for number, paragraphs in texts.items()}
    sentence = _listed_sentence(spec)
    if sentence is not None:
        spec.sections[1].insert(2, sentence)


def _free_texts(spec: ReportSpec) -> dict[int, list[str]]:
    """A spec's narrative without its 主动公开…条 sentence (the inverse of `_set_texts`)."""
    sentence = _listed_sentence(spec)
    return {n: [p for p in paragraphs if p != sentence] for n, paragraphs in spec.sections.items()}


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class _SeriesAgency:
    city: str
    place: str  # 区/县, or "" for a city-level organ
    organ: str  # 局/委/中心/人民政府…

    @property
    def name(self) -> str:
        return self.city + self.place + self.organ


def _series_agencies(rng: random.Random, count: int, exclude: frozenset[str]) -> list[_SeriesAgency]:
    """`count` distinct agencies. Within one place no two organs are near-duplicates (卫生健康委 /
    卫生健康委员会 are one organ), so that a one-character typo never names another agency."""
    chosen: list[_SeriesAgency] = []
    names: set[str] = set()
    while len(chosen) < count:
        city = rng.choice(_CITIES)
        shape = rng.random()
        place = "" if shape < 0.3 else rng.choice(_DISTRICTS if rng.random() < 0.5 else _COUNTIES)
        organ = "人民政府" if place and shape < 0.45 else rng.choice(_DEPARTMENTS)
        candidate = _SeriesAgency(city, place, organ)
        if candidate.name in names or any(candidate.name.endswith(x) or x.endswith(candidate.name) for x in exclude):
            continue
        if any(a.city + a.place == city + place and _levenshtein(a.organ, organ) < 3 for a in chosen):
            continue
        chosen.append(candidate)
        names.add(candidate.name)
    return chosen


def _typo(organ: str, rng: random.Random) -> str | None:
    """The organ's name with one character inserted, dropped or replaced (not the first or last,
    never a 市/区/县, which would change the place the name starts with); None if too short."""
    if len(organ) < 5 or any(c in organ for c in "省市区县"):
        return None
    position = rng.randint(1, len(organ) - 2)
    kind = rng.choice(("insert", "drop", "replace"))
    if kind == "replace" and organ[position] not in _LOOKALIKES:
        kind = "insert"
    if kind == "insert":  # 行政服务 → 行政务服务: a neighbouring character typed twice
        return organ[:position] + organ[position + rng.choice((0, 1))] + organ[position:]
    if kind == "drop":
        return organ[:position] + organ[position + 1 :]
    return organ[:position] + _LOOKALIKES[organ[position]] + organ[position + 1 :]


def _chain_requests(spec: ReportSpec, previous: ReportSpec) -> None:
    """This year's 上年结转 := last year's 结转下年度 (all columns), the balance kept by 本年新收
    (or, when that would go negative, by carrying more forward)."""
    rows = spec.requests
    rows["carried_over"] = list(previous.requests["carried_forward"])
    for column in range(6):
        new = rows["total_processed"][column] + rows["carried_forward"][column] - rows["carried_over"][column]
        if new < 0:
            rows["carried_forward"][column] -= new
            new = 0
        rows["new_received"][column] = new
    for key in ("new_received", "carried_over", "carried_forward"):
        rows[key][_TOTAL] = sum(rows[key][:6])


def _chain_stock(spec: ReportSpec, previous: ReportSpec) -> None:
    """现行有效件数 := last year's + 本年制发 − 本年废止 (规章, 行政规范性文件); a row that is all
    zeros in the agency's first year stays so (most organs issue no 规章)."""
    for row in formats.ACTIVE_ROWS_2021[:2]:
        before, now = previous.active[row.key], spec.active[row.key]
        if before["issued"] == before["repealed"] == before["in_force"] == 0:
            spec.active[row.key] = {"issued": 0, "repealed": 0, "in_force": 0}
            continue
        repealed = min(int(now["repealed"]), int(before["in_force"]) + int(now["issued"]))
        now["repealed"] = repealed
        now["in_force"] = before["in_force"] + now["issued"] - repealed


def agency_series(
    seed: int,
    *,
    agencies: int = 12,
    years: tuple[int, ...] = (2021, 2022, 2023, 2024),
    typo_rate: float = 0.15,
    prefix_rate: float = 0.15,
    zero_rate: float = 0.4,
    exclude: tuple[str, ...] = (),
) -> Iterator[ReportSpec]:
    """Reports of `agencies` agencies over consecutive `years`, agency by agency, year by year.

    Each year's table 三 上年结转 row equals the year before's 结转下年度 row in every column, and
    表二 现行有效件数 = last year's + 本年制发 − 本年废止 (规章, 行政规范性文件); each report is
    consistent in itself (`violations` is empty, the narrative states the table). The narrative
    is drawn afresh each year from sentence pools, so two years share some sentences but are far
    below copied_text's threshold. Some agencies print their name with a one-character typo in
    one year (`typo_rate`, like 高安市行政务服务中心管委会), some district/county organs drop
    their city in one or more years (`prefix_rate`, 章贡区交通运输局 for 赣州市章贡区交通运输局);
    `spec.series` is always the canonical name. `exclude`: names the agencies must not have
    (nor be a place-prefixed form of), e.g. those of real reports stored alongside.
    Years before 2021 print the 2019 tables. Same arguments, same reports.
    """
    rng = random.Random(f"gongkai-series-{seed}")
    chosen = _series_agencies(rng, agencies, frozenset(exclude))
    # An organ printed without its city must not also exist in that place under another city.
    shared_places = {(a.place, a.organ) for a in chosen for b in chosen if a is not b and (a.place, a.organ) == (b.place, b.organ)}
    for index, agency in enumerate(chosen):
        names = {year: agency.name for year in years}
        if len(years) > 1 and rng.random() < typo_rate:
            typo = _typo(agency.organ, rng)
            if typo is not None:
                names[rng.choice(years)] = agency.city + agency.place + typo
        if agency.place and (agency.place, agency.organ) not in shared_places and rng.random() < prefix_rate:
            for year in rng.sample(years, rng.randint(1, max(1, len(years) - 1))):
                if names[year] == agency.name:
                    names[year] = agency.place + agency.organ
        previous: ReportSpec | None = None
        for year in years:
            template = formats.TEMPLATE_2021 if year >= 2021 else formats.TEMPLATE_2019
            spec = random_report(seed * 1_000_000 + index * 100 + year % 100, template=template, year=year, agency=names[year], zero_rate=zero_rate)
            spec.series = agency.name
            if previous is not None:
                _chain_requests(spec, previous)
                if template == previous.template == formats.TEMPLATE_2021:
                    _chain_stock(spec, previous)
            _set_texts(spec, _series_texts(random.Random(f"gongkai-series-text-{seed}-{index}-{year}")))
            if violations(spec):  # cannot happen: the chain keeps every balance
                raise AssertionError(f"agency_series made an inconsistent report: {violations(spec)}")
            yield spec
            previous = spec


@dataclass(frozen=True)
class SeriesPlant:
    """One planted cross-year inconsistency: the rule that must fire on which report.

    `agency` is the canonical name (`spec.series`), `year` the later of the two reports (the one
    the finding belongs to); `row` and `columns` the finding locations' row and column
    (carry_over_chain: carried_over and the changed column plus 总计; stock_continuity: the 表二
    row and in_force; copied_text: none).
    """

    rule: str
    agency: str
    year: int
    row: str | None
    columns: tuple[str, ...]
    description: str

    def expected_findings(self) -> set[tuple[str, str, int, str | None, str | None]]:
        """(rule, agency, year, row, column) of every finding this plant must cause."""
        if not self.columns:
            return {(self.rule, self.agency, self.year, None, None)}
        return {(self.rule, self.agency, self.year, self.row, column) for column in self.columns}


# One cross-year inconsistency per kind: each function changes the report at `index` of one
# agency's copied series (and, where it must, the later ones). `SERIES_PLANTS` is the registry.
SeriesPlantFunction = Callable[[list[ReportSpec], int, random.Random], SeriesPlant]
SERIES_PLANTS: dict[str, SeriesPlantFunction] = {}


def _series_plants(name: str) -> Callable[[SeriesPlantFunction], SeriesPlantFunction]:
    """Register a cross-year plant function under a stable kind name (the rule that must fire)."""

    def register(function: SeriesPlantFunction) -> SeriesPlantFunction:
        if name in SERIES_PLANTS:
            raise ValueError(f"duplicate cross-year plant kind {name}")
        SERIES_PLANTS[name] = function
        return function

    return register


@_series_plants("carry_over_chain")
def _plant_carry_over_chain(specs: list[ReportSpec], index: int, rng: random.Random) -> SeriesPlant:
    """上年结转 of one applicant column changed, with 本年新收 (or, when it cannot give, 予以公开
    and 办理结果总计) changed too, so the report itself still adds up; only its chain to last
    year's 结转下年度 breaks (in that column and in 总计)."""
    spec, before = specs[index], specs[index - 1]
    columns = formats.REQUEST_COLUMN_KEYS
    rows = spec.requests
    column = rng.randrange(6)
    step = rng.randint(1, 5)
    if rows["carried_over"][column] >= step and rng.random() < 0.4:
        rows["carried_over"][column] -= step
        rows["new_received"][column] += step
        how = f"本年新收同增{step}"
    elif rows["new_received"][column] >= step and rng.random() < 0.6:
        rows["carried_over"][column] += step
        rows["new_received"][column] -= step
        how = f"本年新收同减{step}"
    else:
        rows["carried_over"][column] += step
        rows["granted"][column] += step
        rows["total_processed"][column] += step
        how = f"予以公开及办理结果总计同增{step}"
    for key in ("new_received", "carried_over", "granted", "total_processed"):
        rows[key][_TOTAL] = sum(rows[key][:6])
    return SeriesPlant(
        "carry_over_chain", spec.series or spec.agency, spec.year, "carried_over", (columns[column], "total"),
        f"{spec.year}年表三“上年结转”“{formats.REQUEST_COLUMNS[column].label}”列改为{rows['carried_over'][column]}"
        f"（{before.year}年结转下年度为{before.requests['carried_forward'][column]}），{how}",
    )


@_series_plants("stock_continuity")
def _plant_stock_continuity(specs: list[ReportSpec], index: int, rng: random.Random) -> SeriesPlant:
    """现行有效件数 of 规章 or 行政规范性文件 jumps in the year (and stays shifted afterwards, so
    only that year breaks the chain)."""
    spec, before = specs[index], specs[index - 1]
    if spec.template != formats.TEMPLATE_2021 or before.template != formats.TEMPLATE_2021:
        raise ValueError("stock_continuity compares two reports in the 2021 format")
    row = formats.ACTIVE_ROWS_2021[rng.choice((0, 1, 1, 1))]
    later = specs[index:]
    lowest = min(int(s.active[row.key]["in_force"]) for s in later)
    step = rng.randint(1, 6)
    delta = -step if lowest >= step and rng.random() < 0.4 else step
    for s in later:
        s.active[row.key]["in_force"] += delta
    return SeriesPlant(
        "stock_continuity", spec.series or spec.agency, spec.year, row.key, ("in_force",),
        f"{spec.year}年表二“{row.label}”现行有效件数{delta:+d}（此后各年同样平移）",
    )


@_series_plants("copied_text")
def _plant_copied_text(specs: list[ReportSpec], index: int, rng: random.Random) -> SeriesPlant:
    """Sections 一, 五, 六 copied from the year before, wording and all, with only the numbers changed."""
    spec, before = specs[index], specs[index - 1]
    texts = _free_texts(before)

    def renumber(match: re.Match[str]) -> str:
        return str(max(1, int(match.group(0)) + rng.randint(-3, 9)))

    copied = {n: [_DIGIT_RUN.sub(renumber, p) for p in texts[n]] for n in (1, 5, 6)}
    own = _free_texts(spec)
    spec.narrative = copy.deepcopy(before.narrative)
    if before.listed is not None:
        # The same categories as the year before, with this year's counts.
        values = [_count(rng, 300) for _ in before.listed[1]]
        spec.listed = (sum(values), tuple((name, v) for (name, _), v in zip(before.listed[1], values, strict=True)))
    else:
        spec.listed = None
    _set_texts(spec, {**own, **copied})
    return SeriesPlant("copied_text", spec.series or spec.agency, spec.year, None, (), f"{spec.year}年第一、五、六部分照搬{before.year}年，仅数字不同")


SERIES_PLANT_KINDS: tuple[str, ...] = tuple(SERIES_PLANTS)


def plant_series(
    specs: list[ReportSpec], kind: str, rng: random.Random, *, year: int | None = None
) -> tuple[list[ReportSpec], SeriesPlant]:
    """Copies of ONE agency's consecutive `specs` (as `agency_series` makes them) with one
    cross-year inconsistency of `kind` (one of `SERIES_PLANTS`, whose functions say what each
    kind changes) in `year` (default: a random year after the first)."""
    if kind not in SERIES_PLANTS:
        raise ValueError(f"unknown cross-year plant kind {kind!r}; one of {SERIES_PLANT_KINDS}")
    specs = [s.copy() for s in specs]
    years = [s.year for s in specs]
    if any(b != a + 1 for a, b in itertools.pairwise(years)) or len({s.series or s.agency for s in specs}) != 1:
        raise ValueError("plant_series needs one agency's reports for consecutive years, in order")
    if len(specs) < 2:
        raise ValueError("plant_series needs at least two years")
    index = years.index(year) if year is not None else rng.randrange(1, len(specs))
    if index == 0:
        raise ValueError("the first year has no year before it to break with")
    plant_ = SERIES_PLANTS[kind](specs, index, rng)
    for s in specs:
        if violations(s):
            raise AssertionError(f"plant_series {kind} made a report inconsistent: {violations(s)}")
    return specs, plant_


def planted_series(
    seed: int,
    *,
    agencies: int = 12,
    years: tuple[int, ...] = (2021, 2022, 2023, 2024),
    plant_rate: float = 0.5,
    exclude: tuple[str, ...] = (),
    **options: Any,
) -> tuple[list[ReportSpec], list[SeriesPlant]]:
    """`agency_series` with one cross-year plant in about `plant_rate` of the agencies (kinds in
    turn), and the list of what was planted."""
    rng = random.Random(f"gongkai-series-plants-{seed}")
    out: list[ReportSpec] = []
    plants: list[SeriesPlant] = []
    by_agency: dict[str, list[ReportSpec]] = {}
    for spec in agency_series(seed, agencies=agencies, years=years, exclude=exclude, **options):
        by_agency.setdefault(spec.series, []).append(spec)
    for specs in by_agency.values():
        if len(specs) > 1 and rng.random() < plant_rate:
            kind = SERIES_PLANT_KINDS[len(plants) % len(SERIES_PLANT_KINDS)]
            if kind == "stock_continuity" and specs[1].template != formats.TEMPLATE_2021:
                kind = "carry_over_chain"
            specs, planted = plant_series(specs, kind, rng)
            plants.append(planted)
        out.extend(specs)
    return out, plants


def write_reports(specs: list[ReportSpec], folder: str | Path, renderings: tuple[str, ...] | None = None) -> dict[Path, ReportSpec]:
    """Write specs as files below `folder`, one sub-folder per agency (a0000/2023-docx.docx …),
    rendered by each of `renderings` in turn (default: every rendering). Returns path → spec."""
    names = renderings or tuple(RENDERINGS)
    agencies: dict[str, int] = {}
    written: dict[Path, ReportSpec] = {}
    for index, spec in enumerate(specs):
        number = agencies.setdefault(spec.series or spec.agency, len(agencies))
        name = names[index % len(names)]
        data, suffix = render(spec, name)
        path = Path(folder) / f"a{number:04d}" / f"{spec.year}-{name}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written[path] = spec
    return written
