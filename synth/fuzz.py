"""Hypothesis strategies for fuzzing the text reader and the narrative parser: random text made
of a report's own material (its labels, digits, separators, CJK numerals, punctuation) and
random edits of a real report, so that the search spends its budget where the parser branches."""

from __future__ import annotations

from hypothesis import strategies as st

from gongkai import formats

_LABELS = sorted(
    {row.label for row in formats.ALL_REQUEST_ROWS.values()}
    | {row.label for rows in (formats.ACTIVE_ROWS_2021, formats.ACTIVE_ROWS_2019) for row in rows}
    | {s.title for s in formats.SECTIONS}
    | {c.label for c in formats.REQUEST_COLUMNS}
    | {"政府信息公开工作年度报告", "本年度", "收到", "申请", "件", "条", "其中", "万元", "总计", "合计", "年", "月", "日"}
)
_PIECES = st.one_of(
    st.sampled_from(_LABELS),
    st.from_regex(r"[0-9０-９]{1,12}", fullmatch=True),
    st.sampled_from(["\t", " ", "  ", "\n", "\r\n", "|", "||", "/", "—", "－", "-", "（", "）", "、", "，", "。", "：", "％", "%", ".", "．", "\f", "\x00"]),
    st.sampled_from(list("一二三四五六七八九十〇")),
    st.text(max_size=8),
)

report_like_text = st.lists(_PIECES, max_size=400).map("".join)
"""Text stitched together from a report's own pieces."""


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    """`text` with up to 12 random edits: slices deleted, duplicated, moved or replaced by pieces."""
    for _ in range(draw(st.integers(0, 12))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start, min(len(text), start + 400)))
        action = draw(st.sampled_from(["delete", "duplicate", "replace", "move"]))
        if action == "delete":
            text = text[:start] + text[end:]
        elif action == "duplicate":
            text = text[:end] + text[start:end] + text[end:]
        elif action == "replace":
            text = text[:start] + draw(_PIECES) + text[end:]
        else:
            piece, rest = text[start:end], text[:start] + text[end:]
            at = draw(st.integers(0, len(rest)))
            text = rest[:at] + piece + rest[at:]
    return text
