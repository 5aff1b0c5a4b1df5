"""The checks that need the store: a report against its agency's report of the year before."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .. import formats
from ..check import RULES, run_rules
from ..check.registry import NEEDS_STORE, Context
from ..model import Finding, Record
from ..store import Store, StoredReport

CROSS_YEAR_RULES = tuple(r for r in RULES if r.needs == NEEDS_STORE)


def previous_of(store: Store, record: Record) -> Record | None:
    """The stored report of the same agency for the year before, if any (nothing is written)."""
    if not record.agency or record.year is None:
        return None
    return next((item.record for item in store.reports_of_agency(record.agency) if item.record.year == record.year - 1), None)


def check_with_store(store: Store, record: Record) -> Record:
    """Run every rule on a record, the cross-year ones against the stored previous year."""
    return run_rules(record, previous_of(store, record))


def compare_years(stored: list[StoredReport]) -> Iterator[tuple[int, Finding, int]]:
    """The cross-year findings among one agency's stored reports: each report against the one of
    the year before (the first stored of that year)."""
    by_year: dict[int, StoredReport] = {}
    for item in stored:
        if item.record.year is not None:
            by_year.setdefault(item.record.year, item)
    for item in stored:
        previous = by_year.get((item.record.year or 0) - 1)
        if previous is None or not _comparable(item.record) or not _comparable(previous.record):
            continue
        context = Context(item.record, previous.record)
        for rule in CROSS_YEAR_RULES:
            for finding in rule.run(context):
                yield item.id, finding, previous.id


def refresh_cross_year(store: Store, keys: Iterable[str] | None = None) -> int:
    """Recompute the cross-year findings of the given agencies (all if None); how many there are."""
    return store.replace_cross_year(compare_years, keys)


def _comparable(record: Record) -> bool:
    """Whether the cross-year rules apply to a stored record, as `run_rules` decides for a fresh one
    (a stored record has lost its reader notes; its findings say the same)."""
    if record.template == formats.TEMPLATE_PRE2019:
        return False
    return not any(f.rule in ("unreadable", "not_a_report") for f in record.findings)
