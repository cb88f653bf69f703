"""The data functions, called directly on both databases."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import Session

from clauses.store import crud
from clauses.store.db import make_engine, migrate, ping
from clauses.store.models import DossierCreate, DossierStatus, GeneratedDocumentCreate


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
