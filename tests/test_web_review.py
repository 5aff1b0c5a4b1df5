"""The review workflow of the web app: decisions on findings, report status and publishing, the
audit log, and the correction notices (整改通知) as JSON, DOCX and XLSX."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import openpyxl
import pytest
from docx import Document
from web_support import PASSWORD, WebSite, login, make_site

import gongkai
from gongkai.model import Finding, Record, Source
from gongkai.store import StoredReport
from gongkai.web.access import Visible
from gongkai.web.detail import content_disposition
from gongkai.web.notice import finding_where, notice_value
from gongkai.web.security import hash_password
from gongkai.web.templating import templates

FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> WebSite:
    return make_site(tmp_path_factory.mktemp("review"))


def reports_of(site: WebSite, key: str) -> list[StoredReport]:
    found = [r for r in site.store.reports() if r.agency_key == key]
    assert found, key
    return found


def with_findings(site: WebSite, key: str | None = None) -> StoredReport:
    """A stored report with at least two findings (of agency `key` when given)."""
    for report in site.store.reports():
        if (key is None or report.agency_key == key) and len(report.record.findings) >= 2:
            return report
    raise AssertionError(f"no report with findings for {key}")


def sha(report: StoredReport) -> str:
    assert report.record.source.sha256
    return report.record.source.sha256


def decide(client: Any, report: StoredReport, finding: Finding, decision: str | None, comment: str | None = None) -> Any:
    return client.post(f"/api/reports/{report.id}/findings/{finding.fingerprint}", json={"decision": decision, "comment": comment})


# ---------------------------------------------------------------- who may do what


@pytest.mark.parametrize(("role", "allowed"), [("admin", True), ("reviewer", True), ("clerk", False), ("viewer", False)])
def test_only_reviewers_and_admins_decide_and_set_status(site: WebSite, role: str, allowed: bool) -> None:
    client = site.client(role)
    report = with_findings(site, site.clerk_agency)  # the clerk's own agency: still no decisions for a clerk
    finding = report.record.findings[0]
    response = decide(client, report, finding, "confirmed", f"{role}的意见")
    assert response.status_code == (200 if allowed else 403), response.text
    status = client.post(f"/api/reports/{report.id}/status", json={"status": "needs_fix"})
    assert status.status_code == (200 if allowed else 403), status.text
    # the form twins (used without scripts) answer the same
    form = client.post(f"/reports/{report.id}/findings/{finding.fingerprint}", data={"decision": "confirmed", "comment": ""}, follow_redirects=False)
    assert form.status_code == (303 if allowed else 403)
    if allowed:
        assert response.json()["decision"] == "confirmed" and response.json()["reviewer"] == role
        assert status.json()["status"] == "needs_fix" and status.json()["status_name"] == "需整改"
        assert form.headers["location"] == f"/reports/{report.id}#rv-{finding.fingerprint}"


def test_signed_out_unknown_report_and_unknown_finding(site: WebSite) -> None:
    report = with_findings(site)
    finding = report.record.findings[0]
    assert decide(site.client(), report, finding, "confirmed").status_code in (401, 403)  # no session: no CSRF token either
    reviewer = site.client("reviewer")
    assert reviewer.post(f"/api/reports/999999/findings/{finding.fingerprint}", json={"decision": "confirmed"}).status_code == 404
    assert reviewer.post(f"/api/reports/{report.id}/findings/{'0' * 40}", json={"decision": "confirmed"}).status_code == 404
    assert reviewer.post(f"/api/reports/{report.id}/findings/{finding.fingerprint}", json={"decision": "maybe"}).status_code == 422
    assert reviewer.post(f"/api/reports/{report.id}/findings/{finding.fingerprint}", json={"decision": "confirmed", "comment": "长" * 2001}).status_code == 422
    assert reviewer.post(f"/api/reports/{report.id}/status", json={"status": "done"}).status_code == 422
    assert reviewer.post("/api/reports/999999/status", json={"status": "passed"}).status_code == 404


def test_post_without_csrf_token_is_refused(site: WebSite) -> None:
    reviewer = site.client("reviewer")
    del reviewer.headers["X-CSRF-Token"]
    report = with_findings(site)
    assert decide(reviewer, report, report.record.findings[0], "confirmed").status_code == 403
    assert reviewer.post(f"/api/reports/{report.id}/status", json={"status": "passed"}).status_code == 403


def test_a_reviewer_with_a_scope_cannot_reach_other_regions(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.store.add_user("赣州审核", "reviewer", hash_password(PASSWORD), scope="赣州市")
    client = site.client()
    login(client, "赣州审核", PASSWORD)
    outside = with_findings(site, site.clerk_agency)
    assert outside.region != "赣州市"
    assert decide(client, outside, outside.record.findings[0], "confirmed").status_code == 404
    assert client.get(f"/api/agencies/{quote(site.clerk_agency)}/notice").status_code == 404
    assert client.get(f"/agencies/{quote(site.clerk_agency)}/notice.docx").status_code == 404


def test_a_clerk_publishes_their_own_draft_only(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    own, other = reports_of(site, site.clerk_agency)[0], reports_of(site, site.other_agency)[0]
    for report in (own, other):
        site.store.set_report_review(sha(report), draft=True, uploaded_by="clerk")
    clerk, viewer, reviewer = site.client("clerk"), site.client("viewer"), site.client("reviewer")
    assert viewer.post(f"/api/reports/{own.id}/publish").status_code == 403
    assert clerk.post(f"/api/reports/{other.id}/publish").status_code == 404  # not even its existence
    assert site.store.report_review(sha(other)).draft  # type: ignore[union-attr]
    assert viewer.get(f"/api/reports/{own.id}/review").status_code == 404  # a draft is not a viewer's
    published = clerk.post(f"/api/reports/{own.id}/publish")
    assert published.status_code == 200 and published.json()["draft"] is False and published.json()["changed"] is True
    assert site.store.report_review(sha(own)).draft is False  # type: ignore[union-attr]
    assert viewer.get(f"/api/reports/{own.id}/review").status_code == 200
    again = clerk.post(f"/api/reports/{own.id}/publish")
    assert again.status_code == 200 and again.json()["changed"] is False
    assert reviewer.post(f"/reports/{other.id}/publish", follow_redirects=False).status_code == 303
    assert site.store.report_review(sha(other)).draft is False  # type: ignore[union-attr]
    publishes = [e for e in site.store.audit_log() if e.action == "report_publish"]
    assert {(e.user, e.target) for e in publishes} == {("clerk", f"report:{own.id}"), ("reviewer", f"report:{other.id}")}


# ---------------------------------------------------------------- decisions persist


def test_decisions_persist_withdraw_and_survive_reading_again(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    report = with_findings(site)
    first, second = report.record.findings[:2]
    reviewer = site.client("reviewer")
    assert decide(reviewer, report, first, "confirmed", "  数字确有错误  ").json()["comment"] == "数字确有错误"
    assert decide(reviewer, report, second, "dismissed", "原文如此").status_code == 200
    assert reviewer.post(f"/api/reports/{report.id}/status", json={"status": "needs_fix"}).status_code == 200

    # another user sees them
    state = site.client("admin").get(f"/api/reports/{report.id}/review").json()
    by_fp = {f["fingerprint"]: f for f in state["findings"]}
    assert by_fp[first.fingerprint]["decision"] == "confirmed" and by_fp[first.fingerprint]["reviewer"] == "reviewer"
    assert by_fp[second.fingerprint]["decision"] == "dismissed" and by_fp[second.fingerprint]["comment"] == "原文如此"
    assert state["status"] == "needs_fix"

    # the same content read again gets a new report id; its review is kept by sha256 + fingerprint
    path = report.record.source.path
    again = gongkai.check(path)
    site.store.save(again, path)
    fresh = [r for r in site.store.reports() if r.record.source.sha256 == sha(report)]
    assert len(fresh) == 1 and fresh[0].id != report.id
    state = site.client("admin").get(f"/api/reports/{fresh[0].id}/review").json()
    by_fp = {f["fingerprint"]: f for f in state["findings"]}
    assert by_fp[first.fingerprint]["decision"] == "confirmed" and by_fp[first.fingerprint]["comment"] == "数字确有错误"
    assert by_fp[second.fingerprint]["decision"] == "dismissed"
    assert state["status"] == "needs_fix"
    assert reviewer.get(f"/api/reports/{report.id}/review").status_code == 404  # the old id is gone

    # withdrawing removes the decision
    withdrawn = decide(reviewer, fresh[0], first, None, "ignored")
    assert withdrawn.status_code == 200 and withdrawn.json()["decision"] is None
    assert first.fingerprint not in site.store.finding_reviews(sha(report))
    actions = [e.action for e in site.store.audit_log(user="reviewer")]
    assert {"finding_confirmed", "finding_dismissed", "finding_withdrawn", "report_status"} <= set(actions)


# ---------------------------------------------------------------- the audit log


def test_every_action_is_audited_with_user_and_target(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    report = with_findings(site)
    finding = report.record.findings[0]
    admin = site.client("admin")
    decide(admin, report, finding, "confirmed", SCRIPT)
    admin.post(f"/api/reports/{report.id}/status", json={"status": "passed"})
    entries = site.store.audit_log(user="admin")
    confirm = next(e for e in entries if e.action == "finding_confirmed")
    assert confirm.target == f"report:{report.id}/finding:{finding.fingerprint}"
    assert confirm.detail and SCRIPT in confirm.detail and finding.code in confirm.detail
    status = next(e for e in entries if e.action == "report_status")
    assert status.target == f"report:{report.id}" and status.detail and "待审核 → 已通过" in status.detail
    assert all(e.at for e in entries)

    page = site.client("reviewer").get("/audit")
    assert page.status_code == 200
    assert SCRIPT not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "确认问题" in page.text and f'href="/reports/{report.id}#rv-{finding.fingerprint}"' in page.text
    for role in ("clerk", "viewer"):
        assert site.client(role).get("/audit").status_code == 403
        assert site.client(role).get("/api/audit").status_code == 403


def test_a_reviewer_of_one_region_reads_the_actions_on_it_and_their_own(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    reports = list(site.store.reports())
    regions = sorted({r.region for r in reports if r.region})
    assert len(regions) >= 2, "the samples span several regions"
    mine, other = regions[0], regions[1]
    site.store.add_user("本地审核", "reviewer", hash_password(PASSWORD), scope=mine)
    admin = site.client("admin")
    for report in reports:
        admin.post(f"/api/reports/{report.id}/status", json={"status": "needs_fix"})
    local = site.client("本地审核")  # its login is its own action
    seen = local.get("/api/audit", params={"page": 1}).json()["entries"]
    targets = {e["target"] for e in seen if e["action"] == "report_status"}
    assert targets == {f"report:{r.id}" for r in reports if r.region == mine}
    assert any(e["action"] == "login" and e["user"] == "本地审核" for e in seen)
    assert not any(e["target"] == f"report:{r.id}" for e in seen for r in reports if r.region == other)
    everything = site.client("reviewer").get("/api/audit").json()["entries"]  # a reviewer of every region
    assert {e["target"] for e in everything if e["action"] == "report_status"} == {f"report:{r.id}" for r in reports}


def test_audit_pages_and_user_filter(tmp_path: Path) -> None:
    site = make_site(tmp_path, samples=False)
    for n in range(60):
        site.store.audit("某审核员", "report_status", f"report:{n}", f"第{n}条")
    reviewer = site.client("reviewer")
    first = reviewer.get("/api/audit").json()
    assert len(first["entries"]) == 50 and first["has_next"] and first["page"] == 1
    second = reviewer.get("/api/audit", params={"page": 2}).json()
    assert second["entries"] and not second["has_next"]
    assert not {e["id"] for e in first["entries"]} & {e["id"] for e in second["entries"]}
    only = reviewer.get("/api/audit", params={"user": "某审核员", "page": 2}).json()
    assert [e["detail"] for e in only["entries"]] == [f"第{n}条" for n in range(9, -1, -1)]
    assert {e["user"] for e in reviewer.get("/api/audit", params={"user": "reviewer"}).json()["entries"]} == {"reviewer"}
    html = reviewer.get("/audit", params={"user": "某审核员"}).text
    assert 'id="rv-audit-next"' in html and "page=2" in html and "user=%E6%9F%90" in html
    assert reviewer.get("/api/audit", params={"page": 0}).status_code == 422


# ---------------------------------------------------------------- correction notices


NoticeSite = tuple[WebSite, StoredReport, list[Finding], Finding]


@pytest.fixture(scope="module")
def noticed(tmp_path_factory: pytest.TempPathFactory) -> NoticeSite:
    """`_notice_site`, shared by the tests that only read it (and download as they like)."""
    return _notice_site(tmp_path_factory.mktemp("notice"))


def _notice_site(tmp_path: Path) -> NoticeSite:
    """A site where the clerk's agency has two confirmed findings (one commented with a formula,
    one with a script) and one dismissed finding."""
    site = make_site(tmp_path)
    report = with_findings(site, site.clerk_agency)
    assert len(report.record.findings) >= 3
    confirmed, dismissed = list(report.record.findings[:2]), report.record.findings[2]
    reviewer = site.client("reviewer")
    assert decide(reviewer, report, confirmed[0], "confirmed", FORMULA).status_code == 200
    assert decide(reviewer, report, confirmed[1], "confirmed", SCRIPT).status_code == 200
    assert decide(reviewer, report, dismissed, "dismissed", "不是问题").status_code == 200
    return site, report, confirmed, dismissed


def test_notice_lists_exactly_the_confirmed_findings(noticed: NoticeSite) -> None:
    site, report, confirmed, dismissed = noticed
    key = quote(site.clerk_agency, safe="")
    reviewer = site.client("reviewer")

    response = reviewer.get(f"/api/agencies/{key}/notice")
    assert response.status_code == 200, response.text
    notice = response.json()
    assert notice["agency_key"] == site.clerk_agency and notice["greeting"] == f"{report.record.agency}："
    assert [i["fingerprint"] for i in notice["items"]] == [f.fingerprint for f in confirmed]
    assert [i["comment"] for i in notice["items"]] == [FORMULA, SCRIPT]
    assert all(i["report_id"] == report.id and i["year"] == report.record.year and i["reviewer"] == "reviewer" for i in notice["items"])
    assert all(i["code"] and i["rule_title"] and i["message"] for i in notice["items"])
    assert notice["date_text"].endswith("日") and notice["closing"]

    listing = reviewer.get("/api/notices").json()
    assert [(s["agency_key"], s["confirmed"]) for s in listing] == [(site.clerk_agency, 2)]
    page = reviewer.get("/notices")
    assert page.status_code == 200 and f"/agencies/{key}/notice.docx" in page.text

    # DOCX: one real table, a row per confirmed finding
    docx = reviewer.get(f"/agencies/{key}/notice.docx")
    assert docx.status_code == 200 and docx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(docx.content))
    assert len(document.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0][0] == "序号" and len(rows) == 1 + len(confirmed)
    for row, finding in zip(rows[1:], confirmed):
        assert finding.message in row and finding.code in row[3]
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join("|".join(r) for r in rows)
    assert dismissed.message not in text and "不是问题" not in text
    assert report.record.agency and f"{report.record.agency}：" in text and "特此通知" in text
    assert any(FORMULA in cell for row in rows for cell in row)  # Word has no formulas: the comment as written

    # XLSX: a row per confirmed finding, and no formula anywhere
    xlsx = reviewer.get(f"/agencies/{key}/notice.xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("="))]
    values = [c.value for c in cells]
    assert "'" + FORMULA in values and SCRIPT in values
    messages = [v for v in values if isinstance(v, str) and v in {f.message for f in report.record.findings}]
    assert sorted(messages) == sorted(f.message for f in confirmed)
    header = next(c.row for c in cells if c.value == "序号")
    numbers = [sheet.cell(r, 1).value for r in range(header + 1, header + 1 + len(confirmed) + 1)]
    assert numbers[: len(confirmed)] == list(range(1, len(confirmed) + 1)) and numbers[-1] is None

    downloads = [e for e in site.store.audit_log(user="reviewer") if e.action == "notice_download"]
    assert len(downloads) == 2 and all(e.target == f"agency:{site.clerk_agency}" for e in downloads)


def test_notice_filename_is_safe(noticed: NoticeSite) -> None:
    site, _report, _confirmed, _dismissed = noticed
    response = site.client("admin").get(f"/agencies/{quote(site.clerk_agency, safe='')}/notice.xlsx")
    header = response.headers["content-disposition"]
    match = re.fullmatch(r'attachment; filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8\'\'([A-Za-z0-9%._-]+)', header)
    assert match, header
    assert match.group(1).endswith(".xlsx") and unquote(match.group(2)).startswith(f"整改通知_{site.clerk_agency}_")
    hostile = content_disposition('a"b\r\nSet-Cookie: x=1;/..\\整改.docx', 'a"b\r\n.docx')
    assert "\r" not in hostile and "\n" not in hostile and hostile.count('"') == 2


def test_who_may_download_a_notice(noticed: NoticeSite) -> None:
    site, _report, _confirmed, _dismissed = noticed
    own, other = quote(site.clerk_agency, safe=""), quote(site.other_agency, safe="")
    clerk = site.client("clerk")
    for suffix in ("notice.docx", "notice.xlsx"):
        assert clerk.get(f"/agencies/{own}/{suffix}").status_code == 200
        assert clerk.get(f"/agencies/{other}/{suffix}").status_code == 404
        assert site.client("viewer").get(f"/agencies/{own}/{suffix}").status_code == 403
        assert site.client("admin").get(f"/agencies/{quote('没有的机关')}/{suffix}").status_code == 404
    assert clerk.get(f"/api/agencies/{own}/notice").json()["items"]
    assert clerk.get(f"/api/agencies/{other}/notice").status_code == 404
    assert site.client("viewer").get(f"/api/agencies/{own}/notice").status_code == 403
    for role in ("clerk", "viewer"):
        assert site.client(role).get("/notices").status_code == 403
        assert site.client(role).get("/api/notices").status_code == 403
    # an agency without confirmed findings gets a notice saying so, with no table
    empty = Document(io.BytesIO(site.client("admin").get(f"/agencies/{other}/notice.docx").content))
    assert not empty.tables and "暂无经确认需要整改的问题" in "\n".join(p.text for p in empty.paragraphs)


def test_finding_words_and_values() -> None:
    record = Record(Source("x.txt"), template="2021", year=2023, agency="某机关")
    balance = Finding("balance", "GK203", "error", "…", {"table": "三", "column": "natural_person"}, 2, 0)
    where = finding_where(record, balance)
    assert (where.table, where.row, where.column) == ("表三（收到和处理政府信息公开申请情况）", "", "自然人")
    review = Finding("review_total", "GK204", "error", "…", {"table": "四", "row": "review", "column": "total", "page": 4, "line": 87})
    assert finding_where(record, review).text() == "表四（政府信息公开行政复议、行政诉讼情况） “行政复议”行 “总计”列（第4页，第87行）"
    dated = Finding("date_before_period_end", "GK301", "error", "…", {"section": 6, "line": 40})
    assert finding_where(record, dated).text() == "第六部分“其他需要报告的事项”，第40行"
    assert notice_value("other_no_correction, other_misc") == "“其他处理·逾期不补正”、“其他处理·其他”"
    assert notice_value(["other_handling"]) == "“其他处理”" and notice_value("other, things") == "other, things"
    assert notice_value(12.0) == "12" and notice_value([1, 2]) == "1、2" and notice_value(None) == ""


# ---------------------------------------------------------------- the partials


def _render_partials(site: WebSite, report: StoredReport, role: str) -> str:
    """The two partials as the report page includes them: report_review.html once, then
    finding_review.html inside a loop over the findings."""
    user = site.store.user(role)
    assert user is not None
    sha256 = sha(report)
    page = templates.env.from_string(
        '{% include "report_review.html" ignore missing %}'
        '{% for finding in visible.report.record.findings %}<li>{% include "finding_review.html" ignore missing %}</li>{% endfor %}'
    )
    return page.render(
        visible=Visible(user, report, site.store.report_review(sha256)),
        finding_reviews=site.store.finding_reviews(sha256),
        report_review=site.store.report_review(sha256),
        user=user,
        csrf_token="token-123",
    )


def test_partials_show_decisions_as_text_and_controls_by_role(tmp_path: Path) -> None:
    site, report, confirmed, dismissed = _notice_site(tmp_path)
    site.client("reviewer").post(f"/api/reports/{report.id}/status", json={"status": "needs_fix"})
    html = _render_partials(site, report, "reviewer")
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('class="rv-finding"') == len(report.record.findings)
    assert html.count("button") and html.count('class="review-confirm"') == len(report.record.findings)
    assert html.count('class="review-dismiss"') == len(report.record.findings) and html.count('textarea class="review-comment"') == len(report.record.findings)
    assert f'data-fingerprint="{confirmed[0].fingerprint}" data-decision="confirmed"' in html
    assert f'data-fingerprint="{dismissed.fingerprint}" data-decision="dismissed"' in html
    assert 'id="rv-status" data-status="needs_fix">需整改<' in html and 'id="rv-status-select"' in html
    assert 'name="csrf_token" value="token-123"' in html and '<script src="/static/review.js" defer></script>' in html
    assert '<b class="rv-count-confirmed">2</b>' in html and '<b class="rv-count-dismissed">1</b>' in html
    assert "确认" in html and "驳回" in html and "reviewer" in html

    viewer = _render_partials(site, report, "viewer")
    assert "review-confirm" not in viewer and "rv-status-select" not in viewer and "rv-publish" not in viewer and "notice.docx" not in viewer
    assert SCRIPT not in viewer and "&lt;script&gt;" in viewer and "需整改" in viewer

    site.store.set_report_review(sha(report), draft=True)
    clerk = _render_partials(site, report, "clerk")
    assert 'id="rv-publish"' in clerk and "review-confirm" not in clerk and "rv-status-select" not in clerk
    assert 'id="rv-draft"' in clerk and "notice.docx" in clerk


def test_the_report_page_includes_the_partials(noticed: NoticeSite) -> None:
    """Through the real report page, once it renders the partials."""
    site, report, _confirmed, _dismissed = noticed
    page = site.client("reviewer").get(f"/reports/{report.id}", headers={"accept": "text/html"})
    if page.status_code != 200 or "rv-finding" not in page.text:
        pytest.skip("the report page does not include finding_review.html yet")
    assert SCRIPT not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert page.text.count('class="review-confirm"') == len(report.record.findings) and 'id="rv-status"' in page.text
    assert '<script src="/static/review.js"' in page.text
    viewer = site.client("viewer").get(f"/reports/{report.id}", headers={"accept": "text/html"})
    assert viewer.status_code == 200 and "review-confirm" not in viewer.text and "rv-status-select" not in viewer.text
    assert SCRIPT not in viewer.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in viewer.text


def test_review_script_is_served_and_uses_no_html_sinks(site: WebSite) -> None:
    script = site.client("reviewer").get("/static/review.js")
    assert script.status_code == 200
    assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text and "gongkai.post" in script.text
