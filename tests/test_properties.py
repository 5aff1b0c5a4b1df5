"""Properties of reading and checking, over randomly generated consistent reports.

Reports come from `synth.reportgen.random_report(seed)`; hypothesis draws the seed and the damage
(which cell to change or drop). Examples are kept modest so the file runs in well under a minute.
"""

from __future__ import annotations

import importlib
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gongkai
from gongkai import formats
from gongkai.model import Record
from gongkai.parse.tokens import parse_number
from synth import expected_cells
from synth.reportgen import (
    DROP,
    Report,
    cell_value,
    covers,
    random_report,
    render,
)

ARITHMETIC = {"row_total", "results_total", "balance", "review_total"}
TABLE_PATHS = ("requests.", "review_litigation.")  # tables 三 and 四, whose cells have equations
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

seeds = st.integers(min_value=0, max_value=2**32 - 1)
zero_shares = st.sampled_from([0.0, 0.3, 0.6, 0.9])
# (template, year, cells per table 三 / 四 / 二): the 2021 format for 2023, the 2019 format for 2020.
formats_ = st.sampled_from([(formats.TEMPLATE_2021, 2023, (175, 15, 10)), (formats.TEMPLATE_2019, 2020, (161, 15, 22))])


def check(report: Report) -> Record:
    return gongkai.check_text(render(report))


def table_paths(report: Report) -> list[str]:
    return [p for p in expected_cells(report) if p.startswith(TABLE_PATHS)]


def rules_fired(record: Record) -> set[str]:
    return {f.rule for f in record.findings}


# ------------------------------------------------------------------ (a) round trip


@SETTINGS
@given(seed=seeds, zero_share=zero_shares, form=formats_)
def test_consistent_report_round_trips(
    seed: int, zero_share: float, form: tuple[str, int, tuple[int, int, int]]
) -> None:
    """Every printed value reads back exactly, as printed, and no arithmetic rule fires."""
    template, year, counts = form
    report = random_report(seed, template=template, year=year, zero_share=zero_share)
    record = check(report)
    cells = expected_cells(report)
    assert [sum(p.startswith(t) for p in cells) for t in ("requests.", "review_litigation.", "active.")] == list(counts)
    for path, printed in cells.items():
        got = cell_value(record, path)
        assert got == printed and type(got) is type(printed), (path, printed, got)
        provenance = record.provenance[path]
        assert not provenance.derived and provenance.text == str(printed) and provenance.line is not None
    assert not record.notes.cells
    assert not rules_fired(record) & ARITHMETIC
    assert [f.rule for f in record.findings if f.severity != "info"] == []


# ------------------------------------------------------------------ (b) one changed cell


@SETTINGS
@given(seed=seeds, zero_share=zero_shares, data=st.data())
def test_any_changed_cell_is_caught(seed: int, zero_share: float, data: st.DataObject) -> None:
    """A table 三/四 cell printed as another count is read as printed and breaks its row's total."""
    report = random_report(seed, zero_share=zero_share)
    path = data.draw(st.sampled_from(table_paths(report)), label="path")
    original = expected_cells(report)[path]
    changed = data.draw(st.integers(min_value=0, max_value=10**5).filter(lambda v: v != original), label="changed")
    record = check(report.with_(cells={path: str(changed)}))
    assert cell_value(record, path) == changed  # as printed, never repaired
    assert rules_fired(record) & ARITHMETIC
    # Every cell is in its own row's (table 三) or block's (table 四) total, so that one must fire.
    table, row, _column = path.split(".")
    rule = "row_total" if table == "requests" else "review_total"
    assert any(f.rule == rule and f.location.get("row") == row for f in record.findings)


# ------------------------------------------------------------------ (c) derived is never printed


def assert_derived_is_shown(record: Record, report: Report) -> None:
    """Derived provenance ⇔ a derived note with a derived_value finding; printed provenance = the value.

    Null cells and split cells are exempt from the text check: an unreadable cell may point at
    the token it could not place, and a split cell's text is the whole run-together string.
    """
    derived_findings = [f for f in record.findings if f.rule == "derived_value"]
    assert all(f.severity == "info" for f in derived_findings)
    for path in expected_cells(report):
        note = record.notes.cells.get(path)
        provenance = record.provenance.get(path)
        derived = (provenance is not None and provenance.derived) or (note is not None and note.status == "derived")
        if derived:
            assert note is not None and note.status == "derived", path
            assert any(covers(f, path) for f in derived_findings), path
            continue
        got = cell_value(record, path)
        if got is None or provenance is None:
            continue
        if note is None:  # plainly printed: the provenance is exactly what the value says
            assert parse_number(provenance.text) == got, (path, provenance.text, got)
        elif note.status == "split":  # one piece of a run-together digit string
            assert str(got) in provenance.text.replace(",", ""), (path, provenance.text, got)


@SETTINGS
@given(seed=seeds, zero_share=zero_shares, data=st.data())
def test_derived_values_are_never_presented_as_printed(seed: int, zero_share: float, data: st.DataObject) -> None:
    """Up to three lost cells: whatever the reader fills in is marked derived and reported."""
    report = random_report(seed, zero_share=zero_share)
    dropped = data.draw(
        st.lists(st.sampled_from(table_paths(report)), min_size=1, max_size=3, unique=True), label="dropped"
    )
    record = check(report.with_(cells={p: DROP for p in dropped}))
    assert_derived_is_shown(record, report)


# ------------------------------------------------------------------ (d) a zero row that lost a cell


RESULT_ROWS = formats.result_row_keys(formats.REQUEST_ROWS_2021)


@SETTINGS
@given(
    seed=seeds,
    zero_share=zero_shares,
    target=st.one_of(
        st.tuples(st.just("requests"), st.sampled_from(RESULT_ROWS), st.sampled_from(formats.REQUEST_COLUMN_KEYS)),
        st.tuples(
            st.just("review_litigation"),
            st.sampled_from([b.key for b in formats.REVIEW_BLOCKS]),
            st.sampled_from([f.key for f in formats.REVIEW_FIELDS]),
        ),
    ),
)
def test_zero_row_missing_a_value_is_never_misread(seed: int, zero_share: float, target: tuple[str, str, str]) -> None:
    """Each cell of the row is 0 with derived provenance, or null with cell_unreadable."""
    table, row, column = target
    zero_rows = frozenset({row}) if table == "requests" else frozenset()
    zero_blocks = frozenset({row}) if table == "review_litigation" else frozenset()
    report = random_report(seed, zero_share=zero_share, zero_rows=zero_rows, zero_blocks=zero_blocks)
    record = check(report.with_(cells={f"{table}.{row}.{column}": DROP}))
    unreadable = [f for f in record.findings if f.rule == "cell_unreadable"]
    fields = formats.REQUEST_COLUMN_KEYS if table == "requests" else [f.key for f in formats.REVIEW_FIELDS]
    for field in fields:
        path = f"{table}.{row}.{field}"
        got = cell_value(record, path)
        note = record.notes.cells.get(path)
        if got is None:
            assert note is not None and note.status == "unreadable", path
            assert any(covers(f, path) for f in unreadable), path
        else:
            assert got == 0, (path, got)
            provenance = record.provenance.get(path)
            assert note is not None and note.status == "derived", path
            assert provenance is not None and provenance.derived, path
    assert_derived_is_shown(record, report)
    assert_rest_read_exactly(record, report, [f"{table}.{row}.{column}"])


def assert_rest_read_exactly(record: Record, report: Report, dropped: list[str]) -> None:
    """The printed run that lost a cell may be null (with a finding), never wrong; every other
    run is read exactly as printed — a reader that gave up on whole tables fails here. A run is
    a row of table 三 or 二 (a line each) and the whole of table 四 (its 15 numbers share a line)."""

    def run_of(path: str) -> str:
        return "review_litigation" if path.startswith("review_litigation.") else path.rsplit(".", 1)[0]

    damaged_runs = {run_of(path) for path in dropped}
    unreadable = [f for f in record.findings if f.rule == "cell_unreadable"]
    for path, printed in expected_cells(report).items():
        got = cell_value(record, path)
        if run_of(path) not in damaged_runs:
            assert got == printed, (path, printed, got)
        elif got is None:
            assert any(covers(f, path) for f in unreadable), path
        else:
            assert got == printed, (path, printed, got)


# ------------------------------------------------------------------ damaged runs are never read wrong


def _never_wrong(report: Report, dropped: list[str]) -> None:
    assert_rest_read_exactly(check(report.with_(cells={p: DROP for p in dropped})), report, dropped)




def test_lost_cell_in_table4_is_not_read_as_a_split() -> None:
    # 复议后起诉 8 0 0 11 19 with 尚未审结 lost: "19" is read as 尚未审结 1, 总计 9.
    report = random_report(0, zero_share=1.0)
    report.review["litigation_after_review"] = {"upheld": 8, "corrected": 0, "other": 0, "pending": 11, "total": 19}
    _never_wrong(report, ["review_litigation.litigation_after_review.pending"])


def test_two_lost_cells_in_table3_are_not_read_as_a_split() -> None:
    # 予以公开 11 2 0 1 0 5 19 loses its 总计 and （七）总计 loses 自然人: "11" is read as 1 1,
    # and six false results_total errors follow.
    report = random_report(0, zero_share=1.0)
    for key in ("new_received", "granted", "total_processed"):
        report.requests[key] = [11, 2, 0, 1, 0, 5, 19]
    _never_wrong(report, ["requests.granted.total", "requests.total_processed.natural_person"])


def test_two_lost_cells_in_one_table4_block_are_not_shifted() -> None:
    # 行政复议 5 1 11 6 23 loses 维持 and 纠正: the line reads "11 6 23 0 0 0 0 0 0 0 0 0 0", and the
    # record says 维持 11, 纠正 6, 其他 23 (plainly printed), 尚未审结 0, 总计 40 (derived).
    report = random_report(0, zero_share=1.0)
    report.review["review"] = {"upheld": 5, "corrected": 1, "other": 11, "pending": 6, "total": 23}
    _never_wrong(report, ["review_litigation.review.upheld", "review_litigation.review.corrected"])


def test_random_reports_are_reproducible() -> None:
    """Same seed, same text: a failing example can be replayed from its seed alone."""
    assert render(random_report(42)) == render(random_report(random.Random(42)))


_EVERY_CHARACTER = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(" \t\n\u3000\xa0\u2028“”\"'‘’「」『』规章0１"), max_size=600))
def test_long_and_short_texts_lose_the_same_spaces_and_quotes(text: str) -> None:
    # A long text drops them by splitting, a label by the pattern: the two must agree.
    assert formats.without_spaces_and_quotes(text) == formats._DROPPED.sub("", text)


def test_every_space_and_quote_is_dropped_from_a_long_text() -> None:
    assert formats.without_spaces_and_quotes(_EVERY_CHARACTER) == formats._DROPPED.sub("", _EVERY_CHARACTER)


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from("\u3000\uff01\uff10\uff11\uff5e\uff5f\uff00（），：规 0a"), max_size=600))
def test_long_and_short_texts_fold_the_same_full_width_forms(text: str) -> None:
    assert formats.half_width(text) == formats._FULL_WIDTH_RUN.sub(formats._half_width, text)


def test_every_full_width_form_is_folded_in_a_long_text() -> None:
    assert formats.half_width(_EVERY_CHARACTER) == _EVERY_CHARACTER.translate(formats._FULL_WIDTH)


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(" \t\u3000\u00a0“”\"'‘’（）、．，：０９规章1a."), max_size=80))
def test_a_line_is_compacted_character_by_character(text: str) -> None:
    # What `segment._compact` means: each character folded as a label is, the skipped ones dropped.
    segment = importlib.import_module("gongkai.parse.segment")  # (the package exports a function of that name)
    folded = text.translate(str.maketrans(segment._FOLD))
    where = [index for index, char in enumerate(folded) if char not in segment._SKIPPED]
    assert segment._compact(text) == ("".join(folded[index] for index in where), where)


@SETTINGS
@given(
    text=st.text(alphabet=st.sampled_from("本年新收结果维持规章 \u3000\t“”\u2f00\u2f2f\u2ee2\uf900\uf9f4\ufa0c１0、（"), max_size=30),
    words=st.sampled_from(["本年新收", "结果维持", "规章", "林"]),
)
def test_a_text_folds_to_contain_words_as_its_folded_form_does(text: str, words: str) -> None:
    folded = words in formats.normalize_label(text)
    assert formats.folds_to_contain(text, words) == folded
    if not formats.has_compatibility_forms(text):
        assert formats.folds_to_contain(text, words, compatibility_forms=False) == folded


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from("\t .．、,12规章其他"), max_size=40))
def test_a_tab_line_with_no_mark_after_a_tab_has_nothing_to_rejoin(text: str) -> None:
    # `split_cells` skips rejoining a cut-off fraction or list marker where no cell opens with one.
    tokens = importlib.import_module("gongkai.parse.tokens")
    pieces = text.split("\t")
    cells = [(sum(len(p) + 1 for p in pieces[:index]), piece) for index, piece in enumerate(pieces)]
    if tokens._MARK_AFTER_SEPARATOR.search(text) is None:
        assert tokens._markers_rejoined(tokens._fractions_rejoined(cells)) == cells
