"""The report as one standalone web page: the tables with rowspan/colspan as the official
layout merges them, every text escaped by Jinja2's autoescape (an agency name or a clerk's
paragraph holding markup is shown as text, never run), print styles for A4."""

from __future__ import annotations

from typing import Any

import jinja2

from .. import layout
from .compose import Composition, Paragraph, TableBlock, column_widths, printed_text

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gongkai">
<title>{{ title }}</title>
<style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { margin: 0; background: #f3f3f3; color: #000; }
main { max-width: 156mm; margin: 2em auto; padding: 20mm 26mm 20mm 28mm; background: #fff;
  font: 16pt/28pt "仿宋_GB2312", FangSong, STFangsong, "Noto Serif CJK SC", serif; }
h1 { font: 22pt/36pt "方正小标宋简体", "FZXiaoBiaoSong-B05S", STZhongsong, "Noto Serif CJK SC", serif; text-align: center; margin: 0 0 28pt; }
h2 { font: 16pt/28pt "黑体", SimHei, "Noto Sans CJK SC", sans-serif; margin: 0; text-indent: 2em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.placeholder { color: #c00000; }
p.signature { text-align: right; text-indent: 0; padding-right: 4em; }
p.signature.first { margin-top: 28pt; }
table { border-collapse: collapse; table-layout: fixed; width: 100%; margin: 6pt 0 14pt; font: 9pt/1.35 "宋体", SimSun, "Noto Serif CJK SC", serif; page-break-inside: auto; }
td { border: 1px solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; }
td.label { text-align: left; }
td.note { font-size: 8pt; }
tr { page-break-inside: avoid; }
@media print { body { background: none; } main { margin: 0; padding: 0; max-width: none; } }
</style>
</head>
<body>
<main>
{% for block in blocks -%}
{% if block.table %}
<table class="table-{{ block.number }}">
<colgroup>{% for width in block.widths %}<col style="width:{{ width }}%">{% endfor %}</colgroup>
<tbody>
{% for row in block.rows -%}
<tr>{% for cell in row %}<td{% if cell.rowspan > 1 %} rowspan="{{ cell.rowspan }}"{% endif %}{% if cell.colspan > 1 %} colspan="{{ cell.colspan }}"{% endif %} class="{{ cell.kind }}">{{ cell.text }}</td>{% endfor %}</tr>
{% endfor -%}
</tbody>
</table>
{% elif block.kind == "title" %}
<h1>{{ block.text }}</h1>
{% elif block.kind == "heading" %}
<h2>{{ block.text }}</h2>
{% else %}
<p class="{{ block.css }}">{{ block.text }}</p>
{% endif %}
{%- endfor %}
</main>
</body>
</html>
"""

_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
TEMPLATE = _ENVIRONMENT.from_string(_TEMPLATE)

_CSS = {"signature": "signature first", "date": "signature", "placeholder": "placeholder", "prose": "prose"}


def _rows(grid: layout.Grid) -> list[list[dict[str, Any]]]:
    """Each grid row's cells that start in it (a merged cell once, at its origin), left to right."""
    rows: list[list[dict[str, Any]]] = [[] for _ in range(grid.rows)]
    for cell in grid.cells:
        rows[cell.row].append({"text": printed_text(cell), "rowspan": cell.rowspan, "colspan": cell.colspan, "kind": cell.kind})
    return rows


def _block(block: Paragraph | TableBlock) -> dict[str, Any]:
    if isinstance(block, TableBlock):
        widths = column_widths(block.grid)
        shares = [f"{100 * w / sum(widths):.2f}" for w in widths]
        return {"table": True, "number": block.section, "rows": _rows(block.grid), "widths": shares}
    return {"table": False, "kind": block.kind, "text": block.text, "css": _CSS.get(block.kind, "text")}


def to_html(composition: Composition) -> bytes:
    """The composed report as a UTF-8 web page."""
    page = TEMPLATE.render(title=composition.title, blocks=[_block(b) for b in composition.blocks])
    return page.encode("utf-8")
