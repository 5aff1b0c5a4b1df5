"""Generate request ledgers for tests, benchmarks and the bundled sample.

`random_ledger(count, year, seed)` spreads `count` requests over the year — every channel,
applicant type and result of the year's format, 补正, 第三方 consultations, fee notices,
extensions, some still open on 31 December, a tenth carried over from the year before — with
a table 二 and some review and litigation cases. The same seed gives the same ledger. Labels
and keys come from `gongkai.formats` and `gongkai.ledger`; nothing here retypes them.

    >>> from synth.ledger import random_ledger
    >>> ledger = random_ledger(50, 2025, seed=3)
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from gongkai import formats
from gongkai.ledger import Case, Channel, Ledger, Request
from gongkai.ledger.entries import SHEET_CARRIED, SHEET_REQUESTS, Place, result_rows, template_for_year
from gongkai.model import Value

SUMMARIES = ("关于某项目的审批文件", "某路段改造工程的规划许可", "本单位年度预算执行情况", "某小区征收补偿方案", "行政处罚决定书", "招标投标情况")


def _request(rng: random.Random, number: str, received: date, year: int, results: list[str], carried: bool) -> Request:
    state = rng.random()
    steps: dict[str, date] = {}
    answered: date | None = received + timedelta(days=rng.randint(0, 45))
    if state < 0.1:  # 补正
        steps["correction_notice"] = received + timedelta(days=rng.randint(1, 8))
        steps["correction_received"] = steps["correction_notice"] + timedelta(days=rng.randint(1, 15))
        answered = steps["correction_received"] + timedelta(days=rng.randint(1, 40))
    elif state < 0.15:  # 第三方
        steps["third_party_start"] = received + timedelta(days=rng.randint(1, 10))
        steps["third_party_end"] = steps["third_party_start"] + timedelta(days=rng.randint(5, 25))
        answered = steps["third_party_end"] + timedelta(days=rng.randint(1, 30))
    elif state < 0.18:  # fee
        steps["fee_notice"] = received + timedelta(days=rng.randint(1, 10))
        steps["fee_paid"] = steps["fee_notice"] + timedelta(days=rng.randint(1, 20))
        answered = steps["fee_paid"] + timedelta(days=rng.randint(1, 20))
    elif state < 0.22:  # extension
        steps["extension_approved"] = received + timedelta(days=rng.randint(10, 25))
        answered = received + timedelta(days=rng.randint(20, 60))
    elif state < 0.25:
        answered = None  # still open
    if carried and answered is not None and answered.year < year:
        answered = date(year, 1, 1) + timedelta(days=rng.randint(0, 40))
    return Request(
        number,
        rng.choice(list(Channel)),
        received,
        applicant=rng.choice(formats.APPLICANT_COLUMN_KEYS),
        summary=rng.choice(SUMMARIES),
        answered=answered,
        result=rng.choice(results) if answered else None,
        place=Place(SHEET_CARRIED if carried else SHEET_REQUESTS),
        **steps,  # type: ignore[arg-type]
    )


def random_ledger(count: int, year: int, seed: int = 12, agency: str = "某市某局", cases: int = 40) -> Ledger:
    """A ledger of `count` requests (a tenth carried over) and `cases` review/litigation cases."""
    rng = random.Random(seed)
    template = template_for_year(year)
    results = [r.key for r in result_rows(template)]
    carried_count = count // 10
    first = date(year, 1, 1)
    requests = [_request(rng, f"{year}-{i:05d}", first + timedelta(days=rng.randint(0, 364)), year, results, False) for i in range(count - carried_count)]
    carried = [
        _request(rng, f"{year - 1}-{i:05d}", date(year - 1, 12, 31) - timedelta(days=rng.randint(0, 40)), year, results, True) for i in range(carried_count)
    ]
    kinds = [b.key for b in formats.REVIEW_BLOCKS]
    outcomes = [f.key for f in formats.REVIEW_FIELDS[:-1]]
    case_list = [Case(f"K{i}", rng.choice(kinds), rng.choice(outcomes)) for i in range(cases)]
    active: dict[str, dict[str, Value]] = {row.key: {f.key: rng.randint(0, 30) for f in row.fields} for row in formats.active_rows(template)}
    return Ledger(agency, year, template, requests, carried, active, case_list)


SAMPLE_PATH = "examples/台账_2025.xlsx"  # the README's clerk path, relative to the repository root


def sample_ledger() -> Ledger:
    """The ledger bundled as `SAMPLE_PATH` (tests/test_ledger_cli.py checks that it is this one)."""
    return random_ledger(12, 2025, seed=2025, agency="示例县交通运输局", cases=2)
