"""The ledger workbook: init → filled with openpyxl as a clerk would → read back; bad cells give
Chinese messages naming sheet, row and column; 上年结转 imported; the checked copy."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gongkai import formats
from gongkai.ledger import Channel, LedgerError, Request, Status, check_ledger, import_carried_over, init_ledger, read_ledger, write_checked_copy
from gongkai.ledger.entries import SHEET_ACTIVE, SHEET_CARRIED, SHEET_CASES, SHEET_CHOICES, SHEET_INFO, SHEET_REQUESTS, Place, result_rows
from gongkai.ledger.tabulate import carried_forward_requests
from gongkai.ledger.workbook import CHECK_COLUMNS, LATE_FILL, REQUEST_COLUMNS, parse_date

HEADERS = [c.header for c in REQUEST_COLUMNS]


def _row(**values: Any) -> list[Any]:
    """A 申请登记 row from header → value."""
    return [values.get(h) for h in HEADERS]


def _fill(path: Path, requests: list[list[Any]] = (), carried: list[list[Any]] = (), cases: list[list[Any]] = (), active: int | None = 1) -> None:  # type: ignore[assignment]
    workbook = load_workbook(path)
    for values in requests:
        workbook[SHEET_REQUESTS].append(values)
    for values in carried:
        workbook[SHEET_CARRIED].append(values)
    for values in cases:
        workbook[SHEET_CASES].append(values)
    if active is not None:
        ws = workbook[SHEET_ACTIVE]
        for row in range(2, ws.max_row + 1):
            ws.cell(row, 4).value = active
    workbook.save(path)


def _problems(path: Path) -> list[str]:
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    return init_ledger(tmp_path / "台账.xlsx", "某市某局", 2024)


def test_init_writes_the_sheets_and_drop_downs(blank: Path) -> None:
    workbook = load_workbook(blank)
    assert workbook.sheetnames == [SHEET_REQUESTS, SHEET_ACTIVE, SHEET_CASES, SHEET_CARRIED, SHEET_INFO, SHEET_CHOICES]
    assert workbook[SHEET_CHOICES].sheet_state == "hidden"
    assert [c.value for c in workbook[SHEET_REQUESTS][1]] == HEADERS
    # drop-downs: 收到方式, 申请人类型, 办理结果 lists point at the hidden sheet; the date columns are validated
    validations = workbook[SHEET_REQUESTS].data_validations.dataValidation
    lists = sorted(v.formula1 for v in validations if v.type == "list")
    assert lists == ["'选项'!$A$2:$A$6", "'选项'!$B$2:$B$7", "'选项'!$C$2:$C$22"]
    assert any(v.type == "date" for v in validations)
    assert all(v.error and "请" in v.error for v in validations)
    choices = workbook[SHEET_CHOICES]
    assert [choices.cell(r, 1).value for r in range(2, 7)] == ["当面", "邮寄", "平信", "网络", "传真"]
    assert [choices.cell(r, 2).value for r in range(2, 8)] == [c.label for c in formats.REQUEST_COLUMNS[:6]]
    results = [choices.cell(r, 3).value for r in range(2, 23)]
    assert results == [r.name for r in result_rows(formats.TEMPLATE_2021)]
    assert "部分公开" in results and "其他处理·逾期不补正" in results
    # table 二 inputs of the 2021 format
    active = workbook[SHEET_ACTIVE]
    pairs = [(active.cell(r, 2).value, active.cell(r, 3).value) for r in range(2, active.max_row + 1)]
    assert pairs == [(row.label, f.label) for row in formats.ACTIVE_ROWS_2021 for f in row.fields]
    info = workbook[SHEET_INFO]
    assert (info["A2"].value, info["B2"].value, info["B3"].value, info["B4"].value) == ("机关", "某市某局", 2024, "2021")
    assert [c.value for c in workbook[SHEET_REQUESTS][1]][4] == "申请人类型"
    assert workbook[SHEET_REQUESTS]["C1"].comment is not None and "第三十一条" in workbook[SHEET_REQUESTS]["D1"].comment.text


def test_2019_template_by_year(tmp_path: Path) -> None:
    path = init_ledger(tmp_path / "2020.xlsx", "某局", 2020)
    workbook = load_workbook(path)
    choices = workbook[SHEET_CHOICES]
    results = [choices.cell(r, 3).value for r in range(2, choices.max_row + 1) if choices.cell(r, 3).value]
    assert results == [r.name for r in result_rows(formats.TEMPLATE_2019)]
    assert "其他处理" in results and len(results) == 19
    active = workbook[SHEET_ACTIVE]
    assert "政府集中采购" in [active.cell(r, 2).value for r in range(2, active.max_row + 1)]
    assert read_ledger(path).template == formats.TEMPLATE_2019
    assert read_ledger(init_ledger(tmp_path / "2021.xlsx", "某局", 2021)).template == formats.TEMPLATE_2021
    assert read_ledger(init_ledger(tmp_path / "forced.xlsx", "某局", 2021, formats.TEMPLATE_2019)).template == formats.TEMPLATE_2019


def test_init_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="机关名称不能为空"):
        init_ledger(tmp_path / "x.xlsx", "  ", 2024)
    with pytest.raises(LedgerError, match="2019年及以后"):
        init_ledger(tmp_path / "x.xlsx", "某局", 2018)
    with pytest.raises(LedgerError, match="报告格式"):
        init_ledger(tmp_path / "x.xlsx", "某局", 2024, "pre2019")
    with pytest.raises(LedgerError, match="无法写入"):
        init_ledger(tmp_path / "no" / "such" / "x.xlsx", "某局", 2024)


def test_filled_ledger_reads_back(blank: Path) -> None:
    _fill(
        blank,
        requests=[
            _row(编号="2024-001", 收到方式="网络", 收到日期=date(2024, 2, 5), 申请人类型="自然人", 内容摘要="某项目批复", 答复日期=date(2024, 3, 1), 办理结果="予以公开"),
            # dates typed as text in several ways, a result with its group prefix, the 法人或其他组织· prefix
            _row(编号=2, 收到方式="平常信函", 收到日期="2024/9/20", 确认日期="2024年9月23日", 申请人类型="法人或其他组织·商业企业",
                 补正告知日="2024.9.25", 补正收到日=datetime(2024, 10, 8, 9, 30), 答复日期="20241120", 办理结果="（三）不予公开·1.属于国家秘密"),
            _row(编号="2024-003", 收到方式="传真", 收到日期=45646, 申请人类型="其他", 第三方征求意见起="2024-12-02"),  # 45646 = 2024-12-20
        ],
        carried=[_row(编号="2023-099", 收到方式="邮寄", 收到日期=date(2023, 12, 20), 申请人类型="科研机构", 答复日期=date(2024, 1, 10), 办理结果="部分公开")],
        cases=[["F-1", "行政复议", date(2024, 3, 1), "不服答复", "结果维持", date(2024, 5, 1), ""], ["S-1", "复议后起诉", None, "", "", None, ""]],
    )
    ledger = read_ledger(blank)
    assert (ledger.agency, ledger.year, ledger.template) == ("某市某局", 2024, "2021")
    assert ledger.sha256 and len(ledger.sha256) == 64
    first, second, third = ledger.requests
    assert first == Request("2024-001", Channel.ONLINE, date(2024, 2, 5), applicant="natural_person", summary="某项目批复",
                            answered=date(2024, 3, 1), result="granted", place=Place(SHEET_REQUESTS, 2))  # fmt: skip
    assert second.number == "2" and second.channel == Channel.LETTER and second.applicant == "commercial"
    assert (second.received, second.confirmed, second.correction_notice, second.correction_received, second.answered) == (
        date(2024, 9, 20), date(2024, 9, 23), date(2024, 9, 25), date(2024, 10, 8), date(2024, 11, 20))  # fmt: skip
    assert second.result == "withheld_state_secret"
    assert third.received == date(2024, 12, 20) and third.applicant == "other_org" and third.third_party_start == date(2024, 12, 2)
    assert ledger.carried_over[0].place == Place(SHEET_CARRIED, 2) and ledger.carried_over[0].result == "partially_granted"
    assert [(c.number, c.kind, c.outcome) for c in ledger.cases] == [("F-1", "review", "upheld"), ("S-1", "litigation_after_review", None)]
    assert ledger.active["regulations"] == {"issued": 1, "repealed": 1, "in_force": 1}
    assert ledger.active["fees"] == {"amount": 1}


def test_columns_are_found_by_header(blank: Path) -> None:
    """A clerk may move columns and add a column of their own."""
    workbook = load_workbook(blank)
    ws = workbook[SHEET_REQUESTS]
    ws.insert_cols(1)
    ws.cell(1, 1).value = "经办人"
    ws.append(["张三", *_row(编号="A", 收到方式="当面", 收到日期=date(2024, 5, 6), 申请人类型="自然人")])
    workbook.save(blank)
    assert read_ledger(blank).requests[0].received == date(2024, 5, 6)


def test_bad_cells_are_named_in_chinese(blank: Path) -> None:
    _fill(
        blank,
        requests=[
            _row(编号="1", 收到方式="飞鸽传书", 收到日期="2024-02-30", 申请人类型="个人", 答复日期="下周", 办理结果="同意公开"),
            _row(编号="2", 收到方式="当面", 收到日期=date(2024, 3, 1), 申请人类型="自然人", 办理结果="其他处理"),  # a 2019 result in a 2021 ledger
            _row(收到方式="当面", 收到日期=date(2024, 3, 1), 申请人类型="自然人"),  # no 编号
            _row(编号="1", 收到方式="当面", 收到日期=date(2023, 12, 29), 申请人类型="自然人"),  # duplicate 编号, last year's date
        ],
        carried=[_row(编号="C", 收到方式="当面", 收到日期=date(2024, 1, 2), 申请人类型="自然人", 答复日期=date(2023, 12, 30), 办理结果="予以公开")],
        cases=[["F-1", "上访", None, "", "胜诉", None, ""], ["F-2", None, None, "", "", None, ""]],
        active=None,
    )
    workbook = load_workbook(blank)
    workbook[SHEET_ACTIVE]["D2"] = -3
    workbook[SHEET_ACTIVE]["D3"] = "两件"
    workbook[SHEET_ACTIVE]["D4"] = 1.5
    workbook.save(blank)
    problems = _problems(blank)
    expected = [
        "“申请登记”表第2行“收到方式”列：未知的收到方式“飞鸽传书”，应为：当面、邮寄、平信、网络、传真",
        "“申请登记”表第2行“收到日期”列：“2024-02-30”不是有效日期（没有这一天）",
        "“申请登记”表第2行“申请人类型”列：未知的申请人类型“个人”，应为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他",
        "“申请登记”表第2行“答复日期”列：“下周”不是日期（请写为 2024-03-15）",
        "“申请登记”表第3行“办理结果”列：“其他处理”是2019年版（试行）格式的办理结果，本台账用2021年版格式，请从下拉列表中重选",
        "“申请登记”表第4行“编号”列：编号为空：每一行都要有编号",
        "“申请登记”表第5行“收到日期”列：2023-12-29属于上一年度，不是2024年收到的申请：以前年度收到、年初仍未办结的申请请登记在“上年结转”表",
        "“申请登记”表第5行“编号”列：编号“1”与“申请登记”表第2行重复",
        "“上年结转”表第2行“收到日期”列：2024-01-02是2024年收到的，应登记在“申请登记”表",
        "“上年结转”表第2行“答复日期”列：2023-12-30已在2023年答复，不是结转到2024年的申请，请删除这一行",
        "“复议诉讼”表第2行“案件类型”列：未知的案件类型“上访”，应为：行政复议、未经复议直接起诉、复议后起诉",
        "“复议诉讼”表第2行“审理结果”列：未知的审理结果“胜诉”，应为：结果维持、结果纠正、其他结果、尚未审结",
        "“复议诉讼”表第3行“案件类型”列：未填案件类型，应为：行政复议、未经复议直接起诉、复议后起诉",
        "“主动公开”表第2行“数值”列：规章·本年制发件数：-3是负数：此项不能小于0",
        "“主动公开”表第3行“数值”列：规章·本年废止件数：“两件”不是数字",
        "“主动公开”表第4行“数值”列：规章·现行有效件数：1.5不是整数：件数只能是整数",
    ]
    for message in expected:
        assert message in problems, f"{message!r} not in {problems}"
    assert "同意公开" in " ".join(problems)  # unknown result, named


def test_structure_problems(tmp_path: Path, blank: Path) -> None:
    workbook = load_workbook(blank)
    workbook[SHEET_REQUESTS]["C1"] = "日期"
    del workbook[SHEET_CASES]
    workbook[SHEET_INFO]["B3"] = "明年"
    workbook.save(blank)
    problems = _problems(blank)
    assert "“复议诉讼”表：找不到这张表" in problems
    assert any("年度“明年”无效" in p for p in problems)
    workbook = load_workbook(blank)
    workbook[SHEET_INFO]["B3"] = 2024
    workbook.create_sheet(SHEET_CASES)
    workbook.save(blank)
    problems = _problems(blank)
    assert "“申请登记”表第1行：缺少“收到日期”列（表头应在第1行）" in problems
    assert "“复议诉讼”表：是空表，缺少表头" in problems


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "不是 Excel 工作簿"), (b"PK\x03\x04 broken zip", "不是 Excel 工作簿"), (b"\xd0\xcf\x11\xe0 an old .xls", "不是 Excel 工作簿")],
)
def test_not_a_workbook(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(LedgerError, match=message):
        read_ledger(path)


def test_other_workbooks_and_missing_files(tmp_path: Path) -> None:
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(LedgerError, match="不是 gongkai ledger init 生成的台账"):
        read_ledger(other)
    with pytest.raises(LedgerError, match="不存在"):
        read_ledger(tmp_path / "absent.xlsx")
    with pytest.raises(LedgerError, match="不是文件"):
        read_ledger(tmp_path)


def test_parse_date_forms() -> None:
    assert parse_date("2024-3-5") == parse_date("2024年3月5日") == parse_date(" 2024 / 03 / 05 ") == date(2024, 3, 5)
    assert parse_date(45356) == date(2024, 3, 5)
    assert parse_date(None) is None and parse_date("—") is None and parse_date("/") is None
    for bad in ("3/5/2024", 12, "2024-13-01", True):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_text_is_never_a_formula(blank: Path, tmp_path: Path) -> None:
    evil = Request("=HYPERLINK(\"http://x\")", Channel.MAIL, date(2023, 12, 1), applicant="natural_person", summary="=1+1", place=Place(SHEET_CARRIED))
    path = init_ledger(tmp_path / "evil.xlsx", "=cmd|' /C calc'!A0", 2024, carried_over=[evil])
    workbook = load_workbook(path)
    assert workbook[SHEET_CARRIED]["A2"].data_type == "s" and str(workbook[SHEET_CARRIED]["A2"].value).startswith("'=")
    assert str(workbook[SHEET_INFO]["B2"].value).startswith("'=")


# ---------------------------------------------------------------- 上年结转


def test_carry_over_from_last_year(tmp_path: Path) -> None:
    last_path = init_ledger(tmp_path / "2024.xlsx", "某局", 2024)
    _fill(
        last_path,
        requests=[
            _row(编号="24-1", 收到方式="当面", 收到日期=date(2024, 12, 20), 申请人类型="自然人"),  # open on 31 December
            _row(编号="24-2", 收到方式="当面", 收到日期=date(2024, 12, 2), 申请人类型="商业企业", 答复日期=date(2024, 12, 30), 办理结果="予以公开"),
            _row(编号="24-3", 收到方式="网络", 收到日期=date(2024, 12, 23), 申请人类型="其他", 答复日期=date(2025, 1, 6), 办理结果="部分公开"),
        ],
        carried=[_row(编号="23-9", 收到方式="邮寄", 收到日期=date(2023, 12, 28), 申请人类型="科研机构")],  # still open
    )
    last = read_ledger(last_path)
    carried = carried_forward_requests(last)
    assert [r.number for r in carried] == ["23-9", "24-1", "24-3"]
    this_path = init_ledger(tmp_path / "2025.xlsx", "某局", 2025, carried_over=carried)
    this = read_ledger(this_path)
    assert [r.number for r in this.carried_over] == ["23-9", "24-1", "24-3"]
    assert this.carried_over[2].answered == date(2025, 1, 6) and this.carried_over[2].result == "partially_granted"
    assert this.carried_over[0].received == date(2023, 12, 28) and this.carried_over[0].channel == Channel.MAIL
    # importing into an existing ledger adds only what is not there yet, and keeps the clerk's updates
    other_path = init_ledger(tmp_path / "2025b.xlsx", "某局", 2025)
    _fill(other_path, carried=[_row(编号="24-1", 收到方式="当面", 收到日期=date(2024, 12, 20), 申请人类型="自然人", 答复日期=date(2025, 1, 8), 办理结果="予以公开")])
    assert import_carried_over(other_path, last_path) == 2
    assert import_carried_over(other_path, last) == 0
    imported = read_ledger(other_path)
    assert [r.number for r in imported.carried_over] == ["24-1", "23-9", "24-3"]
    assert imported.carried_over[0].answered == date(2025, 1, 8)
    with pytest.raises(LedgerError, match="本台账是2024年度，应导入2023年度的台账"):
        import_carried_over(last_path, last)


def test_carry_over_into_another_template(tmp_path: Path) -> None:
    """A 2020 request answered in 2021 with the 2019 （六）其他处理 is carried into a 2021 ledger with its result cleared."""
    request = Request("20-1", Channel.MAIL, date(2020, 12, 28), applicant="natural_person", answered=date(2021, 1, 20),
                      result=formats.ROW_OTHER_HANDLING.key)  # fmt: skip
    ledger = read_ledger(init_ledger(tmp_path / "2021.xlsx", "某局", 2021, carried_over=[request]))
    assert ledger.carried_over[0].result is None and ledger.carried_over[0].answered == date(2021, 1, 20)


# ---------------------------------------------------------------- the checked copy


def test_checked_copy_highlights_late_rows(blank: Path, tmp_path: Path) -> None:
    _fill(
        blank,
        requests=[
            _row(编号="ok", 收到方式="网络", 收到日期=date(2024, 2, 5), 申请人类型="自然人", 答复日期=date(2024, 3, 1), 办理结果="予以公开"),
            _row(编号="late", 收到方式="网络", 收到日期=date(2024, 2, 5), 申请人类型="自然人", 答复日期=date(2024, 3, 11), 办理结果="予以公开"),
            _row(编号="open", 收到方式="当面", 收到日期=date(2024, 12, 20), 申请人类型="自然人"),
            _row(编号="nodate", 收到方式="当面", 申请人类型="自然人"),
        ],
    )
    ledger = read_ledger(blank)
    deadlines = check_ledger(ledger, date(2024, 12, 31))
    assert [d.status for d in deadlines] == [Status.ANSWERED_IN_TIME, Status.ANSWERED_LATE, Status.DUE, Status.MISSING_DATA]
    out = tmp_path / "checked.xlsx"
    assert write_checked_copy(blank, deadlines, out, date(2024, 12, 31)) == 2
    ws = load_workbook(out)[SHEET_REQUESTS]
    header = [c.value for c in ws[1]]
    assert header[len(HEADERS) :] == list(CHECK_COLUMNS)
    due_column = header.index("答复期限") + 1
    status_column = header.index("期限状态") + 1
    assert ws.cell(2, due_column).value.date() == date(2024, 3, 8)
    assert [ws.cell(r, status_column).value for r in range(2, 6)] == ["按期答复", "逾期答复", "办理中", "缺少数据"]
    assert ws.cell(3, 1).fill.fgColor.rgb.endswith(LATE_FILL.fgColor.rgb[-6:])
    assert ws.cell(2, 1).fill.fgColor.rgb in (None, "00000000")
    # the copy is still a ledger, and checking it again reuses the added columns
    again = read_ledger(out)
    assert [r.number for r in again.requests] == ["ok", "late", "open", "nodate"]
    write_checked_copy(out, check_ledger(again, date(2024, 12, 31)), tmp_path / "again.xlsx", date(2024, 12, 31))
    assert [c.value for c in load_workbook(tmp_path / "again.xlsx")[SHEET_REQUESTS][1]] == header
