"""The report's own sentences, every figure in them taken from the tables.

The figures of table 三 and 四 are those `gongkai check` compares a narrative with
(`check.rules.topic_value`), and the sentences use the wording its narrative reader takes
(`parse.narrative`): a report written here states nothing its checker would read differently.
A figure whose cell is null is not stated at all (null is not zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .. import formats, layout
from ..check.rules import topic_value
from ..model import Record, Value

FORMAT_DOCUMENTS = {
    formats.TEMPLATE_2021: ("《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"),
    formats.TEMPLATE_2019: ("《中华人民共和国政府信息公开工作年度报告格式（试行）》（国办公开办函〔2019〕60号）"),
}


def _figure(value: Value) -> str:
    return layout.format_number(value)


def _clauses(parts: Iterable[tuple[str, Value, str]]) -> list[str]:
    """「words + figure + unit」 for each part whose figure is known (null parts are left out)."""
    return [f"{words}{_figure(value)}{unit}" for words, value, unit in parts if value is not None]


def _led(verb: str, clauses: list[str]) -> list[str]:
    """The clauses with the verb they share before the first one (「作出」行政许可决定…、行政处罚决定…)."""
    return [f"{verb}{clause}" if i == 0 else clause for i, clause in enumerate(clauses)]


def _sentence(lead: str, groups: Iterable[list[str]]) -> str | None:
    """Clauses joined by 、 within a group and ； between groups, after `lead`; None when empty."""
    joined = [("、".join(group)) for group in groups if group]
    return f"{lead}{'；'.join(joined)}。" if joined else None


def introduction(record: Record, year: int) -> str:
    """The paragraph before 一: what the report follows and the period its figures cover."""
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{FORMAT_DOCUMENTS[record.template]}要求编制。"
        f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    )


def _cell(active: Mapping[str, Mapping[str, Value]], row: str, field: str) -> Value:
    return active.get(row, {}).get(field)


def active_sentence(record: Record) -> str | None:
    """Table 二 in one sentence: the documents (规章, 规范性文件), the decisions, the fees
    (2021) or procurement items (2019), under the row labels of the record's template."""
    a = record.active
    label = {row.key: row.label for row in formats.active_rows(record.template)}
    documents_rows = ("regulations", "normative_documents")
    if record.template == formats.TEMPLATE_2019:
        documents = [
            _clauses(
                [
                    (f"新制作{label[row]}", _cell(a, row, "made"), "件"),
                    ("新公开", _cell(a, row, "published"), "件"),
                    (f"对外公开{label[row]}总数", _cell(a, row, "total"), "件"),
                ]
            )
            for row in documents_rows
        ]
        decision_rows: tuple[str, ...] = ("licensing", "other_services", "punishment", "coercion")
        last = _clauses([(f"{label['procurement']}项目", _cell(a, "procurement", "items"), "个")])
    else:
        documents = [
            _led(verb, _clauses((label[row], _cell(a, row, field), "件") for row in documents_rows))
            for verb, field in (("制发", "issued"), ("废止", "repealed"), ("现行有效", "in_force"))
        ]
        decision_rows = ("licensing", "punishment", "coercion")
        last = _clauses([(f"收取{label['fees']}", _cell(a, "fees", "amount"), "万元")])
    decisions = _led("作出", _clauses((f"{label[row]}决定", _cell(a, row, "decisions"), "件") for row in decision_rows))
    return _sentence("本年度", [*documents, decisions, last])


_REQUEST_TOPICS = ("new_received", "carried_over", "total_processed", "carried_forward")
_RESULT_TOPICS = ("granted", "partially_granted", "withheld", "unavailable", "rejected", "other")


def requests_sentences(record: Record) -> list[str]:
    """Table 三 in two sentences: received, carried over, handled and carried forward; then the
    results by category (the sums `gongkai check` compares a narrative with)."""
    if not record.rows:
        return []
    figures = {topic: topic_value(record, topic) for topic in _REQUEST_TOPICS + _RESULT_TOPICS}
    if all(figures[t] == 0 for t in _REQUEST_TOPICS):
        return ["本年度未收到政府信息公开申请，也没有上年结转的申请。"]
    out: list[str] = []
    flow = _clauses(
        [
            ("新收政府信息公开申请", figures["new_received"], "件"),
            ("上年结转", figures["carried_over"], "件"),
            ("办结", figures["total_processed"], "件"),
            ("结转下年度继续办理", figures["carried_forward"], "件"),
        ]
    )
    if flow:
        out.append("本年度" + "，".join(flow) + "。")
    results = _clauses((formats.RESULT_CATEGORY_LABELS[t], figures[t], "件") for t in _RESULT_TOPICS)
    if results:
        # 「申请」 names what the figures are about (the narrative reader takes figures of
        # 政府信息公开申请 only); 「办结的申请中，」 states no figure of its own.
        out.append("在本年度办结的申请中，" + "，".join(results) + "。")
    return out


def review_sentence(record: Record) -> str | None:
    """Table 四's two totals: 行政复议 and 行政诉讼 (both kinds)."""
    review, litigation = topic_value(record, "review_total"), topic_value(record, "litigation_total")
    if review == 0 and litigation == 0:
        return "本年度未发生因政府信息公开工作引起的行政复议、行政诉讼案件。"
    clauses = _clauses([("被申请行政复议", review, "件"), ("被提起行政诉讼", litigation, "件")])
    return f"本年度因政府信息公开工作{'，'.join(clauses)}。" if clauses else None


def overview(record: Record) -> list[str]:
    """Section 一's paragraphs of figures: 主动公开, 依申请公开, 行政复议和行政诉讼."""
    paragraphs = [active_sentence(record), *requests_sentences(record), review_sentence(record)]
    return [p for p in paragraphs if p]


TABLE_LEADS = {
    2: "本年度主动公开政府信息情况如下表。",
    3: "本年度收到和处理政府信息公开申请情况如下表。",
    4: "本年度政府信息公开行政复议、行政诉讼情况如下表。",
}
