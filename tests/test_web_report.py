"""报告详情 and 对比 of the web app: the three tables in the official layout with the cells
findings concern highlighted, provenance (text, line, page image), downloads, comparison, and
who may see which report."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from openpyxl import load_workbook
from web_support import SAMPLES, WebSite, make_site

from gongkai import check, formats
from gongkai.draw import page_png
from gongkai.export import read_xlsx
from gongkai.store import StoredReport
from gongkai.web.detail import content_disposition, finding_paths, report_view

BALANCE_SAMPLE = "2023_高安市行政服务中心.txt"  # table 三 balance broken in 自然人 and 总计 (2 received, 0 handled)
ROW_TOTAL_SAMPLE = "2021_赣州经开区党政办.txt"  # row_total on 本年新收·总计, a derived row
DATE_SAMPLE = "2023_赣县区融媒体中心.txt"  # a date finding that names a line of the narrative
PDF_SAMPLE = "2023_洪泽区人民政府.pdf"  # table 四 总计 printed 0 (review_total), page 4
PDF_CLEAN = "2024_淮安市人民政府.pdf"
BALANCE_CELL = "requests.new_received.total"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> WebSite:
    return make_site(tmp_path_factory.mktemp("web-report"))


def stored(site: WebSite, name: str) -> StoredReport:
    return next(r for r in site.store.reports() if Path(r.record.source.path).name == name)


def page_of(site: WebSite, role: str, url: str) -> lxml.html.HtmlElement:
    response = site.client(role).get(url, headers={"accept": "text/html"})
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def cell(document: lxml.html.HtmlElement, path: str) -> lxml.html.HtmlElement:
    found = document.xpath(f'//td[@data-path="{path}"]')
    assert len(found) == 1, path
    cell_: lxml.html.HtmlElement = found[0]
    return cell_


def classes(element: lxml.html.HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


# ---------------------------------------------------------------- the page


def test_page_shows_the_three_tables_in_the_official_layout(site: WebSite) -> None:
    item = stored(site, BALANCE_SAMPLE)
    document = page_of(site, "viewer", f"/reports/{item.id}")
    headings = [h.text_content().strip() for h in document.xpath('//h3[@class="rpt-table-title" or starts-with(@class, "rpt-table-title")]')]
    titles = [f"{t.number}、{s.title}" for t, s in zip(formats.TABLES, formats.SECTIONS[1:4], strict=True)]
    assert [next(t for t in titles if h.startswith(t)) for h in headings] == titles
    tables = document.xpath('//table[contains(@class, "rpt-table")]')
    assert len(tables) == 3
    text = document.text_content()
    assert item.record.agency and item.record.agency in document.xpath('//h1[@id="report-title"]')[0].text_content()
    for label in (formats.BALANCE_NOTE, formats.APPLICANTS_HEADER, formats.ORGANISATIONS_HEADER, "三、本年度办理结果", "（三）不予公开", "行政复议", "未经复议直接起诉"):
        assert label in text, label
    # every value cell of the record, once, under its dotted path; merged headers keep their spans
    paths = [td.get("data-path") for td in document.xpath("//td[@data-path]")]
    assert sorted(paths) == sorted(item.record.cell_values()) and len(paths) == len(set(paths))
    note = document.xpath(f'//th[normalize-space()="{formats.BALANCE_NOTE}"]')[0]
    assert (note.get("rowspan"), note.get("colspan")) == ("3", "3")
    results = document.xpath('//th[normalize-space()="三、本年度办理结果"]')[0]
    assert int(results.get("rowspan")) > 10
    for field in ("落款日期", "2024-01-11", "2021年版", BALANCE_SAMPLE, "待审核"):
        assert field in text, field
    for link in ("record.json", "report.xlsx", "original"):
        assert document.xpath(f'//a[@href="/reports/{item.id}/{link}"]'), link
    assert document.xpath('//script[@src="/static/report.js"]')
    data = json.loads(document.xpath('//script[@id="rpt-data"]')[0].text)
    assert data["id"] == item.id and data["provenance"] == f"/api/reports/{item.id}/provenance"


def test_the_balance_finding_is_highlighted_on_its_cells(site: WebSite) -> None:
    item = stored(site, BALANCE_SAMPLE)
    findings = item.record.findings
    balance = [i for i, f in enumerate(findings) if f.rule == "balance"]
    total = next(i for i in balance if findings[i].location.get("column") == "total")
    document = page_of(site, "viewer", f"/reports/{item.id}")
    target = cell(document, BALANCE_CELL)
    assert {"has-finding", "sev-error"} <= classes(target)
    assert target.get("id") == f"cell-{BALANCE_CELL}"
    assert str(total) in target.get("data-findings", "").split()
    assert target.text_content().strip() == "2"
    # the four terms of the 总计 column's balance, and nothing outside them
    for row in ("new_received", "carried_over", "total_processed", "carried_forward"):
        assert "sev-error" in classes(cell(document, f"requests.{row}.total")), row
    for quiet in ("requests.granted.total", "requests.new_received.commercial", "review_litigation.review.total"):
        assert "has-finding" not in classes(cell(document, quiet)), quiet
    # each finding in a container with its fingerprint; expected vs actual spelled out
    for index, finding in enumerate(findings):
        container = document.xpath(f'//*[@id="finding-{index}"]')[0]
        assert container.get("data-fingerprint") == finding.fingerprint
    container = document.xpath(f'//*[@id="finding-{total}"]')[0]
    assert container.get("data-cell") and BALANCE_CELL in container.get("data-cells", "").split()
    figures = container.xpath('.//*[contains(@class, "rpt-figures")]')[0].text_content()
    assert "应为 2" in figures and "实为 0" in figures
    assert "GK203" in container.text_content() and "balance" in container.text_content()


def test_row_total_derived_and_null_cells_are_marked(site: WebSite) -> None:
    item = stored(site, ROW_TOTAL_SAMPLE)
    document = page_of(site, "viewer", f"/reports/{item.id}")
    assert {"has-finding", "sev-error"} <= classes(cell(document, BALANCE_CELL))
    derived = cell(document, "requests.withheld_state_secret.total")
    assert "rpt-derived" in classes(derived) and "推" in derived.text_content()
    assert "sev-info" in classes(derived)  # the derived_value finding (提示)

    pdf = stored(site, PDF_SAMPLE)
    document = page_of(site, "viewer", f"/reports/{pdf.id}")
    assert {"has-finding", "sev-error"} <= classes(cell(document, "review_litigation.review.total"))
    assert cell(document, "review_litigation.review.total").text_content().strip() == "0"
    null = cell(document, "requests.other_no_correction.total")  # the 2021 rows a 2019-style table leaves null
    assert pdf.record.cell_values()["requests.other_no_correction.total"] is None
    assert "rpt-null" in classes(null) and null.text_content().strip() == "空"
    zero = cell(document, "review_litigation.review.other")
    assert "rpt-null" not in classes(zero) and zero.text_content().strip() == "0"


def test_finding_cells_follow_the_location() -> None:
    record = check(SAMPLES / BALANCE_SAMPLE)
    paths = list(record.cell_values())
    column = next(f for f in record.findings if f.rule == "balance" and f.location.get("column") == "natural_person")
    assert finding_paths(column, paths) == [f"requests.{row}.natural_person" for row in ("new_received", "carried_over", "total_processed", "carried_forward")]
    view = report_view(record)
    assert set(view.highlighted) >= {BALANCE_CELL, "requests.new_received.natural_person"}
    assert all(c.severity == "error" for c in view.highlighted.values())


# ---------------------------------------------------------------- provenance


def test_provenance_returns_the_printed_text_and_its_line(site: WebSite) -> None:
    item = stored(site, BALANCE_SAMPLE)
    client = site.client("viewer")
    data = client.get(f"/api/reports/{item.id}/provenance", params={"cell": BALANCE_CELL}).json()
    printed = item.record.provenance[BALANCE_CELL]
    assert data["text"] == printed.text == "2" and data["line"] == printed.line and data["value"] == 2
    assert data["source"] == "file" and data["image"] is None
    assert "一、本年新收政府信息公开申请数量" in data["label"] and "总计" in data["label"]
    marked = [line for line in data["context"] if line["marked"]]
    assert len(marked) == 1 and marked[0]["number"] == printed.line
    start, end = marked[0]["span"]
    assert marked[0]["text"][start:end] == "2"
    assert len(data["context"]) > 3  # lines around it
    assert any(item.record.findings[i].rule == "balance" for i in data["findings"])
    raw = (SAMPLES / BALANCE_SAMPLE).read_text(encoding="utf-8").split("\n")
    assert marked[0]["text"] == raw[printed.line - 1]

    meta = client.get(f"/api/reports/{item.id}/provenance", params={"cell": "agency"}).json()
    assert meta["text"] == item.record.agency
    assert client.get(f"/api/reports/{item.id}/provenance", params={"cell": "requests.nope.total"}).status_code == 400
    missing = client.get(f"/api/reports/{item.id}/provenance")
    assert missing.status_code == 400 and "单元格" in missing.json()["detail"]


def test_provenance_of_a_pdf_cell_has_its_page_and_box(site: WebSite) -> None:
    item = stored(site, PDF_SAMPLE)
    data = site.client("viewer").get(f"/api/reports/{item.id}/provenance", params={"cell": "review_litigation.review.total"}).json()
    assert data["page"] == 4 and data["line"] == 87 and data["text"] == "0" and len(data["box"]) == 4
    assert data["image"] == f"/reports/{item.id}/page/4.png?cell=review_litigation.review.total"
    marked = next(line for line in data["context"] if line["marked"])
    start, end = marked["span"]
    cells = marked["text"].split("\t")
    assert marked["text"][start:end] == "0" and marked["text"][:start].count("\t") == 4  # the fifth printed cell: 总计
    assert cells[:2] == ["10", "1"]


def test_a_finding_naming_a_line_shows_that_line(site: WebSite) -> None:
    item = stored(site, DATE_SAMPLE)
    index, finding = next((i, f) for i, f in enumerate(item.record.findings) if f.location.get("line") and "table" not in f.location)
    document = page_of(site, "viewer", f"/reports/{item.id}")
    container = document.xpath(f'//*[@id="finding-{index}"]')[0]
    assert container.get("data-line") == str(finding.location["line"]) and not container.get("data-cell")
    data = site.client("viewer").get(f"/api/reports/{item.id}/provenance", params={"line": finding.location["line"]}).json()
    marked = next(line for line in data["context"] if line["marked"])
    assert marked["number"] == finding.location["line"] and data["source"] == "file"
    assert item.record.published and marked["text"].strip()


def test_without_the_original_the_record_text_is_shown(site: WebSite, tmp_path: Path) -> None:
    copy = tmp_path / "高安副本.txt"
    copy.write_text((SAMPLES / BALANCE_SAMPLE).read_text(encoding="utf-8") + "\n（副本）\n", encoding="utf-8")
    record = check(copy)
    site.store.save(record, str(copy), copy.stat().st_size)
    item = next(r for r in site.store.reports() if r.record.source.path == str(copy))
    client = site.client("admin")
    assert client.get(f"/reports/{item.id}/original").content == copy.read_bytes()
    copy.unlink()
    data = client.get(f"/api/reports/{item.id}/provenance", params={"cell": BALANCE_CELL}).json()
    assert data["source"] == "record" and data["text"] == "2" and "不在服务器上" in data["note"]
    assert data["context"] == [{"number": data["line"], "page": None, "text": "2", "marked": True, "span": [0, 1]}]
    gone = client.get(f"/reports/{item.id}/original")
    assert gone.status_code == 404 and "不在服务器上" in gone.json()["detail"]
    assert client.get(f"/reports/{item.id}", headers={"accept": "text/html"}).status_code == 200


# ---------------------------------------------------------------- the page drawn


def test_page_png_for_a_pdf_and_refusal_for_a_text_report(site: WebSite) -> None:
    from PIL import Image

    client = site.client("viewer")
    pdf = stored(site, PDF_SAMPLE)
    response = client.get(f"/reports/{pdf.id}/page/4.png", params={"cell": "review_litigation.review.total"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(PNG_MAGIC)
    with Image.open(io.BytesIO(response.content)) as image:
        assert max(image.size) <= 2000 and min(image.size) > 500
        colours = image.convert("RGB").getcolors(maxcolors=1 << 22) or []
        assert any(b > 180 and r < 60 and g < 120 for _n, (r, g, b) in colours)  # the blue box of the cell asked about
    assert float(response.headers["x-pixels-per-point"]) == pytest.approx(2.0)
    assert client.get(f"/reports/{pdf.id}/page/5.png").status_code == 200

    beyond = client.get(f"/reports/{pdf.id}/page/40.png")
    assert beyond.status_code == 404 and "第40页不存在" in beyond.json()["detail"]
    assert client.get(f"/reports/{pdf.id}/page/4.png", params={"cell": "x.y.z"}).status_code == 400

    text = stored(site, BALANCE_SAMPLE)
    refused = client.get(f"/reports/{text.id}/page/1.png")
    assert refused.status_code == 400
    assert "只能为PDF或扫描图片绘制" in refused.json()["detail"] and "纯文本" in refused.json()["detail"]


def test_page_png_is_bounded() -> None:
    from PIL import Image

    record = check(SAMPLES / PDF_CLEAN)
    png, drawn = page_png(record, 4, focus="requests.new_received.total", max_side=600)
    with Image.open(io.BytesIO(png)) as image:
        assert max(image.size) <= 600 and image.size == drawn.size
    assert drawn.pixels < 1.0 and drawn.cells > 0


# ---------------------------------------------------------------- downloads


def test_downloads(site: WebSite, tmp_path: Path) -> None:
    item = stored(site, BALANCE_SAMPLE)
    client = site.client("viewer")

    record = client.get(f"/reports/{item.id}/record.json")
    assert record.status_code == 200 and record.headers["content-type"].startswith("application/json")
    data = json.loads(record.content)
    assert data["agency"] == item.record.agency and data["requests"] == item.record.requests
    assert [f["rule"] for f in data["findings"]] == [f.rule for f in item.record.findings]
    disposition = record.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"2023_{item.record.agency}.json"

    workbook = client.get(f"/reports/{item.id}/report.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    book = load_workbook(io.BytesIO(workbook.content))
    assert "汇总" in book.sheetnames and "问题" in book.sheetnames and len(book.sheetnames) == 3
    path = tmp_path / "one.xlsx"
    path.write_bytes(workbook.content)
    (values,) = read_xlsx(path).values()
    assert values == item.record.cell_values()

    original = client.get(f"/reports/{item.id}/original")
    assert original.status_code == 200 and original.content == (SAMPLES / BALANCE_SAMPLE).read_bytes()
    disposition = original.headers["content-disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == BALANCE_SAMPLE
    ascii_name = re.search(r'filename="([^"]*)"', disposition)
    assert ascii_name and ascii_name.group(1).isascii() and ascii_name.group(1).endswith(".txt")

    pdf = stored(site, PDF_SAMPLE)
    original = client.get(f"/reports/{pdf.id}/original")
    assert original.content == (SAMPLES / PDF_SAMPLE).read_bytes() and original.headers["content-type"] == "application/pdf"


def test_content_disposition_is_safe() -> None:
    header = content_disposition('a"b\r\n/../c\\d<e>.txt', "report-1.txt")
    assert "\r" not in header and "\n" not in header
    ascii_part = re.search(r'filename="([^"]*)"', header)
    assert ascii_part and "/" not in ascii_part.group(1) and "\\" not in ascii_part.group(1)
    full = unquote(header.split("filename*=UTF-8''")[1])
    assert "/" not in full and '"' not in full and "\\" not in full and full.endswith(".txt")
    chinese = content_disposition("2023_高安市.xlsx", "report-6.xlsx")
    assert 'filename="report-6.xlsx"' in chinese  # an ASCII name that lost its Chinese would say nothing
    assert "filename*=UTF-8''2023_%E9%AB%98" in chinese


# ---------------------------------------------------------------- compare


def test_compare_marks_the_differing_cells(site: WebSite) -> None:
    a, b = stored(site, PDF_SAMPLE), stored(site, PDF_CLEAN)
    client = site.client("viewer")
    api = client.get("/api/compare", params={"a": a.id, "b": b.id}).json()
    values_a, values_b = a.record.cell_values(), b.record.cell_values()
    differing = {p for p in set(values_a) | set(values_b) if values_a.get(p, "无") != values_b.get(p, "无")}
    assert {d["path"] for d in api["differences"]} == differing and differing
    first = next(d for d in api["differences"] if d["path"] == "requests.new_received.total")
    assert (first["a"], first["b"]) == (values_a["requests.new_received.total"], values_b["requests.new_received.total"])
    names = {row["name"]: row for row in api["indicators"]}
    assert "本年新收申请" in names and "公开率" in names
    assert names["本年新收申请"]["a"] == values_a["requests.new_received.total"]

    document = page_of(site, "viewer", f"/compare?a={a.id}&b={b.id}")
    for side in ("a-", "b-"):
        marked = {td.get("data-path") for td in document.xpath(f'//td[starts-with(@id, "{side}cell-")]') if "rpt-diff" in classes(td)}
        present = values_a if side == "a-" else values_b
        assert marked == differing & set(present), side
    assert len(document.xpath('//table[contains(@class, "rpt-table")]')) == 6
    assert document.xpath(f'//a[@href="/reports/{a.id}"]') and document.xpath(f'//a[@href="/reports/{b.id}"]')
    assert len(document.xpath('//table[@id="compare-differences"]//tbody/tr')) == min(40, len(differing))

    same = page_of(site, "viewer", f"/compare?a={a.id}&b={a.id}")
    assert not [td for td in same.xpath("//td[@data-path]") if "rpt-diff" in classes(td)]
    assert same.xpath('//*[@id="no-differences"]')


def test_compare_one_agency_across_years(site: WebSite, tmp_path: Path) -> None:
    item = stored(site, BALANCE_SAMPLE)
    earlier = tmp_path / "2022_高安.txt"
    text = (SAMPLES / BALANCE_SAMPLE).read_text(encoding="utf-8").replace("2023年", "2022年")
    earlier.write_text(text, encoding="utf-8")
    record = check(earlier)
    assert record.year == 2022 and record.agency == item.record.agency
    site.store.save(record, str(earlier), earlier.stat().st_size)
    client = site.client("viewer")
    years = client.get("/api/compare", params={"agency": item.agency_key, "years": "2022,2023"})
    assert years.status_code == 200, years.text
    assert (years.json()["a"]["year"], years.json()["b"]["year"]) == (2022, 2023)
    page = client.get("/compare", params={"agency": item.agency_key, "years": "2022,2023"}, headers={"accept": "text/html"})
    assert page.status_code == 200 and "高安市行政服务中心管委会 2022年度" in page.text
    # the report page offers the other year
    document = page_of(site, "viewer", f"/reports/{item.id}")
    assert document.xpath('//a[starts-with(@href, "/compare?a=") and contains(., "2022年度")]')
    missing = client.get("/api/compare", params={"agency": item.agency_key, "years": "2019,2023"})
    assert missing.status_code == 404 and "2019" in missing.json()["detail"]
    assert client.get("/api/compare", params={"agency": item.agency_key, "years": "2023"}).status_code == 400
    assert client.get("/api/compare", params={"a": item.id}).status_code == 400
    form = client.get("/compare", headers={"accept": "text/html"})
    assert form.status_code == 200 and 'name="years"' in form.text


# ---------------------------------------------------------------- who sees what


def test_a_clerk_sees_only_their_own_agency(site: WebSite) -> None:
    clerk = site.client("clerk")
    reports = list(site.store.reports())
    own = [r for r in reports if r.agency_key == site.clerk_agency]
    others = [r for r in reports if r.agency_key != site.clerk_agency]
    assert own and others
    for item in own:
        assert clerk.get(f"/reports/{item.id}").status_code == 200
        assert clerk.get(f"/api/reports/{item.id}").status_code == 200
    urls = ("/reports/{}", "/api/reports/{}", "/api/reports/{}/provenance?cell=" + BALANCE_CELL, "/reports/{}/record.json",
            "/reports/{}/report.xlsx", "/reports/{}/original", "/reports/{}/page/1.png")  # fmt: skip
    for item in others:
        for url in urls:
            response = clerk.get(url.format(item.id))
            assert response.status_code == 404, url.format(item.id)
            assert response.json()["detail"] == "没有这份报告"
        assert clerk.get("/api/compare", params={"a": own[0].id, "b": item.id}).status_code == 404
        if item.agency_key:
            assert clerk.get("/api/compare", params={"agency": item.agency_key, "years": "2023,2024"}).status_code == 404
    # guessing ids beyond the last, and absurd ones, gives the same answer
    for guess in (max(r.id for r in reports) + 1, 10**6, 2**40, 0, -1):
        assert clerk.get(f"/api/reports/{guess}").status_code == 404
        assert clerk.get(f"/reports/{guess}").status_code == 404


def test_a_viewer_cannot_see_a_draft_and_nobody_unsigned(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    item = stored(site, BALANCE_SAMPLE)
    sha = item.record.source.sha256
    assert sha
    site.store.set_report_review(sha, draft=True)
    viewer = site.client("viewer")
    for url in (f"/reports/{item.id}", f"/api/reports/{item.id}", f"/reports/{item.id}/original", f"/api/reports/{item.id}/provenance?cell={BALANCE_CELL}"):
        assert viewer.get(url).status_code == 404, url
    reviewer = site.client("reviewer")
    page = reviewer.get(f"/reports/{item.id}", headers={"accept": "text/html"})
    assert page.status_code == 200 and 'id="draft-badge"' in page.text and "草稿" in page.text
    api = reviewer.get(f"/api/reports/{item.id}").json()
    assert api["review"]["draft"] is True and api["review"]["status"] == "pending"
    assert all(len(f["fingerprint"]) == 40 for f in api["findings"])
    assert api["highlighted"][BALANCE_CELL]["severity"] == "error"

    nobody = site.client()
    assert nobody.get(f"/api/reports/{item.id}").status_code == 401
    redirect = nobody.get(f"/reports/{item.id}", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"].startswith("/login")


def test_finding_reviews_reach_the_page(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    item = stored(site, BALANCE_SAMPLE)
    sha = item.record.source.sha256
    assert sha
    finding = item.record.findings[0]
    site.store.review_finding(sha, finding.fingerprint, "confirmed", "reviewer", "请改正")
    api = site.client("viewer").get(f"/api/reports/{item.id}").json()
    assert api["findings"][0]["review"]["decision"] == "confirmed" and api["findings"][0]["review"]["comment"] == "请改正"
    assert api["findings"][1]["review"] is None


# ---------------------------------------------------------------- hostile text


def test_script_in_agency_and_path_renders_as_text(site: WebSite, tmp_path: Path) -> None:
    folder = tmp_path / "<script>alert(1)<"
    folder.mkdir()
    hostile = folder / "<img src=x onerror=alert(2)>.txt"
    shutil.copyfile(SAMPLES / BALANCE_SAMPLE, hostile)
    with hostile.open("a", encoding="utf-8") as handle:
        handle.write("\n（另一份）\n")
    record = check(hostile)
    record.agency = "<script>alert(3)</script>机关"
    site.store.save(record, str(hostile), hostile.stat().st_size)
    item = next(r for r in site.store.reports() if r.record.source.path == str(hostile))
    admin = site.client("admin")
    page = admin.get(f"/reports/{item.id}", headers={"accept": "text/html"})
    assert page.status_code == 200
    for raw in ("<script>alert(1)", "<script>alert(3)", "<img src=x", "</script>机关"):
        assert raw not in page.text, raw
    assert "&lt;script&gt;alert(3)&lt;/script&gt;机关" in page.text
    assert "&lt;img src=x onerror=alert(2)&gt;.txt" in page.text
    data = lxml.html.fromstring(page.text).xpath('//script[@id="rpt-data"]')[0].text
    assert "<" not in data
    compare = admin.get("/compare", params={"a": item.id, "b": item.id}, headers={"accept": "text/html"})
    assert "<script>alert(3)" not in compare.text and "&lt;script&gt;alert(3)" in compare.text
    original = admin.get(f"/reports/{item.id}/original")
    assert original.status_code == 200 and original.content == hostile.read_bytes()
    disposition = original.headers["content-disposition"]
    assert "<" not in disposition and "\n" not in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "img src=x onerror=alert(2)_.txt"
