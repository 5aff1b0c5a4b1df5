"""`gongkai ledger init` and `gongkai ledger check`: outputs, exit codes, Chinese messages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conftest import run_cli, run_module
from openpyxl import load_workbook

from gongkai.ledger import read_ledger
from gongkai.ledger.entries import SHEET_ACTIVE, SHEET_CARRIED, SHEET_REQUESTS
from gongkai.ledger.workbook import REQUEST_COLUMNS

HEADERS = [c.header for c in REQUEST_COLUMNS]


def _row(**values: object) -> list[object]:
    return [values.get(h) for h in HEADERS]


def _filled(path: Path) -> Path:
    assert run_cli("ledger", "init", "--agency", "某市某局", "--year", "2024", path).exit_code == 0
    workbook = load_workbook(path)
    ws = workbook[SHEET_REQUESTS]
    ws.append(_row(编号="2024-001", 收到方式="网络", 收到日期=date(2024, 2, 5), 申请人类型="自然人", 答复日期=date(2024, 3, 1), 办理结果="予以公开"))
    ws.append(_row(编号="2024-002", 收到方式="邮寄", 收到日期=date(2024, 9, 27), 申请人类型="商业企业", 答复日期=date(2024, 11, 4), 办理结果="部分公开"))
    ws.append(_row(编号="2024-003", 收到方式="当面", 收到日期=date(2024, 12, 20), 申请人类型="自然人"))
    active = workbook[SHEET_ACTIVE]
    for row in range(2, active.max_row + 1):
        active.cell(row, 4).value = 0
    workbook.save(path)
    return path


def test_init(tmp_path: Path) -> None:
    path = tmp_path / "2024.xlsx"
    result = run_cli("ledger", "init", "--agency", "某市某局", "--year", "2024", path)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f"已建立 某市某局 2024年度政府信息公开申请台账：{path}（2021年版格式）。"
    ledger = read_ledger(path)
    assert (ledger.agency, ledger.year, ledger.template) == ("某市某局", 2024, "2021")
    again = run_cli("ledger", "init", "--agency", "某市某局", "--year", "2024", path)
    assert again.exit_code == 2 and "已存在" in again.stderr
    assert run_cli("ledger", "init", "--agency", "某市某局", "--year", "2024", "--force", path).exit_code == 0
    old = run_cli("ledger", "init", "--agency", "某局", "--year", "2020", tmp_path / "2020.xlsx")
    assert old.exit_code == 0 and "2019年版（试行）格式" in old.output
    assert read_ledger(tmp_path / "2020.xlsx").template == "2019"
    forced = run_cli("ledger", "init", "--agency", "某局", "--year", "2021", "--template", "2019", tmp_path / "f.xlsx")
    assert forced.exit_code == 0 and read_ledger(tmp_path / "f.xlsx").template == "2019"


def test_init_carries_over_from_last_year(tmp_path: Path) -> None:
    last = _filled(tmp_path / "2024.xlsx")
    result = run_cli("ledger", "init", "--agency", "某市某局", "--year", "2025", "--carry-from", last, tmp_path / "2025.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "“上年结转”已填入1件" in result.output
    ledger = read_ledger(tmp_path / "2025.xlsx")
    assert [r.number for r in ledger.carried_over] == ["2024-003"]
    assert load_workbook(tmp_path / "2025.xlsx")[SHEET_CARRIED]["A2"].value == "2024-003"
    wrong_year = run_cli("ledger", "init", "--agency", "某市某局", "--year", "2026", "--carry-from", last, tmp_path / "2026.xlsx")
    assert wrong_year.exit_code == 2 and "应给2025年度的台账" in wrong_year.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    bad = run_cli("ledger", "init", "--agency", "某市某局", "--year", "2025", "--carry-from", broken, tmp_path / "x.xlsx")
    assert bad.exit_code == 1 and "不是 Excel 工作簿" in bad.stderr


def test_check_text(tmp_path: Path) -> None:
    path = _filled(tmp_path / "2024.xlsx")
    result = run_cli("ledger", "check", path, "--today", "2024-12-31")
    assert result.exit_code == 1  # 2024-002 was answered late
    lines = result.output.splitlines()
    assert lines[0] == f"== 某市某局 2024年度 政府信息公开申请台账（{path}），截至2024年12月31日"
    assert lines[1].startswith("“申请登记”表第2行 2024-001  答复期限 2024-03-08  按期答复：2024年3月1日答复。")
    assert lines[2].startswith("“申请登记”表第3行 2024-002  答复期限 2024-10-30  逾期答复：2024年11月4日才答复，超过答复期限3个工作日。")
    assert lines[3].startswith("“申请登记”表第4行 2024-003  答复期限 2025-01-20  办理中：截至2024年12月31日还剩13个工作日。")
    assert lines[-2] == "共3件：按期答复1件，逾期答复1件，办理中1件。"
    assert lines[-1] == "表三（总计）：本年新收3件，上年结转0件，本年办结2件，结转下年度1件；表四：行政复议0件，行政诉讼0件。"


def test_check_exit_zero_when_nothing_needs_attention(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    run_cli("ledger", "init", "--agency", "某局", "--year", "2024", path)
    workbook = load_workbook(path)
    workbook[SHEET_REQUESTS].append(_row(编号="1", 收到方式="当面", 收到日期=date(2024, 12, 20), 申请人类型="自然人"))
    workbook.save(path)
    result = run_cli("ledger", "check", path, "--today", "2024-12-31")
    assert result.exit_code == 0 and "办理中1件" in result.output
    workbook = load_workbook(path)
    workbook[SHEET_REQUESTS].append(_row(编号="2", 收到方式="当面", 收到日期=date(2024, 12, 20)))  # no 申请人类型: cannot be counted
    workbook.save(path)
    uncounted = run_cli("ledger", "check", path, "--today", "2024-12-31")
    assert uncounted.exit_code == 1
    assert uncounted.output.splitlines()[-2:] == ["有1处使申请无法计入表三：", "    “申请登记”表第3行“申请人类型”列：未填申请人类型：表三按申请人类型分列计数"]


def test_check_json(tmp_path: Path) -> None:
    path = _filled(tmp_path / "2024.xlsx")
    result = run_cli("ledger", "check", path, "--format", "json", "--today", "2024-12-31")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert (payload["agency"], payload["year"], payload["template"], payload["today"]) == ("某市某局", 2024, "2021", "2024-12-31")
    assert [r["status"] for r in payload["requests"]] == ["answered_in_time", "answered_late", "due"]
    assert payload["requests"][1]["answer_due"] == "2024-10-30" and payload["requests"][1]["workdays"] == 3
    assert payload["summary"]["answered_late"] == 1
    out = tmp_path / "check.json"
    written = run_cli("ledger", "check", path, "--format", "json", "--today", "2024-12-31", "--out", out)
    assert written.exit_code == 1 and "已写出" in written.output
    assert json.loads(out.read_text(encoding="utf-8")) == payload


def test_check_xlsx(tmp_path: Path) -> None:
    path = _filled(tmp_path / "2024.xlsx")
    out = tmp_path / "checked.xlsx"
    result = run_cli("ledger", "check", path, "--format", "xlsx", "--today", "2024-12-31", "--out", out)
    assert result.exit_code == 1
    assert result.output.strip() == f"已写出 {out}：共3件：按期答复1件，逾期答复1件，办理中1件。"
    ws = load_workbook(out)[SHEET_REQUESTS]
    header = [c.value for c in ws[1]]
    assert header[-6:] == ["视为收到日", "补正告知期限", "答复期限", "期限状态", "工作日", "期限说明"]
    assert ws.cell(3, header.index("期限状态") + 1).value == "逾期答复"
    assert ws.cell(3, 1).fill.fgColor.rgb.endswith("F8CBAD")
    missing_out = run_cli("ledger", "check", path, "--format", "xlsx")
    assert missing_out.exit_code == 2
    same = run_cli("ledger", "check", path, "--format", "xlsx", "--out", path)
    assert same.exit_code == 2


def test_check_bad_ledger_and_usage(tmp_path: Path) -> None:
    path = _filled(tmp_path / "2024.xlsx")
    workbook = load_workbook(path)
    workbook[SHEET_REQUESTS]["B2"] = "飞鸽"
    workbook[SHEET_REQUESTS]["C3"] = "去年"
    workbook.save(path)
    result = run_cli("ledger", "check", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "台账有误：",
        "“申请登记”表第2行“收到方式”列：未知的收到方式“飞鸽”，应为：当面、邮寄、平信、网络、传真",
        "“申请登记”表第3行“收到日期”列：“去年”不是日期（请写为 2024-03-15）",
    ]
    absent = run_cli("ledger", "check", tmp_path / "absent.xlsx")
    assert absent.exit_code == 1 and "不存在" in absent.stderr
    bad_holidays = tmp_path / "h.json"
    bad_holidays.write_text("{}", encoding="utf-8")
    assert run_cli("ledger", "check", path, "--holidays", bad_holidays).exit_code == 2


def test_check_with_an_extra_holiday_file(tmp_path: Path) -> None:
    path = _filled(tmp_path / "2024.xlsx")
    extra = tmp_path / "h.json"
    # a made-up change of 2025: 1 and 2 January off — the open request's due date moves by one working day
    extra.write_text(json.dumps({"format": "gongkai.holidays/1", "years": {"2025": {"holidays": ["2025-01-01", "2025-01-02"]}}}), encoding="utf-8")
    result = run_cli("ledger", "check", path, "--today", "2024-12-31", "--holidays", extra, "--format", "json")
    assert json.loads(result.output)["requests"][2]["answer_due"] == "2025-01-21"


def test_chinese_usage_errors_and_no_traceback(tmp_path: Path) -> None:
    path = _filled(tmp_path / "2024.xlsx")
    bad_day = run_module("ledger", "check", path, "--today", "2024-02-30")
    assert bad_day.returncode == 2
    assert "“2024-02-30”不是日期" in bad_day.stderr and "Traceback" not in bad_day.stderr
    no_out = run_module("ledger", "check", path, "--format", "xlsx")
    assert no_out.returncode == 2 and "--format xlsx 需要用 --out" in no_out.stderr
    garbage = tmp_path / "g.xlsx"
    garbage.write_bytes(b"\x00" * 100)
    unreadable = run_module("ledger", "check", garbage)
    assert unreadable.returncode == 1 and "Traceback" not in unreadable.stderr
    missing_agency = run_module("ledger", "init", "--year", "2024", tmp_path / "n.xlsx")
    assert missing_agency.returncode == 2 and "缺少参数" in missing_agency.stderr
