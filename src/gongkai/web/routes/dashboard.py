"""概览 (the dashboard), 报告列表 (the filtered, paged list of reports) and 规则 (the rule catalog),
with their JSON twins /api/dashboard, /api/reports and /api/rules.

Every figure comes from `analyse.browse` (SQL aggregates) over the reports the signed-in user may
see: a clerk their own agency's, a reviewer with a scope that region's, a viewer no drafts. The
dashboard and the rules' counts are kept per scope in `browse.Remembered` until the data changes.
"""

from __future__ import annotations

import posixpath
from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from ...analyse import browse
from ...analyse.browse import SORTS, Dashboard, ReportFilter, ReportPage, RuleInfo, Scope
from ...check import RULES
from ...store import Store
from ...store.review import REVIEW_STATUSES, User
from ..security import Visibility, require
from ..templating import render

router = APIRouter()


def scope_of(user: User) -> Scope:
    """The reports `user` may see, as the SQL filter of `browse`."""
    seen = Visibility(user)
    return Scope(agency_key=seen.agency_key, region=seen.region, drafts=seen.drafts, nothing=user.role == "clerk" and not user.agency_key)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _remembered(request: Request) -> browse.Remembered:
    """The app's memory of slow aggregates (made on first use), valid while the data stays the same."""
    state = request.app.state
    memory = getattr(state, "browse_memory", None)
    if not isinstance(memory, browse.Remembered):
        memory = browse.Remembered()
        state.browse_memory = memory
    return memory


def _dashboard(request: Request, user: User, year: str | None) -> Dashboard:
    chosen, all_years = _year_choice(year)
    scope = scope_of(user)
    return browse.dashboard(_store(request).engine, scope, chosen, all_years, _remembered(request))


# ------------------------------------------------------------------ formatting for the pages


def _number(value: float | int | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _signed(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = _number(abs(value)) if unit != "pp" else f"{abs(value):.1f}"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{text}{' 个百分点' if unit == 'pp' else unit}"


def _measure(kind: str, value: float | None) -> str:
    return _percent(value) if kind == "ratio" else _number(value)


FORMAT: dict[str, Any] = {"number": _number, "percent": _percent, "signed": _signed, "measure": _measure}


# ------------------------------------------------------------------ 概览


def _year_choice(year: str | None) -> tuple[int | None, bool]:
    """`year` of the query: a year, "all" (every year together) or empty (the latest)."""
    if year is None or not year.strip():
        return None, False
    if year.strip() == "all":
        return None, True
    if not year.strip().isdigit():
        raise HTTPException(400, f"年度“{year}”无效")
    return int(year), False


REGION_ROWS = 100  # regions in the page's table (all of them in /api/dashboard)
CHART_REGIONS = 30  # regions in the chart


def chart_data(found: Dashboard) -> dict[str, Any]:
    """What the page's charts draw (dashboard.js), and no more: the page stays small with
    thousands of regions."""
    return {
        "indicators": [asdict(i) for i in found.indicators],
        "by_year": [asdict(row) for row in found.by_year],
        "by_region": [asdict(row) for row in found.by_region[:CHART_REGIONS]],
        "regions_total": len(found.by_region),
        "findings_by_rule": [asdict(row) for row in found.findings_by_rule],
        "counts": {"statuses": found.counts.statuses},
    }


YearQuery = Annotated[str | None, Query(description="区域、排名与机关同比所用的年度；空为最近年度，all 为全部年度合计")]


@router.get("/", include_in_schema=False)
def dashboard_page(request: Request, year: YearQuery = None) -> Response:
    found = _dashboard(request, require(request), year)
    context = {
        "d": found,
        "data": chart_data(found),
        "region_rows": REGION_ROWS,
        "fmt": FORMAT,
        "severity_names": browse.SEVERITY_NAMES,
        "statuses": REVIEW_STATUSES,
        "ratios": [i for i in found.indicators if i.kind == "ratio"],
    }
    return render(request, "dashboard.html", context)


@router.get("/api/dashboard", tags=["概览"], summary="概览：计数、各年度指标、地区、排名、同比、按规则统计的问题", response_model=Dashboard)
def dashboard_api(request: Request, year: YearQuery = None) -> Dashboard:
    """与“概览”页面相同的数据，只计当前用户有权查看的报告。比率为小数（0.5 即 50%），同比中比率的变化以百分点计。"""
    return _dashboard(request, require(request), year)


# ------------------------------------------------------------------ 报告列表


@dataclass(frozen=True)
class ListQuery:
    filter: ReportFilter
    page: int
    per_page: int
    sort: str
    given: dict[str, str]  # the query as given (empty values left out), for the page's links


def _blank(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


def list_query(
    agency: Annotated[str | None, Query(description="机关名称（或机关键）中的文字")] = None,
    agency_key: Annotated[str | None, Query(description="机关键（完全一致）")] = None,
    region: Annotated[str | None, Query(description="地区")] = None,
    year: Annotated[str | None, Query(description="年度")] = None,
    template: Annotated[str | None, Query(description="格式：2021、2019、pre2019 等")] = None,
    rule: Annotated[str | None, Query(description="有此规则问题的报告（规则名或代码，如 balance 或 GK203）")] = None,
    severity: Annotated[str | None, Query(description="有此级别问题的报告：error、warning、info")] = None,
    status: Annotated[str | None, Query(description="审核状态：pending（待审核，含未审核）、needs_fix、passed")] = None,
    q: Annotated[str | None, Query(description="在机关名称和文件路径中搜索（多个词须都出现）")] = None,
    page: Annotated[int, Query(description="页码，从1起")] = 1,
    per_page: Annotated[int, Query(description=f"每页条数（默认{browse.PER_PAGE}，最多{browse.MAX_PER_PAGE}）")] = browse.PER_PAGE,
    sort: Annotated[str, Query(description="排序：" + "、".join(f"{k}（{v}）" for k, v in SORTS.items()))] = "-year",
) -> ListQuery:
    texts = {
        "agency": agency,
        "agency_key": agency_key,
        "region": region,
        "year": year,
        "template": template,
        "rule": rule,
        "severity": severity,
        "status": status,
        "q": q,
    }
    given = {key: value for key, value in ((k, _blank(v)) for k, v in texts.items()) if value is not None}
    year_value = given.get("year")
    if year_value is not None and not year_value.isdigit():
        raise HTTPException(400, f"年度“{year_value}”无效")
    chosen = ReportFilter(
        agency=given.get("agency"),
        agency_key=given.get("agency_key"),
        region=given.get("region"),
        year=int(year_value) if year_value is not None else None,
        template=given.get("template"),
        rule=given.get("rule"),
        severity=given.get("severity"),
        status=given.get("status"),
        q=given.get("q"),
    )
    page, per_page = browse.page_bounds(page, per_page)
    if sort not in SORTS:
        raise HTTPException(400, f"排序“{sort}”不存在；可用：{'、'.join(SORTS)}")
    return ListQuery(chosen, page, per_page, sort, given)


def _listed(request: Request, query: ListQuery) -> ReportPage:
    user = require(request)
    try:
        return browse.list_reports(_store(request).engine, scope_of(user), query.filter, query.page, query.per_page, query.sort)
    except browse.BrowseError as error:
        raise HTTPException(400, str(error)) from error


def _link(query: ListQuery, **changes: str | int | None) -> str:
    """/reports with the same query but `changes` (None drops a parameter)."""
    values: dict[str, str | int] = {**query.given, "sort": query.sort, "per_page": query.per_page, "page": query.page}
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    if values.get("sort") == "-year":
        values.pop("sort")
    if values.get("per_page") == browse.PER_PAGE:
        values.pop("per_page")
    if values.get("page") == 1:
        values.pop("page")
    return "/reports" + (f"?{urlencode(values)}" if values else "")


@router.get("/reports", include_in_schema=False)
def reports_page(request: Request, query: Annotated[ListQuery, Depends(list_query)]) -> Response:
    user = require(request)
    found = _listed(request, query)
    pages = found.pages
    nearby = sorted({1, pages, *range(max(1, query.page - 3), min(pages, query.page + 3) + 1)})
    sort_links = {key: _link(query, sort=(f"-{key}" if query.sort == key else key), page=None) for key in ("year", "agency", "errors")}
    context = {
        "found": found,
        "query": query,
        "options": browse.filter_options(_store(request).engine, scope_of(user)),
        "rules": RULES,
        "severity_names": browse.SEVERITY_NAMES,
        "statuses": REVIEW_STATUSES,
        "sorts": SORTS,
        "sort_links": sort_links,
        "page_links": [(number, _link(query, page=number)) for number in nearby],
        "previous_link": _link(query, page=query.page - 1) if query.page > 1 else None,
        "next_link": _link(query, page=query.page + 1) if query.page < pages else None,
        "file_name": posixpath.basename,
        "fmt": FORMAT,
    }
    return render(request, "reports_list.html", context)


@router.get("/api/reports", tags=["报告"], summary="报告列表：筛选、搜索、排序、分页", response_model=ReportPage)
def reports_api(request: Request, query: Annotated[ListQuery, Depends(list_query)]) -> ReportPage:
    """当前用户有权查看的报告中符合条件的一页（`total` 为符合条件的总数）。错误、警告、提示数含跨年度核查的问题；未审核的报告为 pending（待审核）。"""
    return _listed(request, query)


# ------------------------------------------------------------------ 规则


@router.get("/rules", include_in_schema=False)
def rules_page(request: Request) -> Response:
    scope = scope_of(require(request))
    counted = {c.rule: c for c in browse.rule_counts(_store(request).engine, scope, _remembered(request))}
    context = {"rules": browse.rule_catalog(), "counted": counted, "fmt": FORMAT}
    return render(request, "rules.html", context)


@router.get("/api/rules", tags=["规则"], summary="规则目录：代码、名称、级别、说明、原因、示例", response_model=list[RuleInfo])
def rules_api(request: Request) -> list[RuleInfo]:
    """每条核查规则：稳定的代码（GK…）、名称、默认级别，以及规则文档中的说明（explanation）、原因（why）和示例（example）。"""
    require(request)
    return browse.rule_catalog()
