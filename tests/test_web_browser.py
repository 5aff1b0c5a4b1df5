"""The web app end to end in real headless Chromium (Debian's `chromium`, driven by Playwright
through `executable_path`; no browser is downloaded).

An officer signs in, uploads a seed report, sees the balance finding highlighted on the cells it
concerns, clicks it and sees the printed source line, confirms it, downloads the agency's
correction notice and signs out. Hostile names (`<script>`, `onerror=`) in a filename and an
agency render as text: no dialog ever opens. Screenshots go to $GONGKAI_ARTIFACTS (default: a
temporary folder); `GONGKAI_SCREENSHOTS=docs` also refreshes the README's two pictures.

Without Chromium the tests skip, unless GONGKAI_REQUIRE_BROWSER=1 (CI sets it): then that fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from docx import Document as DocxDocument
from web_support import PASSWORD, SAMPLES

from gongkai.store import Store
from gongkai.web import Settings, create_app
from gongkai.web.security import hash_password

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SEED = SAMPLES / "2021_赣州经开区党政办.txt"  # its table 三 breaks the balance in column 商业企业
ROOT = Path(__file__).resolve().parents[1]


def _playwright():  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        if os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1":
            pytest.fail("GONGKAI_REQUIRE_BROWSER=1 but Chromium or Playwright is missing")
        pytest.skip("Chromium (Debian package chromium) or Playwright is not installed")
    return sync_playwright


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("GONGKAI_ARTIFACTS") or tempfile.mkdtemp(prefix="gongkai-browser-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app served by uvicorn on a free port of 127.0.0.1, over an empty SQLite store."""
    folder = tmp_path_factory.mktemp("browser")
    store = Store(f"sqlite:///{folder / 'web.db'}")
    store.add_user("审核员", "reviewer", hash_password(PASSWORD))
    app = create_app(Settings(upload_dir=folder / "uploads"), store)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


@pytest.fixture()
def page(artifacts: Path) -> Iterator:  # type: ignore[type-arg]
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        dialogs: list[str] = []
        errors: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.dialogs = dialogs  # type: ignore[attr-defined]
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


def _shot(page, artifacts: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=False)
    if os.environ.get("GONGKAI_SCREENSHOTS") == "docs" and name in ("report-finding", "dashboard"):
        shutil.copy(artifacts / f"{name}.png", ROOT / "docs" / f"web-{name}.png")


def _login(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/")
    assert "/login" in page.url
    page.fill("#username", "审核员")
    page.fill("#password", PASSWORD)
    page.click("#login")
    page.wait_for_url(f"{server}/")


def _upload(page, server: str, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/upload")
    page.set_input_files("#up-input", [str(f) for f in files])
    page.click("#up-submit")
    page.wait_for_selector(".up-report a", timeout=60_000)


def test_officer_reviews_a_seed_report(server: str, page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    _login(page, server)
    _upload(page, server, [SEED])
    _shot(page, artifacts, "upload")
    page.click(".up-report a")
    page.wait_for_selector("#report-title")

    # The balance finding, and the cells it concerns highlighted as errors.
    finding = page.locator("[id^=finding-]", has_text="GK203").first
    assert finding.count() == 1
    cell = page.locator('[data-path="requests.new_received.commercial"]')
    assert "has-finding" in (cell.get_attribute("class") or "")
    assert "sev-error" in (cell.get_attribute("class") or "")

    # Clicking a cell shows the line it was printed on.
    cell.click()
    panel = page.locator("#rpt-panel-body")
    panel.locator("text=一、本年新收").first.wait_for(timeout=10_000)
    finding.click()
    _shot(page, artifacts, "report-finding")

    # Confirm it with a comment; the state survives a reload.
    finding.locator("textarea.review-comment").fill("请核对商业企业一列")
    finding.locator("button.review-confirm").click()
    finding.locator(".review-state", has_text="确认").wait_for(timeout=10_000)
    page.reload()
    assert "确认" in page.locator("[id^=finding-]", has_text="GK203").first.locator(".review-state").inner_text()

    # The agency's correction notice lists it.
    page.goto(f"{server}/notices")
    with page.expect_download() as download_info:
        page.locator("a[href$='notice.docx']").first.click()
    path = download_info.value.path()
    text = "\n".join(cell.text for table in DocxDocument(str(path)).tables for row in table.rows for cell in row.cells)
    assert "请核对商业企业一列" in text

    # Sign out: pages need a login again.
    page.click("#logout")
    page.wait_for_url("**/login")
    page.goto(f"{server}/reports")
    assert "/login" in page.url
    assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]


def test_hostile_names_render_as_text(server: str, page, artifacts: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hostile = tmp_path / "<img src=x onerror=alert(1)>.txt"
    agency = "<script>alert(2)</script>某县林业局"
    hostile.write_text(SEED.read_text(encoding="utf-8").replace("赣州经济技术开发区党政办公室", agency), encoding="utf-8")
    _login(page, server)
    _upload(page, server, [hostile])
    assert page.locator(".up-name", has_text="onerror=alert(1)").count() >= 1
    page.click(".up-report a")
    page.wait_for_selector("#report-title")
    page.goto(f"{server}/reports?q=script")
    page.goto(f"{server}/agencies")
    page.goto(f"{server}/")
    _shot(page, artifacts, "dashboard")
    assert page.dialogs == []  # type: ignore[attr-defined]
