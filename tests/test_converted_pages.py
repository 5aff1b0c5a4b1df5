"""Web pages whose tables leave zeros blank (「&nbsp;」), as converters hand them over.

A real report's page fills its table 三 with empty cells, its label cells merged over two or
three columns. Each converter writes those two things its own way; each case below is a minimal
made-up example of one way, and the cells it must give: a printed number in its own cell, a
blank cell null — never another cell's number.
"""

from __future__ import annotations

import unicodedata

import pytest

import gongkai
from gongkai import formats

HEAD = "某县林业局2023年政府信息公开工作年度报告"
SECTION3 = "三、收到和处理政府信息公开申请情况"
SECTION4 = "四、政府信息公开行政复议、行政诉讼情况"
ROWS = {row.key: row for row in formats.REQUEST_ROWS_2021}
B = None  # a cell printed blank

# Row → its seven cells as printed (B: blank). Rows not listed are printed all blank.
PRINTED: dict[str, list[int | None]] = {
    "new_received": [821, 35, B, B, 2, 1, 859],
    "carried_over": [B, B, B, B, B, B, B],
    "granted": [258, 12, B, B, 1, 1, B],
    "partially_granted": [3, B, B, B, B, B, B],  # its total left blank too
    "total_processed": [767, 35, B, B, 2, 1, 805],
}
# The label cells of each row as a page merges them: the group's cell joined to its row's.
LABELS = {
    "new_received": ["一、本年新收政府信息公开申请数量"],
    "carried_over": ["二、上年结转政府信息公开申请数量"],
    "granted": ["三、本年度办理结果", "（一）予以公开"],
    "partially_granted": ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    "total_processed": ["（七）总计"],
}


def cells(key: str) -> list[int | None]:
    return PRINTED[key]


def assert_printed(record: gongkai.Record, keys: tuple[str, ...] = tuple(PRINTED)) -> None:
    rows = record.requests["rows"]
    for key in keys:
        assert rows[key] == cells(key), (key, rows[key])


def shown(value: int | None, blank: str = "") -> str:
    return blank if value is None else str(value)


def report(table: list[str]) -> str:
    return "\n".join([HEAD, SECTION3, *table, SECTION4])


def test_markdown_with_the_labels_merged_columns_padded() -> None:
    """pandoc and trafilatura write a label merged over three columns as the label and two empty
    cells: a row then has more cells than its label and seven values, its values the last seven.
    Only the rows that end in a number show it; a row ending blank is read the same way."""
    lines = []
    for key, labels in LABELS.items():
        # A row inside a group: an empty cell for the group's merged one before its label.
        padded = ["", *labels, ""] if key == "partially_granted" else [*labels, *[""] * (3 - len(labels))]
        lines.append("| " + " | ".join([*padded, *(shown(v) for v in cells(key))]) + " |")
    assert_printed(gongkai.check_text(report(lines)))


def test_a_number_left_of_the_last_seven_cells_keeps_padding_undecided() -> None:
    """A table with a row whose numbers start right after its label and an empty cell after them
    (a stray pipe) does not set its values in its last cells: a row with blanks at both edges
    stays undecided, never shifted."""
    lines = [
        "| 一、本年新收政府信息公开申请数量 | 821 | 35 | | | 2 | 1 | 859 | |",
        "| 三、本年度办理结果 | （一）予以公开 | | 258 | 12 | | | 1 | 1 | |",
    ]
    rows = gongkai.check_text(report(lines)).requests["rows"]
    assert rows["new_received"] == cells("new_received")
    assert rows["granted"] in ([None] * 7, cells("granted"))


def test_html2text_rows_end_in_the_cell_after_their_last_pipe() -> None:
    """html2text writes rows without outer pipes, the last cell after the last pipe: a row
    ending in a pipe ends in a blank cell."""
    lines = ["自然人| 法人或其他组织| 总计  "]
    for key, labels in LABELS.items():
        lines.append("| ".join([*labels, *(shown(v) for v in cells(key))]) + "  ")
    assert_printed(gongkai.check_text(report(lines)))


@pytest.mark.parametrize("between", ["", "\n\n"], ids=["one-cell-per-line", "empty-lines-between"])
def test_no_break_spaces_one_cell_per_line(between: str) -> None:
    """BeautifulSoup's get_text('\\n') puts each cell on a line of its own, a cell printed
    「&nbsp;」 as a no-break space: a blank cell, and seven of them a row printed blank."""
    parts = []
    for key, labels in LABELS.items():
        parts += [*labels, *(shown(v, "\xa0") for v in cells(key))]
    lines = between.join(f"{part}\n" for part in parts).split("\n")
    assert_printed(gongkai.check_text(report(lines)))


def test_group_label_joined_to_the_row_after_a_row_without_numbers() -> None:
    """A row printed without numbers, then the group's label joined to the next row's in one
    cell (「三、本年度办理结果 （一）予以公开」): the numbers are that row's, not the row before's."""
    lines = [
        "一、本年新收政府信息公开申请数量 | 414 | | | 12 | | | 426 |",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果 （一）予以公开 | 378 | | | 1 | | | 379 |",
    ]
    rows = gongkai.check_text(report(lines)).requests["rows"]
    assert rows["carried_over"] == [None] * 7
    assert rows["granted"] == [378, None, None, 1, None, None, 379]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def test_plain_text_table_under_a_rule_of_its_columns() -> None:
    """pandoc's plain text sets each column under a run of dashes, a Chinese character two wide;
    a blank cell is spaces. Each number is in the column whose run it stands under."""
    widths = [60, 20, *[8] * 7]
    rule = " ".join("-" * w for w in widths)
    header = _pad("", widths[0] + 1 + widths[1] + 1) + " ".join(_pad(c.label, 8) for c in formats.REQUEST_COLUMNS)
    lines = [rule, header]
    for key, labels in LABELS.items():
        label_cells = [*labels, ""] if len(labels) == 1 else labels
        row = [_pad(text, w) for text, w in zip(label_cells, widths[:2], strict=True)] + [_pad(shown(v), 8) for v in cells(key)]
        lines.append(" ".join(row).rstrip())
    lines.append(rule)
    assert_printed(gongkai.check_text(report(lines)))


def test_grid_table_rows_blank_in_their_first_cells() -> None:
    """reStructuredText's grid: a row's label wrapped beside empty cells, its numbers on one line.
    A row printed all blank, or blank in its first cells, keeps its cells where the drawing's
    other rows print their first value — not after the label's empty merged columns."""
    rule = "+" + "+".join(["-" * 10] * 10) + "+"
    lines = [rule]
    for key, labels in LABELS.items():
        # The group's column, the row's, and a third empty one: each label wrapped after four characters.
        label_cells = [*labels, ""] if len(labels) == 2 else ["", labels[0], ""] if key == "partially_granted" else [labels[0], "", ""]
        first = "|" + "|".join(f" {_pad(text[:4], 8)} " for text in label_cells) + "|" + "|".join(f" {_pad(shown(v, chr(0xA0)), 8)} " for v in cells(key)) + "|"
        rest = "|" + "|".join(f" {_pad(text[4:], 8)} " for text in label_cells) + "|" + "|".join([" " * 10] * 7) + "|"
        lines += [first, rest, rule]
    rows = gongkai.check_text(report(lines)).requests["rows"]
    for key in ("new_received", "carried_over", "granted", "partially_granted", "total_processed"):
        assert rows[key] == cells(key), (key, rows[key])


def test_narrative_figures_fill_no_cell_a_row_prints_no_digits_for() -> None:
    """Table 二 prints one number in a row of three, its blanks printed as nothing; the narrative
    states all three. Its figures may tell where the number goes, never fill the blank cells."""
    text = (
        f"{HEAD}\n一、总体情况\n本年度制发行政规范性文件0件，废止68件，现行有效0件。\n二、主动公开政府信息情况\n"
        "第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件                    68\n"
        f"{SECTION3}\n"
    )
    row = gongkai.check_text(text).active["normative_documents"]
    assert row["issued"] is None and row["in_force"] is None
    assert row["repealed"] in (None, 68)


def test_a_stray_closing_pipe_does_not_shift_a_padded_row() -> None:
    """In a table whose labels' merged columns are padded (values the last seven cells), a row
    closed by a stray border pipe ends in one empty cell too many. Its last seven cells would
    put its numbers one column right; read one cell to the left its 总计 is the sum of its parts,
    so the padding does not decide the row: it reads as printed or null, never shifted."""
    carried = [None, None, None, 2, None, None, 2]
    lines = [
        "| " + " | ".join([*LABELS["new_received"], "", "", *(shown(v) for v in cells("new_received"))]) + " |",
        "| " + " | ".join(["二、上年结转政府信息公开申请数量", "", "", *(shown(v) for v in carried)]) + " | |",
    ]
    rows = gongkai.check_text(report(lines)).requests["rows"]
    assert rows["new_received"] == cells("new_received")
    assert rows["carried_over"] in ([None] * 7, carried)
