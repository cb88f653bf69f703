"""Benchmark of the after-award core on synthetic records in memory (no database).

10 000 dossiers over 5 years in 3 organisations, planned by the seeding command's own plan
(:func:`clauses.demo.plan.plan`: the examples and their awards, each dossier with its own ids,
amounts, dates, stage and follow-up), the published and awarded ones kept as the store would
hand them over. Prints one JSON object:

- ``spaser_indicators_ms``: ``indicators()`` of one organisation and one year, reading all the
  records (the store hands over only that organisation's), median of 5 (target < 1 s);
- ``spaser_exports_ms``: the .xlsx and the .docx of those indicators, median of 5;
- ``decp_batch_year_ms``: ``decp_batch()`` of one year over all the records, every ``marche``
  checked against the official schema, median of 3 (target < 5 s);
- ``decp_batch_marches``, ``records``: the sizes measured.

The same figures read from a database, with the dossier list, are ``bench/after_db.py``'s.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from typing import Any

from clauses.decp import Contract, DecpSchema, decp_batch, parse_award
from clauses.demo.seed import demo_organisations, plan, years_until
from clauses.library import Library, load_library
from clauses.spaser import ContractRecord, indicators, spaser_docx, spaser_xlsx

AS_OF = dt.date(2026, 11, 22)
YEARS = years_until(AS_OF.year, 5)
YEAR = AS_OF.year - 1  # the last whole year
ORGANISATIONS = [o.name for o in demo_organisations(3)]


def synthetic(library: Library, count: int = 10_000, seed: int = 13) -> list[ContractRecord]:
    """The published dossiers of the seeding plan, as records."""
    planned = plan(
        library,
        count=count,
        years=YEARS,
        organisations=demo_organisations(len(ORGANISATIONS)),
        as_of=AS_OF,
        seed=seed,
    )
    return [
        ContractRecord(
            organisation=ORGANISATIONS[p.organisation],
            label=p.title,
            profile=p.tender.profile,
            advice=p.tender.advice,
            strategy=p.tender.strategy,
            award=None if p.award is None else parse_award(p.award),
            followup=p.followup,
        )
        for p in planned
        if p.published is not None
    ]


def timed(runs: int, call: Any) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1000, 1), result


def measure() -> dict[str, float | int]:
    library = load_library()
    schema = DecpSchema.load()
    records = synthetic(library)
    spaser_ms, ind = timed(5, lambda: indicators(records, ORGANISATIONS[0], YEAR, library))
    exports_ms, _ = timed(5, lambda: (spaser_xlsx(ind, library), spaser_docx(ind, library, AS_OF)))
    contracts = [
        Contract(label=r.label, profile=r.profile, strategy=r.strategy, award=r.award)
        for r in records
        if r.award is not None
    ]
    batch_ms, batch = timed(
        3,
        lambda: decp_batch(contracts, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), library, schema),
    )
    assert not batch.left_out, batch.left_out[:3]
    return {
        "spaser_indicators_ms": spaser_ms,
        "spaser_exports_ms": exports_ms,
        "decp_batch_year_ms": batch_ms,
        "decp_batch_marches": len(batch.document["marches"]["marche"]),
        "records": len(records),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
