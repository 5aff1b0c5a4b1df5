"""The rule catalog: every rule is one function registered here with a stable code.

A rule yields `Hit`s (what it saw); the registry stamps them with the rule's name, code and
severity. `RULES` is the one list the checker, the CLI catalog and the docs read.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..model import Finding, Location, Record, Severity

# What a rule needs before it can run; `run_rules` skips rules whose needs are not met.
NEEDS_NOTHING = "nothing"
NEEDS_REPORT = "report"  # the file is a readable 年度报告
NEEDS_NUMBERS = "numbers"  # … in the 2019 or 2021 format (numbers are checked)
NEEDS_STORE = "store"  # … and the agency's previous report


@dataclass
class Hit:
    message: str
    location: Location
    expected: Any = None
    actual: Any = None
    severity: Severity | None = None  # overrides the rule's default, rarely


@dataclass
class Context:
    record: Record
    previous: Record | None = None  # the same agency's report for the year before


RuleFunction = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    needs: str
    title: str  # one Chinese line for the catalog
    function: RuleFunction

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.function.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    def finding(self, hit: Hit) -> Finding:
        """A hit of this rule stamped with its name, code and severity."""
        return Finding(self.name, self.code, hit.severity or self.severity, hit.message, hit.location, hit.expected, hit.actual)

    def run(self, context: Context) -> list[Finding]:
        return [self.finding(hit) for hit in self.function(context)]


RULES: list[Rule] = []


def rule(
    code: str, name: str, severity: Severity, title: str, needs: str = NEEDS_NUMBERS
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function under a stable code and the name record.md gives it."""

    def register(function: RuleFunction) -> RuleFunction:
        if any(r.code == code or r.name == name for r in RULES):
            raise ValueError(f"duplicate rule {code} {name}")
        RULES.append(Rule(code, name, severity, needs, title, function))
        return function

    return register


def get_rule(name: str) -> Rule:
    for candidate in RULES:
        if candidate.name == name or candidate.code == name:
            return candidate
    raise KeyError(name)
