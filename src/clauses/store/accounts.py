"""Data functions over accounts: organisations, users and their memberships, the facilitators'
grants and invitations, the one-time setup link, comments, the audit trail and the quotas.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second recommended
profile); only the hash is stored, and a token sent in a link (setup, invitation) is stored as
its SHA-256, so that a copy of the database opens nothing. A hash takes 64 MiB and a few tenths
of a second of CPU: at most :data:`HASHING_AT_ONCE` run at once in a process (as many as it has
cores), the others wait their turn :data:`HASHING_WAIT_S` at most, then :class:`HashingBusy`
(50 sign-ins at once took 2.6 GB and 6 s each; issue 20, finding 9).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CursorResult, String, cast, delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from clauses.store.db import hold_write_lock, writing
from clauses.store.models import (
    ALL_SESSIONS,
    COMMENT_MAX,
    EMAIL_MAX,
    IDENTITY_PART_MAX,
    NAME_MAX,
    AuditEvent,
    Comment,
    Dossier,
    DossierGrant,
    FederatedIdentity,
    FollowupEntry,
    GeneratedDocument,
    Invitation,
    Membership,
    OidcSession,
    Organisation,
    PasswordLink,
    Role,
    SessionRevocation,
    SetupToken,
    User,
    utcnow,
)


def _cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


HASHER = PasswordHasher()  # Argon2id
HASHING_AT_ONCE = _cores()
HASHING_WAIT_S = 5.0
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)
PASSWORD_MIN = 12
PASSWORD_MAX = 1024  # Argon2 hashes any length; a bound keeps a sign-in cheap to refuse
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SIRET_RE = re.compile(r"^\d{14}$")
DELETED_ACCOUNT = "compte supprimé"
# Verifying against this hash when the e-mail is unknown takes as long as a real check: the
# answer's delay does not tell which addresses have an account.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A refused account operation; the message is French and names the field."""


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > EMAIL_MAX:
        raise AccountError(f"Adresse électronique invalide : « {raw.strip()[:80]} ».")
    return email


def check_siret(raw: str | None) -> str | None:
    siret = (raw or "").replace(" ", "").strip()
    if not siret:
        return None
    if not SIRET_RE.match(siret):
        raise AccountError("SIRET invalide : 14 chiffres attendus.")
    return siret


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"Mot de passe trop court : {PASSWORD_MIN} caractères au moins.")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"Mot de passe trop long : {PASSWORD_MAX} caractères au plus.")
    return password


class HashingBusy(Exception):
    """No turn to hash a password within :data:`HASHING_WAIT_S`."""


@contextmanager
def _hashing_turn() -> Iterator[None]:
    if not _hashing.acquire(timeout=HASHING_WAIT_S):
        raise HashingBusy()
    try:
        yield
    finally:
        _hashing.release()


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    check_password(password)
    with _hashing_turn():
        return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if len(password) > PASSWORD_MAX:
        return False
    try:
        with _hashing_turn():
            verified = HASHER.verify(password_hash or _DUMMY_HASH, password)
        return verified and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _commit(session: Session) -> None:
    with writing(session):
        session.commit()


# Organisations, users, memberships


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
    email = normalise_email(email)
    if user_by_email(session, email) is not None:
        raise AccountError(f"Un compte existe déjà pour « {email} ».")
    org = organisation_for(session, organisation, siret)
    user = User(
        email=email,
        given_name=given_name[:NAME_MAX],
        usual_name=usual_name[:NAME_MAX],
        password_hash=hash_password(password, hasher) if password is not None else None,
    )
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
    try:
        _commit(session)
    except IntegrityError:
        session.rollback()
        raise AccountError(f"Un compte existe déjà pour « {email} ».") from None
    return user


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
    email = normalise_email(email)
    if user_by_email(session, email) is not None:
        raise AccountError(f"Un compte existe déjà pour « {email} ».")
    user = User(
        email=email,
        given_name=given_name[:NAME_MAX],
        usual_name=usual_name[:NAME_MAX],
        password_hash=hash_password(password, hasher),
    )
    session.add(user)
    _commit(session)
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
        _commit(session)
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
    _commit(session)
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
    _commit(session)
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
    _commit(session)


# The team: an admin invites members, changes their roles, deactivates and reactivates them


class LastAdmin(AccountError):
    """The organisation would have no active admin left."""


def active_admins(session: Session, organisation_id: uuid.UUID) -> int:
    query = (
        select(func.count())
        .select_from(Membership)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            Membership.organisation_id == organisation_id,
            Membership.role == Role.admin,
            col(User.deactivated_at).is_(None),
        )
    )
    return int(session.exec(query).one())


def member_of(
    session: Session, organisation_id: uuid.UUID, user_id: uuid.UUID
) -> tuple[User, Membership] | None:
    """The member ``user_id`` of that organisation (None: no such member there)."""
    membership = session.get(Membership, (user_id, organisation_id), populate_existing=True)
    user = get_user(session, user_id) if membership is not None else None
    return None if user is None or membership is None else (user, membership)


def _keep_an_admin(session: Session, membership: Membership) -> None:
    """Refuse (:class:`LastAdmin`) to take away the organisation's last active admin. The
    active admins are read under the write lock (SQLite) and locked (``FOR UPDATE``, PostgreSQL):
    two admins removing each other at once are served one after the other, and the second sees
    the first's change."""
    if membership.role != Role.admin:
        return
    hold_write_lock(session)
    admins = session.exec(
        select(Membership.user_id)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(
            Membership.organisation_id == membership.organisation_id,
            Membership.role == Role.admin,
            col(User.deactivated_at).is_(None),
        )
        .with_for_update()
    ).all()
    if membership.user_id in admins and len(admins) <= 1:
        raise LastAdmin(
            "L’organisation doit garder au moins un administrateur actif : donnez d’abord ce "
            "rôle à un autre membre."
        )


def invite_member(session: Session, *, organisation_id: uuid.UUID, email: str, role: Role) -> User:
    """A new member of the organisation, without password yet (it sets one through the link of
    :func:`new_password_link`, purpose « invitation »)."""
    email = normalise_email(email)
    if user_by_email(session, email) is not None:
        raise AccountError(f"Un compte existe déjà pour « {email} ».")
    user = User(email=email)
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, organisation_id=organisation_id, role=role))
    try:
        _commit(session)
    except IntegrityError:
        session.rollback()
        raise AccountError(f"Un compte existe déjà pour « {email} ».") from None
    return user


def pending_invitees(session: Session, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Of those accounts, the ones that cannot sign in yet: no password, no identity of the
    provider (an invited member who has not opened the link)."""
    if not user_ids:
        return set()
    without = session.exec(
        select(User.id).where(col(User.id).in_(user_ids), col(User.password_hash).is_(None))
    ).all()
    linked = session.exec(
        select(FederatedIdentity.user_id).where(col(FederatedIdentity.user_id).in_(without))
    ).all()
    return set(without) - set(linked)


def change_role(session: Session, membership: Membership, role: Role) -> int:
    """The member's new role; its sessions end (the new role holds from its next sign-in); its
    new session epoch."""
    if role != Role.admin:
        _keep_an_admin(session, membership)
    membership.role = role
    session.add(membership)
    session.flush()
    return end_sessions(session, membership.user_id)


def deactivate(session: Session, user: User, membership: Membership) -> int:
    """The member can no longer sign in and its sessions end; its new session epoch."""
    _keep_an_admin(session, membership)
    user.deactivated_at = utcnow()
    session.add(user)
    session.execute(
        update(PasswordLink)
        .where(col(PasswordLink.user_id) == user.id, col(PasswordLink.used_at).is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return end_sessions(session, user.id)


def reactivate(session: Session, user: User) -> None:
    user.deactivated_at = None
    session.add(user)
    _commit(session)


# Links that set a password (an invited member's first one, a forgotten one's new one)

INVITATION_PURPOSE = "invitation"
RESET_PURPOSE = "reinitialisation"


def new_password_link(session: Session, user: User, *, purpose: str, valid: dt.timedelta) -> str:
    """A link's token that sets ``user``'s password, once, within ``valid``; the account's
    earlier links stop working (only the latest one sent opens)."""
    now = utcnow()
    session.execute(
        update(PasswordLink)
        .where(col(PasswordLink.user_id) == user.id, col(PasswordLink.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordLink(
            token_hash=token_hash(token),
            user_id=user.id,
            purpose=purpose,
            expires_at=now + valid,
        )
    )
    _commit(session)
    return token


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment  # SQLite: naive


def open_password_link(session: Session, token: str) -> tuple[PasswordLink, User] | None:
    """The link of that token and its account, while it is unused, unexpired and the account
    active."""
    link = session.get(PasswordLink, token_hash(token), populate_existing=True)
    if link is None or link.used_at is not None or _aware(link.expires_at) <= utcnow():
        return None
    user = get_user(session, link.user_id)
    if user is None or user.deactivated_at is not None:
        return None
    return link, user


def use_password_link(session: Session, link: PasswordLink, user: User, password: str) -> int:
    """Set the password through the link, once: the link is claimed by an update that must find
    it still unused and unexpired, in the password's transaction (:class:`InvitationClosed`
    otherwise). The account's sessions end; its new epoch."""
    check_password(password)
    new_hash = hash_password(password)
    now = utcnow()
    claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(PasswordLink)
        .where(
            col(PasswordLink.token_hash) == link.token_hash,
            col(PasswordLink.used_at).is_(None),
            col(PasswordLink.expires_at) > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise InvitationClosed(link.token_hash)
    user.password_hash = new_hash
    session.add(user)
    session.flush()
    return end_sessions(session, user.id)


def change_password(session: Session, user: User, current: str, new: str) -> int:
    """The new password, the current one proved (:class:`AccountError` otherwise); the
    account's sessions end (the caller opens a new one); its new epoch."""
    if user.password_hash is None or not verify_password(user.password_hash, current):
        raise AccountError("Mot de passe actuel : saisie incorrecte.")
    user.password_hash = hash_password(new)
    session.add(user)
    session.flush()
    return end_sessions(session, user.id)


# Sessions opened through the OpenID Connect provider


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
    _commit(session)
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
    _commit(session)
    return ended


# The one-time setup link


def new_setup_token(session: Session) -> str:
    token = secrets.token_urlsafe(32)
    session.add(SetupToken(token_hash=token_hash(token)))
    _commit(session)
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


# Facilitators


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
    _commit(session)
    return token


def open_invitation(session: Session, token: str) -> Invitation | None:
    """The invitation of that link, if it is still unused and unexpired."""
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    ).first()
    if invitation is None or invitation.used_at is not None:
        return None
    expires = invitation.expires_at
    if expires.tzinfo is None:  # SQLite keeps UTC, naive
        expires = expires.replace(tzinfo=dt.UTC)
    return invitation if expires > utcnow() else None


class InvitationClosed(LookupError):
    """The link was used meanwhile, or has expired: « not found »."""


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
    claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Invitation)
        .where(
            col(Invitation.id) == invitation.id,
            col(Invitation.used_at).is_(None),
            col(Invitation.expires_at) > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise InvitationClosed(str(invitation.id))
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
    _commit(session)


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


# Comments


def add_comment(
    session: Session, *, dossier_id: uuid.UUID, step_id: str, author: User, text: str
) -> Comment:
    text = text.strip()
    if not text:
        raise AccountError("Commentaire : indiquez un texte.")
    if len(text) > COMMENT_MAX:
        raise AccountError(
            f"Commentaire trop long ({len(text)} caractères, {COMMENT_MAX} au plus)."
        )
    comment = Comment(
        dossier_id=dossier_id,
        step_id=step_id,
        author_id=author.id,
        author_name=author.display_name[:NAME_MAX],
        text=text,
    )
    session.add(comment)
    _commit(session)
    return comment


def comments(session: Session, dossier_id: uuid.UUID) -> Sequence[Comment]:
    query = (
        select(Comment).where(Comment.dossier_id == dossier_id).order_by(col(Comment.created_at))
    )
    return session.exec(query).all()


# The audit trail


def record(session: Session, event: AuditEvent) -> None:
    session.add(event)
    _commit(session)


def history(session: Session, dossier_id: uuid.UUID, limit: int = 500) -> Sequence[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.dossier_id == dossier_id)
        .order_by(col(AuditEvent.at).desc())
        .limit(limit)
    )
    return session.exec(query).all()


# Quotas


@dataclass(frozen=True)
class Usage:
    dossiers: int
    stored_bytes: int


def usage(session: Session, organisation_id: uuid.UUID) -> Usage:
    """The organisation's dossiers and the bytes they take (answers, generated documents and
    the lines of their contracts' follow-up)."""
    count, answers = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(func.length(cast(col(Dossier.answers), String))), 0),
        ).where(Dossier.organisation_id == organisation_id)
    ).one()
    documents = session.exec(
        select(func.coalesce(func.sum(func.length(col(GeneratedDocument.content))), 0))
        .join(Dossier, col(Dossier.id) == col(GeneratedDocument.dossier_id))
        .where(Dossier.organisation_id == organisation_id)
    ).one()
    followup = session.exec(
        select(
            func.coalesce(func.sum(func.length(cast(col(FollowupEntry.data), String))), 0)
        ).where(FollowupEntry.organisation_id == organisation_id)
    ).one()
    return Usage(dossiers=int(count), stored_bytes=int(answers) + int(documents) + int(followup))
