"""Shared set-up of the web app tests: a store holding the bundled sample reports, one user of
each role, and test clients signed in as each of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gongkai.pipeline import ingest
from gongkai.store import Store
from gongkai.web import Settings, create_app
from gongkai.web.security import hash_password

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PASSWORD = "correct horse battery"
ROLES = ("admin", "reviewer", "clerk", "viewer")


@dataclass
class WebSite:
    app: FastAPI
    store: Store
    clerk_agency: str  # the agency key of the clerk's own agency (a stored sample's)
    other_agency: str  # another stored agency's key

    def client(self, role: str | None = None) -> TestClient:
        """A client signed in as the user of `role` (None: nobody)."""
        client = TestClient(self.app)
        if role is not None:
            login(client, role, PASSWORD)
        return client


def csrf_of(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def login(client: TestClient, name: str, password: str) -> None:
    token = csrf_of(client)
    response = client.post("/login", data={"username": name, "password": password, "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    client.headers["X-CSRF-Token"] = csrf_of(client)


def make_site(tmp_path: Path, samples: bool = True) -> WebSite:
    store = Store(f"sqlite:///{tmp_path / 'web.db'}")
    if samples:
        ingest(store, [str(SAMPLES)])
    keys = sorted({item.agency_key for item in store.reports() if item.agency_key})
    clerk_agency, other_agency = (keys[0], keys[1]) if len(keys) > 1 else ("某机关", "另一机关")
    for role in ROLES:
        store.add_user(role, role, hash_password(PASSWORD), agency_key=clerk_agency if role == "clerk" else None)  # type: ignore[arg-type]
    app = create_app(Settings(upload_dir=tmp_path / "uploads"), store)
    return WebSite(app, store, clerk_agency, other_agency)
