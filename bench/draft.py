"""Benchmark of the drafter: draft() on a 10-lot tender that gets its good-practice sheets.

The advice and the strategy are computed once, outside the timings: draft() receives them.
Prints one JSON object:
- ``draft_p50_ms``: median time of ``draft()`` (document and serialisation), warm;
- ``serialise_p50_ms``: median time to serialise and zip the same document parts;
- ``draft_floor_ratio``: median over runs of draft time ÷ serialise time in the same run;
- ``first_draft_ms``: the first call, which also builds the house template once per process.
Targets: draft < 150 ms, ratio ≤ 3.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time

from advise import ten_lot_profile  # bench/advise.py: the same 10-lot tender
from clauses.advisor import advise
from clauses.drafting import draft
from clauses.drafting.draft import build
from clauses.drafting.package import write_docx
from clauses.drafting.practices import PRACTICES_ATTACHED
from clauses.drafting.sections import SECTION_IDS
from clauses.library import load_library
from clauses.profile import parse_profile
from clauses.strategy.choose import resolved_or_raise

AS_OF = dt.date(2026, 11, 22)
RUNS = 30


def measure(runs: int = RUNS) -> dict[str, float | int]:
    library = load_library()
    profile = parse_profile(ten_lot_profile())
    advice = advise(profile, library, AS_OF)
    strategy = resolved_or_raise(profile, advice, None, library)
    start = time.perf_counter()
    first = draft(profile, advice, strategy, library, AS_OF)
    first_ms = (time.perf_counter() - start) * 1000
    assert len(first.practices) == PRACTICES_ATTACHED, [p.practice.id for p in first.practices]
    drafts, floors, ratios = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        draft(profile, advice, strategy, library, AS_OF)
        drafted = time.perf_counter() - start
        built, _ = build(profile, advice, strategy, library, AS_OF, SECTION_IDS, None)
        start = time.perf_counter()
        write_docx(built.docx, AS_OF)
        floor = time.perf_counter() - start
        drafts.append(drafted)
        floors.append(floor)
        ratios.append(drafted / floor)
    return {
        "draft_p50_ms": round(statistics.median(drafts) * 1000, 2),
        "serialise_p50_ms": round(statistics.median(floors) * 1000, 2),
        "draft_floor_ratio": round(statistics.median(ratios), 2),
        "first_draft_ms": round(first_ms, 1),
        "runs": runs,
        "document_bytes": len(first.content),
        "headings": len(first.outline),
    }


if __name__ == "__main__":
    print(json.dumps(measure()))
