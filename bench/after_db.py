"""Benchmark of the life after the draft on a seeded database, SQLite and PostgreSQL.

For each backend: a fresh database (a SQLite file in a temporary folder; a new schema of the
PostgreSQL database ``CLAUSES_BENCH_POSTGRES_URL``, by default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``, dropped afterwards) seeded by
``clauses seed`` (10 000 dossiers over 5 years in 3 organisations), then ``clauses serve`` on it
(started as ``bench/run.py`` starts it) and, signed in as members of the first organisation:

- ``list_p50_ms``/``list_p95_ms``: ``GET /dossiers`` (the acheteur's list page, 200 dossiers
  shown), one client, 200 requests after 5 warm-ups (target p95 < 100 ms);
- ``spaser_ms``: the SPASER dashboard of that organisation for the last whole year,
  ``GET /rapports/spaser?annee=YYYY`` as its referent, median of 5 (target < 1 s);
- ``decp_year_ms``: the DECP batch export of that year, ``GET /rapports/decp?du=…&au=…``,
  median of 3 (target < 5 s);
- ``seed_s``: the wall time of ``clauses seed`` (its process, migrations included).

Prints one JSON object: ``{"sqlite": {...}, "postgresql": {...}, "as_of", "year",
"load_average"}`` (a backend that cannot be reached says ``"skipped"``). ``--count`` for a
quicker run. Every request stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

import run  # bench/run.py: the server as it is started in production
from clauses.demo import seed
from clauses.store.db import make_engine
from clauses.store.models import Role

POSTGRES = os.environ.get(
    "CLAUSES_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "mot de passe du banc d’essai"
LIST_REQUESTS, LIST_WARMUP = 200, 5
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="clauses-bench-db-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'clauses.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty schema of the PostgreSQL database, dropped afterwards."""
    schema = f"clauses_bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(POSTGRES)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def seeded(url: str, count: int, as_of: dt.date, timeout: float = 600) -> float:
    """Seed with ``clauses seed``; its wall time in seconds."""
    command = [str(run.CLAUSES), "seed", "--database-url", url, "--count", str(count)]
    command += ["--as-of", as_of.isoformat(), "--password", PASSWORD, "--quiet"]
    start = time.perf_counter()
    subprocess.run(command, cwd=run.ROOT, check=True, capture_output=True, timeout=timeout)
    return round(time.perf_counter() - start, 2)


def signed_in(url: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60, follow_redirects=False)
    token = TOKEN_RE.search(client.get("/connexion").text)
    assert token, "no CSRF token on the sign-in page"
    credentials = {"csrf_token": token.group(1), "email": email, "password": PASSWORD}
    answer = client.post("/connexion", data=credentials)
    assert answer.status_code == 303, f"sign-in refused ({answer.status_code})"
    return client


def timed(runs: int, call: Callable[[], Any]) -> float:
    """Median wall time of ``runs`` calls, in milliseconds."""
    wall = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        wall.append(time.perf_counter() - start)
    return round(statistics.median(wall) * 1000, 1)


def dossier_list(client: httpx.Client) -> dict[str, float]:
    def one() -> None:
        page = client.get("/dossiers")
        assert page.status_code == 200 and "/dossiers/" in page.text, page.status_code

    for _ in range(LIST_WARMUP):
        one()
    samples = []
    for _ in range(LIST_REQUESTS):
        start = time.perf_counter()
        one()
        samples.append(time.perf_counter() - start)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "list_p50_ms": round(statistics.median(samples) * 1000, 2),
        "list_p95_ms": round(cuts[94] * 1000, 2),
        "list_requests": len(samples),
    }


def answers(client: httpx.Client, path: str) -> bool:
    return client.get(path).status_code == 200


def reports(client: httpx.Client, year: int) -> dict[str, Any]:
    """The SPASER dashboard and the DECP export of the year, by HTTP."""
    spaser_path = f"/rapports/spaser?annee={year}"
    decp_path = f"/rapports/decp?du={year}-01-01&au={year}-12-31"

    def ok(path: str) -> None:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)

    return {
        "spaser_ms": timed(5, lambda: ok(spaser_path)),
        "decp_year_ms": timed(3, lambda: ok(decp_path)),
    }


def measure_backend(database: Callable[[], Any], count: int, as_of: dt.date) -> dict[str, Any]:
    demo = seed.demo_organisations(1)[0]
    with database() as url, tempfile.TemporaryDirectory(prefix="clauses-bench-") as tmp:
        figures: dict[str, Any] = {"seed_s": seeded(url, count, as_of)}
        with run.server(Path(tmp), url) as (address, _):
            buyer = signed_in(address, demo.email(Role.acheteur))
            figures |= dossier_list(buyer)
            buyer.close()
            referent = signed_in(address, demo.email(Role.referent))
            figures |= reports(referent, as_of.year - 1)
            referent.close()
    return figures


def measure(count: int = seed.DEFAULT_COUNT, as_of: dt.date | None = None) -> dict[str, Any]:
    as_of = as_of or dt.date.today()
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "year": as_of.year - 1,
        "dossiers": count,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    result["sqlite"] = measure_backend(sqlite_database, count, as_of)
    try:
        make_engine(POSTGRES).connect().close()
    except Exception as exc:  # any reason the server cannot be reached
        result["postgresql"] = {"skipped": str(exc).splitlines()[0][:200]}
    else:
        result["postgresql"] = measure_backend(postgres_database, count, as_of)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def flat(result: dict[str, Any]) -> dict[str, float]:
    """The numeric figures as ``bench/run.py`` prints them: ``db_sqlite_list_p95_ms``…"""
    return {
        f"db_{backend}_{name}": value
        for backend in ("sqlite", "postgresql")
        for name, value in result.get(backend, {}).items()
        if isinstance(value, int | float)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--count", type=int, default=seed.DEFAULT_COUNT, help="dossiers seeded")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="seed's date")
    args = parser.parse_args()
    print(json.dumps(measure(args.count, args.as_of), indent=2))


if __name__ == "__main__":
    main()
