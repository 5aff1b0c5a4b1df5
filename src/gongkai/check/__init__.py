"""Run the rule catalog over a record."""

from __future__ import annotations

from ..model import Record
from . import crossyear as _crossyear  # noqa: F401  (registers every rule; see crossyear's imports)
from .registry import NEEDS_NOTHING, NEEDS_NUMBERS, NEEDS_REPORT, NEEDS_STORE, RULES, Context, Hit, Rule, get_rule, rule

__all__ = ["RULES", "Context", "Hit", "Rule", "get_rule", "rule", "run_rules"]


def _applicable(rule_: Rule, record: Record, has_previous: bool) -> bool:
    notes = record.notes
    if rule_.needs == NEEDS_NOTHING:
        return True
    if notes.fatal or notes.not_a_report:
        return False
    if rule_.needs == NEEDS_REPORT:
        return True
    if record.template == "pre2019":
        return False
    if rule_.needs == NEEDS_NUMBERS:
        return True
    return rule_.needs == NEEDS_STORE and has_previous


def run_rules(record: Record, previous: Record | None = None) -> Record:
    """Fill `record.findings` from every applicable rule, in catalog order."""
    context = Context(record, previous)
    findings = []
    for rule_ in RULES:
        if _applicable(rule_, record, previous is not None):
            findings.extend(rule_.run(context))
    record.findings = findings
    return record
