"""Links that set a password (an invited member's first one, a forgotten one's new one)."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import update
from sqlmodel import Session, col

from clauses.store.accounts.credentials import (
    AccountError,
    check_password,
    hash_password,
    token_hash,
    verify_password,
)
from clauses.store.accounts.links import aware, claim
from clauses.store.accounts.users import end_sessions, get_user
from clauses.store.db import commit
from clauses.store.models import PasswordLink, User, utcnow

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
    commit(session)
    return token


def open_password_link(session: Session, token: str) -> tuple[PasswordLink, User] | None:
    """The link of that token and its account, while it is unused, unexpired and the account
    active."""
    link = session.get(PasswordLink, token_hash(token), populate_existing=True)
    if link is None or link.used_at is not None or aware(link.expires_at) <= utcnow():
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
    claim(
        session,
        PasswordLink,
        col(PasswordLink.token_hash) == link.token_hash,
        now=now,
        name=link.token_hash,
    )
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
