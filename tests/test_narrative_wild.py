"""Narrative figures as reports really write them: case tables for the statements, the listed
totals and the narrative_mismatch rule.

A statement is taken only when the sentence plainly states it; a figure of something else
(上年结转 inside a received total, 网络问政信件, 行政许可申请, a 司法局's own 行政复议 cases) must
never be taken, and a 「其中…」 list whose items cannot be told apart is not read at all: a false
finding is worse than a missed one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import gongkai
from gongkai import formats
from gongkai.model import Record
from gongkai.parse.narrative import (
    build_prose,
    extract_listed_totals,
    extract_statements,
)
from gongkai.read import Line
from synth.reportgen import Report, random_report, render

# ------------------------------------------------------------------ statements


def statements(sentence: str, section: int | None = 1) -> list[tuple[str, int]]:
    prose = build_prose([(section, [Line(1, sentence)])])
    return sorted((s.topic, s.value) for s in extract_statements(prose))


STATEMENTS: list[tuple[str, str, int | None, list[tuple[str, int]]]] = [
    # id, sentence, section, (topic, value) taken
    (
        "received-carried-done-forward",
        "2023年，本机关收到政府信息公开申请13件，上年结转1件，办结12件，结转下年度2件。",
        1,
        [("carried_forward", 2), ("carried_over", 1), ("new_received", 13), ("total_processed", 12)],
    ),
    (
        "accepted-with-carried-apart",
        "全年共受理政府信息公开申请7件，另有上年结转申请1件；已办结6件，结转下年度继续办理2件。",
        1,
        [("carried_forward", 2), ("carried_over", 1), ("new_received", 7), ("total_processed", 6)],
    ),
    ("various-applications", "共收到各类政府信息公开申请12件。", 1, [("new_received", 12)]),
    ("none-received", "本年度未收到政府信息公开申请。", 1, [("new_received", 0)]),
    ("received-by-channel", "收到政府信息公开申请12件（其中网上申请7件、信函申请5件）。", 1, [("new_received", 12)]),
    # 2019 format: 予以公开及部分公开 together, 无法提供, 其他处理
    (
        "2019-granted-or-partial",
        "全年共收到政府信息公开申请859件，其中予以公开及部分公开258件，占32%；无法提供265件；不予公开12件；其他处理11件。",
        1,
        [("granted_or_partial", 258), ("new_received", 859), ("other", 11), ("unavailable", 265), ("withheld", 12)],
    ),
    (
        "2019-quoted-categories",
        "在已答复的805件申请中，“予以公开及部分公开”258件，“无法提供”265件。",
        1,
        [("granted_or_partial", 258), ("total_processed", 805), ("unavailable", 265)],
    ),
    (
        "2019-granted-or-partial-spread-by-spaces",
        "对政府信息公开申请，予以公\u00a0开及\u3000部分公开258件，无法\u3000提供265件。",
        1,
        [("granted_or_partial", 258), ("unavailable", 265)],
    ),
    ("2019-granted-including-partial", "对政府信息公开申请，予以公开（含部分公开）258件。", 1, [("granted_or_partial", 258)]),
    ("2019-all-or-partly", "对政府信息公开申请，全部或部分公开258件。", 1, [("granted_or_partial", 258)]),
    ("unavailable-with-reason", "对政府信息公开申请，因本机关不掌握相关信息而无法提供的265件。", 1, [("unavailable", 265)]),
    # 分别: pairwise, or nothing
    (
        "respectively",
        "办结政府信息公开申请80件，其中予以公开、部分公开分别为20件、5件。",
        1,
        [("granted", 20), ("partially_granted", 5), ("total_processed", 80)],
    ),
    ("respectively-miscounted", "对政府信息公开申请，予以公开、部分公开、不予公开分别为20件、5件。", 1, []),
    # figures of something else are never taken
    ("received-includes-carried", "共收到政府信息公开申请15件（含上年结转2件）。", 1, [("carried_over", 2)]),
    ("accepted-of-which-carried", "本年度受理政府信息公开申请20件，其中上年结转3件。", 1, [("carried_over", 3)]),
    ("carried-applications-received", "收到上年结转申请3件。", 1, [("carried_over", 3)]),
    ("letters-then-done", "本年度共收到网络问政信件120件，办结120件。", 1, []),
    ("letters-and-applications", "本年度共收到网络问政信件120件，政府信息公开申请12件。", 1, []),
    ("netizen-messages", "全年办结网民留言230件。", 1, []),
    ("licensing-applications", "受理行政许可申请1200件，办结1200件。", 1, []),
    ("proposals", "办结人大代表建议和政协提案15件。", 1, []),
    ("active-disclosure", "全年主动予以公开政府信息120件。", 2, []),
    ("own-review-cases", "全年办理行政复议案件150件。", 1, []),
    ("review-about-complaints", "未收到因政府信息公开申请引起的行政复议。", 1, []),
    ("approximate", "全年收到政府信息公开申请800余件。", 1, []),
    # what the sentence is about may be said before it, or by the section
    ("section-three-alone", "上年结转1件，办结12件。", 3, [("carried_over", 1), ("total_processed", 12)]),
    ("done-without-subject", "全年办结12件。", 1, []),
    (
        "review-and-litigation",
        "本机关因政府信息公开工作被申请行政复议2件，被提起行政诉讼1件。",
        1,
        [("litigation_total", 1), ("review_total", 2)],
    ),
    ("review-in-section-four", "本年度行政复议0件。", 4, [("review_total", 0)]),
]


@pytest.mark.parametrize(("sentence", "section", "expected"), [c[1:] for c in STATEMENTS], ids=[c[0] for c in STATEMENTS])
def test_statements(sentence: str, section: int | None, expected: list[tuple[str, int]]) -> None:
    assert statements(sentence, section) == expected


def active_statements(sentence: str, template: str) -> list[tuple[str, int]]:
    prose = build_prose([(1, [Line(1, sentence)])])
    return sorted((s.topic, s.value) for s in extract_statements(prose, template) if formats.active_topic_cell(s.topic))


T21, T19 = formats.TEMPLATE_2021, formats.TEMPLATE_2019
ISSUED, REPEALED, IN_FORCE = (f"active.normative_documents.{f}" for f in ("issued", "repealed", "in_force"))

ACTIVE_STATEMENTS: list[tuple[str, str, str, list[tuple[str, int]]]] = [
    # id, sentence, template, table 二 (topic, value) taken
    ("row-then-verbs", "全年共制发行政规范性文件3件，废止1件，现行有效27件。", T21, [(IN_FORCE, 27), (ISSUED, 3), (REPEALED, 1)]),
    (
        "verb-then-rows",
        "本年度制发规章0件、行政规范性文件3件；废止规章0件、行政规范性文件1件。",
        T21,
        [("active.normative_documents.issued", 3), ("active.normative_documents.repealed", 1), ("active.regulations.issued", 0), ("active.regulations.repealed", 0)],
    ),
    ("in-force-with-filler", "现行有效的规范性文件共27件。", T21, [(IN_FORCE, 27)]),
    ("items-then-verb", "规范性文件现行有效12件。", T21, [(IN_FORCE, 12)]),
    (
        "decisions-listed",
        "本年度作出行政许可决定5件、行政处罚决定2件、行政强制决定0件。",
        T21,
        [("active.coercion.decisions", 0), ("active.licensing.decisions", 5), ("active.punishment.decisions", 2)],
    ),
    # Words between the verb and the items: which documents is not said.
    ("qualified-items", "制发涉及群众切身利益的规范性文件2件。", T21, []),
    # A figure of something else after the table's figure, in the same sentence.
    ("interpretations-after", "制发规范性文件3件，全部进行合法性审查，公开解读2件。", T21, [(ISSUED, 3)]),
    ("items-without-verb", "规范性文件3件。发布规范性文件解读材料3篇。", T21, []),
    ("approximate", "全年作出行政处罚决定约200件。", T21, []),
    ("whole-county", "全县各部门共制发规范性文件45件。", T21, []),
    ("in-another-unit", "公开行政处罚信息38条，行政许可信息24条。", T21, []),
    (
        "2019-made-and-published",
        "本年度新制作规范性文件3件，新公开3件，对外公开规范性文件总数15件。",
        T19,
        [("active.normative_documents.made", 3), ("active.normative_documents.published", 3)],
    ),
    # 2021 has no 新公开 column; 2019 no 现行有效.
    ("2019-verb-in-2021", "新公开规范性文件3件。", T21, []),
    ("2021-verb-in-2019", "现行有效规范性文件27件。", T19, []),
]


@pytest.mark.parametrize(("sentence", "template", "expected"), [c[1:] for c in ACTIVE_STATEMENTS], ids=[c[0] for c in ACTIVE_STATEMENTS])
def test_active_statements(sentence: str, template: str, expected: list[tuple[str, int]]) -> None:
    assert active_statements(sentence, template) == expected


# ------------------------------------------------------------------ listed totals


def listed(sentence: str) -> list[tuple[int, list[int]]]:
    return [(t.total, t.parts) for t in extract_listed_totals(build_prose([(2, [Line(1, sentence)])]))]


LISTED: list[tuple[str, str, list[tuple[int, list[int]]]]] = [
    ("one-unit", "主动公开政府信息100条，其中政策文件30条、工作动态60条。", [(100, [30, 60])]),
    ("mixed-units", "主动公开政府信息58条，其中部门文件31件，通知公告19条，其他8条。", [(58, [31, 19, 8])]),
    ("unit-note-and-pictures", "本年度共主动公开各类信息90条（件），其中部门文件31件，通知公告19条，图片新闻40张。", [(90, [31, 19, 40])]),
    ("list-in-brackets", "主动公开信息58条（其中部门文件31件、通知公告27条），访问量12000次。", [(58, [31, 27])]),
    ("sub-item-in-brackets", "主动公开信息58条，其中部门文件31件（含规范性文件3件），通知公告27条。", [(58, [31, 27])]),
    ("label-with-enumeration-comma", "主动公开信息58条，其中通知、公告27条，部门文件31件。", [(58, [27, 31])]),
    ("remark-after-the-list", "主动公开信息58条，其中部门文件31件，通知公告27条，进一步提升了政务公开透明度。", [(58, [31, 27])]),
    ("respectively", "主动公开信息90条，其中政策文件、工作动态分别为30条、60条。", [(90, [30, 60])]),
    ("label-words-are-not-comparisons", "主动公开信息50条，其中公共服务信息20条，上级下达文件30条。", [(50, [20, 30])]),
    # not read: the items cannot be told apart reliably
    ("comparison", "主动公开信息58条，其中部门文件31件，较上年增加10条。", []),
    ("other-unit", "主动公开信息58条，其中政府公报12期，通知公告46条。", []),
    ("another-figure-after", "主动公开信息58条，其中部门文件31件，通知公告27条，网站访问量达12万人次。", []),
    ("incomplete", "主动公开信息58条，其中部门文件31件、通知公告20条等。", []),
    ("approximate-part", "主动公开信息58条，其中部门文件30余件、通知公告20条。", []),
    ("about-part", "主动公开信息58条，其中部门文件约30件、通知公告28条。", []),
    ("approximate-total", "主动公开政府信息约58条，其中部门文件31件，通知公告19条。", []),
    ("one-part", "主动公开信息58条，其中部门文件31件。", []),
    ("channels-overlap", "主动公开信息100条，其中通过政府网站发布80条，政务微博发布60条。", []),
    ("applications-by-channel", "收到政府信息公开申请12件，其中网上申请7件、信函申请5件。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), [c[1:] for c in LISTED], ids=[c[0] for c in LISTED])
def test_listed_totals(sentence: str, expected: list[tuple[int, list[int]]]) -> None:
    assert listed(sentence) == expected


# ------------------------------------------------------------------ through the rule


def _total(report: Report, *keys: str) -> int:
    return sum(report.requests[k][6] for k in keys if k in report.requests)


def _report_2019() -> Report:
    """A consistent 2019-format report with some applications in every result category."""
    for seed in range(200):
        report = random_report(seed, template=formats.TEMPLATE_2019, year=2019, zero_share=0.3)
        if all(_total(report, *keys) > 0 for keys in (("granted",), ("partially_granted",), formats.RESULT_CATEGORIES["unavailable"])):
            return report
    raise AssertionError("no 2019 report with every category found")


def _report_2021() -> Report:
    for seed in range(200):
        report = random_report(seed, zero_share=0.3)
        if _total(report, "new_received") > 0 and _total(report, "carried_over") > 0:
            return report
    raise AssertionError("no 2021 report with applications found")


R2019 = _report_2019()
R2021 = _report_2021()
G19 = _total(R2019, "granted", "partially_granted")
U19 = _total(R2019, *formats.RESULT_CATEGORIES["unavailable"])
O19 = _total(R2019, "other_handling")
D19 = _total(R2019, "total_processed")
NEW21, OLD21 = _total(R2021, "new_received"), _total(R2021, "carried_over")
DOCS21 = R2021.active["normative_documents"]
DOCS19 = R2019.active["normative_documents"]
GRANT21, PART21 = _total(R2021, "granted"), _total(R2021, "partially_granted")


@dataclass(frozen=True)
class RuleCase:
    id: str
    report: Report
    sentence: str
    fires: bool
    values: tuple[int, int] | None = None  # (expected, actual) of the one finding


RULE_CASES = [
    RuleCase("2019-granted-or-partial-agrees", R2019, f"对政府信息公开申请，予以公开及部分公开{G19}件。", False),
    RuleCase("2019-granted-or-partial-differs", R2019, f"对政府信息公开申请，予以公开及部分公开{G19 + 3}件。", True, (G19, G19 + 3)),
    RuleCase("2019-unavailable-agrees", R2019, f"对政府信息公开申请，无法提供{U19}件。", False),
    RuleCase("2019-unavailable-differs", R2019, f"对政府信息公开申请，无法提供{U19 + 1}件。", True, (U19, U19 + 1)),
    RuleCase("2019-other-agrees", R2019, f"对政府信息公开申请，其他处理{O19}件。", False),
    RuleCase(
        "2019-quoted-agrees",
        R2019,
        f"在已答复的{D19}件申请中，“予以公开及部分公开”{G19}件，“无法提供”{U19}件。",
        False,
    ),
    RuleCase(
        "2019-quoted-differs",
        R2019,
        f"在已答复的{D19}件申请中，“予以公开及部分公开”{G19}件，“无法提供”{U19 + 2}件。",
        True,
        (U19, U19 + 2),
    ),
    RuleCase("received-including-carried", R2021, f"共收到政府信息公开申请{NEW21 + OLD21}件（含上年结转{OLD21}件）。", False),
    RuleCase("letters-beside-applications", R2021, f"本年度共收到网络问政信件{NEW21 + 50}件，办结{NEW21 + 50}件。", False),
    RuleCase("respectively-agrees", R2021, f"对政府信息公开申请，予以公开、部分公开分别为{GRANT21}件、{PART21}件。", False),
    RuleCase(
        "respectively-differs",
        R2021,
        f"对政府信息公开申请，予以公开、部分公开分别为{GRANT21 + 1}件、{PART21}件。",
        True,
        (GRANT21, GRANT21 + 1),
    ),
    RuleCase("mixed-units-add-up", R2021, "主动公开政府信息58条，其中部门文件31件，通知公告19条，其他8条。", False),
    RuleCase("mixed-units-short", R2021, "主动公开政府信息58条，其中部门文件31件，通知公告19条，其他5条。", True, (55, 58)),
    RuleCase("comparison-not-a-part", R2021, "主动公开政府信息58条，其中部门文件31件，较上年增加10条。", False),
    RuleCase("other-unit-not-a-part", R2021, "主动公开政府信息58条，其中政府公报12期，通知公告40条。", False),
    RuleCase("documents-agree", R2021, f"全年共制发行政规范性文件{DOCS21['issued']}件，现行有效{DOCS21['in_force']}件。", False),
    RuleCase(
        "documents-in-force-differs",
        R2021,
        f"全年共制发行政规范性文件{DOCS21['issued']}件，现行有效{int(DOCS21['in_force']) + 4}件。",
        True,
        (int(DOCS21["in_force"]), int(DOCS21["in_force"]) + 4),
    ),
    RuleCase(
        "decisions-differ",
        R2021,
        f"本年度作出行政许可决定{int(R2021.active['licensing']['decisions']) + 1}件。",
        True,
        (int(R2021.active["licensing"]["decisions"]), int(R2021.active["licensing"]["decisions"]) + 1),
    ),
    RuleCase("2019-made-agrees", R2019, f"本年度新制作规范性文件{DOCS19['made']}件。", False),
    RuleCase("2019-made-differs", R2019, f"本年度新制作规范性文件{int(DOCS19['made']) + 2}件。", True, (int(DOCS19["made"]), int(DOCS19["made"]) + 2)),
]


def _check(case: RuleCase) -> Record:
    return gongkai.check_text(render(case.report.with_(narrative=[case.sentence])))


@pytest.mark.parametrize("case", RULE_CASES, ids=[c.id for c in RULE_CASES])
def test_narrative_rule(case: RuleCase) -> None:
    record = _check(case)
    assert record.notes.tables_found.get("三"), "the table must be read for the comparison to mean anything"
    hits = [f for f in record.findings if f.rule == "narrative_mismatch"]
    if not case.fires:
        assert not hits, [h.message for h in hits]
        return
    assert len(hits) == 1, [h.message for h in hits]
    if case.values is not None:
        assert (hits[0].expected, hits[0].actual) == case.values
    assert hits[0].location.get("section") == 1


def test_2019_report_is_read_as_2019() -> None:
    assert _check(RULE_CASES[0]).template == formats.TEMPLATE_2019



def test_listed_message_names_the_printed_unit() -> None:
    record = gongkai.check_text(render(R2021.with_(narrative=["主动公开政府信息58条，其中部门文件31件，通知公告19条，其他5条。"])))
    (hit,) = [f for f in record.findings if f.rule == "narrative_mismatch"]
    assert "总数58条" in hit.message and "31 + 19 + 5" in hit.message
