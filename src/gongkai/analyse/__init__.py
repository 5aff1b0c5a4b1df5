"""Indicators of the reports (公开率, 纠错率, …) and statistics over a store of many reports.

`indicators` defines each indicator once; `stats` computes them per report, per agency, region
or year, with ranks and year-on-year changes, and renders the result.
"""

from __future__ import annotations

from .indicators import (
    INDICATORS,
    INDICATORS_BY_KEY,
    MAIN_INDICATORS,
    Indicator,
    Measure,
    indicators_markdown,
    measures,
)
from .stats import BY_CHOICES, Table, group_table, render_table, report_table

__all__ = [
    "BY_CHOICES",
    "INDICATORS",
    "INDICATORS_BY_KEY",
    "MAIN_INDICATORS",
    "Indicator",
    "Measure",
    "Table",
    "group_table",
    "indicators_markdown",
    "measures",
    "render_table",
    "report_table",
]
