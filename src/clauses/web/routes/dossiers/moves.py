"""The dossier's moves after the draft (DESIGN §6, :mod:`clauses.lifecycle`): how a move is
checked, shown (its form, its confirmation, its refusal) and recorded, and the « Vie du marché »
panel. The routes, one per move (so that the authorisation matrix states each one), are
:mod:`move_routes`; the award's, :mod:`award`.

Each move route declares its move in its signature (:class:`MoveCheck`): the dossier is loaded
with :attr:`Right.edit <clauses.web.access.Right.edit>` and the move checked by
:func:`clauses.lifecycle.check_move` (422 when the dossier is not at the stage the move starts
from, then 403 with the French reason when the member's role lacks the right); the move is
recorded by :func:`clauses.store.stages.record_move` on the version the page was shown at (a
stale version: the conflict page), with its audit rows.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from clauses import lifecycle
from clauses.lifecycle import AWARD_EDITABLE, RULES, Move, MoveRefused, Rule
from clauses.profile import FieldError
from clauses.questionnaire.wizard import form_text
from clauses.store import crud, stages
from clauses.store.models import STAGE_LABELS, Role, Stage
from clauses.web import award_form
from clauses.web.access import Access, Right, actor
from clauses.web.routes.dossiers.common import (
    OnDossier,
    Visit,
    dossier_url,
    form_version,
    see_other,
    stale_page,
    with_query,
)

AWARD = "attribution"  # the award form's path (:mod:`clauses.web.routes.dossiers.award`)
DECP = "decp.json"  # the contract's open data (:mod:`clauses.web.routes.dossiers.decp`)
# The audit trail's « action » of each move (the history page shows it as it is).
ACTIONS = {move: move.action for move in Move}
# How the history names the columns a move writes (each key of the award: ``award.<key>``).
MOVE_FIELD_LABELS = {
    "stage": "État",
    "published.publication_date": "Date de lancement",
    "published.library_version": "Version de la bibliothèque publiée",
    "published_on": "Date de lancement",
    "notified_on": "Date de notification",
    "notified_until": "Dernière notification",
    "started_on": "Début d’exécution",
    "closed_on": "Clôture",
} | {f"award.{key}": f"Attribution : {label}" for key, label in award_form.LABELS.items()}
# Which route makes each move (the page's buttons post there).
PATHS = {
    Move.publish: "publier",
    Move.unpublish: "depublier",
    Move.award: AWARD,
    Move.start: "executer",
    Move.close: "clore",
    Move.reopen: "rouvrir",
}
DATE_FIELDS = {Move.publish: "publication_date", Move.start: "date", Move.close: "date"}


@dataclass(frozen=True)
class Moving:
    """A move asked on a dossier: the request on the dossier (:class:`Visit`), the move's rule,
    and why the move cannot be made now (``refused``: the page says it), if it cannot."""

    visit: Visit
    rule: Rule
    refused: MoveRefused | None


@dataclass(frozen=True)
class MoveCheck:
    """The dependency of a move's routes: ``moving: Annotated[Moving,
    Depends(MoveCheck(Move.close))]``. The dossier needs :attr:`Right.edit` (an invited
    facilitator is refused, another organisation's dossier is not found), then the move its
    stage and its role (:data:`clauses.lifecycle.RULES`), in that order. Frozen: compared by
    value, solved once per request."""

    move: Move

    async def __call__(self, visit: Annotated[Visit, OnDossier(Right.edit)]) -> Moving:
        refused = None
        try:
            stage = lifecycle.stage_of(visit.dossier.stage)
            lifecycle.check_move(self.move, stage, role_of(visit.access))
        except MoveRefused as exc:
            refused = exc
        return Moving(visit, RULES[self.move], refused)


def role_of(access: Access) -> Role | None:
    """The signed-in member's role (None: an invited facilitator)."""
    return access.principal.role


def refused_page(visit: Visit, exc: MoveRefused) -> HTMLResponse:
    """403 (the role lacks the right) or 422 (wrong stage), with the French reason."""
    status = 403 if exc.forbidden else 422
    title = "Action réservée" if exc.forbidden else "Action impossible à cette étape"
    return refusal_page(visit, title, [e.message for e in exc.errors], status)


def refusal_page(visit: Visit, title: str, reasons: list[str], status: int) -> HTMLResponse:
    """The page that says why (``reasons``, in French) what was asked cannot be done."""
    context = {"title": title, "reasons": reasons, "status": status}
    return visit.page("dossiers/move_refused.html", title, context, status_code=status)


def read_date(raw: Any, rule: Rule) -> dt.date | None:
    """A date field's value (ISO), or a date typed « 15/03/2027 »; None when empty (the move's
    check names it); :class:`MoveRefused` naming the field when it is no date."""
    text = form_text(raw)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(award_form.parse_date(text))
    except ValueError:
        raise MoveRefused(
            [
                FieldError(
                    DATE_FIELDS.get(rule.move, "date"),
                    f"{rule.date_label} illisible : une date au format JJ/MM/AAAA est attendue",
                )
            ]
        ) from None


def move_form(
    moving: Moving,
    *,
    value: str,
    version: int,
    errors: list[FieldError] | None = None,
    facts: list[str] | None = None,
    max_date: str | None = None,
) -> HTMLResponse:
    """The page of a move's form: its confirmation (``facts``: what it will do), or the form
    sent again with its ``errors`` (422), each beside its field and in the summary."""
    visit, rule = moving.visit, moving.rule
    name = DATE_FIELDS.get(rule.move, "date")
    errors = errors or []
    return visit.page(
        "dossiers/move.html",
        rule.label,
        {
            "rule": rule,
            "action_url": dossier_url(visit.dossier.id, PATHS[rule.move]),
            "field": name,
            "value": value,
            "max_date": max_date,
            "errors": errors,
            "field_error": next((e.message for e in errors if e.field in {name, "date"}), None),
            "facts": facts or [],
            "version": version,
        },
        status_code=422 if errors else 200,
    )


def move_page(moving: Moving, form: Mapping[str, Any], errors: list[FieldError]) -> HTMLResponse:
    """The move's form again (422), as it was sent, each error beside its field and in the
    summary."""
    value = form_text(form.get(DATE_FIELDS.get(moving.rule.move, "date")))
    return move_form(moving, value=value, version=form_version(form), errors=errors)


def record(
    visit: Visit,
    form: Mapping[str, Any],
    values: dict[str, Any],
    action: str,
    notice: str,
    check: Callable[[Session], None] | None = None,
) -> Response:
    """The move (or the award) recorded in the name of the visit's access, on the version the
    form was shown at; then the dossier's page, at its « Vie du marché ». What ``check`` raises
    in the write transaction (:func:`clauses.store.stages.record_move`) goes to the caller."""
    dossier_id = visit.dossier.id
    try:
        stages.record_move(
            session=visit.session,
            dossier_id=dossier_id,
            expected_version=form_version(form),
            values=values,
            actor=actor(visit.access),
            action=action,
            check=check,
        )
    except crud.StaleVersion as stale:
        return stale_page(visit.request, stale.current, "l’état du dossier")
    return see_other(with_query(dossier_url(dossier_id), anchor="cycle", notice=notice))


def make_move(
    moving: Moving, form: Mapping[str, Any], values: dict[str, Any], notice: str
) -> Response:
    """The move checked by its route recorded with ``values`` (:func:`record`)."""
    return record(moving.visit, form, values, ACTIONS[moving.rule.move], notice)


def confirm_page(moving: Moving, facts_of: Callable[[Visit], list[str]]) -> Response:
    """The move's confirmation (issue 23: « Publier » and « Clore » acted in one click): what it
    will do (``facts_of`` the visit), its date (today at most), and the button that does it;
    « Annuler » leaves everything as it was. Refused as the move itself would be."""
    visit = moving.visit
    if moving.refused is not None:
        return refused_page(visit, moving.refused)
    today = visit.ctx.today().isoformat()
    return move_form(
        moving,
        value=today,
        version=visit.dossier.version,
        facts=facts_of(visit),
        max_date=today,
    )


def lifecycle_view(visit: Visit, ready: bool) -> dict[str, Any]:
    """What the dossier page's « Vie du marché » panel shows: the stage, the dated moves made,
    the moves the member may make now (its role: None for an invited facilitator), and the
    award and DECP links."""
    ctx, dossier, member_role = visit.ctx, visit.dossier, role_of(visit.access)
    stage = lifecycle.stage_of(dossier.stage)
    moves = [
        {
            "rule": rule,
            "url": dossier_url(dossier.id, PATHS[rule.move]),
            "field": DATE_FIELDS.get(rule.move),
        }
        for rule in lifecycle.moves_from(stage, member_role)
    ]
    return {
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "stages": [(s, STAGE_LABELS[s]) for s in Stage],
        "moves": moves,
        "ready": ready,
        "frozen": stage is not Stage.draft,
        "can_correct": stage in AWARD_EDITABLE and lifecycle.may(member_role, RULES[Move.award]),
        "award_url": dossier_url(dossier.id, AWARD),
        "decp_url": dossier_url(dossier.id, DECP) if dossier.award is not None else None,
        "today": ctx.today().isoformat(),
    }
