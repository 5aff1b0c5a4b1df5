"""上传 and 机关: uploading reports (files or ZIPs) into background ingest jobs, and the agencies
with their reports over the years, cross-year findings and printed-name matches (merge, split).

Upload requests are guarded before anything else reads their body (`UploadRoute`): the role,
then Content-Length against `request_bytes`, then every byte counted as it streams, so that even
the CSRF check's form parsing stops at the limit. See `web.jobs` for what happens to the files.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, FastAPI, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import ColumnElement, exists, func, or_, select
from starlette.datastructures import UploadFile
from starlette.types import Message, Receive

from ...pipeline import CROSS_YEAR_RULES, refresh_cross_year
from ...store import Store, StoreError
from ...store.agencies import fold_name, similarity
from ...store.review import Role, User
from ...store.schema import agencies, agency_names, findings, report_reviews, reports
from ..jobs import (
    ACCEPT,
    FIELD,
    STATE_NAMES,
    Incoming,
    Job,
    JobRunner,
    MultipartReceiver,
    UploadRefused,
    job_view,
    local_time,
    new_job,
    new_job_id,
    too_large_request,
    upload_root,
)
from ..security import CSRF_HEADER, Visibility, require
from ..templating import render
from ..zipsafe import ZipRefused, size_text

router = APIRouter()

UPLOADERS: tuple[Role, ...] = ("admin", "reviewer", "clerk")
EDITORS: tuple[Role, ...] = ("admin", "reviewer")
CHUNK = 256 * 1024
PER_PAGE = 100
CROSS_RULES = tuple(rule.name for rule in CROSS_YEAR_RULES)
METHOD_NAMES = {"exact": "完全一致", "fuzzy": "近似匹配（待核对）", "manual": "人工指定"}
_runner_lock = threading.Lock()


# ------------------------------------------------------------------ upload plumbing


def runner_of(app: FastAPI) -> JobRunner:
    """The app's upload job runner (started on first use, over the configured upload folder)."""
    with _runner_lock:
        runner: JobRunner | None = getattr(app.state, "upload_jobs", None)
        if runner is None:
            store: Store = app.state.store
            runner = JobRunner(store, upload_root(app.state.settings.upload_dir, store))
            app.state.upload_jobs = runner
        return runner


def _bounded(receive: Receive, most: int, message: str) -> Receive:
    """`receive` that refuses (413) a body longer than `most` bytes while it streams."""
    seen = 0

    async def bounded() -> Message:
        nonlocal seen
        event = await receive()
        if event["type"] == "http.request":
            seen += len(event.get("body", b""))
            if seen > most:
                raise UploadRefused(message, 413)
        return event

    return bounded


class UploadRoute(APIRoute):
    """A route whose request body is an upload: the role is checked, then the declared length,
    then the bytes as they arrive — before the CSRF check may parse the form."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            require(request, *UPLOADERS)
            limits = request.app.state.settings.upload
            length = request.headers.get("content-length")
            if length is not None:
                if not length.strip().isdigit():
                    raise HTTPException(400, "请求头 Content-Length 无效")
                if int(length) > limits.request_bytes:
                    raise HTTPException(413, too_large_request(limits))
            bounded = Request(request.scope, _bounded(request.receive, limits.request_bytes, too_large_request(limits)))
            try:
                return await handler(bounded)
            except UploadRefused as refused:
                raise HTTPException(refused.status, refused.message) from None

        return guarded


async def _run(function: Callable[..., Any], *args: Any) -> Any:
    return await anyio.to_thread.run_sync(function, *args)


async def receive_upload(request: Request, user: User) -> Job:
    """Receive the files of an upload request into a new job folder and queue the job; any
    refusal (UploadRefused, 400/413) leaves nothing stored."""
    jobs = runner_of(request.app)
    incoming = Incoming(jobs.root, request.app.state.settings.upload, new_job_id())
    try:
        if request.headers.get(CSRF_HEADER) is None:
            await _from_parsed_form(request, incoming)  # the CSRF check has parsed the form already
        else:
            receiver = MultipartReceiver(request.headers.get("content-type", ""), incoming)
            async for chunk in request.stream():
                if chunk:
                    await _run(receiver.write, chunk)
            receiver.finish()
        folder, uploaded = await _run(incoming.finish)
    except ZipRefused as refused:
        await _run(incoming.discard)
        raise UploadRefused(refused.message, refused.status) from None
    except BaseException:
        await _run(incoming.discard)
        raise
    store: Store = request.app.state.store
    names = "、".join(f.name for f in uploaded[:20]) + ("等" if len(uploaded) > 20 else "")
    try:
        job: Job = await _run(new_job, store, user, folder, uploaded)
        store.audit(user.name, "upload", f"upload:{job.id}", f"{len(uploaded)} 个文件（{size_text(sum(f.size for f in uploaded))}）：{names}")
    except StoreError as error:
        await _run(functools.partial(shutil.rmtree, folder, ignore_errors=True))
        raise HTTPException(503, f"数据库暂时不可用，上传未接收：{error}") from None
    jobs.submit(job)
    return job


async def _from_parsed_form(request: Request, incoming: Incoming) -> None:
    form = await request.form()
    try:
        for item in form.getlist(FIELD):
            if not isinstance(item, UploadFile):
                continue
            await _run(incoming.begin, item.filename or "")
            while chunk := await item.read(CHUNK):
                await _run(incoming.write, chunk)
            incoming.end()
    finally:
        await form.close()


def _job_for(request: Request, user: User, job_id: str) -> Job:
    """A job its uploader (or an admin) asks for; 404 for anyone else (ids cannot be probed)."""
    job = runner_of(request.app).job(job_id)
    if job is None or not job.visible_to(user):
        raise HTTPException(404, "没有这个上传任务")
    return job


def _limits(request: Request) -> dict[str, Any]:
    limits = request.app.state.settings.upload
    return {
        "file_bytes": limits.file_bytes,
        "request_bytes": limits.request_bytes,
        "files": limits.files,
        "unzipped_bytes": limits.unzipped_bytes,
        "text": f"单个文件不超过 {size_text(limits.file_bytes)}，一次不超过 {size_text(limits.request_bytes)}、{limits.files} 个文件；"
        f"ZIP 解压后不超过 {size_text(limits.unzipped_bytes)}",
    }


def _job_summary(job: Job) -> dict[str, Any]:
    return {
        "id": job.id, "owner": job.owner, "created": job.created, "created_text": local_time(job.created), "state": job.state, "state_name": STATE_NAMES[job.state],
        "total": job.total, "done": min(job.done, job.total), "url": f"/upload/{job.id}", "status_url": f"/api/uploads/{job.id}",
        "line": job.summary.line() if job.state == "done" else job.error,
    }  # fmt: skip


# ------------------------------------------------------------------ upload pages and API


@router.get("/upload", include_in_schema=False)
def upload_page(request: Request) -> Response:
    user = require(request, *UPLOADERS)
    jobs = [_job_summary(job) for job in runner_of(request.app).jobs(user)]
    return render(request, "upload.html", {"job": None, "jobs": jobs, "limits": _limits(request), "accept": ACCEPT})


@router.get("/upload/{job_id}", include_in_schema=False)
def upload_job_page(request: Request, job_id: str) -> Response:
    user = require(request, *UPLOADERS)
    job = _job_for(request, user, job_id)
    view = job_view(request.app.state.store, job, user)
    jobs = [_job_summary(other) for other in runner_of(request.app).jobs(user)]
    return render(request, "upload.html", {"job": view, "jobs": jobs, "limits": _limits(request), "accept": ACCEPT})


async def upload_form(request: Request) -> Response:
    """The upload form without script: the job's page follows."""
    user = require(request, *UPLOADERS)
    job = await receive_upload(request, user)
    return RedirectResponse(f"/upload/{job.id}", status_code=303)


async def upload_api(request: Request) -> Response:
    """Upload report files or ZIPs (multipart field `files`, many); 202 with the job to poll."""
    user = require(request, *UPLOADERS)
    job = await receive_upload(request, user)
    return JSONResponse({**_job_summary(job), "job": job.id, "files": job.total}, status_code=202)


_MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "报告文件或 ZIP（可多个）"}},
                    "required": ["files"],
                }
            }
        },
    }
}
router.add_api_route("/upload", upload_form, methods=["POST"], include_in_schema=False, route_class_override=UploadRoute)
router.add_api_route(
    "/api/uploads",
    upload_api,
    methods=["POST"],
    status_code=202,
    tags=["上传"],
    summary="上传报告文件或 ZIP，后台入库（返回任务编号）",
    openapi_extra=_MULTIPART_BODY,
    route_class_override=UploadRoute,
)


@router.get("/api/uploads", tags=["上传"], summary="我的上传任务（管理员：全部）")
def uploads_api(request: Request) -> list[dict[str, Any]]:
    user = require(request, *UPLOADERS)
    return [_job_summary(job) for job in runner_of(request.app).jobs(user, limit=100)]


@router.get("/api/uploads/{job_id}", tags=["上传"], summary="上传任务的进度与结果")
def upload_status_api(request: Request, job_id: str) -> dict[str, Any]:
    user = require(request, *UPLOADERS)
    job = _job_for(request, user, job_id)
    return job_view(request.app.state.store, job, user)


# ------------------------------------------------------------------ agencies: queries


def _visible_reports(visibility: Visibility) -> list[ColumnElement[bool]]:
    """Conditions on `reports` (outer-joined with `report_reviews`) for the reports a user sees,
    as `Visibility.sees` decides for one."""
    conditions: list[ColumnElement[bool]] = []
    if not visibility.drafts:
        conditions.append(report_reviews.c.draft.is_not(True))
    if visibility.user.role == "clerk":
        conditions.append(reports.c.agency_key == (visibility.agency_key or ""))
    elif visibility.region is not None:
        conditions.append(reports.c.region == visibility.region)
    return conditions


def _reports_joined() -> Any:
    return reports.outerjoin(report_reviews, report_reviews.c.sha256 == reports.c.sha256)


@dataclass(frozen=True)
class AgencyRow:
    key: str
    name: str
    region: str | None
    reports: int
    years: list[int]
    fuzzy: bool  # some printed name was matched fuzzily: to review

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "region": self.region, "reports": self.reports, "years": self.years, "fuzzy": self.fuzzy, "url": agency_url(self.key)}


def agency_url(key: str) -> str:
    return "/agencies/" + quote(key, safe="")


def list_agencies(
    store: Store, visibility: Visibility, q: str = "", region: str = "", fuzzy_only: bool = False, page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[AgencyRow], int]:
    """One page of the agencies a user sees (with their visible reports' count and years), and
    how many there are in all. A clerk sees their own agency; a viewer only agencies with a
    published report; a reviewer with a scope those of their region."""
    counts = (
        select(reports.c.agency_key.label("key"), func.count(reports.c.id).label("reports"))
        .select_from(_reports_joined())
        .where(reports.c.agency_key.is_not(None), *_visible_reports(visibility))
        .group_by(reports.c.agency_key)
        .subquery()
    )
    fuzzy = exists().where(agency_names.c.agency_key == agencies.c.key, agency_names.c.method == "fuzzy")
    shown = func.coalesce(counts.c.reports, 0)
    conditions: list[ColumnElement[bool]] = []
    if visibility.user.role == "clerk":
        conditions.append(agencies.c.key == (visibility.agency_key or ""))
    elif visibility.region is not None:
        conditions.append(or_(agencies.c.region == visibility.region, shown > 0))
    if not visibility.drafts:
        conditions.append(shown > 0)
    if q.strip():
        text = q.strip()
        named = exists().where(agency_names.c.agency_key == agencies.c.key, agency_names.c.name.contains(text, autoescape=True))
        conditions.append(or_(agencies.c.key.contains(text, autoescape=True), agencies.c.name.contains(text, autoescape=True), named))
    if region.strip():
        conditions.append(agencies.c.region == region.strip())
    if fuzzy_only:
        conditions.append(fuzzy)
    query = (
        select(agencies.c.key, agencies.c.name, agencies.c.region, shown.label("reports"), fuzzy.label("fuzzy"))
        .select_from(agencies.outerjoin(counts, counts.c.key == agencies.c.key))
        .where(*conditions)
    )
    page = max(1, page)
    with store.engine.connect() as connection:
        total = int(connection.scalar(select(func.count()).select_from(query.subquery())) or 0)
        ordered = query.order_by(agencies.c.region.is_(None), agencies.c.region, agencies.c.key).limit(per_page).offset((page - 1) * per_page)
        rows = connection.execute(ordered).all()
        keys = [row.key for row in rows]
        years: dict[str, set[int]] = {}
        if keys:
            year_query = (
                select(reports.c.agency_key, reports.c.year)
                .distinct()
                .select_from(_reports_joined())
                .where(reports.c.agency_key.in_(keys), reports.c.year.is_not(None), *_visible_reports(visibility))
            )
            for found in connection.execute(year_query):
                years.setdefault(str(found.agency_key), set()).add(int(found.year))
    return [AgencyRow(row.key, row.name, row.region, int(row.reports), sorted(years.get(row.key, ())), bool(row.fuzzy)) for row in rows], total


def _regions(store: Store, visibility: Visibility) -> list[str]:
    query = select(agencies.c.region).distinct().where(agencies.c.region.is_not(None))
    if visibility.user.role == "clerk":
        query = query.where(agencies.c.key == (visibility.agency_key or ""))
    elif visibility.region is not None:
        query = query.where(agencies.c.region == visibility.region)
    with store.engine.connect() as connection:
        found: list[Any] = list(connection.scalars(query))
    return sorted(str(region) for region in found)


def agency_detail(store: Store, visibility: Visibility, key: str) -> dict[str, Any] | None:
    """An agency as a user may see it: its reports over the years, the cross-year findings among
    them, the printed names mapped to it and (for reviewers) agencies that may be the same; None
    when the user may not see it (404)."""
    if visibility.user.role == "clerk" and key != visibility.agency_key:
        return None
    with store.engine.connect() as connection:
        agency = connection.execute(select(agencies).where(agencies.c.key == key)).first()
        if agency is None:
            return None
        columns = (reports.c.id, reports.c.agency, reports.c.year, reports.c.template, reports.c.published, reports.c.errors, reports.c.warnings, reports.c.infos)
        query = (
            select(*columns, report_reviews.c.draft, report_reviews.c.status)
            .select_from(_reports_joined())
            .where(reports.c.agency_key == key, *_visible_reports(visibility))
            .order_by(reports.c.year, reports.c.id)
        )
        rows = connection.execute(query).all()
        if not rows and (not visibility.drafts or (visibility.region is not None and agency.region != visibility.region)):
            return None
        ids = [row.id for row in rows]
        year_of = {row.id: row.year for row in rows}
        cross = []
        if ids:
            found = connection.execute(
                select(findings.c.report_id, findings.c.other_report_id, findings.c.rule, findings.c.code, findings.c.severity, findings.c.message)
                .where(findings.c.report_id.in_(ids), findings.c.other_report_id.is_not(None), findings.c.rule.in_(CROSS_RULES))
                .order_by(findings.c.report_id, findings.c.id)
            )
            for f in found:
                if f.other_report_id in year_of:  # both reports visible (a draft's figures stay hidden)
                    cross.append(
                        {
                            "report_id": f.report_id, "year": year_of[f.report_id], "other_report_id": f.other_report_id,
                            "other_year": year_of[f.other_report_id], "rule": f.rule, "code": f.code, "severity": f.severity, "message": f.message,
                        }
                    )  # fmt: skip
        printed: dict[str, int] = {}
        for row in rows:
            if row.agency:
                printed[row.agency] = printed.get(row.agency, 0) + 1
        names = [
            {"name": n.name, "method": n.method, "method_name": METHOD_NAMES.get(n.method, n.method), "score": round(float(n.score), 3), "reports": printed.get(n.name, 0)}
            for n in connection.execute(select(agency_names).where(agency_names.c.agency_key == key).order_by(agency_names.c.method.desc(), agency_names.c.name))
            if visibility.drafts or printed.get(n.name)
        ]
        suggestions = _similar_agencies(connection, agency.key, agency.name, agency.region, visibility) if visibility.user.role in EDITORS else []
    return {
        "key": agency.key,
        "name": agency.name,
        "region": agency.region,
        "url": agency_url(agency.key),
        "reports": [
            {
                "id": row.id, "url": f"/reports/{row.id}", "agency": row.agency, "year": row.year, "template": row.template, "published": row.published,
                "errors": row.errors, "warnings": row.warnings, "infos": row.infos, "draft": bool(row.draft), "status": row.status or "pending",
            }
            for row in rows
        ],
        "cross_year": cross,
        "names": names,
        "fuzzy": any(n["method"] == "fuzzy" for n in names),
        "similar": suggestions,
    }


def _similar_agencies(connection: Any, key: str, name: str, region: str | None, visibility: Visibility) -> list[dict[str, Any]]:
    """Other agencies that may be this one (same region, or the same last character), most alike first."""
    query = select(agencies.c.key, agencies.c.name, agencies.c.region).where(agencies.c.key != key)
    if visibility.region is not None:
        query = query.where(agencies.c.region == visibility.region)
    elif region:
        query = query.where(or_(agencies.c.region == region, agencies.c.name.endswith(name[-2:], autoescape=True)))
    else:
        query = query.where(agencies.c.name.endswith(name[-2:], autoescape=True))
    candidates = [(similarity(name, row.name), row) for row in connection.execute(query.limit(500))]
    best = sorted((c for c in candidates if c[0] >= 0.5), key=lambda c: -c[0])[:8]
    return [{"key": row.key, "name": row.name, "region": row.region, "score": round(score, 3), "url": agency_url(row.key)} for score, row in best]


# ------------------------------------------------------------------ agencies: actions


@dataclass(frozen=True)
class Linked:
    name: str
    key: str
    before: str | None
    changed: list[str]
    cross_year: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, "before": self.before, "changed": self.changed, "cross_year": self.cross_year, "url": agency_url(self.key)}


def _agency_region(store: Store, key: str) -> tuple[bool, str | None]:
    with store.engine.connect() as connection:
        row = connection.execute(select(agencies.c.region).where(agencies.c.key == key)).first()
    return (row is not None, row.region if row is not None else None)


def _current_key(store: Store, name: str) -> str | None:
    with store.engine.connect() as connection:
        return connection.scalar(select(agency_names.c.agency_key).where(agency_names.c.name == name))


def _names_of(store: Store, key: str) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.scalars(select(agency_names.c.name).where(agency_names.c.agency_key == key)))


def _in_scope(visibility: Visibility, region: str | None) -> bool:
    return visibility.region is None or region == visibility.region


def link_name(store: Store, user: User, name: str, key: str, action: str = "agency_link") -> Linked:
    """A person's decision that printed `name` is agency `key` (merge); the agencies touched get
    their cross-year findings recomputed; audit-logged. HTTPException for what may not be done."""
    visibility = Visibility(user)
    before = _current_key(store, name)
    if before is None:
        raise HTTPException(404, "没有这个机关名称")
    _known, region_before = _agency_region(store, before)
    exists_target, region_target = _agency_region(store, key)
    if action == "agency_link" and not exists_target:
        raise HTTPException(404, "没有这个机关")
    if not _in_scope(visibility, region_before) or (exists_target and not _in_scope(visibility, region_target)):
        raise HTTPException(404, "没有这个机关")
    changed = store.link_agency(name, key)
    count = refresh_cross_year(store, changed)
    verb = "拆分为独立机关" if action == "agency_split" else "归入机关"
    store.audit(user.name, action, f"agency:{key}", f"“{name}”{verb} {key}（原属 {before}）；重算跨年度问题，现有 {count} 条", region_target or region_before)
    return Linked(name, key, before, sorted(changed), count)


def split_name(store: Store, user: User, name: str) -> Linked:
    """A printed name leaves its agency for a new agency of its own."""
    before = _current_key(store, name)
    if before is None:
        raise HTTPException(404, "没有这个机关名称")
    if _names_of(store, before) == [name]:
        raise HTTPException(400, "该名称已单独构成一个机关，无需拆分")
    base = fold_name(name) or name
    key, number = base, 1
    while _agency_region(store, key)[0]:
        number += 1
        key = f"{base}（{number}）"
    return link_name(store, user, name, key, action="agency_split")


# ------------------------------------------------------------------ agencies: pages and API


def _visibility(request: Request, *roles: Role) -> Visibility:
    return Visibility(require(request, *roles))


@router.get("/agencies", include_in_schema=False)
def agencies_page(request: Request, q: str = "", region: str = "", fuzzy: str = "", page: int = 1) -> Response:
    visibility = _visibility(request)
    store: Store = request.app.state.store
    rows, total = list_agencies(store, visibility, q, region, fuzzy == "1", page)
    context = {
        "agencies": rows, "total": total, "page": max(1, page), "pages": max(1, -(-total // PER_PAGE)),
        "q": q, "region": region, "fuzzy": fuzzy == "1", "regions": _regions(store, visibility),
    }  # fmt: skip
    return render(request, "agencies.html", context)


@router.get("/api/agencies", tags=["机关"], summary="机关列表（筛选：名称、地区、是否有近似匹配）")
def agencies_api(request: Request, q: str = "", region: str = "", fuzzy: bool = False, page: int = 1) -> dict[str, Any]:
    visibility = _visibility(request)
    rows, total = list_agencies(request.app.state.store, visibility, q, region, fuzzy, page)
    return {"total": total, "page": max(1, page), "per_page": PER_PAGE, "agencies": [row.as_dict() for row in rows]}


class LinkRequest(BaseModel):
    name: str
    key: str


class SplitRequest(BaseModel):
    name: str


@router.post("/agencies/link", include_in_schema=False)
def link_form(request: Request, name: Annotated[str, Form()], key: Annotated[str, Form()]) -> Response:
    user = require(request, *EDITORS)
    linked = link_name(request.app.state.store, user, name, key.strip())
    return RedirectResponse(agency_url(linked.key), status_code=303)


@router.post("/agencies/split", include_in_schema=False)
def split_form(request: Request, name: Annotated[str, Form()]) -> Response:
    user = require(request, *EDITORS)
    linked = split_name(request.app.state.store, user, name)
    return RedirectResponse(agency_url(linked.key), status_code=303)


@router.post("/api/agencies/link", tags=["机关"], summary="把一个印出的机关名称归入某机关（合并）")
def link_api(request: Request, body: LinkRequest) -> dict[str, Any]:
    user = require(request, *EDITORS)
    return link_name(request.app.state.store, user, body.name, body.key.strip()).as_dict()


@router.post("/api/agencies/split", tags=["机关"], summary="把一个印出的机关名称拆分为独立的机关")
def split_api(request: Request, body: SplitRequest) -> dict[str, Any]:
    user = require(request, *EDITORS)
    return split_name(request.app.state.store, user, body.name).as_dict()


@router.get("/api/agencies/{key:path}", tags=["机关"], summary="一个机关：历年报告、跨年度问题、名称匹配")
def agency_api(request: Request, key: str) -> dict[str, Any]:
    visibility = _visibility(request)
    detail = agency_detail(request.app.state.store, visibility, key)
    if detail is None:
        raise HTTPException(404, "没有这个机关")
    return detail


@router.get("/agencies/{key:path}", include_in_schema=False)
def agency_page(request: Request, key: str) -> Response:
    visibility = _visibility(request)
    detail = agency_detail(request.app.state.store, visibility, key)
    if detail is None:
        raise HTTPException(404, "没有这个机关")
    return render(request, "agency.html", {"agency": detail, "can_edit": visibility.user.role in EDITORS})
