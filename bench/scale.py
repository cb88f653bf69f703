"""Benchmark at council scale: 100 000 dossiers on SQLite and on PostgreSQL, and the CLI's start.

For each backend, a fresh database (a SQLite file in a temporary folder; a new database on the
PostgreSQL server of ``CLAUSES_BENCH_POSTGRES_URL``, by default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``, dropped afterwards) seeded by ``clauses
seed --count 100000`` (5 years, 3 organisations of about 33 000 dossiers), then ``clauses serve``
on it (as ``bench/run.py`` starts it) and, signed in as members of the first organisation:

- ``list_last_page_p95_ms``: ``GET /dossiers?fin=1`` (the list's last page, « Fin de la
  liste »), the acheteur, 100 requests after 5 warm-ups (also the first page,
  ``list_first_page_p95_ms``);
- ``stage_tab_p95_ms``: the worst 95th percentile of the five stage tabs
  (``GET /dossiers?etat=…``, 50 requests each; each one as ``stage_tab_<stage>_p95_ms``);
- ``spaser_ms``: the SPASER dashboard of the last whole year, ``GET /rapports/spaser?annee=…``
  as the referent, median of 5 (the first one apart: ``spaser_first_ms``);
- ``decp_year_ms``: the DECP page of that year, ``GET /rapports/decp?du=…&au=…``, median of 3;
  ``decp_download_ms``: its file (``/rapports/decp.json``), median of 3, and its size;
- ``report_peak_rss_mb``: the server's VmRSS (its processes together), sampled every 20 ms
  while the reports above run; ``report_after_rss_mb`` a second after they are done;
- ``list_p95_during_reports_ms``: then the acheteur's first page, requested without pause by
  another client while the referent's reports run again (3 SPASER, 2 DECP pages);
- ``seed_s``: the wall time of the seeding.

Then ``cli_advise_wall_ms`` (``bench/advise.py``: the ``clauses advise`` process, median of 7).

Prints one JSON object: the figures per backend, and the issue's names for the worse of the two
(``db_100k_spaser_ms``…). ``--count`` for a quicker run; ``--backend`` for one of them.
Every request stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

import advise as advise_bench  # bench/advise.py
import after_db  # bench/after_db.py: seeding and signing in as it does
import run  # bench/run.py: the server as it is started in production
from clauses.demo import seed
from clauses.store.db import make_engine
from clauses.store.models import Role

COUNT = 100_000
LIST_REQUESTS, TAB_REQUESTS, WARMUP = 100, 50, 5
STAGES = ("draft", "published", "awarded", "in_execution", "closed")
SAMPLE_S = 0.02
SEED_TIMEOUT_S = 3600


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="clauses-scale-db-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'clauses.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new database on the PostgreSQL server, dropped afterwards."""
    name = f"clauses_scale_{uuid.uuid4().hex[:12]}"
    admin = make_engine(after_db.POSTGRES).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(after_db.POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def p95_ms(client: httpx.Client, path: str, requests: int) -> tuple[float, float]:
    """The 95th percentile and the median of ``requests`` GETs of ``path``, after warm-ups."""

    def one() -> None:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)

    for _ in range(WARMUP):
        one()
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        one()
        samples.append(time.perf_counter() - start)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return round(cuts[94] * 1000, 2), round(statistics.median(samples) * 1000, 2)


def lists(client: httpx.Client) -> dict[str, float]:
    figures: dict[str, float] = {}
    figures["list_first_page_p95_ms"], _ = p95_ms(client, "/dossiers", LIST_REQUESTS)
    figures["list_last_page_p95_ms"], figures["list_last_page_p50_ms"] = p95_ms(
        client, "/dossiers?fin=1", LIST_REQUESTS
    )
    for stage in STAGES:
        figures[f"stage_tab_{stage}_p95_ms"], _ = p95_ms(
            client, f"/dossiers?etat={stage}", TAB_REQUESTS
        )
    figures["stage_tab_p95_ms"] = max(figures[f"stage_tab_{stage}_p95_ms"] for stage in STAGES)
    return figures


class Sampler:
    """The server's RSS every :data:`SAMPLE_S` seconds, in a thread, while it runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, run.rss_mb(self.pid))
            self._stop.wait(SAMPLE_S)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def reports(
    url: str, pid: int, referent: httpx.Client, buyer: httpx.Client, year: int
) -> dict[str, Any]:
    """The reports of the year one after the other, the server's memory meanwhile and after;
    then the buyer's list while the reports run again."""
    spaser = f"/rapports/spaser?annee={year}"
    period = f"du={year}-01-01&au={year}-12-31"
    figures: dict[str, Any] = {"report_rss_before_mb": run.rss_mb(pid)}

    def timed(runs: int, path: str) -> float:
        return after_db.timed(runs, lambda: _ok(referent, path))

    with Sampler(pid) as sampler:
        figures["spaser_first_ms"] = timed(1, spaser)
        figures["spaser_ms"] = timed(5, spaser)
        figures["decp_year_ms"] = timed(3, f"/rapports/decp?{period}")
        figures["decp_download_ms"] = timed(3, f"/rapports/decp.json?{period}")
    figures["report_peak_rss_mb"] = sampler.peak
    figures["decp_download_bytes"] = len(referent.get(f"/rapports/decp.json?{period}").content)
    time.sleep(1)
    figures["report_after_rss_mb"] = run.rss_mb(pid)
    during: list[float] = []
    running = threading.Event()
    running.set()

    def other_buyer() -> None:
        with httpx.Client(base_url=url, cookies=buyer.cookies, timeout=60) as client:
            while running.is_set():
                start = time.perf_counter()
                _ok(client, "/dossiers")
                during.append(time.perf_counter() - start)

    loader = threading.Thread(target=other_buyer, daemon=True)
    loader.start()
    timed(3, spaser)
    timed(2, f"/rapports/decp?{period}")
    running.clear()
    loader.join()
    cuts = statistics.quantiles(during, n=100, method="inclusive")
    figures["list_p95_during_reports_ms"] = round(cuts[94] * 1000, 2)
    figures["list_requests_during_reports"] = len(during)
    return figures


def _ok(client: httpx.Client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)


def measure_backend(database: Callable[[], Any], count: int, as_of: dt.date) -> dict[str, Any]:
    demo = seed.demo_organisations(1)[0]
    with database() as url, tempfile.TemporaryDirectory(prefix="clauses-scale-") as tmp:
        figures: dict[str, Any] = {
            "seed_s": after_db.seeded(url, count, as_of, timeout=SEED_TIMEOUT_S)
        }
        with run.server(Path(tmp), url) as (address, pid):
            buyer = after_db.signed_in(address, demo.email(Role.acheteur))
            referent = after_db.signed_in(address, demo.email(Role.referent))
            figures |= lists(buyer)
            figures |= reports(address, pid, referent, buyer, as_of.year - 1)
            buyer.close()
            referent.close()
    return figures


BACKENDS = {"sqlite": sqlite_database, "postgresql": postgres_database}
# The names, each the worse of the two backends.
WORST = {
    "db_100k_spaser_ms": "spaser_ms",
    "db_100k_decp_year_ms": "decp_year_ms",
    "db_100k_list_last_page_p95_ms": "list_last_page_p95_ms",
    "db_100k_stage_tab_p95_ms": "stage_tab_p95_ms",
    "db_100k_report_peak_rss_mb": "report_peak_rss_mb",
}


def measure(
    count: int = COUNT, as_of: dt.date | None = None, backends: tuple[str, ...] = tuple(BACKENDS)
) -> dict[str, Any]:
    as_of = as_of or dt.date.today()
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "year": as_of.year - 1,
        "dossiers": count,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    for name in backends:
        if name == "postgresql":
            try:
                make_engine(after_db.POSTGRES).connect().close()
            except Exception as exc:  # any reason the server cannot be reached
                result[name] = {"skipped": str(exc).splitlines()[0][:200]}
                continue
        result[name] = measure_backend(BACKENDS[name], count, as_of)
    result["cli_advise_wall_ms"] = advise_bench.cli_advise_wall_ms()
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    measured = [result[name] for name in backends if "skipped" not in result[name]]
    for key, figure in WORST.items():
        if measured:
            result[key] = max(each[figure] for each in measured)
    return result


def flat(result: dict[str, Any]) -> dict[str, float]:
    """The numeric figures as ``bench/run.py --scale`` prints them: the issue's names, then
    ``db_100k_sqlite_spaser_ms``…"""
    figures = {key: result[key] for key in (*WORST, "cli_advise_wall_ms") if key in result}
    return figures | {
        f"db_100k_{backend}_{name}": value
        for backend in BACKENDS
        for name, value in result.get(backend, {}).items()
        if isinstance(value, int | float)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--count", type=int, default=COUNT, help="dossiers seeded")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="seed's date")
    parser.add_argument("--backend", choices=list(BACKENDS), action="append", help="only these")
    args = parser.parse_args()
    chosen = tuple(args.backend or BACKENDS)
    print(json.dumps(measure(args.count, args.as_of, chosen), indent=2))


if __name__ == "__main__":
    main()
