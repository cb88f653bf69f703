"""What an account is checked and proved by: the e-mail, SIRET and password rules, the Argon2id
hashing in turns (at most :data:`HASHING_AT_ONCE` at once, :class:`HashingBusy` beyond
:data:`HASHING_WAIT_S`), the hashes of the tokens sent in links; :class:`AccountError`."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from clauses.store.models import EMAIL_MAX


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
