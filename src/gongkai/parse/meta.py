"""Sections, title, agency, year, statistical period and signature date.

Reports copied from government websites carry the site's chrome (breadcrumbs, 来源/浏览次数
lines, share buttons, menus, footers with 主办单位 and ICP numbers), and some copies are
flattened onto one line. Everything here therefore works on patterns that are found inside a
line as well as on whole lines, and recognises chrome by generic cues, never by site.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .. import formats
from ..read import Line

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR_NUMERALS = "〇○零ＯO一二三四五六七八九"
_YEAR = rf"(?:\d{{4}}|[{_YEAR_NUMERALS}]{{4}})"
_MONTH_DAY = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE = re.compile(rf"({_YEAR})\s*年\s*({_MONTH_DAY})\s*月\s*({_MONTH_DAY})\s*日")
_NUMERIC_DATE = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})")
# (No two \s* stand side by side with only optional words between them: a long run of spaces
# would be divided between them every way before a match fails, in quadratic time or worse.)
_HEADING_PREFIX = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*\s*)?(?:([一二三四五六]|[1-6])\s*[、.．，,]|第([一二三四五六])部分[、.．，,：:\s]?)\s*"
)
_TITLE_TAIL = re.compile(r"(?:政府)?信息公开\s*(?:公开\s*)?(?:工作\s*)?年度\s*报告|政务公开工作年度报告|信息公开年报")
_ORGAN_END = re.compile(
    r"(?:人民政府|政府办公室|办公室|办公厅|委员会|管委会|管理委员会|局|委|办|厅|院|所|站|队|部|处|署|会|中心|街道办事处|办事处|镇|乡|街道|公司|集团|馆|室|社|台|校)$"
)
_PLACE_END = re.compile(r"(?:省|自治区|市|自治州|州|盟|地区|区|县|自治县|旗)$")
_CJK = "\u3400-\u9fff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SCREEN_LINES = 60  # the "first screen": where a title can be, chrome included
_SCREEN_CHARS = 4000

# ------------------------------------------------------------------ dates and numbers


def cn_number(text: str) -> int:
    """'2024' → 2024, '二〇二四' → 2024, '十一' → 11, '二十' → 20."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + _CN_DIGITS.get(char, 0)
    return value


def parse_date(text: str) -> str | None:
    """The first date in `text` as YYYY-MM-DD, if it is a real calendar date."""
    match = DATE.search(text)
    if match:
        year, month, day = (cn_number(g) for g in match.groups())
    else:
        numeric = _NUMERIC_DATE.search(text)
        if not numeric:
            return None
        year, month, day = (int(g) for g in numeric.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1990 <= year <= 2100):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


_MARKUP = re.compile(r"[#*>\s]+")


def clean(text: str) -> str:
    return _MARKUP.sub(" ", text).strip()


# ------------------------------------------------------------------ site chrome

# Words a web page prints around an article and a report never prints: header, breadcrumb,
# page metadata, share and print buttons, footer.
_CHROME_CUE = re.compile(
    r"当前位置|您的位置|您现在的位置|所在位置|来\s*源\s*[：:]|信息来源|文章来源|"
    r"发布(?:时间|日期|机构|者)\s*[：:]|(?:浏览|点击|阅读|访问)\s*(?:次数|量|数)|"
    r"字号\s*[：:]|字体\s*[：:]|[【\[]\s*[大中小]\s*[】\]]|打印本页|关闭窗口|[【\[]\s*(?:打印|关闭)\s*[】\]]|"
    r"分享到|扫一扫|网站标识码|ICP\s*[备证]|公网安备|主办单位|承办单位|协办单位|维护单位|技术支持|"
    r"联系我们|网站地图|网站声明|关于我们|版权所有|Copyright|©|责任编辑|索引号\s*[：:]|[主承协]办\s*$|"
    r"首页\s*[>＞»›/]|[>＞»›]\s*正文",
    re.IGNORECASE,
)
_BREADCRUMB_SEP = re.compile(r"[>＞»›]")
# Longer words first and no backtracking between them (possessive): 「返回首页」 repeated would
# otherwise be split every way (返回+首页 or 返回首页) before a line that is not chrome fails.
_STRAY = re.compile(
    r"^(?:返回顶部|返回首页|我要纠错|上一篇|下一篇|正文|首页|返回|打印|关闭|分享|收藏|字号|大|中|小|默认|纠错|"
    r"[【】\[\]|｜/·:：\s])++$"
)
_LATIN = re.compile(r"[A-Za-z]")


def is_chrome(text: str) -> bool:
    """A line of the web page around the report (breadcrumb, 来源/浏览次数, menu, footer, banner)."""
    raw = text.strip()
    flat = clean(raw)
    if not flat:
        return False
    if _STRAY.match(flat):
        return True
    cues = len(_CHROME_CUE.findall(raw))
    if cues and (len(flat) <= 80 or (cues >= 2 and len(flat) <= 300 and "。" not in flat)):
        return True
    if len(_BREADCRUMB_SEP.findall(raw)) >= 2 and len(flat) <= 120:
        return True
    latin = len(_LATIN.findall(flat))
    if latin >= 6 and latin > 2 * len(_CJK_CHAR.findall(flat)):
        return True  # an English site banner or menu
    words = flat.split()
    # A menu: several words of 2 to 6 characters, no numbers, no sentence, no title, not a name
    # printed with stray spaces (「南 平 市自然资源 局」).
    return (
        len(words) >= 4
        and all(2 <= len(w) <= 6 for w in words)
        and not re.search(r"[\d。，；！？]|年度报告|年报", flat)
        and not _ORGAN_END.search(flat)
    )


# ------------------------------------------------------------------ sections


@dataclass
class Heading:
    number: int
    line_index: int  # index into the document's lines
    title: str


_NUMBERED = re.compile(r"(?:[一二三四五六]|[1-6])\s*[、.．，,]|第[一二三四五六]部分")
_LISTING = re.compile(r"[；;，,]")
_DIGIT = re.compile(r"[\d０-９]")


def _heading_match(text: str) -> tuple[str, re.Match[str]] | None:
    """The part of a line that is a numbered heading, and its number's match, if any.

    That is the line, or what follows its last sentence: a copy whose line breaks were lost in
    places ends a line with 「…特此报告。一、总体情况」 and puts the body on the next line.
    """
    numbered = _NUMBERED.search(text) is not None
    if not numbered and "|" not in text:
        return None  # no numeral and mark anywhere, so none at the start either (most lines)
    match = _HEADING_PREFIX.match(text)
    if match:
        return text, match
    if "|" in text:
        # A heading a PDF-to-Markdown converter cut into the cells of a table row
        # (「|**四、政**|**府信息公**|**开行政复议、行政诉讼情况**|||」): its cells joined, if
        # they print words only.
        joined = text.replace("|", "")
        match = _HEADING_PREFIX.match(joined)
        if match and not _DIGIT.search(joined, match.end()):
            return joined, match
    if not numbered:
        return None
    stop = max(text.rfind("。"), text.rfind("！"), text.rfind("？"), text.rfind("!"), text.rfind("?"))
    tail = text[stop + 1 :]
    # 「…编制。一、总体情况；二、…」 lists the headings; it is not one of them.
    match = _HEADING_PREFIX.match(tail) if stop >= 0 and not _LISTING.search(tail) else None
    return (tail, match) if match else None


def find_sections(lines: list[Line]) -> list[Heading]:
    """The six section headings, in order; a heading is a short numbered line with its keywords.

    Headings inside a flattened line are found once `segment` has cut the line at them.
    """
    headings: list[Heading] = []
    expected = 0
    for index, line in enumerate(lines):
        found = _heading_match(line.text)
        if found is None:
            continue
        text, match = found
        if len(text) > 40 and len(clean(text)) > 40:  # (clean text is never longer: cleaned only when it may be)
            continue
        title = clean(text[match.end() :])
        folded = formats.normalize_label(title)
        for section in formats.SECTIONS[expected:]:
            if any(k in folded for k in section.keywords):
                # A numbered row label of table 三 (一、本年新收…) is not a section heading.
                if section.number == 4 and "行政诉讼" not in folded and "诉讼" not in folded:
                    continue
                headings.append(Heading(section.number, index, title))
                expected = section.number
                break
    return headings


# ------------------------------------------------------------------ title


@dataclass
class Meta:
    title: str | None = None
    title_line: Line | None = None
    title_agency: str | None = None
    title_year: int | None = None
    signature_agency: str | None = None
    signature_line: Line | None = None
    published: str | None = None
    published_line: Line | None = None
    period_year: int | None = None
    period_text: str | None = None
    body_year: int | None = None  # the year the opening of 总体情况 speaks of (「2023年，我局…」)

    @property
    def year(self) -> int | None:
        """The report's year: the title's, else the statistical period's, else the body's."""
        return self.title_year or self.period_year or self.body_year


# `<agency><year>年(度)<tail>` or `<year>年(度)<agency><tail>`, also inside a sentence.
_TITLE_IN_TEXT = re.compile(
    rf"(?P<pre>[{_CJK}（）()]{{0,40}})[ \u3000]?(?P<year>{_YEAR})\s*年\s*(?:度\s*)?"
    rf"(?P<mid>[{_CJK}（）()]{{0,30}}?)\s*(?P<tail>{_TITLE_TAIL.pattern})"
)
# What a sentence or the page puts before the agency's name: 「现公布」「特向社会公布」「现将」
# 「关于」, a stray 「正文」 or share button run into it in a flattened copy.
_LEAD = re.compile(
    r"^(?:正文|首页|详情|全文|原文|关于|QQ空间|空间|朋友圈|微信|微博|分享到|分享|打印|关闭|收藏|返回|"
    r"(?:现|特|特此|兹|今|谨|并)?(?:向社会|向公众)?(?:予以|予)?(?:公布|发布|公开|印发|报送|呈报|编制|编写|形成|制定|起草|撰写)|"
    r"(?:现|特|兹|今)将|(?:本报告|本文|以下|如下|这)(?:是|为))+"
)
# 「XX局编制了2023年…年度报告」: the verb between the agency and the year.
_TRAIL = re.compile(r"(?:(?:编制|编写|发布|公布|形成|制定|印发|撰写|起草|完成|制作)了?|关于|的)+$")
# 「本局」「我委」「本机关」: the report speaking of itself, not a name.
_SELF = re.compile(r"^(?:本|我|该)(?:局|委|办|厅|院|所|站|中心|机关|单位|部门|镇|乡|街道|市|县|区|公司|集团)$")
_SENTENCE = re.compile(r"[。，,；;！？!?：:]")


def _agency_name(text: str | None) -> str | None:
    if not text:
        return None
    name = _LEAD.sub("", text.strip(" ：:（("))
    name = _TRAIL.sub("", name).strip()
    chrome = [match.end() for match in _TITLE_TAIL.finditer(name)]
    if chrome:
        # A breadcrumb glued before the name (「政府信息公开年报正文九江市…局」): the name follows it.
        name = _LEAD.sub("", name[chrome[-1] :])
    if not 2 <= len(name) <= 40 or _SELF.match(name):
        return None
    return name


def _word_before_a_space(text: str, start: int) -> int | None:
    """Where the Chinese word before a space at `start - 1` begins; None without one."""
    if start < 2 or text[start - 1] != " ":
        return None
    begin = start - 1
    while begin and _CJK_CHAR.match(text[begin - 1]):
        begin -= 1
    return begin if begin < start - 1 else None


def _spaced_prefix(text: str, start: int, end: int) -> int:
    """Where a name that a stray space cut begins: 「南 平市」, 「赣州市 赣县区…」.

    Only a single character or a place name (…市, …县) before the space is taken back into the
    name, or the word a place's 「市」 or 「县」 left after the space ends («衡阳 市 农业农村局»),
    or the word before a piece too short to be a name (「…衡山县林　　业局」: 「业局」 before
    `end`); a menu word or a breadcrumb before it is not.
    """
    while (begin := _word_before_a_space(text, start)) is not None:
        word = _LEAD.sub("", text[begin : start - 1])
        if not (len(word) == 1 or _PLACE_END.search(word) or text[start] in _PLACE_SUFFIXES or len(text[start:end].replace(" ", "")) <= 2):
            break
        start = begin + (len(text[begin : start - 1]) - len(word))
    return start


_PLACE_SUFFIXES = "省市县区"  # no name starts with one: it ends the place name before it


def _parts_of_match(match: re.Match[str], text: str) -> tuple[str | None, int, int]:
    """Agency, year and where the printed title starts, for a match of `_TITLE_IN_TEXT`."""
    year = cn_number(match.group("year"))
    start = match.start("pre")
    if start > 0 and _CJK_CHAR.match(text[start - 1]):
        start = match.end("pre")  # the name's start lies further back than a name can be long: not a name
    start = _spaced_prefix(text, start, match.end("pre"))
    pre = text[start : match.end("pre")].replace(" ", "")
    begin = _word_before_a_space(text, start)
    if pre and begin is not None:
        # 「XX局　编制了2022年…」, 「XX局编  制了2022年…」: a stray space between the organ's name
        # and its verb, or inside the verb.
        word = _LEAD.sub("", text[begin : start - 1])
        verb = _TRAIL.search(word + pre)
        if verb and verb.start() <= len(word) and _is_organ((word + pre)[: verb.start()]):
            start, pre = begin, text[begin : match.end("pre")].replace(" ", "")
    agency = _agency_name(pre)
    if agency:
        # The title as printed starts at the agency's name, after 「现公布」 and the like.
        while start < match.end("pre") and not text[start : match.end("pre")].replace(" ", "").startswith(agency):
            start += 1
    else:
        agency, start = _agency_name(match.group("mid")), match.start("year")
    return agency, year, start


def _title_parts(title: str) -> tuple[str | None, int | None]:
    """Agency and year of a title line (spaces removed)."""
    match = _TITLE_IN_TEXT.search(title)
    if match:
        return _parts_of_match(match, title)[:2]
    # 「XX局政府信息公开工作年度报告（2023年度）」: the year after the tail.
    year_match = re.search(rf"({_YEAR})\s*年度?", title)
    year = cn_number(year_match.group(1)) if year_match else None
    tail = _TITLE_TAIL.search(title)
    head = title[: tail.start()] if tail else title
    if year_match and year_match.start() < len(head):
        before, after = head[: year_match.start()], head[year_match.end() :]
        head = before if before.strip() else after
    return _agency_name(head), year


_NO_NAME_CHARACTER = re.compile(r"[\d。，,；;：:！？、]")


def _is_organ(text: str) -> bool:
    return 2 <= len(text) <= 40 and not _NO_NAME_CHARACTER.search(text) and bool(
        _ORGAN_END.search(text) or _PLACE_END.search(text)
    )


@dataclass
class _Title:
    text: str
    line: Line
    agency: str | None
    year: int | None


def _title_lines(lines: list[Line]) -> _Title | None:
    """A title printed as a line (or up to three lines) of its own."""
    flat = [clean(line.text).replace(" ", "") for line in lines]
    for end in range(len(lines)):
        for width in (1, 2, 3):
            start = end - width + 1
            if start < 0 or any(len(t) > 80 for t in flat[start : end + 1]):
                break
            joined = "".join(flat[start : end + 1])
            tail = _TITLE_TAIL.search(joined)
            if not tail or len(joined) > 80:
                continue
            if _SENTENCE.search(joined) or len(joined) - tail.end() > 12:
                break  # a sentence naming the report; the inline search reads it
            agency, year = _title_parts(joined)
            if agency is None and start > 0 and _is_organ(flat[start - 1]):
                # 「高安市行政服务中心管委会」 on the line above 「2023年政府信息公开工作年度报告」
                start -= 1
                joined = flat[start] + joined
                agency, year = _title_parts(joined)
            return _Title(joined, lines[start], agency, year)
    return None


_SPACES = re.compile("[ \t\u3000\xa0]+")
# A title's words with stray spaces between their characters (「政府信  息公开工作年度   报告」).
_SPACED_TAIL = re.compile("[ \u3000]*".join("信息公开") + "[ \u3000]*(?:工[ \u3000]*作[ \u3000]*)?" + "[ \u3000]*".join("年度报告"))


def _unspaced(match: re.Match[str]) -> str:
    return _SPACES.sub("", match.group())


def _titles_in_text(lines: list[Line]) -> list[_Title]:
    """Every `<agency><year>年…年度报告` inside the lines' text, in order."""
    found: list[_Title] = []
    budget = _SCREEN_CHARS
    for line in lines:
        text = clean(line.text)[:budget]
        budget -= len(text)
        if " " in text or "\u3000" in text:
            text = _SPACED_TAIL.sub(_unspaced, text)
        for match in _TITLE_IN_TEXT.finditer(text):
            agency, year, start = _parts_of_match(match, text)
            found.append(_Title(text[start : match.end()], line, agency, year))
        if budget <= 0:
            break
    return found


def _title(lines: list[Line], first_heading: int) -> _Title | None:
    """The title: a line of its own in the first screen, else a title named inside the text.

    Chrome lines (a breadcrumb 「首页 > 政府信息公开年报 > 正文」) are never the title; they are
    searched last, and then only for a full `<agency><year>年…年度报告`.
    """
    screen = [line for line in lines[: max(first_heading, 1)][:_SCREEN_LINES] if line.text.strip()]
    page = [is_chrome(line.text) for line in screen]
    plain = [line for line, flag in zip(screen, page) if not flag]
    own = _title_lines(plain)
    if own is not None and own.year is not None and own.agency is not None:
        return own
    chrome = [line for line, flag in zip(screen, page) if flag]
    named = [t for t in _titles_in_text(plain) + _titles_in_text(chrome) if t.year is not None]
    if own is not None and own.year is not None:
        if own.agency is None:
            # 「2023年政府信息公开工作年度报告」, the agency named in a sentence of the same year.
            own.agency = next((t.agency for t in named if t.agency and t.year == own.year), None)
        return own
    best = next((t for t in named if t.agency), named[0] if named else None)
    if best is not None and best.agency is None and own is not None:
        best.agency = own.agency
    return best or own


# ------------------------------------------------------------------ signature

# A signature at the end of a long line: agency and date after a sentence's end or a space.
_SIGNED = re.compile(rf"(?:^|(?<=[\s。！？；;!?]))(?:(?P<agency>[{_CJK}（）()]{{2,40}})\s*)?(?P<date>{DATE.pattern})")


def _only_chrome_after(text: str) -> bool:
    rest = text.strip()
    if not rest:
        return True
    cue = _CHROME_CUE.search(rest)
    return cue is not None and len(rest[: cue.start()].strip()) <= 12 and "。" not in rest[: cue.start()]


def _inline_signature(text: str) -> tuple[str | None, str | None]:
    """Agency and date signed at the end of a long line, before any footer chrome."""
    region = clean(text)[-800:]
    for match in reversed(list(_SIGNED.finditer(region))):
        if not _only_chrome_after(region[match.end() :]):
            continue
        date = parse_date(match.group("date"))
        agency = match.group("agency")
        if date is None or (agency and not _is_organ(agency)):
            return None, None
        if agency and len(agency) <= 3:  # 「利局」: too short for a whole name, a space may have cut it
            agency = _spaced_apart(region, match.start("agency")) + agency
        return _agency_name(agency) if agency else None, date
    return None, None


_WORD_AFTER_SENTENCE = re.compile(rf"(?:^|[。！？；;!?])\s*([{_CJK}]{{1,38}})\s+$")


def _spaced_apart(text: str, start: int) -> str:
    """The start of a signed name that stray spaces cut off, when a sentence's end (or the
    line's start) comes right before it: 「…处理费。 淮安市泗阳县水　利局 2021年1月25日」."""
    before = _WORD_AFTER_SENTENCE.search(text, 0, start)
    return before.group(1) if before else ""


# Every table label, folded, one per line: a page cut off inside a table ends on its pieces.
_TABLE_LABELS = "\n".join(formats.normalize_label(label) for label in formats.table_labels())


def _signs_as_organ(text: str) -> bool:
    """A line that may be an organ's name signing the report: short, no sentence's or list's
    punctuation, an organ's ending, and no piece of a table's label (「年度办」 of 「三、本年度办理结果」,
    「用、行政机关不再处」 of a wrapped row label: a page cut off inside table 三 ends on them)."""
    return (
        bool(text)
        and len(text) <= 40
        and not re.search(r"[。，,；;：:！？、]", text)
        and bool(_ORGAN_END.search(text))
        and formats.normalize_label(text) not in _TABLE_LABELS
    )


def _organ_above(tail: list[tuple[str, Line]], index: int) -> tuple[str, Line] | None:
    for candidate, line in reversed(tail[max(0, index - 3) : index]):
        if _signs_as_organ(candidate):
            return candidate, line
    return None


def _signature(lines: list[Line]) -> tuple[str | None, Line | None, str | None, Line | None]:
    """Agency and date printed at the end (落款), searching the last lines upwards.

    Footer chrome below the signature (主办单位, 网站标识码 …) is skipped; a signature run into
    a long line (a flattened copy) is read from the line's end.
    """
    picked: list[tuple[str, Line, bool]] = []  # bottom up: (text without spaces, line, is chrome)
    plain_count = 0
    for line in reversed(lines):
        if not line.text.strip():
            continue
        page = is_chrome(line.text)
        if page and not DATE.search(line.text):
            continue  # a footer line; one with a date may carry the signature before the footer
        picked.append((clean(line.text).replace(" ", ""), line, page))
        plain_count += not page
        if plain_count >= 12:
            break
    picked.reverse()
    tail = [(text, line) for text, line, _ in picked]
    flags = [page for _, _, page in picked]
    for index in range(len(tail) - 1, -1, -1):
        text, line = tail[index]
        if flags[index] or len(text) > 40:
            agency, date = _inline_signature(line.text)
            if date is None:
                continue
            if agency:
                return agency, line, date, line
            above = _organ_above(tail, index)
            return (above[0], above[1], date, line) if above else (None, None, date, line)
        date = parse_date(text)
        if not date:
            continue
        before_date = DATE.split(text)[0] if DATE.search(text) else ""
        before_date = re.split(r"[。！？；;，,：:]", before_date)[-1]  # 「…的事项。XX局2024年1月6日」
        if before_date and _ORGAN_END.search(before_date):
            return before_date, line, date, line
        if len(re.sub(r"[\d年月日〇○零一二三四五六七八九十\s\-./]", "", text)) > 2:
            continue  # a sentence with a date in it, not a date line
        above = _organ_above(tail, index)
        return (above[0], above[1], date, line) if above else (None, None, date, line)
    # No date line: an organ's name printed alone at the very end is still the signature.
    plain = [(text, line) for (text, line), flag in zip(tail, flags) if not flag]
    for text, line in reversed(plain[-3:]):
        if _signs_as_organ(text) and not re.search(r"\d", text):
            return text, line, None, None
    return None, None, None, None


# ------------------------------------------------------------------ period and year

_D1 = r"(?:0?1|一)"
_PERIOD = re.compile(
    rf"统计\s*(?:数据\s*)?(?:的\s*)?(?:期限|时限|区间|时间|时段|期间|周期|口径|范围|期)[^。；\n]{{0,12}}?"
    rf"({_YEAR})\s*年\s*(?:{_D1}\s*月\s*{_D1}\s*日|度)"
)
# 「2023年1月1日至2023年12月31日」 without the word 统计: a whole calendar year.
_SPAN = re.compile(
    rf"({_YEAR})\s*年\s*{_D1}\s*月\s*{_D1}\s*日\s*(?:起\s*)?(?:至|到|—+|–|-|~|～)\s*(?:({_YEAR})\s*年\s*)?"
    r"(?:12|十二)\s*月\s*(?:31|三十一)\s*日"
)
# 「2023年，」「2023年以来」「2023年度我局」 opening a sentence of 总体情况.
# A year that opens a sentence (「2023年，我局…」, 「2023年以来」). The pattern starts at a year's
# first character (the lookahead lets the search skip to one); what stands before it is tested
# apart (`_opens_a_sentence`): a pattern starting with that test tries every character.
_BODY_YEAR = re.compile(rf"(?=[\d{_YEAR_NUMERALS}])({_YEAR})\s*年度?\s*(?:以来|全年|[，,]|我|本|共|全)")
_BEFORE_A_SENTENCE = frozenset("。；！？：:，,、）)")


def _opens_a_sentence(text: str, at: int) -> bool:
    return at == 0 or text[at - 1] in _BEFORE_A_SENTENCE or text[at - 1].isspace()


def _period(text: str) -> tuple[int, str] | None:
    match = _PERIOD.search(text)
    if match:
        return cn_number(match.group(1)), match.group(0)
    for span in _SPAN.finditer(text):
        if span.group(2) is None or cn_number(span.group(2)) == cn_number(span.group(1)):
            return cn_number(span.group(1)), span.group(0)
    return None


def _body_year(text: str) -> int | None:
    """The year most sentences of the opening start with, if one year clearly leads."""
    counts = Counter(cn_number(m.group(1)) for m in _BODY_YEAR.finditer(text) if _opens_a_sentence(text, m.start()))
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    year = ranked[0][0]
    return year if 1990 <= year <= 2100 else None


def _printed_whole(name: str, text: str) -> bool:
    """`text` prints `name` as a whole name somewhere: after no other Chinese word, or after 「请与」."""
    at = text.find(name)
    while at != -1:
        if at == 0 or not _CJK_CHAR.match(text[at - 1]) or text.endswith("请与", 0, at):
            return True
        at = text.find(name, at + len(name))  # (the next printing that does not overlap this one)
    return False


def _with_words_a_space_cut_off(agency: str, title: Line, lines: list[Line]) -> str:
    """The title's agency with its first words, which a stray space cut off (「现公布绵阳市卧龙
    区自然 资源局2023年…」 read 「资源局」): taken back only when the document prints the longer name
    whole elsewhere, after no other Chinese word or after 「请与」 (「请与绵阳市卧龙区自然资源局联系」)."""
    spaced = title.text.find(agency)
    if spaced <= 0 or not _SPACES.match(title.text, spaced - 1):
        return agency  # no space before the name as printed: nothing was cut off
    before = _SPACES.sub("", title.text[:spaced])
    begin = len(before)
    while begin and len(before) - begin < 20 and _CJK_CHAR.match(before[begin - 1]):
        begin -= 1
    if begin == len(before):
        return agency  # no word before the space (the title indented): none to take back
    elsewhere = _SPACES.sub("", "\n".join(line.text for line in lines if line is not title))
    for start in range(begin, len(before)):
        name = before[start:] + agency
        if _is_organ(name) and _printed_whole(name, elsewhere):
            return name
    return agency


def _without_glued_chrome(agency: str, lines: list[Line]) -> str:
    """The title's agency without page chrome a flattened copy glued before it
    (「扫一扫在手机打开当前页吉安市公共资源交易中心」, 「年度报告湖州市…」 after a breadcrumb).

    Only when the name as read is printed nowhere else: then the longest tail of it that the
    document prints elsewhere as a whole name (「来源：吉安市…」, 「请与湖州市…联系」), not after
    a place name (「赣州市」+「赣县区…」 is one name).
    """
    printed = "\n".join(line.text for line in lines)
    if printed.count(agency) > 1 and not _SPACES.search(agency):
        return agency  # (printed twice as read, so twice once spaces are dropped: the cheap test first)
    text = _SPACES.sub("", printed)  # 「绥阳  县…」 is one name
    if text.count(agency) > 1:
        return agency
    for cut in range(1, len(agency) - 3):
        head, tail = agency[:cut], agency[cut:]
        if not _PLACE_END.search(head) and _is_organ(tail) and _printed_whole(tail, text):
            return tail
    return agency


def read_meta(lines: list[Line], headings: list[Heading]) -> Meta:
    meta = Meta()
    first_heading = headings[0].line_index if headings else min(len(lines), 12)
    title = _title(lines, first_heading if headings else _SCREEN_LINES)
    if title:
        meta.title, meta.title_line = title.text, title.line
        meta.title_agency, meta.title_year = title.agency, title.year
        if title.agency:
            meta.title_agency = _with_words_a_space_cut_off(_without_glued_chrome(title.agency, lines), title.line, lines)
    body_end = headings[-1].line_index if headings else 0
    meta.signature_agency, meta.signature_line, meta.published, meta.published_line = _signature(lines[body_end:])
    signed, named = meta.signature_agency, meta.title_agency
    if signed and named and named != signed and named.endswith(signed) and meta.signature_line is not None:
        if named in re.sub(r"\s", "", meta.signature_line.text):
            meta.signature_agency = named  # 「上饶市夏津  县卫生健康委员会」: a stray space cut the signed name
    period = _period("\n".join(line.text for line in lines[: first_heading + 40]))
    if period:
        meta.period_year, meta.period_text = period
    opening_end = headings[1].line_index if len(headings) >= 2 else min(len(lines), first_heading + 40)
    opening = "\n".join(line.text for line in lines[first_heading if headings else 0 : opening_end])
    meta.body_year = _body_year(opening[:_SCREEN_CHARS])
    return meta
