"""Score gongkai against the hand-checked truth in ../shared/corpus/truth and print the figures.

    python bench/score_corpus.py [--corpus ../shared/corpus] [--verbose]

Cells compared: every value of table 三 (rows × 7), table 四 (15) and table 二, exactly (null
must be null). Also agency (the truth's agency_match must be contained in ours), year,
published date, template; every known inconsistency must be found (same rule and table
place), and no arithmetic finding may appear that the truth does not list.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import gongkai
from gongkai.model import cell_values

ARITHMETIC = {"row_total", "results_total", "balance", "review_total"}


def _cells(truth: dict, record: gongkai.Record) -> list[tuple[str, object, object]]:
    want = cell_values(truth["requests"]["rows"], truth["review_litigation"], truth["active"])
    have = record.cell_values()
    return [(path, value, have.get(path)) for path, value in want.items()]


def _where_matches(known: dict, finding: gongkai.Finding) -> bool:
    where = known.get("where", "")
    if not where.startswith(("requests", "review_litigation", "active")):
        return True
    location = finding.location
    keys = [str(v) for v in location.values()]
    tail = where.split(".")[-1]
    return tail in keys or any(k and k in where for k in keys)


def score(corpus: Path, verbose: bool = False) -> dict[str, int]:
    totals = {"documents": 0, "cells": 0, "cells_right": 0, "meta": 0, "meta_right": 0, "known": 0, "known_found": 0, "false_arithmetic": 0}
    for truth_file in sorted((corpus / "truth").glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        source = corpus / truth["file"]
        record = gongkai.check(source)
        totals["documents"] += 1
        wrong = [(p, w, h) for p, w, h in _cells(truth, record) if w != h]
        totals["cells"] += len(_cells(truth, record))
        totals["cells_right"] += len(_cells(truth, record)) - len(wrong)
        match = truth.get("agency_match") or truth["agency"]
        meta = {
            "agency": bool(record.agency) and (match in record.agency or record.agency in truth["agency"]),
            "year": record.year == truth["year"],
            "published": record.published == truth["published"],
            "template": record.template == truth["template"],
        }
        totals["meta"] += len(meta)
        totals["meta_right"] += sum(meta.values())
        missed = []
        for known in truth["known_inconsistencies"]:
            totals["known"] += 1
            if any(f.rule == known["rule"] and _where_matches(known, f) for f in record.findings):
                totals["known_found"] += 1
            else:
                missed.append(known)
        known_rules = {k["rule"] for k in truth["known_inconsistencies"]}
        false = [f for f in record.findings if f.rule in ARITHMETIC and f.rule not in known_rules]
        totals["false_arithmetic"] += len(false)
        if verbose or wrong or missed or false or not all(meta.values()):
            print(f"== {truth['file']}: cells wrong {len(wrong)}, meta {meta}")
            for path, want, have in wrong[:20]:
                print(f"   {path}: truth {want!r}, read {have!r}")
            for known in missed:
                print(f"   missed {known['rule']} at {known.get('where')}")
            for finding in false:
                print(f"   false {finding.rule}: {finding.message}")
            if not meta["agency"] or not meta["published"]:
                print(f"   agency {record.agency!r} (truth {truth['agency']!r}), published {record.published!r} (truth {truth['published']!r})")
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    totals = score(args.corpus, args.verbose)
    print(
        f"documents {totals['documents']}; cells {totals['cells_right']}/{totals['cells']} right; "
        f"agency/year/published/template {totals['meta_right']}/{totals['meta']}; "
        f"known inconsistencies found {totals['known_found']}/{totals['known']}; "
        f"false arithmetic findings {totals['false_arithmetic']}"
    )
    return 0 if totals["cells_right"] == totals["cells"] else 1


if __name__ == "__main__":
    sys.exit(main())
