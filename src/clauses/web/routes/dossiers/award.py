"""The award of a contract (DESIGN §6): its form, pre-filled from the published tender, checked
as the contract's open data (DECP) needs it; the first award moves the dossier to « attribué »,
a later one corrects it (both in the audit trail)."""

import copy
import re
from typing import Annotated, Any

from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from clauses import lifecycle
from clauses.decp.award import Award
from clauses.decp.document import DecpSchema, social_values
from clauses.lifecycle import AWARD_EDITABLE, RULES, Move, MoveRefused, Published
from clauses.profile import FieldError, ProfileError
from clauses.questionnaire.wizard import form_text
from clauses.store import crud, stages
from clauses.store.models import Dossier, Organisation, Stage
from clauses.web import award_form
from clauses.web.access import Right
from clauses.web.context import AppContext
from clauses.web.deps import FormDep
from clauses.web.rendering import render
from clauses.web.routes.dossiers.common import (
    OnDossier,
    Visit,
    dossier_router,
    dossier_url,
    form_version,
)
from clauses.web.routes.dossiers.moves import ACTIONS, AWARD, record, refused_page, role_of

router = dossier_router()
CORRECTION = "Correction de l’attribution"


def awardable(visit: Visit) -> Published:
    """The tender as published, if the award can be given (published) or corrected (awarded, in
    execution) now by the visiting member (by its role); else :class:`MoveRefused`."""
    dossier, role = visit.dossier, role_of(visit.access)
    stage = lifecycle.stage_of(dossier.stage)
    rule = RULES[Move.award]
    if stage in AWARD_EDITABLE:
        if not lifecycle.may(role, rule):
            lifecycle.check_move(Move.award, rule.source, role)  # raises the 403 reason
    else:
        lifecycle.check_move(Move.award, stage, role)
    published = stages.published_of(dossier)
    if published is None:  # a stage past draft always has its snapshot
        raise MoveRefused([FieldError("stage", "la consultation publiée n’est pas enregistrée")])
    return published


def prefill_of(visit: Visit, published: Published) -> award_form.Prefill:
    """What the dossier and its organisation suggest for the award."""
    organisation = visit.session.get(Organisation, visit.dossier.organisation_id)
    return award_form.prefill(
        published,
        organisation.name if organisation else None,
        organisation.siret if organisation else None,
    )


def award_view(
    visit: Visit,
    published: Published,
    values: award_form.Values,
    found: award_form.Prefill,
    *,
    errors: dict[str, str] | None = None,
    items: list[award_form.ErrorItem] | None = None,
    focus: str = "",
    version: int | None = None,
) -> dict[str, Any]:
    ctx, dossier = visit.ctx, visit.dossier
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
def award_page(visit: Annotated[Visit, OnDossier(Right.edit)]) -> HTMLResponse:
    try:
        published = awardable(visit)
    except MoveRefused as exc:
        return refused_page(visit, exc)
    award = visit.dossier.award
    values = award_form.values_of(award, published.profile)
    found = prefill_of(visit, published)
    if award is None:
        values = award_form.suggested(values, found)
    view = award_view(visit, published, values, found)
    return render(visit.request, "dossiers/award.html", view)


@router.post("/{dossier_id}/" + AWARD, response_class=HTMLResponse)
def save_award(visit: Annotated[Visit, OnDossier(Right.edit)], form: FormDep) -> Response:
    """The award checked as the DECP needs it (:func:`clauses.lifecycle.check_award`): the first
    one moves the dossier to « attribué », a later one corrects it (both in the trail). « Ajouter
    un titulaire » shows the form again with one more row, nothing saved."""
    try:
        published = awardable(visit)
    except MoveRefused as exc:
        return refused_page(visit, exc)
    request, ctx, session, dossier = visit.request, visit.ctx, visit.session, visit.dossier
    profile = published.profile
    values = award_form.read_values(form, profile)
    found = prefill_of(visit, published)
    version = form_version(form)
    action = form_text(form.get("action"))
    if action.startswith("add_holder:"):
        focus = award_form.add_holder(values, action.removeprefix("add_holder:")) or ""
        view = award_view(visit, published, values, found, focus=focus, version=version)
        return render(request, "dossiers/award.html", view)
    data, layout = award_form.award_data(values, profile)

    def refused(exc: ProfileError) -> Response:
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
            visit, published, values, found, errors=placed, items=items, version=version
        )
        return render(request, "dossiers/award.html", view, status_code=422)

    try:
        awarded = checked_award(ctx, published, data)
        repeated = ids_taken(session, dossier, awarded.award)
        if repeated:
            raise ProfileError(repeated)
    except ProfileError as exc:
        return refused(exc)

    def ids_still_free(writing: Session) -> None:
        """Checked again in the write transaction, under the buyer's lock: another award of
        the buyer saved since the check above may have taken one of the ids."""
        if awarded.award.buyer_siret is not None:
            crud.lock_contract_ids(writing, awarded.award.buyer_siret)
        if repeated := ids_taken(writing, dossier, awarded.award):
            raise ProfileError(repeated)

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
    try:
        return record(visit, form, columns, action_label, notice, ids_still_free)
    except ProfileError as exc:
        return refused(exc)


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
