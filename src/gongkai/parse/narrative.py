"""Figures the report's own text states about its tables (for narrative_mismatch).

Only plain statements are taken: a topic phrase followed closely by one count in 件 (or 条 for
the number of applications received), with no other number and no other topic in between. A
figure that is approximate ("800余件") or in 万 is never taken, nor one in a sentence about
something else (网络问政信件, 人大代表建议, 行政许可申请 …): a wrong figure would make a false
finding, a missed one only a missed check.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .. import formats, limits
from ..model import ListedTotal, Statement
from ..read import Line

# A whole number, never part of one (a digit run is taken whole or not at all: starting inside
# a run, or backtracking through it, would make every pattern quadratic on a long run of digits).
# (The look-ahead first: a pattern that opens with the number is tried at every character, and
# fails twice as fast on a digit's test than on the look-behind's.)
_N = r"(?=\d)(?<!\d)(?P<n>\d++)\s*(?![\d.万])"
_GAP = r"[^。；;，,\d]"

# topic → patterns; the group `n` of each is the number, the group `gap` what stands between
# the topic's words and the number.
PATTERNS: dict[str, tuple[str, ...]] = {
    "new_received": (
        rf"(?:新收|收到|受理|接收|接到)(?P<gap>[^。；;，,\d]{{0,16}}?申请{_GAP}{{0,6}}?){_N}(?:件|条)",
        rf"本年度?新收(?P<gap>{_GAP}{{0,8}}?){_N}件",
    ),
    "carried_over": (rf"上一?年度?(?:结转|转结)(?P<gap>{_GAP}{{0,8}}?){_N}件",),
    "total_processed": (rf"(?:办结|答复|办理完毕|处理完毕|办理完结)(?P<gap>{_GAP}{{0,12}}?){_N}件",),
    "carried_forward": (
        rf"(?:结转|转入|顺延|顺延到|结转至)下一?年度?(?P<gap>{_GAP}{{0,8}}?){_N}件",
        rf"{_N}件(?P<gap>{_GAP}{{0,4}}?)(?:顺延|结转|转入)(?:到|至)?下一?年度?",
    ),
    # 2019-format reports state 予以公开 and 部分公开 together.
    "granted_or_partial": (
        (
            rf"(?:(?:予以|同意)(?:全部)?公开(?:及|和|与|、|或|以及|或者)(?:予以)?部分公开|全部(?:公开)?(?:或|及|和|与|、|或者)部分公开"
            rf"|予以公开[（(]含部分公开[）)])(?P<gap>{_GAP}{{0,6}}?){_N}件"
        ),
    ),
    # (The words first, what may not precede them looked behind after them: a pattern that starts
    # with words is searched for them, one that starts with a look-behind tried at every character.)
    "granted": (rf"予以公开(?<![部分不]予以公开)(?<!不予予以公开)(?![及和与、或以（(]|全部|部分)(?P<gap>{_GAP}{{0,2}}?){_N}件",),
    "partially_granted": (rf"部分公开(?<![及和与、或]部分公开)(?P<gap>{_GAP}{{0,2}}?){_N}件",),
    "withheld": (rf"不予公开(?P<gap>{_GAP}{{0,2}}?){_N}件",),
    "unavailable": (rf"无法提供(?P<gap>{_GAP}{{0,6}}?){_N}件",),
    "rejected": (rf"不予处理(?P<gap>{_GAP}{{0,2}}?){_N}件",),
    "other": (rf"其他处理(?P<gap>{_GAP}{{0,2}}?){_N}件",),
    "review_total": (rf"行政复议(?P<gap>[^。；;，,\d诉]{{0,8}}?){_N}件",),
    "litigation_total": (rf"行政诉讼(?P<gap>[^。；;，,\d复]{{0,8}}?){_N}件",),
}
_COMPILED = {topic: tuple(re.compile(p) for p in patterns) for topic, patterns in PATTERNS.items()}

# Words of another topic between a topic and its number: the number is not the topic's
# (「予以公开、部分公开分别为200件、58件」).
_OTHER_TOPIC = re.compile(r"分别|各为|各有|均为|予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|办结|答复|复议|诉讼")
# What a sentence is about, the nearest mention before a figure deciding: the applications of
# the 条例 (「政府信息公开申请」) or something else counted in 件 too.
_SUBJECT = re.compile(
    r"(?P<foreign>(?:问政|信件|来信|来电|留言|咨询|建议|提案|议案|信访|投诉|举报|热线|诉求|工单|许可|审批|政务服务|办件|网民)(?:类)?(?:申请)?)"
    r"|(?P<own>申请)"
)
_LOOKBACK = 150  # characters before a figure searched for what it is about
_COUNT_OF_APPLICATIONS = re.compile(r"\d+\s*件\s*(?:政府信息公开)?申请")  # 「在已答复的805件申请中」
_REVIEW_TOPICS = frozenset({"review_total", "litigation_total"})
# 「收到申请15件（含上年结转2件）」: 15 is not the number newly received.
_INCLUDES_CARRIED = re.compile(r"[^。；;]{0,12}?(?:含|包括|包含|其中|均为|均系)[^。；;\d]{0,10}?(?:上一?年度?|以前年度|往年)")
_CARRIED_WORDS = re.compile(r"结转|转结|上一?年|以前年度|往年")
_NONE_RECEIVED = re.compile(
    r"未(?:收到|受理|接到)[^。；;，,\d]{0,16}?(?:政府信息公开申请|信息公开申请|公开申请|依申请公开)"
    r"(?![^。；;，,]{0,12}?(?:复议|诉讼|投诉|举报))"
)
_APPROXIMATE = re.compile(r"^(?:余|多)|[约近超逾]$")

# 「予以公开、部分公开、不予公开分别为100件、20件、5件」: topics and figures in the same order.
_RESPECTIVE_VALUES = re.compile(r"(?:为|是|有)?[：:]?\s*(?P<values>\d++(?:\s*件)?(?:\s*[、，,和及与]\s*\d++(?:\s*件)?)+)")
# Each name's words → its topic (the names are split at 、和及与, so 予以公开及部分公开 is two).
_RESPECTIVE_WORDS: tuple[tuple[str, str], ...] = (
    ("不予公开", "withheld"),
    ("部分公开", "partially_granted"),
    ("予以公开", "granted"),
    ("无法提供", "unavailable"),
    ("不予处理", "rejected"),
    ("其他处理", "other"),
    ("结转下年度", "carried_forward"),
    ("上年结转", "carried_over"),
    ("办结", "total_processed"),
    ("行政复议", "review_total"),
    ("行政诉讼", "litigation_total"),
)


@dataclass
class Prose:
    """A section's running text with a map from character offset back to the source line."""

    section: int | None
    text: str
    starts: list[tuple[int, Line]]
    _offsets: list[int] = field(default_factory=list, repr=False, compare=False)

    def line_at(self, offset: int) -> Line | None:
        if len(self._offsets) != len(self.starts):
            self._offsets = [start for start, _line in self.starts]
        index = bisect.bisect_right(self._offsets, offset)
        return self.starts[index - 1][1] if index else None


# Spaces between two Chinese characters are layout (「予以公\u00a0开及\u3000部分公开」), not words' ends.
_SPACE_IN_WORDS = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000\u00a0]+(?=[\u3400-\u9fff])")
# (That pattern starts with a test of what stands before, tried at every character: a line
# with no such space at all, most of them, is not searched with it.)
_LAYOUT_SPACE = re.compile("[ \t\u3000\u00a0]")


def build_prose(blocks: list[tuple[int | None, list[Line]]]) -> list[Prose]:
    prose: list[Prose] = []
    for section, lines in blocks:
        text = ""
        starts: list[tuple[int, Line]] = []
        for line in lines:
            piece = line.text.strip()
            piece = _SPACE_IN_WORDS.sub("", piece) if _LAYOUT_SPACE.search(piece) else piece
            if not piece:
                continue
            starts.append((len(text), line))
            text += piece
        if text:
            prose.append(Prose(section, text, starts))
    return prose


_REACH = 500  # characters searched either way for a clause's or sentence's end (a text without them is no sentence)


def _window(text: str, start: int, end: int) -> str:
    floor = max(0, start - _REACH)
    left = max(text.rfind(c, floor, start) for c in "。；，,;") + 1 or floor
    right_candidates = [i for i in (text.find(c, end, end + _REACH) for c in "。；，,;") if i != -1]
    right = min(right_candidates) if right_candidates else min(len(text), end + _REACH)
    return text[left:right].strip()


def _sentence_start(text: str, offset: int) -> int:
    floor = max(0, offset - 2 * _REACH)
    return max(text.rfind(c, floor, offset) for c in "。；;！？") + 1 or floor


def _figure(digits: str) -> int | None:
    """A stated figure as a number; None when it has more digits than any count (`number_digits`)."""
    return int(digits) if len(digits) <= limits.current().number_digits else None


def _about_applications(block: Prose, topic: str, start: int, number: int) -> bool:
    """Whether the figure at `number` (its topic's words at `start`) speaks of 政府信息公开申请."""
    text = block.text
    if _COUNT_OF_APPLICATIONS.match(text, number):
        return True
    if topic in _REVIEW_TOPICS:
        # 「全年办理行政复议案件150件」 of a 司法局 is its own work, not the reviews of its 公开 decisions.
        return block.section == 4 or "公开" in text[_sentence_start(text, start) : number]
    last = None
    for mention in _SUBJECT.finditer(text, max(0, number - _LOOKBACK), number):
        last = mention
    if last is None:
        # Nothing named nearby: only section 三 is about applications throughout (「主动予以公开
        # 120件」 in section 二 is not a 予以公开 decision on an application).
        return block.section == 3
    return last.group("own") is not None


def _carried_not_received(block: Prose, match: re.Match[str]) -> bool:
    """A 收到…申请 figure that counts carried-over applications: 上年结转's, not new_received's."""
    text = block.text
    # 「收到上年结转申请3件」, 「收到申请15件（含上年结转2件）」
    return bool(_CARRIED_WORDS.search(text, match.start(), match.start("n")) or _INCLUDES_CARRIED.match(text, match.end()))


def _plain_figure(block: Prose, topic: str, match: re.Match[str]) -> bool:
    """A figure stated of its topic alone: no other topic between, not approximate, on subject."""
    text = block.text
    span = match.span("n")
    if _OTHER_TOPIC.search(match.group("gap") or ""):
        return False
    before = text[max(0, span[0] - 1) : span[0]]
    after = text[span[1] : span[1] + 2].strip()
    if _APPROXIMATE.search(before) or _APPROXIMATE.match(after):
        return False
    return _about_applications(block, topic, match.start(), span[0])


def _statement(block: Prose, topic: str, value: int, start: int, end: int, at: int) -> Statement:
    line = block.line_at(at)
    return Statement(
        topic,
        value,
        _window(block.text, start, end),
        block.section,
        line.number if line else None,
        line.page if line else None,
    )


_RESPECTIVELY = re.compile("分别")


def _respective(block: Prose, taken: set[int]) -> list[Statement]:
    """「A、B分别为X件、Y件」 read pairwise; the figures are taken either way, so that no single
    pattern reads them as A's alone."""
    found: list[Statement] = []
    text = block.text
    for word in _RESPECTIVELY.finditer(text):
        match = _RESPECTIVE_VALUES.match(text, word.end())
        if match is None:
            continue
        numbers = list(re.finditer(r"\d+", match.group("values")))
        base = match.start("values")
        taken.update(base + n.start() for n in numbers)
        start = max(text.rfind(c, max(0, word.start() - 60), word.start()) for c in "。；;，,") + 1
        head = re.sub(r"的?(?:数量|件数)$", "", text[start : word.start()])
        names = [n for n in re.split(r"[、和及与]", head) if n.strip()]
        topics: list[str] = []
        for name in names:
            hits = [topic for words, topic in _RESPECTIVE_WORDS if words in name]
            if not hits:
                break
            topics.append(hits[0])
        if not topics or len(topics) != len(names) or len(topics) != len(numbers):
            continue
        if not all(_about_applications(block, t, start, base + n.start()) for t, n in zip(topics, numbers)):
            continue
        for topic, number in zip(topics, numbers):
            value = _figure(number.group())
            if value is not None:
                found.append(_statement(block, topic, value, start, match.end(), base + number.start()))
    return found


# What may stand between a table 二 figure's verb, its items' name and the figure
# (「现行有效的规范性文件共27件」, 「对外公开规范性文件总数15件」 is not taken: no verb states 总数).
_ACTIVE_FILLER = re.compile(r"[了共计的为有：:\s]{0,3}")
# A sentence about more than the agency itself (a 县政府's report on the whole county): its
# figures are not the agency's table.
_WIDER = re.compile(r"全(?:省|市|县|区|州|盟|旗|镇|乡)|各(?:级|部门|单位|乡镇|街道)|系统")
# A figure's list goes on after 、 or a comma: 「制发规章0件、行政规范性文件3件」.
_ACTIVE_LIST = re.compile(r"[、，,]")


@dataclass(frozen=True)
class _ActiveWords:
    """Table 二's vocabulary in one template: one pattern of verbs, items and figures."""

    pattern: re.Pattern[str]
    verbs: dict[str, set[str]]  # verb → the fields it states
    items: dict[str, str]  # the items' name → row
    fields: dict[tuple[str, str], str]  # (row, verb) → field


def _active_words(template: str) -> _ActiveWords | None:
    if template not in formats.NUMERIC_TEMPLATES:
        return None
    verbs: dict[str, set[str]] = {}
    items: dict[str, str] = {}
    fields: dict[tuple[str, str], str] = {}
    for row in formats.active_rows(template):
        for name in row.stated_as:
            items[name] = row.key
        for column in row.fields:
            for verb in column.stated_as:
                verbs.setdefault(verb, set()).add(column.key)
                if row.stated_as:
                    fields[(row.key, verb)] = column.key
    longest_first = sorted([*verbs, *items], key=len, reverse=True)
    words = "|".join(re.escape(w) for w in longest_first)
    # The lookahead lets the search skip, with one test, each character no alternative starts with.
    starts = re.escape("".join(sorted({w[0] for w in longest_first})))
    pattern = re.compile(rf"(?=[{starts}\d。；;！？])(?:(?P<word>{words})|(?<![\d.])(?P<n>\d++)\s*件|[。；;！？])")
    return _ActiveWords(pattern, verbs, items, fields)


_ACTIVE_WORDS = {template: _active_words(template) for template in formats.NUMERIC_TEMPLATES}


def _wider(text: str, at: int) -> bool:
    """The sentence up to `at` speaks of more than the agency (全县, 各部门 …)."""
    return _WIDER.search(text, _sentence_start(text, at), at) is not None


def _active_statements(block: Prose, template: str) -> list[Statement]:
    """Table 二's figures the text states plainly: a verb of one of its columns, the row's
    items and a count in 件, with nothing but filler between (「制发行政规范性文件3件，废止1件，
    现行有效27件」, 「作出行政许可决定5件、行政处罚决定2件」). Within a sentence the items
    carry on to the next verb, and a verb to the next items listed after a figure. Anything
    else between (「制发涉及…的规范性文件」, 「公开解读2件」) states nothing."""
    words = _ACTIVE_WORDS.get(template)
    if words is None:
        return []
    text = block.text
    found: list[Statement] = []
    verb: tuple[str, int] | None = None  # the verb in force and where its clause starts
    row: tuple[str, int] | None = None  # the items in force and where they are named
    previous: tuple[str, int] = ("stop", 0)  # what the last match was ("verb"/"row"/"figure"/"stop") and its end

    def follows(start: int) -> bool:
        return _ACTIVE_FILLER.fullmatch(text, previous[1], start) is not None

    for match in words.pattern.finditer(text):
        start, end = match.span()
        word, figure = match.group("word"), match.group("n")
        if word is None and figure is None:
            verb, row, previous = None, None, ("stop", end)
            continue
        if word is not None and word in words.items:
            listed = previous[0] == "figure" and _ACTIVE_LIST.fullmatch(text, previous[1], start) is not None
            if not (previous[0] == "verb" and follows(start)) and not listed:
                verb = None  # items named without a verb of their own: their figure is not stated here
            row, previous = (words.items[word], start), ("row", end)
            continue
        if word is not None:
            verb, previous = (word, start), ("verb", end)
            continue
        stated = previous[0] in ("verb", "row") and follows(start) and verb is not None and row is not None
        field = words.fields.get((row[0], verb[0])) if stated and row is not None and verb is not None else None
        value = _figure(figure) if figure is not None else None
        plain = not _APPROXIMATE.search(text[max(0, start - 1) : start])
        if field is not None and row is not None and verb is not None and value is not None and plain and not _wider(text, verb[1]):
            found.append(_statement(block, formats.active_topic(row[0], field), value, min(verb[1], row[1]), end, start))
        previous = ("figure", end)
    return found


def extract_statements(prose: list[Prose], template: str = formats.TEMPLATE_UNKNOWN) -> list[Statement]:
    """The figures the text states of tables 三 and 四, and of table 二 in `template`."""
    statements: list[Statement] = []
    for block in prose:
        statements += _active_statements(block, template)
        taken: set[int] = set()  # where the figures already read start (each a whole digit run)
        statements += _respective(block, taken)
        for topic, patterns in _COMPILED.items():
            for pattern in patterns:
                for match in pattern.finditer(block.text):
                    span = match.span("n")
                    if span[0] in taken:
                        continue
                    if topic == "new_received" and _carried_not_received(block, match):
                        continue  # left for carried_over's patterns
                    taken.add(span[0])  # taken even when rejected: no other topic reads it
                    value = _figure(match.group("n"))
                    if value is None or not _plain_figure(block, topic, match):
                        continue
                    statements.append(_statement(block, topic, value, match.start(), match.end(), span[0]))
        for match in _NONE_RECEIVED.finditer(block.text):
            statements.append(_statement(block, "new_received", 0, match.start(), match.end(), match.start()))
    return statements


# ------------------------------------------------------------------ listed totals

# Units a 主动公开 list counts items in; a part in another unit (次, 期, 场, 万元, %) is not an
# item of the total, and the list is then not read at all.
_ITEM_UNIT = r"(?:条|件|个|篇|项|份|张)"
_LISTED = re.compile(
    rf"公开(?P<what>[^。；;，,\d]{{0,16}}?)(?P<total>\d++)\s*(?P<unit>{_ITEM_UNIT})(?:\s*[（(]{_ITEM_UNIT}[）)])?"
    # (Each space run between two optional marks belongs to the mark after it: adjacent \s*
    # would backtrack quadratically through a long run of spaces.)
    r"\s*(?:(?P<open>[（(])\s*)?(?:[，,、：:]\s*)?其中\s*[：:，,]?(?P<clause>[^。；;]*)"
)
_PART = re.compile(rf"(?=\d)(?<!\d)(\d++)\s*{_ITEM_UNIT}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PAREN = re.compile(r"[（(][^（）()]*[）)]")
# Words that make a figure something else than an item of the list: a comparison, a share, a
# running total, a nested breakdown.
_NOT_A_PART = re.compile(r"较上|比上|同比|环比|增长|增加|减少|下降|上升|累计|共计|合计|总计|总数|占|达到|超过|其中|[约近逾]\s*$")
_REMARK_LENGTH = 8  # a number-less piece longer than this after the parts ends the list
# Parts named after where they were published overlap (one item on the website and on WeChat):
# such a list is not a breakdown of the total.
_CHANNEL = re.compile(r"网站|网页|微博|微信|公众号|新媒体|客户端|APP|头条|抖音|视频号|公开栏|报纸|报刊|电视|广播|平台|渠道", re.IGNORECASE)


def _parts(clause: str) -> list[int] | None:
    """The items of a 「其中…」 list, or None when they cannot be told apart reliably."""
    clause = _PAREN.sub("", clause)  # 「部门文件31件（含规范性文件3件）」: a sub-item, not an item
    parts: list[int] = []
    for piece in re.split(r"[，,、]", clause):
        piece = piece.strip()
        numbers = _NUMBER.findall(piece)
        if not numbers:
            if parts and len(piece) > _REMARK_LENGTH:
                break  # 「…其他8条，进一步提升了透明度」: the list is over
            continue  # a label cut by 、 (「通知、公告19条」) or an empty piece
        part = _PART.search(piece)
        if len(numbers) != 1 or part is None or _NOT_A_PART.search(piece[: part.start()]) or _CHANNEL.search(piece):
            return None
        rest = piece[part.end() :].strip()
        if rest.startswith(("余", "多", "左右")) or "等" in rest:
            return None  # approximate, or a list that says it is incomplete
        if rest and not rest.startswith(("（", "(")):
            return None  # something follows the unit: not a plain item
        value = _figure(part.group(1))
        if value is None:
            return None
        parts.append(value)
    return parts if len(parts) >= 2 else None


def extract_listed_totals(prose: list[Prose]) -> list[ListedTotal]:
    """「主动公开政府信息941条，其中…829条，…3件」: a total and its listed parts.

    The parts may be counted in other units than the total (条, 件, 个, 篇 …: all items of the
    one total). Totals of applications (「收到政府信息公开申请12件，其中网上申请7件」) are not
    lists of 公开 items and are left to the statements.
    """
    found: list[ListedTotal] = []
    for block in prose:
        for match in _LISTED.finditer(block.text):
            if "申请" in match.group("what") or "申请" in block.text[max(0, match.start() - 12) : match.start()]:
                continue
            clause = match.group("clause")
            if match.group("open"):
                clause = clause.split("）")[0].split(")")[0]  # 「58条（其中…）」: the list is in the brackets
            parts = _parts(clause)
            if parts is None:
                continue
            before = block.text[max(0, match.start("total") - _REACH) : match.start("total")].rstrip()
            if before.endswith(("约", "近", "超", "逾")):
                continue
            total = _figure(match.group("total"))
            if total is None:
                continue
            line = block.line_at(match.start("total"))
            found.append(
                ListedTotal(
                    total,
                    parts,
                    match.group(0)[:120],
                    block.section,
                    line.number if line else None,
                    line.page if line else None,
                )
            )
    return found
