"""Organisations, users and their memberships, the identities of the OpenID Connect provider
linked to them, signing in, ending an account's sessions and deleting an account."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from argon2 import PasswordHasher
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from clauses.store.accounts.credentials import (
    HASHER,
    AccountError,
    check_siret,
    hash_password,
    normalise_email,
    verify_password,
)
from clauses.store.db import commit
from clauses.store.models import (
    ALL_SESSIONS,
    IDENTITY_PART_MAX,
    NAME_MAX,
    AuditEvent,
    Comment,
    Dossier,
    DossierGrant,
    FederatedIdentity,
    Membership,
    OidcSession,
    Organisation,
    Role,
    SessionRevocation,
    User,
    utcnow,
)

DELETED_ACCOUNT = "compte supprimé"


def find_organisation(
    session: Session, *, name: str | None = None, siret: str | None = None
) -> Organisation | None:
    if siret:
        found = session.exec(select(Organisation).where(Organisation.siret == siret)).first()
        if found is not None:
            return found
    if name:
        return session.exec(select(Organisation).where(Organisation.name == name)).first()
    return None


def organisation_for(session: Session, name: str, siret: str | None) -> Organisation:
    """The organisation of that SIRET (or of that name), made if there is none."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise AccountError(f"Nom de l’organisation : de 1 à {NAME_MAX} caractères.")
    siret = check_siret(siret)
    found = find_organisation(session, name=name, siret=siret)
    if found is not None:
        if siret and found.siret not in (None, siret):
            raise AccountError(f"L’organisation « {name} » a déjà un autre SIRET.")
        found.siret = found.siret or siret
        return found
    organisation = Organisation(name=name, siret=siret)
    session.add(organisation)
    return organisation


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id, populate_existing=True)


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def count_users(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(User)).one())


def unused_email(session: Session, raw: str) -> str:
    """The address normalised, refused (:class:`AccountError`) when an account has it."""
    email = normalise_email(raw)
    if user_by_email(session, email) is not None:
        raise AccountError(f"Un compte existe déjà pour « {email} ».")
    return email


def add_member(session: Session, user: User, organisation_id: uuid.UUID, role: Role) -> User:
    """Store the new account ``user`` as a member of the organisation with that role; an
    account of the same address stored meanwhile: :class:`AccountError`."""
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, organisation_id=organisation_id, role=role))
    try:
        commit(session)
    except IntegrityError:
        session.rollback()
        raise AccountError(f"Un compte existe déjà pour « {user.email} ».") from None
    return user


def add_user(
    session: Session,
    *,
    email: str,
    organisation: str,
    role: Role,
    password: str | None = None,
    siret: str | None = None,
    given_name: str = "",
    usual_name: str = "",
    hasher: PasswordHasher = HASHER,
) -> User:
    """A new account, member of the organisation (made if needed) with that role."""
    email = unused_email(session, email)
    org = organisation_for(session, organisation, siret)
    user = User(
        email=email,
        given_name=given_name[:NAME_MAX],
        usual_name=usual_name[:NAME_MAX],
        password_hash=hash_password(password, hasher) if password is not None else None,
    )
    return add_member(session, user, org.id, role)


def add_facilitator(
    session: Session,
    *,
    email: str,
    password: str,
    given_name: str = "",
    usual_name: str = "",
    hasher: PasswordHasher = HASHER,
) -> User:
    """An account of no organisation, for a facilitator invited to dossiers."""
    email = unused_email(session, email)
    user = User(
        email=email,
        given_name=given_name[:NAME_MAX],
        usual_name=usual_name[:NAME_MAX],
        password_hash=hash_password(password, hasher),
    )
    session.add(user)
    commit(session)
    return user


class LinkRequired(Exception):
    """A first sign-in through the provider with the e-mail of an account that has a password:
    the person proves that password once (:func:`link_identity`) before the two are one."""

    def __init__(self, user: User) -> None:
        super().__init__(user.email)
        self.user = user


def linked_user(session: Session, *, issuer: str, subject: str) -> User | None:
    identity = session.get(FederatedIdentity, (issuer, subject))
    return None if identity is None else session.get(User, identity.user_id)


def link_identity(session: Session, user: User, *, issuer: str, subject: str) -> None:
    """From now on, that provider's subject signs in to ``user`` (the caller has checked that
    the person may: the account's password, proved)."""
    if len(issuer) > IDENTITY_PART_MAX or len(subject) > IDENTITY_PART_MAX:
        raise AccountError("Identifiant du fournisseur d’identité trop long.")
    session.add(FederatedIdentity(issuer=issuer, subject=subject, user_id=user.id))
    try:
        commit(session)
    except IntegrityError:
        session.rollback()
        raise AccountError("Cette identité est déjà reliée à un compte.") from None


def federated_user(
    session: Session,
    *,
    issuer: str,
    subject: str,
    email: str,
    given_name: str,
    usual_name: str,
    siret: str,
    allowed_sirets: set[str],
    organisation_label: str = "",
) -> User:
    """The account of a public agent signed in through OpenID Connect, found by the provider's
    (issuer, subject) and mapped by its SIRET to an organisation: one already known by that
    SIRET, or one of the allow-list (made then). A newcomer is an acheteur; an account of
    another organisation is refused. The e-mail of an account with a password is never taken
    over (:class:`LinkRequired`); an account without one, made by an earlier sign-in through
    the provider before subjects were kept, is linked on its first sign-in. The provider's
    names replace the account's only on an account of the provider (no password). An
    organisation made here is named by the provider's ``organisation_label`` when it gives one
    (ProConnect's ``organization_label``), else « Organisation (SIRET …) »."""
    if len(issuer) > IDENTITY_PART_MAX or len(subject) > IDENTITY_PART_MAX:
        raise AccountError("Identifiant du fournisseur d’identité trop long.")
    organisation = find_organisation(session, siret=siret)
    if organisation is None:
        if siret not in allowed_sirets:
            raise AccountError(
                f"Votre organisation (SIRET {siret}) n’a pas accès à ce service. "
                "Demandez à votre référent de la faire ajouter."
            )
        label = " ".join(organisation_label.split())[:NAME_MAX]
        organisation = Organisation(name=label or f"Organisation (SIRET {siret})", siret=siret)
        session.add(organisation)
    user = linked_user(session, issuer=issuer, subject=subject)
    if user is None:
        user = user_by_email(session, email)
        if user is not None and user.password_hash is not None:
            session.rollback()
            raise LinkRequired(user)
        if (
            user is not None
            and session.exec(
                select(FederatedIdentity).where(FederatedIdentity.user_id == user.id)
            ).first()
        ):
            session.rollback()
            raise AccountError(
                "Un autre compte du fournisseur d’identité est déjà relié à cette adresse : "
                "demandez à l’administrateur de votre organisation de vérifier votre compte."
            )
        if user is None:
            user = User(email=normalise_email(email))
        session.add(user)
        session.flush()
        session.add(FederatedIdentity(issuer=issuer, subject=subject, user_id=user.id))
    if user.deactivated_at is not None:
        session.rollback()
        raise AccountError(
            "Votre compte est désactivé : demandez à l’administrateur de votre organisation de "
            "le réactiver."
        )
    if user.password_hash is None:
        user.given_name, user.usual_name = given_name[:NAME_MAX], usual_name[:NAME_MAX]
        session.add(user)
    session.flush()
    membership = membership_of(session, user.id)
    if membership is None:
        session.add(
            Membership(user_id=user.id, organisation_id=organisation.id, role=Role.acheteur)
        )
    elif membership.organisation_id != organisation.id:
        session.rollback()
        raise AccountError(
            "Votre compte appartient à une autre organisation que celle de ce SIRET : "
            "demandez à son administrateur de le déplacer."
        )
    commit(session)
    return user


def membership_of(session: Session, user_id: uuid.UUID) -> Membership | None:
    """The user's membership (one organisation per account: the first if ever several)."""
    return session.exec(
        select(Membership)
        .where(Membership.user_id == user_id)
        .order_by(col(Membership.organisation_id))
    ).first()


def members(session: Session, organisation_id: uuid.UUID) -> Sequence[tuple[User, Membership]]:
    query = (
        select(User, Membership)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(Membership.organisation_id == organisation_id)
        .order_by(col(User.email))
    )
    return session.exec(query).all()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The account of that address and password, if it is active."""
    user = user_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    return user if user is not None and user.deactivated_at is None else None


REVOCATIONS_KEPT = dt.timedelta(days=1)  # longer than any session (12 hours at most)


def _revoke(session: Session, user_id: uuid.UUID, epoch: int) -> None:
    """Record that the user's sessions below ``epoch`` have ended (for every process), and
    forget the revocations older than any session."""
    now = utcnow()
    session.execute(
        delete(SessionRevocation)
        .where(col(SessionRevocation.at) < now - REVOCATIONS_KEPT)
        .execution_options(synchronize_session=False)
    )
    session.add(SessionRevocation(user_id=user_id, epoch=epoch, at=now))


def end_sessions(session: Session, user_id: uuid.UUID) -> int:
    """Every session cookie of the user stops working; the account's new epoch."""
    session.execute(
        update(User)
        .where(col(User.id) == user_id)
        .values(session_epoch=col(User.session_epoch) + 1)
    )
    epoch = int(session.exec(select(User.session_epoch).where(User.id == user_id)).one())
    _revoke(session, user_id, epoch)
    commit(session)
    return epoch


def revocations_after(session: Session, last_id: int) -> Sequence[SessionRevocation]:
    """The sessions ended since the revocation ``last_id``, in order."""
    query = select(SessionRevocation).where(col(SessionRevocation.id) > last_id)
    return session.exec(query.order_by(col(SessionRevocation.id))).all()


def delete_account(session: Session, user: User) -> None:
    """The account goes, with its memberships and grants; its dossiers stay with the organisation
    (without author), its comments and trail entries lose its name."""
    session.execute(update(Dossier).where(col(Dossier.author_id) == user.id).values(author_id=None))
    session.execute(
        update(Comment)
        .where(col(Comment.author_id) == user.id)
        .values(author_id=None, author_name=DELETED_ACCOUNT)
    )
    session.execute(
        update(AuditEvent)
        .where((col(AuditEvent.user_id) == user.id) | (col(AuditEvent.actor) == user.email))
        .values(user_id=None, actor=DELETED_ACCOUNT)
    )
    session.execute(delete(Membership).where(col(Membership.user_id) == user.id))
    session.execute(delete(DossierGrant).where(col(DossierGrant.user_id) == user.id))
    session.execute(delete(FederatedIdentity).where(col(FederatedIdentity.user_id) == user.id))
    session.execute(delete(OidcSession).where(col(OidcSession.user_id) == user.id))
    session.execute(delete(User).where(col(User.id) == user.id))
    _revoke(session, user.id, ALL_SESSIONS)
    commit(session)
