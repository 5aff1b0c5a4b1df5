"""What the web app keeps beside the reports: its users, the review of each report and finding,
and the audit log. Keyed by content (sha256) and finding fingerprint, so a report read again by a
newer gongkai keeps its review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args

from sqlalchemy import Connection, Engine, delete, func, or_, select, update

from .guard import StoreError
from .schema import audit_log, finding_reviews, now, report_reviews, users

T = TypeVar("T")
Role = Literal["admin", "reviewer", "clerk", "viewer"]
ROLES: tuple[Role, ...] = get_args(Role)
ReviewStatus = Literal["pending", "needs_fix", "passed"]
REVIEW_STATUSES: dict[ReviewStatus, str] = {"pending": "待审核", "needs_fix": "需整改", "passed": "已通过"}
Decision = Literal["confirmed", "dismissed"]
DECISIONS: dict[Decision, str] = {"confirmed": "确认", "dismissed": "驳回"}


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    agency_key: str | None  # a clerk's own agency
    scope: str | None  # a reviewer's region (None: all)
    password_hash: str
    active: bool = True


@dataclass(frozen=True)
class ReportReview:
    sha256: str
    status: ReviewStatus
    draft: bool
    uploaded_by: str | None
    updated_by: str | None
    updated_at: str


@dataclass(frozen=True)
class FindingReview:
    fingerprint: str
    decision: Decision
    comment: str | None
    reviewer: str
    at: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str | None
    action: str
    target: str | None
    detail: str | None


class ReviewStore:
    """Mixed into `Store`: users, reviews and the audit log."""

    engine: Engine

    def _transaction(self, work: Callable[[Connection], T]) -> T:  # pragma: no cover - Store's
        raise NotImplementedError

    # ---------------------------------------------------------------- users

    def add_user(self, name: str, role: Role, password_hash: str, agency_key: str | None = None, scope: str | None = None) -> None:
        """A new user; a name taken already is a StoreError."""
        if role not in ROLES:
            raise StoreError(f"角色“{role}”不存在；可用的角色：{'、'.join(ROLES)}")

        def write(connection: Connection) -> None:
            if connection.scalar(select(users.c.name).where(users.c.name == name)) is not None:
                raise StoreError(f"用户“{name}”已存在")
            connection.execute(
                users.insert().values(name=name, role=role, agency_key=agency_key, scope=scope, password_hash=password_hash, created_at=now(), active=True)
            )

        self._transaction(write)

    def set_password(self, name: str, password_hash: str) -> None:
        self._transaction(lambda c: c.execute(update(users).where(users.c.name == name).values(password_hash=password_hash)))

    def set_user_active(self, name: str, active: bool) -> None:
        self._transaction(lambda c: c.execute(update(users).where(users.c.name == name).values(active=active)))

    def user(self, name: str) -> User | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(users).where(users.c.name == name)).first()
        return None if row is None else _user(row._mapping)

    def users(self) -> list[User]:
        with self.engine.connect() as connection:
            return [_user(row._mapping) for row in connection.execute(select(users).order_by(users.c.name))]

    def user_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(users)) or 0)

    # ---------------------------------------------------------------- reviews

    def report_review(self, sha256: str) -> ReportReview | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(report_reviews).where(report_reviews.c.sha256 == sha256)).first()
        return None if row is None else _report_review(row._mapping)

    def set_report_review(
        self, sha256: str, *, status: ReviewStatus | None = None, draft: bool | None = None, by: str | None = None, uploaded_by: str | None = None
    ) -> ReportReview:
        """Change a content's review status and/or draft flag (created as 待审核, published, on first use)."""
        if status is not None and status not in REVIEW_STATUSES:
            raise StoreError(f"审核状态“{status}”不存在")

        def write(connection: Connection) -> ReportReview:
            row = connection.execute(select(report_reviews).where(report_reviews.c.sha256 == sha256)).first()
            values: dict[str, Any] = {"updated_at": now(), "updated_by": by}
            if status is not None:
                values["status"] = status
            if draft is not None:
                values["draft"] = draft
            if uploaded_by is not None:
                values["uploaded_by"] = uploaded_by
            if row is None:
                values.setdefault("status", "pending")
                values.setdefault("draft", False)
                connection.execute(report_reviews.insert().values(sha256=sha256, **values))
            else:
                connection.execute(update(report_reviews).where(report_reviews.c.sha256 == sha256).values(**values))
            stored = connection.execute(select(report_reviews).where(report_reviews.c.sha256 == sha256)).one()
            return _report_review(stored._mapping)

        return self._transaction(write)

    def report_reviews(self, shas: list[str]) -> dict[str, ReportReview]:
        out: dict[str, ReportReview] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(shas), 500):
                query = select(report_reviews).where(report_reviews.c.sha256.in_(shas[start : start + 500]))
                out.update((row.sha256, _report_review(row._mapping)) for row in connection.execute(query))
        return out

    def review_finding(self, sha256: str, fingerprint: str, decision: Decision | None, reviewer: str, comment: str | None = None) -> None:
        """Record (or with `decision` None, withdraw) a reviewer's decision on one finding."""
        if decision is not None and decision not in DECISIONS:
            raise StoreError(f"处理意见“{decision}”不存在")

        def write(connection: Connection) -> None:
            where = (finding_reviews.c.sha256 == sha256) & (finding_reviews.c.fingerprint == fingerprint)
            connection.execute(delete(finding_reviews).where(where))
            if decision is not None:
                connection.execute(
                    finding_reviews.insert().values(sha256=sha256, fingerprint=fingerprint, decision=decision, comment=comment, reviewer=reviewer, at=now())
                )

        self._transaction(write)

    def finding_reviews(self, sha256: str) -> dict[str, FindingReview]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(finding_reviews).where(finding_reviews.c.sha256 == sha256))
            return {row.fingerprint: FindingReview(row.fingerprint, row.decision, row.comment, row.reviewer, row.at) for row in rows}

    # ---------------------------------------------------------------- audit

    def audit(self, user: str | None, action: str, target: str | None = None, detail: str | None = None, region: str | None = None) -> None:
        """Log an action; `region` is that of the report or agency acted on, if any."""
        values = {"at": now(), "user": user, "action": action, "target": target, "detail": detail, "region": region}
        self._transaction(lambda c: c.execute(audit_log.insert().values(**values)))

    def audit_log(self, limit: int = 100, offset: int = 0, user: str | None = None, region: str | None = None, own: str | None = None) -> list[AuditEntry]:
        """The log, newest first: with `user`, that user's actions; with `region`, only actions on
        that region's reports and agencies, and those of `own` (the asker's own, such as logins)."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
        if user is not None:
            query = query.where(audit_log.c.user == user)
        if region is not None:
            query = query.where(or_(audit_log.c.region == region, audit_log.c.user == own))
        with self.engine.connect() as connection:
            return [AuditEntry(r.id, r.at, r.user, r.action, r.target, r.detail) for r in connection.execute(query)]


def _user(row: Any) -> User:
    return User(row["name"], row["role"], row["agency_key"], row["scope"], row["password_hash"], bool(row["active"]))


def _report_review(row: Any) -> ReportReview:
    return ReportReview(row["sha256"], row["status"], bool(row["draft"]), row["uploaded_by"], row["updated_by"], row["updated_at"])
