"""All the benchmarks, one JSON object: the performance dashboard (figures, methods and targets in
bench/README.md).

- the core: ``bench/advise.py`` (library load, advise(), the CLI process) and ``bench/draft.py``
  (the Word drafter and its floor ratio), reused as they are;
- the web application, started as in production: ``clauses serve`` (one process, uvicorn) on a
  SQLite database in a temporary folder, on a free port of 127.0.0.1, loaded by
  ``bench/webload.py`` run as a separate process:
  - saving a wizard step (a real POST of the « Le marché » form, CSRF token and version) by 20
    concurrent clients, ≥ 6000 saves (a few seconds, so that the rate is stable); the trivial route ``GET /robots.txt`` the same way, before
    and after, for the ratio of requests per second;
  - downloading the Word draft of a dossier (10 lots) by 10 concurrent clients;
  - the server's memory (VmRSS, its child processes included) after the load;
- the buyer's journeys in Chromium (``bench/journey.py``, on the same server, before the loads):
  answers given and requests sent from a blank dossier to the Word file.
  - then ``GET /healthz`` every 10 ms while 3 hostile clients post the heaviest bodies to
    ``/api/v1/advice`` (the probe of issue 11), 1000 health checks;
  - then 50 sign-ins posted at the same instant (an Argon2 check of 64 MiB each), the server's
    memory sampled meanwhile: its peak;
- the life after the draft on seeded databases (``bench/after_db.py``: 10 000 dossiers by
  ``clauses seed`` on SQLite and PostgreSQL; the dossier list, the SPASER of a year, the DECP
  batch of a year, the seeding), its numeric figures as ``db_sqlite_…`` and ``db_postgresql_…``;
- with ``--scale``, the same at 100 000 dossiers (``bench/scale.py``), as ``db_100k_…``.

Usage: ``.venv/bin/python bench/run.py [--repeat N] [--scale]`` (N runs, the median of each
figure).
Every load is bounded in requests and in seconds; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

import advise as advise_bench  # bench/advise.py
import draft as draft_bench  # bench/draft.py
import journey as journey_bench  # bench/journey.py
import webload  # bench/webload.py (its account)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CLAUSES = Path(sys.executable).with_name("clauses")
STEP_CLIENTS, STEP_REQUESTS = 20, 6000
HELLO_REQUESTS = 10000
DOWNLOAD_CLIENTS, DOWNLOAD_REQUESTS = 10, 500
HOSTILE_CLIENTS, HEALTH_REQUESTS = 3, 1000
SIGN_INS = 50
RSS_SAMPLE_S = 0.01
MAX_SECONDS = 60  # per load
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CPVS = ["45262500-6", "45223100-7", "45442100-8", "45421000-4", "45233140-2"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(folder: Path, database_url: str | None = None) -> Iterator[tuple[str, int]]:
    """``clauses serve`` on a SQLite file in ``folder`` with the load clients' account, or on
    ``database_url`` as it is (``bench/after_db.py``: seeded with its accounts); yields its URL
    and process id."""
    port = free_port()
    env = {
        **os.environ,
        "CLAUSES_DATABASE_URL": database_url or f"sqlite:///{folder / 'clauses.db'}",
        "CLAUSES_DATA_DIR": str(folder),
    }
    env.pop("CLAUSES_SECRET_KEY", None)
    if database_url is None:
        # The account the load clients sign in with (every page request is then signed in).
        subprocess.run(
            [str(CLAUSES), "user", "add", webload.EMAIL, "--organisation", "Banc d’essai"],
            input=webload.PASSWORD + "\n",
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [str(CLAUSES), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: see {folder / 'server.log'}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def load(url: str, mode: str, clients: int, requests: int, path: str = "") -> dict[str, Any]:
    """One run of the load client, in its own process."""
    command = [sys.executable, str(BENCH / "webload.py"), "--url", url, "--mode", mode]
    command += ["--clients", str(clients), "--requests", str(requests)]
    command += ["--max-seconds", str(MAX_SECONDS)]
    if path:
        command += ["--path", path]
    done = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=MAX_SECONDS + 60
    )
    result: dict[str, Any] = json.loads(done.stdout)
    if result["errors"]:
        raise RuntimeError(f"{mode}: {result['errors']} unexpected answers")
    return result


def rss_mb(pid: int) -> float:
    """VmRSS of the process and of all its descendants (uvicorn's workers, if any)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return round(total_kb / 1024, 1)


def sign_in_storm(url: str, pid: int) -> dict[str, Any]:
    """:data:`SIGN_INS` sign-ins at once (``webload.py --mode signin``), and the peak of the
    server's memory meanwhile, sampled every :data:`RSS_SAMPLE_S`."""
    command = [sys.executable, str(BENCH / "webload.py"), "--url", url, "--mode", "signin"]
    command += ["--clients", str(SIGN_INS)]
    storm = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = rss_mb(pid)
    while storm.poll() is None:
        peak = max(peak, rss_mb(pid))
        time.sleep(RSS_SAMPLE_S)
    out, _ = storm.communicate(timeout=MAX_SECONDS)
    result: dict[str, Any] = json.loads(out)
    if result["errors"]:
        raise RuntimeError(f"signin: {result['errors']} unexpected answers")
    return result | {"peak_rss_mb": peak}


def word_draft(url: str) -> str:
    """Fill in a 10-lot dossier through the forms, generate its Word draft; its download path."""
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as browser:
        token = TOKEN_RE.search(browser.get("/connexion").text).group(1)  # type: ignore[union-attr]
        credentials = {"csrf_token": token, "email": webload.EMAIL, "password": webload.PASSWORD}
        assert browser.post("/connexion", data=credentials).status_code == 303
        token = TOKEN_RE.search(browser.get("/").text).group(1)  # type: ignore[union-attr]
        created = browser.post("/dossiers", data={"csrf_token": token, "title": "Lycée"})
        dossier = created.headers["location"].split("/")[2]
        steps: list[tuple[str, dict[str, str]]] = [
            (
                "marche",
                {
                    "title": "Construction d’un lycée – 10 lots",
                    "nature": "works",
                    "cpv": "45214220-8",
                    "estimated_amount_eur": "10 000 000",
                    "duration_months": "30",
                    "launch_date": "2026-10-01",
                },
            ),
            ("acheteur", {"buyer_kind": "region", "region_code": "75"}),
            (
                "lots",
                {"lots-count": "10"}
                | {f"lots-{i}-title": f"Lot {i + 1}" for i in range(10)}
                | {f"lots-{i}-cpv": CPVS[i % len(CPVS)] for i in range(10)}
                | {f"lots-{i}-estimated_amount_eur": "1 000 000" for i in range(10)},
            ),
        ]
        version = 1
        for step, fields in steps:
            data = {"csrf_token": token, "version": str(version), "action": "save", **fields}
            saved = browser.post(f"/dossiers/{dossier}/etapes/{step}", data=data)
            assert saved.status_code == 303, (step, saved.status_code)
            version += 1
        generated = browser.post(
            f"/dossiers/{dossier}/documents",
            data={"csrf_token": token, "sections": ["summary", "rc", "ccap", "annexes"]},
        )
        assert generated.status_code == 303, generated.status_code
        page = browser.get(generated.headers["location"]).text
        match = re.search(rf'href="(/dossiers/{dossier}/documents/[0-9a-f-]{{36}})"', page)
        assert match, "no download link on the documents page"
        return match.group(1)


def measure_web() -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="clauses-bench-") as tmp,
        server(Path(tmp)) as (
            url,
            pid,
        ),
    ):
        journeys = journey_bench.measure_url(url, (webload.EMAIL, webload.PASSWORD))
        hello_before = load(url, "hello", STEP_CLIENTS, HELLO_REQUESTS)
        step = load(url, "step", STEP_CLIENTS, STEP_REQUESTS)
        hello_after = load(url, "hello", STEP_CLIENTS, HELLO_REQUESTS)
        path = word_draft(url)
        download = load(url, "get", DOWNLOAD_CLIENTS, DOWNLOAD_REQUESTS, path)
        rss = rss_mb(pid)
        health = load(url, "health", HOSTILE_CLIENTS, HEALTH_REQUESTS)
        storm = sign_in_storm(url, pid)
    hello_rps = (hello_before["rps"] + hello_after["rps"]) / 2
    return {
        "web_step_p50_ms": step["p50_ms"],
        "web_step_p95_ms": step["p95_ms"],
        "web_step_rps": step["rps"],
        "web_step_requests": step["requests"],
        "web_hello_rps": round(hello_rps, 1),
        "web_rps_ratio_vs_hello": round(step["rps"] / hello_rps, 3),
        "docx_download_p50_ms": download["p50_ms"],
        "docx_download_p95_ms": download["p95_ms"],
        "docx_download_requests": download["requests"],
        "server_rss_mb": rss,
        **journeys,
        "healthz_hostile_p50_ms": health["p50_ms"],
        "healthz_hostile_p99_ms": health["p99_ms"],
        "healthz_hostile_max_ms": health["max_ms"],
        "healthz_hostile_requests": health["requests"],
        "hostile_requests": health["hostile_requests"],
        "signin_50_peak_rss_mb": storm["peak_rss_mb"],
        "signin_50_signed_in": storm["signed_in"],
        "signin_50_turned_away": storm["turned_away"],
        "signin_50_max_ms": storm["max_ms"],
    }


def measure(scale: bool = False) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    figures |= advise_bench.measure()
    drafted = draft_bench.measure()
    figures |= {k: drafted[k] for k in ("draft_p50_ms", "draft_floor_ratio", "first_draft_ms")}
    figures |= measure_web()
    import after_db  # bench/after_db.py (which starts its servers with this module's)

    figures |= after_db.flat(after_db.measure())
    if scale:
        import scale as scale_bench  # bench/scale.py: 100 000 dossiers, half an hour or more

        figures |= scale_bench.flat(scale_bench.measure())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs; each figure's median")
    parser.add_argument(
        "--scale", action="store_true", help="also bench/scale.py (100 000 dossiers per database)"
    )
    args = parser.parse_args()
    runs = [measure(args.scale) for _ in range(max(1, args.repeat))]
    result = {k: round(statistics.median(run[k] for run in runs), 3) for k in runs[0]}
    if len(runs) > 1:
        result["runs"] = len(runs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
