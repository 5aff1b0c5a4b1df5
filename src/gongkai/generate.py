"""Generate complete 政府信息公开工作年度报告 for tests and benchmarks (and, later, for real reports).

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

Labels, rows and columns always come from `gongkai.formats`; nothing here retypes them.

    >>> from gongkai.generate import random_report, to_text
    >>> spec = random_report(7)
    >>> text = to_text(spec, "tabs")
"""

from __future__ import annotations

import copy
import html as _html
import io
import random
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from . import formats

__all__ = [
    "ARITHMETIC_RULES",
    "LAYOUTS",
    "PLANT_KINDS",
    "RENDERINGS",
    "NarrativeItem",
    "Plant",
    "ReportSpec",
    "expected_cells",
    "plant",
    "random_report",
    "render",
    "to_docx",
    "to_html",
    "to_text",
    "violations",
]

Number = int | float
LAYOUTS: tuple[str, ...] = ("tabs", "markdown", "cells", "layout")
PLANT_KINDS: tuple[str, ...] = ("row_total", "results_total", "balance", "review_total", "narrative")
ARITHMETIC_RULES: frozenset[str] = frozenset({"row_total", "results_total", "balance", "review_total"})

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
    `topics`) or "review" (行政复议/行政诉讼); `variant` picks the wording.
    """

    section: int
    kind: Literal["requests", "results", "review"]
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
        heading = "（二）依申请公开"
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


def _narrative_sentence(spec: ReportSpec, item: NarrativeItem) -> tuple[str, list[tuple[str, int]]]:
    """The sentence for a narrative item and the (topic, value) pairs it states."""
    s = spec.stated()
    y = spec.year
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
    return max(1, min(high, round(high ** rng.random())))


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
        narrative=_narrative_plan(rng, requests),
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


def plant(
    spec: ReportSpec, kind: str, rng: random.Random, *, sections: tuple[int, ...] | None = None
) -> tuple[ReportSpec, Plant]:
    """A copy of a consistent `spec` with ONE inconsistency of `kind`, and what was planted.

    * "row_total": a row's 总计 cell changed (breaks that row's total; the 总计 column's
      （七）总计 or 勾稽 relation breaks with it, listed in `collateral`);
    * "results_total": a result row's applicant cell and its 总计 changed together, so the row
      still adds up and only （七）总计 of that column (and of 总计) no longer does;
    * "balance": 结转下年度 of one column and its 总计 changed together: only the 勾稽关系
      of that column (and of 总计) breaks;
    * "review_total": one outcome of a table 四 block changed, its 总计 not;
    * "narrative": one figure stated in the text differs from the table.

    The narrative always states the printed table (unless the plant is "narrative").
    `sections` limits a narrative plant to figures stated in those sections.
    """
    if violations(spec):
        raise ValueError("plant() needs a consistent spec")
    out = spec.copy()
    rows = out.requests
    keys = [r.key for r in out.request_rows()]
    columns = formats.REQUEST_COLUMN_KEYS
    if kind == "row_total":
        row = rng.choice(keys)
        before = rows[row][_TOTAL]
        rows[row][_TOTAL] += _delta(rng, before)
        place = {"table": "三", "row": row, "column": "total"}
        result = Plant("row_total", place, before, rows[row][_TOTAL], f"表三“{formats.ALL_REQUEST_ROWS[row].label}”行总计由{before}改为{rows[row][_TOTAL]}")
    elif kind == "results_total":
        results = formats.result_row_keys(out.request_rows())
        row, column = rng.choice(results), rng.randrange(6)
        delta = _delta(rng, rows[row][column])
        before = rows["total_processed"][column]
        rows[row][column] += delta
        rows[row][_TOTAL] += delta
        place = {"table": "三", "row": "total_processed", "column": columns[column]}
        result = Plant(
            "results_total",
            place,
            before + delta,
            before,
            f"表三“{formats.ALL_REQUEST_ROWS[row].label}”行“{formats.REQUEST_COLUMNS[column].label}”列及其总计各改变{delta:+d}",
        )
    elif kind == "balance":
        column = rng.randrange(6)
        forward = rows["carried_forward"]
        delta = _delta(rng, forward[column])
        received = rows["new_received"][column] + rows["carried_over"][column]
        forward[column] += delta
        forward[_TOTAL] += delta
        place = {"table": "三", "column": columns[column]}
        result = Plant(
            "balance",
            place,
            received,
            rows["total_processed"][column] + forward[column],
            f"表三“结转下年度”行“{formats.REQUEST_COLUMNS[column].label}”列及其总计各改变{delta:+d}",
        )
    elif kind == "review_total":
        block = rng.choice([b.key for b in formats.REVIEW_BLOCKS])
        field_key = rng.choice(("upheld", "corrected", "other", "pending"))
        values = out.review[block]
        delta = _delta(rng, values[field_key])
        values[field_key] += delta
        place = {"table": "四", "row": block, "column": "total"}
        members = values["upheld"] + values["corrected"] + values["other"] + values["pending"]
        result = Plant("review_total", place, members, values["total"], f"表四“{block}.{field_key}”改变{delta:+d}，总计未变")
    elif kind == "narrative":
        stated = [s for s in out.statements() if sections is None or s[0] in sections]
        if not stated:
            raise ValueError("this spec states no figure in its narrative")
        section, topic, value = rng.choice(stated)
        wrong = value + _delta(rng, value)
        out.overrides[topic] = wrong
        result = Plant("narrative_mismatch", {"section": section, "topic": topic}, value, wrong, f"第{_CN_NUMBERS[section - 1]}部分所述“{topic}”由{value}改为{wrong}")
    else:
        raise ValueError(f"unknown plant kind {kind!r}; one of {PLANT_KINDS}")
    if kind != "narrative":
        broken = violations(out)
        if result.key not in broken:
            raise AssertionError(f"plant {kind} did not break {result.key}")
        result.collateral = broken - {result.key}
    return out, result


def expected_cells(spec: ReportSpec) -> dict[str, Number]:
    """Every printed value by its record path (what a perfect reader returns)."""
    cells: dict[str, Number] = {}
    for row in spec.request_rows():
        for index, key in enumerate(formats.REQUEST_COLUMN_KEYS):
            cells[f"requests.{row.key}.{key}"] = spec.requests[row.key][index]
    for block in formats.REVIEW_BLOCKS:
        for review_field in formats.REVIEW_FIELDS:
            cells[f"review_litigation.{block.key}.{review_field.key}"] = spec.review[block.key][review_field.key]
    for active_row in spec.active_rows():
        for active_field in active_row.fields:
            cells[f"active.{active_row.key}.{active_field.key}"] = spec.active[active_row.key][active_field.key]
    return cells


# ---------------------------------------------------------------- the tables as grids


@dataclass
class GridCell:
    """A cell of a table at its origin, with its spans (like an HTML td)."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    value: bool = False  # a number cell


@dataclass
class Grid:
    rows: int
    cols: int
    cells: list[GridCell]

    def origin_map(self) -> dict[tuple[int, int], GridCell]:
        return {(c.row, c.col): c for c in self.cells}

    def cover_map(self) -> dict[tuple[int, int], GridCell]:
        """Every grid position → the cell covering it."""
        out: dict[tuple[int, int], GridCell] = {}
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    out[(r, c)] = cell
        return out


def format_number(value: Number) -> str:
    """A value as printed: integers plainly, amounts with their decimals (never an exponent)."""
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "E" in text:
            text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text
    return str(value)


def active_grid(spec: ReportSpec) -> Grid:
    """Table 二 as in the official template: block rows spanning 4 columns, single values spanning 3."""
    cells: list[GridCell] = []
    r = 0
    block = ""
    for row in spec.active_rows():
        if row.block != block:
            block = row.block
            cells.append(GridCell(block, r, 0, colspan=4))
            r += 1
            cells.append(GridCell("信息内容", r, 0))
            cells.extend(_spread([c.label for c in row.fields], r, value=False))
            r += 1
        cells.append(GridCell(row.label, r, 0))
        texts = [format_number(spec.active[row.key][c.key]) for c in row.fields]
        cells.extend(_spread(texts, r, value=True))
        r += 1
    return Grid(r, 4, cells)


def _spread(texts: list[str], row: int, *, value: bool) -> list[GridCell]:
    """1, 2 or 3 cells over the 3 value columns of table 二 (the last one spanning the rest)."""
    out: list[GridCell] = []
    for index, text in enumerate(texts):
        span = 3 - index if index == len(texts) - 1 else 1
        out.append(GridCell(text, row, 1 + index, colspan=span, value=value))
    return out


def requests_grid(spec: ReportSpec) -> Grid:
    """Table 三 as in the official template (10 columns, the merged header and group cells)."""
    rows = spec.request_rows()
    cells: list[GridCell] = [
        GridCell(formats.BALANCE_NOTE, 0, 0, rowspan=3, colspan=3),
        GridCell("申请人情况", 0, 3, colspan=7),
        GridCell(formats.REQUEST_COLUMNS[0].label, 1, 3, rowspan=2),
        GridCell("法人或其他组织", 1, 4, colspan=5),
        GridCell(formats.REQUEST_COLUMNS[6].label, 1, 9, rowspan=2),
    ]
    cells.extend(GridCell(c.label, 2, 4 + i) for i, c in enumerate(formats.REQUEST_COLUMNS[1:6]))
    results_label = formats.GROUPS[0].label
    result_keys = set(formats.result_row_keys(rows)) | {"total_processed"}
    seen: set[str] = set()
    for index, row in enumerate(rows):
        r = 3 + index
        if row.key not in result_keys:
            cells.append(GridCell(row.label, r, 0, colspan=3))
        else:
            if results_label not in seen:
                seen.add(results_label)
                span = sum(1 for x in rows if x.key in result_keys)
                cells.append(GridCell(results_label, r, 0, rowspan=span))
            if row.group is None or row.group == results_label:
                cells.append(GridCell(row.label, r, 1, colspan=2))
            else:
                if row.group not in seen:
                    seen.add(row.group)
                    span = sum(1 for x in rows if x.group == row.group)
                    cells.append(GridCell(row.group, r, 1, rowspan=span))
                cells.append(GridCell(row.label, r, 2))
        for c, value in enumerate(spec.requests[row.key]):
            cells.append(GridCell(format_number(value), r, 3 + c, value=True))
    return Grid(3 + len(rows), 10, cells)


def review_grid(spec: ReportSpec) -> Grid:
    """Table 四 as in the official template (15 columns, 4 rows)."""
    review, direct, after = formats.REVIEW_BLOCKS
    litigation = direct.label.split("·")[0]
    cells = [
        GridCell(review.label, 0, 0, colspan=5),
        GridCell(litigation, 0, 5, colspan=10),
        GridCell(direct.label.split("·")[1], 1, 5, colspan=5),
        GridCell(after.label.split("·")[1], 1, 10, colspan=5),
    ]
    cells.extend(GridCell(f.label, 1, i, rowspan=2) for i, f in enumerate(formats.REVIEW_FIELDS))
    for b in range(1, 3):
        cells.extend(GridCell(f.label, 2, 5 * b + i) for i, f in enumerate(formats.REVIEW_FIELDS))
    for b, block in enumerate(formats.REVIEW_BLOCKS):
        for i, f in enumerate(formats.REVIEW_FIELDS):
            cells.append(GridCell(format_number(spec.review[block.key][f.key]), 3, 5 * b + i, value=True))
    return Grid(4, 15, cells)


# ---------------------------------------------------------------- document outline

Block = tuple[str, Any]  # ("title"|"p"|"heading"|"sub"|"table"|"sign", payload)


def outline(spec: ReportSpec, *, signature_date: bool = True, date_style: int = 0) -> list[Block]:
    """The report as a sequence of blocks, shared by every renderer."""
    blocks: list[Block] = [("title", spec.title), ("p", spec.intro())]
    tables = {2: active_grid, 3: requests_grid, 4: review_grid}
    subheadings = set(_S1_PARAGRAPHS)
    for section in formats.SECTIONS:
        blocks.append(("heading", f"{_CN_NUMBERS[section.number - 1]}、{section.title}"))
        for paragraph in spec.paragraphs(section.number):
            blocks.append(("sub" if paragraph in subheadings else "p", paragraph))
        if section.number in tables:
            blocks.append(("table", (section.number, tables[section.number](spec))))
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
            if cell.value and rng.random() < 0.03:
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


def _narrow_label(grid: Grid, cell: GridCell) -> bool:
    """A label cell that a web page or Word would wrap: a value column's header, a long row label."""
    if cell.value or len(cell.text) < 4:
        return False
    header_of_values = cell.colspan == 1 and cell.rowspan <= 2 and grid.cols >= 10 and (grid.cols == 15 or cell.col >= 3)
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
        _pad(note[0], value_col + 20) + "申请人情况",
        _pad(note[1] if len(note) > 1 else "", value_col + 2) + heads[0] + "  " + "法人或其他组织" + " " * 18 + heads[6],
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
            lines.append(_pad("信息内容", 20) + "".join(_pad(label, 18) for label in labels).rstrip())
        values = [format_number(spec.active[row.key][c.key]).rjust(12) for c in row.fields]
        lines.append(_pad(row.label, 18) + "      ".join(values))
    return lines


def _layout_review(spec: ReportSpec) -> list[str]:
    fields = [f.label for f in formats.REVIEW_FIELDS]
    top = [f[:2] for f in fields]
    bottom = [f[2:] for f in fields]
    values = [format_number(spec.review[b.key][f.key]) for b in formats.REVIEW_BLOCKS for f in formats.REVIEW_FIELDS]
    return [
        " " * 10 + "行政复议" + " " * 30 + "行政诉讼",
        " " * 40 + "未经复议直接起诉" + " " * 12 + "复议后起诉",
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


# Column widths (twentieths of a point) of the official template's tables, by column count.
_TEMPLATE_WIDTHS = {
    4: [2435] * 4,
    10: [754, 921, 3271] + [685] * 7,
    15: [649] * 7 + [650] * 8,
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
    widths = _TEMPLATE_WIDTHS.get(grid.cols, [9000 // grid.cols] * grid.cols)
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
                text = cell.text if cell.value else _TEMPLATE_BREAKS.get(cell.text, cell.text)
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
            align = "center" if cell.value else "left"
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
