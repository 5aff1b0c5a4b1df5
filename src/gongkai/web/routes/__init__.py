"""The app's routers, one per feature (each with its pages and their /api twins)."""

from __future__ import annotations

from fastapi import APIRouter

from . import auth, dashboard, reports, review, uploads

ROUTERS: list[APIRouter] = [auth.router, dashboard.router, reports.router, uploads.router, review.router]
