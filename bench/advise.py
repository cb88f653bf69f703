"""Benchmark of the core: library load, advise() on a 10-lot profile, and the whole CLI process.

Prints one JSON object: library_load_ms, advise_p50_ms, cli_advise_wall_ms (medians).
Targets: library load < 300 ms, advise < 1 ms, CLI process < 500 ms (goal 300 ms).

The CLI runs as an installed package runs: with its modules' bytecode cached (a first run, not
timed, writes it), even where ``PYTHONDONTWRITEBYTECODE`` is set for the tests; compiling the
project's modules at every start would add about 50 ms that no installation pays.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from clauses.advisor import advise
from clauses.library import load_library
from clauses.profile import parse_profile

AS_OF = dt.date(2026, 11, 22)


def ten_lot_profile() -> dict[str, Any]:
    cpvs = ["45262500-6", "45223100-7", "45442100-8", "45421000-4", "45233140-2"]
    return {
        "title": "Construction d’un lycée – 10 lots",
        "nature": "works",
        "cpv": "45214220-8",
        "estimated_amount_eur": 10_000_000,
        "duration_months": 30,
        "launch_date": "2026-10-01",
        "region_code": "75",
        "facilitator_available": True,
        "local_offer": {"insertion": "many", "disability": "some"},
        "lots": [
            {"title": f"Lot {i + 1}", "cpv": cpvs[i % len(cpvs)], "estimated_amount_eur": 1_000_000}
            for i in range(10)
        ],
    }


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def measure(runs_load: int = 15, runs_advise: int = 2000, runs_cli: int = 7) -> dict[str, float]:
    loads = []
    for _ in range(runs_load):
        start = time.perf_counter()
        library = load_library()
        loads.append(time.perf_counter() - start)
    profile = parse_profile(ten_lot_profile())
    advise(profile, library, AS_OF)
    advises = []
    for _ in range(runs_advise):
        start = time.perf_counter()
        advise(profile, library, AS_OF)
        advises.append(time.perf_counter() - start)
    return {
        "library_load_ms": median_ms(loads),
        "advise_p50_ms": median_ms(advises),
        "cli_advise_wall_ms": cli_advise_wall_ms(runs_cli),
    }


def cli_advise_wall_ms(runs: int = 7) -> float:
    """The whole ``clauses advise profile.json --json`` process, median of ``runs``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "profile.json"
        path.write_text(json.dumps(ten_lot_profile()), encoding="utf-8")
        command = [str(Path(sys.executable).with_name("clauses")), "advise", str(path), "--json"]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run(command, check=True, capture_output=True, env=env)  # writes the bytecode
        clis = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            clis.append(time.perf_counter() - start)
    return median_ms(clis)


if __name__ == "__main__":
    print(json.dumps(measure()))
