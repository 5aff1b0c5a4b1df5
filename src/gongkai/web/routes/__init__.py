"""The app's routers, one per feature (each with its pages and their /api twins)."""

from __future__ import annotations

from fastapi import APIRouter

from . import auth, dashboard, reports, review, uploads

# review before uploads: its /agencies/{key:path}/notice… routes must be tried before the agency page /agencies/{key:path}.
ROUTERS: list[APIRouter] = [auth.router, dashboard.router, reports.router, review.router, uploads.router]
