"""The life after the draft in the store: each move written with its trail and its version, the
follow-up lines, and the records the DECP batch and the SPASER indicators read (both backends)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import event, inspect
from sqlmodel import Session, select

from clauses import lifecycle
from clauses.decp import DecpSchema
from clauses.followup import FollowUp, HoursRecord, NonImputable, PeopleCount
from clauses.library import Library
from clauses.profile import ProfileError
from clauses.spaser import Indicators
from clauses.store import crud, reports, stages
from clauses.store.models import AuditEvent, DossierCreate, Organisation, Stage
from tests.moves import ACTOR, example, published, to_award


@pytest.fixture(scope="module")
def schema() -> DecpSchema:
    return DecpSchema.load()


def organisation(session: Session) -> uuid.UUID:
    org = Organisation(name=f"Région {uuid.uuid4().hex[:6]}")
    session.add(org)
    session.commit()
    return org.id


def test_a_move_is_written_with_its_trail_and_a_new_version(
    session: Session, library: Library, schema: DecpSchema
) -> None:
    org = organisation(session)
    dossier = to_award(session, library, schema, "nettoyage-lycees", org)
    assert dossier.stage == Stage.awarded
    assert dossier.version == 3
    assert dossier.notified_on == dossier.notified_until == dt.date(2026, 11, 2)
    assert stages.published_of(dossier) == published(
        library, "nettoyage-lycees", dt.date(2026, 9, 1)
    )
    trail = session.exec(
        select(AuditEvent).where(AuditEvent.dossier_id == dossier.id).order_by(AuditEvent.id)  # type: ignore[arg-type]
    ).all()
    fields = [(e.action, e.field, e.old, e.new) for e in trail]
    assert ("publication", "stage", "brouillon", "publié") in fields
    assert ("publication", "published_on", None, "2026-09-01") in fields
    assert ("attribution", "stage", "publié", "attribué") in fields
    assert ("attribution", "award.id", None, "2026-NET-002") in fields
    assert all(e.actor == ACTOR[1] and e.user_id == ACTOR[0] for e in trail)
    # The snapshot is traced by its date and library version, not as a whole.
    assert not any(e.field == "published" for e in trail)


def test_a_move_on_a_version_not_seen_is_refused(session: Session) -> None:
    dossier = crud.create_dossier(session=session, dossier_in=DossierCreate(title="A"))
    with pytest.raises(crud.StaleVersion) as stale:
        stages.record_move(
            session=session,
            dossier_id=dossier.id,
            expected_version=dossier.version + 1,
            values={"stage": Stage.published},
            actor=ACTOR,
            action="publication",
        )
    assert stale.value.current.stage == Stage.draft
    with pytest.raises(ValueError, match="a move sets"):
        stages.record_move(
            session=session,
            dossier_id=dossier.id,
            expected_version=dossier.version,
            values={"answers": {}},
            actor=ACTOR,
            action="publication",
        )


def test_an_award_notified_before_the_launch_is_refused(
    library: Library, schema: DecpSchema
) -> None:
    snapshot = published(library, "nettoyage-lycees", dt.date(2027, 4, 1))
    _, award = example("nettoyage-lycees")
    with pytest.raises(ProfileError) as refused:
        lifecycle.check_award(snapshot, award, library, schema, dt.date.today())
    assert [e.field for e in refused.value.errors] == ["award.notification_date"]
    broken = {k: v for k, v in award.items() if k != "holders"}
    with pytest.raises(ProfileError) as missing:
        lifecycle.check_award(
            published(library, "nettoyage-lycees", dt.date(2026, 1, 1)),
            broken,
            library,
            schema,
            dt.date.today(),
        )
    assert "award.holders" in {e.field for e in missing.value.errors}


def hours(lot: int | None, end: dt.date, count: float) -> HoursRecord:
    return HoursRecord(
        lot=lot,
        period_start=end - dt.timedelta(days=30),
        period_end=end,
        way="direct_hiring",
        hours=count,
        people=[PeopleCount(public="rsa", contract_type="cdd", count=1)],
    )


def test_follow_up_lines_are_kept_traced_and_removable(
    session: Session, library: Library, schema: DecpSchema
) -> None:
    org = organisation(session)
    dossier = to_award(session, library, schema, "nettoyage-lycees", org)
    entries = stages.add_followup(
        session=session,
        dossier=dossier,
        followup=FollowUp(
            records=[hours(1, dt.date(2027, 6, 30), 120), hours(2, dt.date(2027, 6, 30), 80)],
            non_imputable=[NonImputable(lot=1, hours=10, justification="Chantier suspendu")],
        ),
        actor=ACTOR,
        author_name="Camille Martin",
    )
    assert len(entries) == 3
    followup = stages.followup_of(session=session, dossier_id=dossier.id)
    assert [r.hours for r in followup.records] == [120, 80]
    assert followup.non_imputable[0].justification == "Chantier suspendu"
    stages.delete_followup(session=session, dossier=dossier, entry_id=entries[1].id, actor=ACTOR)  # type: ignore[arg-type]
    assert [
        r.hours for r in stages.followup_of(session=session, dossier_id=dossier.id).records
    ] == [120]
    other = crud.create_dossier(session=session, dossier_in=DossierCreate(title="B"))
    with pytest.raises(crud.DossierNotFound):  # a line of another dossier
        stages.delete_followup(session=session, dossier=other, entry_id=entries[0].id, actor=ACTOR)  # type: ignore[arg-type]
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.dossier_id == dossier.id)
    ).all()
    assert actions.count("suivi") == 3 and actions.count("suivi supprimé") == 1


def test_the_reports_read_the_organisations_contracts_of_the_period(
    session: Session, library: Library, schema: DecpSchema
) -> None:
    org, elsewhere = organisation(session), organisation(session)
    cleaning = to_award(session, library, schema, "nettoyage-lycees", org)
    works = to_award(session, library, schema, "lycee-rehabilitation", org)
    to_award(session, library, schema, "espaces-verts", elsewhere)
    crud.create_dossier(
        session=session, dossier_in=DossierCreate(title="brouillon"), organisation_id=org
    )
    # Hours of a 2026 contract performed in 2027 count in 2027, not in 2026.
    stages.add_followup(
        session=session,
        dossier=cleaning,
        followup=FollowUp(
            records=[hours(None, dt.date(2026, 12, 31), 300), hours(None, dt.date(2027, 2, 28), 50)]
        ),
        actor=ACTOR,
        author_name="Camille Martin",
    )
    year = reports.Scope(org, dt.date(2026, 1, 1), dt.date(2026, 12, 31), library, schema)
    decp = reports.decp_period(session, year)
    assert (decp.dossiers, decp.left_out) == (2, [])
    document = json.loads("".join(reports.decp_json(session, year)))
    schema.check(document)
    assert sorted(m["id"] for m in document["marches"]["marche"]) == [
        "2026-NET-002",
        "2026-TRX-014-01",
        "2026-TRX-014-02",
        "2026-TRX-014-03",
        "2026-TRX-014-05",
    ]
    later = reports.Scope(org, dt.date(2027, 1, 1), dt.date(2027, 12, 31), library, schema)
    assert reports.decp_period(session, later).dossiers == 0

    def spaser(year: int) -> Indicators:
        return reports.spaser(
            session, organisation_id=org, year=year, library=library, schema=schema
        )

    assert spaser(2026).hours_performed == 300
    assert spaser(2026).contracts.count == decp.marches
    # Notified in 2026, the cleaning's hours of 2027 count in 2027.
    assert (spaser(2027).hours_performed, spaser(2027).contracts.count) == (50, 0)
    assert works.stage == Stage.awarded


def test_the_decp_file_keeps_one_contract_per_buyer_and_id(
    session: Session, library: Library, schema: DecpSchema
) -> None:
    """decp.info keeps one contract per (buyer SIRET, id) and drops the other silently: two
    dossiers of a buyer stored with one id (the award page refuses it; data written before it
    did) give one ``marche``, and the period says which dossier was left out and why."""
    org = organisation(session)
    first = to_award(session, library, schema, "nettoyage-lycees", org)
    second = to_award(session, library, schema, "nettoyage-lycees", org)
    assert first.award is not None and second.award == first.award
    year = reports.Scope(org, dt.date(2026, 1, 1), dt.date(2026, 12, 31), library, schema)
    decp = reports.decp_period(session, year)
    assert (decp.dossiers, decp.marches) == (2, 1)
    assert len(decp.left_out) == 1
    assert "award.id : l’identifiant « 2026-NET-002 »" in decp.left_out[0]
    document = json.loads("".join(reports.decp_json(session, year)))
    pairs = [(m["acheteur"]["id"], m["id"]) for m in document["marches"]["marche"]]
    assert pairs == [(first.award["buyer_siret"], "2026-NET-002")]
    # Another id: both are declared.
    stages.record_move(
        session=session,
        dossier_id=second.id,
        expected_version=second.version,
        values={"award": {**second.award, "id": "2026-NET-003"}},
        actor=ACTOR,
        action="correction",
    )
    decp = reports.decp_period(session, year)
    assert (decp.dossiers, decp.marches, decp.left_out) == (2, 2, [])


def test_the_list_filters_by_stage_without_reading_the_heavy_columns(session: Session) -> None:
    org = organisation(session)
    draft = crud.create_dossier(
        session=session,
        dossier_in=DossierCreate(title="A", answers={"x": "1"}),
        organisation_id=org,
    )
    moved = crud.create_dossier(
        session=session, dossier_in=DossierCreate(title="B"), organisation_id=org
    )
    stages.record_move(
        session=session,
        dossier_id=moved.id,
        expected_version=1,
        values={"stage": Stage.published},
        actor=ACTOR,
        action="publication",
    )
    session.expunge_all()
    listed = crud.list_page(session=session, organisation_id=org, stages=[Stage.published])
    assert [d.id for d in listed.dossiers] == [moved.id] and listed.total == 1
    both = crud.list_page(session=session, organisation_id=org).dossiers
    assert {d.id for d in both} == {draft.id, moved.id}
    assert crud.count_dossiers(session=session, organisation_id=org, stages=[Stage.draft]) == 1
    assert all({"answers", "published", "award"} <= inspect(d).unloaded for d in both)


def test_follow_up_lines_are_written_in_short_transactions_and_capped_per_contract(
    session: Session, library: Library, schema: DecpSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20, finding 7: a whole import was one transaction holding the write lock for
    seconds (10 300 lines). Lines go in batches, each committed on its own; a contract holds
    at most MAX_FOLLOWUP_LINES."""
    org = organisation(session)
    dossier = to_award(session, library, schema, "nettoyage-lycees", org)
    commits: list[int] = []
    event.listen(session, "after_commit", lambda _session: commits.append(1))
    lines = [hours(None, dt.date(2027, 6, 30), n + 1) for n in range(2 * stages.FOLLOWUP_BATCH + 1)]
    stages.add_followup(
        session=session,
        dossier=dossier,
        followup=FollowUp(records=lines),
        actor=ACTOR,
        author_name="Camille Martin",
    )
    assert len(commits) == 3
    monkeypatch.setattr(stages, "MAX_FOLLOWUP_LINES", len(lines) + 1)
    with pytest.raises(stages.FollowupFull) as full:
        stages.add_followup(
            session=session,
            dossier=dossier,
            followup=FollowUp(records=lines[:2]),
            actor=ACTOR,
            author_name="Camille Martin",
        )
    assert full.value.existing == len(lines)
    assert len(stages.followup_entries(session=session, dossier_id=dossier.id)) == len(lines)
