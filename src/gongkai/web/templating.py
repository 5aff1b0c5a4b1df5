"""Jinja2 pages: auto-escaped, with the signed-in user, the CSRF token and the menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..store.review import DECISIONS, REVIEW_STATUSES
from .security import ROLE_NAMES, csrf_token, current_user

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.autoescape = True  # every template, whatever its file name
templates.env.globals.update(REVIEW_STATUSES=REVIEW_STATUSES, DECISIONS=DECISIONS, ROLE_NAMES=ROLE_NAMES)

# The menu: (path, label, roles that see it; empty = every signed-in user).
MENU: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/", "概览", ()),
    ("/reports", "报告列表", ()),
    ("/upload", "上传", ("admin", "reviewer", "clerk")),
    ("/agencies", "机关", ()),
    ("/compare", "对比", ()),
    ("/rules", "规则", ()),
    ("/notices", "整改通知", ("admin", "reviewer")),
    ("/audit", "审核日志", ("admin", "reviewer")),
    ("/users", "用户", ("admin",)),
)


def render(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    """A page; `context` adds to the user, the CSRF token and the menu every page has."""
    user = current_user(request)
    menu = [(path, label) for path, label, roles in MENU if user is not None and (not roles or user.role in roles)]
    base = {"request": request, "user": user, "csrf_token": csrf_token(request), "menu": menu, "path": request.url.path}
    return templates.TemplateResponse(request, template, {**base, **(context or {})}, status_code=status_code)
