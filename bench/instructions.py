"""Count the machine instructions gongkai's parse + check takes for one report of bench_text's corpus.

    python bench/instructions.py [--rounds 2] [--corpus ../shared/corpus]

A noisy machine moves wall-clock figures by a third from one run to the next; an instruction
count does not move. A child Python parses and checks the corpus of `bench_text.py` (the seeds
and the real PDFs' `pdftotext -layout` text) under `valgrind --tool=callgrind`, once with one
round and once with 1 + ROUNDS rounds: the difference, divided by the reports of the extra
rounds, is the steady cost of one report (imports, regular expressions compiled and caches
filled in the first round cancel out). PYTHONHASHSEED is fixed so that a run repeats itself.

The gongkai measured is the one the child imports: compare another checkout with
PYTHONPATH=/that/checkout/src. Needs valgrind (Debian: apt-get install valgrind); a run takes
a few minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_text import DEFAULT_CORPUS, load_corpus

_COLLECTED = re.compile(r"Collected : (\d+)")


def child(rounds: int, texts: Path) -> None:
    """Parse and check the saved texts `rounds` times (run under valgrind)."""
    import gongkai

    reports = [path.read_text(encoding="utf-8") for path in sorted(texts.glob("*.txt"))]
    for _ in range(rounds):
        for text in reports:
            gongkai.check_text(text)


def instructions(rounds: int, texts: Path) -> int:
    """The instructions a child parsing `rounds` rounds executes, as callgrind counts them."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, "--child", str(rounds), str(texts)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds counted after the first (default 2)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    parser.add_argument("--child", nargs=2, metavar=("ROUNDS", "TEXTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), Path(args.child[1]))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not on PATH (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    if not (args.corpus / "seeds").is_dir():
        print(f"no corpus at {args.corpus} (expected seeds/ and real/ inside)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="gongkai-instructions-") as workdir:
        reports, left_out = load_corpus(args.corpus, Path(workdir))
        texts = Path(workdir) / "texts"
        texts.mkdir()
        for index, report in enumerate(reports):
            (texts / f"{index:03d}.txt").write_text(report.text, encoding="utf-8")
        first = instructions(1, texts)
        more = instructions(1 + args.rounds, texts)
    per_report = (more - first) / (args.rounds * len(reports))
    print(f"corpus: {len(reports)} reports ({args.corpus}){f'; note: {left_out}' if left_out else ''}")
    print(f"  first round (imports, compiled patterns, caches): {first / 1e6:,.0f} M instructions")
    print(f"  each report after it: {per_report / 1e6:,.2f} M instructions (mean of {args.rounds} rounds)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
