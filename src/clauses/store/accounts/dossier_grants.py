"""Facilitators: invited to one dossier by a link, granted it once they accept."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select

from clauses.store.accounts.credentials import AccountError, normalise_email, token_hash
from clauses.store.accounts.links import aware, claim
from clauses.store.db import commit
from clauses.store.models import AuditEvent, Dossier, DossierGrant, Invitation, User, utcnow

INVITATION_DAYS = 14


def invite(
    session: Session, *, dossier_id: uuid.UUID, email: str, invited_by: uuid.UUID, days: int
) -> str:
    """An invitation link's token (valid ``days`` days, once)."""
    token = secrets.token_urlsafe(32)
    session.add(
        Invitation(
            token_hash=token_hash(token),
            dossier_id=dossier_id,
            email=normalise_email(email),
            invited_by=invited_by,
            expires_at=utcnow() + dt.timedelta(days=days),
        )
    )
    commit(session)
    return token


def open_invitation(session: Session, token: str) -> Invitation | None:
    """The invitation of that link, if it is still unused and unexpired."""
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    ).first()
    if invitation is None or invitation.used_at is not None:
        return None
    return invitation if aware(invitation.expires_at) > utcnow() else None


def check_invitee(invitation: Invitation, user: User) -> None:
    """Only the account of the invited address may accept (:class:`AccountError` otherwise)."""
    if user.email != invitation.email:
        raise AccountError(
            "Cette invitation a été envoyée à une autre adresse électronique que celle de "
            "votre compte. Déconnectez-vous, puis ouvrez le lien et connectez-vous avec le "
            "compte de l’adresse invitée (ou créez-le)."
        )


def accept_invitation(session: Session, invitation: Invitation, user: User) -> None:
    """Grant the dossier to the invited account, once: the invitation is marked used by an
    update that must find it still unused and unexpired, in the grant's transaction, so that
    of simultaneous acceptances one only grants (the others get :class:`InvitationClosed`)."""
    check_invitee(invitation, user)
    now = utcnow()
    claim(
        session, Invitation, col(Invitation.id) == invitation.id, now=now, name=str(invitation.id)
    )
    if session.get(DossierGrant, (user.id, invitation.dossier_id)) is None:
        session.add(DossierGrant(user_id=user.id, dossier_id=invitation.dossier_id))
    session.add(
        AuditEvent(
            action="invitation_acceptee",
            dossier_id=invitation.dossier_id,
            user_id=user.id,
            actor=user.email,
        )
    )
    commit(session)


def has_grant(session: Session, user_id: uuid.UUID, dossier_id: uuid.UUID) -> bool:
    return session.get(DossierGrant, (user_id, dossier_id)) is not None


def granted_dossiers(session: Session, user_id: uuid.UUID) -> Sequence[Dossier]:
    query = (
        select(Dossier)
        .join(DossierGrant, col(DossierGrant.dossier_id) == col(Dossier.id))
        .where(DossierGrant.user_id == user_id)
        .order_by(col(Dossier.updated_at).desc())
    )
    return session.exec(query).all()


def facilitators(session: Session, dossier_id: uuid.UUID) -> Sequence[User]:
    query = (
        select(User)
        .join(DossierGrant, col(DossierGrant.user_id) == col(User.id))
        .where(DossierGrant.dossier_id == dossier_id)
        .order_by(col(User.email))
    )
    return session.exec(query).all()
