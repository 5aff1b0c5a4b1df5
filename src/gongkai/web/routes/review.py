"""The review workflow: decisions on findings, a report's review status and publishing, the
audit log, and the correction notices (整改通知) sent back to each agency.

Reviewers and admins decide (确认 / 驳回, with a comment, or withdraw) on each finding and set a
report's status (待审核 / 需整改 / 已通过); a clerk publishes their own agency's draft. Every
change is written to the audit log. Each action has a JSON endpoint under /api (used by
static/review.js) and a form twin that redirects back to the report page, so the page works
without scripts too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from ...model import Finding
from ...store import Store
from ...store.review import DECISIONS, REVIEW_STATUSES, AuditEntry, Decision, FindingReview, ReportReview, ReviewStatus, Role, User
from ..access import Visible, visible_report
from ..detail import content_disposition
from ..notice import (
    MEDIA_TYPES,
    Notice,
    NoticeFormat,
    beijing_time,
    build_notice,
    finding_where,
    notice_docx,
    notice_filename,
    notice_links,
    notice_summaries,
    notice_xlsx,
    report_title,
)
from ..security import Visibility, require
from ..templating import render, templates

router = APIRouter()

REVIEWERS: tuple[Role, ...] = ("admin", "reviewer")
COMMENT_MAX = 2000
AUDIT_PAGE = 50

# Shown times are Beijing time; the partials use this filter inside other pages too.
templates.env.filters["rv_time"] = beijing_time

# What the audit log's actions are called on the page (an action not listed is shown as written).
ACTION_NAMES: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "user_add": "新建用户",
    "user_enable": "启用用户",
    "user_disable": "停用用户",
    "finding_confirmed": "确认问题",
    "finding_dismissed": "驳回问题",
    "finding_withdrawn": "撤销审核意见",
    "report_status": "更改审核状态",
    "report_publish": "发布报告",
    "notice_download": "下载整改通知",
    "upload": "上传文件",
    "upload_done": "上传处理完成",
    "upload_failed": "上传处理失败",
    "agency_link": "合并机关名称",
    "agency_split": "拆分机关名称",
}


class DecisionBody(BaseModel):
    decision: Decision | None = Field(description="confirmed（确认）、dismissed（驳回），null 撤销")
    comment: str | None = Field(default=None, max_length=COMMENT_MAX, description="审核意见")


class StatusBody(BaseModel):
    status: ReviewStatus = Field(description="pending（待审核）、needs_fix（需整改）、passed（已通过）")


# ---------------------------------------------------------------- the actions (typed, reusable)


def finding_of(visible: Visible, fingerprint: str) -> Finding:
    """The report's finding with this fingerprint (404 when it has none)."""
    for finding in visible.report.record.findings:
        if finding.fingerprint == fingerprint:
            return finding
    raise HTTPException(404, "这份报告没有这条问题")


def _sha(visible: Visible) -> str:
    if not visible.sha256:
        raise HTTPException(409, "这份报告没有内容摘要，无法审核")
    return visible.sha256


def _report_target(visible: Visible) -> str:
    return f"report:{visible.report.id}"


def clean_comment(comment: str | None) -> str | None:
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        raise HTTPException(422, f"审核意见不能超过{COMMENT_MAX}字")
    return text or None


def decide_finding(store: Store, visible: Visible, fingerprint: str, decision: Decision | None, comment: str | None) -> FindingReview | None:
    """Record (or withdraw, with `decision` None) the user's decision on one finding, and audit it."""
    if decision is not None and decision not in DECISIONS:
        raise HTTPException(422, f"处理意见“{decision}”不存在")
    finding = finding_of(visible, fingerprint)
    sha = _sha(visible)
    text = clean_comment(comment) if decision is not None else None
    store.review_finding(sha, fingerprint, decision, visible.user.name, text)
    record = visible.report.record
    detail = f"{report_title(record)} · {finding.code} {finding_where(record, finding).text()}"
    if decision is not None:
        detail = f"{DECISIONS[decision]}：{detail}" + (f" · 意见：{text}" if text else "")
    action = f"finding_{decision}" if decision is not None else "finding_withdrawn"
    store.audit(visible.user.name, action, f"{_report_target(visible)}/finding:{fingerprint}", detail, visible.report.region)
    return store.finding_reviews(sha).get(fingerprint)


def set_status(store: Store, visible: Visible, status: ReviewStatus) -> ReportReview:
    """Set a report's review status, and audit it."""
    if status not in REVIEW_STATUSES:
        raise HTTPException(422, f"审核状态“{status}”不存在")
    before = visible.review.status if visible.review else "pending"
    review = store.set_report_review(_sha(visible), status=status, by=visible.user.name)
    detail = f"{report_title(visible.report.record)}：{REVIEW_STATUSES[before]} → {REVIEW_STATUSES[status]}"
    store.audit(visible.user.name, "report_status", _report_target(visible), detail, visible.report.region)
    return review


def may_publish(user: User, visible: Visible) -> bool:
    """Reviewers and admins publish any report they see; a clerk only their own agency's."""
    if user.role in REVIEWERS:
        return True
    return user.role == "clerk" and user.agency_key is not None and user.agency_key == visible.report.agency_key


def publish(store: Store, visible: Visible) -> tuple[ReportReview | None, bool]:
    """Publish a draft (draft → False), audited; (the review, whether it changed). A report
    published already is left as it is."""
    if not may_publish(visible.user, visible):
        raise HTTPException(404, "没有这份报告")
    if visible.review is None or not visible.review.draft:
        return visible.review, False
    review = store.set_report_review(_sha(visible), draft=False, by=visible.user.name)
    store.audit(visible.user.name, "report_publish", _report_target(visible), report_title(visible.report.record), visible.report.region)
    return review, True


def finding_review_json(fingerprint: str, review: FindingReview | None) -> dict[str, Any]:
    if review is None:
        return {"fingerprint": fingerprint, "decision": None, "decision_name": "未审核", "comment": None, "reviewer": None, "at": None, "at_text": ""}
    return {
        "fingerprint": fingerprint,
        "decision": review.decision,
        "decision_name": DECISIONS[review.decision],
        "comment": review.comment,
        "reviewer": review.reviewer,
        "at": review.at,
        "at_text": beijing_time(review.at),
    }


def report_review_json(visible: Visible, review: ReportReview | None) -> dict[str, Any]:
    status: ReviewStatus = review.status if review else "pending"
    return {
        "report_id": visible.report.id,
        "sha256": visible.sha256,
        "status": status,
        "status_name": REVIEW_STATUSES[status],
        "draft": bool(review and review.draft),
        "updated_by": review.updated_by if review else None,
        "updated_at": review.updated_at if review else None,
        "updated_at_text": beijing_time(review.updated_at) if review else "",
    }


def _back(report_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/reports/{report_id}" + (f"#{anchor}" if anchor else ""), status_code=303)


def _form_decision(value: str) -> Decision | None:
    for decision in DECISIONS:
        if decision == value:
            return decision
    if value in ("", "withdraw", "none"):
        return None
    raise HTTPException(422, f"处理意见“{value}”不存在")


def _form_status(value: str) -> ReviewStatus:
    for status in REVIEW_STATUSES:
        if status == value:
            return status
    raise HTTPException(422, f"审核状态“{value}”不存在")


# ---------------------------------------------------------------- findings and reports


@router.get("/api/reports/{report_id}/review", tags=["审核"], summary="一份报告的审核状态与每条问题的审核意见")
def review_api(request: Request, report_id: int) -> dict[str, Any]:
    visible = visible_report(request, report_id)
    decisions = request.app.state.store.finding_reviews(visible.sha256) if visible.sha256 else {}
    findings = []
    for finding in visible.report.record.findings:
        fingerprint = finding.fingerprint
        findings.append(
            {"code": finding.code, "rule": finding.rule, "message": finding.message, **finding_review_json(fingerprint, decisions.get(fingerprint))}
        )
    return {**report_review_json(visible, visible.review), "findings": findings}


@router.post("/api/reports/{report_id}/findings/{fingerprint}", tags=["审核"], summary="确认、驳回或撤销对一条问题的审核意见（审核人员、管理员）")
def decide_api(request: Request, report_id: int, fingerprint: str, body: DecisionBody) -> dict[str, Any]:
    visible = visible_report(request, report_id, *REVIEWERS)
    review = decide_finding(request.app.state.store, visible, fingerprint, body.decision, body.comment)
    return finding_review_json(fingerprint, review)


@router.post("/reports/{report_id}/findings/{fingerprint}", include_in_schema=False)
def decide_form(request: Request, report_id: int, fingerprint: str, decision: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "") -> Response:
    visible = visible_report(request, report_id, *REVIEWERS)
    decide_finding(request.app.state.store, visible, fingerprint, _form_decision(decision), comment)
    return _back(report_id, f"rv-{fingerprint}")


@router.post("/api/reports/{report_id}/status", tags=["审核"], summary="设置报告的审核状态（审核人员、管理员）")
def status_api(request: Request, report_id: int, body: StatusBody) -> dict[str, Any]:
    visible = visible_report(request, report_id, *REVIEWERS)
    return report_review_json(visible, set_status(request.app.state.store, visible, body.status))


@router.post("/reports/{report_id}/status", include_in_schema=False)
def status_form(request: Request, report_id: int, status: Annotated[str, Form()]) -> Response:
    visible = visible_report(request, report_id, *REVIEWERS)
    set_status(request.app.state.store, visible, _form_status(status))
    return _back(report_id, "rv-report")


@router.post("/api/reports/{report_id}/publish", tags=["审核"], summary="发布草稿（本机关填报人员、审核人员、管理员）")
def publish_api(request: Request, report_id: int) -> dict[str, Any]:
    visible = visible_report(request, report_id, "admin", "reviewer", "clerk")
    review, changed = publish(request.app.state.store, visible)
    return {**report_review_json(visible, review), "changed": changed}


@router.post("/reports/{report_id}/publish", include_in_schema=False)
def publish_form(request: Request, report_id: int) -> Response:
    visible = visible_report(request, report_id, "admin", "reviewer", "clerk")
    publish(request.app.state.store, visible)
    return _back(report_id, "rv-report")


# ---------------------------------------------------------------- the audit log


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as the page shows it."""

    entry: AuditEntry
    action_name: str
    at_text: str
    target_text: str
    target_url: str | None

    def to_dict(self) -> dict[str, Any]:
        e = self.entry
        return {
            "id": e.id,
            "at": e.at,
            "at_text": self.at_text,
            "user": e.user,
            "action": e.action,
            "action_name": self.action_name,
            "target": e.target,
            "target_text": self.target_text,
            "target_url": self.target_url,
            "detail": e.detail,
        }


def audit_row(entry: AuditEntry) -> AuditRow:
    """An entry with its action in Chinese and its target as words and a link (reports, agencies)."""
    target = entry.target or ""
    text, url = target, None
    if target.startswith("report:"):
        report, _, finding = target.removeprefix("report:").partition("/finding:")
        if report.isdigit():
            url = f"/reports/{report}" + (f"#rv-{finding}" if finding else "")
            text = f"报告 {report}" + (f" · 问题 {finding[:10]}" if finding else "")
    elif target.startswith("agency:"):
        key = target.removeprefix("agency:")
        text = f"机关 {key}"
    return AuditRow(entry, ACTION_NAMES.get(entry.action, entry.action), beijing_time(entry.at), text, url)


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    per_page: int
    user: str | None
    has_next: bool

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "per_page": self.per_page, "user": self.user, "has_next": self.has_next, "entries": [r.to_dict() for r in self.rows]}


def audit_page(store: Store, visibility: Visibility, page: int, user: str | None, per_page: int = AUDIT_PAGE) -> AuditPage:
    """One page (from 1) of the log, newest first, optionally only one user's actions; a reviewer
    of one region reads the actions on its reports and agencies, and their own."""
    page = max(1, page)
    who = (user or "").strip() or None
    region = visibility.region
    entries = store.audit_log(limit=per_page + 1, offset=(page - 1) * per_page, user=who, region=region, own=visibility.user.name)
    return AuditPage([audit_row(e) for e in entries[:per_page]], page, per_page, who, len(entries) > per_page)


def _audit_url(page: int, user: str | None) -> str:
    query = {"page": str(page), **({"user": user} if user else {})}
    return "/audit?" + urlencode(query)


@router.get("/audit", include_in_schema=False)
def audit_html(request: Request, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1, user: str | None = None) -> Response:
    asker = require(request, *REVIEWERS)
    store: Store = request.app.state.store
    result = audit_page(store, Visibility(asker), page, user)
    links = {
        "previous": _audit_url(result.page - 1, result.user) if result.page > 1 else None,
        "next": _audit_url(result.page + 1, result.user) if result.has_next else None,
    }
    return render(request, "audit.html", {"audit": result, "links": links, "user_names": [u.name for u in store.users()]})


@router.get("/api/audit", tags=["审核"], summary="审核日志（管理员、审核人员），按时间倒序分页，可按用户筛选")
def audit_api(request: Request, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1, user: str | None = None) -> dict[str, Any]:
    asker = require(request, *REVIEWERS)
    return audit_page(request.app.state.store, Visibility(asker), page, user).to_dict()


# ---------------------------------------------------------------- correction notices


@router.get("/notices", include_in_schema=False)
def notices_html(request: Request) -> Response:
    user = require(request, *REVIEWERS)
    summaries = notice_summaries(request.app.state.store, Visibility(user))
    return render(request, "notices.html", {"summaries": summaries, "links": {s.agency_key: notice_links(s.agency_key) for s in summaries}})


@router.get("/api/notices", tags=["审核"], summary="有已确认问题的机关及其整改通知（管理员、审核人员）")
def notices_api(request: Request) -> list[dict[str, Any]]:
    user = require(request, *REVIEWERS)
    return [s.to_dict() for s in notice_summaries(request.app.state.store, Visibility(user))]


def _notice_for(request: Request, key: str) -> tuple[User, Notice]:
    """The notice to agency `key` as the user may see it: admins and reviewers (in scope), or a
    clerk of that agency (404 for any other, so that agencies cannot be probed)."""
    user = require(request, "admin", "reviewer", "clerk")
    if user.role == "clerk" and user.agency_key != key:
        raise HTTPException(404, "没有这个机关")
    notice = build_notice(request.app.state.store, key, Visibility(user))
    if notice is None:
        raise HTTPException(404, "没有这个机关")
    return user, notice


@router.get("/api/agencies/{key:path}/notice", tags=["审核"], summary="一个机关的整改通知：已确认的问题（管理员、审核人员、本机关填报人员）")
def notice_api(request: Request, key: str) -> dict[str, Any]:
    _user, notice = _notice_for(request, key)
    result: dict[str, Any] = notice.to_dict()
    result["links"] = notice_links(key)
    return result


def _notice_file(request: Request, key: str, kind: NoticeFormat) -> Response:
    user, notice = _notice_for(request, key)
    body = notice_docx(notice) if kind == "docx" else notice_xlsx(notice)
    detail = f"{kind.upper()} · {notice.agency} · {len(notice.items)}条已确认问题"
    request.app.state.store.audit(user.name, "notice_download", f"agency:{key}", detail, notice.region)
    fallback = f"zhenggai-tongzhi-{notice.issued:%Y%m%d}.{kind}"
    headers = {"Content-Disposition": content_disposition(notice_filename(notice, kind), fallback), "Cache-Control": "no-store"}
    return Response(body, media_type=MEDIA_TYPES[kind], headers=headers)


@router.get("/agencies/{key:path}/notice.docx", tags=["审核"], summary="整改通知（Word）")
def notice_docx_file(request: Request, key: str) -> Response:
    return _notice_file(request, key, "docx")


@router.get("/agencies/{key:path}/notice.xlsx", tags=["审核"], summary="整改通知（Excel）")
def notice_xlsx_file(request: Request, key: str) -> Response:
    return _notice_file(request, key, "xlsx")
