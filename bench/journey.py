"""The buyer's journeys in a real browser (tests/e2e/journeys.py): answers given and requests
sent from a blank dossier to the downloaded Word file, for a cleaning contract in 3 lots and a
works contract without lots, with and without JavaScript, on a phone (390 px).

Needs Playwright's Python package and a Chromium (``/usr/bin/chromium``, or ``CLAUSES_CHROMIUM``).
Usage: ``.venv/bin/python bench/journey.py [--url URL]`` (without ``--url``, a server is started
as bench/run.py does). Prints one JSON object: ``journey_answers`` and ``journey_requests`` (the
most of the journeys), and each journey's ``journey_answers_<name>``,
``journey_requests_<name>_js`` and ``journey_requests_<name>_nojs``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # the journeys are the browser test's

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.e2e.journeys import JOURNEYS, run_journey  # noqa: E402

WIDTH = 390


def measure_url(url: str, credentials: tuple[str, str] | None = None) -> dict[str, Any]:
    """The journeys on a running server, signed in with ``credentials`` (e-mail, password)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CLAUSES_CHROMIUM", "/usr/bin/chromium")
    figures: dict[str, Any] = {}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for name in JOURNEYS:
                for javascript in (True, False):
                    run = run_journey(
                        chromium,
                        url,
                        name,
                        javascript=javascript,
                        width=WIDTH,
                        credentials=credentials,
                    )
                    if run.overflows or not run.filename:
                        raise RuntimeError(f"{name}: {run.overflows or 'no document'}")
                    mode = "js" if javascript else "nojs"
                    figures[f"journey_requests_{name}_{mode}"] = run.requests
                    answers = figures.setdefault(f"journey_answers_{name}", run.answers)
                    figures[f"journey_answers_{name}"] = max(answers, run.answers)
        finally:
            chromium.close()
    figures["journey_answers"] = max(v for k, v in figures.items() if "answers_" in k)
    figures["journey_requests"] = max(v for k, v in figures.items() if "requests_" in k)
    return dict(sorted(figures.items()))


def measure() -> dict[str, Any]:
    import webload  # bench/webload.py: the account bench/run.py's server is made with
    from run import server  # bench/run.py

    with (
        tempfile.TemporaryDirectory(prefix="clauses-journey-") as tmp,
        server(Path(tmp)) as (
            url,
            _,
        ),
    ):
        return measure_url(url, (webload.EMAIL, webload.PASSWORD))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--url", help="a running server (else one is started)")
    parser.add_argument("--email", help="with --url: the account to sign in with")
    parser.add_argument("--password", help="with --url: its password")
    args = parser.parse_args()
    credentials = (args.email, args.password) if args.email and args.password else None
    print(json.dumps(measure_url(args.url, credentials) if args.url else measure()))


if __name__ == "__main__":
    main()
