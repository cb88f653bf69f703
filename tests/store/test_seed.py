"""``clauses seed`` and its plan: counts by organisation, year and stage, dates consistent with
each stage, every awarded dossier's DECP valid, the reports working on the seeded rows, and a
database already seeded refused (both backends)."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from clauses import cli, lifecycle
from clauses.decp import DecpSchema
from clauses.demo import seed
from clauses.followup import FollowUp, HoursRecord, NonImputable, check_followup
from clauses.library import Library
from clauses.profile import parse_profile
from clauses.questionnaire import wizard
from clauses.spaser.tables import tables
from clauses.store import accounts, reports, stages
from clauses.store.db import make_engine, session_scope
from clauses.store.models import (
    AuditEvent,
    Dossier,
    FollowupEntry,
    FollowupKind,
    Membership,
    Organisation,
    Role,
    Stage,
    User,
)
from tests.databases import BACKENDS, database

COUNT, YEARS, ORGANISATIONS = 150, 5, 3
AS_OF = dt.date(2026, 6, 30)
SEASONS = seed.years_until(2026, YEARS)
PASSWORD = "mot de passe de démonstration"


@pytest.fixture(scope="module")
def schema() -> DecpSchema:
    return DecpSchema.load()


@pytest.fixture(scope="module")
def seeded(database_url: str, library: Library, schema: DecpSchema) -> seed.Seeded:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        done = seed.seed(
            session,
            library,
            password=PASSWORD,
            count=COUNT,
            years=SEASONS,
            organisations=ORGANISATIONS,
            as_of=AS_OF,
            schema=schema,
        )
    engine.dispose()
    return done


@pytest.fixture
def session(database_url: str, seeded: seed.Seeded) -> Iterator[Session]:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        yield session
    engine.dispose()


def demo_ids(session: Session) -> dict[str, uuid.UUID]:
    found = session.exec(select(Organisation).order_by(col(Organisation.siret))).all()
    return {o.siret or "": o.id for o in found}


def test_the_dossiers_are_spread_by_organisation_year_and_stage(
    session: Session, seeded: seed.Seeded
) -> None:
    ids = demo_ids(session)
    assert sorted(ids) == sorted(o.siret for o in seed.demo_organisations(ORGANISATIONS))
    dossiers = session.exec(select(Dossier)).all()
    assert len(dossiers) == COUNT == seeded.dossiers
    per = Counter((d.organisation_id, d.created_at.year) for d in dossiers)
    assert set(per.values()) == {COUNT // (YEARS * ORGANISATIONS)}
    assert {year for _, year in per} == set(SEASONS)
    stages_found = Counter(Stage(d.stage) for d in dossiers)
    assert stages_found == seeded.by_stage
    assert set(stages_found) == set(Stage), stages_found  # every stage, at this date
    lines = session.exec(select(func.count()).select_from(FollowupEntry)).one()
    assert lines == seeded.followup_lines > 0


def test_each_stage_has_the_dates_it_needs_and_no_later_ones(session: Session) -> None:
    trail = Counter(
        session.exec(select(AuditEvent.dossier_id).where(AuditEvent.field == "stage")).all()
    )
    for d in session.exec(select(Dossier)).all():
        stage = Stage(d.stage)
        dates = [d.published_on, d.notified_on, d.started_on, d.closed_on]
        reached = {
            Stage.draft: 0,
            Stage.published: 1,
            Stage.awarded: 2,
            Stage.in_execution: 3,
            Stage.closed: 4,
        }[stage]
        assert all(x is not None for x in dates[:reached]), (stage, dates)
        assert all(x is None for x in dates[reached:]), (stage, dates)
        given = [x for x in dates if x is not None]
        assert given == sorted(given) and all(x <= AS_OF for x in given)
        assert d.created_at.date() <= (given[0] if given else AS_OF)
        assert (d.published is not None) == (reached >= 1)
        assert (d.award is not None) == (reached >= 2)
        if d.notified_on is not None:
            assert d.notified_until is not None and d.notified_on <= d.notified_until <= AS_OF
        assert d.version == 1 + reached == 1 + trail[d.id]  # one move, one row of the trail
        assert d.title.startswith(
            parse_profile(d.published["profile"]).title if d.published else ""
        )


def test_every_awarded_dossier_gives_a_valid_decp(
    session: Session, library: Library, schema: DecpSchema
) -> None:
    awarded = session.exec(select(Dossier).where(col(Dossier.award).is_not(None))).all()
    awarded = [d for d in awarded if d.award is not None]
    assert len(awarded) > 20
    references = set()
    for d in awarded:
        snapshot = stages.published_of(d)
        assert snapshot is not None
        checked = lifecycle.check_award(snapshot, d.award, library, schema, AS_OF)
        assert (checked.first_notified, checked.last_notified) == (d.notified_on, d.notified_until)
        assert d.award["buyer_siret"] in demo_ids(session)
        references.add(d.award.get("id") or d.award["lots"][0]["id"])
    assert len(references) == len(awarded)  # each contract its own identifier
    for org in demo_ids(session).values():
        period = reports.Scope(org, dt.date(SEASONS[0], 1, 1), AS_OF, library, schema)
        kept = reports.decp_period(session, period)
        assert not kept.left_out and kept.marches
        written = "".join(reports.decp_json(session, period))
        schema.check(json.loads(written))


def test_the_spaser_indicators_read_the_seeded_year(
    session: Session, library: Library, schema: DecpSchema
) -> None:
    rows = session.exec(select(FollowupEntry).where(FollowupEntry.kind == FollowupKind.hours)).all()
    for org in demo_ids(session).values():
        for year in SEASONS:
            found = reports.spaser(
                session, organisation_id=org, year=year, library=library, schema=schema
            )
            expected = sum(
                float(e.data["hours"])
                for e in rows
                if e.organisation_id == org and e.period_end and e.period_end.year == year
            )
            assert found.hours_performed == pytest.approx(expected)
            notified = session.exec(
                select(func.count())
                .select_from(Dossier)
                .where(
                    Dossier.organisation_id == org,
                    col(Dossier.notified_on) >= dt.date(year, 1, 1),
                    col(Dossier.notified_on) <= dt.date(year, 12, 31),
                )
            ).one()
            assert found.contracts.count >= notified  # a marche per lot awarded apart
            assert tables(found, library)
    assert any(float(e.data["hours"]) > 0 for e in rows)


def test_the_follow_up_lines_use_the_vocabularies_and_the_lots(
    session: Session, library: Library
) -> None:
    by_dossier: dict[uuid.UUID, list[FollowupEntry]] = {}
    for entry in session.exec(select(FollowupEntry)).all():
        by_dossier.setdefault(entry.dossier_id, []).append(entry)
    kinds = Counter(e.kind for lines in by_dossier.values() for e in lines)
    assert kinds[FollowupKind.hours] > 0
    for dossier_id, lines in by_dossier.items():
        dossier = session.get(Dossier, dossier_id)
        assert dossier is not None and Stage(dossier.stage) in lifecycle.FOLLOWED
        snapshot = stages.published_of(dossier)
        assert snapshot is not None
        followup = FollowUp(
            records=[HoursRecord.model_validate(e.data) for e in lines if e.kind == "hours"],
            non_imputable=[
                NonImputable.model_validate(e.data) for e in lines if e.kind == "non_imputable"
            ],
        )
        lots = len(snapshot.profile.lots or [])
        assert check_followup(followup, library.followup, lots) == []
        assert all(r.period_end <= AS_OF for r in followup.records)


def test_the_accounts_sign_in_with_the_password_given(session: Session) -> None:
    for demo in seed.demo_organisations(ORGANISATIONS):
        assert "démonstration" in demo.name
        for role in seed.ROLES:
            user = accounts.user_by_email(session, demo.email(role))
            assert user is not None
            assert accounts.verify_password(user.password_hash, PASSWORD)
            membership = session.exec(select(Membership).where(Membership.user_id == user.id)).one()
            assert Role(membership.role) is role


def test_a_seeded_database_is_refused_unless_replaced(
    session: Session, database_url: str, library: Library
) -> None:
    before = session.exec(select(func.count()).select_from(Dossier)).one()
    with pytest.raises(seed.SeedError, match="--replace"):
        seed.seed(session, library, password=PASSWORD, count=6, years=SEASONS, as_of=AS_OF)
    session.rollback()
    assert session.exec(select(func.count()).select_from(Dossier)).one() == before


@pytest.mark.parametrize("kind", BACKENDS)
def test_replace_seeds_anew_and_leaves_other_organisations(
    kind: str, tmp_path: Path, library: Library
) -> None:
    with database(kind, tmp_path) as url:
        engine = make_engine(url)
        with session_scope(engine) as session:
            accounts.add_user(
                session, email="autre@region.test", organisation="Région réelle", role=Role.admin
            )
            first = seed.seed(
                session, library, password=PASSWORD, count=30, years=SEASONS, as_of=AS_OF
            )
            again = seed.seed(
                session,
                library,
                password=PASSWORD,
                count=12,
                years=SEASONS,
                as_of=AS_OF,
                replace=True,
            )
            assert (first.dossiers, again.dossiers) == (30, 12)
            assert session.exec(select(func.count()).select_from(Dossier)).one() == 12
            assert session.exec(select(func.count()).select_from(User)).one() == 1 + 9
            assert accounts.user_by_email(session, "autre@region.test") is not None
            names = session.exec(select(Organisation.name)).all()
            assert sorted(names)[-1] == "Région réelle" and len(names) == 4
        engine.dispose()


def test_the_plan_is_the_same_for_the_same_seed(library: Library) -> None:
    demos = seed.demo_organisations(2)

    def shape(value: int) -> list[tuple[str, Stage, object]]:
        planned = seed.plan(
            library, count=40, years=SEASONS, organisations=demos, as_of=AS_OF, seed=value
        )
        return [(p.title, p.stage, p.award) for p in planned]

    assert shape(7) == shape(7)
    assert shape(7) != shape(8)


def test_the_answers_are_the_wizards_and_give_the_examples_profile(library: Library) -> None:
    for example in seed.examples():
        tender = seed.tender(example, dt.date(2025, 3, 15), library, AS_OF)
        assert all(isinstance(v, str) for k, v in tender.answers.items() if k != "lots")
        assert wizard.build_profile(tender.answers, library).profile == tender.profile
        assert tender.profile.title == example.data["title"]
        assert tender.profile.launch_date == dt.date(2025, 3, 15)


def test_the_fictitious_sirets_pass_the_luhn_check() -> None:
    sirets = [o.siret for o in seed.demo_organisations(10)]
    assert len(set(sirets)) == 10
    for siret in sirets:
        assert accounts.check_siret(siret) == siret
        assert seed.luhn_ok(siret) and seed.luhn_ok(siret[:9])  # the SIRET and its SIREN
    assert seed.luhn_ok("73282932000074")  # a published SIRET
    assert not seed.luhn_ok(sirets[0][:-1] + str((int(sirets[0][-1]) + 1) % 10))


def test_the_command_prints_the_accounts_and_where_the_password_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    command = ["seed", "--database-url", url, "--count", "15", "--as-of", "2026-06-30"]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(command) == 0
    out, err = capsys.readouterr()
    assert "15 dossiers de démonstration" in out and "de 2022 à 2026" in out
    assert "acheteur.alpha@demo.clauses.test" in out and "referent.gamma@demo.clauses.test" in out
    assert "Mot de passe de ces comptes : celui lu sur l’entrée standard." in out
    assert PASSWORD not in out + err
    assert "15 / 15 dossiers" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(command) == 2
    assert "--replace" in capsys.readouterr().err
    assert cli.main([*command, "--replace", "--password", PASSWORD, "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "celui donné par --password" in out and not err
    monkeypatch.setattr("sys.stdin", io.StringIO("court\n"))
    assert cli.main([*command, "--replace"]) == 2
    assert "Mot de passe trop court" in capsys.readouterr().err
    assert cli.main([*command, "--replace", "--until-year", "2027", "--password", PASSWORD]) == 2
    assert "2026 au plus tard" in capsys.readouterr().err
