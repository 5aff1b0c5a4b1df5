"""Signing in and out, sessions, CSRF, throttling and user administration of the web app."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_support import PASSWORD, WebSite, csrf_of, make_site

from gongkai.web.security import hash_password, verify_password


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> WebSite:
    return make_site(tmp_path_factory.mktemp("web"), samples=False)


def test_passwords_are_argon2_hashes() -> None:
    hashed = hash_password("秘密 password")
    assert hashed.startswith("$argon2")
    assert verify_password(hashed, "秘密 password")
    assert not verify_password(hashed, "wrong")
    assert not verify_password("not a hash", "wrong")


def test_pages_redirect_to_login_and_api_answers_401(site: WebSite) -> None:
    client = site.client()
    response = client.get("/users", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/api/session").status_code == 401


def test_login_sets_an_httponly_samesite_cookie_and_logout_ends_it(site: WebSite) -> None:
    client = site.client()
    token = csrf_of(client)
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/session").json()["role"] == "viewer"
    token = csrf_of(client)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/session").status_code == 401


def test_wrong_password_then_throttled(tmp_path: Path) -> None:
    site = make_site(tmp_path, samples=False)
    client = site.client()
    for _ in range(5):
        token = csrf_of(client)
        assert client.post("/login", data={"username": "admin", "password": "nope", "csrf_token": token}).status_code == 401
    token = csrf_of(client)
    blocked = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429 and "过多" in blocked.text
    assert any(e.action == "login_failed" for e in site.store.audit_log())


def test_post_without_csrf_token_is_refused(site: WebSite) -> None:
    client = site.client()
    csrf_of(client)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    admin = site.client("admin")
    del admin.headers["X-CSRF-Token"]
    assert admin.post("/users", data={"name": "x", "role": "viewer"}).status_code == 403
    assert admin.post("/users", data={"name": "x", "role": "viewer", "csrf_token": "forged"}).status_code == 403


def test_login_never_redirects_off_site(site: WebSite) -> None:
    client = site.client()
    token = csrf_of(client)
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_admin_adds_a_user_shown_once_and_others_cannot(site: WebSite) -> None:
    admin = site.client("admin")
    page = admin.post("/users", data={"name": "新审核员<script>", "role": "reviewer", "scope": "赣州市"})
    assert page.status_code == 200 and "一次性密码" in page.text
    assert "<script>" not in page.text and "新审核员&lt;script&gt;" in page.text
    assert site.store.user("新审核员<script>") is not None
    for role in ("reviewer", "clerk", "viewer"):
        client = site.client(role)
        assert client.get("/users").status_code == 403
        assert client.get("/api/users").status_code == 403
        assert client.post("/users", data={"name": "y", "role": "admin"}).status_code == 403
    assert site.store.user("y") is None


def test_security_headers(site: WebSite) -> None:
    response = site.client().get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_cli_user_add_and_serve_creates_the_first_admin_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from click.testing import CliRunner

    from gongkai.cli import cli
    from gongkai.store import Store

    db = f"sqlite:///{tmp_path / 'g.db'}"
    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append((app, options)))
    first = CliRunner().invoke(cli, ["serve", "--db", db, "--port", "8765"])
    assert first.exit_code == 0, first.output
    assert "已建立管理员 admin，一次性密码：" in first.output and served
    password = first.output.split("一次性密码：")[1].split("（")[0]
    admin = Store(db).user("admin")
    assert admin is not None and admin.role == "admin" and verify_password(admin.password_hash, password)
    again = CliRunner().invoke(cli, ["serve", "--db", db])
    assert "已建立管理员" not in again.output  # only when no user exists

    added = CliRunner().invoke(cli, ["user", "add", "李四", "--role", "clerk", "--agency", "某县林业局", "--db", db])
    assert added.exit_code == 0 and "一次性密码" in added.output
    clerk = Store(db).user("李四")
    assert clerk is not None and clerk.role == "clerk" and clerk.agency_key == "某县林业局"
    refused = CliRunner().invoke(cli, ["user", "add", "王五", "--role", "clerk", "--db", db])
    assert refused.exit_code == 2 and "必须" in refused.output
    duplicate = CliRunner().invoke(cli, ["user", "add", "李四", "--role", "viewer", "--db", db])
    assert duplicate.exit_code == 2 and "已存在" in duplicate.output
