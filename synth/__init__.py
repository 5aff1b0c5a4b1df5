"""Synthetic 政府信息公开工作年度报告 for gongkai's tests and benchmarks (not shipped with gongkai).

* `synth.generate`: complete reports with consistent numbers (`random_report`), rendered as
  text, Word and web pages in the official table layout (`gongkai.layout`); known errors
  planted one at a time (`plant`, `plant_series`, from the `PLANTS` / `SERIES_PLANTS`
  registries); many agencies over several years for the store (`agency_series`).
* `synth.wild`: the same reports through a reproducible composition of the damage real web
  pages and copies do to them (flattened pages, blank cells as "/", units in cells, …).
* `synth.reportgen`: small tab-separated reports for rule tests, whose options bend one
  printed thing at a time (a cell's text, a row run together, a missing section …).

`expected_cells` is what a perfect reader returns for any of them.

Import it with the repository root on `sys.path` (pytest does: `pythonpath = ["."]`; the bench
scripts insert it themselves).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from gongkai.model import cell_values

Number = int | float


class HasTables(Protocol):
    """Anything holding the three tables in the record's shape (a `ReportSpec`, a `Report`)."""

    @property
    def requests(self) -> Mapping[str, Sequence[int]]: ...

    @property
    def review(self) -> Mapping[str, Mapping[str, int]]: ...

    @property
    def active(self) -> Mapping[str, Mapping[str, Number]]: ...


def expected_cells(report: HasTables) -> dict[str, Number]:
    """Every printed value by its record path (what a perfect reader returns)."""
    return dict(cell_values(report.requests, report.review, report.active))  # type: ignore[arg-type]
