"""How gongkai's text reader copes with reports as government websites really publish them.

    python bench/wild.py [--docs 3000] [--seed 0] [--jobs 2] [--kind NAME]
    python bench/wild.py --dump SEED [--kind NAME[,NAME…]]     # one document's text, as read
    python bench/wild.py --explain SEED [--kind NAME[,NAME…]]  # what the reader got wrong in it

Each document is a random consistent report (`synth.wild.random_spec`: 2021 and 2019 formats)
printed through a random composition of 1–4 kinds of realistic damage (`synth.wild.DAMAGE_KINDS`),
read from memory exactly as a user's text file is (`gongkai.check_text`), and scored cell by cell
against the truth (`WildDoc.truth`: the printed value, or None where the damage left nothing to
read):

* right: the truth (None for None included); drv: a blank cell read as the spec's value and
  marked derived (record.md allows deriving what the arithmetic fixes) — not counted wrong;
* null: the truth has a value, the reader returned None (a loss, but an honest one);
* wrong: a value different from the truth, or a value where the truth is None — also a value
  in a cell the spec does not print (e.g. a 2021 row read from a 2019 table).

Per kind, the figures cover every document whose composition includes that kind. "undec" counts
the null cells no reader can settle from the tables (`synth.wild.undecidable`: in a row printed
run together, another reading of the same text fits every identity with every other cell at its
true value), and "% of decidable" is the share right among the other cells: what is left to a
reader that never guesses. Null cells are also counted by table (表二's rows tie no cell to another, so digits run together there stay
open unless the agency's report of the year before is given: --with-last-year). Metadata
(agency, year, template) is scored the same way. "False findings" counts findings of rules that
must not fire on these reports, which are consistent, on time and in the right format:
arithmetic, narrative, dates, template; table_missing and section_missing too unless the
document was cut short. Document seed N is reproducible with --dump N / --explain N.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import gongkai
from gongkai import formats
from gongkai.model import Record

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root
from synth.wild import DAMAGE_KINDS, WildDoc, compatible, last_year_record, undecidable, wild_report

# Rules that must not fire on a consistent, on-time, right-format report, whatever its layout.
MUST_NOT_FIRE = frozenset(
    {
        "unreadable",
        "not_a_report",
        "template_outdated",
        "invalid_number",
        "row_total",
        "results_total",
        "balance",
        "review_total",
        "narrative_mismatch",
        "date_before_period_end",
        "published_late",
        "year_mismatch",
    }
)
# ... nor these, unless the excerpt really stops before a table or section (cut_short).
MUST_NOT_FIRE_UNCUT = frozenset({"table_missing", "section_missing"})
META = ("agency", "year", "template")
_TABLES = {"active": "表二", "requests": "表三", "review_litigation": "表四"}
WRONG_PER_DOC = 40  # wrong cells kept per document for the examples


@dataclass
class Result:
    """What one document scored (small, so that it crosses process boundaries cheaply)."""

    seed: int
    kinds: tuple[str, ...]
    template: str
    cells: Counter[str] = field(default_factory=Counter)  # right / null / wrong / drv
    meta: dict[str, str] = field(default_factory=dict)  # agency/year/template → right/null/wrong
    false_findings: Counter[str] = field(default_factory=Counter)  # rule → count
    wrong: list[tuple[str, object, object]] = field(default_factory=list)  # (path, truth, read)
    seconds: float = 0.0  # reading and checking only
    nulls: Counter[str] = field(default_factory=Counter)  # table (表二/表三/表四) → null cells
    undecidable: int = 0  # null cells the tables' arithmetic cannot settle (`synth.wild.undecidable`)
    settled_anyway: int = 0  # such cells read with a value all the same (by the narrative, or a guess)


def _same(a: object, b: object) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def score(doc: WildDoc, record: Record) -> tuple[Counter[str], list[tuple[str, object, object]]]:
    """Right / null / wrong / drv counts of a read record against the truth, and the wrong cells."""
    counts: Counter[str] = Counter()
    wrong: list[tuple[str, object, object]] = []
    read = record.cell_values()
    for path, truth in doc.truth.items():
        got = read.get(path)
        if _same(got, truth):
            counts["right"] += 1
        elif got is None:
            counts["null"] += 1
        elif truth is None and _same(got, doc.values.get(path)) and record.provenance.get(path) is not None and record.provenance[path].derived:
            counts["drv"] += 1
        else:
            counts["wrong"] += 1
            wrong.append((path, truth, got))
    for path, got in read.items():
        if path not in doc.truth and got is not None:  # a cell the document does not print
            counts["wrong"] += 1
            wrong.append((path, None, got))
    return counts, wrong


def meta_score(doc: WildDoc, record: Record) -> dict[str, str]:
    read = {"agency": record.agency, "year": record.year, "template": None if record.template == formats.TEMPLATE_UNKNOWN else record.template}
    return {k: "right" if read[k] == doc.meta[k] else "null" if read[k] is None else "wrong" for k in META}


def measure(job: tuple[int, tuple[str, ...] | None, bool]) -> Result:
    seed, kinds, with_last_year = job
    doc = wild_report(seed, kinds)
    previous = last_year_record(doc.spec, seed) if with_last_year else None
    t0 = time.perf_counter()
    record = gongkai.check_text(doc.text, path=f"wild-{seed}.txt", previous=previous)
    seconds = time.perf_counter() - t0
    cells, wrong = score(doc, record)
    read = record.cell_values()
    nulls = Counter(_TABLES[path.split(".")[0]] for path, truth in doc.truth.items() if truth is not None and read.get(path) is None)
    cut = "cut_short" in doc.kinds
    false = Counter(f.rule for f in record.findings if f.rule in MUST_NOT_FIRE or (not cut and f.rule in MUST_NOT_FIRE_UNCUT))
    open_cells = [path for path in undecidable(doc) if doc.truth[path] is not None]
    settled = sum(1 for path in open_cells if read.get(path) is not None)
    result = Result(seed, doc.kinds, doc.spec.template, cells, meta_score(doc, record), false, wrong[:WRONG_PER_DOC], seconds, nulls)
    result.undecidable, result.settled_anyway = len(open_cells) - settled, settled
    return result


@dataclass
class Tally:
    docs: int = 0
    cells: Counter[str] = field(default_factory=Counter)
    meta: Counter[tuple[str, str]] = field(default_factory=Counter)
    false_docs: int = 0
    false_findings: int = 0
    wrong_docs: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    nulls: Counter[str] = field(default_factory=Counter)
    undecidable: int = 0
    settled_anyway: int = 0

    def add(self, result: Result) -> None:
        self.docs += 1
        self.undecidable += result.undecidable
        self.settled_anyway += result.settled_anyway
        self.nulls.update(result.nulls)
        self.wrong_docs += bool(result.cells["wrong"])
        self.seconds += result.seconds
        self.slowest = max(self.slowest, result.seconds)
        self.cells.update(result.cells)
        self.meta.update(result.meta.items())
        self.false_findings += sum(result.false_findings.values())
        self.false_docs += bool(result.false_findings)

    def percent(self) -> str:
        total = sum(self.cells.values())
        return f"{100 * (self.cells['right'] + self.cells['drv']) / total:6.2f}" if total else "     -"

    def percent_decidable(self) -> str:
        """Right among the cells the tables' arithmetic can settle (the undecidable nulls left out)."""
        total = sum(self.cells.values()) - self.undecidable
        return f"{100 * (self.cells['right'] + self.cells['drv']) / total:6.2f}" if total else "     -"


def _meta(tally: Tally, key: str) -> str:
    return "/".join(str(tally.meta[(key, s)]) for s in ("right", "null", "wrong"))


def print_tables(results: list[Result], kinds: list[str]) -> None:
    by_kind: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    by_template: dict[str, Tally] = defaultdict(Tally)
    for result in results:
        overall.add(result)
        by_template[f"template {result.template}"].add(result)
        for kind in result.kinds:
            by_kind[kind].add(result)
    rows = [(k, by_kind[k]) for k in kinds if by_kind[k].docs] + sorted(by_template.items()) + [("overall", overall)]
    width = max(len(name) for name, _ in rows)
    print(
        f"\n{'kind':<{width}}  {'docs':>5}  {'cells':>8}  {'right':>8}  {'drv':>5}  {'null':>6}  {'wrong':>6}  {'% right':>7}"
        f"  {'wrong docs':>10}  {'ms/doc':>6}  {'max ms':>6}  {'undec':>5}  {'% of decidable':>14}"
    )
    for name, tally in rows:
        c = tally.cells
        print(
            f"{name:<{width}}  {tally.docs:>5}  {sum(c.values()):>8}  {c['right']:>8}  {c['drv']:>5}  {c['null']:>6}  {c['wrong']:>6}"
            f"  {tally.percent():>7}  {tally.wrong_docs:>10}  {1000 * tally.seconds / tally.docs:>6.1f}  {1000 * tally.slowest:>6.0f}"
            f"  {tally.undecidable:>5}  {tally.percent_decidable():>14}"
        )
    print(
        f"\nundec: null cells of rows printed run together that no reader can settle from the tables ({overall.undecidable}):"
        " another cutting of the same digits fits every identity with every other cell at its true value"
        f" (a lower bound: rows weighed one at a time). Such cells read all the same: {overall.settled_anyway}"
        " (the narrative's figures settle some; a page that marks its blanks has its runs read as printed first)."
    )
    print(f"\n{'metadata: right/null/wrong':<{width}}  {'docs':>5}  {'agency':>14}  {'year':>14}  {'template':>14}  {'false-finding docs':>18}  {'findings':>8}")
    for name, tally in rows:
        print(
            f"{name:<{width}}  {tally.docs:>5}  {_meta(tally, 'agency'):>14}  {_meta(tally, 'year'):>14}  {_meta(tally, 'template'):>14}"
            f"  {tally.false_docs:>18}  {tally.false_findings:>8}"
        )
    print(f"\n{'null cells by table':<{width}}  {'表二':>6}  {'表三':>6}  {'表四':>6}")
    for name, tally in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{tally.nulls[table]:>6}" for table in _TABLES.values()))
    rules: Counter[str] = Counter()
    for result in results:
        rules.update(result.false_findings)
    print("\nfalse findings by rule: " + (", ".join(f"{rule} {n}" for rule, n in rules.most_common()) or "none"))


def print_examples(results: list[Result], count: int) -> None:
    """The table rows most often read wrong (by documents), one cell of one document to reproduce
    each, and the first wrong cell of each kind (in the simplest composition that has one)."""
    docs: Counter[str] = Counter()
    example: dict[str, tuple[Result, str, object, object]] = {}
    for result in results:
        rows_here: set[str] = set()
        for path, truth, got in result.wrong:
            row = path.rsplit(".", 1)[0]
            rows_here.add(row)
            example.setdefault(row, (result, path, truth, got))
        docs.update(rows_here)
    if not docs:
        print("\nno wrong cells")
        return
    print("\nrows most often read wrong (documents; an example: kinds: cell truth → read; reproduce with --explain SEED --kind KINDS):")
    for row, n in docs.most_common(count):
        result, path, truth, got = example[row]
        print(f"  {n:>5}  {row:<46} {','.join(result.kinds)}: {path.rsplit('.', 1)[1]} {truth} → {got}  (seed {result.seed})")
    print("\nfirst wrong cell per kind:")
    seen: set[str] = set()
    for result in sorted(results, key=lambda r: len(r.kinds)):  # the simplest composition first
        if not result.wrong:
            continue
        for kind in result.kinds:
            if kind not in seen:
                seen.add(kind)
                path, truth, got = result.wrong[0]
                print(f"  {kind:<26} {path:<52} {','.join(result.kinds)}: {truth} → {got}  (seed {result.seed})")


def print_other_examples(results: list[Result], count: int) -> None:
    """The documents whose metadata was read wrong or missed, and those with false findings (up
    to `count` of each, to reproduce with --explain)."""
    for title, chosen in (
        ("metadata read wrong", [r for r in results if "wrong" in r.meta.values()]),
        ("metadata not read", [r for r in results if "null" in r.meta.values()]),
        ("false findings", [r for r in results if r.false_findings]),
    ):
        if chosen:
            shown = ", ".join(
                f"{r.seed} ({'+'.join(r.kinds)}: {', '.join(k for k, v in r.meta.items() if v != 'right') or ', '.join(r.false_findings)})" for r in chosen[:count]
            )
            print(f"\n{title} ({len(chosen)} documents): {shown}")


def explain(seed: int, kinds: tuple[str, ...] | None, with_last_year: bool) -> None:
    doc = wild_report(seed, kinds)
    previous = last_year_record(doc.spec, seed) if with_last_year else None
    record = gongkai.check_text(doc.text, path=f"wild-{seed}.txt", previous=previous)
    counts, wrong = score(doc, record)
    print(f"seed {seed}: kinds {'+'.join(doc.kinds)}, template {doc.spec.template}, year {doc.spec.year}, base layout {doc.base}")
    print(f"cells: {dict(counts)}; metadata: {meta_score(doc, record)} (read {record.agency!r}, {record.year}, {record.template})")
    read = record.cell_values()
    for path, truth in doc.truth.items():
        got = read.get(path)
        if not _same(got, truth):
            where = record.provenance.get(path)
            shown = f" line {where.line} {where.text!r}" if where is not None else ""
            status = "null " if got is None else "drv  " if where is not None and where.derived and truth is None else "WRONG"
            print(f"  {status} {path:<52} truth {truth} read {got}{shown}")
    for path, _truth, extra in wrong:
        if path not in doc.truth:
            print(f"  WRONG {path:<52} not printed, read {extra}")
    for finding in record.findings:
        if finding.rule in MUST_NOT_FIRE or ("cut_short" not in doc.kinds and finding.rule in MUST_NOT_FIRE_UNCUT):
            print(f"  false finding {finding.rule}: {finding.message}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000, help="documents to generate and read (default 3000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first document; documents are SEED, SEED+1, …")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--kind", help="only documents damaged by this kind alone (NAME,NAME…: by these kinds together)")
    parser.add_argument("--examples", type=int, default=12, help="wrong cells to show (default 12)")
    parser.add_argument("--dump", type=int, metavar="SEED", help="print the text of document SEED and stop")
    parser.add_argument("--explain", type=int, metavar="SEED", help="print what the reader got wrong in document SEED and stop")
    parser.add_argument(
        "--with-last-year", action="store_true",
        help="read each document with the agency's report of the year before, as ingest does when the store holds it",
    )
    args = parser.parse_args(argv)
    kinds: tuple[str, ...] | None = tuple(args.kind.split(",")) if args.kind else None
    unknown = [k for k in kinds or () if k not in DAMAGE_KINDS]
    if unknown or (kinds and not compatible(kinds)):
        parser.error(f"--kind: {', '.join(unknown) or 'these kinds cannot be composed'}; kinds are {', '.join(DAMAGE_KINDS)}")

    if args.dump is not None:
        doc = wild_report(args.dump, kinds)
        print(f"# seed {doc.seed}: kinds {'+'.join(doc.kinds)}, template {doc.spec.template}, base layout {doc.base}", file=sys.stderr)
        sys.stdout.write(doc.text)
        return 0
    if args.explain is not None:
        explain(args.explain, kinds, args.with_last_year)
        return 0

    jobs = [(args.seed + i, kinds, args.with_last_year) for i in range(args.docs)]
    start = time.perf_counter()
    if args.jobs > 1:
        with multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn").Pool(args.jobs) as pool:
            results = list(pool.imap(measure, jobs, chunksize=16))
    else:
        results = [measure(job) for job in jobs]
    elapsed = time.perf_counter() - start
    reading = sum(r.seconds for r in results)
    print(
        f"wild layouts: {len(results)} documents from seed {args.seed}"
        f"{f', kind {args.kind} alone' if args.kind else ', 1–4 kinds each'}"
        f"{', each read with its agency’s report of the year before' if args.with_last_year else ''}, {args.jobs} process(es): "
        f"{elapsed:.1f} s, {len(results) / elapsed:.1f} docs/s overall (generation included); "
        f"reading + checking alone {len(results) / reading:.1f} docs/s per process"
    )
    print_tables(results, list(DAMAGE_KINDS))
    print_examples(results, args.examples)
    print_other_examples(results, args.examples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
