"""The data functions, called directly on both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, update
from sqlmodel import Session, col

from clauses.store import crud
from clauses.store.db import make_engine, migrate, ping
from clauses.store.models import Dossier, DossierCreate, DossierStatus, GeneratedDocumentCreate


def new(session: Session, name: str = "Dossier", **answers: str) -> crud.Dossier:
    return crud.create_dossier(
        session=session, dossier_in=DossierCreate(title=name, answers=answers)
    )


def test_migration_creates_the_tables_and_is_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"dossier", "generated_document", "alembic_version"} <= tables
    columns = {c["name"] for c in inspect(engine).get_columns("dossier")}
    assert {"organisation_id", "author_id", "version", "answers", "status"} <= columns
    assert ping(engine)


def test_create_and_get(session: Session) -> None:
    dossier = new(session, "Lycée", title="Travaux")
    again = crud.get_dossier(session=session, dossier_id=dossier.id)
    assert again.title == "Lycée"
    assert again.answers == {"title": "Travaux"}
    assert again.version == 1
    assert again.status == DossierStatus.draft
    with pytest.raises(crud.DossierNotFound):
        crud.get_dossier(session=session, dossier_id=uuid.uuid4())


def test_duplicate_copies_the_answers_into_a_new_draft(session: Session) -> None:
    dossier = new(session, "A", nature="works")
    copy = crud.duplicate_dossier(session=session, dossier_id=dossier.id, title="Copie de A")
    assert copy.id != dossier.id
    assert (copy.title, copy.answers, copy.version) == ("Copie de A", {"nature": "works"}, 1)
    assert copy.status == DossierStatus.draft
    drafts = crud.list_dossiers(session=session, organisation_id=None, status=DossierStatus.draft)
    assert {copy.id, dossier.id} <= {d.id for d in drafts}


def test_documents_keep_advice_bytes_and_version_and_go_with_the_dossier(session: Session) -> None:
    dossier = new(session)
    dossier_id = dossier.id
    document = crud.add_document(
        session=session,
        dossier_id=dossier.id,
        document_in=GeneratedDocumentCreate(
            library_version="2026.11.0",
            sections=["summary"],
            filename="a.docx",
            advice={"insertion_hours": 833},
            content=b"PK\x03\x04",
        ),
    )
    document_id = document.id
    listed = crud.list_documents(session=session, dossier_id=dossier.id)
    assert [d.id for d in listed] == [document.id]
    fetched = crud.get_document(session=session, dossier_id=dossier.id, document_id=document.id)
    assert (fetched.content, fetched.advice, fetched.sections) == (
        b"PK\x03\x04",
        {"insertion_hours": 833},
        ["summary"],
    )
    with pytest.raises(crud.DossierNotFound):
        crud.get_document(session=session, dossier_id=uuid.uuid4(), document_id=document.id)
    with pytest.raises(crud.StaleVersion):
        crud.delete_dossier(session=session, dossier_id=dossier.id, expected_version=7)
    crud.delete_dossier(session=session, dossier_id=dossier_id, expected_version=1)
    session.expunge_all()
    with pytest.raises(crud.DossierNotFound):
        crud.get_dossier(session=session, dossier_id=dossier_id)
    with pytest.raises(crud.DossierNotFound):
        crud.get_document(session=session, dossier_id=dossier_id, document_id=document_id)


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_match_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_the_list_is_read_page_by_page_from_cursors(session: Session) -> None:
    """Pages of 3 of 8 dossiers, most recently changed first, three of them changed at the
    same instant (their ids then decide): forward, back, to the end and the start."""
    organisation = uuid.uuid4()
    start = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    made = [
        crud.create_dossier(
            session=session, dossier_in=DossierCreate(title=f"D{i}"), organisation_id=organisation
        ).id
        for i in range(8)
    ]
    for i, dossier_id in enumerate(made):
        changed = start + dt.timedelta(minutes=min(i, 5), microseconds=7)
        session.execute(
            update(Dossier).where(col(Dossier.id) == dossier_id).values(updated_at=changed)
        )
    session.commit()
    order = sorted(made, key=lambda i: (min(made.index(i), 5), i.hex), reverse=True)

    def page(**where: Any) -> crud.Page:
        return crud.list_page(session=session, organisation_id=organisation, limit=3, **where)

    def ids(found: crud.Page) -> list[uuid.UUID]:
        return [d.id for d in found.dossiers]

    first = page()
    assert (ids(first), first.total, first.position) == (order[:3], 8, 0)
    assert first.has_next and not first.has_previous
    after = crud.Cursor.read(crud.Cursor.of(first.dossiers[-1]).token())
    second = page(after=after)
    assert (ids(second), second.position) == (order[3:6], 3)
    third = page(after=crud.Cursor.of(second.dossiers[-1]))
    assert (ids(third), third.position, third.has_next) == (order[6:], 6, False)
    back = page(before=crud.Cursor.of(third.dossiers[0]))
    assert (ids(back), back.position) == (order[3:6], 3)
    last = page(last=True)
    assert (ids(last), last.position, last.has_previous) == (order[5:], 5, True)
    small = crud.list_page(session=session, organisation_id=organisation, limit=10)
    assert (ids(small), small.total) == (order, 8)


@pytest.mark.parametrize(
    "token", ["", "abc", "12.34", "1².3f2a", "-5." + "0" * 32, "9" * 19 + ".0"]
)
def test_a_cursor_that_does_not_read_is_none(token: str) -> None:
    assert crud.Cursor.read(token) is None
