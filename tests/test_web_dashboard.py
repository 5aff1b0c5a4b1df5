"""概览, 报告列表 and 规则 of the web app and their /api twins: the SQL aggregates agree with the
store and with the indicators' Python definitions, every filter and the paging work, and every
figure covers only the reports the signed-in user may see."""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from web_support import PASSWORD, SAMPLES, WebSite, make_site

from gongkai.analyse import INDICATORS, browse
from gongkai.analyse.indicators import INDICATORS_BY_KEY, Measure
from gongkai.analyse.stats import grouped_table, reports_table
from gongkai.check import RULES
from gongkai.pipeline import ingest
from gongkai.store import Store, StoredReport, database_url
from gongkai.store.review import Role, User
from gongkai.store.schema import refresh_summaries
from gongkai.web.security import Visibility, hash_password

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> WebSite:
    made = make_site(tmp_path_factory.mktemp("dashboard"))
    # A report whose agency name carries a script (a copy of a stored sample under another hash).
    stored = next(item for item in made.store.reports() if item.record.count("error"))
    record = stored.record
    record.agency = f"{EVIL}局"
    made.store.save(record, "/uploads/evil<b>.txt", sha256="e" * 64)
    with made.store.engine.begin() as connection:  # and a region name carrying one (shown in the charts' data)
        connection.execute(text("UPDATE reports SET region = :region WHERE sha256 = :sha"), {"region": f"{EVIL}区", "sha": "e" * 64})
    made.store.add_user("clerk_without_agency", "clerk", hash_password(PASSWORD))
    return made


def stored(site: WebSite) -> list[StoredReport]:
    return list(site.store.reports())


_CLIENTS: dict[tuple[int, str], TestClient] = {}


def signed_in(site: WebSite, role: str) -> TestClient:
    """A client signed in as `role` (one per site and role: signing in hashes a password)."""
    key = (id(site), role)
    if key not in _CLIENTS:
        _CLIENTS[key] = site.client(role)
    return _CLIENTS[key]


def api(site: WebSite, role: str, path: str, **params: Any) -> Any:
    response = signed_in(site, role).get(path, params=params)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def forget(site: WebSite) -> None:
    """Drop the remembered aggregates of the app."""
    memory = getattr(site.app.state, "browse_memory", None)
    if memory is not None:
        memory.clear()


def listed(site: WebSite, role: str = "admin", **params: Any) -> dict[str, Any]:
    result: dict[str, Any] = api(site, role, "/api/reports", per_page=200, **params)
    return result


def ids(result: dict[str, Any]) -> set[int]:
    return {item["id"] for item in result["items"]}


def seen_by(site: WebSite, name: str) -> set[int]:
    """The report ids the user `name` may see, by the same check as one report's page."""
    user = site.store.user(name)
    assert user is not None
    reviews = site.store.report_reviews([item.record.source.sha256 or "" for item in stored(site)])
    visibility = Visibility(user)
    return {item.id for item in stored(site) if visibility.sees(item.agency_key, item.region, reviews.get(item.record.source.sha256 or ""))}


# ------------------------------------------------------------------ signing in


@pytest.mark.parametrize("path", ["/", "/reports", "/rules", "/?year=all"])
def test_pages_redirect_to_login(site: WebSite, path: str) -> None:
    response = site.client().get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.parametrize("path", ["/api/dashboard", "/api/reports", "/api/rules"])
def test_api_answers_401_when_not_signed_in(site: WebSite, path: str) -> None:
    response = site.client().get(path)
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录"


@pytest.mark.parametrize("role", ["admin", "reviewer", "clerk", "viewer"])
def test_every_role_opens_every_page(site: WebSite, role: str) -> None:
    client = site.client(role)
    for path, title in (("/", "概览"), ("/reports", "报告列表"), ("/rules", "规则")):
        page = client.get(path)
        assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
    for path in ("/api/dashboard", "/api/reports", "/api/rules"):
        assert client.get(path).status_code == 200


def test_openapi_describes_the_apis(site: WebSite) -> None:
    schema = site.client().get("/openapi.json").json()
    expected = {"/api/dashboard": "概览", "/api/reports": "报告", "/api/rules": "规则"}
    for path, tag in expected.items():
        operation = schema["paths"][path]["get"]
        assert operation["tags"] == [tag]
        assert any("\u4e00" <= c <= "\u9fff" for c in operation["summary"])
    parameters = {p["name"] for p in schema["paths"]["/api/reports"]["get"]["parameters"]}
    assert {"agency", "region", "year", "template", "rule", "severity", "status", "q", "page", "per_page", "sort"} <= parameters
    page_schema = schema["paths"]["/api/reports"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page_schema["$ref"].endswith("ReportPage")
    assert {"total", "page", "per_page", "items"} <= set(schema["components"]["schemas"]["ReportPage"]["properties"])


# ------------------------------------------------------------------ 概览


def test_counts_equal_the_stores(site: WebSite) -> None:
    board = api(site, "admin", "/api/dashboard")
    counts = board["counts"]
    store_counts = site.store.counts()
    reports = stored(site)
    assert counts["reports"] == store_counts["reports"] == len(reports)
    assert sum(counts["findings"].values()) == store_counts["findings"]
    for severity in ("error", "warning", "info"):
        assert counts["findings"][severity] == sum(r.record.count(severity) for r in reports)  # type: ignore[arg-type]
    assert counts["agencies"] == len({r.agency_key for r in reports if r.agency_key})
    assert counts["years"] == len({r.record.year for r in reports if r.record.year is not None})
    assert counts["reports_with_errors"] == sum(1 for r in reports if r.record.count("error"))
    assert counts["statuses"] == {"pending": len(reports), "needs_fix": 0, "passed": 0}
    assert board["years"] == sorted({r.record.year for r in reports if r.record.year is not None})
    page = signed_in(site, "admin").get("/")
    assert f'id="count-reports">{len(reports)}<' in page.text
    assert f'id="count-error">{counts["findings"]["error"]}<' in page.text
    assert "/static/echarts.min.js" in page.text and "/static/dashboard.js" in page.text
    assert '<script type="application/json" id="dash-data">' in page.text


def _python_aggregate(key: str, members: list[StoredReport]) -> Measure:
    indicator = INDICATORS_BY_KEY[key]
    return indicator.aggregate(indicator.measure(m.record) for m in members)


def _same(value: dict[str, Any], measure: Measure) -> None:
    assert value["n"] == measure.n
    for field in ("value", "numerator", "denominator"):
        expected = getattr(measure, field)
        assert (value[field] is None) == (expected is None), (field, value, measure)
        if expected is not None:
            assert value[field] == pytest.approx(expected)


def test_indicators_by_year_and_region_equal_the_python_definitions(site: WebSite) -> None:
    reports = stored(site)
    board = api(site, "admin", "/api/dashboard", year="2023")
    assert board["year"] == 2023
    formulas = {i["key"]: i["formula"] for i in board["indicators"]}
    assert 4 <= len(formulas) <= 6 and "disclosure_rate" in formulas
    assert formulas["disclosure_rate"] == INDICATORS_BY_KEY["disclosure_rate"].formula
    for row in board["by_year"]:
        members = [r for r in reports if r.record.year == row["key"]]
        assert row["reports"] == len(members)
        assert row["errors"] == sum(m.record.count("error") for m in members)
        for key in formulas:
            _same(row["values"][key], _python_aggregate(key, members))
    for row in board["by_region"]:
        members = [r for r in reports if r.region == row["key"] and r.record.year == 2023]
        assert row["reports"] == len(members) > 0
        for key in formulas:
            _same(row["values"][key], _python_aggregate(key, members))
    assert sum(row["reports"] for row in board["by_region"]) == sum(1 for r in reports if r.record.year == 2023)


def test_a_null_cell_leaves_the_report_out_of_the_indicator(site: WebSite) -> None:
    """Null is never zero: the SQL aggregate skips the report, as the Python definition does."""
    reports = stored(site)
    with site.store.engine.begin() as connection:
        connection.execute(
            text("UPDATE cells SET value = NULL WHERE report_id = :id AND tbl = '三' AND row = 'granted' AND col = 'total'"), {"id": reports[0].id}
        )
        refresh_summaries(connection, [reports[0].id])
    forget(site)  # an edit behind the store's back (the store never updates a cell in place)
    try:
        year = reports[0].record.year
        board = api(site, "admin", "/api/dashboard")
        row = next(r for r in board["by_year"] if r["key"] == year)
        members = [r for r in reports if r.record.year == year]
        assert row["values"]["disclosure_rate"]["n"] == sum(1 for m in members if m.id != reports[0].id)
        assert row["values"]["received"]["n"] == len(members)
    finally:
        value = reports[0].record.rows["granted"][-1]
        with site.store.engine.begin() as connection:
            connection.execute(
                text("UPDATE cells SET value = :v WHERE report_id = :id AND tbl = '三' AND row = 'granted' AND col = 'total'"),
                {"v": value, "id": reports[0].id},
            )
            refresh_summaries(connection, [reports[0].id])
        forget(site)


def test_year_on_year_rankings_and_findings_by_rule(site: WebSite) -> None:
    reports = stored(site)
    board = api(site, "admin", "/api/dashboard", year="2023")
    by_year = {row["key"]: row for row in board["by_year"]}
    for change in board["year_changes"]:
        now, before = by_year[change["year"]]["values"], by_year[change["previous"]]["values"]
        assert change["previous"] == change["year"] - 1
        assert change["changes"]["received"] == pytest.approx(now["received"]["value"] - before["received"]["value"])
        assert change["changes"]["disclosure_rate"] == pytest.approx((now["disclosure_rate"]["value"] - before["disclosure_rate"]["value"]) * 100)
    assert [c["year"] for c in board["year_changes"]] == [2024]  # 2022 has no report
    # Agencies with most errors in 2023, most first.
    errors = Counter(r.agency_key for r in reports if r.record.year == 2023 for f in r.record.findings if f.severity == "error")
    assert [(a["agency_key"], a["errors"]) for a in board["most_errors"]] == sorted(errors.items(), key=lambda kv: (-kv[1], kv[0]))
    # 公开率 by agency in 2023, highest first; agencies whose denominator is 0 or null are not ranked.
    rates = {}
    for key in {r.agency_key for r in reports if r.record.year == 2023}:
        measure = _python_aggregate("disclosure_rate", [r for r in reports if r.agency_key == key and r.record.year == 2023])
        if measure.denominator:
            rates[key] = measure.value
    best = [a["agency_key"] for a in board["best_disclosure"]]
    assert set(best) == set(rates) and [a["value"]["value"] for a in board["best_disclosure"]] == sorted(rates.values(), reverse=True)
    assert [a["value"]["value"] for a in board["worst_disclosure"]] == sorted(rates.values())
    # Findings by rule: every finding, each rule once, most first.
    found = Counter(f.rule for r in reports for f in r.record.findings)
    assert {r["rule"]: r["findings"] for r in board["findings_by_rule"]} == dict(found)
    assert [r["findings"] for r in board["findings_by_rule"]] == sorted(found.values(), reverse=True)
    codes = {rule.name: rule.code for rule in RULES}
    assert all(r["code"] == codes[r["rule"]] for r in board["findings_by_rule"])
    # Every year together.
    together = api(site, "admin", "/api/dashboard", year="all")
    assert together["year"] is None and together["agency_changes"] == []
    assert sum(row["reports"] for row in together["by_region"]) == len(reports)
    assert signed_in(site, "admin").get("/api/dashboard", params={"year": "x"}).status_code == 400


def test_agency_year_on_year(tmp_path: Path) -> None:
    """Two years of one agency: its change in 本年新收 and 公开率 (percentage points)."""
    store = Store(f"sqlite:///{tmp_path / 'two.db'}")
    folder = tmp_path / "in"
    folder.mkdir()
    source = (SAMPLES / "2023_赣州市.txt").read_text(encoding="utf-8")
    (folder / "2023.txt").write_text(source, encoding="utf-8")
    later = source.replace("2024", "2025").replace("2023", "2024").replace("1495\t18\t1\t0\t1\t1\t1516", "1595\t18\t1\t0\t1\t1\t1616")
    assert later.count("1616") == 1
    (folder / "2024.txt").write_text(later, encoding="utf-8")
    ingest(store, [str(folder)])
    reports = list(store.reports())
    assert sorted(r.record.year for r in reports) == [2023, 2024] and len({r.agency_key for r in reports}) == 1
    board = browse.dashboard(store.engine, browse.EVERYTHING)
    assert board.year == 2024 and len(board.agency_changes) == 1
    change = board.agency_changes[0]
    before, after = sorted(reports, key=lambda r: r.record.year or 0)
    assert change.received_before == INDICATORS_BY_KEY["received"].measure(before.record).value
    assert change.received == INDICATORS_BY_KEY["received"].measure(after.record).value
    assert change.received_change == pytest.approx((change.received or 0) - (change.received_before or 0)) == 100
    rate_before = INDICATORS_BY_KEY["disclosure_rate"].measure(before.record).value
    rate_after = INDICATORS_BY_KEY["disclosure_rate"].measure(after.record).value
    assert rate_before is not None and rate_after is not None
    assert change.rate_change_pp == pytest.approx((rate_after - rate_before) * 100)
    store.close()


def test_dashboard_page_shows_formulas_and_tables(site: WebSite) -> None:
    page = signed_in(site, "viewer").get("/", params={"year": "2023"})
    assert page.status_code == 200
    for indicator in browse.DASHBOARD_INDICATORS:
        assert indicator.name in page.text
    assert "（予以公开 + 部分公开） ÷ （七）总计" in page.text and "空不等于零" in page.text
    for table in ("table-years", "table-regions", "table-most-errors", "table-best", "table-worst", "table-rules"):
        assert f'class="grid sortable dash-table" id="{table}"' in page.text
    for chart in ("chart-years", "chart-rates", "chart-regions", "chart-rules", "chart-statuses"):
        assert f'id="{chart}"' in page.text
    assert "<script>" not in page.text.replace('<script src="/static/', "").replace('<script type="application/json"', "")


def test_empty_store(tmp_path: Path) -> None:
    empty = make_site(tmp_path, samples=False)
    page = empty.client("admin").get("/")
    assert page.status_code == 200 and "还没有报告" in page.text
    board = empty.client("admin").get("/api/dashboard").json()
    assert board["counts"]["reports"] == 0 and board["year"] is None and board["by_year"] == []
    assert empty.client("admin").get("/api/reports").json() == {"total": 0, "page": 1, "per_page": 50, "items": []}
    assert "没有符合条件的报告" in empty.client("admin").get("/reports").text


def test_remembered_aggregates_follow_every_write(tmp_path: Path) -> None:
    """The dashboard's figures are computed once per change of what they depend on: every write
    of reports through the store (a new report, an agency link) and, for a viewer, a draft."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("2023_赣州市.txt", "2023_高安市行政服务中心.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    store = Store(f"sqlite:///{tmp_path / 'memory.db'}")
    ingest(store, [str(folder)])
    memory = browse.Remembered()
    viewer = browse.Scope(drafts=False)  # depends on the drafts too
    computed: list[int] = []

    def compute() -> browse.Counts:
        computed.append(1)
        with store.engine.connect() as connection:
            return browse.counts(connection, viewer)

    def reports_seen() -> int:
        return memory.get(store.engine, "counts", viewer, compute).reports

    assert reports_seen() == reports_seen() == 2 and len(computed) == 1
    first = next(iter(store.reports()))
    sha = first.record.source.sha256 or ""
    store.set_report_review(sha, draft=True)
    assert reports_seen() == 1 and len(computed) == 2
    store.set_report_review(sha, draft=False)  # within the same second
    assert reports_seen() == 2 and len(computed) == 3
    store.set_report_review(sha, status="passed")  # a review changes no figure (its counts are read each time)
    reports_seen()
    assert len(computed) == 3
    record = first.record
    record.agency = "另一个机关"
    store.save(record, "copy.txt", sha256="c" * 64)
    assert reports_seen() == 3 and len(computed) == 4
    store.link_agency("另一个机关", first.agency_key or "")
    reports_seen()
    assert len(computed) == 5
    assert reports_seen() == 3 and len(computed) == 5
    everyone = browse.Scope()  # sees drafts: a draft changes nothing of it
    memory.get(store.engine, "all", everyone, compute)
    store.set_report_review(sha, draft=True)
    memory.get(store.engine, "all", everyone, compute)
    assert len(computed) == 6
    elsewhere = Store(f"sqlite:///{tmp_path / 'memory.db'}")  # another process writing to the same database
    elsewhere.save(record, "third.txt", sha256="d" * 64)
    elsewhere.close()
    memory.get(store.engine, "all", everyone, compute)
    assert len(computed) == 7
    store.close()


def test_remembered_computes_a_missing_result_once_for_concurrent_requests(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'memory.db'}")
    memory = browse.Remembered()
    started, computed = threading.Event(), []

    def slow() -> int:
        computed.append(1)
        started.set()
        time.sleep(0.3)
        return len(computed)

    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(memory.get, store.engine, "key", browse.EVERYTHING, slow)
        started.wait(5)
        others = [pool.submit(memory.get, store.engine, "key", browse.EVERYTHING, slow) for _ in range(3)]
        results = [first.result(), *(o.result() for o in others)]
    assert results == [1, 1, 1, 1] and len(computed) == 1
    store.close()


# ------------------------------------------------------------------ 报告列表


def test_the_unfiltered_list_is_every_report(site: WebSite) -> None:
    result = listed(site)
    reports = {r.id: r for r in stored(site)}
    assert result["total"] == len(reports) == len(result["items"]) and ids(result) == set(reports)
    for item in result["items"]:
        record = reports[item["id"]].record
        assert (item["agency"], item["year"], item["template"]) == (record.agency, record.year, record.template)
        assert (item["errors"], item["warnings"], item["infos"]) == (record.count("error"), record.count("warning"), record.count("info"))
        assert (item["status"], item["status_name"], item["draft"]) == ("pending", "待审核", False)
    years = [item["year"] for item in result["items"]]
    assert years == sorted(years, reverse=True)  # newest first by default


def _oracle(site: WebSite, params: dict[str, str]) -> set[int]:
    rows = listed(site)["items"]
    records = {r.id: r for r in stored(site)}
    keep = set()
    for row in rows:
        record = records[row["id"]].record
        checks = {
            "agency": lambda v, row=row: v in (row["agency"] or "") or v in (row["agency_key"] or ""),
            "agency_key": lambda v, row=row: row["agency_key"] == v,
            "region": lambda v, row=row: row["region"] == v,
            "year": lambda v, row=row: str(row["year"]) == v,
            "template": lambda v, row=row: row["template"] == v,
            "rule": lambda v, record=record: any(v in (f.rule, f.code) for f in record.findings),
            "severity": lambda v, record=record: any(f.severity == v for f in record.findings),
            "status": lambda v, row=row: row["status"] == v,
            "q": lambda v, row=row: all(w.lower() in (row["agency"] or "").lower() or w.lower() in row["path"].lower() for w in v.split()),
        }
        if all(checks[key](value) for key, value in params.items()):
            keep.add(row["id"])
    return keep


FILTERS = [
    {"agency": "赣州"},
    {"agency": "人民政府"},
    {"agency": "%"},  # LIKE wildcards are literal
    {"agency": "_"},
    {"region": "赣州经济技术开发区"},
    {"year": "2023"},
    {"year": "2021"},
    {"template": "2021"},
    {"rule": "balance"},
    {"rule": "GK204"},
    {"rule": "derived_value"},
    {"severity": "error"},
    {"severity": "info"},
    {"severity": "warning"},
    {"status": "pending"},
    {"status": "passed"},
    {"q": "淮安"},
    {"q": ".PDF"},  # case-insensitive in the path
    {"q": "2023 赣州"},  # every word
    {"q": "evil"},
    {"year": "2023", "severity": "error", "agency": "区"},
    {"region": "赣州市", "rule": "balance"},
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_each_filter(site: WebSite, params: dict[str, str]) -> None:
    result = listed(site, **params)
    assert ids(result) == _oracle(site, params)
    assert result["total"] == len(result["items"])
    page = signed_in(site, "admin").get("/reports", params=params)
    assert page.status_code == 200 and f"共 <b>{result['total']}</b> 份报告" in page.text


def test_filters_are_not_vacuous(site: WebSite) -> None:
    everything = len(stored(site))
    for params in ({"year": "2023"}, {"rule": "balance"}, {"severity": "error"}, {"q": "淮安"}, {"agency": "赣州"}, {"region": "赣州经济技术开发区"}):
        assert 0 < listed(site, **params)["total"] < everything, params
    assert listed(site, agency="%")["total"] == 0 and listed(site, status="passed")["total"] == 0
    assert listed(site, agency_key=site.clerk_agency)["total"] >= 1
    assert listed(site, year="")["total"] == everything  # an empty field of the form is no filter


def test_review_status_filter(site: WebSite) -> None:
    report = stored(site)[1]
    sha = report.record.source.sha256 or ""
    site.store.set_report_review(sha, status="needs_fix", by="reviewer")
    try:
        assert ids(listed(site, status="needs_fix")) == {report.id}
        assert report.id not in ids(listed(site, status="pending"))
        assert api(site, "admin", "/api/dashboard")["counts"]["statuses"]["needs_fix"] == 1
        page = signed_in(site, "admin").get("/reports", params={"status": "needs_fix"})
        assert "需整改" in page.text
    finally:
        site.store.set_report_review(sha, status="pending", by="reviewer")
    assert report.id in ids(listed(site, status="pending"))


@pytest.mark.parametrize(
    "params", [{"severity": "fatal"}, {"status": "done"}, {"rule": "GK999"}, {"sort": "size"}, {"year": "二〇二三"}], ids=lambda p: next(iter(p))
)
def test_unknown_filter_values_are_400(site: WebSite, params: dict[str, str]) -> None:
    client = site.client("admin")
    response = client.get("/api/reports", params=params)
    assert response.status_code == 400 and response.json()["detail"]
    assert client.get("/reports", params=params, headers={"accept": "text/html"}).status_code == 400


def test_pagination(site: WebSite) -> None:
    everything = listed(site)
    total = everything["total"]
    seen: list[int] = []
    for number in range(1, total // 2 + 2):
        result = api(site, "admin", "/api/reports", per_page=2, page=number)
        assert result["total"] == total and result["page"] == number and result["per_page"] == 2
        assert len(result["items"]) == min(2, max(total - (number - 1) * 2, 0))
        seen += [item["id"] for item in result["items"]]
    assert seen == [item["id"] for item in everything["items"]]  # same order, no gaps or repeats
    beyond = api(site, "admin", "/api/reports", per_page=2, page=99)
    assert beyond["items"] == [] and beyond["total"] == total
    # A text filter takes the page and the total from one reading; past the end, from a count.
    some = listed(site, agency="市")
    pages = [api(site, "admin", "/api/reports", agency="市", per_page=2, page=n) for n in (1, 2, 3, 99)]
    assert all(p["total"] == some["total"] == 4 for p in pages)
    assert [i["id"] for p in pages for i in p["items"]] == [i["id"] for i in some["items"]] and pages[-1]["items"] == []
    assert api(site, "admin", "/api/reports", per_page=5000)["per_page"] == browse.MAX_PER_PAGE
    assert api(site, "admin", "/api/reports", per_page=0)["per_page"] == 1
    assert api(site, "admin", "/api/reports", page=-3)["page"] == 1
    assert api(site, "admin", "/api/reports")["per_page"] == browse.PER_PAGE == 50
    page = signed_in(site, "admin").get("/reports", params={"per_page": 2, "page": 2, "agency": "市"})
    assert "上一页" in page.text and 'href="/reports?agency=%E5%B8%82&amp;per_page=2"' in page.text  # page 1 keeps the filter


@pytest.mark.parametrize("sort", list(browse.SORTS))
def test_sorting(site: WebSite, sort: str) -> None:
    items = listed(site, sort=sort)["items"]
    key = {"year": "year", "agency": "agency", "errors": "errors"}[sort.lstrip("-")]
    values = [item[key] for item in items if item[key] is not None]
    if key != "agency":  # names sort by the database's collation
        assert values == sorted(values, reverse=sort.startswith("-"))
    assert len(items) == len(stored(site))


def test_list_page_links_each_report_and_escapes(site: WebSite) -> None:
    page = signed_in(site, "admin").get("/reports")
    for item in listed(site)["items"]:
        assert f'href="/reports/{item["id"]}"' in page.text
    assert EVIL not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;局" in page.text
    assert "evil&lt;b&gt;.txt" in page.text


def test_agency_name_with_script_renders_escaped_everywhere(site: WebSite) -> None:
    client = site.client("admin")
    evil = next(item for item in listed(site)["items"] if item["agency"] and EVIL in item["agency"])
    year = evil["year"]
    for path in ("/", f"/?year={year}", "/?year=all", "/reports", "/reports?q=script", "/rules"):
        page = client.get(path)
        assert page.status_code == 200
        assert EVIL not in page.text and "<script>alert" not in page.text, path
    dashboard = client.get(f"/?year={year}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in dashboard  # in the rankings
    assert "&lt;script&gt;alert(1)&lt;/script&gt;区" in dashboard  # in the regions' table
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u533a" in dashboard  # in the charts' JSON (区 as \\u533a)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;区" in client.get("/reports").text  # among the regions to filter by


# ------------------------------------------------------------------ who sees what


def test_viewer_sees_no_draft_and_no_draft_in_the_counts(site: WebSite) -> None:
    reports = stored(site)
    draft = next(r for r in reports if r.record.count("error") and r.record.year == 2023)
    sha = draft.record.source.sha256 or ""
    before = api(site, "viewer", "/api/dashboard", year="2023")
    site.store.set_report_review(sha, draft=True, uploaded_by="clerk")
    try:
        assert draft.id not in ids(listed(site, "viewer"))
        assert listed(site, "viewer")["total"] == len(reports) - 1 == len(seen_by(site, "viewer"))
        assert draft.id not in ids(listed(site, "viewer", q=draft.record.agency or ""))
        board = api(site, "viewer", "/api/dashboard", year="2023")
        assert board["counts"]["reports"] == before["counts"]["reports"] - 1
        assert board["counts"]["findings"]["error"] == before["counts"]["findings"]["error"] - draft.record.count("error")
        assert board["counts"]["drafts"] == 0
        year_row = next(r for r in board["by_year"] if r["key"] == 2023)
        assert year_row["reports"] == next(r for r in before["by_year"] if r["key"] == 2023)["reports"] - 1
        assert sum(r["findings"] for r in board["findings_by_rule"]) == sum(r["findings"] for r in before["findings_by_rule"]) - len(draft.record.findings)
        assert all(a["agency_key"] != draft.agency_key for a in board["most_errors"] + board["best_disclosure"])
        assert (draft.record.agency or "") not in signed_in(site, "viewer").get("/", params={"year": "2023"}).text
        # Those who may see drafts see it, marked as one.
        for role in ("admin", "reviewer"):
            item = next(i for i in listed(site, role)["items"] if i["id"] == draft.id)
            assert item["draft"] is True
            assert api(site, role, "/api/dashboard")["counts"]["drafts"] == 1
        assert "草稿</span>" in signed_in(site, "admin").get("/reports", params={"q": draft.record.agency or ""}).text
    finally:
        site.store.set_report_review(sha, draft=False)
    assert draft.id in ids(listed(site, "viewer"))


def test_clerk_sees_only_their_agency(site: WebSite) -> None:
    own = [r for r in stored(site) if r.agency_key == site.clerk_agency]
    assert own and len(own) < len(stored(site))
    result = listed(site, "clerk")
    assert ids(result) == {r.id for r in own} == seen_by(site, "clerk")
    assert ids(listed(site, "clerk", agency_key=site.other_agency)) == set()
    board = api(site, "clerk", "/api/dashboard", year="all")
    assert board["counts"]["reports"] == len(own) and board["counts"]["agencies"] == 1
    assert sum(board["counts"]["findings"].values()) == sum(len(r.record.findings) for r in own)
    assert {a["agency_key"] for a in board["most_errors"] + board["best_disclosure"] + board["worst_disclosure"]} <= {site.clerk_agency}
    assert sum(r["findings"] for r in board["findings_by_rule"]) == sum(len(r.record.findings) for r in own)
    options_page = signed_in(site, "clerk").get("/reports").text
    other = next(r for r in stored(site) if r.agency_key == site.other_agency)
    assert (other.record.agency or "?") not in options_page and (other.region or "?") not in options_page
    rules_page = signed_in(site, "clerk").get("/rules").text
    assert rules_page.count('href="/reports?rule=') == len({f.rule for r in own for f in r.record.findings})


def test_clerk_without_agency_sees_nothing(site: WebSite) -> None:
    client = site.client("clerk_without_agency")
    assert client.get("/api/reports").json()["total"] == 0
    assert client.get("/api/dashboard").json()["counts"]["reports"] == 0
    assert client.get("/").status_code == 200


def test_reviewer_with_a_scope_sees_only_that_region(site: WebSite) -> None:
    region = next(r.region for r in stored(site) if r.agency_key == site.other_agency)
    assert region
    name = f"reviewer_{uuid.uuid4().hex[:6]}"
    site.store.add_user(name, "reviewer", hash_password(PASSWORD), scope=region)
    in_region = {r.id for r in stored(site) if r.region == region}
    assert ids(listed(site, name)) == in_region == seen_by(site, name)
    board = api(site, name, "/api/dashboard", year="all")
    assert board["counts"]["reports"] == len(in_region)
    assert [row["key"] for row in board["by_region"]] == [region]


@pytest.mark.parametrize("role", ["admin", "reviewer", "clerk", "viewer"])
def test_list_equals_what_each_role_may_open(site: WebSite, role: str) -> None:
    assert ids(listed(site, role)) == seen_by(site, role)
    assert api(site, role, "/api/dashboard")["counts"]["reports"] == len(seen_by(site, role))


def test_scope_of_users() -> None:
    from gongkai.web.routes.dashboard import scope_of

    def user(role: Role, agency: str | None = None, scope: str | None = None) -> User:
        return User("u", role, agency, scope, "")

    assert scope_of(user("admin")) == browse.Scope()
    assert scope_of(user("viewer")) == browse.Scope(drafts=False)
    assert scope_of(user("reviewer", scope="赣州市")) == browse.Scope(region="赣州市")
    assert scope_of(user("clerk", agency="某局")) == browse.Scope(agency_key="某局")
    assert scope_of(user("clerk")).nothing


# ------------------------------------------------------------------ 规则


def test_rule_catalog(site: WebSite) -> None:
    catalog = api(site, "viewer", "/api/rules")
    assert [r["code"] for r in catalog] == [rule.code for rule in RULES]
    for entry, rule in zip(catalog, RULES):
        assert (entry["name"], entry["severity"], entry["title"]) == (rule.name, rule.severity, rule.title)
        assert entry["explanation"] and entry["why"] and entry["example"]
        assert entry["explanation"].split()[0] in rule.doc and "Why:" not in entry["explanation"]
    page = signed_in(site, "viewer").get("/rules").text
    balance = next(r for r in catalog if r["name"] == "balance")
    assert 'id="GK203"' in page and "原因" in page and "示例" in page
    assert balance["example"].split(",")[0] in page
    found = Counter(f.rule for r in stored(site) for f in r.record.findings)
    assert f'<a href="/reports?rule=balance">{len([r for r in stored(site) if any(f.rule == "balance" for f in r.record.findings)])}</a>' in page
    assert found["balance"] > 0


# ------------------------------------------------------------------ PostgreSQL


PG_ENV = "GONGKAI_TEST_PG_URL"
PG_DEFAULT = "postgresql://gongkai:gongkai@127.0.0.1:5432/gongkai_test"


@pytest.fixture(scope="module")
def postgresql_url() -> Iterator[str]:
    server = os.environ.get(PG_ENV) or PG_DEFAULT
    admin = create_engine(database_url(server), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"gongkai_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server here: skip, unless asked for explicitly
        admin.dispose()
        if os.environ.get(PG_ENV):
            raise
        pytest.skip(f"PostgreSQL not reachable ({type(error).__name__}); set {PG_ENV}")
    yield server.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _by_path(page: browse.ReportPage, paths: dict[int, str]) -> list[tuple[str, int, int, str, bool]]:
    return [(Path(paths[i.id]).name, i.errors, i.warnings, i.status, i.draft) for i in page.items]


def test_sqlite_and_postgresql_agree(tmp_path: Path, postgresql_url: str) -> None:
    folder = tmp_path / "samples"
    folder.mkdir()
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    stores = {"sqlite": Store(f"sqlite:///{tmp_path / 'agree.db'}"), "postgresql": Store(postgresql_url)}
    results: dict[str, Any] = {}
    try:
        for name, store in stores.items():
            ingest(store, [str(folder)])
            first = min((r for r in store.reports() if r.record.count("error")), key=lambda r: r.record.source.path or "")
            store.set_report_review(first.record.source.sha256 or "", draft=True, status="needs_fix")
            paths = {r.id: r.record.source.path or "" for r in store.reports()}
            runs: dict[str, Any] = {}
            for label, scope in (("all", browse.EVERYTHING), ("viewer", browse.Scope(drafts=False)), ("region", browse.Scope(region="赣州经济技术开发区"))):
                board = asdict(browse.dashboard(store.engine, scope, 2023))
                runs[f"dashboard-{label}"] = _rounded(board)
                runs[f"all-years-{label}"] = _rounded(asdict(browse.dashboard(store.engine, scope, all_years=True)))
                for sort in browse.SORTS:
                    runs[f"list-{label}-{sort}"] = _by_path(browse.list_reports(store.engine, scope, sort=sort), paths)
                for chosen in (
                    browse.ReportFilter(agency="赣州"),
                    browse.ReportFilter(q="2023 TXT"),
                    browse.ReportFilter(rule="GK203", year=2023),
                    browse.ReportFilter(severity="error", status="needs_fix"),
                    browse.ReportFilter(status="pending", template="2021"),
                    browse.ReportFilter(agency="%"),
                ):
                    page = browse.list_reports(store.engine, scope, chosen, sort="-errors")
                    runs[f"filter-{label}-{chosen}"] = (page.total, sorted(_by_path(page, paths)))
                runs[f"options-{label}"] = asdict(browse.filter_options(store.engine, scope))
            with store.engine.connect() as connection:  # `gongkai stats` in SQL, every indicator
                for keys in (("year",), ("agency",), ("region", "year")):
                    runs[f"stats-{keys}"] = _rounded(list(grouped_table(connection, keys, INDICATORS).rows))
                by_path = sorted(reports_table(connection, INDICATORS).rows, key=lambda row: str(row["path"]))  # ids may differ
                runs["stats-report"] = _rounded([{k: v for k, v in row.items() if k != "id"} for row in by_path])
            results[name] = runs
    finally:
        for store in stores.values():
            store.close()
    for key, value in results["sqlite"].items():
        if key.startswith("list-"):  # ties (and names) may come in another order
            assert sorted(value) == sorted(results["postgresql"][key]), key
        else:
            assert value == results["postgresql"][key], key


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value
