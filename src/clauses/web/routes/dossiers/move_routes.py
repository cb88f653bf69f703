"""The routes of the dossier's moves after the draft (DESIGN §6): publish (with its
confirmation), back to the draft, start, close (with its confirmation, which tells the hours
missing and their penalty) and reopen, one route per move so that the authorisation matrix
states each one. How a move is checked, shown and recorded is :mod:`moves`."""

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import HTMLResponse, Response

from clauses import french, lifecycle
from clauses.french import NBSP
from clauses.lifecycle import Move, MoveRefused
from clauses.profile import FieldError
from clauses.store.models import Stage
from clauses.web.deps import FormDep
from clauses.web.routes.dossiers.common import (
    Assessment,
    Visit,
    assess_dossier,
    dossier_router,
)
from clauses.web.routes.dossiers.followup import followed
from clauses.web.routes.dossiers.moves import (
    MoveCheck,
    Moving,
    confirm_page,
    make_move,
    move_page,
    read_date,
    refused_page,
)

router = dossier_router()
PUBLISH_FACTS = [
    f"Les réponses et les choix du dossier seront figés tels qu’ils sont aujourd’hui{NBSP}: ce "
    "sont ceux de la consultation, que l’attribution et les données essentielles devront "
    "reprendre.",
    "Ils ne se modifieront plus, sauf si un référent ramène le dossier au brouillon avant "
    "l’attribution.",
]


@router.get("/{dossier_id}/publier", response_class=HTMLResponse)
def publish_confirm(moving: Annotated[Moving, Depends(MoveCheck(Move.publish))]) -> Response:
    return confirm_page(moving, lambda _: PUBLISH_FACTS)


@router.get("/{dossier_id}/clore", response_class=HTMLResponse)
def close_confirm(moving: Annotated[Moving, Depends(MoveCheck(Move.close))]) -> Response:
    def facts_of(visit: Visit) -> list[str]:
        """The hours missing today and the penalty they would be worth."""
        found = followed(visit)
        facts = [
            f"Le suivi des heures sera arrêté à la date de clôture{NBSP}; un référent peut rouvrir "
            "le marché."
        ]
        if found is not None:
            result = found.result
            if result.missing > 0:
                penalty = (
                    f"{NBSP}: la pénalité prévue au CCAP serait de {french.eur(result.penalty_eur)}"
                    f" ({french.eur(result.penalty_eur_per_hour)} par heure)"
                    if result.penalty_eur is not None and result.penalty_eur_per_hour is not None
                    else f"{NBSP}; la stratégie publiée ne fixe pas de pénalité par heure"
                )
                facts.insert(
                    0,
                    f"{french.number(result.missing, 2)} heures d’insertion manquent sur "
                    f"{french.number(result.owed, 2)} dues, à ce jour{penalty}. Vérifiez que tous "
                    "les relevés sont déclarés avant de clore.",
                )
            else:
                facts.insert(
                    0, f"Toutes les heures d’insertion dues sont réalisées{NBSP}: aucune pénalité."
                )
        return facts

    return confirm_page(moving, facts_of)


@router.post("/{dossier_id}/publier", response_class=HTMLResponse)
def publish_dossier(
    moving: Annotated[Moving, Depends(MoveCheck(Move.publish))], form: FormDep
) -> Response:
    visit, rule = moving.visit, moving.rule
    if moving.refused is not None:
        return refused_page(visit, moving.refused)
    ctx = visit.ctx
    assessment = assess_dossier(ctx, visit.dossier)
    if assessment.strategy is None or assessment.profile is None or assessment.advice is None:
        return not_ready(moving, form, assessment)
    try:
        published = lifecycle.publish(
            assessment.profile,
            assessment.advice,
            assessment.strategy,
            ctx.library,
            read_date(form.get("publication_date"), rule),
            ctx.today(),
        )
    except MoveRefused as exc:
        return move_page(moving, form, exc.errors)
    values = {
        "stage": Stage.published,
        "published": published.to_json(),
        "published_on": published.publication_date,
    }
    return make_move(moving, form, values, "publie")


def not_ready(moving: Moving, form: Mapping[str, Any], assessment: Assessment) -> HTMLResponse:
    """422: what keeps the tender from being published (answers to complete, choices to fix)."""
    errors = [FieldError(item.label, item.message) for item in assessment.items]
    for problem in assessment.strategy_errors or []:
        errors.append(FieldError("Vos choix", problem.message))
    if not errors:
        errors.append(
            FieldError("Réponses", "les réponses obligatoires ne sont pas toutes données")
        )
    return move_page(moving, form, errors)


@router.post("/{dossier_id}/depublier", response_class=HTMLResponse)
def unpublish_dossier(
    moving: Annotated[Moving, Depends(MoveCheck(Move.unpublish))], form: FormDep
) -> Response:
    if moving.refused is not None:
        return refused_page(moving.visit, moving.refused)
    values = {"stage": Stage.draft, "published": None, "published_on": None}
    return make_move(moving, form, values, "depublie")


def dated_move(moving: Moving, form: Mapping[str, Any]) -> Response:
    """Start or close: the date the move records, not in the future nor before the previous
    one (the first notification for a start, the start for a close)."""
    visit, rule, move = moving.visit, moving.rule, moving.rule.move
    if moving.refused is not None:
        return refused_page(visit, moving.refused)
    dossier = visit.dossier
    try:
        after = dossier.notified_on if move is Move.start else dossier.started_on
        day = lifecycle.check_date(
            rule, read_date(form.get("date"), rule), after, visit.ctx.today()
        )
    except MoveRefused as exc:  # the date: beside its field
        return move_page(moving, form, exc.errors)
    column = "started_on" if move is Move.start else "closed_on"
    values = {"stage": rule.target, column: day}
    notice = "execution" if move is Move.start else "clos"
    return make_move(moving, form, values, notice)


@router.post("/{dossier_id}/executer", response_class=HTMLResponse)
def start_execution(
    moving: Annotated[Moving, Depends(MoveCheck(Move.start))], form: FormDep
) -> Response:
    return dated_move(moving, form)


@router.post("/{dossier_id}/clore", response_class=HTMLResponse)
def close_contract(
    moving: Annotated[Moving, Depends(MoveCheck(Move.close))], form: FormDep
) -> Response:
    return dated_move(moving, form)


@router.post("/{dossier_id}/rouvrir", response_class=HTMLResponse)
def reopen_contract(
    moving: Annotated[Moving, Depends(MoveCheck(Move.reopen))], form: FormDep
) -> Response:
    """Back in execution (the follow-up goes on); the closing date is cleared, and kept in the
    trail."""
    if moving.refused is not None:
        return refused_page(moving.visit, moving.refused)
    values = {"stage": Stage.in_execution, "closed_on": None}
    return make_move(moving, form, values, "rouvert")
