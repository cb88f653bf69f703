"""The one-time setup link: the first admin and its organisation."""

from __future__ import annotations

import secrets

from sqlalchemy import delete
from sqlmodel import Session, select

from clauses.store.accounts.credentials import AccountError, check_password, check_siret, token_hash
from clauses.store.accounts.users import add_user, count_users, find_organisation
from clauses.store.db import commit
from clauses.store.models import NAME_MAX, Organisation, Role, SetupToken, User


def new_setup_token(session: Session) -> str:
    token = secrets.token_urlsafe(32)
    session.add(SetupToken(token_hash=token_hash(token)))
    commit(session)
    return token


def setup_open(session: Session, token: str) -> bool:
    """The link works while no account exists, once."""
    if count_users(session) > 0:
        return False
    return session.get(SetupToken, token_hash(token)) is not None


def complete_setup(
    session: Session,
    token: str,
    *,
    email: str,
    password: str,
    organisation: str,
    siret: str | None,
) -> User:
    """The first admin and its organisation. The dossiers made before accounts (in the default
    organisation of the migration) go to that organisation."""
    if not setup_open(session, token):
        raise AccountError("Ce lien d’installation a déjà servi ou n’est pas valide.")
    check_password(password)
    lone = session.exec(select(Organisation)).all()
    if len(lone) == 1 and find_organisation(session, siret=check_siret(siret)) is None:
        lone[0].name, lone[0].siret = organisation.strip()[:NAME_MAX], check_siret(siret)
        session.add(lone[0])
        session.flush()
    session.execute(delete(SetupToken))
    return add_user(
        session,
        email=email,
        organisation=organisation,
        siret=siret,
        role=Role.admin,
        password=password,
    )
