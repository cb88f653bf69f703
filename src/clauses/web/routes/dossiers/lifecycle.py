"""The dossier's life after the draft (DESIGN §6, :mod:`clauses.lifecycle`): one route per move,
so that the authorisation matrix states each one, the award form, and the contract's DECP.

Each move is checked by :func:`clauses.lifecycle.check_move` (403 with the French reason when
the member's role lacks the right, 422 when the dossier is not at the stage the move starts
from) and recorded by :func:`clauses.store.stages.record_move` on the version the page was
shown at (a stale version: the conflict page), with its audit rows.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from clauses import french, lifecycle
from clauses.decp.award import Award, parse_award
from clauses.decp.document import DecpSchema, decp_document, social_values
from clauses.french import NBSP
from clauses.lifecycle import AWARD_EDITABLE, RULES, Move, MoveRefused, Published, Rule
from clauses.profile import FieldError, ProfileError
from clauses.questionnaire.wizard import form_text
from clauses.store import crud, stages
from clauses.store.models import STAGE_LABELS, Dossier, Organisation, Role, Stage
from clauses.web import award_form
from clauses.web.access import CURRENT, actor
from clauses.web.context import AppContext
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.rendering import render
from clauses.web.routes.dossiers.common import (
    Assessment,
    assess_dossier,
    dossier_router,
    dossier_url,
    form_version,
    load,
    see_other,
    stale_page,
    with_query,
)
from clauses.web.routes.dossiers.followup import followed

router = dossier_router()
AWARD = "attribution"
DECP = "decp.json"
# The audit trail's « action » of each move (the history page shows it as it is).
ACTIONS = {move: move.action for move in Move}
CORRECTION = "Correction de l’attribution"
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


def role() -> Role | None:
    """The signed-in member's role (None: an invited facilitator)."""
    access = CURRENT.get()
    return access.principal.role if access is not None else None


def refused_page(request: Request, dossier: Dossier, exc: MoveRefused) -> HTMLResponse:
    """403 (the role lacks the right) or 422 (wrong stage), with the French reason."""
    status = 403 if exc.forbidden else 422
    title = "Action réservée" if exc.forbidden else "Action impossible à cette étape"
    return render(
        request,
        "dossiers/move_refused.html",
        {
            "page_title": f"{title} — {dossier.title}",
            "title": title,
            "dossier": dossier,
            "reasons": [e.message for e in exc.errors],
            "status": status,
        },
        status_code=status,
    )


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
    request: Request,
    dossier: Dossier,
    rule: Rule,
    *,
    value: str,
    version: int,
    errors: list[FieldError] | None = None,
    facts: list[str] | None = None,
    max_date: str | None = None,
) -> HTMLResponse:
    """The page of a move's form: its confirmation (``facts``: what it will do), or the form
    sent again with its ``errors`` (422), each beside its field and in the summary."""
    name = DATE_FIELDS.get(rule.move, "date")
    errors = errors or []
    return render(
        request,
        "dossiers/move.html",
        {
            "page_title": f"{rule.label} — {dossier.title}",
            "dossier": dossier,
            "rule": rule,
            "action_url": dossier_url(dossier.id, PATHS[rule.move]),
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


def move_page(
    request: Request,
    dossier: Dossier,
    rule: Rule,
    form: Mapping[str, Any],
    errors: list[FieldError],
) -> HTMLResponse:
    """The move's form again (422), as it was sent, each error beside its field and in the
    summary."""
    value = form_text(form.get(DATE_FIELDS.get(rule.move, "date")))
    return move_form(request, dossier, rule, value=value, version=form_version(form), errors=errors)


def record(
    request: Request,
    session: Session,
    dossier: Dossier,
    form: Mapping[str, Any],
    values: dict[str, Any],
    action: str,
    notice: str,
) -> Response:
    access = CURRENT.get()
    assert access is not None
    try:
        stages.record_move(
            session=session,
            dossier_id=dossier.id,
            expected_version=form_version(form),
            values=values,
            actor=actor(access),
            action=action,
        )
    except crud.StaleVersion as stale:
        return stale_page(request, stale.current, "l’état du dossier")
    return see_other(with_query(dossier_url(dossier.id), anchor="cycle", notice=notice))


def confirm_page(
    request: Request,
    session: Session,
    ctx: AppContext,
    dossier_id: uuid.UUID,
    move: Move,
    facts_of: Callable[[Dossier], list[str]],
) -> Response:
    """The move's confirmation (issue 23: « Publier » and « Clore » acted in one click): what it
    will do (``facts_of`` the dossier), its date (today at most), and the button that does it;
    « Annuler » leaves everything as it was. Refused as the move itself would be."""
    dossier = load(session, dossier_id)
    try:
        rule = lifecycle.check_move(move, lifecycle.stage_of(dossier.stage), role())
    except MoveRefused as exc:
        return refused_page(request, dossier, exc)
    today = ctx.today().isoformat()
    return move_form(
        request,
        dossier,
        rule,
        value=today,
        version=dossier.version,
        facts=facts_of(dossier),
        max_date=today,
    )


PUBLISH_FACTS = [
    f"Les réponses et les choix du dossier seront figés tels qu’ils sont aujourd’hui{NBSP}: ce "
    "sont ceux de la consultation, que l’attribution et les données essentielles devront "
    "reprendre.",
    "Ils ne se modifieront plus, sauf si un référent ramène le dossier au brouillon avant "
    "l’attribution.",
]


@router.get("/{dossier_id}/publier", response_class=HTMLResponse)
def publish_confirm(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep
) -> Response:
    return confirm_page(request, session, ctx, dossier_id, Move.publish, lambda _: PUBLISH_FACTS)


@router.get("/{dossier_id}/clore", response_class=HTMLResponse)
def close_confirm(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep
) -> Response:
    def facts_of(dossier: Dossier) -> list[str]:
        """The hours missing today and the penalty they would be worth."""
        found = followed(ctx, session, dossier)
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

    return confirm_page(request, session, ctx, dossier_id, Move.close, facts_of)


@router.post("/{dossier_id}/publier", response_class=HTMLResponse)
def publish_dossier(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    dossier = load(session, dossier_id)
    try:
        rule = lifecycle.check_move(Move.publish, lifecycle.stage_of(dossier.stage), role())
    except MoveRefused as exc:
        return refused_page(request, dossier, exc)
    assessment = assess_dossier(ctx, dossier)
    if assessment.strategy is None or assessment.profile is None or assessment.advice is None:
        return not_ready(request, dossier, rule, form, assessment)
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
        return move_page(request, dossier, rule, form, exc.errors)
    values = {
        "stage": Stage.published,
        "published": published.to_json(),
        "published_on": published.publication_date,
    }
    return record(request, session, dossier, form, values, ACTIONS[Move.publish], "publie")


def not_ready(
    request: Request,
    dossier: Dossier,
    rule: Rule,
    form: Mapping[str, Any],
    assessment: Assessment,
) -> HTMLResponse:
    """422: what keeps the tender from being published (answers to complete, choices to fix)."""
    errors = [FieldError(item.label, item.message) for item in assessment.items]
    for problem in assessment.strategy_errors or []:
        errors.append(FieldError("Vos choix", problem.message))
    if not errors:
        errors.append(
            FieldError("Réponses", "les réponses obligatoires ne sont pas toutes données")
        )
    return move_page(request, dossier, rule, form, errors)


@router.post("/{dossier_id}/depublier", response_class=HTMLResponse)
def unpublish_dossier(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, form: FormDep
) -> Response:
    dossier = load(session, dossier_id)
    try:
        lifecycle.check_move(Move.unpublish, lifecycle.stage_of(dossier.stage), role())
    except MoveRefused as exc:
        return refused_page(request, dossier, exc)
    values = {"stage": Stage.draft, "published": None, "published_on": None}
    return record(request, session, dossier, form, values, ACTIONS[Move.unpublish], "depublie")


def dated_move(
    request: Request,
    session: SessionDep,
    ctx: AppContext,
    dossier_id: uuid.UUID,
    form: Mapping[str, Any],
    move: Move,
) -> Response:
    """Start or close: the date the move records, not in the future nor before the previous
    one (the first notification for a start, the start for a close)."""
    dossier = load(session, dossier_id)
    try:
        rule = lifecycle.check_move(move, lifecycle.stage_of(dossier.stage), role())
        after = dossier.notified_on if move is Move.start else dossier.started_on
        day = lifecycle.check_date(rule, read_date(form.get("date"), rule), after, ctx.today())
    except MoveRefused as exc:
        if exc.forbidden or exc.errors[0].field == "stage":
            return refused_page(request, dossier, exc)
        return move_page(request, dossier, RULES[move], form, exc.errors)
    column = "started_on" if move is Move.start else "closed_on"
    values = {"stage": rule.target, column: day}
    notice = "execution" if move is Move.start else "clos"
    return record(request, session, dossier, form, values, ACTIONS[move], notice)


@router.post("/{dossier_id}/executer", response_class=HTMLResponse)
def start_execution(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    return dated_move(request, session, ctx, dossier_id, form, Move.start)


@router.post("/{dossier_id}/clore", response_class=HTMLResponse)
def close_contract(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    return dated_move(request, session, ctx, dossier_id, form, Move.close)


@router.post("/{dossier_id}/rouvrir", response_class=HTMLResponse)
def reopen_contract(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, form: FormDep
) -> Response:
    """Back in execution (the follow-up goes on); the closing date is cleared, and kept in the
    trail."""
    dossier = load(session, dossier_id)
    try:
        lifecycle.check_move(Move.reopen, lifecycle.stage_of(dossier.stage), role())
    except MoveRefused as exc:
        return refused_page(request, dossier, exc)
    values = {"stage": Stage.in_execution, "closed_on": None}
    return record(request, session, dossier, form, values, ACTIONS[Move.reopen], "rouvert")


# The award.


def awardable(dossier: Dossier) -> Published:
    """The tender as published, if the award can be given (published) or corrected (awarded, in
    execution) now by the member; else :class:`MoveRefused`."""
    stage = lifecycle.stage_of(dossier.stage)
    rule = RULES[Move.award]
    if stage in AWARD_EDITABLE:
        if not lifecycle.may(role(), rule):
            lifecycle.check_move(Move.award, rule.source, role())  # raises the 403 reason
    else:
        lifecycle.check_move(Move.award, stage, role())
    published = stages.published_of(dossier)
    if published is None:  # a stage past draft always has its snapshot
        raise MoveRefused([FieldError("stage", "la consultation publiée n’est pas enregistrée")])
    return published


def prefill_of(session: Session, dossier: Dossier, published: Published) -> award_form.Prefill:
    """What the dossier and its organisation suggest for the award."""
    organisation = session.get(Organisation, dossier.organisation_id)
    return award_form.prefill(
        published,
        organisation.name if organisation else None,
        organisation.siret if organisation else None,
    )


def award_view(
    ctx: AppContext,
    dossier: Dossier,
    published: Published,
    values: award_form.Values,
    found: award_form.Prefill,
    *,
    errors: dict[str, str] | None = None,
    items: list[award_form.ErrorItem] | None = None,
    focus: str = "",
    version: int | None = None,
) -> dict[str, Any]:
    correcting = lifecycle.stage_of(dossier.stage) in AWARD_EDITABLE
    strategy, lots = published.strategy, published.profile.lots
    social = (
        {n: social_values(strategy, ctx.library, n) for n in range(1, len(lots) + 1)}
        if lots
        else {0: social_values(strategy, ctx.library, None)}
    )
    # Where a value shown is the dossier's suggestion, the page says where it comes from (not
    # on a correction: its values are the award as saved, never pre-filled).
    sources = {
        name: source
        for name, source in found.sources.items()
        if dossier.award is None and values.get(name) == found.values[name]
    }
    return {
        "page_title": f"{'Corriger l’attribution' if correcting else 'Attribution'} — "
        f"{dossier.title}",
        "dossier": dossier,
        "profile": published.profile,
        "published": published,
        "values": values,
        "errors": errors or {},
        "items": items or [],
        "focus": focus or ("award-errors" if items else ""),
        "version": dossier.version if version is None else version,
        "correcting": correcting,
        "action_url": dossier_url(dossier.id, AWARD),
        "form": award_form,
        "today": ctx.today(),
        "sources": sources,
        "social": social,
    }


@router.get("/{dossier_id}/" + AWARD, response_class=HTMLResponse)
def award_page(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep
) -> HTMLResponse:
    dossier = load(session, dossier_id)
    try:
        published = awardable(dossier)
    except MoveRefused as exc:
        return refused_page(request, dossier, exc)
    values = award_form.values_of(dossier.award, published.profile)
    found = prefill_of(session, dossier, published)
    if dossier.award is None:
        values = award_form.suggested(values, found)
    view = award_view(ctx, dossier, published, values, found)
    return render(request, "dossiers/award.html", view)


@router.post("/{dossier_id}/" + AWARD, response_class=HTMLResponse)
def save_award(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    """The award checked as the DECP needs it (:func:`clauses.lifecycle.check_award`): the first
    one moves the dossier to « attribué », a later one corrects it (both in the trail). « Ajouter
    un titulaire » shows the form again with one more row, nothing saved."""
    dossier = load(session, dossier_id)
    try:
        published = awardable(dossier)
    except MoveRefused as exc:
        return refused_page(request, dossier, exc)
    profile = published.profile
    values = award_form.read_values(form, profile)
    found = prefill_of(session, dossier, published)
    version = form_version(form)
    action = form_text(form.get("action"))
    if action.startswith("add_holder:"):
        focus = award_form.add_holder(values, action.removeprefix("add_holder:")) or ""
        view = award_view(ctx, dossier, published, values, found, focus=focus, version=version)
        return render(request, "dossiers/award.html", view)
    data, layout = award_form.award_data(values, profile)
    try:
        awarded = checked_award(ctx, published, data)
        repeated = ids_taken(session, dossier, awarded.award)
        if repeated:
            raise ProfileError(repeated)
    except ProfileError as exc:
        errors = exc.errors
        if layout.no_lot_given:
            errors = [
                FieldError(
                    "award.lots",
                    "aucun lot attribué\u00a0: remplissez au moins un lot (identifiant, montant, "
                    "titulaires)\u00a0; laissez vides ceux qui ne sont pas (encore) attribués",
                ),
                *errors,
            ]
        placed, items = award_form.form_errors(errors, layout, award_form.input_ids(values))
        view = award_view(
            ctx, dossier, published, values, found, errors=placed, items=items, version=version
        )
        return render(request, "dossiers/award.html", view, status_code=422)
    first = lifecycle.stage_of(dossier.stage) is Stage.published
    columns: dict[str, Any] = {
        "award": awarded.data,
        "notified_on": awarded.first_notified,
        "notified_until": awarded.last_notified,
    }
    if first:
        columns["stage"] = Stage.awarded
    action_label = ACTIONS[Move.award] if first else CORRECTION
    notice = "attribue" if first else "attribution-corrigee"
    return record(request, session, dossier, form, columns, action_label, notice)


def checked_award(ctx: AppContext, published: Published, data: dict[str, Any]) -> Any:
    """:func:`clauses.lifecycle.check_award`, with every error at once: when some values cannot
    be read, the award is checked again without them, so that what is missing is said too."""
    schema = DecpSchema.load()
    errors = award_form.implausible_dates(data, ctx.today())
    try:
        awarded = lifecycle.check_award(published, data, ctx.library, schema, ctx.today())
    except ProfileError as exc:
        errors += exc.errors
    if errors:
        named = [e.field for e in errors if e.field.startswith("award.")]
        rest = _without(data, named)
        if rest != data:
            try:
                lifecycle.check_award(published, rest, ctx.library, schema, ctx.today())
            except ProfileError as again:
                errors += [e for e in again.errors if not _within(e.field, named)]
        raise ProfileError(list(dict.fromkeys(errors)))
    return awarded


WHOLE = {"holders", "place"}
PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _without(data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The award without the values those errors name (``award.lots[2].id``: that lot's id;
    ``award.techniques[1]``: the techniques), to check again what else is missing."""
    rest = copy.deepcopy(data)
    for field in fields:
        tokens: list[str | int] = [
            name or int(index) for name, index in PATH_TOKEN.findall(field.removeprefix("award."))
        ]
        # Holders and the place are checked whole (their entries need every field): an
        # unreadable part takes them out of the second check.
        cut = next((i for i, t in enumerate(tokens) if t in WHOLE), None)
        if cut is not None:
            tokens = tokens[: cut + 1]
        node: Any = rest
        parent: Any = None
        key: str | int | None = None
        for token in tokens:
            if isinstance(token, int):
                if not isinstance(node, list) or not 1 <= token <= len(node):
                    break
                parent, key, node = node, token - 1, node[token - 1]
            else:
                if not isinstance(node, dict) or token not in node:
                    break
                parent, key, node = node, token, node[token]
        else:
            if isinstance(key, str) and isinstance(parent, dict):
                parent.pop(key, None)
            elif isinstance(key, int):  # an entry of a list of values: the whole list
                _drop_list(rest, tokens)
    return rest


def _drop_list(data: dict[str, Any], tokens: list[str | int]) -> None:
    """Remove the list the last index of ``tokens`` points in."""
    node: Any = data
    for i, token in enumerate(tokens[:-1]):
        if i == len(tokens) - 2 and isinstance(node, dict) and isinstance(token, str):
            node.pop(token, None)
            return
        node = node[token - 1] if isinstance(token, int) else node.get(token)
        if node is None:
            return


def _within(field: str, named: list[str]) -> bool:
    """Whether ``field`` is one of the fields already named, inside one of them, or holds one
    (its error only repeats theirs, or comes from their values left out)."""
    return any(
        field == n
        or field.startswith((f"{n}.", f"{n}["))
        or n.startswith((f"{field}.", f"{field}["))
        for n in named
    )


def ids_taken(session: Session, dossier: Dossier, award: Award) -> list[FieldError]:
    """The award's ids that another contract of the same buyer already declares (decp.info
    keeps one contract per buyer SIRET and ``id``: the other would vanish from the open data)."""
    if award.buyer_siret is None:
        return []
    taken = crud.contract_ids_taken(
        session=session, buyer_siret=award.buyer_siret, other_than=dossier.id
    )
    given = [("award.id", award.id)] + [
        (f"award.lots[{i}].id", lot.id) for i, lot in enumerate(award.lots or [], start=1)
    ]
    errors = []
    for key, value in given:
        other = taken.get(value) if value else None
        if other is None:
            continue
        named = (
            f" (dossier « {other.title} »)"
            if other.organisation_id == dossier.organisation_id
            else ""
        )
        errors.append(
            FieldError(
                key,
                f"l’identifiant « {value} » est déjà celui d’un autre marché de cet acheteur"
                f"{named} : chaque marché d’un acheteur a son propre identifiant dans les "
                "données essentielles",
            )
        )
    return errors


# The contract's open data.


def decp_filename(dossier: Dossier) -> str:
    ascii_title = unicodedata.normalize("NFKD", dossier.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-")
    notified = f"-{dossier.notified_on.isoformat()}" if dossier.notified_on else ""
    return f"decp-{slug or 'marche'}{notified}.json"


@router.get("/{dossier_id}/" + DECP, response_class=Response)
def decp_download(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep
) -> Response:
    """The DECP 2.0.3 object of the contract (its published tender and its award), validated
    against the official schema before it is offered; a page saying why until it is awarded."""
    dossier = load(session, dossier_id)
    published = stages.published_of(dossier)
    if dossier.award is None or published is None:
        stage = lifecycle.stage_of(dossier.stage)
        return render(
            request,
            "dossiers/move_refused.html",
            {
                "page_title": f"Données essentielles non disponibles — {dossier.title}",
                "title": "Données essentielles non disponibles",
                "dossier": dossier,
                "reasons": [
                    f"le dossier est « {STAGE_LABELS[stage]} » : les données essentielles (DECP) "
                    "d’un marché se publient une fois son attribution enregistrée"
                ],
                "status": 404,
            },
            status_code=404,
        )
    try:
        award = parse_award(dossier.award)
        document = decp_document(
            published.profile, award, published.strategy, ctx.library, DecpSchema.load()
        )
    except ProfileError as exc:  # a library change since the award, say: say so, never a 500
        return render(
            request,
            "dossiers/move_refused.html",
            {
                "page_title": f"Données essentielles à corriger — {dossier.title}",
                "title": "Données essentielles à corriger",
                "dossier": dossier,
                "reasons": [str(e) for e in exc.errors],
                "status": 422,
            },
            status_code=422,
        )
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{decp_filename(dossier)}"'},
    )


def lifecycle_view(ctx: AppContext, dossier: Dossier, ready: bool) -> dict[str, Any]:
    """What the dossier page's « Vie du marché » panel shows: the stage, the dated moves made,
    the moves the member may make now, and the award and DECP links."""
    stage = lifecycle.stage_of(dossier.stage)
    member_role = role()
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
