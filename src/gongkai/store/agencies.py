"""The same agency across years, despite typos and spacing in how it is printed.

Each printed name maps to an agency key. A new name joins an existing agency when it is the
same after folding (exact), or nearly the same (fuzzy): the same place with a one-character
slip in the organ's name (高安市行政务服务中心管委会 / 高安市行政服务中心管委会), or the
same name with its place prefix added or dropped (赣州市赣县区融媒体中心 / 赣县区融媒体中心).
Places must agree exactly: 洛阳市 and 衡阳市 differ by one character but are different cities,
and a short organ name (民政局 / 财政局) is too short to tell a typo from another organ. A name
that could join two different agencies joins neither. Otherwise it starts a new agency.
A person can override any mapping (manual); manual mappings are never changed automatically.

A lookup costs the same with a thousand known names as with three hundred thousand: every name
is filed under its blocking keys (`blocks`, table `agency_name_blocks`), which any two names
that can match share, and a new name is compared only with the names filed under its own keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from sqlalchemy import Connection, select, update

from .schema import agencies, agency_name_blocks, agency_names, raise_version, reports

PREFIX_SCORE = 0.95  # the score of a name that adds or drops its place prefix
MIN_TYPO_ORGAN = 5  # characters an organ's name needs before a one-character slip is recognised
_INVISIBLE = ("Cc", "Cf")  # Unicode categories of control and format characters
_NOISE = re.compile(r"[\s\u3000·•、，,。.（）()\[\]【】〔〕\"'“”‘’《》<>]+")
# Places a name starts with: 省/自治区, then 市/州/地区/盟, then 区/县/旗/县级市. A place's own
# name never contains a level word, except a 县 inside a 区 (赣县区); 城市 (城市管理局) and 市场
# (市场监督管理局) are not places.
_NAME = r"(?:(?![省市区县])[\u4e00-\u9fff])"
_REGION = re.compile(
    rf"^(?:{_NAME}{{2,8}}?(?:省|自治区))?"
    rf"(?:{_NAME}{{1,8}}?(?:市|自治州|地区|盟))?"
    rf"(?:(?:(?![省市区])[\u4e00-\u9fff]){{1,10}}?(?:区|县|自治县|旗|(?<!城)市)(?![区县场]))?"
)


def fold_name(name: str) -> str:
    """The comparable form of a printed agency name, from which its agency key is made: without
    control and format characters (zero-width spaces and joiners, bidi marks and overrides such
    as U+202E, which a document can hide in a name), NFKC-normalised (full-width Ｆ and half-width
    F alike), without spaces and punctuation. The printed name itself is kept as printed."""
    visible = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE)
    return _NOISE.sub("", unicodedata.normalize("NFKC", visible))


def region_of(name: str) -> str | None:
    """The places an agency name starts with (省/市/区/县), if any: 淮安市洪泽区人民政府 → 淮安市洪泽区."""
    match = _REGION.match(fold_name(name))
    region = match.group(0) if match else ""
    return region or None


def similarity(a: str, b: str) -> float:
    """How alike two printed names look (0…1), for people reviewing matches."""
    a, b = fold_name(a), fold_name(b)
    return 1.0 if a == b else SequenceMatcher(None, a, b, autojunk=False).ratio()


def _one_edit(a: str, b: str) -> bool:
    """Whether b is a with exactly one character inserted, dropped or replaced."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        return a[start + 1 :] == b[start + 1 :]
    return a[start:] == b[start + 1 :]


@lru_cache(maxsize=65536)
def _parts(name: str) -> tuple[str, str, str]:
    """(folded name, its places, its organ): 淮安市洪泽区人民政府 → …, 淮安市洪泽区, 人民政府."""
    folded = fold_name(name)
    match = _REGION.match(folded)
    region = match.group(0) if match else ""
    return folded, region, folded[len(region) :]


def same_agency(a: str, b: str) -> float | None:
    """The score with which two printed names are taken for the same agency, or None.

    The places must be the same, or one must be the other with places prefixed (洪泽区 /
    淮安市洪泽区); the organs must be the same or one slip apart. A dropped prefix or a slip
    each lower the score below 1, so that the plainest match wins.
    """
    fa, region_a, organ_a = _parts(a)
    fb, region_b, organ_b = _parts(b)
    if fa == fb:
        return 1.0
    if region_a == region_b:
        factor = 1.0
    else:
        shorter, longer = sorted((region_a, region_b), key=len)
        if not shorter or not longer.endswith(shorter) or not _REGION.fullmatch(longer[: len(longer) - len(shorter)]):
            return None
        factor = PREFIX_SCORE
    if organ_a == organ_b:
        return factor if len(organ_a) >= 2 else None
    if max(len(organ_a), len(organ_b)) >= MIN_TYPO_ORGAN and _one_edit(organ_a, organ_b):
        return factor * SequenceMatcher(None, organ_a, organ_b, autojunk=False).ratio()
    return None


@dataclass(frozen=True)
class Match:
    key: str
    method: str  # exact | fuzzy | manual
    score: float


def _tails(region: str) -> set[str]:
    """The places a name's places may be shortened to and still match (`same_agency`): the whole,
    and every ending whose dropped beginning is itself a run of places (赣州市章贡区 → 章贡区)."""
    if not region:
        return {""}
    return {region} | {region[i:] for i in range(1, len(region)) if _REGION.fullmatch(region[:i])}


def blocks(name: str) -> set[str]:
    """The blocking keys of a printed name: each of its places' `_tails`, with its organ, and
    (for an organ long enough for a slip to count) with the organ less each one character.

    Any two names `same_agency` accepts share one: equal names are parsed alike; the places are
    equal, or the shorter ends the longer after a run of places, so the shorter is a tail of
    both; the organs are equal, or one slip apart with the shorter at least MIN_TYPO_ORGAN − 1
    long, and two strings one insertion, deletion or replacement apart have a deletion in
    common (or the shorter is a deletion of the longer)."""
    _folded, region, organ = _parts(name)
    variants = {organ}
    if len(organ) >= MIN_TYPO_ORGAN - 1:
        variants |= {organ[:i] + organ[i + 1 :] for i in range(len(organ))}
    return {f"{tail}|{variant}" for tail in _tails(region) for variant in variants}


def add_blocks(connection: Connection, names: list[str]) -> None:
    """File these (newly registered) names under their blocking keys."""
    rows = [{"block": block, "name": name} for name in names for block in sorted(blocks(name))]
    for start in range(0, len(rows), 10_000):
        connection.execute(agency_name_blocks.insert(), rows[start : start + 10_000])


def lookup(connection: Connection, name: str) -> Match:
    """The agency key a printed name has or would get, without registering anything."""
    known = connection.execute(select(agency_names).where(agency_names.c.name == name)).first()
    if known is not None:
        return Match(known.agency_key, known.method, known.score)
    # The candidates' names from the blocks' index, then each by its primary key (measured:
    # PostgreSQL plans this semi-join well at 100 000 names, and a plain join with DISTINCT not).
    filed = select(agency_name_blocks.c.name).where(agency_name_blocks.c.block.in_(sorted(blocks(name))))
    candidates = select(agency_names.c.name, agency_names.c.agency_key).where(agency_names.c.name.in_(filed))
    return choose(name, ((other.name, other.agency_key) for other in connection.execute(candidates)))


def choose(name: str, candidates: Iterable[tuple[str, str]]) -> Match:
    """The match of a new printed name among (stored name, agency key) candidates: the agency
    of the best-scoring name, or a new agency when none matches or two agencies tie."""
    best: dict[str, float] = {}  # agency key → best score of its names
    for other, key in candidates:
        score = same_agency(name, other)
        if score is not None and score > best.get(key, 0.0):
            best[key] = score
    if best:
        top = max(best.values())
        keys = sorted(k for k, s in best.items() if s == top)
        if len(keys) == 1:
            return Match(keys[0], "exact" if top == 1.0 else "fuzzy", top)
        # The name fits two agencies equally (章贡区交通运输局 under two cities): a new agency,
        # left for a person to link.
    return Match(fold_name(name) or name, "exact", 1.0)


def resolve(connection: Connection, name: str) -> Match:
    """The agency key of a printed name, registering the name (and a new agency) if needed."""
    match = lookup(connection, name)
    if connection.execute(select(agency_names.c.name).where(agency_names.c.name == name)).first() is not None:
        return match
    if connection.execute(select(agencies.c.key).where(agencies.c.key == match.key)).first() is None:
        connection.execute(agencies.insert().values(key=match.key, name=name, region=region_of(name)))
    connection.execute(agency_names.insert().values(name=name, agency_key=match.key, method=match.method, score=match.score))
    add_blocks(connection, [name])
    return match


def link(connection: Connection, name: str, key: str) -> None:
    """A person's decision: `name` is agency `key` (creating the agency if needed)."""
    if connection.execute(select(agencies.c.key).where(agencies.c.key == key)).first() is None:
        connection.execute(agencies.insert().values(key=key, name=name, region=region_of(name)))
    if connection.execute(select(agency_names.c.name).where(agency_names.c.name == name)).first() is None:
        connection.execute(agency_names.insert().values(name=name, agency_key=key, method="manual", score=1.0))
        add_blocks(connection, [name])
    else:
        connection.execute(update(agency_names).where(agency_names.c.name == name).values(agency_key=key, method="manual", score=1.0))
    connection.execute(update(reports).where(reports.c.agency == name).values(agency_key=key))
    raise_version(connection)
