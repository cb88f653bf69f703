"""The life of a dossier after the draft (DESIGN §6): its stages, the moves between them, who may
make each move and what each one needs. Pure: the store records a move, the web and the command
line offer it; neither decides.

``brouillon`` → ``publié`` (consultation launched: the tender is frozen as it was published) →
``attribué`` (the award: holders, amounts, dates) → ``en exécution`` (the follow-up of the
insertion hours) → ``clos``. A referent may also take a move back: a publication made by mistake
returns to the draft (while nothing is awarded), a closed contract is reopened.

Once published, a dossier's answers and strategy no longer change: what was published, the
award and the open data (DECP) must say the same thing. The snapshot taken at publication
(profile, advice, resolved strategy, library version) is what the award, the DECP and the
SPASER indicators read afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from clauses import inputs
from clauses.advisor.model import Advice
from clauses.decp.award import Award, future_dates, parse_award
from clauses.decp.document import DecpSchema, decp_document
from clauses.library import Library
from clauses.profile import FieldError, ProfileError, TenderProfile
from clauses.strategy import ResolvedStrategy
from clauses.vocabulary import Move, Role, Stage

__all__ = ["Move", "Role", "Stage"]


@dataclass(frozen=True)
class Rule:
    move: Move
    source: Stage
    target: Stage
    role: Role  # the least role that may make it (roles are cumulative)
    label: str  # the button's text
    date_label: str  # what the date the move records is


RULES = {
    rule.move: rule
    for rule in (
        Rule(
            Move.publish,
            Stage.draft,
            Stage.published,
            Role.acheteur,
            "Publier la consultation",
            "date de lancement de la consultation",
        ),
        Rule(
            Move.unpublish,
            Stage.published,
            Stage.draft,
            Role.referent,
            "Revenir au brouillon",
            "date du retour au brouillon",
        ),
        Rule(
            Move.award,
            Stage.published,
            Stage.awarded,
            Role.acheteur,
            "Enregistrer l’attribution",
            "date de notification",
        ),
        Rule(
            Move.start,
            Stage.awarded,
            Stage.in_execution,
            Role.acheteur,
            "Commencer l’exécution",
            "date de début d’exécution",
        ),
        Rule(
            Move.close,
            Stage.in_execution,
            Stage.closed,
            Role.referent,
            "Clore le marché",
            "date de clôture",
        ),
        Rule(
            Move.reopen,
            Stage.closed,
            Stage.in_execution,
            Role.referent,
            "Rouvrir le marché",
            "date de réouverture",
        ),
    )
}
# Stages in which the award may still be corrected (each correction is in the audit trail).
AWARD_EDITABLE = frozenset({Stage.awarded, Stage.in_execution})
# Stages in which hours performed are recorded.
FOLLOWED = frozenset({Stage.in_execution, Stage.closed})


class MoveRefused(ValueError):
    """The move cannot be made: ``errors`` name the field at fault, in French."""

    def __init__(self, errors: list[FieldError], *, forbidden: bool = False) -> None:
        self.errors = errors
        self.forbidden = forbidden  # the role lacks the right (403), rather than bad data (422)
        super().__init__("; ".join(str(e) for e in errors))


def stage_of(value: str | None) -> Stage:
    return Stage(value) if value else Stage.draft


def moves_from(stage: Stage, role: Role | None) -> list[Rule]:
    """The moves that role may make from that stage, in the order of the life (none for an
    invited facilitator, ``role`` None)."""
    return [r for r in RULES.values() if r.source is stage and may(role, r)]


def may(role: Role | None, rule: Rule) -> bool:
    return role is not None and role.rank >= rule.role.rank


def check_move(move: Move, stage: Stage, role: Role | None) -> Rule:
    """The rule of that move, if it can be made now by that role; else :class:`MoveRefused`."""
    rule = RULES[move]
    if rule.source is not stage:
        raise MoveRefused(
            [
                FieldError(
                    "stage",
                    f"le dossier est « {stage.label} » : « {rule.label} » se fait "
                    f"depuis l’état « {rule.source.label} »",
                )
            ]
        )
    if not may(role, rule):
        raise MoveRefused(
            [FieldError("role", f"« {rule.label} » demande le rôle {rule.role.label} au moins")],
            forbidden=True,
        )
    return rule


@dataclass(frozen=True)
class Published:
    """The tender as it was published: what the award, the DECP and the SPASER read."""

    publication_date: dt.date
    library_version: str
    profile: TenderProfile
    advice: Advice
    strategy: ResolvedStrategy

    def to_json(self) -> dict[str, Any]:
        return {
            "publication_date": self.publication_date.isoformat(),
            "library_version": self.library_version,
            "profile": self.profile.model_dump(mode="json"),
            "advice": self.advice.model_dump(mode="json"),
            "strategy": self.strategy.model_dump(mode="json"),
        }

    @staticmethod
    def from_text(text: str) -> Published:
        """:meth:`from_json` of the snapshot's JSON text, parsed and validated in one pass (the
        reports read thousands: no intermediate dicts, about half the time)."""
        return Published(**_SNAPSHOT.validate_json(text))

    @staticmethod
    def from_json(data: dict[str, Any]) -> Published:
        return Published(**_SNAPSHOT.validate_python(data))


class _Snapshot(TypedDict):
    publication_date: dt.date
    library_version: str
    profile: TenderProfile
    advice: Advice
    strategy: ResolvedStrategy


_SNAPSHOT = TypeAdapter(_Snapshot)


def publish(
    profile: TenderProfile,
    advice: Advice,
    strategy: ResolvedStrategy,
    library: Library,
    publication_date: dt.date | None,
    today: dt.date,
) -> Published:
    """The snapshot of a tender launched on ``publication_date`` (not in the future)."""
    if publication_date is None:
        raise MoveRefused([FieldError("publication_date", "date de lancement obligatoire")])
    implausible = inputs.implausible(publication_date)
    if implausible:
        raise MoveRefused([FieldError("publication_date", implausible)])
    if publication_date > today:
        raise MoveRefused(
            [
                FieldError(
                    "publication_date",
                    "la date de lancement ne peut pas être postérieure à aujourd’hui",
                )
            ]
        )
    return Published(publication_date, library.version, profile, advice, strategy)


@dataclass(frozen=True)
class Awarded:
    award: Award
    data: dict[str, Any]  # as given (what the store keeps)
    first_notified: dt.date
    last_notified: dt.date


def check_award(
    published: Published,
    data: Any,
    library: Library,
    schema: DecpSchema,
    today: dt.date,
) -> Awarded:
    """The award, if it is complete enough to publish the contract's open data: every
    ``marche`` it gives validates against the DECP schema (:class:`ProfileError` naming each
    field otherwise). Notified on or after the publication, and neither notified nor its data
    published after ``today``."""
    award = parse_award(data)
    future = future_dates(award, today)
    try:
        document = decp_document(published.profile, award, published.strategy, library, schema)
    except ProfileError as exc:
        raise ProfileError(future + exc.errors) from exc
    if future:
        raise ProfileError(future)
    dates = sorted(dt.date.fromisoformat(m["dateNotification"]) for m in _marches(document))
    if dates[0] < published.publication_date:
        raise ProfileError(
            [
                FieldError(
                    "award.notification_date",
                    "la notification ne peut pas précéder le lancement de la consultation "
                    f"({published.publication_date.isoformat()})",
                )
            ]
        )
    return Awarded(award, data, dates[0], dates[-1])


def _marches(document: dict[str, Any]) -> list[dict[str, Any]]:
    marches: list[dict[str, Any]] = document["marches"]["marche"]
    return marches


def check_date(rule: Rule, value: dt.date | None, after: dt.date | None, today: dt.date) -> dt.date:
    """The date a move records (start, close, reopen): given, not in the future, not before
    ``after`` (the notification for a start, the start for a close)."""
    if value is None:
        raise MoveRefused([FieldError("date", f"{rule.date_label} obligatoire")])
    implausible = inputs.implausible(value)
    if implausible:
        raise MoveRefused([FieldError("date", implausible)])
    if value > today:
        raise MoveRefused(
            [FieldError("date", f"la {rule.date_label} ne peut pas être postérieure à aujourd’hui")]
        )
    if after is not None and value < after:
        raise MoveRefused(
            [
                FieldError(
                    "date",
                    f"la {rule.date_label} ne peut pas précéder le {after.strftime('%d/%m/%Y')}",
                )
            ]
        )
    return value
