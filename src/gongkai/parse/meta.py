"""Sections, title, agency, year, statistical period and signature date."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import formats
from ..read import Line

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = r"(?:\d{4}|[〇○零ＯO一二三四五六七八九]{4})"
_MONTH_DAY = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE = re.compile(rf"({_YEAR})\s*年\s*({_MONTH_DAY})\s*月\s*({_MONTH_DAY})\s*日")
_NUMERIC_DATE = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})")
_HEADING_PREFIX = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*)?\s*(?:([一二三四五六]|[1-6])\s*[、.．，,]|第([一二三四五六])部分[、.．，,：:\s]?)\s*"
)
_TITLE_TAIL = re.compile(r"(?:政府)?信息公开\s*(?:公开)?\s*工作\s*年度\s*报告|政务公开工作年度报告|信息公开年报")
_ORGAN_END = re.compile(
    r"(?:人民政府|政府办公室|办公室|办公厅|委员会|管委会|管理委员会|局|委|办|厅|院|所|站|队|部|处|署|会|中心|街道办事处|办事处|镇|乡|街道|公司|集团|馆|室|社|台|校)$"
)
_PERIOD = re.compile(rf"统计(?:期限|时限|区间|时间)[^。；\n]{{0,12}}?({_YEAR})\s*年\s*1\s*月\s*1\s*日")


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


def clean(text: str) -> str:
    return re.sub(r"[#*>\s]+", " ", text).strip()


@dataclass
class Heading:
    number: int
    line_index: int  # index into the document's lines
    title: str


def find_sections(lines: list[Line]) -> list[Heading]:
    """The six section headings, in order; a heading is a short numbered line with its keywords."""
    headings: list[Heading] = []
    expected = 0
    for index, line in enumerate(lines):
        text = line.text
        match = _HEADING_PREFIX.match(text)
        if not match or len(clean(text)) > 40:
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


def _title(lines: list[Line], first_heading: int) -> tuple[str, Line] | None:
    """The title: the first lines before the body that together name a 年度报告."""
    candidates = [line for line in lines[: max(first_heading, 1)][:12] if line.text.strip()]
    for start in range(len(candidates)):
        joined = ""
        for line in candidates[start : start + 3]:
            joined += clean(line.text).replace(" ", "")
            if _TITLE_TAIL.search(joined) and len(joined) <= 80:
                return joined, candidates[start]
    return None


def _agency_from_title(title: str) -> tuple[str | None, int | None]:
    year_match = re.search(rf"({_YEAR})\s*年度?", title)
    year = cn_number(year_match.group(1)) if year_match else None
    head = title
    tail = _TITLE_TAIL.search(head)
    if tail:
        head = head[: tail.start()]
    if year_match and year_match.start() < len(head):
        before = head[: year_match.start()]
        after = head[year_match.end() :]
        head = before if before.strip() else after
    head = re.sub(r"^(?:关于)|(?:关于)$|的$", "", head.strip(" ：:")).strip()
    return (head or None), year


def _signature(lines: list[Line]) -> tuple[str | None, Line | None, str | None, Line | None]:
    """Agency and date printed at the end (落款), searching the last lines upwards."""
    tail = [line for line in lines[-12:] if line.text.strip()]
    for index in range(len(tail) - 1, -1, -1):
        line = tail[index]
        text = clean(line.text).replace(" ", "")
        date = parse_date(text)
        if not date or len(text) > 40:
            continue
        before_date = DATE.split(text)[0] if DATE.search(text) else ""
        if before_date and _ORGAN_END.search(before_date):
            return before_date, line, date, line
        if len(re.sub(r"[\d年月日〇○零一二三四五六七八九十\s\-./]", "", text)) > 2:
            continue  # a sentence with a date in it, not a date line
        for previous in reversed(tail[max(0, index - 3) : index]):
            candidate = clean(previous.text).replace(" ", "")
            if candidate and len(candidate) <= 40 and not re.search(r"[。，；：！？]", candidate) and _ORGAN_END.search(candidate):
                return candidate, previous, date, line
        return None, None, date, line
    # No date line: an organ's name printed alone at the very end is still the signature.
    for line in reversed(tail[-3:]):
        text = clean(line.text).replace(" ", "")
        if text and len(text) <= 40 and not re.search(r"[。，；：！？\d]", text) and _ORGAN_END.search(text):
            return text, line, None, None
    return None, None, None, None


def read_meta(lines: list[Line], headings: list[Heading]) -> Meta:
    meta = Meta()
    first_heading = headings[0].line_index if headings else min(len(lines), 12)
    title = _title(lines, first_heading)
    if title:
        meta.title, meta.title_line = title
        meta.title_agency, meta.title_year = _agency_from_title(meta.title)
    body_end = headings[-1].line_index if headings else 0
    meta.signature_agency, meta.signature_line, meta.published, meta.published_line = _signature(lines[body_end:])
    for line in lines[: first_heading + 40]:
        match = _PERIOD.search(line.text)
        if match:
            meta.period_year = cn_number(match.group(1))
            meta.period_text = match.group(0)
            break
    return meta
