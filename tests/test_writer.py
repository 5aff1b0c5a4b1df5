"""The report writer (issue 12, part B): a record → the finished report as DOCX, HTML and PDF.

The proof is the round trip: every written report, read back by gongkai itself
(`gongkai.check`, the read + rules of `gongkai check`), gives exactly the record's table values,
its agency, year, template and date, and no error finding. Hypothesis draws balanced records
(every row total, （七）总计, 勾稽关系 and table-四 total holds by construction) for DOCX and
HTML; PDF (LibreOffice) runs a few fixed cases. Besides: the generated sentences are read by the
narrative checker as exactly the tables' figures, the clerk's prose is kept as written and its
figures are checked, markup in an agency's name is escaped, both templates, the legal deadline,
null cells, and the prose folder.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gongkai
from gongkai import formats, layout
from gongkai.check.rules import topic_value
from gongkai.model import Record, Source, Value
from gongkai.parse import parse
from gongkai.read import Document
from gongkai.writer import (
    CompositionError,
    WriteError,
    WriteResult,
    compose,
    examine,
    load_prose,
    section_of,
    to_docx,
    to_html,
    write_report,
)
from gongkai.writer.compose import NULL_MARK, TableBlock
from synth.generate import ReportSpec, plant, random_agency, random_report

HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# ---------------------------------------------------------------- records


def record_of(spec: ReportSpec) -> Record:
    """The record a generated report's tables make (what the ledger hands the writer)."""
    record = Record(Source(f"{spec.year}-{spec.seed}"), spec.template, spec.year, spec.agency, spec.published.isoformat())
    record.requests = {"columns": list(formats.REQUEST_COLUMN_KEYS), "rows": {k: list(v) for k, v in spec.requests.items()}}
    record.review_litigation = {k: dict(v) for k, v in spec.review.items()}
    record.active = {k: dict(v) for k, v in spec.active.items()}
    return record


def prose_of(spec: ReportSpec) -> dict[int, str]:
    """A clerk's prose: the generated report's own paragraphs per section (figures agreeing with its tables)."""
    return {number: "\n".join(spec.paragraphs(number)) for number in range(1, 7) if spec.paragraphs(number)}


counts = st.one_of(st.just(0), st.integers(1, 12), st.integers(0, 400), st.integers(0, 99_999))


@st.composite
def amounts(draw: st.DrawFn) -> int | float:
    """An amount in 万元 as a clerk enters it: whole, or with 1, 2 or 4 decimals."""
    digits = draw(st.sampled_from((0, 1, 2, 4)))
    units = draw(st.integers(0, 10**9))
    return units if digits == 0 else units / 10**digits


@st.composite
def balanced_records(draw: st.DrawFn, template: str | None = None) -> Record:
    """A record whose tables hold every equation of the format (as a ledger makes them)."""
    template = template or draw(st.sampled_from((formats.TEMPLATE_2021, formats.TEMPLATE_2019)))
    year = draw(st.integers(2021, 2035)) if template == formats.TEMPLATE_2021 else draw(st.sampled_from((2019, 2020)))
    rows = formats.request_rows(template)
    results = formats.result_row_keys(rows)
    table: dict[str, list[Value]] = {r.key: [0] * 7 for r in rows}
    for column in range(6):
        for key in results:
            table[key][column] = draw(counts)
        processed = sum(int(table[key][column] or 0) for key in results)
        forward = draw(counts)
        carried = draw(st.integers(0, processed + forward))
        table["total_processed"][column] = processed
        table["carried_forward"][column] = forward
        table["carried_over"][column] = carried
        table["new_received"][column] = processed + forward - carried
    for values in table.values():
        values[6] = sum(int(v or 0) for v in values[:6])
    review: dict[str, dict[str, Value]] = {}
    for block in formats.REVIEW_BLOCKS:
        parts = {f: draw(counts) for f in ("upheld", "corrected", "other", "pending")}
        review[block.key] = {**parts, "total": sum(parts.values())}
    active: dict[str, dict[str, Value]] = {}
    for row in formats.active_rows(template):
        active[row.key] = {
            f.key: draw(amounts()) if f.key in row.decimal else draw(st.integers(-50, 50)) if f.key in row.signed else draw(counts) for f in row.fields
        }
    agency = random_agency(random.Random(draw(st.integers(0, 2**32))))
    published = date(year + 1, 1, draw(st.integers(1, 31)))
    record = Record(Source("ledger.xlsx"), template, year, agency, published.isoformat())
    record.requests = {"columns": list(formats.REQUEST_COLUMN_KEYS), "rows": table}
    record.review_litigation = review
    record.active = active
    return record


def wrong_cells(record: Record, read: Record) -> dict[str, tuple[Value, Value]]:
    want, got = record.cell_values(), read.cell_values()
    return {path: (value, got.get(path)) for path, value in want.items() if got.get(path) != value}


def assert_round_trip(record: Record, result: WriteResult) -> Record:
    """The written file read back by gongkai: the record's values and metadata, no error or warning."""
    read = gongkai.check(result.path)
    assert not wrong_cells(record, read), list(wrong_cells(record, read).items())[:5]
    assert (read.agency, read.year, read.template, read.published) == (record.agency, record.year, record.template, record.published)
    assert [f.rule for f in read.findings if f.severity in ("error", "warning")] == []
    assert result.errors == result.warnings == 0 and not result.misread, (result.findings, result.misread)
    assert {s["number"] for s in read.sections} == set(range(1, 7))
    return read


# ---------------------------------------------------------------- round trips


@SETTINGS
@given(record=balanced_records())
def test_docx_round_trip(record: Record, tmp_path: Path) -> None:
    result = write_report(record, tmp_path / "report.docx")
    assert result.format == "docx" and result.template == record.template
    assert_round_trip(record, result)


@SETTINGS
@given(record=balanced_records())
def test_html_round_trip(record: Record, tmp_path: Path) -> None:
    result = write_report(record, tmp_path / "report.html")
    assert result.format == "html"
    assert_round_trip(record, result)


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize(
    ("seed", "template", "year"),
    [(11, formats.TEMPLATE_2021, 2023), (12, formats.TEMPLATE_2019, 2020), (13, formats.TEMPLATE_2021, 2024)],
)
def test_pdf_round_trip(seed: int, template: str, year: int, tmp_path: Path) -> None:
    spec = random_report(seed, template=template, year=year, zero_rate=0.2)
    record = record_of(spec)
    result = write_report(record, tmp_path / "report.pdf", prose=prose_of(spec) if seed == 13 else None)
    assert result.path.read_bytes().startswith(b"%PDF")
    assert_round_trip(record, result)


@pytest.mark.parametrize("seed", range(6))
def test_generated_reports_with_their_own_prose_round_trip(seed: int, tmp_path: Path) -> None:
    """A clerk's realistic prose (sub-headings, figures that agree with the tables, a listed
    total) is kept and checked without disturbing the reading."""
    spec = random_report(500 + seed, template=formats.TEMPLATE_2019 if seed % 3 == 2 else formats.TEMPLATE_2021, year=2020 if seed % 3 == 2 else 2023)
    record = record_of(spec)
    for suffix in ("docx", "html"):
        result = write_report(record, tmp_path / f"report.{suffix}", prose=prose_of(spec))
        assert_round_trip(record, result)
        assert not [n for n in result.notices if "待填写" in n]


AGENCIES = (
    "国家税务总局赣州市税务局",
    "赣州市人民政府办公室",
    "上海市浦东新区人民政府",
    "柳林镇人民政府",
    "中国证券监督管理委员会",
    "北京市西城区人民政府西长安街街道办事处",
    "水利部",
    "中共赣州市委机构编制委员会办公室",
    "广州市规划和自然资源局（广州市林业和园林局）",
    "宜春市袁州区人民政府秀江街道办事处",
)


@pytest.mark.parametrize("agency", AGENCIES)
def test_agency_names_of_every_kind_come_back(agency: str, tmp_path: Path) -> None:
    record = record_of(random_report(700, agency=agency))
    for suffix in ("docx", "html"):
        assert_round_trip(record, write_report(record, tmp_path / f"report.{suffix}"))


# ---------------------------------------------------------------- the narrative


def statements(record: Record, prose: dict[int, str] | None = None) -> list[tuple[int | None, str, int]]:
    composition = compose(record, prose)
    read = parse(Document("<composed>", "", "text/plain", composition.lines()))
    return [(s.section, s.topic, s.value) for s in read.notes.statements]


@SETTINGS
@given(record=balanced_records())
def test_every_generated_figure_is_read_as_the_table_states_it(record: Record) -> None:
    """The narrative checker reads each generated figure (so each is checked), and reads it
    as the table's: received, carried over, handled, carried forward, the six result
    categories, 行政复议 and 行政诉讼."""
    found = statements(record)
    topics = [topic for _, topic, _ in found]
    for _, topic, value in found:
        assert value == topic_value(record, topic), topic
    if all(topic_value(record, t) == 0 for t in ("new_received", "carried_over", "total_processed", "carried_forward")):
        assert topics.count("new_received") == 1
    else:
        for topic in (
            "new_received",
            "carried_over",
            "total_processed",
            "carried_forward",
            "granted",
            "partially_granted",
            "withheld",
            "unavailable",
            "rejected",
            "other",
        ):
            assert topics.count(topic) == 1, (topic, found)
    if topic_value(record, "review_total") or topic_value(record, "litigation_total"):
        assert topics.count("review_total") == topics.count("litigation_total") == 1


def test_prose_is_kept_verbatim(tmp_path: Path) -> None:
    record = record_of(random_report(21))
    prose = {
        1: "　　本机关坚持“公开为常态、不公开为例外”，全年召开专题会议3次。\n\n（一）主动公开\n通过门户网站、微信公众号 & “某某发布”等渠道发布信息；<重点领域>持续更新。",
        5: "一是解读形式单一；二是栏目更新不及时。\n下一步将加强培训，并对上一年度问题逐项整改。",
        6: "本年度未收取信息处理费。",
    }
    expected = {
        1: [
            "本机关坚持“公开为常态、不公开为例外”，全年召开专题会议3次。",
            "（一）主动公开",
            "通过门户网站、微信公众号 & “某某发布”等渠道发布信息；<重点领域>持续更新。",
        ],
        5: ["一是解读形式单一；二是栏目更新不及时。", "下一步将加强培训，并对上一年度问题逐项整改。"],
        6: ["本年度未收取信息处理费。"],
    }
    for suffix in ("docx", "html"):
        result = write_report(record, tmp_path / f"report.{suffix}", prose=prose)
        read = assert_round_trip(record, result)
        texts = {s["number"]: s["text"].splitlines() for s in read.sections}
        for number, paragraphs in expected.items():
            kept = [line.strip() for line in texts[number]]
            assert all(p in kept for p in paragraphs), (suffix, number, kept)
        assert not [n for n in result.notices if "待填写" in n]


def test_a_prose_figure_contradicting_the_table_is_a_finding_not_a_correction(tmp_path: Path) -> None:
    record = record_of(random_report(22, zero_rate=0.1))
    new = topic_value(record, "new_received")
    assert isinstance(new, int)
    sentence = f"全年共收到政府信息公开申请{new + 7}件，均在法定期限内答复。"
    for suffix in ("docx", "html"):
        result = write_report(record, tmp_path / f"report.{suffix}", prose={1: sentence})
        mismatches = [f for f in result.findings if f.rule == "narrative_mismatch"]
        assert [(f.severity, f.expected, f.actual, f.location.get("section")) for f in mismatches] == [("error", new, new + 7, 1)]
        read = gongkai.check(result.path)  # the same finding when the file is checked
        assert [(f.expected, f.actual) for f in read.findings if f.rule == "narrative_mismatch"] == [(new, new + 7)]
        assert sentence in "\n".join(s["text"] for s in read.sections)  # kept as written
        assert not wrong_cells(record, read)


@pytest.mark.parametrize("seed", range(5))
def test_planted_narrative_mismatch_in_realistic_prose_is_found(seed: int) -> None:
    spec = random_report(600 + seed, zero_rate=0.1)
    planted, what = plant(spec, "narrative", random.Random(seed))
    composition = compose(record_of(spec), prose_of(planted))
    found = [f for f in examine(composition).findings if f.rule == "narrative_mismatch"]
    assert (what.expected, what.actual) in [(f.expected, f.actual) for f in found], (what.description, found)


# ---------------------------------------------------------------- escaping


def test_markup_in_the_agency_name_and_prose_is_escaped_in_html(tmp_path: Path) -> None:
    record = record_of(random_report(23))
    record.agency = "某市<script>alert('x')</script>交通运输局"
    result = write_report(record, tmp_path / "report.html", prose={6: "<b>未收取</b>信息处理费 & <img src=x onerror=alert(1)>"})
    page = result.path.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//script") and not tree.xpath("//img") and not tree.xpath("//b")
    assert tree.xpath("string(//h1)") == f"某市<script>alert('x')</script>交通运输局{record.year}年政府信息公开工作年度报告"
    assert "<b>未收取</b>信息处理费 & <img src=x onerror=alert(1)>" in tree.text_content()


def test_control_characters_are_dropped_with_a_notice(tmp_path: Path) -> None:
    record = record_of(random_report(24))
    result = write_report(record, tmp_path / "report.docx", prose={5: "问题一\x00\x07：栏目更新不及时。"})
    assert any("控制字符" in notice for notice in result.notices)
    read = gongkai.check(result.path)
    assert "问题一：栏目更新不及时。" in next(s["text"] for s in read.sections if s["number"] == 5)


# ---------------------------------------------------------------- templates and structure


def _docx_text(path: Path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize(
    ("template", "year", "present", "absent"),
    [
        (formats.TEMPLATE_2021, 2023, ("国办公开办函〔2021〕30号", "本年制发件数", "3.其他", "本年收费金额（单位：万元）"), ("本年新制作数量", "政府集中采购")),
        (formats.TEMPLATE_2019, 2020, ("国办公开办函〔2019〕60号", "本年新制作数量", "政府集中采购", "其他对外管理服务事项"), ("本年制发件数", "3.其他")),
    ],
)
def test_each_template_writes_its_own_tables(template: str, year: int, present: tuple[str, ...], absent: tuple[str, ...], tmp_path: Path) -> None:
    record = record_of(random_report(25, template=template, year=year))
    for suffix in ("docx", "html"):
        result = write_report(record, tmp_path / f"report.{suffix}")
        text = _docx_text(result.path) if suffix == "docx" else result.path.read_text(encoding="utf-8")
        assert all(word in text for word in present), [w for w in present if w not in text]
        assert not [word for word in absent if word in text]
        assert gongkai.check(result.path).template == template


def test_the_report_has_the_official_structure() -> None:
    record = record_of(random_report(26))
    composition = compose(record, published=date(2024, 1, 19))
    lines = [line.text for line in composition.lines()]
    assert lines[0] == f"{record.agency}2023年政府信息公开工作年度报告"
    headings = [block.text for block in composition.blocks if not isinstance(block, TableBlock) and block.kind == "heading"]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    tables = [(block.section, block.grid.table.number) for block in composition.blocks if isinstance(block, TableBlock)]
    assert tables == [(2, "二"), (3, "三"), (4, "四")]
    assert lines[-2:] == [record.agency, "2024年1月19日"]
    assert "统计期限自2023年1月1日起至2023年12月31日止" in lines[1]
    assert formats.BALANCE_NOTE in "\n".join(lines)


def test_docx_tables_are_word_tables_with_the_layout_merges(tmp_path: Path) -> None:
    """Each table's merged cells are real Word merges: a w:gridSpan per cell spanning columns
    (in each of its rows), a w:vMerge restart per cell spanning rows."""
    import docx

    record = record_of(random_report(27))
    path = write_report(record, tmp_path / "report.docx").path
    document = docx.Document(str(path))
    grids = list(layout.record_tables(record))
    assert len(document.tables) == len(grids) == 3
    for table, grid in zip(document.tables, grids, strict=True):
        xml = table._tbl.xml
        spans = sum(c.rowspan for c in grid.cells if c.colspan > 1)
        assert xml.count("<w:gridSpan ") == spans
        assert xml.count('<w:vMerge w:val="restart"/>') == sum(1 for c in grid.cells if c.rowspan > 1)
        assert len(table.rows) == grid.rows
        # python-docx resolves the merges: every grid position shows its covering cell's text.
        cover = grid.cover_map()
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                want = cover[(r, c)]
                assert cell.text == (want.text if not want.is_value else layout.format_number(want.value))


# ---------------------------------------------------------------- dates


def _late(result: WriteResult) -> list[Any]:
    return [(f.severity, f.expected) for f in result.findings if f.rule == "published_late"]


def test_a_department_report_past_31_january_is_warned(tmp_path: Path) -> None:
    record = record_of(random_report(28, agency="某市交通运输局"))
    assert _late(write_report(record, tmp_path / "a.html", published=date(2024, 1, 31))) == []
    late = write_report(record, tmp_path / "b.html", published=date(2024, 2, 1))
    assert _late(late) == [("warning", "<= 2024-01-31")] and late.deadline == date(2024, 1, 31)
    assert [f.rule for f in gongkai.check(late.path).findings if f.severity != "info"] == ["published_late"]


def test_a_government_report_is_due_31_march(tmp_path: Path) -> None:
    record = record_of(random_report(29, agency="某市某县人民政府"))
    result = write_report(record, tmp_path / "a.html", published=date(2024, 3, 31))  # decided from the name
    assert _late(result) == [] and result.deadline == date(2024, 3, 31)
    assert _late(write_report(record, tmp_path / "b.html", published=date(2024, 4, 1))) == [("warning", "<= 2024-03-31")]
    # Said explicitly, whatever the name: a department's 31 January, a government's 31 March.
    assert _late(write_report(record, tmp_path / "c.html", published=date(2024, 2, 1), government_level=False)) == [("warning", "<= 2024-01-31")]
    office = record_of(random_report(29, agency="某县政务公开办公室"))
    assert _late(write_report(office, tmp_path / "d.html", published=date(2024, 3, 1), government_level=True)) == []


def test_a_date_within_the_year_reported_on_is_an_error(tmp_path: Path) -> None:
    record = record_of(random_report(30))
    result = write_report(record, tmp_path / "a.docx", published=date(2023, 12, 31))
    assert [f.rule for f in result.findings if f.severity == "error"] == ["date_before_period_end"]


def test_the_date_defaults_to_the_records_then_today() -> None:
    record = record_of(random_report(31))
    assert compose(record).published == date.fromisoformat(str(record.published))
    record.published = None
    assert compose(record).published == date.today()


# ---------------------------------------------------------------- null, unbalanced, wrong input


def test_null_cells_are_printed_as_a_dash_and_read_back_as_null(tmp_path: Path) -> None:
    record = record_of(random_report(32, zero_rate=0.1))
    record.rows["withheld_state_secret"] = [None] * 7
    record.review_litigation["litigation_direct"]["pending"] = None
    record.active["fees"]["amount"] = None
    for suffix in ("docx", "html"):
        result = write_report(record, tmp_path / f"report.{suffix}")
        read = gongkai.check(result.path)
        assert not wrong_cells(record, read)
        assert result.errors == 0 and {f.rule for f in result.findings} == {"blank_cell"}
        assert {f.rule for f in read.findings if f.severity != "info"} == {"blank_cell"}
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f">{NULL_MARK}</td>" in html
    # A figure whose cell is null is not stated (null is not zero).
    assert "收取行政事业性收费" not in "".join(line.text for line in compose(record).lines())


def test_an_unbalanced_record_is_written_as_it_is_and_reported(tmp_path: Path) -> None:
    record = record_of(random_report(33, zero_rate=0.1))
    record.rows["granted"][0] = int(record.rows["granted"][0] or 0) + 1
    record.rows["granted"][6] = int(record.rows["granted"][6] or 0) + 1
    result = write_report(record, tmp_path / "report.docx")
    assert {f.rule for f in result.findings if f.severity == "error"} == {"results_total"}
    read = gongkai.check(result.path)
    assert not wrong_cells(record, read)  # never corrected
    assert {f.rule for f in read.findings if f.severity == "error"} == {"results_total"}


def test_a_paragraph_that_reads_as_a_heading_is_reported(tmp_path: Path) -> None:
    record = record_of(random_report(34))
    result = write_report(record, tmp_path / "report.docx", prose={1: "三、收到和处理政府信息公开申请情况"})
    assert result.misread and "标题" in result.misread[0]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"agency": None}, "机关名称"),
        ({"agency": "  "}, "机关名称"),
        ({"year": None}, "年度"),
        ({"template": formats.TEMPLATE_PRE2019}, "格式"),
    ],
)
def test_a_record_that_cannot_make_a_report_is_refused(change: dict[str, Any], words: str, tmp_path: Path) -> None:
    record = record_of(random_report(35))
    for key, value in change.items():
        setattr(record, key, value)
    with pytest.raises(CompositionError, match=words):
        write_report(record, tmp_path / "report.docx")
    assert not (tmp_path / "report.docx").exists()


def test_unknown_suffix_and_section_numbers_are_refused(tmp_path: Path) -> None:
    record = record_of(random_report(36))
    with pytest.raises(CompositionError, match=r"\.docx、\.html 或 \.pdf"):
        write_report(record, tmp_path / "report.odt")
    with pytest.raises(CompositionError, match="第1至第6部分"):
        write_report(record, tmp_path / "report.docx", prose={7: "多余"})


def test_pdf_without_libreoffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.read import office

    monkeypatch.setattr(office, "soffice", lambda: None)
    with pytest.raises(WriteError, match="LibreOffice") as raised:
        write_report(record_of(random_report(37)), tmp_path / "report.pdf")
    assert "apt-get install" in str(raised.value) and "DOCX" in str(raised.value)
    assert not (tmp_path / "report.pdf").exists()


def test_an_existing_report_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    write_report(record_of(random_report(38)), out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    fresh = tmp_path / "fresh.html"
    write_report(record_of(random_report(38)), fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask  # like any new file, not a private temporary one


# ---------------------------------------------------------------- notices


def test_missing_sections_get_visible_placeholders_and_notices() -> None:
    composition = compose(record_of(random_report(39, agency="某市某区人民政府")))
    placeholders = [b.text for b in composition.blocks if not isinstance(b, TableBlock) and b.kind == "placeholder"]
    assert len(placeholders) == 2 and all(p.startswith("（待填写") for p in placeholders)
    assert "人大代表建议和政协提案" in placeholders[1]  # a government's section 六
    assert any("待填写" in n for n in composition.notices)
    given = compose(record_of(random_report(39, agency="某市某区人民政府")), {5: "栏目更新不及时。", 6: "无。"})
    assert [n for n in given.notices if "信息处理费" in n] and [n for n in given.notices if "考核" in n]


# ---------------------------------------------------------------- the prose folder


def test_load_prose_by_number_numeral_or_title(tmp_path: Path) -> None:
    (tmp_path / "1.md").write_text("# 一、总体情况\n\n本机关全年主动公开信息120条。\n", encoding="utf-8")
    (tmp_path / "五、存在的主要问题.txt").write_bytes("存在的主要问题及改进情况\n一是解读不够。\n".encode("gb18030"))
    (tmp_path / "其他需要报告的事项.md").write_text("\ufeff本年度未收取信息处理费。", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"ignored")
    (tmp_path / ".hidden.md").write_text("ignored", encoding="utf-8")
    assert load_prose(tmp_path) == {1: "本机关全年主动公开信息120条。", 5: "一是解读不够。", 6: "本年度未收取信息处理费。"}


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("1", 1),
        ("06", 6),
        ("3-依申请", 3),
        ("一", 1),
        ("第四部分", 4),
        ("总体情况", 1),
        ("存在的主要问题及改进情况", 5),
        ("行政复议行政诉讼", 4),
        ("readme", None),
        ("7", None),
        ("12", None),
    ],
)
def test_section_of_a_file_name(name: str, section: int | None) -> None:
    assert section_of(name) == section


def test_load_prose_refuses_what_it_cannot_place(tmp_path: Path) -> None:
    (tmp_path / "readme.md").write_text("说明", encoding="utf-8")
    with pytest.raises(CompositionError, match=r"readme\.md"):
        load_prose(tmp_path)
    (tmp_path / "readme.md").unlink()
    (tmp_path / "1.md").write_text("甲", encoding="utf-8")
    (tmp_path / "总体情况.txt").write_text("乙", encoding="utf-8")
    with pytest.raises(CompositionError, match="只保留一个"):
        load_prose(tmp_path)
    with pytest.raises(CompositionError, match="找不到"):
        load_prose(tmp_path / "missing")


def test_a_first_line_that_is_not_the_heading_is_kept(tmp_path: Path) -> None:
    (tmp_path / "1.md").write_text("总体情况良好，全年未发生泄密事件。\n第二段。", encoding="utf-8")
    assert load_prose(tmp_path) == {1: "总体情况良好，全年未发生泄密事件。\n第二段。"}


def test_html_and_docx_bytes_are_made_in_memory() -> None:
    composition = compose(record_of(random_report(40)))
    assert to_docx(composition)[:2] == b"PK"
    page = to_html(composition).decode("utf-8")
    assert page.count("<table") == 3 and re.search(r'<td rowspan="3" colspan="3" class="note">', page)
