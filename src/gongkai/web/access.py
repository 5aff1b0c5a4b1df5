"""One stored report as a signed-in user may see it (404 otherwise: ids cannot be probed)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from ..store import Store, StoredReport
from ..store.review import ReportReview, Role, User
from .security import Visibility, require


@dataclass(frozen=True)
class Visible:
    user: User
    report: StoredReport
    review: ReportReview | None  # None: never reviewed (待审核, published)

    @property
    def sha256(self) -> str:
        return self.report.record.source.sha256 or ""


def visible_report(request: Request, report_id: int, *roles: Role) -> Visible:
    """The report `report_id` if the signed-in user (of one of `roles`, any when none) may see it."""
    user = require(request, *roles)
    store: Store = request.app.state.store
    report = store.report(report_id)
    if report is None:
        raise HTTPException(404, "没有这份报告")
    sha = report.record.source.sha256 or ""
    review = store.report_review(sha) if sha else None
    if not Visibility(user).sees(report.agency_key, report.region, review):
        raise HTTPException(404, "没有这份报告")
    return Visible(user, report, review)
