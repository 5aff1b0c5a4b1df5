"""Text renderings for people: findings per file, the tables as read, the rule catalog."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import formats
from .check import RULES
from .files import shown
from .model import Record
from .textwidth import display_width, pad

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
MAX_SAME_RULE = 8  # a file's findings of one rule beyond this are summarised in text output


def _title(record: Record) -> str:
    parts = [shown(record.agency) if record.agency else "（未识别机关）", f"{record.year}年度" if record.year else "（未识别年度）"]
    return " ".join(parts)


def findings_text(record: Record) -> str:
    lines = [f"== {shown(record.source.path)}", f"   {_title(record)} · 格式 {record.template} · 落款日期 {record.published or '无'}"]
    if not record.findings:
        lines.append("   未发现问题。")
    listed: Counter[str] = Counter()
    total: Counter[str] = Counter(f.rule for f in record.findings)
    for finding in record.findings:
        listed[finding.rule] += 1
        if listed[finding.rule] > MAX_SAME_RULE:
            if listed[finding.rule] == MAX_SAME_RULE + 1:
                rest = total[finding.rule] - MAX_SAME_RULE
                lines.append(f"   {SEVERITY_NAMES[finding.severity]} {finding.code} {finding.rule}：……另有{rest}条同类问题（用 --format json 查看全部）")
            continue
        where = finding.location
        place = "，".join(
            part for part in (f"第{where['page']}页" if where.get("page") else "", f"第{where['line']}行" if where.get("line") else "") if part
        )
        place = f"（{place}）" if place else ""
        lines.append(f"   {SEVERITY_NAMES[finding.severity]} {finding.code} {finding.rule}：{shown(finding.message)}{place}")
    return "\n".join(lines)


@dataclass
class Tally:
    """What `gongkai check` sums up at the end, counted record by record (none is kept)."""

    files: int = 0
    with_errors: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    failing: int = 0  # records with a finding of a severity that fails the run

    def add(self, record: Record, failing: tuple[str, ...]) -> None:
        self.files += 1
        self.errors += record.count("error")
        self.warnings += record.count("warning")
        self.infos += record.count("info")
        self.with_errors += bool(record.count("error"))
        self.failing += any(f.severity in failing for f in record.findings)

    def text(self) -> str:
        return f"汇总：共 {self.files} 个文件，{self.with_errors} 个有错误；错误 {self.errors} 条，警告 {self.warnings} 条，提示 {self.infos} 条。"


def _value(record: Record, path: str, value: int | float | None) -> str:
    provenance = record.provenance.get(path)
    note = record.notes.cells.get(path)
    if value is None:
        return "（空）" if note is None or note.status != "blank" else f"（{provenance.text if provenance else '空白'}）"
    text = str(int(value)) if isinstance(value, float) and value.is_integer() and path.startswith(("requests", "review")) else str(value)
    if note and note.status == "derived":
        text += "*"
    elif note and note.status == "split":
        text += "^"
    return text


def tables_text(record: Record) -> str:
    """The three tables as read, with the template's labels, to hold against the original."""
    out: list[str] = [f"{shown(record.source.path)}", f"{_title(record)} · 格式 {record.template}", ""]
    out.append("二、主动公开政府信息情况")
    for row in formats.active_rows(record.template):
        values = record.active.get(row.key, {})
        cells = "  ".join(
            f"{field.label}={_value(record, f'active.{row.key}.{field.key}', values.get(field.key))}" for field in row.fields
        )
        out.append(f"  {pad(row.label, 22)}{cells}")
    out.append("")
    out.append("三、收到和处理政府信息公开申请情况")
    widths = [max(6, display_width(c.label) + 1) for c in formats.REQUEST_COLUMNS]
    header = "".join(pad(c.label, w, right=True) for c, w in zip(formats.REQUEST_COLUMNS, widths))
    out.append(f"  {pad('', 40)}{header}")
    rows = formats.request_rows(record.template, record.notes.single_other_row)
    for request_row in rows:
        printed = record.rows.get(request_row.key) or [None] * 7
        label = (f"{request_row.group}·" if request_row.group and request_row.group.startswith("（") else "") + request_row.label
        if display_width(label) > 38:
            label = label[:18] + "…"
        cells = "".join(
            pad(_value(record, f"requests.{request_row.key}.{c.key}", v), w, right=True)
            for c, v, w in zip(formats.REQUEST_COLUMNS, printed, widths)
        )
        out.append(f"  {pad(label, 40)}{cells}")
    out.append("")
    out.append("四、政府信息公开行政复议、行政诉讼情况")
    widths4 = [display_width(f.label) + 2 for f in formats.REVIEW_FIELDS]
    out.append(f"  {pad('', 28)}" + "".join(pad(f.label, w, right=True) for f, w in zip(formats.REVIEW_FIELDS, widths4)))
    for block in formats.REVIEW_BLOCKS:
        values = record.review_litigation.get(block.key, {})
        cells = "".join(
            pad(_value(record, f"review_litigation.{block.key}.{f.key}", values.get(f.key)), w, right=True)
            for f, w in zip(formats.REVIEW_FIELDS, widths4)
        )
        out.append(f"  {pad(block.label, 28)}{cells}")
    out.append("")
    out.append("说明：（空）= 无法确定或未印；（/）等 = 原文印为该符号；* = 由勾稽关系推出；^ = 连写数字按勾稽关系拆分。")
    return "\n".join(out)


def rules_text() -> str:
    lines = []
    for rule in RULES:
        lines.append(f"{rule.code}  {pad(rule.name, 24)}{pad(SEVERITY_NAMES[rule.severity], 6)}{rule.title}")
    return "\n".join(lines)


def rules_markdown() -> str:
    """The catalog as Markdown, from the rules' docstrings (docs/rules.md is generated from this)."""
    out = ["# 规则目录 — rule catalog", "", "Generated by `gongkai rules --format markdown` from the rules' docstrings.", ""]
    for rule in RULES:
        out.append(f"## {rule.code} `{rule.name}` ({rule.severity}) — {rule.title}")
        out.append("")
        out.append(rule.doc)
        out.append("")
    return "\n".join(out)
