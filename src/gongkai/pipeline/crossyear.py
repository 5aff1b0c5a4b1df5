"""What needs the store: a report against its agency's report of the year before — the
cross-year checks, and a second reading of table 二 where only last year's stock can cut digits
run together."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .. import formats
from ..check import RULES, run_rules
from ..check.crossyear import COPY_THRESHOLD, YEAR_EQUATIONS, copied_text_finding, shared_share, shingles
from ..check.registry import NEEDS_STORE
from ..model import Finding, Record
from ..store import Store, YearPairs
from .local import run_local
from .work import Task

CROSS_YEAR_RULES = tuple(r for r in RULES if r.needs == NEEDS_STORE)


def previous_of(store: Store, record: Record) -> Record | None:
    """The stored report of the same agency for the year before, if any (nothing is written)."""
    if not record.agency or record.year is None:
        return None
    return next((item.record for item in store.reports_of_agency(record.agency) if item.record.year == record.year - 1), None)


def check_with_store(store: Store, record: Record) -> Record:
    """Run every rule on a record, the cross-year ones against the stored previous year; a table
    二 that only the previous year can settle is read again with it first (in a worker)."""
    previous = previous_of(store, record)
    if previous is not None and may_settle(record, previous):
        task = Task(record.source.sha256 or "", record.source.path, previous)
        for _task, again in run_local([task]):
            if placed_in_table_two(again) > placed_in_table_two(record):
                record = again
    return run_rules(record, previous)


def compare_pairs(pairs: YearPairs) -> Iterator[tuple[int, Finding, int]]:
    """The cross-year findings of the staged pairs: the equations of the balance rules, on the
    pairs the store's query finds breaking one (each equation checked here as on a fresh record),
    then the narratives compared pair by pair."""
    for pair in pairs.unbalanced([equation.balance for equation in YEAR_EQUATIONS]):
        for equation, values in zip(YEAR_EQUATIONS, pair.values, strict=True):
            if equation.balance.applies(pair.template, pair.previous_template):
                found = equation.finding(values, pair.previous_year, pair.previous_path)
                if found is not None:
                    yield pair.report_id, found, pair.previous_id
    seen: dict[int, set[str]] = {}  # a report is compared with the year before and the year after

    def shingles_of(report_id: int, text: str) -> set[str]:
        if report_id not in seen:
            if len(seen) >= 1000:
                seen.clear()
            seen[report_id] = shingles(text)
        return seen[report_id]

    for report_id, previous_id, previous_year, text, previous_text in pairs.narratives():
        share = shared_share(shingles_of(report_id, text), shingles_of(previous_id, previous_text))
        if share >= COPY_THRESHOLD:
            found = copied_text_finding(share, previous_year, pairs.recorded_path(previous_id))
            if found is not None:
                yield report_id, found, previous_id


def refresh_cross_year(store: Store, keys: Iterable[str] | None = None) -> int:
    """Recompute the cross-year findings of the given agencies (all if None); how many there are.
    The rules apply as `run_rules` applies them to a fresh record: not to a report printing the
    pre-2019 format, nor to one that is unreadable or not a report."""
    return store.replace_cross_year(compare_pairs, keys, skip_templates=(formats.TEMPLATE_PRE2019,), skip_rules=("unreadable", "not_a_report"))


def rereadings(store: Store, keys: Iterable[str]) -> list[tuple[Task, int]]:
    """The stored reports of these agencies whose table 二 has cells the reader could not place,
    while the store holds the agency's report of the year before (same template): each is read
    again with it (`parse.parse`), since its stock may settle digits run together. With each,
    how many of its table 二 cells hold a number now. The store finds them in one query."""
    return [(Task(sha, path, previous), placed) for sha, path, placed, previous in store.with_last_year(keys, "cell_unreadable", "二")]


def may_settle(record: Record, previous: Record) -> bool:
    """Whether reading `record` again with `previous` (the year before) may place more of its
    table 二: some cell there is unreadable, and both years print the same template."""
    if previous.template != record.template or previous.year != (record.year or 0) - 1:
        return False
    return any(f.rule == "cell_unreadable" and f.location.get("table") == "二" for f in record.findings)


def placed_in_table_two(record: Record) -> int:
    """How many of table 二's cells hold a number."""
    return sum(1 for row in record.active.values() if row for value in row.values() if value is not None)
