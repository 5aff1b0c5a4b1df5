"""The web app (`gongkai serve`): an ASGI app over the same store the CLI fills.

Pages are server-rendered Jinja2 (auto-escaped) with small scripts; every page has a JSON twin
under /api (described at /openapi.json). Feature routers live in `web.routes`; this module wires
them with sessions, CSRF protection and the error pages.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from ..store import Store
from .security import LoginRequired, Throttle, csrf_protect
from .templating import render

STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class UploadLimits:
    """What one upload request may carry (413 beyond)."""

    file_bytes: int = 50 * 1024 * 1024
    request_bytes: int = 200 * 1024 * 1024
    files: int = 500  # files in one request, ZIP members included
    unzipped_bytes: int = 500 * 1024 * 1024


@dataclass
class Settings:
    url: str | None = None
    secret_key: str = field(default_factory=lambda: os.environ.get("GONGKAI_SECRET") or secrets.token_urlsafe(32))
    upload: UploadLimits = field(default_factory=UploadLimits)
    upload_dir: Path | None = None  # where uploaded files are kept (default: next to a SQLite file, else a temp dir)
    https_only: bool = False


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The app over one store (opened from `settings.url` unless given)."""
    settings = settings or Settings()
    app = FastAPI(
        title="gongkai",
        description="政府信息公开工作年度报告：读取、核查、审核",
        dependencies=[Depends(csrf_protect)],
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store or Store(settings.url)
    app.state.throttle = Throttle()
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, same_site="lax", https_only=settings.https_only, session_cookie="gongkai_session")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from .routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def login_first(request: Request, _error: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        page = render(request, "error.html", {"status": error.status_code, "message": error.detail}, status_code=error.status_code)
        assert isinstance(page, HTMLResponse)
        return page

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'",
        )
        return response

    return app
