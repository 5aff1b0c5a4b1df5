"""报告详情 and 对比: one report's tables, findings and provenance, its downloads, and two
reports side by side — each page with its /api twin.

Every route that names a report goes through `visible_report` (404 for a report the user may
not see, whether or not it exists). The original file's path comes from the stored record only.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response

from ...draw import DrawError, page_png, refusal
from ...export import export_xlsx
from ...store import Store, StoredReport
from ...store.review import DECISIONS, REVIEW_STATUSES
from ..access import Visible, visible_report
from ..detail import (
    PDFIUM_LOCK,
    Comparison,
    ProvenanceView,
    compare,
    content_disposition,
    download_name,
    drawable_media,
    line_view,
    media_name,
    original_file,
    original_name,
    provenance_view,
    report_view,
    source_lines,
    template_name,
)
from ..security import Visibility, require
from ..templating import render

router = APIRouter()

MAX_ID = 2**31 - 1  # ids beyond a database integer are no report (404, not a database error)
PAGE_MAX_SIDE = 2000  # pixels: the longest side of a drawn page
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Media types an original is sent as; anything else (HTML above all) as bytes to download, never rendered by the browser.
ORIGINAL_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/tiff", "text/plain", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _visible(request: Request, report_id: int) -> Visible:
    if not 1 <= report_id <= MAX_ID:
        require(request)
        raise HTTPException(404, "没有这份报告")
    return visible_report(request, report_id)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def review_state(visible: Visible) -> dict[str, Any]:
    review = visible.review
    if review is None:
        return {"status": "pending", "status_name": REVIEW_STATUSES["pending"], "draft": False, "uploaded_by": None, "updated_by": None, "updated_at": None}
    return {
        "status": review.status,
        "status_name": REVIEW_STATUSES[review.status],
        "draft": review.draft,
        "uploaded_by": review.uploaded_by,
        "updated_by": review.updated_by,
        "updated_at": review.updated_at,
    }


def _related(request: Request, visible: Visible) -> list[StoredReport]:
    """The same agency's other reports this user may see (for the 对比 links), by year."""
    key = visible.report.agency_key
    if not key:
        return []
    store = _store(request)
    others = [r for r in store.reports_of_agency_key(key) if r.id != visible.report.id]
    reviews = store.report_reviews([r.record.source.sha256 for r in others if r.record.source.sha256])
    seer = Visibility(visible.user)
    return [r for r in others if seer.sees(r.agency_key, r.region, reviews.get(r.record.source.sha256 or ""))]


# ---------------------------------------------------------------- 报告详情


@router.get("/reports/{report_id}", include_in_schema=False)
def report_page(request: Request, report_id: int) -> Response:
    visible = _visible(request, report_id)
    store = _store(request)
    record = visible.report.record
    view = report_view(record)
    finding_reviews = store.finding_reviews(visible.sha256) if visible.sha256 else {}
    original, why = original_file(record)
    data = {
        "id": visible.report.id,
        "provenance": f"/api/reports/{visible.report.id}/provenance",
        "drawable": drawable_media(record),
    }
    context = {
        "visible": visible,
        "item": visible.report,
        "record": record,
        "view": view,
        "finding_reviews": finding_reviews,
        "report_review": visible.review,
        "review": review_state(visible),
        "source_name": Path(record.source.path).name if record.source.path else "",
        "source_path": record.source.path if visible.user.role in ("admin", "reviewer") else "",
        "template_label": template_name(record.template),
        "media_label": media_name(record.source.media_type),
        "original_available": original is not None,
        "original_missing": why,
        "related": _related(request, visible),
        "data": data,
    }
    return render(request, "report.html", context)


@router.get("/api/reports/{report_id}", tags=["报告"], summary="报告详情：记录、问题（含指纹与审核意见）、审核状态")
def report_api(request: Request, report_id: int) -> dict[str, Any]:
    visible = _visible(request, report_id)
    store = _store(request)
    record = visible.report.record
    view = report_view(record)
    reviews = store.finding_reviews(visible.sha256) if visible.sha256 else {}
    findings = []
    for item in view.findings:
        decided = reviews.get(item.fingerprint)
        findings.append(
            {
                **item.to_dict(),
                "review": None
                if decided is None
                else {"decision": decided.decision, "decision_name": DECISIONS[decided.decision], "comment": decided.comment, "reviewer": decided.reviewer, "at": decided.at},
            }
        )
    return {
        "id": visible.report.id,
        "agency_key": visible.report.agency_key,
        "region": visible.report.region,
        "review": review_state(visible),
        "counts": view.counts,
        "record": record.to_dict(),
        "findings": findings,
        "highlighted": {path: {"severity": cell.severity, "findings": list(cell.findings)} for path, cell in view.highlighted.items()},
    }


@router.get("/api/reports/{report_id}/provenance", tags=["报告"], summary="单元格（或问题所指的行）的出处：原文、行号、页码、位置框和上下文")
def provenance_api(
    request: Request,
    report_id: int,
    cell: Annotated[str | None, Query(description="单元格路径，如 requests.new_received.total；也可为 agency、year、published")] = None,
    line: Annotated[int | None, Query(ge=1, description="不给单元格时：问题所指的行号")] = None,
    page: Annotated[int | None, Query(ge=1, description="与 line 同用：页码")] = None,
) -> dict[str, Any]:
    visible = _visible(request, report_id)
    view = _provenance(visible, cell, line, page)
    out = view.to_dict()
    out["image"] = _image_url(visible, view)
    return out


def _provenance(visible: Visible, cell: str | None, line: int | None, page: int | None) -> ProvenanceView:
    record = visible.report.record
    if cell is None and line is None:
        raise HTTPException(400, "请给出单元格（cell=requests.new_received.total）或行号（line=）")
    lines, why = source_lines(record)
    if cell is not None:
        try:
            return provenance_view(record, cell, lines, why)
        except KeyError:
            raise HTTPException(400, f"这份报告没有单元格“{cell}”") from None
    assert line is not None
    return line_view(record, line, page, lines, why)


def _image_url(visible: Visible, view: ProvenanceView) -> str | None:
    if view.image_page is None:
        return None
    url = f"/reports/{visible.report.id}/page/{view.image_page}.png"
    return f"{url}?cell={view.path}" if view.path and view.box is not None else url


# ---------------------------------------------------------------- the page, drawn

_PNG_CACHE: OrderedDict[tuple[str, int, str | None], tuple[bytes, float]] = OrderedDict()
_PNG_LOCK = threading.Lock()
PNG_CACHE_SIZE = 24


@router.get(
    "/reports/{report_id}/page/{page}.png",
    tags=["报告"],
    summary="PDF或扫描件的一页，画出读出的单元格；cell 所指的格以蓝框标出",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def page_image(
    request: Request,
    report_id: int,
    page: int,
    cell: Annotated[str | None, Query(description="要标出的单元格路径")] = None,
) -> Response:
    visible = _visible(request, report_id)
    record = visible.report.record
    if not drawable_media(record):
        name = Path(record.source.path).name
        raise HTTPException(400, refusal(name, record.source.media_type or "") or "只能为PDF或扫描图片绘制页面")
    if cell is not None and cell not in record.cell_values():
        raise HTTPException(400, f"这份报告没有单元格“{cell}”")
    pages = record.source.pages or (1 if (record.source.media_type or "").startswith("image/") else None)
    if page < 1 or (pages is not None and page > pages):
        raise HTTPException(404, f"第{page}页不存在：此文件共{pages}页" if pages else f"第{page}页不存在")
    path, why = original_file(record)
    if path is None:
        raise HTTPException(404, f"{why}，无法绘制页面")
    key = (visible.sha256, page, cell)
    with _PNG_LOCK:
        cached = _PNG_CACHE.get(key)
        if cached is not None:
            _PNG_CACHE.move_to_end(key)
    if cached is None:
        try:
            with PDFIUM_LOCK:
                png, drawn = page_png(record, page, focus=cell, max_side=PAGE_MAX_SIDE)
        except DrawError as error:
            raise HTTPException(404 if "不存在" in str(error) else 400, str(error)) from error
        cached = (png, drawn.pixels)
        with _PNG_LOCK:
            _PNG_CACHE[key] = cached
            while len(_PNG_CACHE) > PNG_CACHE_SIZE:
                _PNG_CACHE.popitem(last=False)
    png, pixels = cached
    # The page's pixels per point: a provenance box times this is where the cell is on the image.
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=600", "X-Pixels-Per-Point": f"{pixels:.4f}"})


# ---------------------------------------------------------------- downloads


@router.get("/reports/{report_id}/record.json", tags=["报告"], summary="下载记录（JSON，record.md 格式）")
def record_download(request: Request, report_id: int) -> Response:
    visible = _visible(request, report_id)
    body = json.dumps(visible.report.record.to_dict(), ensure_ascii=False, indent=2)
    name = download_name(visible.report, ".json")
    return Response(body, media_type="application/json; charset=utf-8", headers={"Content-Disposition": content_disposition(name, f"report-{report_id}.json")})


@router.get("/reports/{report_id}/report.xlsx", tags=["报告"], summary="下载这份报告的 Excel（三张表按官方格式，问题单元格标色）")
def xlsx_download(request: Request, report_id: int) -> Response:
    visible = _visible(request, report_id)
    with tempfile.TemporaryDirectory(prefix="gongkai-xlsx-") as folder:
        target = Path(folder) / "report.xlsx"
        export_xlsx([visible.report], target)
        body = target.read_bytes()
    name = download_name(visible.report, ".xlsx")
    return Response(body, media_type=XLSX, headers={"Content-Disposition": content_disposition(name, f"report-{report_id}.xlsx")})


@router.get("/reports/{report_id}/original", tags=["报告"], summary="下载原文件（入库时的同一内容）")
def original_download(request: Request, report_id: int) -> Response:
    visible = _visible(request, report_id)
    record = visible.report.record
    path, why = original_file(record)
    if path is None:
        raise HTTPException(404, why)
    media_type = record.source.media_type if record.source.media_type in ORIGINAL_TYPES else "application/octet-stream"
    suffix = path.suffix if path.suffix.isascii() else ""
    name = original_name(visible.report)
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Content-Disposition": content_disposition(name, f"report-{report_id}{suffix}"), "Cache-Control": "private, no-store"},
    )


# ---------------------------------------------------------------- 对比


def _years(text: str) -> tuple[int, int]:
    parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
    try:
        years = [int(p) for p in parts]
    except ValueError:
        raise HTTPException(400, f"年度“{text}”无法识别：请写成 2022,2023") from None
    if len(years) != 2:
        raise HTTPException(400, "请给出两个年度，如 years=2022,2023")
    return years[0], years[1]


def _of_agency(request: Request, agency: str, years: str) -> tuple[StoredReport, StoredReport]:
    user = require(request)
    first, second = _years(years)
    store = _store(request)
    reports = store.reports_of_agency_key(agency)
    reviews = store.report_reviews([r.record.source.sha256 for r in reports if r.record.source.sha256])
    seer = Visibility(user)
    seen = [r for r in reports if seer.sees(r.agency_key, r.region, reviews.get(r.record.source.sha256 or ""))]
    picked = []
    for year in (first, second):
        found = [r for r in seen if r.record.year == year]
        if not found:
            raise HTTPException(404, f"没有该机关{year}年度的报告")
        picked.append(max(found, key=lambda r: r.id))  # the latest stored when a year has several
    return picked[0], picked[1]


def _pair(request: Request, a: int | None, b: int | None, agency: str | None, years: str | None) -> tuple[StoredReport, StoredReport] | None:
    if a is not None or b is not None:
        if a is None or b is None:
            raise HTTPException(400, "请给出两份报告的编号：a=编号&b=编号")
        return _visible(request, a).report, _visible(request, b).report
    if agency or years:
        if not agency or not years:
            raise HTTPException(400, "按机关对比时请给出机关和两个年度：agency=机关&years=2022,2023")
        return _of_agency(request, agency, years)
    return None


@router.get("/compare", include_in_schema=False)
def compare_page(
    request: Request,
    a: int | None = None,
    b: int | None = None,
    agency: str | None = None,
    years: str | None = None,
) -> Response:
    require(request)
    form = {"a": a, "b": b, "agency": agency or "", "years": years or ""}
    try:
        pair = _pair(request, a, b, agency, years)
    except HTTPException as error:
        if error.status_code != 400:
            raise
        return render(request, "compare.html", {"comparison": None, "form": form, "error": error.detail}, status_code=400)
    comparison: Comparison | None = compare(*pair) if pair else None
    return render(request, "compare.html", {"comparison": comparison, "form": form, "error": None})


@router.get("/api/compare", tags=["报告"], summary="两份报告对比：不同的单元格与主要指标（a=&b= 或 agency=&years=）")
def compare_api(
    request: Request,
    a: int | None = None,
    b: int | None = None,
    agency: str | None = None,
    years: str | None = None,
) -> dict[str, Any]:
    require(request)
    pair = _pair(request, a, b, agency, years)
    if pair is None:
        raise HTTPException(400, "请给出两份报告：a=编号&b=编号，或 agency=机关&years=2022,2023")
    return compare(*pair).to_dict()
