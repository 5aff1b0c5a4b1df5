"""Who is asking and what they may do: passwords (argon2), sessions, CSRF tokens, login
throttling, and which reports each role sees.

Roles: admin (users, everything), reviewer (every agency, or one region when the user has a
scope), clerk (their own agency only, drafts included), viewer (published reports only).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request

from ..store import Store
from ..store.review import ReportReview, Role, User

_hasher = PasswordHasher()
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ROLE_NAMES: dict[Role, str] = {"admin": "管理员", "reviewer": "审核人员", "clerk": "填报人员", "viewer": "查阅人员"}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """A one-time password to print (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every form and fetch sends it back."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def csrf_protect(request: Request) -> None:
    """Refuse (403) a state-changing request whose CSRF token is missing or wrong (form field
    `csrf_token` or header `X-CSRF-Token`)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_FIELD)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or sent is None or not secrets.compare_digest(expected, sent):
        raise HTTPException(403, "请求缺少有效的 CSRF 令牌（页面可能已过期，请刷新后重试）")


class Throttle:
    """At most `attempts` failed logins per user name and per client address within `window`
    seconds; past that, logins from them wait (429) until the window moves on."""

    def __init__(self, attempts: int = 5, window: float = 900.0) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> bool:
        with self._lock:
            return any(len(self._recent(key)) >= self.attempts for key in keys)

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(time.monotonic())

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        queue = self._failures.setdefault(key, deque())
        while queue and queue[0] < time.monotonic() - self.window:
            queue.popleft()
        return queue


def current_user(request: Request) -> User | None:
    """The signed-in user of this request, if any (an account disabled since is signed out)."""
    name = request.session.get("user")
    if not isinstance(name, str):
        return None
    store: Store = request.app.state.store
    user = store.user(name)
    if user is None or not user.active:
        request.session.pop("user", None)
        return None
    return user


class LoginRequired(Exception):
    """Raised by `require` for a page without a signed-in user: the app redirects to /login."""


def require(request: Request, *roles: Role) -> User:
    """The signed-in user, who must have one of `roles` (any role when none is given)."""
    user = current_user(request)
    if user is None:
        if request.url.path.startswith("/api/"):
            raise HTTPException(401, "请先登录")
        raise LoginRequired()
    if roles and user.role not in roles:
        raise HTTPException(403, f"{ROLE_NAMES[user.role]}无权进行此操作")
    return user


@dataclass(frozen=True)
class Visibility:
    """Which stored reports a user sees: SQL-side filters for lists and a check for one report."""

    user: User

    @property
    def agency_key(self) -> str | None:
        """Only this agency's reports (a clerk's)."""
        return self.user.agency_key if self.user.role == "clerk" else None

    @property
    def region(self) -> str | None:
        """Only this region's reports (a reviewer with a scope)."""
        return self.user.scope if self.user.role == "reviewer" else None

    @property
    def drafts(self) -> bool:
        """Whether drafts (not yet published) are visible."""
        return self.user.role in ("admin", "reviewer", "clerk")

    def sees(self, agency_key: str | None, region: str | None, review: ReportReview | None) -> bool:
        draft = review is not None and review.draft
        if draft and not self.drafts:
            return False
        if self.user.role == "clerk":
            return agency_key is not None and agency_key == self.user.agency_key
        if self.region is not None:
            return region == self.region
        return True
