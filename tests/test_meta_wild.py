"""Metadata of reports as websites publish them: a case table of minimal inputs.

Each case is a small text (site chrome, titles inside sentences, flattened lines, footers) and
the agency, year and published date that must be read from it. `read_meta` is asked directly
(the year is `Meta.year`: title, else statistical period, else the opening of the body); the
same texts also go through `gongkai.check_text`, which must agree on agency and date (and on the
year except where only the body states it, a fallback `parse` may not use).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gongkai
from gongkai.parse import meta
from gongkai.parse.meta import find_sections, is_chrome, read_meta
from gongkai.read import Document

# A minimal body: the six headings, a sentence each. `YEAR_BODY` opens 总体情况 with a year.
BODY = (
    "一、总体情况\n本机关认真贯彻落实《条例》。\n二、主动公开政府信息情况\n本机关主动公开信息。\n"
    "三、收到和处理政府信息公开申请情况\n本机关未收到申请。\n四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    "五、存在的主要问题及改进情况\n培训不足。\n六、其他需要报告的事项\n无。\n"
)
YEAR_BODY = BODY.replace("本机关认真贯彻落实", "2023年，本机关认真贯彻落实")
INTRO = "本报告根据《中华人民共和国政府信息公开条例》编制。\n"
CRUMB = "当前位置：首页 > 政务公开 > 政府信息公开年报 > 正文\n"
FOOTER = (
    "【打印本页】 【关闭窗口】\n网站标识码：3607000001 赣ICP备05004290号-1 赣公网安备 36070202000123号\n"
    "主办单位：安远县人民政府办公室 承办单位：安远县大数据中心\n网站地图 | 联系我们 | 使用帮助\n"
)
SIGNED = "安远县林业局\n2025年1月20日\n"


def flat(text: str, joiner: str = " ") -> str:
    """The text with every line break lost (a page's innerText, a search snapshot)."""
    return joiner.join(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    agency: str | None
    year: int | None
    published: str | None
    body_year: bool = False  # the year is only in the body's opening sentences


CASES = [
    # -- plain reports (what already worked must keep working)
    Case("plain", "安远县林业局2024年政府信息公开工作年度报告\n" + INTRO + BODY + SIGNED, "安远县林业局", 2024, "2025-01-20"),
    Case(
        "title-over-two-lines",
        "高安市行政服务中心管委会\n2023年政府信息公开工作年度报告\n" + INTRO + BODY + "高安市行政服务中心管委会\n2024年1月11日\n",
        "高安市行政服务中心管委会",
        2023,
        "2024-01-11",
    ),
    Case("title-without-agency", "2023年政府信息公开工作年度报告\n" + BODY + "赣州市统计局\n2024年1月30日\n", "赣州市统计局", 2023, "2024-01-30"),
    Case("year-first", "2023年度瑞金市政府信息公开工作年度报告\n" + BODY, "瑞金市", 2023, None),
    Case("year-after-tail", "瑞金市林业局政府信息公开工作年度报告（2023年度）\n" + BODY, "瑞金市林业局", 2023, None),
    Case("spaced-title", "赣州市 2023 年政府信息公开工作年度报告\n" + BODY, "赣州市", 2023, None),
    Case("no-gongzuo", "瑞金市2022年政府信息公开年度报告\n" + BODY, "瑞金市", 2022, None),
    Case(
        "chinese-numerals",
        "安远县人民政府二〇二三年政府信息公开工作年度报告\n" + BODY + "安远县人民政府\n二〇二四年三月二十日\n",
        "安远县人民政府",
        2023,
        "2024-03-20",
    ),
    Case("name-starts-like-a-verb", "将乐县人民政府2023年政府信息公开工作年度报告\n" + BODY, "将乐县人民政府", 2023, None),
    Case("name-holds-a-verb", "赣州市预警信息发布中心2023年政府信息公开工作年度报告\n" + BODY, "赣州市预警信息发布中心", 2023, None),
    Case(
        "signed-after-a-note",
        "安远县林业局2024年政府信息公开工作年度报告\n" + BODY + SIGNED + "（此件公开发布）\n",
        "安远县林业局",
        2024,
        "2025-01-20",
    ),
    # -- site chrome before the title and after the signature
    Case(
        "breadcrumb-source-share",
        CRUMB
        + "安远县林业局2024年政府信息公开工作年度报告\n来源：安远县林业局  时间：2025-01-21  浏览次数：\n正文\n"
        + "【字体：大 中 小】 【打印】 【关闭】\n分享到：微信 微博 QQ空间\n"
        + BODY
        + SIGNED
        + FOOTER,
        "安远县林业局",
        2024,
        "2025-01-20",
    ),
    Case(
        "banner-menu-index-box",
        "Official Website of the People's Government\n首页 政务公开 政务服务 互动交流 走进安远\n"
        "索引号：014500012/2025-00012  发布机构：安远县林业局  生成日期：2025-01-21\n"
        "安远县林业局2024年政府信息公开工作年度报告\n" + BODY + SIGNED,
        "安远县林业局",
        2024,
        "2025-01-20",
    ),
    Case(
        "breadcrumb-ends-in-the-title",
        "您当前所在的位置：首页 >> 信息公开 >> 法定主动公开内容 >> 政府信息公开工作年度报告\n"
        "瑞金市自然资源局2023年政府信息公开工作年度报告\n" + BODY,
        "瑞金市自然资源局",
        2023,
        None,
    ),
    Case(
        "footer-organ-is-not-the-signature",
        "安远县林业局2024年政府信息公开工作年度报告\n" + BODY + "安远县林业局\n" + FOOTER,
        "安远县林业局",
        2024,
        None,
    ),
    Case(
        "footer-without-colon",
        "安远县林业局2024年政府信息公开工作年度报告\n" + BODY + "安远县林业局\n安远县人民政府办公室 主办\n",
        "安远县林业局",
        2024,
        None,
    ),
    Case(
        "footer-on-the-date-line",
        "安远县林业局2024年政府信息公开工作年度报告\n" + BODY + "安远县林业局 2025年1月20日 网站标识码：3607000001 主办单位：安远县人民政府办公室\n",
        "安远县林业局",
        2024,
        "2025-01-20",
    ),
    Case(
        "no-signature-only-a-footer",
        CRUMB + "特向社会公布瑞金市自然资源局2023年度政府信息公开工作年度报告。\n" + BODY + "主办单位：瑞金市人民政府办公室\n",
        "瑞金市自然资源局",
        2023,
        None,
    ),
    Case(
        "stray-spaces-in-the-signature",
        "南平市自然资源局2019年政府信息公开工作年度报告\n" + BODY + "南\u3000平\u3000\u3000市自然资源\xa0局\n2020年1月12日\n",
        "南平市自然资源局",
        2019,
        "2020-01-12",
    ),
    # -- no title line: the report named inside a sentence
    Case("named-in-a-sentence", "根据《中华人民共和国政府信息公开条例》规定，现公布县林业局2024年政府信息公开工作年度报告如下。\n" + BODY, "县林业局", 2024, None),
    Case("published-to-the-public", "特向社会公布安远县林业局2023年度政府信息公开工作年度报告。\n" + BODY, "安远县林业局", 2023, None),
    Case("announced-as-follows", "现将安远县林业局2024年政府信息公开工作年度报告公布如下：\n" + BODY, "安远县林业局", 2024, None),
    Case("compiled-by", "按照《条例》要求，安远县林业局编制了2024年政府信息公开工作年度报告，现予公布。\n" + BODY, "安远县林业局", 2024, None),
    Case("stray-space-in-the-name", "根据《条例》规定，现公布南\u3000\u3000平市自然资源局2019年政府信息公开工作年度\u3000报告。\n" + BODY, "南平市自然资源局", 2019, None),
    # A place's 「市」 set apart on both sides: the word before it is the place's head (seed 19015947 read 「市农业农村局」).
    Case("place-suffix-set-apart", "现将衡阳 市 农业农村局2024年政府信息公开工作年度报告公布如下：\n" + BODY, "衡阳市农业农村局", 2024, None),
    # A space between the organ and its verb left only 「编制了」 before the year (seed 5018090).
    Case("stray-space-before-the-verb", "按照《条例》要求，柳州市融安县统计局\u3000编制了2022年政府信息公开工作年度报告。\n" + BODY, "柳州市融安县统计局", 2022, None),
    # Spaces inside the name left a piece too short to be one before the year; the page is cut
    # off before its signature (seed 27016749 read 「业局」).
    Case("name-cut-before-its-last-two-characters", "\u3000\u3000泰州市衡山县林\u3000\u3000业局2021年政府信息公开工作年度报告 本报告根据《条例》编制。\n" + BODY, "泰州市衡山县林业局", 2021, None),
    # Spaces inside the verb left 「制了」 before the year (seed 23017531 read 「制了」).
    Case("stray-space-inside-the-verb", "按照《条例》要求，南阳市西工区人民政府编  制了2022年政府信息公开工作年度报告，现予公布。\n" + BODY, "南阳市西工区人民政府", 2022, None),
    # A flattened breadcrumb glued to the title by 「正文」 (seed 13028552 read no agency).
    Case(
        "breadcrumb-glued-before-the-title",
        "当前位置：首页 > 政府信息公开 > 政府信息公开年报正文九江市修水县农业农村局2024年政府信息公开工作年度报告本报告根据《条例》编制。\n" + BODY,
        "九江市修水县农业农村局",
        2024,
        None,
    ),
    # Stray spaces cut the signed name; the title prints it whole (seed 13000145 read 「县卫生健康委员会」).
    Case(
        "signed-name-cut-by-spaces",
        "上饶市夏津县卫生健康委员会2024年政府信息公开工作年度报告\n" + BODY + "六、其他需要报告的事项 本年度未收取政府信息公开信息处理费。 上饶市夏津  县卫生健康委员会 2025年1月21日\n",
        "上饶市夏津县卫生健康委员会",
        2024,
        "2025-01-21",
    ),
    # A page cut off inside table 三 ends on a piece of a group label (seed 13011604 read 「年度办」).
    Case(
        "a-group-label-piece-is-no-signature",
        "常德市于都县住房和城乡建设局2022年政府信息公开工作年度报告\n" + BODY + "      三、本\n        8.属于行政查询事项   3   0   0   0   0    0     3\n      年度办\n",
        "常德市于都县住房和城乡建设局",
        2022,
        None,
    ),
    # A page cut off inside table 三: a wrapped label's last line is no signature (seed 5020377).
    Case(
        "a-table-label-piece-is-no-signature",
        "吉安市财政局2021年政府信息公开工作年度报告\n" + BODY + "2.申请人逾期未按\n收费通知要求缴纳费 2 0 2 0 0 0 4\n用、行政机关不再处\n",
        "吉安市财政局",
        2021,
        None,
    ),
    Case(
        "self-reference-is-not-a-name",
        CRUMB + "现予公布本局2023年政府信息公开工作年度报告。\n" + BODY + SIGNED,
        "安远县林业局",
        2023,
        "2025-01-20",
    ),
    Case(
        "category-heading-then-title",
        "政府信息公开年报\n瑞金市审计局2023年政府信息公开工作年度报告\n" + BODY,
        "瑞金市审计局",
        2023,
        None,
    ),
    # -- the year from the statistical period, else from the body
    Case(
        "period-from-to",
        "瑞金市审计局政府信息公开工作年度报告\n本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。\n" + YEAR_BODY,
        "瑞金市审计局",
        2022,
        None,
    ),
    Case("period-span-dash", "瑞金市审计局政府信息公开工作年度报告\n统计时间段为2021年1月1日-12月31日。\n" + BODY, "瑞金市审计局", 2021, None),
    Case("period-year", "瑞金市审计局政府信息公开工作年度报告\n本报告数据统计期限为2021年度。\n" + BODY, "瑞金市审计局", 2021, None),
    Case(
        "period-without-the-word",
        "瑞金市审计局政府信息公开工作年度报告\n本报告所列数据时间为2023年1月1日至2023年12月31日。\n" + BODY,
        "瑞金市审计局",
        2023,
        None,
    ),
    Case(
        "period-in-chinese-numerals",
        "瑞金市审计局政府信息公开工作年度报告\n所列数据统计时限从二〇二三年一月一日到十二月三十一日止。\n" + BODY,
        "瑞金市审计局",
        2023,
        None,
    ),
    Case(
        "plan-span-is-not-the-period",
        "瑞金市审计局政府信息公开工作年度报告\n落实《规划（2021年1月1日至2025年12月31日）》。\n" + YEAR_BODY,
        "瑞金市审计局",
        2023,
        None,
        body_year=True,
    ),
    Case("year-from-the-body", "瑞金市审计局政府信息公开工作年度报告\n" + YEAR_BODY, "瑞金市审计局", 2023, None, body_year=True),
    Case("no-year-anywhere", "瑞金市审计局政府信息公开工作年度报告\n" + BODY, "瑞金市审计局", None, None),
    Case(
        "date-inside-the-last-sentence-is-not-a-signature",
        "瑞金市审计局2023年政府信息公开工作年度报告\n" + BODY + "本机关将按新规定执行，新规定于 2024年3月1日起施行。\n",
        "瑞金市审计局",
        2023,
        None,
    ),
    # -- the whole page flattened onto one line
    Case(
        "flattened-with-chrome",
        flat(
            CRUMB
            + "安远县林业局2024年政府信息公开工作年度报告\n来源：安远县林业局 时间：2025-01-21 浏览次数：\n"
            + BODY
            + "安远县林业局 2025年1月20日\n"
            + FOOTER
        ),
        "安远县林业局",
        2024,
        "2025-01-20",
    ),
    Case(
        "flattened-no-spaces-title-in-sentence",
        flat(
            "首页>政务公开>政府信息公开年报>正文\n根据条例要求，现将安远县林业局2024年度政府信息公开工作年度报告公布如下：\n"
            + BODY
            + "安远县林业局2025年1月20日\n网站标识码：3607000001主办单位：安远县人民政府办公室\n",
            "",
        ),
        "安远县林业局",
        2024,
        "2025-01-20",
    ),
    Case(
        "flattened-share-button-glued",
        flat("正文\n分享到：微信 微博 QQ空间\n南阳市退役军人事务局2020年政府信息公开工作年度报告\n" + BODY, ""),
        "南阳市退役军人事务局",
        2020,
        None,
    ),
    Case(
        "flattened-period-only",
        flat("瑞金市审计局政府信息公开工作年度报告\n统计期限自2022年1月1日起至2022年12月31日止。\n" + BODY + "瑞金市审计局\n2023年1月18日\n"),
        "瑞金市审计局",
        2022,
        "2023-01-18",
    ),
    Case(
        "flattened-signature-after-sentence",
        flat("瑞金市审计局2023年政府信息公开工作年度报告\n" + BODY, "") + "本年度未收取信息处理费。瑞金市审计局2024年1月6日",
        "瑞金市审计局",
        2023,
        "2024-01-06",
    ),
    # -- chrome glued before the name on a flattened page; the name printed whole elsewhere
    Case(
        "flattened-chrome-glued-to-the-name",
        flat("来源：吉安市公共资源交易中心 时间：2025-02-11\n正文扫一扫在手机打开当前页吉安市公共资源交易中心2024年政府信息公开工作年度报告\n" + BODY, ""),
        "吉安市公共资源交易中心",
        2024,
        None,
    ),
    Case(
        "flattened-breadcrumb-glued-to-the-name",
        flat("当前位置: 首页 > 政务公开 > 年度报告湖州市袁州区政务服务中心2020年政府信息公开工作年度报告\n"
             "如对本报告有疑问，请与湖州市袁州区政务服务中心联系。\n" + BODY, ""),
        "湖州市袁州区政务服务中心",
        2020,
        None,
    ),
    Case(
        "title-in-a-sentence-its-name-cut-by-stray-spaces",
        "现公布绵阳市卧龙 区自然 资源局2023年政府信息公开工作年度报告。\n"
        "如对本报告有疑问，请与绵阳市卧龙区自然资源局联系。\n" + BODY,
        "绵阳市卧龙区自然资源局",
        2023,
        None,
    ),
    Case(
        "title-in-a-sentence-its-words-spread-by-stray-spaces",
        "现将淮安市信州区医疗保障局2021年政府信  息公开工作年度   报告公布如下：\n" + BODY,
        "淮安市信州区医疗保障局",
        2021,
        None,
    ),
    Case(
        "name-printed-once-with-a-stray-space",
        "南平市绥阳  县城市管理局2019年政府信息公开工作年  度报告\n" + INTRO + BODY,
        "南平市绥阳县城市管理局",
        2019,
        None,
    ),
    Case(
        "flattened-signature-cut-by-spaces",
        flat("淮安市泗阳县水利局2020年政府信息公开工作年度报告\n" + INTRO + BODY + "淮安市泗阳县水\u3000\u3000利局 2021年1月25日\n"),
        "淮安市泗阳县水利局",
        2020,
        "2021-01-25",
    ),
]


def read(text: str) -> tuple[str | None, int | None, str | None]:
    lines = Document.from_text(text).lines
    meta = read_meta(lines, find_sections(lines))
    return meta.signature_agency or meta.title_agency, meta.year, meta.published


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_meta_case(case: Case) -> None:
    assert read(case.text) == (case.agency, case.year, case.published)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_record_agrees(case: Case) -> None:
    record = gongkai.check_text(case.text)
    assert (record.agency, record.published) == (case.agency, case.published)
    if not case.body_year and case.year is not None:
        assert record.year == case.year


def test_breadcrumb_is_never_the_title() -> None:
    lines = Document.from_text(CRUMB + "现予公布本局2023年政府信息公开工作年度报告。\n" + BODY).lines
    meta = read_meta(lines, find_sections(lines))
    assert meta.title is not None and "当前位置" not in meta.title and "年报" not in meta.title
    assert meta.title_line is not None and meta.title_line.number == 2


def test_title_provenance_is_the_printed_text() -> None:
    lines = Document.from_text("按照要求，安远县林业局编制了2024年政府信息公开工作年度报告，现予公布。\n" + BODY).lines
    meta = read_meta(lines, find_sections(lines))
    assert meta.title == "安远县林业局编制了2024年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("当前位置：首页 > 政务公开 > 政府信息公开年报 > 正文", True),
        ("来源：安远县林业局  时间：2025-01-21  浏览次数：", True),
        ("正文", True),
        ("【字体：大 中 小】 【打印】 【关闭】", True),
        ("Official Website of the People's Government", True),
        ("首页 政务公开 政务服务 互动交流 走进安远", True),
        ("主办单位：安远县人民政府办公室 承办单位：安远县大数据中心", True),
        ("网站标识码：3607000001 赣ICP备05004290号-1", True),
        ("安远县林业局2024年政府信息公开工作年度报告", False),
        ("安远县林业局", False),
        ("南 平 市自然资源 局", False),
        ("2025年1月20日", False),
        ("自然人 商业企业 科研机构 社会公益组织 法律服务机构", True),  # a header row: not metadata either way
        ("本机关严格落实《条例》要求，持续加大重点领域信息公开力度，做好政策文件和解读材料的同步发布。", False),
    ],
)
def test_chrome_lines(line: str, chrome: bool) -> None:
    assert is_chrome(line) is chrome


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        pytest.param(BODY, [1, 2, 3, 4, 5, 6], id="own-lines"),
        pytest.param("本报告依据《条例》编制。一、总体情况\n2023年，本机关…\n二、主动公开政府信息情况\n", [1, 2], id="heading-ends-a-line"),
        pytest.param(
            "本报告包括：一、总体情况；二、主动公开政府信息情况；六、其他需要报告的事项\n一、总体情况\n二、主动公开政府信息情况\n",
            [1, 2],
            id="table-of-contents-is-not-a-heading",
        ),
    ],
)
def test_find_sections(text: str, numbers: list[int]) -> None:
    assert [h.number for h in find_sections(Document.from_text(text).lines)] == numbers


# A year opening a sentence, as one pattern says it (at the text's start or after a space or a
# sentence's mark): slow, since its test of what stands before tries every character.
_SENTENCE_YEAR = re.compile(rf"(?:^|(?<=[\s。；！？：:，,、）)]))({meta._YEAR})\s*年度?\s*(?:以来|全年|[，,]|我|本|共|全)")


@given(st.text(alphabet=st.sampled_from("2023年度 ，,。）以来全年我本共全一二〇O0１X\u3000\n"), max_size=40))
def test_body_years_are_the_years_opening_a_sentence(text: str) -> None:
    found = [m.group(1) for m in meta._BODY_YEAR.finditer(text) if meta._opens_a_sentence(text, m.start())]
    assert found == [m.group(1) for m in _SENTENCE_YEAR.finditer(text)]
