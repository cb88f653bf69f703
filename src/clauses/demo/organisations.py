"""The demonstration organisations: named as demonstration data, with fictitious SIRETs that
pass the Luhn check, and their accounts' e-mails (one admin, one referent, one acheteur)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from clauses.decp.identifiers import luhn_ok
from clauses.demo import SeedError
from clauses.store.models import Role

# Fictitious SIRENs start with this prefix (not checked against the Sirene register: the names
# say the organisations are demonstration data).
DEMO_SIREN_PREFIX = "99900"
DEMO_SUFFIX = " (démonstration)"
DEMO_DOMAIN = "demo.clauses.test"  # .test: a domain that never delivers mail (RFC 2606)
GREEK = ("Alpha", "Bêta", "Gamma", "Delta", "Epsilon", "Zêta", "Êta", "Thêta", "Iota", "Kappa")
ROLES = (Role.admin, Role.referent, Role.acheteur)

# Fictitious SIRETs


def _with_check_digit(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def demo_siret(index: int) -> str:
    """A 14-digit SIRET whose SIREN (its first 9 digits) and itself pass the Luhn check."""
    siren = _with_check_digit(f"{DEMO_SIREN_PREFIX}{index:03d}")
    return _with_check_digit(siren + "0001")


@dataclass(frozen=True)
class DemoOrganisation:
    index: int
    name: str
    siret: str
    slug: str

    def email(self, role: Role) -> str:
        return f"{role.value}.{self.slug}@{DEMO_DOMAIN}"


def demo_organisations(count: int) -> list[DemoOrganisation]:
    if not 1 <= count <= len(GREEK):
        raise SeedError(f"nombre d’organisations : de 1 à {len(GREEK)}.")
    out = []
    for index in range(count):
        letter = GREEK[index]
        slug = unicodedata.normalize("NFKD", letter).encode("ascii", "ignore").decode().lower()
        out.append(
            DemoOrganisation(index, f"Région {letter}{DEMO_SUFFIX}", demo_siret(index), slug)
        )
    return out
