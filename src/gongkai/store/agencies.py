"""The same agency across years, despite typos and spacing in how it is printed.

Each printed name maps to an agency key. A new name joins an existing agency when it is the
same after folding (exact), or nearly the same (fuzzy: one or two characters differ, or a place
prefix is added, e.g. 赣州市赣县区融媒体中心 / 赣县区融媒体中心); otherwise it starts a new agency.
A person can override any mapping (manual); manual mappings are never changed automatically.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import Connection, select, update

from .schema import agencies, agency_names, reports

FUZZY_MIN = 0.9
_NOISE = re.compile(r"[\s\u3000·•、，,。.（）()\[\]【】〔〕\"'“”‘’《》<>]+")
_REGION = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,8}?(?:市|自治州|地区|盟))?"
    r"(?:[\u4e00-\u9fff]{1,10}?(?:区|县|自治县|旗|市)(?![区县]))?"
)


def fold_name(name: str) -> str:
    """The comparable form of a printed agency name."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", name))


def region_of(name: str) -> str | None:
    """The places an agency name starts with (省/市/区/县), if any: 淮安市洪泽区人民政府 → 淮安市洪泽区."""
    match = _REGION.match(fold_name(name))
    region = match.group(0) if match else ""
    return region or None


def similarity(a: str, b: str) -> float:
    a, b = fold_name(a), fold_name(b)
    if a == b:
        return 1.0
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 5 and longer.endswith(shorter) and _REGION.fullmatch(longer[: len(longer) - len(shorter)]):
        return 0.95  # the same organ with its place prefixed
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True)
class Match:
    key: str
    method: str
    score: float


def resolve(connection: Connection, name: str) -> Match:
    """The agency key of a printed name, registering the name (and a new agency) if needed."""
    known = connection.execute(select(agency_names).where(agency_names.c.name == name)).first()
    if known is not None:
        return Match(known.agency_key, known.method, known.score)
    folded = fold_name(name)
    best: Match | None = None
    for other in connection.execute(select(agency_names.c.name, agency_names.c.agency_key)):
        other_folded = fold_name(other.name)
        if abs(len(other_folded) - len(folded)) > 6 or other_folded[:1] != folded[:1] and not other_folded.endswith(folded[-4:]):
            continue
        score = similarity(name, other.name)
        if score >= FUZZY_MIN and (best is None or score > best.score):
            best = Match(other.agency_key, "exact" if score == 1.0 else "fuzzy", score)
    if best is None:
        key = folded or name
        if connection.execute(select(agencies.c.key).where(agencies.c.key == key)).first() is None:
            connection.execute(agencies.insert().values(key=key, name=name, region=region_of(name)))
        best = Match(key, "exact", 1.0)
    connection.execute(agency_names.insert().values(name=name, agency_key=best.key, method=best.method, score=best.score))
    return best


def link(connection: Connection, name: str, key: str) -> None:
    """A person's decision: `name` is agency `key` (creating the agency if needed)."""
    if connection.execute(select(agencies.c.key).where(agencies.c.key == key)).first() is None:
        connection.execute(agencies.insert().values(key=key, name=name, region=region_of(name)))
    if connection.execute(select(agency_names.c.name).where(agency_names.c.name == name)).first() is None:
        connection.execute(agency_names.insert().values(name=name, agency_key=key, method="manual", score=1.0))
    else:
        connection.execute(update(agency_names).where(agency_names.c.name == name).values(agency_key=key, method="manual", score=1.0))
    connection.execute(update(reports).where(reports.c.agency == name).values(agency_key=key))
