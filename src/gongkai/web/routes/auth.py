"""Signing in and out, the current session, and user administration (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ...store import Store, StoreError
from ...store.review import ROLES, Role
from ..security import ROLE_NAMES, Throttle, current_user, hash_password, new_password, require, verify_password
from ..templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never //host or a scheme) is followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", include_in_schema=False)
def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    store: Store = request.app.state.store
    throttle: Throttle = request.app.state.throttle
    keys = (f"user:{username}", f"ip:{request.client.host if request.client else '?'}")
    if throttle.blocked(*keys):
        page = render(request, "login.html", {"next": _safe_next(next), "error": "登录失败次数过多，请15分钟后再试"}, status_code=429)
        return page
    user = store.user(username)
    if user is None or not user.active or not verify_password(user.password_hash, password):
        throttle.failed(*keys)
        store.audit(username, "login_failed", detail=request.client.host if request.client else None)
        return render(request, "login.html", {"next": _safe_next(next), "error": "用户名或密码不正确"}, status_code=401)
    throttle.succeeded(*keys)
    request.session.clear()  # a new session on login (no fixation)
    request.session["user"] = user.name
    store.audit(user.name, "login")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    user = current_user(request)
    if user is not None:
        request.app.state.store.audit(user.name, "logout")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/api/session", tags=["账户"], summary="当前登录的用户")
def session(request: Request) -> dict[str, object]:
    user = require(request)
    return {"name": user.name, "role": user.role, "role_name": ROLE_NAMES[user.role], "agency_key": user.agency_key, "scope": user.scope}


# ------------------------------------------------------------------ users (admin)


@router.get("/users", include_in_schema=False)
def users_page(request: Request) -> Response:
    require(request, "admin")
    store: Store = request.app.state.store
    return render(request, "users.html", {"users": store.users(), "roles": ROLES, "created": None, "error": None})


@router.get("/api/users", tags=["账户"], summary="用户列表（管理员）")
def users_api(request: Request) -> list[dict[str, object]]:
    require(request, "admin")
    store: Store = request.app.state.store
    return [{"name": u.name, "role": u.role, "agency_key": u.agency_key, "scope": u.scope, "active": u.active} for u in store.users()]


@router.post("/users", include_in_schema=False)
def add_user(
    request: Request,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    agency_key: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "",
) -> Response:
    admin = require(request, "admin")
    store: Store = request.app.state.store
    if role not in ROLES:
        raise HTTPException(400, f"角色“{role}”不存在")
    if role == "clerk" and not agency_key.strip():
        raise HTTPException(400, "填报人员必须指定所属机关")
    password = new_password()
    try:
        store.add_user(name.strip(), _role(role), hash_password(password), agency_key.strip() or None, scope.strip() or None)
    except StoreError as error:
        return render(request, "users.html", {"users": store.users(), "roles": ROLES, "created": None, "error": str(error)}, status_code=400)
    store.audit(admin.name, "user_add", name, role)
    return render(request, "users.html", {"users": store.users(), "roles": ROLES, "created": (name, password), "error": None})


@router.post("/users/{name}/active", include_in_schema=False)
def set_active(request: Request, name: str, active: Annotated[str, Form()]) -> Response:
    admin = require(request, "admin")
    store: Store = request.app.state.store
    if name == admin.name:
        raise HTTPException(400, "不能停用自己的账户")
    store.set_user_active(name, active == "1")
    store.audit(admin.name, "user_enable" if active == "1" else "user_disable", name)
    return RedirectResponse("/users", status_code=303)


def _role(value: str) -> Role:
    for role in ROLES:
        if role == value:
            return role
    raise HTTPException(400, f"角色“{value}”不存在")
