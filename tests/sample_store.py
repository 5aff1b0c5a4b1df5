"""A small store for the stats and export tests: generated reports of a few agencies over two
years (so that ranks, year-on-year changes and cross-year findings exist), one 2019-format
report, and the bundled samples (two real PDFs among them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongkai import formats
from gongkai.pipeline import ingest
from gongkai.store import Store, StoredReport
from synth.generate import ReportSpec, random_report, to_text

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# (seed, agency, year, template): two agencies in 2022 and 2023, a third in the 2019 format.
GENERATED = (
    (11, "甲市交通运输局", 2022, formats.TEMPLATE_2021),
    (12, "甲市交通运输局", 2023, formats.TEMPLATE_2021),
    (13, "乙县人民政府", 2022, formats.TEMPLATE_2021),
    (14, "乙县人民政府", 2023, formats.TEMPLATE_2021),
    (15, "丙市财政局", 2020, formats.TEMPLATE_2019),
)


@dataclass
class SampleStore:
    store: Store
    reports: list[StoredReport]
    specs: dict[str, ReportSpec]  # source path → the generated report it was written from


def build(folder: Path) -> SampleStore:
    inputs = folder / "generated"
    inputs.mkdir(parents=True)
    specs: dict[str, ReportSpec] = {}
    for seed, agency, year, template in GENERATED:
        spec = random_report(seed, agency=agency, year=year, template=template)
        path = inputs / f"{year}_{seed}.txt"
        path.write_text(to_text(spec, "tabs"), encoding="utf-8")
        specs[str(path)] = spec
    store = Store(str(folder / "gongkai.db"))
    ingest(store, [str(inputs), str(SAMPLES)])
    return SampleStore(store, list(store.reports()), specs)
