"""Benchmark of the after-award core on synthetic records, before the store holds them.

10 000 dossiers over 5 years in 3 organisations, built in memory from the examples and their
award files (each with its own id, amount, notification date and follow-up). Prints one JSON
object:

- ``spaser_indicators_ms``: ``indicators()`` of one organisation and one year, reading all the
  records (the store will hand over only that organisation's), median of 5 (target < 1 s);
- ``spaser_exports_ms``: the .xlsx and the .docx of those indicators, median of 5;
- ``decp_batch_year_ms``: ``decp_batch()`` of one year over all the records, every ``marche``
  checked against the official schema, median of 3 (target < 5 s);
- ``decp_batch_marches``, ``records``: the sizes measured.

The store's seeding command (issue 13, with the dossier list's p95) will reuse this shape.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from clauses.advisor import advise
from clauses.decp import Contract, DecpSchema, decp_batch, parse_award
from clauses.decp.resolve import resolve_strategy
from clauses.followup import FollowUp, HoursRecord, PeopleCount
from clauses.library import Library, load_library
from clauses.profile import parse_profile
from clauses.spaser import ContractRecord, indicators, spaser_docx, spaser_xlsx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 22)
YEARS = (2023, 2024, 2025, 2026, 2027)
ORGANISATIONS = ("Région Alpha", "Région Bêta", "Région Gamma")


def templates(library: Library) -> list[tuple[Any, Any, Any, dict[str, Any]]]:
    """(profile, advice, strategy, award data) of every example."""
    out = []
    for path in sorted((EXAMPLES / "award").glob("*.yaml")):
        data = yaml.safe_load((EXAMPLES / path.name).read_text("utf-8"))
        award = yaml.safe_load(path.read_text("utf-8"))["award"]
        profile = parse_profile(data)
        advice = advise(profile, library, AS_OF)
        out.append((profile, advice, resolve_strategy(profile, advice, library, None), award))
    return out


def synthetic(library: Library, count: int = 10_000, seed: int = 13) -> list[ContractRecord]:
    rng = random.Random(seed)
    shapes = templates(library)
    records = []
    for n in range(count):
        profile, advice, strategy, award_data = rng.choice(shapes)
        year = YEARS[n % len(YEARS)]
        notified = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        data = copy.deepcopy(award_data)
        data["notification_date"] = notified.isoformat()
        data["publication_date"] = (notified + dt.timedelta(days=20)).isoformat()
        scale = rng.uniform(0.8, 1.1)
        if "lots" in data:
            for lot in data["lots"]:
                lot.pop("notification_date", None)
                lot["id"] = f"B{n}-{lot['lot']}"
                lot["amount_eur"] = round(lot["amount_eur"] * scale)
        else:
            data["id"] = f"B{n}"
            data["amount_eur"] = round(data["amount_eur"] * scale)
        lots = [line.lot for line in strategy.hours]
        followup = FollowUp(
            records=[
                HoursRecord(
                    lot=lot,
                    period_start=notified,
                    period_end=notified + dt.timedelta(days=90),
                    way="direct_hiring",
                    hours=rng.randrange(20, 400),
                    people=[PeopleCount(public="rsa", contract_type="cdd", count=1)],
                )
                for lot in lots
            ]
        )
        records.append(
            ContractRecord(
                organisation=ORGANISATIONS[n % len(ORGANISATIONS)],
                label=f"Dossier {n}",
                profile=profile,
                advice=advice,
                strategy=strategy,
                award=parse_award(data),
                followup=followup,
            )
        )
    return records


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
    spaser_ms, ind = timed(5, lambda: indicators(records, ORGANISATIONS[0], 2027, library))
    exports_ms, _ = timed(5, lambda: (spaser_xlsx(ind, library), spaser_docx(ind, library, AS_OF)))
    contracts = [
        Contract(label=r.label, profile=r.profile, strategy=r.strategy, award=r.award)
        for r in records
        if r.award is not None
    ]
    batch_ms, batch = timed(
        3,
        lambda: decp_batch(contracts, dt.date(2027, 1, 1), dt.date(2027, 12, 31), library, schema),
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
