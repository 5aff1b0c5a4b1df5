"""One minimal example per failure class of text copied from real web pages (issue 8).

Each case is the text as a user's tool hands it over and the cells it must give. A cell the
text does not determine must come back null, never as another number.
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import corpus_params, load_truth, truth_files

import gongkai
from gongkai import formats
from gongkai.model import cell_values
from gongkai.parse import jointly, resolve
from gongkai.parse.tokens import Token, page_footers, starts_a_row, tokenize, tokenize_cell, unbox
from gongkai.read import Line

ROWS = formats.REQUEST_ROWS_2021
ZERO_ROWS = {row.key: [0] * 7 for row in ROWS}


def requests_with(**rows: list[int]) -> dict[str, list[int]]:
    """A balanced table 三: new_received/total_processed follow the rows given."""
    table = {key: list(values) for key, values in ZERO_ROWS.items()}
    table.update(rows)
    return table


def table3_lines(table: dict[str, list[int]], sep: str, lead: str = "", tail: str = "") -> list[str]:
    return [f"{lead}{row.label}{sep}{sep.join(str(v) for v in table[row.key])}{tail}" for row in ROWS]


HEAD = "某县林业局2023年政府信息公开工作年度报告"
SECTION3 = "三、收到和处理政府信息公开申请情况"
REVIEW_SECTION = "四、政府信息公开行政复议、行政诉讼情况"
HEADER = "申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他"
TABLE = requests_with(
    new_received=[53, 0, 0, 1, 0, 3, 57],
    granted=[40, 0, 0, 1, 0, 3, 44],
    partially_granted=[13, 0, 0, 0, 0, 0, 13],
    total_processed=[53, 0, 0, 1, 0, 3, 57],
)


def flattened_table3(table: dict[str, list[int]], **printed: str) -> str:
    """A report whose table 三 is flattened onto one line, each row glued to its label; the rows
    named in `printed` print that text instead of their values."""
    lines = [f"{row.label}{printed[row.key]}" if row.key in printed else line for row, line in zip(ROWS, table3_lines(table, ""), strict=True)]
    return f"{HEAD}{SECTION3}{HEADER.replace(' ', '')}{''.join(lines)}{REVIEW_SECTION}"


def read(text: str) -> gongkai.Record:
    return gongkai.check_text(text)


def assert_table(record: gongkai.Record, table: dict[str, list[int]], *, allow_null: bool = False) -> None:
    rows = record.requests["rows"]
    for key, values in table.items():
        got = rows[key]
        assert got is not None, key
        for column, (want, have) in enumerate(zip(values, got)):
            if allow_null and have is None:
                continue
            assert have == want, (key, formats.REQUEST_COLUMN_KEYS[column], want, have)


def test_flattened_page_runs_cells_together() -> None:
    """Class 1: the whole report on one line, cells run together; the arithmetic splits them."""
    body = "".join(table3_lines(TABLE, ""))
    text = f"{HEAD}一、总体情况本机关切实提升工作质效。{SECTION3}{HEADER.replace(' ', '')}{body}四、政府信息公开行政复议、行政诉讼情况"
    record = read(text)
    assert record.requests["rows"]["new_received"] == [53, 0, 0, 1, 0, 3, 57]
    assert_table(record, TABLE)
    note = record.notes.cells["requests.new_received.natural_person"]
    assert note.status == "split"


def test_flattened_table_two_unique_and_ambiguous() -> None:
    """Class 1, table 二: "000" can only be 0 0 0; "5183207" has many readings and stays null."""
    text = (
        f"{HEAD}二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        "规章 000行政规范性文件5183207第二十条第（五）项信息内容本年处理决定数量行政许可12"
        f"{SECTION3}"
    )
    record = read(text)
    assert record.active["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert record.active["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}
    assert record.active["licensing"]["decisions"] == 12


FLAT_TABLE_TWO = (
    "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
    "规章 000行政规范性文件5183207第二十条第（五）项信息内容本年处理决定数量行政许可12"
)


@pytest.mark.parametrize(
    ("narrative", "expected"),
    [
        # The stated 制发 cuts 5183207 one way only: 51 | 8 | 3207 would need 制发 51.
        ("本年度制发行政规范性文件5件，废止18件。", {"issued": 5, "repealed": 18, "in_force": 3207}),
        # One stated figure settles its own cell; the other two still have several readings.
        ("本年度制发行政规范性文件5件。", {"issued": 5, "repealed": None, "in_force": None}),
        # A figure no reading gives (an error of the narrative's) settles nothing.
        ("本年度制发行政规范性文件6件。", {"issued": None, "repealed": None, "in_force": None}),
        # A figure of something else settles nothing either.
        ("本年度公开规范性文件解读5篇。", {"issued": None, "repealed": None, "in_force": None}),
    ],
)
def test_flattened_table_two_cut_by_the_narrative(narrative: str, expected: dict[str, int | None]) -> None:
    """Table 二 has no sums; the figures the narrative states are the equations that cut its
    digits run together, and a cell so cut says so."""
    record = read(f"{HEAD}一、总体情况（一）主动公开{narrative}{FLAT_TABLE_TWO}{SECTION3}")
    assert record.active["normative_documents"] == expected
    settled = [f for f, v in expected.items() if v is not None]
    for field in settled:
        note = record.notes.cells[f"active.normative_documents.{field}"]
        assert note.status == "split" and "正文所述数字" in (note.detail or ""), note
    mismatches = [f for f in record.findings if f.rule == "narrative_mismatch"]
    assert not mismatches or expected["issued"] is None


def test_table_two_cut_short_with_a_number_in_its_wrapped_header() -> None:
    """A header's year wrapped onto a line of its own (「本年(2」「023)」) prints a number before
    the first row; with the last row cut off the count of numbers is exact, yet the rows whose
    labels stand keep their own numbers: nothing is shifted by position."""
    lines = [
        "二、主动公开政府信息情况",
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t本年(2",
        "023)",
        "废止件数\t现行有效件数",
        "规章\t0\t0\t0",
        "行政规范性文件\t164\t0\t164",
        "第二十条第（五）项\t\t\t",
        "信息内容\t本年处理决定数量\t\t",
        "行政许可\t3\t\t",
        "第二十条第（六）项\t\t\t",
        "信息内容\t本年处理决定数量\t\t",
        "行政处罚\t0\t\t",
        "行政强制\t49\t\t",
    ]
    record = read(HEAD + "\n".join(lines))
    assert record.active["normative_documents"] == {"issued": 164, "repealed": 0, "in_force": 164}
    assert [record.active[k]["decisions"] for k in ("licensing", "punishment", "coercion")] == [3, 0, 49]
    assert record.active["fees"]["amount"] is None


def test_flattened_table_two_whose_blanks_vanished() -> None:
    """Blank cells printed as nothing, then flattened: "规章0" proves that this document's blanks
    leave no trace, so "规范性文件213" (truly _ 213 _) is no longer cut into 2 1 3."""
    text = (
        f"{HEAD}二、主动公开政府信息情况 第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量"
        "规章0规范性文件213第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可0其他对外管理服务事项20"
        f"{SECTION3}"
    ).replace("2023年", "2020年")
    record = read(text)
    assert record.active["normative_documents"] == {"made": None, "published": None, "total": None}


def test_page_counter_glued_to_the_last_cell_of_a_row() -> None:
    """"4246/8第二十条" is 4 2 4 with the page counter 6/8 glued on, or 4246, a blank "/" and 8:
    seen once, nothing tells which, so the row stays null rather than read as 4246 / 8."""
    text = (
        f"{HEAD}二、主动公开政府信息情况 第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量"
        "规章41414规范性文件4246/8第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可15-15917"
        f"{SECTION3}"
    ).replace("2023年", "2019年")
    record = read(text)
    assert record.active["normative_documents"] == {"made": None, "published": None, "total": None}
    assert any("页码" in f.message for f in record.findings if f.rule == "cell_unreadable")


@pytest.mark.parametrize(
    "sep, lead, tail",
    [(" | ", "", " |"), ("|", "", "|"), ("\t", "", "")],
    ids=["markdown-no-leading-pipe", "pipes-no-spaces", "tabs"],
)
def test_pipe_rows_without_leading_pipe(sep: str, lead: str, tail: str) -> None:
    """Class 2: `一、本年新收… | 41 | 5 | 0 | 0 | 2 | 0 | 48 |`."""
    text = "\n".join([HEAD, SECTION3, HEADER, *table3_lines(TABLE, sep, lead, tail)])
    assert_table(read(text), TABLE)


def test_lone_pipe_lines_between_values() -> None:
    """Class 3: one cell per line with a lone `|` between, and blank cells collapsed into `||||||`."""
    lines = [HEAD, SECTION3, HEADER]
    for row in ROWS:
        lines.append(row.label)
        values = TABLE[row.key]
        if row.key == "carried_over":
            lines += ["|", "0", "||||||", "0"]  # five blank cells between the first and the total
            continue
        for value in values:
            lines += ["|", str(value)]
        lines.append("|")
    record = read("\n".join(lines))
    assert record.requests["rows"]["carried_over"] == [0, None, None, None, None, None, 0]
    assert record.notes.cells["requests.carried_over.commercial"].status == "blank"
    assert_table(record, {k: v for k, v in TABLE.items() if k != "carried_over"})


def test_lone_pipe_lines_around_an_empty_line() -> None:
    """One cell per line between lone `|` lines: an empty line there is an empty cell, even the
    row's first — the numbers after it stay in their columns."""
    lines = [HEAD, SECTION3, HEADER]
    for row in ROWS:
        lines.append(row.label)
        values: list[int | None] = list(TABLE[row.key])
        if row.key == "new_received":
            values[0] = None  # 自然人 printed blank
        for value in values:
            lines += ["|", "" if value is None else str(value)]
        lines.append("|")
    rows = read("\n".join(lines)).requests["rows"]
    assert rows["new_received"] == [None, 0, 0, 1, 0, 3, 57]
    assert_table(read("\n".join(lines)), {k: v for k, v in TABLE.items() if k != "new_received"})


def test_units_signs_and_notes_in_cells() -> None:
    """Class 4: `87.2315万元`, `18（其中修订 9 件）`, `41（含自然失效 12 件）`, `１２`, `1,234`."""
    text = "\n".join(
        [
            HEAD,
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
            "规章\t0\t0\t3",
            "行政规范性文件\t18（其中修订 9 件）\t41（含自然失效 12 件）\t1,234",
            "第二十条第（五）项",
            "信息内容\t本年处理决定数量",
            "行政许可\t１２",
            "第二十条第（八）项",
            "信息内容\t本年收费金额（单位：万元）",
            "行政事业性收费\t87.2315万元",
            SECTION3,
        ]
    )
    record = read(text)
    assert record.active["normative_documents"] == {"issued": 18, "repealed": 41, "in_force": 1234}
    assert record.active["licensing"]["decisions"] == 12
    assert record.active["fees"]["amount"] == 87.2315
    assert record.provenance["active.fees.amount"].text == "87.2315万元"


def test_signed_changes_in_2019_table_two() -> None:
    """Class 4 and 8: `+3`, `--117` in the 2019 本年增/减 column; 政府集中采购 read."""
    text = "\n".join(
        [
            "某县林业局2020年政府信息公开工作年度报告",
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
            "规章\t0\t0\t0",
            "规范性文件\t2\t2\t10",
            "第二十条第（五）项",
            "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
            "行政许可\t20\t+3\t400",
            "其他对外管理服务事项\t5\t0\t7",
            "第二十条第（六）项",
            "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
            "行政处罚\t300\t--117\t1,234",
            "行政强制\t4\t-1\t2",
            "第二十条第（八）项",
            "信息内容\t上一年项目数量\t本年增/减",
            "行政事业性收费\t3\t0",
            "第二十条第（九）项",
            "信息内容\t采购项目数量\t采购总金额",
            "政府集中采购\t12\t345.67",
            SECTION3,
        ]
    )
    record = read(text)
    assert record.active["licensing"] == {"previous": 20, "change": 3, "decisions": 400}
    assert record.active["punishment"] == {"previous": 300, "change": -117, "decisions": 1234}
    assert record.active["procurement"] == {"items": 12, "amount": 345.67}


def test_signed_change_glued_in_a_flattened_2019_table_two() -> None:
    """"行政事业性收费8-8": the row has two cells; read as a blank's dash, "-" would make a third
    value, so it is the minus: 8, -8. "行政强制2-230" (three cells) stays open but for its
    first cell: 2 -2 30, 2 -23 0 and 2 _ 230 all fit (a minus is 本年增/减's, never 处理决定数量's)."""
    text = (
        "某县林业局2020年政府信息公开工作年度报告二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量"
        "本年新公开数量对外公开总数量规章000规范性文件344第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量"
        "行政许可000其他对外管理服务事项000第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量行政处罚000"
        f"行政强制2-230第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费8-8{SECTION3}"
    )
    active = read(text).active
    assert active["fees"] == {"previous": 8, "change": -8}
    assert active["coercion"] == {"previous": 2, "change": None, "decisions": None}


@pytest.mark.parametrize("header", ["本年(2023)制发件数", "本年新制发件数", "本年发文件数"])
def test_header_variants_keep_the_template(header: str) -> None:
    """Class 6: header variants still give the 2021 template and its table 二."""
    text = "\n".join(
        [
            HEAD,
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            f"信息内容\t{header}\t本年废止件数\t现行有效件数",
            "规章\t0\t0\t3",
            "行政规范性文件\t5\t1\t20",
            SECTION3,
            HEADER,
            *table3_lines(TABLE, "\t"),
        ]
    )
    record = read(text)
    assert record.template == formats.TEMPLATE_2021
    assert record.active["normative_documents"] == {"issued": 5, "repealed": 1, "in_force": 20}


def test_table_cut_short_after_row_one() -> None:
    """Class 10: only row 一 printed; its values go to row 一, never to （七）总计."""
    text = "\n".join([HEAD, SECTION3, HEADER, table3_lines(TABLE, "\t")[0]])
    record = read(text)
    rows = record.requests["rows"]
    assert rows["new_received"] == [53, 0, 0, 1, 0, 3, 57]
    for key in ("total_processed", "carried_forward", "granted"):
        assert rows[key] is None or all(v is None for v in rows[key]), key


def test_page_footer_inside_a_flattened_table() -> None:
    """A page footer `— 4 —` between the cells of a row is not a value."""
    lines = table3_lines(TABLE, " ")
    lines[3] = lines[3] + " — 4 —"
    text = "\n".join([HEAD, SECTION3, HEADER, *lines])
    assert_table(read(text), TABLE)


def test_values_between_dash_blanks_are_not_page_footers() -> None:
    """A flattened page: "3—1—206" and "4—2—006" hold "—1—", "—2—", like the footers of two
    consecutive pages, but two pages' footers are never a few characters apart: they are
    cells between blanks printed as dashes."""
    table = requests_with(granted=[3, 0, 1, 0, 2, 0, 6], partially_granted=[4, 0, 2, 0, 0, 0, 6])
    table["new_received"] = table["total_processed"] = [7, 0, 3, 0, 2, 0, 12]
    text = flattened_table3(
        table, **{key: f"{table[key][0]}—{table[key][2]}—{''.join(str(v) for v in table[key][4:])}" for key in ("granted", "partially_granted")}
    )
    assert page_footers([Line(1, text)]) is None
    rows = read(text).requests["rows"]
    assert rows["partially_granted"] == [4, None, 2, None, 0, 0, 6]
    for got, want in zip(rows["granted"] or [None] * 7, [3, None, 1, None, 2, 0, 6], strict=True):
        assert got is None or got == want  # a cell lost between the dashes is one of its readings


def test_value_between_dash_blanks_a_space_apart_is_no_page_footer() -> None:
    """「68 — 37 — — — 105」 (a flattened page that keeps single spaces, blanks printed 「—」): the
    「— 37 —」 in it looks like a page footer, but a footer stands apart from the dash of another
    cell; here 37 is a cell, and no digits are left to cut."""
    table = requests_with(new_received=[68, 0, 37, 0, 0, 0, 105], granted=[68, 0, 37, 0, 0, 0, 105])
    table["total_processed"] = table["new_received"]
    printed = {key: " ".join("—" if v == 0 and c not in (0, 6) else str(v) for c, v in enumerate(table[key])) for key in ("new_received", "granted")}
    text = " ".join([HEAD, SECTION3, HEADER, *(f"{row.label} {printed.get(row.key, ' '.join(str(v) for v in table[row.key]))}" for row in ROWS), REVIEW_SECTION])
    rows = read(text).requests["rows"]
    assert rows["new_received"] == rows["granted"] == [68, None, 37, None, None, None, 105]


def test_flattened_dash_blanks_glued_before_digits() -> None:
    """Blanks printed "-" on a flattened page: "40-010344" is 40, a blank, 0 1 0 3 44 — the dash
    glued to the digits is no minus sign (table 三 counts are never negative); the row and
    column sums decide the cut, the blank stays null."""
    table = requests_with(
        new_received=[53, 0, 0, 1, 0, 3, 57],
        granted=[40, 0, 0, 1, 0, 3, 44],
        partially_granted=[13, 0, 0, 0, 0, 0, 13],
        total_processed=[53, 0, 0, 1, 0, 3, 57],
    )
    record = read(flattened_table3(table, granted="40-010344"))
    assert record.requests["rows"]["granted"] == [40, None, 0, 1, 0, 3, 44]
    assert record.requests["rows"]["new_received"] == [53, 0, 0, 1, 0, 3, 57]


def test_flattened_slash_blank_that_looks_like_a_page_counter() -> None:
    """"10100015/35" ends a row: 10 10 0 0 15, a blank "/" and 35 — or 1010001 with the page
    counter "5/35" (or 101000 with "15/35") glued to it. The row and column sums keep only
    the first; the blank stays null."""
    table = requests_with(
        new_received=[10, 10, 0, 0, 15, 0, 35],
        granted=[10, 10, 0, 0, 15, 0, 35],
        total_processed=[10, 10, 0, 0, 15, 0, 35],
    )
    rows = read(flattened_table3(table, granted="10100015/35")).requests["rows"]
    assert rows["granted"] == [10, 10, 0, 0, 15, None, 35]
    assert rows["new_received"] == [10, 10, 0, 0, 15, 0, 35]


def test_flattened_dash_blanks_right_after_the_label() -> None:
    """"四、结转下年度继续办理－－10001": the dashes follow the label, so the tokenizer sees a signed
    number; table 三 counts are never negative, and two blanks before 1 0 0 0 1 fit the sums."""
    table = requests_with(new_received=[0, 0, 1, 0, 0, 0, 1], carried_forward=[0, 0, 1, 0, 0, 0, 1])
    rows = read(flattened_table3(table, carried_forward="－－10001")).requests["rows"]
    assert rows["carried_forward"] == [None, None, 1, 0, 0, 0, 1]


def test_flattened_thousands_separators_glued_to_other_cells() -> None:
    """"1,234001031,238": a separator is followed by three digits and its number starts one to
    three digits before it, so this is 1,234, then 0 0 1 0 3 run together, then 1,238."""
    table = requests_with(
        new_received=[1234, 0, 0, 1, 0, 3, 1238],
        granted=[1234, 0, 0, 1, 0, 3, 1238],
        total_processed=[1234, 0, 0, 1, 0, 3, 1238],
    )
    record = read(flattened_table3(table).replace("1234", "1,234").replace("1238", "1,238"))
    for key in ("new_received", "granted", "total_processed"):
        assert record.requests["rows"][key] == [1234, 0, 0, 1, 0, 3, 1238], key


def test_cut_short_after_a_row_label_cut_by_stray_spaces() -> None:
    """The excerpt stops after row 一, whose label stray ideographic spaces cut into pieces
    (「一、本年　新　收政　府信息公开申请数量」): its numbers are row 一's, not row 二's."""
    values = "\n|\n".join(str(v) for v in TABLE["new_received"])
    text = f"{HEAD}\n{SECTION3}\n{HEADER}\n一、本年　新　收政　府信息公开申请数量\n|\n{values}\n"
    rows = read(text).requests["rows"]
    assert rows["new_received"] == TABLE["new_received"]
    assert rows["carried_over"] is None or all(v is None for v in rows["carried_over"])


def test_cut_short_after_a_row_whose_label_names_two_rows() -> None:
    """The excerpt keeps one row of numbers under 「政府信息公开申请数量」, which names row 一
    (本年新收…) and row 二 (上年结转…) alike: where they belong is not known, so neither row
    gets them."""
    values = "\t".join(str(v) for v in TABLE["new_received"])
    text = f"{HEAD}\n{SECTION3}\n{HEADER}\n政府信息公开申请数量\t{values}\n"
    rows = read(text).requests["rows"]
    for key in ("new_received", "carried_over"):
        assert rows[key] is None or all(v is None for v in rows[key]), key


def test_list_marker_after_a_dash_blank() -> None:
    """"…01--0-15.属于三类…": the 5 numbers the next row; "-1" is a 1 after a blank (or a minus)."""
    tokens = tokenize([Line(1, "4.保护第三方合法权益01--0-15.属于三类内部事务信息")], 7)
    assert [t.text for t in tokens if t.is_value] == ["01", "--0", "-1"]
    assert tokens[-1].kind == "label" and tokens[-1].text.startswith("5")


@pytest.mark.parametrize("mark", ["/", "\\", "／"])
def test_flattened_blank_marks_glued_to_the_label(mark: str) -> None:
    """"5.属于三类内部事务信息///3/47": the marks run straight on from the label, yet each is a
    blank cell (inside words, "本年增/减", a slash stays part of the label)."""
    tokens = tokenize([Line(1, f"5.属于三类内部事务信息{mark * 3}3{mark}47")], 7)
    assert [(t.kind, t.text) for t in tokens if t.is_value] == [("null", mark)] * 3 + [("num", "3"), ("null", mark), ("num", "47")]
    assert [t.kind for t in tokenize([Line(1, "本年增/减处理决定数量")], 3)] == ["label"]


def test_flattened_blanks_marked_elsewhere_hide_none_among_glued_digits() -> None:
    """A flattened page whose blank cells print "/", 总计 left blank on two rows: "1100000/" is
    1 10 0 0 0 0 or 11 0 0 0 0 0 alone, and the columns leave the pair open either way round.
    Were a blank printed as nothing possible too, any of the zeros might be it; the document
    prints its blanks with a mark, so the zeros, which every combination without one agrees
    on, are read."""
    table = requests_with(
        new_received=[12, 10, 0, 0, 0, 0, 22],
        granted=[1, 10, 0, 0, 0, 0, 11],
        partially_granted=[11, 0, 0, 0, 0, 0, 11],
        total_processed=[12, 10, 0, 0, 0, 0, 22],
    )
    rows = read(flattened_table3(table, granted="1100000/", partially_granted="1100000/")).requests["rows"]
    for key in ("granted", "partially_granted"):
        assert rows[key] == [None, None, 0, 0, 0, 0, None], key
    assert rows["new_received"] == [12, 10, 0, 0, 0, 0, 22]


def test_section_heading_running_into_its_prose_at_a_line_start() -> None:
    """A page flattened into a few lines, one break kept just before a heading: "一、总体情况本机关坚持…。"
    and "六、其他需要报告的事项按照…。" start their lines and run into their prose; each is still its
    section (and no false 缺少第六部分 follows)."""
    filler = "本机关坚持以公开为常态、不公开为例外，围绕中心工作做好政府信息公开。"
    text = "\n".join(
        [
            f"{HEAD}本报告根据《中华人民共和国政府信息公开条例》编制。",
            f"一、总体情况{filler}二、主动公开政府信息情况{filler}{SECTION3}{filler}{REVIEW_SECTION}{filler}五、存在的主要问题及改进情况{filler}",
            f"六、其他需要报告的事项按照《政府信息公开信息处理费管理办法》规定，本年度没有产生信息公开处理费。{filler}",
        ]
    )
    record = read(text)
    assert [section["number"] for section in record.sections] == [1, 2, 3, 4, 5, 6]
    assert "section_missing" not in {f.rule for f in record.findings}


@pytest.mark.parametrize("before", [" 0 0 0 0 0 0 0\n", "／／／／／／／"])
def test_section_heading_running_into_its_table_at_a_page_break(before: str) -> None:
    """A heading whose table's header runs on after it on the line, the page's footer and form
    feed closing the line (or glued after a row of blank marks): still its section."""
    filler = "本机关坚持以公开为常态、不公开为例外，围绕中心工作做好政府信息公开。"
    sections = f"一、总体情况{filler}\n二、主动公开政府信息情况{filler}\n{SECTION3}{filler}\n四、结转下年度继续办理{before}"
    review = f"{REVIEW_SECTION} 行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 -7- \f 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
    text = f"{HEAD}\n{sections}{review}五、存在的主要问题及改进情况 {filler}\n六、其他需要报告的事项\n{filler}"
    record = read(text)
    assert "section_missing" not in {f.rule for f in record.findings}, [f.message for f in record.findings]


def test_row_total_before_a_wrapped_group_label_starting_like_a_row() -> None:
    """「…行政 23 0 0 0 0 0 23 其他处 机关不再处理…申请 理 2.申请人…」 (LibreOffice's PDF through
    pdftotext -layout, spaces joined): the 3 of 23 is no list marker of 「3.其他」 — 「其他处」 is
    the wrapped group label 「其他处理」."""
    rows = dict(TABLE)
    rows["other_no_correction"] = [23, 0, 0, 0, 0, 0, 23]
    rows["new_received"] = [76, 0, 0, 1, 0, 3, 80]
    rows["total_processed"] = [76, 0, 0, 1, 0, 3, 80]
    lines = table3_lines(rows, " ")
    at = next(i for i, row in enumerate(ROWS) if row.key == "other_no_correction")
    lines[at] = "（六） 1.申请人无正当理由逾期不补正、行政 23 0 0 0 0 0 23 其他处 机关不再处理其政府信息公开申请 理"
    lines[at + 1] = "2.申请人逾期未按收费通知要求缴纳费 0 0 0 0 0 0 0 用、行政机关不再处理其政府信息公 开申请"
    record = read(" ".join([HEAD, SECTION3, HEADER, *lines, REVIEW_SECTION]))
    assert record.requests["rows"]["other_no_correction"] == [23, 0, 0, 0, 0, 0, 23]


def test_table_two_labels_listed_apart_from_its_numbers() -> None:
    """LibreOffice's PDF through pdftotext's reading order: table 二's row labels first, then the
    numbers under the headers. No number is placed by where it stands — null, never the
    numbers in the template's order."""
    text = (
        f"{HEAD} 二、主动公开政府信息情况 本部分以表格形式报告。 信息内容 规章 行政规范性文件 信息内容 行政许可 信息内容 "
        "行政处罚 行政强制 信息内容 第二十条第（一）项 本年制发件数 本年废止件数 0 0 3 1 第二十条第（五）项 本年处理决定数量 238 "
        "第二十条第（六）项 本年处理决定数量 18 1 第二十条第（八）项 本年收费金额（单位：万元） 现行有效件数 0 4 行政事业性收费 "
        f"63401.37 {SECTION3}"
    )
    active = read(text).active
    for row in ("regulations", "normative_documents", "licensing", "punishment", "coercion"):
        assert set(active[row].values()) == {None}, (row, active[row])


def test_section_heading_announcing_its_table_on_the_same_line() -> None:
    """「四、政府信息公开行政复议、行政诉讼情况本机关…情况如下：行政复议行政诉讼结果维持…」 on one
    line (a flattened page that kept a few breaks): the heading is still its section."""
    filler = "本机关坚持以公开为常态、不公开为例外，围绕中心工作做好政府信息公开。"
    review = f"{REVIEW_SECTION}本机关政府信息公开行政复议、行政诉讼情况如下：行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计" + "0" * 15
    text = "\n".join(
        [f"{HEAD}一、总体情况{filler}二、主动公开政府信息情况{filler}{SECTION3}{filler}", review, f"五、存在的主要问题及改进情况{filler}六、其他需要报告的事项{filler}"]
    )
    assert "section_missing" not in {f.rule for f in read(text).findings}


def test_flattened_2019_change_whose_dash_may_be_a_minus() -> None:
    """"行政许可14-147" before a page break and the table's header again: 14 −14 7, 14 −1 47
    and 14 _ 147 all fit, so the row stays open but for 14 — never 1 4 (the "14" cut apart, the
    dashed number left out)."""
    text = (
        "某县林业局2019年政府信息公开工作年度报告二、主动公开政府信息情况第二十条第（一）项|信息内容本年新制作数量本年新公开数量"
        "对外公开总数量规章000|规范性文件000第二十条第（五）项|信息内容上一年项目数量本年增/减处理决定数量行政许可14-147"
        "第2页\xa0共8页\f第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量|其他对外管理服务事项0110"
        f"第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量|行政处罚3817|{SECTION3}"
    )
    assert read(text).active["licensing"] == {"previous": 14, "change": None, "decisions": None}


def test_2019_report_with_unfamiliar_headers_keeps_its_format() -> None:
    """Table 二 headers worded "本年制作数量 本年公开数量 对外公开总数", "上一年度项目数量",
    "本年增（减）": still the 2019 format — and a 2019 report cannot use the 2021 one."""
    text = (
        "某县商务局2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n"
        "信息内容\t本年制作数量\t本年公开数量\t对外公开总数\n规章\t0\t0\t0\n规范性文件\t2\t0\t36\n"
        "第二十条第（五）项\n信息内容\t上一年度项目数量\t本年增（减）\t本年处理决定数量\n行政许可\t14\t-14\t6\n"
    )
    record = read(text)
    assert record.template == formats.TEMPLATE_2019
    assert record.active["normative_documents"] == {"made": 2, "published": 0, "total": 36}
    assert record.active["licensing"] == {"previous": 14, "change": -14, "decisions": 6}




@pytest.mark.parametrize(
    "layout",
    [
        # A row per block, the header printed once.
        "\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n行政复议\t1\t0\t0\t1\t2\n未经复议直接起诉\t0\t1\t0\t0\t1\n复议后起诉\t0\t0\t0\t0\t0",
        # On its side: a row per result, a column per block.
        "\t行政复议\t未经复议直接起诉\t复议后起诉\n结果维持\t1\t0\t0\n结果纠正\t0\t1\t0\n其他结果\t0\t0\t0\n尚未审结\t1\t0\t0\n总计\t2\t1\t0",
    ],
    ids=["row-per-block", "transposed"],
)
def test_table_four_other_shapes(layout: str) -> None:
    """Table 四 as some agencies print it: by block, or turned on its side."""
    text = "\n".join([HEAD, SECTION3, HEADER, *table3_lines(TABLE, "\t"), REVIEW_SECTION, layout, "五、存在的主要问题及改进情况", "无。"])
    review = read(text).review_litigation
    assert review["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}
    assert review["litigation_direct"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}
    assert review["litigation_after_review"]["total"] == 0


def test_tab_row_with_exactly_its_cells_after_the_label_keeps_blank_edges() -> None:
    """A tab-separated row whose blank cells print as nothing: "\t\t3.要求提供公开出版物\t\t\t0\t0\t0\t0\t"
    has exactly seven cells after its label, so the empty ones at either edge are blank cells,
    not padding; a row with more (its label's merged columns) keeps only what it lacks."""
    tokens = tokenize([Line(1, "\t\t3.要求提供公开出版物\t\t\t0\t0\t0\t0\t")], 7)
    assert [(t.kind, t.text) for t in tokens if t.is_value] == [("null", "")] * 2 + [("num", "0")] * 4 + [("null", "")]
    padded = tokenize([Line(1, "\t（一）予以公开\t\t\t0\t0\t0\t0\t0\t0")], 7)
    assert [(t.kind, t.text) for t in padded if t.is_value] == [("null", "")] + [("num", "0")] * 6


def test_table_four_markdown_row_with_blank_edges() -> None:
    """"|| 1 ||| 1 | 5 || 3 | 5 | 13 ||||||": a complete Markdown row of exactly fifteen cells,
    its empty cells at the edges blank cells too — every value stays in its own column."""
    layout = (
        "| 行政复议 ||||| 行政诉讼 ||||||||||\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        "|| 1 ||| 1 | 5 || 3 | 5 | 13 ||||||"
    )
    text = "\n".join([HEAD, SECTION3, HEADER, *table3_lines(TABLE, "\t"), REVIEW_SECTION, layout, "五、存在的主要问题及改进情况", "无。"])
    review = read(text).review_litigation
    assert review["review"] == {"upheld": None, "corrected": 1, "other": None, "pending": None, "total": 1}
    assert review["litigation_direct"] == {"upheld": 5, "corrected": None, "other": 3, "pending": 5, "total": 13}
    assert set(review["litigation_after_review"].values()) == {None}


def test_table_four_printed_without_a_number_is_blank_not_missing() -> None:
    """Table 四's header printed and every cell left empty: the table is there, its cells blank
    (blank_cell, a finding per row), never 「找不到表四」."""
    header = "行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n未经复议直接起诉\n复议后起诉\n" + "结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n" * 2
    text = "\n".join([HEAD, SECTION3, HEADER, *table3_lines(TABLE, "\t"), REVIEW_SECTION, header, "五、存在的主要问题及改进情况", "无。"])
    record = read(text)
    assert not [f for f in record.findings if f.rule == "table_missing" and f.location.get("table") == "四"]
    assert sum(1 for f in record.findings if f.rule == "blank_cell" and "表四" in f.message) == 3  # a row each
    assert all(v is None for block in record.review_litigation.values() for v in block.values())


# ------------------------------------------------------------------ a PDF extractor's reading order
#
# pdftotext without -layout (and a browser's copy of a PDF) gives a table block by block: a
# block of rows' numbers column by column, one per line, the block's labels listed together
# before or after them — sometimes right after a row printed in order.

BLOCK = ("withheld_state_secret", "withheld_prohibited_by_law", "withheld_security_stability", "withheld_third_party_rights")
BLOCK_TABLE = requests_with(
    new_received=[12, 0, 0, 1, 0, 0, 13],
    partially_granted=[2, 0, 0, 0, 0, 0, 2],
    withheld_state_secret=[1, 0, 0, 0, 0, 0, 1],
    withheld_security_stability=[3, 0, 0, 1, 0, 0, 4],
    withheld_third_party_rights=[6, 0, 0, 0, 0, 0, 6],
    total_processed=[12, 0, 0, 1, 0, 0, 13],
)


def reading_order_table3(table: dict[str, list[int | str]], block: tuple[str, ...], labels: str) -> str:
    """Table 三 one cell per line, the rows of `block` in reading order: their labels listed
    `before` or `after` their numbers, which come column by column; a value "" is a blank cell
    printed as nothing (it leaves no line)."""
    lines = [HEAD, SECTION3, *HEADER.split()]
    by_key = {row.key: row for row in ROWS}
    for row in ROWS:
        if row.key in block[1:]:
            continue
        if row.key != block[0]:
            lines += [row.label, *(str(v) for v in table[row.key] if v != "")]
            continue
        names = [by_key[key].label for key in block]
        numbers = [str(table[key][column]) for column in range(7) for key in block if table[key][column] != ""]
        lines += [*names, *numbers] if labels == "before" else [*numbers, *names]
    return "\n".join([*lines, REVIEW_SECTION])


@pytest.mark.parametrize("labels", ["before", "after"])
def test_block_of_rows_listed_column_by_column(labels: str) -> None:
    """The row totals tell a block listed column by column from one listed row by row."""
    record = read(reading_order_table3(BLOCK_TABLE, BLOCK, labels))
    assert_table(record, BLOCK_TABLE)


def test_block_listed_column_by_column_after_a_row_printed_in_order() -> None:
    """The block's first row printed in order after its own label, the rest column by column,
    their labels after them (as pdftotext printed the corpus's 洪泽区 reports)."""
    lines = [HEAD, SECTION3, *HEADER.split()]
    block = ("partially_granted", *BLOCK)
    for row in ROWS:
        if row.key in block[1:]:
            continue
        lines += [row.label, *(str(v) for v in BLOCK_TABLE[row.key])]
        if row.key == block[0]:
            lines += [str(BLOCK_TABLE[key][column]) for column in range(7) for key in BLOCK]
            lines += [row.label for row in ROWS if row.key in BLOCK]
    record = read("\n".join([*lines, REVIEW_SECTION]))
    assert_table(record, BLOCK_TABLE)


def test_block_cut_short_after_its_first_row_goes_nowhere() -> None:
    """The text ends inside a block listed labels-after: row 一's numbers, then its label. The
    header's 「其他」 and 「总计」 name no row, so the numbers go to row 一 or nowhere — never to
    （六）3.其他."""
    lines = [HEAD, SECTION3, *HEADER.split(), *(str(v) for v in BLOCK_TABLE["new_received"]), ROWS[0].label]
    rows = read("\n".join(lines)).requests["rows"]
    assert all(v is None for key, values in rows.items() if key != "new_received" and values for v in values)
    assert rows["new_received"] in (BLOCK_TABLE["new_received"], [None] * 7)


@pytest.mark.parametrize("labels", ["before", "after"])
def test_block_listed_apart_whose_blank_cells_vanished(labels: str) -> None:
    """Blank cells printed as nothing leave the block's numbers no count to trust: its rows are
    null, never numbers from another row or column."""
    table: dict[str, list[int | str]] = {key: list(values) for key, values in BLOCK_TABLE.items()}
    table["withheld_prohibited_by_law"] = [0, "", "", "", "", "", 0]
    table["carried_over"] = [0, "", 0, 0, 0, 0, 0]  # a blank printed as nothing outside the block too
    record = read(reading_order_table3(table, BLOCK, labels))
    rows = record.requests["rows"]
    for key, values in table.items():
        for column, (want, have) in enumerate(zip(values, rows[key], strict=True)):
            note = record.notes.cells.get(f"requests.{key}.{formats.REQUEST_COLUMN_KEYS[column]}")
            derived = want == "" and note is not None and note.status == "derived"  # the row's sum gives it
            assert have is None or have == want or derived, (key, formats.REQUEST_COLUMN_KEYS[column], want, have)
    assert all(v is None for key in BLOCK for v in rows[key])


def test_label_list_before_a_row_printed_blank_keeps_its_neighbours() -> None:
    """A row printed all blank (nothing) lists its label right before the next row's: the next
    row's numbers, which add up, stay its own."""
    table: dict[str, list[int | str]] = {key: list(values) for key, values in BLOCK_TABLE.items()}
    table["carried_over"] = [""] * 7
    table["granted"] = [0, "", 0, 0, 0, 0, 0]
    lines = [HEAD, SECTION3, *HEADER.split()]
    for row in ROWS:
        lines += [row.label, *(str(v) for v in table[row.key] if v != "")]
    rows = read("\n".join([*lines, REVIEW_SECTION])).requests["rows"]
    assert rows["new_received"] == BLOCK_TABLE["new_received"]
    assert rows["partially_granted"] == BLOCK_TABLE["partially_granted"]


def test_two_rows_listed_around_their_numbers_whose_blank_cells_vanished() -> None:
    """Two rows in reading order, the first's label before their numbers and the second's after,
    blank cells printed as nothing: the numbers, a paragraph apart and too few for the first
    row's cells, may be both rows' column by column — the first row does not take them."""
    table: dict[str, list[int | str]] = {key: list(values) for key, values in BLOCK_TABLE.items()}
    table["withheld_state_secret"] = [0, "", "", "", "", 0, ""]
    table["withheld_prohibited_by_law"] = [2, 0, "", "", "", 0, 2]
    table["new_received"] = [14, 0, 0, 1, 0, 0, 15]
    table["total_processed"] = [14, 0, 0, 1, 0, 0, 15]
    pair = ("withheld_state_secret", "withheld_prohibited_by_law")
    by_key = {row.key: row for row in ROWS}
    lines = [HEAD, SECTION3, *HEADER.split()]
    for row in ROWS:
        if row.key == pair[0]:
            numbers = [str(table[key][column]) for column in range(7) for key in pair if table[key][column] != ""]
            lines += [row.label, numbers[0], *(line for number in numbers[1:] for line in ("", number)), by_key[pair[1]].label]
        elif row.key != pair[1]:
            lines.append(" ".join([row.label, *(str(v) for v in table[row.key])]))
    record = read("\n".join([*lines, REVIEW_SECTION]))
    rows = record.requests["rows"]
    for key, values in table.items():
        for column, (want, have) in enumerate(zip(values, rows[key], strict=True)):
            assert have is None or have == want, (key, formats.REQUEST_COLUMN_KEYS[column], want, have)
    assert rows["new_received"] == table["new_received"]


# ------------------------------------------------------------------ real reports, flattened
#
# The corpus's real PDFs, extracted by three tools, then flattened the way a web page or a
# careless copy flattens them: every line break and run of spaces becomes one space. No layout
# survives; the reader must still give every hand-checked cell, and never another number.

FLATTENINGS = ("pdftotext -layout", "pdftotext -raw", "pypdfium2")


def _extracted(pdf: Path, tool: str) -> str:
    if tool == "pypdfium2":
        document = pdfium.PdfDocument(str(pdf))
        try:
            return "\n".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
        finally:
            document.close()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", tool.split()[1], str(pdf), "-"], check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.mark.parametrize("tool", FLATTENINGS)
@pytest.mark.parametrize("truth_path", corpus_params(truth_files("real")))
def test_real_report_flattened_to_one_line(truth_path: Path, tool: str, corpus: Path) -> None:
    truth = load_truth(truth_path)
    flat = re.sub(r"\s+", " ", _extracted(corpus / truth["file"], tool))
    record = read(flat)
    want = cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"])
    have = record.cell_values()
    wrong = [(path, value, have.get(path)) for path, value in want.items() if have.get(path) != value]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("flatten", [False, True])
@pytest.mark.parametrize("truth_path", corpus_params(truth_files("real")))
def test_real_report_in_pdftotext_reading_order(truth_path: Path, flatten: bool, corpus: Path) -> None:
    """pdftotext's default mode lists the real reports' table 三 block by block (numbers column
    by column, labels apart): every hand-checked cell of table 三 is read, none is wrong; what
    the order leaves open (table 四's scattered totals) is null."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    truth = load_truth(truth_path)
    text = subprocess.run(["pdftotext", str(corpus / truth["file"]), "-"], check=True, capture_output=True, text=True, timeout=120).stdout
    have = read(re.sub(r"\s+", " ", text) if flatten else text).cell_values()
    want = cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"])
    wrong = [(path, value, have.get(path)) for path, value in want.items() if have.get(path) is not None and have.get(path) != value]
    assert not wrong, wrong[:10]
    unread = [path for path, value in want.items() if path.startswith("requests.") and have.get(path) != value]
    assert not unread, unread[:10]


@pytest.mark.parametrize("tool", ("pdftotext -layout", "pdftotext -raw"))
@pytest.mark.parametrize("truth_path", corpus_params(truth_files("real")))
def test_real_report_glued_without_any_space(truth_path: Path, tool: str, corpus: Path) -> None:
    """No separator at all (「…申请数量300153006143119二、上年结转…」): the arithmetic cuts the
    digits; what it leaves open (a block whose total the agency misprinted, 「1011」 for three
    cells of table 二) is null, never another number."""
    truth = load_truth(truth_path)
    glued = re.sub(r"\s+", "", _extracted(corpus / truth["file"], tool))
    have = read(glued).cell_values()
    want = cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"])
    wrong = [(path, value, have.get(path)) for path, value in want.items() if have.get(path) is not None and have.get(path) != value]
    assert not wrong, wrong[:10]
    right = sum(1 for path, value in want.items() if have.get(path) == value)
    assert right >= 0.9 * len(want), f"{right}/{len(want)} cells read"


@pytest.mark.parametrize("truth_path", corpus_params(truth_files("seeds")))
def test_seed_with_its_line_breaks_lost(truth_path: Path, corpus: Path) -> None:
    """A real report's text with every line break removed (a web page copied as one paragraph):
    the same cells as the hand-checked truth, and the same findings as the text as it was."""
    truth = load_truth(truth_path)
    text = (corpus / truth["file"]).read_text(encoding="utf-8")
    record = read(text.replace("\n", ""))
    want = cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"])
    have = record.cell_values()
    assert [(p, v, have.get(p)) for p, v in want.items() if have.get(p) != v] == []
    assert sorted(f.rule for f in record.findings) == sorted(f.rule for f in read(text).findings)


# ------------------------------------------------------------------ class 7 in text: pdftotext -layout

COLUMN_STARTS = (44, 51, 57, 63, 69, 75, 82)  # where each of table 三's seven columns starts


def _at_columns(label: str, values: dict[int, int | str], shift: int = 0) -> str:
    """One line of a table printed at fixed character columns (values `shift`ed right)."""
    chars = list("    " + label)
    for column, value in values.items():
        at = COLUMN_STARTS[column] + shift
        chars.extend(" " * (at + len(str(value)) - len(chars)))
        chars[at : at + len(str(value))] = str(value)
    return "".join(chars).rstrip()


def columns_table3(
    table: dict[str, list[int]],
    wrapped: dict[str, tuple[str, ...]],
    shift: int = 0,
    printed: dict[tuple[str, int], str] | None = None,
) -> str:
    """Table 三 as `pdftotext -layout` prints the official template's PDF: the rows in `wrapped`
    print their label in pieces, 总计 beside the first piece and the six applicants on the next
    line (a line of their own between a two-piece label's halves), shifted by `shift`.
    `printed`: (row, column) cells printed otherwise ("-", "" for a blank printed as nothing)."""
    lines = [HEAD, SECTION3, HEADER]
    for row in ROWS:
        shown: list[int | str] = [(printed or {}).get((row.key, column), value) for column, value in enumerate(table[row.key])]
        values = {column: value for column, value in enumerate(shown) if value != ""}
        pieces = wrapped.get(row.key)
        if pieces is None:
            lines.append(_at_columns(row.label, values))
            continue
        if 6 not in values:
            raise ValueError("a wrapped row's 总计 is printed")
        six = {column: value for column, value in values.items() if column < 6}
        lines.append(_at_columns(pieces[0], {6: values[6]}))
        if len(pieces) == 2:
            lines += [_at_columns("", six, shift), _at_columns(pieces[1], {})]
        else:
            lines += [_at_columns(pieces[1], six, shift), *(_at_columns(piece, {}) for piece in pieces[2:])]
    return "\n".join([*lines, REVIEW_SECTION])


WRAPPED_TABLE = requests_with(
    new_received=[5, 0, 1, 0, 1, 3, 10],
    partially_granted=[3, 0, 1, 0, 1, 2, 7],
    other_no_correction=[2, 0, 0, 0, 0, 1, 3],
    total_processed=[5, 0, 1, 0, 1, 3, 10],
)
WRAPPED = {
    "partially_granted": ("（二）部分公开（区分处理的，只计这一情", "形，不计其他情形）"),
    "other_no_correction": ("1.申请人无正当理由逾期不补正、", "行政机关不再处理其政府信息公开", "申请"),
}


def test_row_whose_total_stands_beside_its_wrapped_labels_first_line() -> None:
    """Class 7 as pdftotext -layout prints it: 总计 one line above the six applicants. The
    columns the table's other rows stand in place each value; line order would put 总计 first."""
    record = read(columns_table3(WRAPPED_TABLE, WRAPPED))
    assert_table(record, WRAPPED_TABLE)
    assert not [f for f in record.findings if f.rule in {"row_total", "results_total", "balance"}]


def test_wrapped_row_off_its_columns_is_put_in_order_by_its_total() -> None:
    """The six applicants shifted off their columns: only the order in which the row adds up
    (the six first, then 总计) is taken."""
    record = read(columns_table3(WRAPPED_TABLE, WRAPPED, shift=4))
    assert_table(record, WRAPPED_TABLE)


def test_wrapped_row_off_its_columns_that_adds_up_both_ways_is_null() -> None:
    """0 0 0 0 0 1 with 总计 1 adds up whether 总计 comes first or last: the row is null, not guessed."""
    table = requests_with(
        new_received=[5, 0, 1, 0, 1, 3, 10],
        partially_granted=[3, 0, 1, 0, 1, 2, 7],
        other_no_correction=[0, 0, 0, 0, 0, 1, 1],
        other_misc=[2, 0, 0, 0, 0, 0, 2],
        total_processed=[5, 0, 1, 0, 1, 3, 10],
    )
    record = read(columns_table3(table, {"other_no_correction": WRAPPED["other_no_correction"]}, shift=4))
    assert record.requests["rows"]["other_no_correction"] == [None] * 7
    assert "cell_unreadable" in {f.rule for f in record.findings}
    assert_table(record, {key: values for key, values in table.items() if key != "other_no_correction"})


def test_wrapped_row_with_a_blank_printed_as_nothing_is_read_by_its_columns() -> None:
    """A wrapped row whose blank cell is printed as nothing: five values beside the label's
    second line, 总计 beside its first. The table's columns say which cell is blank."""
    record = read(columns_table3(WRAPPED_TABLE, WRAPPED, printed={("partially_granted", 1): ""}))
    assert record.requests["rows"]["partially_granted"] == [3, None, 1, 0, 1, 2, 7]
    assert_table(record, {key: values for key, values in WRAPPED_TABLE.items() if key != "partially_granted"})


def test_wrapped_row_with_a_blank_off_its_columns_is_never_misplaced() -> None:
    """The same shifted off the columns: which cell is blank and which line comes first are
    both open; no value may land in another's cell."""
    record = read(columns_table3(WRAPPED_TABLE, WRAPPED, shift=4, printed={("partially_granted", 1): ""}))
    truth = [3, None, 1, 0, 1, 2, 7]
    got = record.requests["rows"]["partially_granted"]
    assert [(want, have) for want, have in zip(truth, got) if have is not None and have != want] == []


def test_value_between_two_dash_blanks_in_spaced_columns_is_a_cell_not_a_page_footer() -> None:
    """「-     1     -」 across three columns is a 1 between two blanks printed "-"; a page
    footer 「- 1 -」 keeps its dashes close."""
    dashes = {("new_received", 1): "-", ("new_received", 3): "-"}
    record = read(columns_table3(WRAPPED_TABLE, {}, printed=dashes))
    assert record.requests["rows"]["new_received"] == [5, None, 1, None, 1, 3, 10]
    assert_table(record, {key: values for key, values in WRAPPED_TABLE.items() if key != "new_received"})


@pytest.mark.parametrize(
    ("printed", "official", "names"),
    [
        ("5.要求行政机关确认", "5.要求行政机关确认或重新出具已获取信息", True),  # a wrapped label's first line
        ("（六）其他", "3.其他", False),  # the group （六）其他处理's first line is not the row 3.其他
        ("（1）属于国家秘密", "1.属于国家秘密", True),  # the same number, marked otherwise
        ("要求行政机关确认", "5.要求行政机关确认或重新出具已获取信息", False),  # no marker: a prefix only
        ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", False),  # alike words, another number
    ],
)
def test_list_markers_weigh_in_label_matching(printed: str, official: str, names: bool) -> None:
    assert (formats.label_similarity(printed, official) >= 0.8) is names


@pytest.mark.parametrize(
    ("label", "opens"),
    [
        ("3.要求提供公开", True),
        ("（一）予以公开", True),
        ("（六）其他处理", True),  # a row of the 2019 format
        ("（五）不予处理", False),  # a group's header: its rows have labels of their own
        ("（五）不", False),  # its first line
        ("（五）不 出版物", False),  # the group's first line beside a row's words, one text in pdftotext -layout
        ("（五）不予处理1.信访举报投诉类申请", True),  # the group's header and its first row's label
        ("出版物", False),
    ],
)
def test_which_labels_open_a_row(label: str, opens: bool) -> None:
    """A row's values on two lines are one row unless a label between them opens another."""
    assert starts_a_row(label) is opens


def test_a_number_set_apart_in_columns_is_never_cut() -> None:
    """「5      10      3」 prints three cells in columns: 10 is ten, not a 1 and a 0 run
    together (a row short of cells there lost a blank, it did not glue two cells)."""
    spaced = [Token("num", "5", 1, None, 10, "5"), Token("num", "10", 1, None, 17, "10"), Token("num", "3", 1, None, 25, "3")]
    refs = [("granted", column) for column in formats.REQUEST_COLUMN_KEYS]
    assert resolve.readings_cut(spaced, refs[:4], {}, [], blanks=False) == []
    unplaced = [token._replace(column=None) for token in spaced]  # no positions: it may be
    assert [[slot[0] for slot in reading] for reading in resolve.readings_cut(unplaced, refs[:4], {}, [], blanks=False) or []] == [[5, 1, 0, 3]]
    # Nor is a number alone on the line before them (总计 beside a wrapped label's first line).
    wrapped = [Token("num", "42", 1, None, 80, "42"), *(token._replace(line=2) for token in spaced)]
    assert resolve.readings_cut(wrapped, refs[:5], {}, [], blanks=False) == []


def markdown_table3(table: dict[str, list[int]], wrapped: dict[str, int]) -> list[str]:
    """Table 三 as PDF-to-Markdown converters print it: `|label|v|…|`, a label's wrapped lines
    joined by `<br>`; a row in `wrapped` has its label's first `n` characters on a row of empty
    cells of its own (the converter cut the table row where the label wrapped)."""
    lines = ["|申请人情况<br>|自然人|商业<br>企业|科研<br>机构|社会公益<br>组织|法律服务<br>机构|其他|总计|", "|---|---|---|---|---|---|---|---|"]
    for row in ROWS:
        label = row.label if len(row.label) < 12 else f"{row.label[:8]}<br>{row.label[8:]}"
        cells = "|".join(str(v) for v in table[row.key])
        if row.key in wrapped:
            cut = wrapped[row.key]
            lines.append(f"|{row.label[:cut]}{'|' * 8}")
            label = row.label[cut:]
        lines.append(f"|{label}|{cells}|")
    return lines


MARKDOWN_TABLE = requests_with(
    new_received=[53, 0, 0, 1, 0, 3, 57],
    granted=[40, 0, 0, 1, 0, 3, 44],
    other_no_correction=[13, 0, 0, 0, 0, 0, 13],
    total_processed=[53, 0, 0, 1, 0, 3, 57],
)


def test_markdown_cells_with_br_and_a_label_wrapped_onto_an_empty_row() -> None:
    """pymupdf4llm's Markdown: `<br>` inside labels, and 「1.申请人无正当理由逾期不补||||||||」
    whose words go on in the next row (「正、行政机关不再处理…|13|0|…」): one row, not a blank one."""
    lines = markdown_table3(MARKDOWN_TABLE, {"other_no_correction": 13})
    record = read("\n".join([HEAD, SECTION3, *lines, REVIEW_SECTION]))
    assert_table(record, MARKDOWN_TABLE)
    assert not [f for f in record.findings if f.rule in ("cell_unreadable", "blank_cell")]


@pytest.mark.parametrize("outer_pipes", [True, False], ids=["pymupdf4llm", "html2text"])
def test_markdown_joined_onto_one_line_with_a_rule_inside(outer_pipes: bool) -> None:
    """The same Markdown with every line break turned into a space (a web page's copy), a page
    break's new rule between two rows: the rule is no row of blank cells — also without outer
    pipes, glued to the rows around it (「… | 12 ---|---|…|--- 4.保护… | 0」) — and a line of
    pipes and numbers with long labels is table text, not a sentence."""
    lines = markdown_table3(MARKDOWN_TABLE, {"other_no_correction": 13})
    at = next(i for i, line in enumerate(lines) if line.startswith("|2.没有现成信息"))
    lines.insert(at, "|---|---|---|---|---|---|---|---|")
    if not outer_pipes:
        lines = [line[1:-1] for line in lines]
    record = read(" ".join([HEAD, SECTION3, *lines, REVIEW_SECTION]))
    assert_table(record, MARKDOWN_TABLE)
    assert not [f for f in record.findings if f.rule == "cell_unreadable"]


def test_an_empty_row_whose_label_is_complete_stays_a_blank_row() -> None:
    """A row printed with empty cells under its whole label is a blank row (`blank_cell`), even
    when the next row's label begins without its list marker: the words are not moved on."""
    lines = markdown_table3(TABLE, {})
    at = next(i for i, line in enumerate(lines) if line.startswith("|1.申请人无正"))
    lines[at] = "|1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" + "|" * 8
    lines[at + 1] = "|申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请|0|0|0|0|0|0|0|"
    record = read("\n".join([HEAD, SECTION3, *lines, REVIEW_SECTION]))
    assert any(f.rule == "blank_cell" and f.location.get("row") == "other_no_correction" for f in record.findings)
    assert record.requests["rows"]["other_no_fee"] == [0] * 7
    assert_table(record, {key: values for key, values in TABLE.items() if key != "other_no_correction"})


def test_markdown_table_two_with_two_columns_in_one_cell() -> None:
    """pymupdf4llm on a Word report's PDF: 本年增/减 and 处理决定数量 in one cell (「7<br>2」),
    an empty column beside them that the table does not have, a number's decimals cut off into
    a cell of their own. The values keep their order; the empty cell is no blank — and where a
    row's count still does not fit, nothing is placed."""
    text = "\n".join(
        [
            HEAD.replace("2023年", "2019年"),
            "二、主动公开政府信息情况",
            "||第二十条第|（一）项||",
            "|---|---|---|---|",
            "|信息内容|本年新制作数量|本年新公开数量|对外公开总数量|",
            "|规章|0|0|0|",
            "|规范性文件|3|0|0|",
            "|信息内容|上一年项目数量||本年增/减<br>处理决定数量|",
            "|---|---|---|---|",
            "|行政许可|6||7<br>2|",
            "|其他对外管理服务事项|32||-1<br>1|",
            "|行政处罚|15||-15<br>130|",
            "|行政强制|115|4|-8<br>600|",
            "|信息内容|上一年项目数量||本年增/减|",
            "|行政事业性收费|2||6|",
            "|信息内容|采购项目数量||采购总金额|",
            "|政府集中采购|1||196|.61|",
            SECTION3,
        ]
    )
    active = read(text).active
    assert active["licensing"] == {"previous": 6, "change": 7, "decisions": 2}
    assert active["other_services"] == {"previous": 32, "change": -1, "decisions": 1}
    assert active["punishment"] == {"previous": 15, "change": -15, "decisions": 130}
    assert active["coercion"] == {"previous": None, "change": None, "decisions": None}  # 4 values for 3 cells, none empty
    assert active["fees"] == {"previous": 2, "change": 6}
    assert active["procurement"] == {"items": 1, "amount": 196.61}  # 「196|.61」: one number the converter cut


def test_characters_printed_as_radicals() -> None:
    """Text copied from a PDF whose font prints characters as radicals (「⼈⺠政府」 for 人民政府,
    「4.⽆正当理由…」): the agency, the year and every row are read as if printed plainly."""
    radicals = str.maketrans({"人": "\u2f08", "民": "\u2ea0", "无": "\u2f46", "大": "\u2f24", "一": "\u2f00", "工": "\u2f2f"})
    plain = "\n".join([f"某县{'人民政府'}2023年政府信息公开工作年度报告", SECTION3, HEADER, *table3_lines(TABLE, "\t")])
    record = read(plain.translate(radicals))
    assert record.agency == "某县人民政府" and record.year == 2023
    assert_table(record, TABLE)
    assert not [f for f in record.findings if f.rule in ("cell_unreadable", "row_total", "balance")]


def test_table_four_header_word_misread_as_a_number() -> None:
    """A scan's OCR reads the header's 「计」 as 「+1」 right before the row of numbers: the one line
    that prints all fifteen cells is the row, the stray number is none of them."""
    row = [1, 0, 0, 0, 1, 0, 2, 0, 0, 2, 0, 0, 0, 1, 1]
    text = "\n".join(
        [
            HEAD,
            REVIEW_SECTION,
            "行政复议\t行政诉讼",
            "未经复议直接起诉\t复议后起诉",
            "结果维结果纠其他结尚未审总",
            "持\t正\t果\t结\t计持\t正\t结\t+1",
            "\t".join(str(v) for v in row),
            "五、存在的主要问题及改进情况",
        ]
    )
    review = read(text).review_litigation
    assert [review[block][field] for block in ("review", "litigation_direct", "litigation_after_review") for field in ("upheld", "corrected", "other", "pending", "total")] == row


def markdown_two_label_columns(table: dict[str, list[int]]) -> list[str]:
    """Table 三 as pymupdf4llm prints a PDF whose label column it cut in two: `|<group>|<row>|v|…|`,
    the group's words in the first cell of the group's rows."""
    lines = ["|||申请人情况||||||", "|---|---|---|---|---|---|---|---|---|", "|||自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计|"]
    for row in ROWS:
        lines.append(f"|{row.group or ''}|{row.label}|{'|'.join(str(v) for v in table[row.key])}|")
    return lines


TWO_COLUMN_TABLE = requests_with(
    new_received=[23, 0, 8, 0, 0, 57, 88],
    granted=[0, 0, 2, 0, 0, 13, 15],
    partially_granted=[0, 0, 3, 0, 0, 0, 3],
    withheld_prohibited_by_law=[6, 0, 0, 0, 0, 0, 6],
    withheld_third_party_rights=[0, 0, 0, 0, 0, 5, 5],
    withheld_internal_affairs=[4, 0, 0, 0, 0, 4, 8],
    withheld_query_matters=[0, 0, 2, 0, 0, 0, 2],
    unavailable_not_held=[6, 0, 0, 0, 0, 11, 17],
    unavailable_needs_creation=[2, 0, 0, 0, 0, 6, 8],
    unavailable_unclear=[1, 0, 0, 0, 0, 0, 1],
    rejected_duplicate=[1, 0, 0, 0, 0, 0, 1],
    rejected_publication=[0, 0, 0, 0, 0, 5, 5],
    rejected_excessive=[1, 0, 0, 0, 0, 0, 1],
    rejected_confirmation=[0, 0, 1, 0, 0, 13, 14],
    other_misc=[2, 0, 0, 0, 0, 0, 2],
    total_processed=[23, 0, 8, 0, 0, 57, 88],
)


def _converter_damage(lines: list[str], damage: str) -> list[str]:
    """One thing pymupdf4llm did to a real PDF's table 三 (seen printing generated reports)."""
    out = []
    for line in lines:
        if damage == "marker_cut_off":  # 「|1|.属于国家秘密|」, 「|（三）不予<br>4|.保护第三方合法权益|」
            line = re.sub(r"^\|(（三）不予公开)?[^|]*\|(\d)\.", lambda m: f"|{m.group(1) or ''}<br>{m.group(2)}|." if m.group(2) == "4" else f"|{m.group(2)}|.", line)
        elif damage == "sup_tags" and "|一、本年新收" in line:  # 「|<sup>2081 </sup>|」
            line = line.replace("|23|0|", "|<sup>23 </sup>|<sup>0</sup>|")
        elif damage == "two_values_in_one_cell" and "（七）总计" in line:  # 「|0<br>0|」 beside the label's empty cell
            line = "|（七）总计||23|0|8|0|0|57<br>88|"
        elif damage == "first_label_scrambled" and "|一、本年新收" in line:
            line = line.replace("|一、本年新收政府信息公开申请数量|", "|一、本年<br>数量|新收政府信息公开申请|")
        out.append(line)
    if damage == "first_label_scrambled":  # the header a picture: only the rows' words are text
        out = [line for line in out if "申请人情况" not in line and "自然人" not in line]
    return out


@pytest.mark.parametrize("damage", ["marker_cut_off", "sup_tags", "two_values_in_one_cell", "first_label_scrambled"])
def test_markdown_of_a_pdf_table_cut_by_a_converter(damage: str) -> None:
    """A converter's cuts inside cells — a list marker in the cell before its label, a number in
    `<sup>`, two columns in one cell beside the label's empty one, row 一's label wrapped out of
    order under a header printed as a picture — leave every cell readable."""
    lines = _converter_damage(markdown_two_label_columns(TWO_COLUMN_TABLE), damage)
    record = read("\n".join([HEAD, SECTION3, *lines, REVIEW_SECTION]))
    assert_table(record, TWO_COLUMN_TABLE)
    assert not [f for f in record.findings if f.rule in ("cell_unreadable", "blank_cell") or (f.rule == "table_missing" and "表三" in f.message)]


def test_section_heading_cut_into_the_cells_of_a_table_row() -> None:
    """「|**四、政**|**府信息公**|**开行政复议、行政诉讼情况**|||」: a heading a converter put in a
    table row is still the heading, and table 四 below it is read."""
    heading = "|**四、政**|**府信息公**|**开行政复议、行政诉讼情况**||||||||"
    review = [
        "|||行政复议|||||||行政诉讼|||||",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        "|0|0|0|0|0|0|0|0|0|0|1|0|1|0|2|",
    ]
    text = "\n".join([HEAD, SECTION3, *table3_lines(TABLE, "\t"), heading, *review, "五、存在的主要问题及改进情况"])
    record = read(text)
    assert not [f for f in record.findings if f.rule in ("table_missing", "section_missing") and "四" in f.message]
    assert record.review_litigation["litigation_after_review"] == {"upheld": 1, "corrected": 0, "other": 1, "pending": 0, "total": 2}


def drawn_table3(table: dict[str, list[int]], style: str, wrap: int = 6) -> list[str]:
    """Table 三 drawn as text tools draw an HTML table: with box characters (w3m, lynx) or as an
    ASCII grid (pandoc's reStructuredText), each label wrapped every `wrap` characters onto
    lines of their own, the values on the row's first line, a rule between rows."""
    wall, rule = ("│", "├" + "┼".join(["─" * 10] * 8) + "┤") if style == "box" else ("|", "+" + "+".join(["-" * 10] * 8) + "+")
    lines = [rule]
    for row in ROWS:
        pieces = [row.label[i : i + wrap] for i in range(0, len(row.label), wrap)]
        for n, piece in enumerate(pieces):
            cells = [str(v) for v in table[row.key]] if n == 0 else [""] * 7
            lines.append(wall + wall.join(f"{text:<10}" for text in [piece, *cells]) + wall)
        lines.append(rule)
    return lines


@pytest.mark.parametrize("style", ["box", "grid"])
def test_table_drawn_with_wrapped_labels(style: str) -> None:
    """A row's label wrapped beside empty cells is one row: its words joined, its values read
    from its one line of values — never a row of blanks, nor values given to the next label."""
    lines = [HEAD, SECTION3, *drawn_table3(TABLE, style), REVIEW_SECTION]
    record = read("\n".join(lines))
    assert_table(record, TABLE)
    assert not [f for f in record.findings if f.rule in ("cell_unreadable", "blank_cell")]
    value = record.provenance["requests.new_received.natural_person"]
    printed_on = next(n for n, line in enumerate(lines, start=1) if line[1:].startswith("一、本年新收"))
    assert (value.text, value.line) == ("53", printed_on)


def test_plain_text_table_rules_are_no_blank_cells() -> None:
    """pandoc's plain text draws a table's rules as dash runs a space apart: no blank cells."""
    rule = " ".join(["-" * 12] * 8)
    lines = [rule, *table3_lines(TABLE, "    "), rule]
    record = read("\n".join([HEAD, SECTION3, *lines, REVIEW_SECTION]))
    assert_table(record, TABLE)
    assert not [f for f in record.findings if f.rule == "cell_unreadable"]


def test_table_drawn_with_a_row_printed_blank() -> None:
    """A drawn row whose cells are all empty, its label wrapped: a row printed blank (null, with
    a finding); the rows around it keep their values."""
    lines = drawn_table3(TABLE, "box")
    at = next(i for i, line in enumerate(lines) if line[1:].startswith("二、上年结转"))
    lines[at] = lines[at][:11] + "│".join([" " * 10] * 7) + "│"
    record = read("\n".join([HEAD, SECTION3, *lines, REVIEW_SECTION]))
    assert record.requests["rows"]["carried_over"] == [None] * 7
    assert any(f.rule == "blank_cell" and f.location.get("row") == "carried_over" for f in record.findings)
    assert_table(record, {key: values for key, values in TABLE.items() if key != "carried_over"})


def test_label_list_whose_label_stray_spaces_cut_before_a_table_cut_short() -> None:
    """pdftotext's reading order lists 「3.其  他」 (stray spaces cut it into two cells) and
    「（七）总计」, then both rows' cells column by column, blanks printed 「－」, and the text ends
    there: the numbers are those two rows', never （七）总计's and the unprinted 四、结转下年度's."""
    table: dict[str, list[int | str]] = {key: list(values) for key, values in TABLE.items()}
    table["other_misc"] = ["－"] * 7
    table["total_processed"] = [53, "－", "－", 1, "－", 3, 57]
    lines = [HEAD, SECTION3, *HEADER.split()]
    for row in ROWS:
        if row.key == "other_misc":
            lines += ["3.其  他", "（七）总计", *(str(table[key][column]) for column in range(7) for key in ("other_misc", "total_processed"))]
            break
        lines += [row.label, *(str(v) for v in table[row.key])]
    rows = read("\n".join(lines)).requests["rows"]
    for key in ("other_misc", "total_processed", "carried_forward"):
        want = table.get(key, [None] * 7)
        assert all(have is None or have == wanted for have, wanted in zip(rows[key] or [None] * 7, want, strict=True)), (key, rows[key])


def test_html_table_written_into_markdown() -> None:
    """pandoc's Markdown writes a table with merged cells as HTML, one tag per line: its rows are
    read as a web page's, each value on the line its <tr> starts on."""
    html = ["<table>", "<thead>", '<tr class="header">', '<th colspan="3" rowspan="2">（本列数据的勾稽关系为：…）</th>', '<th colspan="7">申请人情况</th>', "</tr>", "</thead>", "<tbody>"]
    for row in ROWS:
        html += ["<tr>", f'<td colspan="3">{row.label}</td>', *(f"<td>{v}</td>" for v in TABLE[row.key]), "</tr>"]
    html += ["</tbody>", "</table>"]
    lines = [HEAD, "", f"**{SECTION3}**", "", *html, "", f"**{REVIEW_SECTION}**"]
    record = read("\n".join(lines))
    assert_table(record, TABLE)
    value = record.provenance["requests.new_received.natural_person"]
    tr = next(n for n, line in enumerate(lines, start=1) if line == "<tr>" and ROWS[0].label in lines[n])
    assert (value.text, value.line) == ("53", tr)


def test_unclosed_html_table_in_text_stays_text() -> None:
    """「<table>」 with no end (a cut page) is left as the text it is: no traceback, no cells."""
    record = read("\n".join([HEAD, SECTION3, "<table><tr><td>一、本年新收政府信息公开申请数量</td><td>5", REVIEW_SECTION]))
    assert record.requests["rows"]["carried_over"] in (None, [None] * 7)


def test_flattened_slash_blanks_in_every_row_read_as_printed() -> None:
    """A flattened page whose every table 三 row runs its digits together, blank cells printed
    "/" ("15501/12" is 1 5 5 0 1, a blank, 12). Weighing every row with a blank hidden anywhere
    is too large a question to answer in time; the page prints its blanks with a mark, so the
    rows are first read with every cell printed, and that question settles them all."""
    blank = None
    printed = {
        "new_received": [23, 135, 31, 0, 62, 0, 251],
        "carried_over": [1, 5, 5, 0, 1, blank, 12],
        "granted": [2, 0, 18, 0, 23, 0, 43],
        "partially_granted": [1, 2, 0, 0, 5, 0, 8],
        "withheld_state_secret": [3, 0, 0, 0, 0, 0, 3],
        "withheld_prohibited_by_law": [1, 0, 0, 0, 0, 0, 1],
        "withheld_security_stability": [0, blank, 3, 0, blank, 0, 3],
        "withheld_third_party_rights": [2, 11, 0, 0, 0, 0, 13],
        "withheld_internal_affairs": [1, 0, 0, 0, 0, 0, 1],
        "withheld_process_information": [1, 0, 7, 0, 4, 0, 12],
        "withheld_enforcement_files": [4, 16, 2, 0, 0, 0, 22],
        "withheld_query_matters": [0, 42, 2, 0, 0, 0, 44],
        "unavailable_not_held": [1, 5, 2, 0, 10, 0, 18],
        "unavailable_needs_creation": [0, 0, blank, 0, 14, 0, 14],
        "unavailable_unclear": [0, 6, 0, 0, 0, 0, 6],
        "rejected_petition_complaint": [0, 1, 0, 0, 1, 0, 2],
        "rejected_duplicate": [0, 37, 0, 0, 0, 0, 37],
        "rejected_publication": [2, 1, 0, 0, 3, 0, 6],
        "rejected_excessive": [0, 0, 0, 0, 0, blank, 0],
        "rejected_confirmation": [2, 17, 0, 0, 0, 0, 19],
        "other_no_correction": [1, 0, 2, 0, 0, 0, 3],
        "other_no_fee": [0, 0, 0, 0, 1, 0, 1],
        "other_misc": [2, 0, 0, 0, blank, blank, 2],
        "total_processed": [23, 138, 36, 0, 61, 0, 258],
        "carried_forward": [1, 2, 0, 0, 2, 0, 5],
    }
    table = requests_with(**{key: [v or 0 for v in values] for key, values in printed.items()})
    text = flattened_table3(table, **{key: "".join("/" if v is None else str(v) for v in values) for key, values in printed.items()})
    rows = read(text).requests["rows"]
    for key, values in printed.items():
        assert rows[key] == values, key


FLAT_2019_ACTIVE = (
    "某县林业局2020年政府信息公开工作年度报告二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量"
    "本年新公开数量对外公开总数量规章000规范性文件000第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量"
    "行政许可{licensing}其他对外管理服务事项000第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量"
    "行政处罚{punishment}行政强制000第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费00" + SECTION3
)


@pytest.mark.parametrize(
    ("licensing", "punishment", "expected_licensing", "expected_punishment"),
    [
        # A sign is 本年增/减's: 10 -3 3 (or 10, a blank's "-", 33), never 1 0 -33; the digits
        # after the minus run against the next label, so no cell was lost there.
        ("10-33", "000", {"previous": 10, "change": None, "decisions": None}, {"previous": 0, "change": 0, "decisions": 0}),
        # U+2212 and "+" are signs too: 56 −7 38 or 56 −73 8 (or a blank's mark); 11 +5 4 alone.
        ("56−738", "11+54", {"previous": 56, "change": None, "decisions": None}, {"previous": 11, "change": 5, "decisions": 4}),
        # 「23+163,893」: the thousands-grouped digits may begin with 本年增/减's (+16 3,893).
        ("000", "23+163,893", {"previous": 0, "change": 0, "decisions": 0}, {"previous": None, "change": None, "decisions": None}),
        # 「-+15-」: a blank's "-", +15 and a blank: the last sign before the digits is the
        # number's own, so +15, never −15 (found by the hypothesis-mirroring search, seed 119094876).
        ("-+15-", "000", {"previous": None, "change": 15, "decisions": None}, {"previous": 0, "change": 0, "decisions": 0}),
    ],
)
def test_signs_in_a_flattened_2019_table_two(
    licensing: str, punishment: str, expected_licensing: dict[str, int | None], expected_punishment: dict[str, int | None]
) -> None:
    """No reading puts a printed sign (or a negative number) in a cell other than 本年增/减."""
    active = read(FLAT_2019_ACTIVE.format(licensing=licensing, punishment=punishment)).active
    assert active["licensing"] == expected_licensing
    assert active["punishment"] == expected_punishment


def test_dash_before_digits_in_a_signed_row_is_a_minus_or_a_blank() -> None:
    """「行政强制0-0 」: 0 -0 with a cell lost at the end, or 0, a blank's "-", 0: only the first
    cell is the same both ways."""
    text = FLAT_2019_ACTIVE.format(licensing="000", punishment="000").replace("行政强制000", "行政强制0-0 ")
    assert read(text).active["coercion"] == {"previous": 0, "change": None, "decisions": None}


def test_dash_right_after_the_label_in_a_signed_row_is_a_minus_or_a_blank() -> None:
    """「其他对外管理服务事项－8－」: _ −8 _ with a cell lost before it, or a blank's 「－」, 8 and a
    blank: 本年增/减 is −8 or 8, so nothing is placed."""
    text = FLAT_2019_ACTIVE.format(licensing="000", punishment="000").replace("其他对外管理服务事项000", "其他对外管理服务事项－8－ ")
    assert read(text).active["other_services"] == {"previous": None, "change": None, "decisions": None}


@pytest.mark.parametrize(
    ("line", "values"),
    [
        # Between a row's values, 「— 1 —」 is 1 between two blanks printed "—" (seed 1489647733 of
        # the hypothesis-mirroring search read 929 as 9 2 9 once the three cells were dropped).
        ("7.属于行政执法案卷 929 — 1 —  0 930", ["929", "—", "1", "—", "0", "930"]),
        ("（七）总计 12 — 3 — / 0 15", ["12", "—", "3", "—", "/", "0", "15"]),
        # Before a label, or between two, it is a page's footer.
        ("四、结转下年度继续办理 0 0 1 0 0 0 1 — 4 — 四、政府信息公开行政复议", ["0", "0", "1", "0", "0", "0", "1"]),
        ("一、本年新收政府信息公开申请数量 — 7 — 1 2 0 0 0 0 3", ["1", "2", "0", "0", "0", "0", "3"]),
        # Spaced inside, glued outside: before the next row's list marker 「2.」, a footer
        # (seed 1851477833 read its 6 as a cell).
        ("1.属于国家秘密0--0-0－- 6 -2.其他法律行政法规禁止公开0-0----", ["0", "--0", "-0", "－", "0", "-0", "--", "--"]),
        ("（七）总计 12 - 3 - / 0 15", ["12", "-", "3", "-", "/", "0", "15"]),
    ],
)
def test_dash_framed_number_among_values_is_cells_not_a_footer(line: str, values: list[str]) -> None:
    assert [t.text for t in tokenize([Line(1, line)], 7) if t.is_value] == values


def test_dash_in_a_signed_row_where_blanks_print_as_nothing() -> None:
    """「其他对外管理服务事项9-9」 on a page whose 行政许可 prints two digits for three cells
    (a blank printed as nothing): 9 −9 and a blank printed as nothing before the next label,
    or 9, a blank's "-", 9. Only 上一年项目数量 is the same both ways (found by the
    hypothesis-mirroring search, seed 2035493305, which read 处理决定数量 9)."""
    text = FLAT_2019_ACTIVE.format(licensing="12", punishment="000").replace("其他对外管理服务事项000", "其他对外管理服务事项9-9")
    assert read(text).active["other_services"] == {"previous": 9, "change": None, "decisions": None}


def test_several_blanks_may_hide_in_a_row_cut_one_way() -> None:
    """「行政规范性文件391」 on a page that prints blank cells as nothing (规章 「21」: two digits
    for three cells): 3 9 1 is the only cutting with no blank, but _ _ 391 — two blanks hidden —
    reads it as well, and agrees with the narrative's 0, 0 and 391 besides. No cell is placed
    (seed 1678937500 of the hypothesis-mirroring search read 3 9 1: only one hidden blank was
    weighed)."""
    narrative = "本年度制发行政规范性文件0件，废止行政规范性文件0件，现行有效行政规范性文件391件。"
    table = FLAT_TABLE_TWO.replace("规章 000行政规范性文件5183207", "规章21行政规范性文件391")
    record = read(f"{HEAD}一、总体情况（一）主动公开{narrative}{table}{SECTION3}")
    assert record.active["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}


def test_page_footer_between_two_labels_of_a_flattened_table() -> None:
    """「行政诉讼-7-结果维持」: a page footer glued between two header labels is no value."""
    review = "行政复议行政诉讼-7-结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    values = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2]
    text = f"{HEAD}{REVIEW_SECTION}{review}{'　'.join(str(v) for v in values)}五、存在的主要问题及改进情况"
    assert read(text).cell_values()["review_litigation.review.upheld"] == 1
    assert [t.text for t in tokenize([Line(1, "行政复议行政诉讼-7-结果维持结果纠正")], 15) if t.is_value] == []


def test_blank_mark_that_begins_a_label_word_is_a_label() -> None:
    """「无  法提 2.没有现成信」: a group label's 「无」 set apart by drifting spaces is no blank cell."""
    tokens = tokenize([Line(1, "      无  法提 2.没有现成信                                 109")], 7)
    assert [t.text for t in tokens if t.is_value] == ["109"]
    assert [t.text for t in tokenize([Line(1, "2.重复申请\t无\t无\t3\t0\t0\t0\t3")], 7) if t.is_value] == ["无", "无", "3", "0", "0", "0", "3"]


def test_cut_short_after_row_one_run_together_hides_nothing_for_sure() -> None:
    """Only row 一, its digits run together, no blank seen: one row shows too little to say no
    blank is hidden in it («2453801178» is 24 5 _ 38 0 11 78 as much as 2 4 53 8 0 11 78)."""
    text = f"{HEAD}{SECTION3}{HEADER.replace(' ', '')}一、本年新收政府信息公开申请数量2453801178"
    row = read(text).requests["rows"]["new_received"]
    truth = [24, 5, None, 38, 0, 11, 78]
    assert [(want, got) for want, got in zip(truth, row, strict=True) if got is not None and got != want] == []


@pytest.mark.parametrize(
    ("printed", "pieces"),
    [
        ("商业企业 科研机构 社会公益 法律服务 其他", True),
        ("组织", True),
        ("组织   机构", True),
        ("其他", False),  # a whole header cell: a column's name only after another (see tables)
        ("3.其他", False),
        ("（七）总计", False),
        ("一、本年新收政府信息公开申请数量", False),
        ("法人或其他组织", False),
    ],
)
def test_labels_made_of_header_pieces(printed: str, pieces: bool) -> None:
    assert formats.is_request_header_pieces(printed) is pieces


def test_values_listed_before_their_label_after_a_wrapped_header() -> None:
    """A PDF extractor's reading order: the header wrapped (「…法律服务 其他」「组织 机构」), then
    row 一's values, then its label, and the excerpt ends. The header's 「其他」 names no row:
    the values never go to row 「3.其他」."""
    lines = [HEAD, SECTION3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况", "自然人 法人或其他组织 总计"]
    lines += ["商业企业 科研机构 社会公益 法律服务 其他", "组织 机构", "", *[f"{v}\n" for v in (1479, 0, 0, 62, 0, 0, 1541)], "一、本年新收政府信息公开申请数量"]
    rows = read("\n".join(lines)).requests["rows"]
    assert rows["other_misc"] is None or all(v is None for v in rows["other_misc"])
    assert rows["new_received"] is None or all(v in (want, None) for v, want in zip(rows["new_received"], [1479, 0, 0, 62, 0, 0, 1541], strict=True))


REVIEW_HEADER = "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"


def review_cells(values: str, before: str = "") -> dict[str, int | float | None]:
    """Table 四's cells read from a report whose table 四 prints `values` after its header;
    `before`: text before it (another table)."""
    record = read(f"{HEAD}{before}{REVIEW_SECTION}{REVIEW_HEADER}{values}五、存在的主要问题及改进情况")
    return {path: value for path, value in record.cell_values().items() if path.startswith("review_litigation.")}


REVIEW_ORDER = [f"review_litigation.{block}.{field}" for block in ("review", "litigation_direct", "litigation_after_review") for field in ("upheld", "corrected", "other", "pending", "total")]


def test_table_four_run_together_read_as_table_three_is() -> None:
    """「0／4／4 0 0 0 0 0／0000」: blanks marked 「／」, the last block's four zeros run together.
    Read as table 三's runs are (each reading weighed, a blank hidden among the glued zeros
    too) it is 0 _ 4 _ 4 | 0 0 0 0 0 | _ 0 0 0 0: no other reading holds (fill_run, which does
    not weigh the blanks' marks with the glued digits, read all fifteen null)."""
    cells = review_cells("0／4／4 0 0 0 0 0／0000")
    assert [cells[path] for path in REVIEW_ORDER] == [0, None, 4, None, 4, 0, 0, 0, 0, 0, None, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("printed", "truth"),
    [
        # A page footer glued before the digits, in a document that prints no blank cell (seed 1408018186).
        ("- 6 -0351238130392533219", [0, 35, 1, 2, 38, 13, 0, 3, 9, 25, 3, 3, 2, 1, 9]),
        # 「-」 glued before digits where the document marks its blanks 「/」 (seed 1023213171).
        ("-4-１0212/00０0/０００0/", [1, 0, 21, 2, None, 0, 0, 0, 0, None, 0, 0, 0, 0, None]),
    ],
)
def test_a_dash_the_document_prints_for_no_blank_is_no_blank_mark(printed: str, truth: list[int | None]) -> None:
    """A dash glued before digits is a blank's mark only where the document prints blanks with
    that dash: a footer's 「-4-」 glued to table 四 is not 「-」 4 「-」 (the
    hypothesis-mirroring search read 4 and 10212 in 行政复议)."""
    cells = review_cells(printed)
    assert [(path, want, cells[path]) for path, want in zip(REVIEW_ORDER, truth, strict=True) if cells[path] is not None and cells[path] != want] == []


@pytest.mark.parametrize(
    ("dashes", "single", "seen", "costs"),
    [
        ("——", frozenset(), frozenset("—"), (0, 1)),  # one blank's mark; two only where 「—」 alone is one
        ("——", frozenset("—"), frozenset("—"), (0, 0)),
        ("-－", frozenset("－"), frozenset("-－"), (1, 0)),  # two different dashes: two marks (seed 1856951835)
        ("-", frozenset(), frozenset("/"), (1, 1)),  # a dash the page prints for no blank (seed 1023213171)
        ("--", frozenset(), None, (0, 1)),  # the page's marks not known: any dash may be one
    ],
)
def test_how_far_a_reading_of_dashes_is_from_the_text_as_printed(
    dashes: str, single: frozenset[str], seen: frozenset[str] | None, costs: tuple[int, int]
) -> None:
    """Dashes before digits read as one blank cell, or two: 0 where that is the text as printed.
    In the first reading of a page that marks its blanks, 「-－」 read as one blank let 1 0 43 0 44
    pass for 0 10 4 30 44 (the hypothesis-mirroring search, seed 1856951835)."""
    assert jointly._blank_costs(dashes, single, seen) == costs


def test_a_dash_glued_before_digits_is_not_one_unknown_cell_as_printed() -> None:
    """「12830----1314」, table 三 cut short after row 一: 「--1314」 read whole is a cell below
    zero — unknown, fitting any sum — so reading 12830 as five cells is not the text as printed;
    the row is 1283 0 _ _ _ _ 1314 as much as 12 830 … : nothing is placed (seed 1277232879 of
    the hypothesis-mirroring search read 1 2 8 3 0)."""
    text = f"{HEAD}{SECTION3}{HEADER.replace(' ', '')}一、本年新收政府信息公开申请数量12830----1314"
    row = read(text).requests["rows"]["new_received"]
    truth = [1283, 0, None, None, None, None, 1314]
    assert [(want, got) for want, got in zip(truth, row, strict=True) if got is not None and got != want] == []


def test_a_row_printed_above_its_label_is_read_by_row_where_the_columns_say_so() -> None:
    """pdfplumber's text of a PDF whose long label wraps: a row's numbers on the line above its
    label run on from the row before («8.属于行政查询事项 0 0 0 0 0 0 0» then «10 0 0 0 0 0 10»,
    then «1.本机关不掌握相关政府信息»). Read column by column, the fourteen numbers add up in both
    rows too (0 0 0 10 0 0 10); the 自然人 column's sum over the rows read cleanly tells the
    rows as printed (2023_huaian-hongzequ.pdf through pdfplumber read 自然人 and 社会公益组织 null)."""
    table = requests_with(
        new_received=[10, 0, 0, 0, 0, 0, 10],
        unavailable_not_held=[10, 0, 0, 0, 0, 0, 10],
        total_processed=[10, 0, 0, 0, 0, 0, 10],
    )
    lines = table3_lines(table, " ")
    at = next(i for i, row in enumerate(ROWS) if row.key == "unavailable_not_held")
    lines[at] = f"{ROWS[at].label}\n"
    lines[at - 1] += "\n10 0 0 0 0 0 10"
    text = "\n".join([HEAD, SECTION3, HEADER, *lines, REVIEW_SECTION])
    assert read(text).requests["rows"]["unavailable_not_held"] == [10, 0, 0, 0, 0, 0, 10]


@pytest.mark.parametrize(
    ("printed", "truth"),
    [
        # A blank printed as nothing where the page marks blanks 「—」: 35 is one cell as printed,
        # 3 and 5 only if a space was lost (seed 910868831 read 行政复议's total 3).
        ("2 1 0 0 35 4 4 0 — 1 2 25 0 —", [2, 1, 0, 0, None, 35, 4, 4, 0, None, 1, 2, 25, 0, None]),
        # 直接起诉's blank 「\\」 stands for 13 (1 0 0 _ 14): a blank may stand for a count, and each
        # block is checked by its own total alone (seed 1698503199 read 1 0 0 _ 1 and 4 2 8 0 _).
        ("00000100\\142800\\", [0, 0, 0, 0, 0, 1, 0, 0, None, 14, 2, 8, 0, 0, None]),
    ],
)
def test_table_four_read_as_printed_guesses_no_blank(printed: str, truth: list[int | None]) -> None:
    """Table 四 read as printed first, where the page marks its blanks: no number the text sets
    apart is cut, and a blank may stand for any count — none of its cells a guess."""
    cells = review_cells(printed, before=f"{SECTION3}{HEADER}\n一、本年新收政府信息公开申请数量 5 — 0 0 0 \\ 5\n")
    assert [(path, want, cells[path]) for path, want in zip(REVIEW_ORDER, truth, strict=True) if cells[path] is not None and cells[path] != want] == []


def test_a_unit_spaces_set_apart_from_its_count_is_no_label() -> None:
    """「0  件」 one value a line, the spaces between count and unit drifted wide: the unit is
    the count's, not a label that cuts the column-by-column block into runs (seed 1088698008
    read 本机关不掌握's 1 as 0)."""
    assert [(t.kind, t.text) for t in tokenize([Line(1, "  0  件"), Line(2, "1　 件 ")], 7)] == [("num", "0  件"), ("num", "1　 件")]


def test_numbers_right_after_the_header_are_named_by_no_row() -> None:
    """Table 三 cut short after row 一, its numbers listed before the label (a PDF's reading
    order) right after the header, whose 「自然」「人」 wrapped: no label names their row, so no
    row gets them — not 3.其他 for the header's 其他 (seed 280902067)."""
    header = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\n\t\t\t自然\n人\t法人或其他组织\t总计\n\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
    values = "\n\n".join(["5234", "49", "0", "18", "0", "0", "5301"])
    rows = read(f"{HEAD}\n{SECTION3}\n{header}\n{values}\n\n一、本年新收政府信息公开申请数量\n").requests["rows"]
    assert {key: row for key, row in rows.items() if key != "new_received" and any(v is not None for v in row)} == {}
    assert [v for v in rows.get("new_received", []) if v is not None] in ([], [5234, 49, 0, 18, 0, 0, 5301])


def test_a_blank_mark_glued_before_a_count_with_its_unit() -> None:
    """「0件-2件」 on a page that marks blanks 「/」 and prints one as nothing (重复申请 「000000」:
    six digits for seven cells): the 「-」 may be the 其他 column's blank and 2件 the row's total
    — it is not read as a count of −2 (seed 675803849 was)."""
    text = flattened_table3(TABLE, other_misc="//2/0件-2件", rejected_duplicate="000000")
    row = read(text).requests["rows"]["other_misc"]
    assert [(want, got) for want, got in zip([None, None, 2, None, 0, None, 2], row, strict=True) if got is not None and got != want] == []


@pytest.mark.parametrize("rule", ["+------+----+----+", "+------+----+----+|", "|+------+----+----+", "+------+--  --+----+\t|"])
def test_a_grid_rule_with_a_stray_pipe_is_a_rule(rule: str) -> None:
    """A grid table's rule line, a stray pipe before or after it or spaces inside, prints no
    blank cells (its dashes read as 「--」 marks shifted a cut-short table's rows, seed 1410946853)."""
    lines = unbox([Line(1, rule), Line(2, "|规章|0|1|"), Line(3, rule)])
    assert [t.text for t in tokenize(lines, 3) if t.is_value] == ["0", "1"]


def test_a_slash_among_digits_after_a_blank_mark_is_read_cell_by_cell() -> None:
    """「19/-01/20」 on a page that marks blanks 「/」: 19 / - 0 1 / 20, a dash for a blank opening
    「-01/20」. Read as one unknown cell, that token let 1 9 and blanks fill the row, and the
    column sums settled 1 and 9 (the search at seed 5016513 read 自然人 1); its pieces are read
    in turn, so 19 whole, two blanks, 0, 1 and 20 is a reading too."""
    values = [token for token in tokenize([Line(1, "8.属于行政查询事项19/-01/20")], 7) if token.is_value]
    refs = [("withheld_query_matters", column) for column in formats.REQUEST_COLUMN_KEYS]
    readings = jointly.run_readings(values, refs, {}, [], True, frozenset(), True, frozenset("/"))
    assert readings is not None
    assert [19, None, None, 0, 1, None, 20] in [[value for value, _token, _status in reading] for reading, _damage in readings]


def test_a_page_footer_glued_before_table_four_counts_is_no_count() -> None:
    """「总计-6-00件0件…」: a flattened page's footer 「-6-」 glued between table 四's header and its
    first counts. Read only as printed, 「-6」 was 行政复议's 结果维持, a count below zero that
    its total's sum fitted (the search at seed 7025186); read without the footer it is 0."""
    truth = [0, 0, 0, 0, 0, 1, 0, 1, 3, 5, 3, 1, 23, 23, 50]
    cells = review_cells("-6-00件0件00件1件0件135件31件232350件")
    assert [(path, want, cells[path]) for path, want in zip(REVIEW_ORDER, truth, strict=True) if cells[path] is not None and cells[path] != want] == []


def table3_layout(blank: dict[str, set[int]], shift: int = 0) -> str:
    """A report whose table 三 is laid out at fixed character columns (`pdftotext -layout`), the
    cells in `blank` (row → columns) printed as nothing, each value centred in its column;
    `shift`: characters the blank rows' values stand off their columns."""
    table = requests_with(
        new_received=[53, 0, 0, 1, 0, 3, 57],
        granted=[40, 0, 0, 1, 0, 3, 44],
        partially_granted=[13, 0, 0, 0, 0, 0, 13],
        total_processed=[53, 0, 0, 1, 0, 3, 57],
    )
    lines = []
    for row in ROWS:
        cells = [" " * 6 if column in blank.get(row.key, set()) else f"{value:^6}" for column, value in enumerate(table[row.key])]
        label = f"  {row.label[:14]:<16}"
        lines.append(label + (" " * shift if row.key in blank else "") + "".join(cells))
    header = f"  {'':<16}{'自然人':^5}{'商业':^5}{'科研':^5}{'公益':^5}{'法律':^5}{'其他':^5}{'总计':^5}"
    return "\n".join([HEAD, SECTION3, header, *lines, REVIEW_SECTION])


def test_blank_cells_of_a_table_laid_out_in_columns_are_where_no_value_stands() -> None:
    """A `pdftotext -layout` copy of a table whose blank cells are empty: «0  0  0     0  0» leaves a
    wider gap where the blank stands, and the columns the whole rows set say which cell it is —
    a blank beside a 0 is one the arithmetic cannot place (seed 1261 read 84 cells null)."""
    blank = {"carried_over": {2}, "withheld_state_secret": {0, 5}, "carried_forward": {6}}
    rows = read(table3_layout(blank)).requests["rows"]
    assert rows["carried_over"] == [0, 0, None, 0, 0, 0, 0]
    assert rows["withheld_state_secret"] == [None, 0, 0, 0, 0, None, 0]
    assert rows["carried_forward"] == [0, 0, 0, 0, 0, 0, None]


def test_values_half_a_column_off_place_no_blank() -> None:
    """The same rows, their values half a column off: which cell each stands in is no longer
    plain, so the columns place no blank — each blank cell is null, or what the arithmetic
    derives and says so, never a 0 moved in from beside it."""
    blank = {"carried_over": {2}, "withheld_state_secret": {0, 5}}
    record = read(table3_layout(blank, shift=3))
    for row, columns in blank.items():
        for column in columns:
            path = f"requests.{row}.{formats.REQUEST_COLUMN_KEYS[column]}"
            value, provenance = record.requests["rows"][row][column], record.provenance.get(path)
            assert value is None or (provenance is not None and provenance.derived), (path, value)


@pytest.mark.parametrize("separator", ["", " ", "\n"])
def test_table_four_printed_with_no_number_is_there_left_blank(separator: str) -> None:
    """Table 四's header with not one number under it — every cell blank as nothing — is a
    table left blank, not a missing one, also where a flattened page glued its header's words
    together (seed 11005248 reported 「找不到表四」)."""
    header = separator.join(["行政复议", "行政诉讼", *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)])
    record = read(f"{HEAD}{REVIEW_SECTION}{header}五、存在的主要问题及改进情况")
    assert [f.message for f in record.findings if f.rule == "table_missing" and f.location.get("table") == "四"] == []
    assert record.notes.tables_found["四"] and all(value is None for value in review_cells(header).values())


def test_table_four_one_cell_per_line_with_blank_cells_after_an_empty_line() -> None:
    """A web page's table copied one cell per line, each behind a tab, rows parted by an empty
    line: table 四's row opens with a blank cell (a tab alone) right after that empty line and
    has more blanks among its numbers. Those blanks are its cells, not the merged label columns
    of a next row (seed 1142 read ten cells null: the empty line's mark outlived the numbers)."""
    header = ["行政复议", "行政诉讼", *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)]
    printed = ["", "56", "10", "8", "74", "", "3", "2", "2", "7", "", "", "", "－", ""]
    lines = [HEAD, REVIEW_SECTION, *(f"\t{word}" for word in header), "", *(f"\t{cell}" for cell in printed), "", "五、存在的主要问题及改进情况"]
    cells = read("\n".join(lines)).cell_values()
    assert [cells[path] for path in REVIEW_ORDER] == [None, 56, 10, 8, 74, None, 3, 2, 2, 7, None, None, None, None, None]


def test_a_page_counter_glued_before_table_four_counts_is_weighed() -> None:
    """「总计8/11000//0/0/19//0-/」 on a page whose counters count 11 pages (「7/11」 earlier): the
    counter 「8/11」 glued before 000, or 8, a blank and 11000 — read only the second way, the
    search at seed 13025771 put 8 in 结果维持 and 11000 in 其他结果. Both fit, so neither is read."""
    before = "第二十条第（一）项7/11信息内容"  # a counter standing apart, in table 二's header
    cells = review_cells("8/11000//0/0/19//0-/", before=before)
    truth = [0, 0, 0, None, None, 0, None, 0, None, 19, None, None, 0, None, None]
    assert [(path, want, cells[path]) for path, want in zip(REVIEW_ORDER, truth, strict=True) if cells[path] is not None and cells[path] != want] == []


def test_a_group_label_spaced_a_character_at_a_time_holds_no_blank() -> None:
    """«无　　法　　提 2.没有现成信 155» then «147 8 0 0 0 0»: a group label 「（四）无法提供」 spread a
    character at a time, its 「无」 no blank cell; the row's 总计 printed beside its label's first
    line is read in the order its total confirms (seed 15012977 read 155 147 8 … and 总计 0)."""
    tokens = tokenize([Line(1, "无　　法　　提 2.没有现成信                 155")], 7)
    assert [t.kind for t in tokens if t.text == "无"] == ["label"]


def test_a_unit_opening_the_next_cell_is_the_counts() -> None:
    """«行政规范性文件248 件0\\xa0件248第二十条»: a flattened page's no-break space before a unit cut
    the unit from its count, the next count glued after it. The unit is the count's, not a label
    in the row (seed 15010655 read the row as two values and 现行有效 0)."""
    tokens = tokenize([Line(1, "行政规范性文件248 件0\xa0件248第二十条")])
    assert [(t.kind, t.number) for t in tokens] == [("label", ""), ("num", "248"), ("num", "0"), ("num", "248"), ("label", "")]


def test_marks_after_a_value_before_the_next_heading_are_blank_cells() -> None:
    """«…4—7————五、存在的主要问题»: a flattened table 四 ends on blanks printed 「—」 glued to the next
    heading; they are cells, not words of the heading (「—— 五、」 was read as a label, losing them)."""
    tokens = tokenize([Line(1, "总计/—3—4—7————五、存在的主要问题及改进情况")], 15)
    assert [t.kind for t in tokens if t.line == 1][-3:] == ["null", "null", "label"]
    assert tokens[-1].text.startswith("五、")


def test_section_four_heading_with_drifted_spaces() -> None:
    """Section 四's heading is found on a flattened page where spaces drifted into its last
    word and table 四's header is glued after it (seed 17001519 reported it missing)."""
    heading = "四、政府信息公开行政复议、行政诉讼情\xa0  况行政复议行政诉讼"
    record = read(f"{HEAD}一、总体情况本机关…三、收到和处理政府信息公开申请情况本机关…{heading}{REVIEW_HEADER[8:]}000000000000000五、存在的主要问题及改进情况无。")
    assert 4 in record.notes.section_lines


def test_a_report_cut_short_whose_title_words_drifted_apart_is_a_report() -> None:
    """«…年度报   告» and «年度　报告»: spaces drifted into the words, the page cut off after table
    二 — still a report, not 「这不是政府信息公开工作年度报告」 (seed 19007948)."""
    text = "柳州市夏津县林业局2024年 政府信息公开工作年度报   告\n本报告根据《条例》和《年度　报告格式》编制。\n一、总体情况\n本机关…\n"
    assert "not_a_report" not in {finding.rule for finding in read(text).findings}


def test_a_heading_after_the_last_values_on_a_short_line_is_a_heading() -> None:
    """«000000000000000 五、存在的主要问题及改进情况»: a line break kept by a flattened page puts
    table 四's numbers and the next heading on one short line. The heading is found and the
    numbers stay table 四's (seed 19029966 reported section 五 missing)."""
    text = "\n".join([f"{HEAD}{REVIEW_SECTION}{REVIEW_HEADER}", "000000000000000 五、存在的主要问题及改进情况", "本机关将继续改进。"])
    record = read(text)
    assert 5 in record.notes.section_lines
    assert [record.cell_values()[path] for path in REVIEW_ORDER] == [0] * 15


def test_section_four_heading_before_a_pipe_and_the_table_header() -> None:
    """«四、政府信息公开行政复议、行政诉讼情况|行政复议行政诉讼|…» on a line of its own: the
    heading ends where table 四's header begins after a stray pipe (seed 17021175)."""
    header = REVIEW_HEADER.replace("行政诉讼结果", "行政诉讼|结果", 1)
    text = "\n".join([HEAD, f"{REVIEW_SECTION}|{header}|000000000000000", "五、存在的主要问题及改进情况", "无。"])
    record = read(text)
    assert 4 in record.notes.section_lines and 5 in record.notes.section_lines
    assert [record.cell_values()[path] for path in REVIEW_ORDER] == [0] * 15


def test_table_three_printed_with_no_number_is_there_left_blank() -> None:
    """Every row label of table 三 printed, a few blank marks, not one number: the table is
    there and left blank (each row a `blank_cell` finding), not missing (seed 17026479)."""
    labels = "".join(f"{row.label}{'—' if index % 5 == 0 else ''}" for index, row in enumerate(ROWS))
    record = read(f"{HEAD}{SECTION3}{HEADER.replace(' ', '')}{labels}{REVIEW_SECTION}")
    rules = {f.rule for f in record.findings}
    assert "table_missing" not in rules or all(f.location.get("table") != "三" for f in record.findings if f.rule == "table_missing")
    assert "blank_cell" in rules
    assert all(value is None for path, value in record.cell_values().items() if path.startswith("requests."))


def test_a_page_that_marks_its_blanks_with_two_slips_is_read_as_printed_elsewhere() -> None:
    """A flattened table 三 whose blanks are 「-」, with two slips: a blank row printed with six
    marks for seven cells, and 「---12021」 whose first blank is printed as nothing (as printed
    its digits fit no sum). Two slips among ten runs do not make the page one that prints its
    blanks as nothing: the other rows are read as printed, and the slips weighed with every
    reading (seed 2255 read all of table 三 null)."""
    blank = "-------"
    printed = {row.key: blank for row in ROWS}
    printed.update(
        new_received="5---12127",
        granted="5----16",
        rejected_duplicate="---12021",  # truly _ - - - 1 20 21: the first blank printed as nothing
        withheld_state_secret="------",  # six marks for seven blank cells
        total_processed="5---12127",
    )
    zero_rows = ("withheld_prohibited_by_law", "withheld_internal_affairs", "unavailable_not_held", "rejected_publication", "other_misc")
    printed.update({key: "-----00" for key in zero_rows})
    record = read(flattened_table3(ZERO_ROWS, **printed))
    rows = record.requests["rows"]
    assert rows["new_received"] == [5, None, None, None, 1, 21, 27]
    assert rows["granted"] == [5, None, None, None, None, 1, 6]
    assert rows["total_processed"] == [5, None, None, None, 1, 21, 27]
    assert all(rows[key] == [None, None, None, None, None, 0, 0] for key in zero_rows)
    truth = [None, None, None, None, 1, 20, 21]
    assert all(have is None or have == want for have, want in zip(rows["rejected_duplicate"], truth, strict=True))


MARKED_TABLE3 = f"{SECTION3}{HEADER}\n一、本年新收政府信息公开申请数量 5 - 0 0 0 － 5\n"  # a page that marks its blanks


@pytest.mark.parametrize(
    ("printed", "truth"),
    [
        # Each block's total printed: the text as printed cuts one way only (seed 100 read all null).
        ("00000021061800000", [0, 0, 0, 0, 0, 0, 2, 10, 6, 18, 0, 0, 0, 0, 0]),
        # 复议's total a blank: 9 2 2 9 _ fits as printed, so does 9 2 29 and a blank printed as
        # nothing (seed 1543720880): every reading is weighed, and 复议 stays open.
        ("9229—0000000000", [None] * 5),
    ],
)
def test_table_four_on_a_page_that_marks_its_blanks_is_read_as_printed_where_totals_check_it(printed: str, truth: list[int | None]) -> None:
    cells = review_cells(printed, before=MARKED_TABLE3)
    assert [cells[path] for path in REVIEW_ORDER][: len(truth)] == truth


def test_a_zero_framed_by_blank_marks_is_no_page_footer() -> None:
    """«－\\xa0－ 0 －\\xa00» cut at its no-break spaces leaves 「－ 0 －」 a cell of its own: a 0
    between two blanks, never a page footer (no page is numbered 0). Dropped as one, the row
    lost three cells and read a page footer's 5 as its 其他 (seed 23008631)."""
    line = "2.没有现成信息需\u3000要另行制作  －\xa0－ 0 －\xa00  0  －  —  5\xa0— （本列数据的勾稽关系为"
    values = [t.text for t in tokenize([Line(1, line)], 7) if t.kind != "label"]
    assert values[:7] == ["－", "－", "0", "－", "0", "0", "－"]


def test_a_table_two_row_after_its_block_header_repeated_on_a_new_page() -> None:
    """«规章000 \\f 第二十条第（一）项 信息内容本年制发件数…现行有效件数 行政规范性文件000»: where a
    page broke a flattened table 二, its header is repeated and glued before the next row's label.
    The row is still found by its label (seed 2876 read 行政规范性文件 and 行政许可 as not printed)."""
    header = "第二十条第（一）项 信息内容本年制发件数本年废止件数现行有效件数"
    text = (
        f"{HEAD}二、主动公开政府信息情况 {header} 规章000 \x0c {header} 行政规范性文件130 "
        "第二十条第（五）项 信息内容本年处理决定数量 行政许可7 第二十条第（六）项 - 2 - \x0c 信息内容本年处理决定数量 行政处罚0 行政强制0"
        f"{SECTION3}"
    )
    record = read(text)
    assert record.active["normative_documents"] == {"issued": 1, "repealed": 3, "in_force": 0}
    assert record.active["licensing"]["decisions"] == 7


def test_a_heading_after_a_blank_cells_hyphen_is_a_heading() -> None:
    """«…尚未审结总计--0--0-----13---五、存在的主要问题及改进情况»: a line that keeps table 四's header,
    its values with blanks printed 「-」, and the next heading is cut at the heading, as after
    any other blank mark (seed 27009382 reported section 五 missing)."""
    text = "\n".join([f"{HEAD}{REVIEW_SECTION}", f"{REVIEW_HEADER[8:]}--0--0-----13---五、存在的主要问题及改进情况", "本机关将继续改进。"])
    assert 5 in read(text).notes.section_lines


# A flattened table 三 on a page that prints blank cells as nothing (seed 455): every row's digits
# run together, blanks hidden among them; and the narrative's figures.
NOTHING_ROWS = (
    "1027300421200 050005 2730001462 37200039 0000000 1400000 000012 80019 0900009 100000515 01200013 000000 "
    "330017 320006 500038 0000000 0100012 1200003 0000011 000112 000000 0300025 500005 1007700421202 \\10－003"
)
NOTHING_STORY = (
    "（二）依申请公开全年共受理政府信息公开申请200件，另有上年结转申请5件；已办结202件，结转下年度继续办理3件。"
    "其中，予以公开62件，部分公开39件，不予公开62件，无法提供21件，不予处理8件，其他处理10件。"
)
NOTHING_TRUTH = {
    "new_received": [102, 73, 0, 0, 4, 21, 200],
    "granted": [27, 30, 0, 0, 1, 4, 62],
    "withheld_process_information": [10, 0, 0, 0, 0, 5, 15],
    "total_processed": [100, 77, 0, 0, 4, 21, 202],
}


def test_a_blank_hidden_in_a_row_counts_no_more_than_its_row_total_leaves() -> None:
    """«2730001462» with a blank hidden anywhere, «1027300421200» too: counted as any count in
    each equation apart, a blank lets every column's sum take up what it likes, so the columns
    refuted nothing until every row was chosen, and the search ran out of steps (all null). A
    blank counts at most what its row's total leaves it (the only blank of a row: exactly
    that), in its row and its column alike; the columns then settle the rows."""
    printed = dict(zip([row.key for row in ROWS], NOTHING_ROWS.split(), strict=True))
    text = flattened_table3(ZERO_ROWS, **printed).replace(SECTION3, NOTHING_STORY + SECTION3, 1)
    rows = read(text).requests["rows"]
    for key, truth in NOTHING_TRUTH.items():
        assert rows[key] == truth, key


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        # One blank in a row: what the total leaves it, exactly.
        ([0, 5, 0, None, 0, 0, 5], [(0, 0)]),
        ([14, 0, 0, 0, 0, 0, None], [(14, 14)]),
        # Two share what is left: each at most all of it.
        ([8, None, 0, 0, None, 0, 19], [(0, 11), (0, 11)]),
        # The total blank too: the blanks before it are not bounded, the total is at least the rest.
        ([8, None, 0, 0, 0, 0, None], [(0, float("inf")), (8, float("inf"))]),
        # Its sums cannot hold (9 > 5): left as any count, for the equations to refute.
        ([9, None, 0, 0, 0, 0, 5], [(0, float("inf"))]),
    ],
)
def test_what_a_blank_may_count_in_its_row(values: list[int | None], bounds: list[tuple[float, float]]) -> None:
    row = [(slot, 1) for slot in range(6)] + [(6, -1)]  # six columns add up to 总计
    found = jointly._bounds_by_own_sums([None if v is None else float(v) for v in values], [row])
    assert [found[slot] for slot, value in enumerate(values) if value is None] == bounds


def test_a_row_whose_total_is_blank_does_not_count_as_a_slip_of_the_page() -> None:
    """A page that marks its blanks 「／」 (seed 1110): five runs have no reading that prints
    every cell as such, one of them only because its 总计 is blank — weighed with every
    reading for that, not because it shows a blank printed as nothing. Counted as a slip, it
    made the slips more than a quarter of the runs, and the page was read as one printing its
    blanks as nothing: every row open, 45971 one cell with 543 beside it."""
    text = (
        "45971／13／／543 54／／／／９ 544／30／61 ／9／20／11 1633０00／166 ／／／／／／／ 62／０１／／63 ０／／1／0１ ０／00／0／ "
        "／2／／／／2 ／0／１／\\1 ／２０／0／／20 ６／／1／07 ／18／／／／18 ／15／／／-15 ／／／／／／／ 710／／／8 ／／／／０／／ "
        "／／／／0／ 1211／／／／122 3／／０／－3 ／／／2／／2 48/／2／５０ 46473／13０／550 ／200／02"
    )
    printed = dict(zip([row.key for row in ROWS], text.split(), strict=True))
    rows = read(flattened_table3(ZERO_ROWS, **printed)).requests["rows"]
    assert rows["new_received"] == [459, 71, None, 13, None, None, 543]
    assert rows["granted"] == [54, 4, None, 3, 0, None, 61]
    assert rows["total_processed"] == [464, 73, None, 13, 0, None, 550]


def test_table_four_reads_a_glued_dash_as_the_mark_table_three_prints_alone() -> None:
    """«0－0007－3313－0000» (as seed 2784): 「－」 glued before counts, on a page whose table 三
    prints 「－」 alone for its blank cells. Table 四 alone shows no mark, so its dashes read as
    marks only as damage, and every reading was weighed, a blank hidden anywhere: all null. The
    marks are the document's, from all its tables."""
    cells = review_cells("0－0007－3313－0000", before=MARKED_TABLE3)
    assert [cells[path] for path in REVIEW_ORDER] == [0, None, 0, 0, 0, 7, None, 3, 3, 13, None, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("line", "values"),
    [
        # Spaced inside, glued outside: a header's words before it, the values after (seed 565).
        ("结果尚未审结总计- 7 -0000038001100000", ["0000038001100000"]),
        # 「第 6 页，共 14 页」 spaced with no-break spaces (seed 17025701: 14 read as a count).
        ("结果尚未审结总计第 6  页，共\xa014\xa0页000000000003519", ["000000000003519"]),
    ],
)
def test_a_page_footer_glued_before_a_tables_values(line: str, values: list[str]) -> None:
    assert [t.text for t in tokenize([Line(1, line)], 15) if t.is_value] == values


def test_a_page_footer_spaced_inside_between_a_blanks_mark_and_the_next_label() -> None:
    """«…缴纳费用、行政机关不再处理其政府信息公开申请----—--— 4 —3.其他-000-0»: a flattened page's
    footer 「— 4 —」, glued to the row's last blank mark before it and to the next row's list
    marker after it, is no cell (seed 23014645 read 4 as 其他 of a row printed all blank)."""
    blank = "-------"
    printed = {row.key: blank for row in ROWS}
    printed.update(new_received="0-0000-0", other_no_fee="----—--— 4 —", total_processed="0-0000-0")
    rows = read(flattened_table3(ZERO_ROWS, **printed)).requests["rows"]
    assert rows["other_no_fee"] == [None] * 7
    assert rows["other_misc"] == [None] * 7


def test_a_dash_run_of_odd_length_on_a_page_marking_blanks_two_dashes_is_a_slip() -> None:
    """A flattened table 三 whose blanks are 「——」, one of them typed 「—」 once («——0———011»).
    That slip does not make "——" two blanks as printed elsewhere: «0————011» (truly a blank
    printed as nothing, 0, ——, ——, 0, 1, 1) reads as 0, —, —, ——, 0, 1, 1 only as one slip
    more, no likelier than a blank printed as nothing anywhere before 其他. Seed 17001708 read
    自然人 0, where nothing was printed."""
    blank = "——" * 7
    printed = {row.key: blank for row in ROWS}
    printed.update(new_received="0——0——022", granted="0————011", partially_granted="——0———011", total_processed="0——0——022")
    rows = read(flattened_table3(ZERO_ROWS, **printed)).requests["rows"]
    truth = {"granted": [None, 0, None, None, 0, 1, 1], "partially_granted": [None, 0, None, None, 0, 1, 1], "new_received": [0, None, 0, None, 0, 2, 2]}
    for key, values in truth.items():
        assert [(column, have) for column, (want, have) in enumerate(zip(values, rows[key], strict=True)) if have is not None and have != want] == [], key
    assert rows["granted"][:2] == [None, None]  # a blank printed as nothing before 0, or 0 before a blank's 「—」
    assert rows["partially_granted"] == truth["partially_granted"]


@pytest.mark.parametrize(
    ("line", "dashes"),
    [
        ("0——0——022 ——0———011 ——————", frozenset()),  # 「——」 blanks, one typed 「—」: a slip
        ("0—0—022 ———011 —————— 1—0—1", frozenset("—")),  # 「—」 blanks, several next to each other
        ("0-——00-——", frozenset("-")),  # 「-」 alone, 「——」 beside it
    ],
)
def test_the_dashes_a_page_prints_alone_for_a_blank(line: str, dashes: frozenset[str]) -> None:
    runs = [(tokenize_cell(run, Line(1, run), 0), []) for run in line.split()]
    assert jointly._dashes_printed_alone(runs) == dashes


def test_table_four_whose_blanks_run_together_may_hide_one_printed_as_nothing() -> None:
    """«/—————3—4—7————» on a page that prints some blank cells as nothing: read with every dash
    a blank it fills the fifteen cells exactly (直接起诉 _ 3 _ 4 _, 复议后起诉 7 _ _ _ _), but so
    does 「——」 read as one blank with a blank printed as nothing after the last mark (直接起诉
    3 _ 4 _ 7, the truth). Values printed against each other hide such a blank as glued digits
    do (seed 17016678 read 结果纠正 3, 尚未审结 4 and 复议后起诉's 结果维持 7)."""
    before = f"{SECTION3}{HEADER.replace(' ', '')}一、本年新收政府信息公开申请数量5—000—5二、上年结转政府信息公开申请数量—000—"
    cells = review_cells("/—————3—4—7————", before=before)
    truth = [None] * 5 + [3, None, 4, None, 7] + [None] * 5
    assert [(path, cells[path]) for path, want in zip(REVIEW_ORDER, truth, strict=True) if cells[path] is not None and cells[path] != want] == []


@pytest.mark.parametrize(
    ("line", "flattened"),
    [("0一、概述", True), ("3 一、概述", True), ("一、概述", False), ("0一、总体", False), ("0", False), ("0 0 0 0", False)],
)
def test_the_shortest_lines_that_run_a_table_into_a_heading(line: str, flattened: bool) -> None:
    assert importlib.import_module("gongkai.parse.segment").is_flattened(line) is flattened
