"""Agency matching through blocking keys (issue 13 item 3): a lookup reads only the names filed
under the new name's keys, and finds exactly what comparing it with every known name finds.

The oracle is `same_agency` applied to every stored name (the matching as it was before the
index); hypothesis draws names from places and organs with the slips real reports have
(a character replaced, added or dropped in the organ or the place, a place prefix added or
dropped), so that pairs that match, and pairs that nearly match, are common."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, func, select

from gongkai.store.agencies import Match, blocks, choose, lookup, resolve, same_agency
from gongkai.store.schema import agency_name_blocks, agency_names, migrate

PROVINCES = ["", "江西省", "河南省"]
CITIES = ["", "赣州市", "洛阳市", "衡阳市", "淮安市"]
COUNTIES = ["", "章贡区", "赣县区", "洪泽区", "高安市", "南康区"]
ORGANS = ["交通运输局", "行政服务中心管委会", "民政局", "财政局", "公共资源交易中心", "人民政府", "文化广电新闻出版旅游局", "卫生健康委"]
SLIP = "务心局市县区政"


@st.composite
def printed_names(draw: st.DrawFn) -> str:
    organ = draw(st.sampled_from(ORGANS))
    kind = draw(st.sampled_from(["none", "replace", "insert", "drop"]))
    at = draw(st.integers(0, len(organ) - 1))
    char = draw(st.sampled_from(SLIP))
    organ = {"none": organ, "replace": organ[:at] + char + organ[at + 1 :], "insert": organ[:at] + char + organ[at:], "drop": organ[:at] + organ[at + 1 :]}[kind]
    return draw(st.sampled_from(PROVINCES)) + draw(st.sampled_from(CITIES)) + draw(st.sampled_from(COUNTIES)) + organ


def _oracle(connection: Connection, name: str) -> Match:
    """`lookup` as it was: the new name compared with every stored name."""
    known = connection.execute(select(agency_names).where(agency_names.c.name == name)).first()
    if known is not None:
        return Match(known.agency_key, known.method, known.score)
    return choose(name, ((row.name, row.agency_key) for row in connection.execute(select(agency_names.c.name, agency_names.c.agency_key))))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(printed_names(), min_size=1, max_size=40))
def test_lookup_through_blocks_finds_what_the_full_comparison_finds(names: list[str]) -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        migrate(connection)
        for name in names:
            assert lookup(connection, name) == _oracle(connection, name), name
            resolve(connection, name)


@given(printed_names(), printed_names())
def test_names_that_can_match_share_a_block(a: str, b: str) -> None:
    if same_agency(a, b) is not None:
        assert blocks(a) & blocks(b)


def test_a_name_is_filed_under_a_few_keys_once() -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        migrate(connection)
        for name in ("赣州市章贡区交通运输局", "章贡区交通运输局", "赣州市章贡区交通运输局"):
            resolve(connection, name)
        filed = connection.scalar(select(func.count()).select_from(agency_name_blocks))
        assert filed == len(blocks("赣州市章贡区交通运输局")) + len(blocks("章贡区交通运输局"))
        assert lookup(connection, "赣州市章贡区交通运输司").method == "fuzzy"
        assert lookup(connection, "赣州市南康区交通运输局") == Match("赣州市南康区交通运输局", "exact", 1.0)  # another county: a new agency
