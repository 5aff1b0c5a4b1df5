"""The app's routers, one per feature (each with its pages and their /api twins)."""

from __future__ import annotations

from fastapi import APIRouter

from . import auth

ROUTERS: list[APIRouter] = [auth.router]
