"""Sessions opened through the OpenID Connect provider: their ID tokens, kept for the sign-out at
the provider."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col

from clauses.store.accounts.credentials import token_hash
from clauses.store.db import commit
from clauses.store.models import IDENTITY_PART_MAX, OidcSession, utcnow


@dataclass(frozen=True)
class ProviderSession:
    """What the sign-out at the provider needs of a session opened through it."""

    issuer: str
    id_token: str


def open_oidc_session(
    session: Session,
    *,
    user_id: uuid.UUID,
    issuer: str,
    id_token: str,
    acr: str,
    amr: Sequence[str],
    idp_id: str,
    kept: dt.timedelta,
) -> str:
    """Keep the ID token (and ``acr``, ``amr``, ``idp_id``) of a new session opened through the
    provider; the random key its session cookie names it by. Rows older than ``kept`` (longer
    than any session) are forgotten at the same time."""
    key = secrets.token_urlsafe(32)
    session.execute(delete(OidcSession).where(col(OidcSession.created_at) < utcnow() - kept))
    session.add(
        OidcSession(
            key_hash=token_hash(key),
            user_id=user_id,
            issuer=issuer[:IDENTITY_PART_MAX],
            id_token=id_token,
            acr=acr[:IDENTITY_PART_MAX],
            amr=" ".join(amr)[:IDENTITY_PART_MAX],
            idp_id=idp_id[:IDENTITY_PART_MAX],
        )
    )
    commit(session)
    return key


def oidc_session(session: Session, key: str, user_id: uuid.UUID) -> OidcSession | None:
    row = session.get(OidcSession, token_hash(key))
    return row if row is not None and row.user_id == user_id else None


def close_oidc_sessions(session: Session, user_id: uuid.UUID, key: str) -> ProviderSession | None:
    """At the sign-out (which ends every session of the account): forget the account's ID
    tokens; the one of the session of ``key``, if it has one, for the provider's sign-out."""
    row = oidc_session(session, key, user_id) if key else None
    ended = ProviderSession(row.issuer, row.id_token) if row is not None else None
    session.execute(delete(OidcSession).where(col(OidcSession.user_id) == user_id))
    commit(session)
    return ended
