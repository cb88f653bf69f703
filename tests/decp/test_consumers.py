"""The DECP Clauses exports, read by those who consume it (DOMAIN §9, shared/consumers/README.md).

- The ministry's consolidation (139bercy/decp-arr2022, behind data.economie.gouv.fr), run as it
  is by ``../shared/consumers/check-decp``, keeps every contract of every example and of a seeded
  batch export: nothing set aside (a bad SIRET key, an id off its pattern, a date after the
  file's, an amount above 3 billion €…).
- decp.info (ColinMaudry/decp-processing) keeps one contract per (buyer SIRET, ``id``): the batch
  export never gives two.

The consolidation builds its own virtualenv outside shared/ the first time
(``CLAUSES_CONSUMERS_CACHE``, default ``~/.cache/clauses-consumers``; pip needs the package
registry then). The seeded batch has ``CLAUSES_TEST_SEEDED_DOSSIERS`` dossiers (default 2 000,
about 2 500 contracts: some 15 s once the virtualenv is built).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select

from clauses.cli import main
from clauses.decp import DecpSchema
from clauses.demo import seed
from clauses.library import Library
from clauses.store import reports
from clauses.store.db import make_engine, session_scope
from clauses.store.models import Organisation
from tests.conftest import EXAMPLES, SHARED_DATA
from tests.databases import database

CHECK_DECP = SHARED_DATA.parent / "consumers" / "check-decp"
SEEDED = int(os.environ.get("CLAUSES_TEST_SEEDED_DOSSIERS", "2000"))
VERDICT = re.compile(r"^(\d+) contracts read, (\d+) kept, (\d+) set aside$", re.M)


def check_decp(files: list[Path]) -> tuple[int, int, str]:
    """(contracts read, contracts kept, the tool's output) of the ministry's consolidation."""
    if not CHECK_DECP.exists():
        pytest.fail(f"the ministry's consolidation is not at {CHECK_DECP} (../shared/consumers)")
    done = subprocess.run(
        [str(CHECK_DECP), *map(str, files)], capture_output=True, text=True, timeout=900
    )
    output = done.stdout + done.stderr
    found = VERDICT.search(done.stdout)
    assert found, output
    read, kept, aside = map(int, found.groups())
    assert done.returncode == (1 if aside else 0), output
    return read, kept, output


def marches_of(path: Path) -> list[dict[str, Any]]:
    marches: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["marches"][
        "marche"
    ]
    return marches


@pytest.mark.consumers
def test_the_consolidation_keeps_every_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for award in sorted((EXAMPLES / "award").glob("*.yaml")):
        profile = yaml.safe_load((EXAMPLES / award.name).read_text("utf-8"))
        profile.update(yaml.safe_load(award.read_text("utf-8")))
        source = tmp_path / award.name
        source.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
        assert main(["decp", str(source)]) == 0, capsys.readouterr().err
        out = tmp_path / f"{award.stem}.json"
        out.write_text(capsys.readouterr().out, encoding="utf-8")
        files.append(out)
    assert len(files) >= 11  # every example with an award, the framework agreement included
    written = sum(len(marches_of(f)) for f in files)
    read, kept, output = check_decp(files)
    assert read == kept == written >= len(files), output


@pytest.fixture(scope="module")
def seeded_batch(tmp_path_factory: pytest.TempPathFactory, library: Library) -> list[Path]:
    """A seeded database's DECP, exported as the reports page does (one file per organisation,
    every year of the seed)."""
    folder = tmp_path_factory.mktemp("seeded")
    today = dt.date.today()
    years = seed.years_until(today.year, 3)
    schema = DecpSchema.load()
    files = []
    with database("sqlite", folder) as url:
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed.seed(
                session,
                library,
                password="mot de passe de démonstration",
                count=SEEDED,
                years=years,
                organisations=3,
                as_of=today,
                schema=schema,
            )
        with session_scope(engine) as session:
            for organisation in session.exec(select(Organisation)).all():
                period = reports.Scope(
                    organisation.id, dt.date(years[0], 1, 1), today, library, schema
                )
                summary = reports.decp_period(session, period)
                assert summary.left_out == [], summary.left_out[:5]
                path = folder / f"decp-{organisation.siret}.json"
                path.write_text("".join(reports.decp_json(session, period)), encoding="utf-8")
                assert len(marches_of(path)) == summary.marches > 0
                files.append(path)
        engine.dispose()
    return files


@pytest.mark.consumers
def test_the_consolidation_keeps_every_contract_of_a_seeded_batch(
    seeded_batch: list[Path],
) -> None:
    written = sum(len(marches_of(f)) for f in seeded_batch)
    read, kept, output = check_decp(seeded_batch)
    assert read == kept == written, output
    print(output.splitlines()[0])  # the verdict, for the report of a run by hand (-s)


def test_the_batch_export_gives_one_contract_per_buyer_and_id(seeded_batch: list[Path]) -> None:
    pairs = Counter(
        (m["acheteur"]["id"], m["id"]) for path in seeded_batch for m in marches_of(path)
    )
    assert pairs and max(pairs.values()) == 1, [p for p, n in pairs.items() if n > 1][:5]
    # Every buyer declares several contracts, each under its own id.
    assert len({buyer for buyer, _ in pairs}) == 3
