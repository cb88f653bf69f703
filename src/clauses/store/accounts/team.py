"""The team: an admin invites members, changes their roles, deactivates and reactivates them
(never the organisation's last active admin)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from clauses.store.accounts.credentials import AccountError
from clauses.store.accounts.users import (
    add_member,
    end_sessions,
    get_user,
    unused_email,
)
from clauses.store.db import commit, hold_write_lock
from clauses.store.models import FederatedIdentity, Membership, PasswordLink, Role, User, utcnow


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
    user = User(email=unused_email(session, email))
    return add_member(session, user, organisation_id, role)


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
    commit(session)
