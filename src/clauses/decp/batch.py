"""A file of DECP 2.0.3 objects for a period (:func:`decp_batch`): every ``marche`` notified in
it, each contract's checked against the schema with it (:func:`declared_between`), one per buyer
and ``id`` (:class:`OncePerBuyer`), written piece by piece (:func:`batch_json`). A contract that
cannot be declared is left out and named: it never stops the rest."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from clauses.decp.award import Award
from clauses.decp.document import DecpError, DecpSchema, decp_marches
from clauses.library import Library
from clauses.profile import TenderProfile
from clauses.strategy.model import ResolvedStrategy


def _notification_dates(award: Award) -> list[dt.date | None]:
    """When each ``marche`` of the award was notified (None: not given)."""
    if award.lots is None:
        return [award.notification_date]
    return [lot.notification_date or award.notification_date for lot in award.lots]


@dataclass(frozen=True)
class Contract:
    """What a dossier holds for its DECP: the facts, the decisions, the award."""

    label: str  # how problems name the dossier (its title, or its id in the store)
    profile: TenderProfile
    strategy: ResolvedStrategy
    award: Award


@dataclass(frozen=True)
class DecpBatch:
    document: dict[str, Any]  # valid against the schema, possibly with no ``marche``
    left_out: list[str]  # « dossier : award.key : message », one line per problem


def decp_batch(
    contracts: Iterable[Contract],
    start: dt.date,
    end: dt.date,
    library: Library,
    schema: DecpSchema,
) -> DecpBatch:
    """Every ``marche`` notified from ``start`` to ``end`` (inclusive), in one valid file.

    A contract that cannot be declared is left out and named with its problems: the others are
    still published (a bad dossier never stops the rest).
    """
    marches: list[dict[str, Any]] = []
    left_out: list[str] = []
    once = OncePerBuyer()
    for contract in contracts:
        found, problems = declared_between(contract, start, end, library, schema)
        kept, repeated = once.keep(contract.label, found)
        marches.extend(kept)
        left_out.extend(problems + repeated)
    # Every ``marche`` was checked with its contract: the list of them is valid as it stands.
    return DecpBatch({"marches": {"marche": marches}}, left_out)


class OncePerBuyer:
    """One ``marche`` per (buyer SIRET, ``id``) in a file: decp.info keeps one of two contracts
    of a buyer that share an ``id`` and drops the other silently (DOMAIN §9). The first one
    given is kept; a later one is left out, and said."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], str] = {}

    def key(self, marche: dict[str, Any]) -> tuple[str, str]:
        return str(marche["acheteur"]["id"]), str(marche["id"])

    def keep(
        self, label: str, marches: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The ``marche`` whose (buyer, id) is new, and a line for each one that is not."""
        kept, repeated = [], []
        for marche in marches:
            key = self.key(marche)
            if key in self.seen:
                repeated.append(self.repeated(label, key, self.seen[key]))
            else:
                self.seen[key] = label
                kept.append(marche)
        return kept, repeated

    @staticmethod
    def repeated(label: str, key: tuple[str, str], first: str) -> str:
        return (
            f"{label} : award.id : l’identifiant « {key[1]} » de l’acheteur {key[0]} est déjà "
            f"celui de « {first} » ; deux marchés d’un acheteur ne peuvent pas partager un "
            "identifiant dans les données essentielles"
        )


def declared_between(
    contract: Contract, start: dt.date, end: dt.date, library: Library, schema: DecpSchema
) -> tuple[list[dict[str, Any]], list[str]]:
    """The contract's ``marche`` notified in the period, checked against the schema; or none,
    and the lines « dossier : award.key : message » that say why it cannot be declared."""
    dates = _notification_dates(contract.award)
    if None not in dates and not any(start <= d <= end for d in dates if d is not None):
        return [], []  # notified outside the period: nothing to build
    first, last = start.isoformat(), end.isoformat()
    try:
        found = decp_marches(contract.profile, contract.award, contract.strategy, library)
        within = [m for m in found if first <= m["dateNotification"] <= last]
        if within:
            schema.check({"marches": {"marche": within}})
    except DecpError as exc:
        return [], [f"{contract.label} : {error}" for error in exc.errors]
    return within, []


def batch_json(marches: Iterable[dict[str, Any]]) -> Iterator[str]:
    """``json.dumps({"marches": {"marche": list(marches)}}, ensure_ascii=False, indent=2)``,
    piece by piece: one ``marche`` at a time, so that a year's file is written without holding
    all of its objects at once."""
    opened = False
    for marche in marches:
        text = json.dumps(marche, ensure_ascii=False, indent=2).replace("\n", "\n" + INDENT)
        yield ("," if opened else _OPENING) + "\n" + INDENT + text
        opened = True
    yield "\n    ]\n  }\n}" if opened else _OPENING + "]\n  }\n}"


INDENT = " " * 6  # a ``marche``'s depth in the file
_OPENING = '{\n  "marches": {\n    "marche": ['
