"""Generated reports' web pages and Word files turned into text by the tools people use, read by
gongkai: cells right / null / wrong.

    python bench/converters.py [--docs 40] [--seed 0]

Users scrape a report's web page, or convert its Word file, and hand gongkai what their tool
made of it: w3m and lynx draw the tables with box characters, pandoc writes plain text (dash
rules), reStructuredText (ASCII grids, labels wrapped every few characters) or Markdown (a table
with merged cells as HTML), and Python's html2text, markdownify, BeautifulSoup's get_text and
trafilatura give Markdown or bare text. Each generated report (random template, year and share
of zeros, by seed) is rendered as its web page — as generated, minified (no white space between
tags, as many CMS serve it), and with its zeros left blank (a blank cell is then right when read
as null) — and as its Word file, converted by every tool found on
this machine (none is a dependency of gongkai: `apt-get install w3m lynx pandoc`, `pip install
html2text markdownify beautifulsoup4 trafilatura`), then read by `gongkai.check_text`. Printed
per tool and source: cells right, derived (a blank cell the arithmetic fills, marked derived, with
its true value), null and wrong, and the first wrong cells. Asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import gongkai

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root
from synth.generate import ReportSpec, expected_cells, random_report, render


def _command(*argv: str) -> Callable[[str], str]:
    def convert(page: str) -> str:
        return subprocess.run(argv, input=page.encode(), capture_output=True, timeout=120, check=False).stdout.decode("utf-8", "replace")

    return convert


def _soup(separator: str) -> Callable[[str], str]:
    def convert(page: str) -> str:
        return str(importlib.import_module("bs4").BeautifulSoup(page, "html.parser").get_text(separator))

    return convert


def _trafilatura(output: str) -> Callable[[str], str]:
    def convert(page: str) -> str:
        return str(importlib.import_module("trafilatura").extract(page, include_tables=True, output_format=output) or "")

    return convert


def _pandoc_docx(target: str) -> Callable[[bytes], str]:
    def convert(word: bytes) -> str:
        return subprocess.run(["pandoc", "-f", "docx", "-t", target, "--columns=100"], input=word, capture_output=True, timeout=120, check=False).stdout.decode("utf-8", "replace")

    return convert


def word_tools() -> dict[str, Callable[[bytes], str]]:
    """The converters of Word files found on this machine, by name."""
    return {f"pandoc -f docx -t {target}": _pandoc_docx(target) for target in ("plain", "rst", "gfm", "markdown")} if shutil.which("pandoc") else {}


def tools() -> dict[str, Callable[[str], str]]:
    """The converters of web pages found on this machine, by name."""
    found: dict[str, Callable[[str], str]] = {}
    if shutil.which("w3m"):
        found["w3m -dump"] = _command("w3m", "-dump", "-T", "text/html", "-cols", "200", "-O", "UTF-8")
        found["w3m -dump (80 columns)"] = _command("w3m", "-dump", "-T", "text/html", "-cols", "80", "-O", "UTF-8")
    if shutil.which("lynx"):
        found["lynx -dump"] = _command("lynx", "-dump", "-stdin", "-display_charset=utf-8", "-assume_charset=utf-8", "-width=200", "-nolist")
    if shutil.which("pandoc"):
        for target in ("plain", "rst", "gfm", "markdown"):
            found[f"pandoc -t {target}"] = _command("pandoc", "-f", "html", "-t", target, "--columns=100")
    if importlib.util.find_spec("html2text"):
        found["html2text"] = lambda page: str(importlib.import_module("html2text").html2text(page))
    if importlib.util.find_spec("markdownify"):
        found["markdownify"] = lambda page: str(importlib.import_module("markdownify").markdownify(page))
    if importlib.util.find_spec("bs4"):
        found["bs4 get_text()"] = _soup("")
        found["bs4 get_text('\\n')"] = _soup("\n")
    if importlib.util.find_spec("trafilatura"):
        found["trafilatura"] = _trafilatura("txt")
        found["trafilatura markdown"] = _trafilatura("markdown")
    return found


def spec_of(seed: int) -> ReportSpec:
    rng = random.Random(seed)
    return random_report(seed, template=rng.choice(["2019", "2021"]), year=rng.choice([2019, 2021, 2023]), zero_rate=rng.choice([0.2, 0.5, 0.8]))


_BETWEEN_TAGS = re.compile(r">\s+<")
_ZERO_CELL = re.compile(r'(<td[^>]*text-align:center"><p>)0(</p>)')


def pages(spec: ReportSpec) -> dict[str, str]:
    """The report's web page as generated, minified, and with its zeros left blank (「&nbsp;」,
    as many agencies fill the table: those cells are then null)."""
    page = render(spec, "html-utf8")[0].decode()
    return {"as generated": page, "minified": _BETWEEN_TAGS.sub("><", page), "zeros blank": _ZERO_CELL.sub(r"\1&nbsp;\2", page)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=40, help="reports to generate (default 40)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first report")
    args = parser.parse_args(argv)
    found, word_found = tools(), word_tools()
    if not found:
        print("no HTML-to-text tool found (w3m, lynx, pandoc, html2text, markdownify, bs4, trafilatura)")
        return 0
    specs = {seed: spec_of(seed) for seed in range(args.seed, args.seed + args.docs)}
    tallies: dict[tuple[str, str], Counter[str]] = {}
    wrong: list[str] = []
    started = time.perf_counter()
    for seed, spec in specs.items():
        printed = expected_cells(spec)
        texts = [(tool_name, page_name, convert(page)) for page_name, page in pages(spec).items() for tool_name, convert in found.items()]
        word = render(spec, "docx")[0]
        texts += [(tool_name, "Word", convert_word(word)) for tool_name, convert_word in word_found.items()]
        for tool_name, source, text in texts:
            record = gongkai.check_text(text, path=f"r{seed}.txt")
            got = record.cell_values()
            tally = tallies.setdefault((tool_name, source), Counter())
            want = {path: None if value == 0 and source == "zeros blank" else value for path, value in printed.items()}
            for path, value in want.items():
                have = got.get(path)
                where = record.provenance.get(path)
                derived = value is None and have == printed[path] and where is not None and where.derived
                outcome = "right" if have == value else "null" if have is None else "drv" if derived else "wrong"
                tally[outcome] += 1
                if outcome == "wrong" and len(wrong) < 12:
                    wrong.append(f"  {tool_name} ({source}) seed {seed}: {path} is {value}, read {have}")
    print(f"reports as text: {args.docs} reports from seed {args.seed}, {len(found) + len(word_found)} tools, {time.perf_counter() - started:.0f} s\n")
    print(f"{'tool':28}{'source':14}{'cells':>8}{'right':>8}{'drv':>5}{'null':>7}{'wrong':>7}{'% right':>9}")
    for (tool_name, source), tally in tallies.items():
        cells = sum(tally.values())
        print(
            f"{tool_name:28}{source:14}{cells:>8}{tally['right']:>8}{tally['drv']:>5}{tally['null']:>7}{tally['wrong']:>7}{100 * tally['right'] / cells:>9.2f}"
        )
    print("\n" + ("wrong cells:\n" + "\n".join(wrong) if wrong else "no wrong cells"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
