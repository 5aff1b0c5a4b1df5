"""上传 and 机关 in the web app: uploads of files and ZIPs into background ingest jobs (limits,
hostile names and archives, drafts, progress, 50 at once), and the agencies with their merge and
split actions."""

from __future__ import annotations

import io
import os
import random
import struct
import threading
import time
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from web_support import PASSWORD, SAMPLES, WebSite, csrf_of, login, make_site

from gongkai.store import Store
from gongkai.store.agencies import fold_name
from gongkai.web import Settings, UploadLimits, create_app
from gongkai.web.jobs import AGENCY_MISMATCH, JobRunner, safe_suffix
from gongkai.web.security import hash_password
from gongkai.web.zipsafe import ZipLimits, ZipRefused, expand
from synth.generate import agency_series, plant_series, random_report, to_text

SAMPLE_A = SAMPLES / "2023_赣州市.txt"
SAMPLE_B = SAMPLES / "2023_高安市行政服务中心.txt"
SAMPLE_C = SAMPLES / "2021_赣州经开区党政办.txt"
SAMPLE_D = SAMPLES / "2023_赣县区融媒体中心.txt"
WAIT = 180.0


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> WebSite:
    return make_site(tmp_path_factory.mktemp("upload"), samples=False)


def upload_dir(site: WebSite) -> Path:
    directory = site.app.state.settings.upload_dir
    assert isinstance(directory, Path)
    return directory


def post_files(client: TestClient, files: list[tuple[str, bytes]], path: str = "/api/uploads") -> Any:
    return client.post(path, files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def finished(client: TestClient, job: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        view: dict[str, Any] = client.get(f"/api/uploads/{job}").json()
        if view["finished"]:
            return view
        time.sleep(0.1)
    raise AssertionError(f"upload job {job} did not finish in {WAIT} s")


def uploaded(client: TestClient, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    response = post_files(client, files)
    assert response.status_code == 202, response.text
    return finished(client, response.json()["job"])


def zipped(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def report_count(store: Store) -> int:
    return store.counts()["reports"]


# ------------------------------------------------------------------ uploading


def test_upload_page_is_for_uploaders_only(site: WebSite) -> None:
    for role in ("admin", "reviewer", "clerk"):
        page = site.client(role).get("/upload")
        assert page.status_code == 200 and "上传报告" in page.text and 'src="/static/upload.js"' in page.text
    viewer = site.client("viewer")
    assert viewer.get("/upload").status_code == 403
    before = report_count(site.store)
    response = post_files(viewer, [("a.txt", SAMPLE_A.read_bytes())])
    assert response.status_code == 403
    assert viewer.get("/api/uploads").status_code == 403
    assert report_count(site.store) == before
    assert site.client().post("/api/uploads", files=[("files", ("a.txt", b"x"))]).status_code in (401, 403)


def test_two_reports_are_stored_once_and_again_unchanged(site: WebSite) -> None:
    reviewer = site.client("reviewer")
    before = report_count(site.store)
    view = uploaded(reviewer, [(SAMPLE_A.name, SAMPLE_A.read_bytes()), (SAMPLE_B.name, SAMPLE_B.read_bytes())])
    assert view["state"] == "done" and view["total"] == 2 and view["done"] == 2 and view["rate"] > 0
    assert view["summary"]["files"] == 2 and view["summary"]["new"] == 2 and view["summary"]["unchanged"] == 0
    assert "新入库 2" in view["summary"]["line"]
    assert [f["name"] for f in view["files"]] == [SAMPLE_A.name, SAMPLE_B.name]
    for f in view["files"]:
        assert f["status"] in ("read", "findings") and f["report_url"] == f"/reports/{f['report_id']}"
        assert not f["draft"]  # a reviewer's upload is published
    assert report_count(site.store) == before + 2
    by_name = {f["name"]: f for f in view["files"]}
    assert by_name[SAMPLE_B.name]["status"] == "findings" and by_name[SAMPLE_B.name]["errors"] == 2  # README: two balance errors
    # The files are kept as <job>/<n>.txt, and the store knows them by that path.
    folder = upload_dir(site) / view["id"]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["1.txt", "2.txt"]
    paths = {str(row["path"]) for row in site.store.files()}
    assert {str(folder / "1.txt"), str(folder / "2.txt")} <= paths

    again = uploaded(reviewer, [(SAMPLE_A.name, SAMPLE_A.read_bytes()), (SAMPLE_B.name, SAMPLE_B.read_bytes())])
    assert again["summary"]["new"] == 0 and again["summary"]["unchanged"] == 2
    assert all("此前已入库" in (f["message"] or "") for f in again["files"])
    assert [f["report_id"] for f in again["files"]] == [f["report_id"] for f in view["files"]]
    assert report_count(site.store) == before + 2
    # The page of the job shows its results; the list API lists it; audit has the upload.
    page = reviewer.get(f"/upload/{view['id']}")
    assert page.status_code == 200 and f'href="/reports/{view["files"][0]["report_id"]}"' in page.text
    assert any(job["id"] == view["id"] for job in reviewer.get("/api/uploads").json())
    actions = [(e.action, e.target) for e in site.store.audit_log(limit=50, user="reviewer")]
    assert ("upload", f"upload:{view['id']}") in actions and ("upload_done", f"upload:{view['id']}") in actions


def test_a_zip_is_expanded_and_its_members_stored(site: WebSite) -> None:
    admin = site.client("admin")
    before = report_count(site.store)
    archive = zipped([("年报/" + SAMPLE_C.name, SAMPLE_C.read_bytes()), ("年报/" + SAMPLE_D.name, SAMPLE_D.read_bytes()), ("年报/", b"")])
    view = uploaded(admin, [("两份报告.zip", archive)])
    assert view["total"] == 2 and view["summary"]["new"] == 2
    assert [f["name"] for f in view["files"]] == ["年报/" + SAMPLE_C.name, "年报/" + SAMPLE_D.name]
    assert all(f["archive"] == "两份报告.zip" and f["report_id"] for f in view["files"])
    assert report_count(site.store) == before + 2
    folder = upload_dir(site) / view["id"]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["1.txt", "2.txt"]  # the ZIP itself is not kept


def test_a_nested_zip_is_not_expanded(site: WebSite) -> None:
    inner = zipped([(SAMPLE_A.name, SAMPLE_A.read_bytes())])
    view = uploaded(site.client("admin"), [("outer.zip", zipped([("inner.zip", inner)]))])
    assert view["total"] == 1
    only = view["files"][0]
    assert only["name"] == "inner.zip" and only["status"] == "unreadable" and "不展开" in only["message"]


def test_unreadable_files_are_listed_with_their_reason(site: WebSite) -> None:
    view = uploaded(site.client("reviewer"), [("坏的.pdf", b"%PDF-1.4\nthis is no pdf at all\n"), ("空.txt", b""), ("ok.txt", SAMPLE_A.read_bytes())])
    assert view["summary"]["unreadable"] == 2 and view["total"] == 3
    by_name = {f["name"]: f for f in view["files"]}
    assert by_name["空.txt"]["status"] == "unreadable" and "空" in by_name["空.txt"]["message"]
    assert by_name["坏的.pdf"]["status"] == "unreadable" and by_name["坏的.pdf"]["message"]
    assert by_name["坏的.pdf"]["report_id"] is None
    noted = {row["path"]: row for row in site.store.files()}
    folder = upload_dir(site) / view["id"]
    assert noted[str(folder / "1.pdf")]["status"] == "unreadable" and noted[str(folder / "1.pdf")]["message"]
    assert noted[str(folder / "2.txt")]["message"] == by_name["空.txt"]["message"]


def test_a_hostile_file_name_is_never_a_path_and_is_shown_escaped(site: WebSite, tmp_path: Path) -> None:
    client = site.client("reviewer")
    hostile = "../../evil<script>alert(1)</script>.txt"
    response = post_files(client, [(hostile, SAMPLE_B.read_bytes()), ("..\\..\\x\u202egpj.exe", b"plain text")])
    assert response.status_code == 202
    view = finished(client, response.json()["job"])
    root = upload_dir(site)
    folder = root / view["id"]
    stored = [p.name for p in all_files(folder) if not p.name.startswith(".")]
    assert stored == ["1.txt", "2"]  # .exe is no allowed suffix
    assert not any("evil" in p.name for p in all_files(root.parent))
    assert all(str(row["path"]).startswith(str(root)) for row in site.store.files() if view["id"] in str(row["path"]))
    assert view["files"][0]["name"] == hostile
    assert "\u202e" not in view["files"][1]["name"] and "\\u202e" in view["files"][1]["name"]  # a bidi override is shown, not obeyed
    page = client.get(f"/upload/{view['id']}")
    assert "<script>alert(1)</script>" not in page.text
    assert "evil&lt;script&gt;alert(1)&lt;/script&gt;.txt" in page.text


def test_stored_suffixes_are_whitelisted() -> None:
    assert safe_suffix("报告.PDF") == ".pdf"
    assert safe_suffix("a.tar.gz") == "" and safe_suffix("x.exe") == "" and safe_suffix(".txt") == "" and safe_suffix("noext") == ""
    assert safe_suffix("../../a/b.docx") == ".docx" and safe_suffix("a.txt/..") == ""


# ------------------------------------------------------------------ limits and hostile archives


@pytest.fixture
def small(tmp_path: Path, site: WebSite) -> tuple[TestClient, Store, Path]:
    """A second app over the same store, with small upload limits and its own upload folder."""
    folder = tmp_path / "small-uploads"
    limits = UploadLimits(file_bytes=20_000, request_bytes=60_000, files=3, unzipped_bytes=40_000)
    app = create_app(Settings(upload=limits, upload_dir=folder), site.store)
    client = TestClient(app)
    login(client, "reviewer", PASSWORD)
    return client, site.store, folder


def refused(client: TestClient, store: Store, folder: Path, response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert all_files(folder) == [], "nothing may be stored"
    assert not any(p.name.startswith(".incoming") for p in folder.iterdir()) if folder.exists() else True


def test_oversized_uploads_are_refused_with_413_and_nothing_stored(small: tuple[TestClient, Store, Path]) -> None:
    client, store, folder = small
    before = store.counts()
    # Content-Length above request_bytes: refused before the body is read.
    response = post_files(client, [("a.txt", b"x" * 15_000)] * 5)
    refused(client, store, folder, response, 413, "上限")
    # One file above file_bytes within a small request: refused while streaming.
    response = post_files(client, [("big.txt", b"x" * 25_000)])
    refused(client, store, folder, response, 413, "单个文件")
    # Too many files, ZIP members counted; an empty ZIP is no upload.
    response = post_files(client, [(f"{n}.txt", b"x") for n in range(4)])
    refused(client, store, folder, response, 413, "3 个文件")
    response = post_files(client, [("a.txt", b"x"), ("b.zip", zipped([("1.txt", b"1"), ("2.txt", b"2"), ("3.txt", b"3")]))])
    refused(client, store, folder, response, 413, "最多还能接收 2 个")
    refused(client, store, folder, post_files(client, [("empty.zip", zipped([]))]), 400, "ZIP 中没有文件")
    # A chunked body (no Content-Length) is counted as it streams.
    boundary = "gongkaiboundary"

    def body() -> Any:
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'.encode()
        for _ in range(100):
            yield b"y" * 1000
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post("/api/uploads", content=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    refused(client, store, folder, response, 413, "上限")
    # The form without script (CSRF token as a form field, parsed before the upload route reads it).
    token = client.headers.pop("X-CSRF-Token")
    try:
        response = client.post("/upload", data={"csrf_token": token}, files=[("files", ("big.txt", b"x" * 25_000))], headers={"Accept": "text/html"})
        assert response.status_code == 413 and "单个文件" in response.text
        assert all_files(folder) == []
        ok = client.post("/upload", data={"csrf_token": token}, files=[("files", ("a.txt", SAMPLE_D.read_bytes()))], follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"].startswith("/upload/")
    finally:
        client.headers["X-CSRF-Token"] = token
    assert store.counts()["documents"] <= before["documents"] + 1
    assert client.post("/api/uploads", files=[]).status_code in (400, 422)


@pytest.mark.parametrize(
    "member, words",
    [("../evil.txt", ".."), ("a/../../evil.txt", ".."), ("/etc/evil.txt", "绝对路径"), ("C:\\evil.txt", "盘符"), ("C:evil.txt", "盘符")],
)
def test_a_zip_with_an_unsafe_member_is_refused(small: tuple[TestClient, Store, Path], member: str, words: str) -> None:
    client, store, folder = small
    archive = zipped([("ok.txt", b"fine"), (member, b"evil")])
    response = post_files(client, [("bad.zip", archive)])
    refused(client, store, folder, response, 400, words)


def test_a_zip_with_a_symlink_is_refused(small: tuple[TestClient, Store, Path]) -> None:
    client, store, folder = small
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("link.txt")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    refused(client, store, folder, post_files(client, [("links.zip", buffer.getvalue())]), 400, "符号链接")


def test_a_zip_bomb_is_refused(site: WebSite) -> None:
    """50 MB of zeros compress ~1000:1: refused by the ratio (default limits)."""
    client = site.client("reviewer")
    folder = upload_dir(site)
    before = {p.name for p in folder.iterdir()}
    bomb = zipped([("zeros.txt", bytes(50 * 1024 * 1024))])
    assert len(bomb) < 100_000
    response = post_files(client, [("bomb.zip", bomb)])
    assert response.status_code == 413 and "压缩" in response.json()["detail"]
    assert {p.name for p in folder.iterdir()} == before


def test_zip_limits_hold_while_extracting_not_only_by_headers(tmp_path: Path) -> None:
    # Declared sizes over the total: refused before anything is written.
    stored = zipped([("a.txt", os.urandom(30_000)), ("b.txt", os.urandom(30_000))], zipfile.ZIP_STORED)
    (tmp_path / "sum.zip").write_bytes(stored)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ZipRefused) as error:
        expand(tmp_path / "sum.zip", lambda name: out / name, ZipLimits(file_bytes=10**6, unzipped_bytes=50_000, files=10))
    assert error.value.status == 413 and list(out.iterdir()) == []
    # A header that understates the size (2 MB of zeros declared as 1000 bytes): extraction stops
    # at the declared size and the archive is refused, whatever the header said.
    data = bytearray(zipped([("z.txt", bytes(2 * 1024 * 1024))]))
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 1000)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)
    (tmp_path / "liar.zip").write_bytes(bytes(data))
    with pytest.raises(ZipRefused) as error:
        expand(tmp_path / "liar.zip", lambda name: out / name, ZipLimits(file_bytes=10**8, unzipped_bytes=10**8, files=10))
    assert error.value.status == 400
    with pytest.raises(ZipRefused):
        (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not really")
        expand(tmp_path / "junk.zip", lambda name: out / name, ZipLimits(10**6, 10**6, 10))


# ------------------------------------------------------------------ drafts and who sees a job


def test_a_clerks_upload_is_a_draft_flagged_when_not_their_agency(site: WebSite) -> None:
    own = random_report(901, agency="赣州市测试区档案馆")
    other = random_report(902, agency="赣州市另一区统计局")
    key = fold_name(own.agency)
    if site.store.user("clerk2") is None:
        site.store.add_user("clerk2", "clerk", hash_password(PASSWORD), agency_key=key)
    clerk = TestClient(site.app)
    login(clerk, "clerk2", PASSWORD)
    page = clerk.get("/upload")
    assert "草稿" in page.text
    response = post_files(clerk, [("own.txt", to_text(own).encode()), ("other.txt", to_text(other).encode())])
    assert response.status_code == 202
    job = response.json()["job"]
    view = finished(clerk, job)
    mine, theirs = view["files"]
    assert mine["draft"] and not mine["agency_mismatch"] and mine["report_url"]
    assert theirs["draft"] and theirs["agency_mismatch"] and AGENCY_MISMATCH in theirs["message"]
    assert theirs["report_url"] is None  # another agency's draft: not the clerk's to open
    for name in ("own", "other"):
        sha = next(f.sha256 for f in _job(site, job).files if f.name == f"{name}.txt")
        review = site.store.report_review(sha)
        assert review is not None and review.draft and review.uploaded_by == "clerk2"
    # The viewer sees neither the drafts nor their agencies; a reviewer sees both.
    viewer = site.client("viewer")
    assert viewer.get(f"/api/reports/{mine['report_id']}").status_code == 404
    assert clerk.get(f"/api/reports/{mine['report_id']}").status_code == 200
    assert viewer.get(f"/api/agencies/{key}").status_code == 404
    assert key not in [a["key"] for a in viewer.get("/api/agencies", params={"q": "测试区档案馆"}).json()["agencies"]]
    reviewer = site.client("reviewer")
    detail = reviewer.get(f"/api/agencies/{key}").json()
    assert [r["draft"] for r in detail["reports"]] == [True]
    # Only the uploader and admins see a job.
    assert reviewer.get(f"/api/uploads/{job}").status_code == 404
    assert reviewer.get(f"/upload/{job}").status_code == 404
    assert site.client("admin").get(f"/api/uploads/{job}").status_code == 200
    assert site.client("clerk").get(f"/api/uploads/{job}").status_code == 404
    assert clerk.get("/api/uploads/" + "0" * 32).status_code == 404


def _job(site: WebSite, job_id: str) -> Any:
    job = site.app.state.upload_jobs.job(job_id)
    assert job is not None
    return job


# ------------------------------------------------------------------ agencies


@pytest.fixture(scope="module")
def series(site: WebSite) -> dict[str, Any]:
    """One agency's reports of 2021–2023: 2021 printed with a typo (a fuzzy match), 2023 breaking
    the carry-over chain from 2022 (a cross-year finding)."""
    specs = list(agency_series(2, agencies=1, years=(2021, 2022, 2023), typo_rate=1.0, prefix_rate=0))
    specs, _plant = plant_series(specs, "carry_over_chain", random.Random(3), year=2023)
    assert specs[0].agency != specs[0].series
    view = uploaded(site.client("reviewer"), [(f"{s.year}.txt", to_text(s).encode()) for s in specs])
    assert view["summary"]["new"] == 3
    fuzzy = [row for row in site.store.agency_names() if row["method"] == "fuzzy" and row["name"] in {s.agency for s in specs}]
    assert len(fuzzy) == 1
    name = fuzzy[0]["name"]
    # Which name came first depends on which report was stored first: the other joins fuzzily.
    return {
        "key": fuzzy[0]["agency_key"], "fuzzy": name,
        "moved": [s.year for s in specs if s.agency == name], "stayed": [s.year for s in specs if s.agency != name],
    }  # fmt: skip


def test_agencies_list_with_filter_and_fuzzy_flag(site: WebSite, series: dict[str, Any]) -> None:
    reviewer = site.client("reviewer")
    page = reviewer.get("/agencies", params={"q": "应急"})
    assert page.status_code == 200 and series["key"] in page.text and "近似匹配" in page.text
    data = reviewer.get("/api/agencies", params={"fuzzy": "true"}).json()
    row = next(a for a in data["agencies"] if a["key"] == series["key"])
    assert row["reports"] == 3 and row["years"] == [2021, 2022, 2023] and row["fuzzy"] and row["region"]
    assert all(a["fuzzy"] for a in data["agencies"])
    assert reviewer.get("/api/agencies", params={"q": "没有这样的机关名称"}).json()["total"] == 0


def test_agency_page_shows_years_cross_year_findings_and_names(site: WebSite, series: dict[str, Any]) -> None:
    detail = site.client("reviewer").get(f"/api/agencies/{series['key']}").json()
    assert [r["year"] for r in detail["reports"]] == [2021, 2022, 2023]
    assert any(f["rule"] == "carry_over_chain" and f["year"] == 2023 and f["other_year"] == 2022 for f in detail["cross_year"])
    methods = {n["name"]: (n["method"], n["score"]) for n in detail["names"]}
    assert methods[series["fuzzy"]][0] == "fuzzy" and methods[series["fuzzy"]][1] < 1
    page = site.client("viewer").get(f"/agencies/{series['key']}")
    assert page.status_code == 200 and "carry_over_chain" in page.text and "/reports/" in page.text
    assert "归并" not in page.text  # actions are the reviewers'


def test_split_and_merge_are_audited_and_recompute_cross_year(site: WebSite, series: dict[str, Any]) -> None:
    reviewer = site.client("reviewer")
    split = reviewer.post("/api/agencies/split", json={"name": series["fuzzy"]})
    assert split.status_code == 200, split.text
    new_key = split.json()["key"]
    assert new_key != series["key"] and series["key"] in split.json()["changed"]
    moved = reviewer.get(f"/api/agencies/{new_key}").json()
    assert [r["year"] for r in moved["reports"]] == series["moved"] and moved["names"][0]["method"] == "manual"
    assert [r["year"] for r in reviewer.get(f"/api/agencies/{series['key']}").json()["reports"]] == series["stayed"]
    # Merge it back with the page's form.
    token = csrf_of(reviewer, f"/agencies/{new_key}")
    merged = reviewer.post("/agencies/link", data={"name": series["fuzzy"], "key": series["key"], "csrf_token": token}, follow_redirects=False)
    assert merged.status_code == 303 and merged.headers["location"] == "/agencies/" + quote(series["key"], safe="")
    detail = reviewer.get(f"/api/agencies/{series['key']}").json()
    assert [r["year"] for r in detail["reports"]] == [2021, 2022, 2023]
    assert {n["name"]: n["method"] for n in detail["names"]}[series["fuzzy"]] == "manual"
    assert any(f["rule"] == "carry_over_chain" for f in detail["cross_year"])
    actions = [(e.action, e.target) for e in site.store.audit_log(limit=20, user="reviewer")]
    assert ("agency_split", f"agency:{new_key}") in actions and ("agency_link", f"agency:{series['key']}") in actions
    # Unknown names and agencies, and roles that may not.
    assert reviewer.post("/api/agencies/link", json={"name": "没有这个名称", "key": series["key"]}).status_code == 404
    assert reviewer.post("/api/agencies/link", json={"name": series["fuzzy"], "key": "没有这个机关"}).status_code == 404
    for role in ("viewer", "clerk"):
        assert site.client(role).post("/api/agencies/link", json={"name": series["fuzzy"], "key": new_key}).status_code == 403
    assert reviewer.post("/api/agencies/link", json={"name": series["fuzzy"], "key": new_key}, headers={"X-CSRF-Token": "forged"}).status_code == 403


def test_an_agency_key_with_a_slash_has_its_page_and_notice(site: WebSite) -> None:
    report = next(iter(site.store.reports()))
    name = report.record.agency or ""
    key = "机关/含斜杠"
    site.store.link_agency(name, key)  # a person's decision may give any key
    try:
        reviewer = site.client("reviewer")
        url = "/agencies/" + quote(key, safe="")
        assert reviewer.get(url).status_code == 200
        detail = reviewer.get("/api/agencies/" + quote(key, safe="")).json()
        assert detail["key"] == key and report.id in [r["id"] for r in detail["reports"]]
        notice = reviewer.get(f"/api/agencies/{quote(key, safe='')}/notice")
        assert notice.status_code == 200 and notice.json()["agency_key"] == key
        assert reviewer.get(f"/agencies/{quote(key, safe='')}/notice.docx").headers["content-type"].startswith("application/vnd.openxmlformats")
    finally:
        site.store.link_agency(name, report.agency_key or "")


def test_a_clerk_sees_only_their_own_agency(site: WebSite, series: dict[str, Any]) -> None:
    clerk = site.client("clerk")
    assert clerk.get(f"/agencies/{series['key']}").status_code == 404
    assert clerk.get(f"/api/agencies/{series['key']}").status_code == 404
    keys = [a["key"] for a in clerk.get("/api/agencies").json()["agencies"]]
    assert keys in ([], [site.clerk_agency])


# ------------------------------------------------------------------ load


def test_fifty_concurrent_uploads_store_every_file_once(site: WebSite) -> None:
    reports = [to_text(random_report(5000 + n)).encode() for n in range(50)]
    signed_in = site.client("reviewer")
    results: list[Any] = [None] * 50
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            client = TestClient(site.app)
            client.cookies.update(signed_in.cookies)
            client.headers["X-CSRF-Token"] = signed_in.headers["X-CSRF-Token"]
            results[n] = post_files(client, [(f"load-{n}.txt", reports[n])])
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    assert not errors
    assert [r.status_code for r in results] == [202] * 50
    jobs = [r.json()["job"] for r in results]
    views = [finished(signed_in, job) for job in jobs]
    assert [v["state"] for v in views] == ["done"] * 50, [(v.get("error"), v.get("files")) for v in views if v["state"] != "done"]
    assert all(v["files"][0]["status"] in ("read", "findings") and v["files"][0]["report_id"] for v in views)
    ids = [v["files"][0]["report_id"] for v in views]
    assert len(set(ids)) == 50
    shas = {f.sha256 for job in jobs for f in _job(site, job).files}
    assert len(shas) == 50
    stored = [item for item in site.store.reports() if item.record.source.sha256 in shas]
    assert sorted(item.id for item in stored) == sorted(ids)  # every file stored exactly once


def test_jobs_survive_a_restart_and_an_interrupted_one_runs_again(site: WebSite) -> None:
    client = site.client("reviewer")
    view = uploaded(client, [("restart.txt", to_text(random_report(777)).encode())])
    root = upload_dir(site)
    (root / view["id"] / ".result.json").unlink()  # as if the server stopped while it ran
    runner = JobRunner(site.store, root, threads=1)
    assert runner.wait(view["id"], WAIT)
    again = runner.job(view["id"])
    assert again is not None and again.state == "done" and again.summary.unchanged == 1 and again.owner == "reviewer"
    assert (root / view["id"] / ".result.json").exists()
    restored = JobRunner(site.store, root, threads=0).job(view["id"])
    assert restored is not None and restored.state == "done" and restored.done == restored.total == 1
