"""Refresh the README's pictures of the web app: docs/web-dashboard.png and docs/web-report.png.

    .venv/bin/python scripts/screenshots.py

Stores the bundled samples in a temporary SQLite file, serves the app on 127.0.0.1, signs in as
a reviewer in headless Chromium (Debian's chromium, driven by Playwright) and photographs the
dashboard and the report page of a sample with a balance finding, its source shown.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from gongkai.pipeline import ingest
from gongkai.store import Store
from gongkai.web import Settings, create_app
from gongkai.web.security import hash_password

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="gongkai-shots-"))
    store = Store(f"sqlite:///{folder / 'web.db'}")
    ingest(store, [str(ROOT / "samples")])
    store.add_user("审核员", "reviewer", hash_password("screenshots only"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(upload_dir=folder / "uploads"), store), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    report = next(item.id for item in store.reports() if item.record.source.path.endswith("2023_高安市行政服务中心.txt"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page.goto(f"{base}/login")
        page.fill("#username", "审核员")
        page.fill("#password", "screenshots only")
        page.click("#login")
        page.wait_for_url(f"{base}/")
        page.wait_for_timeout(800)  # the charts' animation
        page.screenshot(path=str(ROOT / "docs" / "web-dashboard.png"))
        page.goto(f"{base}/reports/{report}")
        cell = page.locator('[data-path="requests.new_received.total"]')
        cell.scroll_into_view_if_needed()
        cell.click()
        page.locator("#rpt-panel-body", has_text="原文").wait_for()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ROOT / "docs" / "web-report.png"))
        browser.close()
    server.should_exit = True
    print("docs/web-dashboard.png, docs/web-report.png")


if __name__ == "__main__":
    main()
