"""The follow-up of a contract's insertion hours (DESIGN §6), by its buyers and the facilitator
invited to it (``Right.followup``): hours owed against hours performed per lot with the CCAP's
penalty, the lines recorded and the entry forms (the statement's import and the report are
:mod:`followup_files`).

The figures are the core's (:func:`clauses.followup.balance` of the lines stored against the
strategy published with the tender); lines are recorded in the stages in which the contract is
followed (:data:`clauses.lifecycle.FOLLOWED`), each with its audit row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi.responses import HTMLResponse, Response

from clauses import french, inputs
from clauses.followup import Balance, FollowUp, RowError, balance
from clauses.followup.statement import COLUMNS, MAX_ROWS
from clauses.library import Library
from clauses.library.models import StructureKind
from clauses.library.reporting import FollowupVocabularies
from clauses.lifecycle import FOLLOWED, Published, stage_of
from clauses.profile import TenderProfile
from clauses.store import accounts, crud, stages
from clauses.store.models import STAGE_LABELS, Dossier, FollowupEntry, FollowupKind
from clauses.vocabulary import EXECUTION_MODES, ORDER_UNITS, STRUCTURE_LABELS
from clauses.web.access import Right, actor
from clauses.web.charts import balance_chart
from clauses.web.deps import FormDep
from clauses.web.followup_form import Entry, read_hours, read_non_imputable, read_orders
from clauses.web.limits import over_quota
from clauses.web.rendering import render
from clauses.web.routes.dossiers.common import (
    OnDossier,
    Visit,
    dossier_router,
    dossier_url,
    see_other,
    with_query,
)
from clauses.web.sessions import Principal, current

router = dossier_router()
SUIVI = "suivi"
# A statement is a few hundred rows a quarter: well below the request limit, so that a file too
# large gets this page's message rather than the generic one.
IMPORT_MAX_BYTES = 500_000
IMPORT_ERRORS_SHOWN = 50  # the rows refused listed on the page; the others are counted
STATEMENT_FIELD = "releve"
# The three forms of a line: each names its entry on the page and its notice once stored.
HOURS, CASE, ORDERS = "heures", "non-imputable", "commandes"
NOTICES = {
    HOURS: "Ligne d’heures enregistrée.",
    CASE: "Cas non imputable enregistré.",
    "supprime": "Ligne supprimée.",
    "deja-supprime": "Cette ligne avait déjà été supprimée.",
    "importe": "Relevé importé : toutes ses lignes sont enregistrées.",
    ORDERS: "Montant commandé enregistré : les heures dues suivent.",
}


@dataclass
class Line:
    """A stored line as the page lists it."""

    entry: FollowupEntry
    lot: str
    period: str
    hours: float
    way: str = ""
    structure: str = ""
    people: list[str] | None = None
    justification: str = ""


@dataclass
class Followed:
    """What the page reads of a followed contract."""

    dossier: Dossier
    published: Published
    lots: int  # 0: not allotted
    entries: Sequence[FollowupEntry]
    followup: FollowUp
    result: Balance


def followed(visit: Visit) -> Followed | None:
    """The contract's follow-up, or None when the dossier is not at a followed stage."""
    ctx, dossier = visit.ctx, visit.dossier
    published = stages.published_of(dossier)
    if stage_of(dossier.stage) not in FOLLOWED or published is None:
        return None
    entries = stages.followup_entries(session=visit.session, dossier_id=dossier.id)
    followup = stages.followup_from(entries)
    result = balance(
        followup, published.strategy, published.profile, ctx.library.sizing.hours_per_fte
    )
    lots = len(published.profile.lots)
    return Followed(dossier, published, lots, entries, followup, result)


def _period(data: dict[str, Any]) -> str:
    start, end = data.get("period_start"), data.get("period_end")
    if not start or not end:
        return ""
    return f"du {_date(start)} au {_date(end)}"


def _date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def orders_named(profile: TenderProfile) -> tuple[str, str]:
    """A framework agreement's orders as its CCAP names them: one, and several (« bon de
    commande », « bons de commande », or the subsequent contracts')."""
    kind = profile.agreement.kind.value if profile.agreement else "purchase_orders"
    return ORDER_UNITS[kind], EXECUTION_MODES[kind]


def _lot(lot: int | None) -> str:
    return f"Lot {lot}" if lot is not None else "Marché"


def lines_of(entries: Sequence[FollowupEntry], library: Library) -> tuple[list[Line], list[Line]]:
    """The hours lines and the « non imputable » cases, with the library's labels."""
    vocabularies = library.followup
    hours, cases = [], []
    for entry in entries:
        if entry.kind == FollowupKind.orders:
            continue  # the amounts ordered have their own table
        data = entry.data
        # What both kinds of line show first: the line, its lot, its period and its hours.
        head = (entry, _lot(data.get("lot")), _period(data), float(data["hours"]))
        if entry.kind == FollowupKind.hours:
            way = vocabularies.ways.by_id.get(data["way"])
            people = []
            for count in data.get("people", []):
                public = vocabularies.publics.by_id.get(count["public"])
                contract = vocabularies.contract_types.by_id.get(count["contract_type"])
                outcome = vocabularies.outcomes.by_id.get(count.get("outcome") or "")
                people.append(
                    f"{count['count']} × {public.label if public else count['public']}, "
                    f"{contract.label if contract else count['contract_type']}"
                    + (f", six mois après : {outcome.label.lower()}" if outcome else "")
                )
            hours.append(
                Line(
                    *head,
                    way=way.label if way else data["way"],
                    structure=data.get("structure", ""),
                    people=people,
                )
            )
        else:
            cases.append(Line(*head, justification=data["justification"]))
    return hours, cases


def followup_page(
    visit: Visit,
    *,
    entries: Mapping[str, Entry] | None = None,
    imported: tuple[int, list[RowError]] | None = None,
    import_error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    request, ctx = visit.request, visit.ctx
    found = followed(visit)
    context: dict[str, Any] = {
        "stage_label": STAGE_LABELS[stage_of(visit.dossier.stage)],
        "found": found,
        "notice": NOTICES.get(request.query_params.get("notice", "")),
    }
    if found is not None:
        hours_lines, case_lines = lines_of(found.entries, ctx.library)
        entered = entries or {}
        hours_entry = entered.get(HOURS) or Entry({})
        context |= {
            "result": found.result,
            "chart": balance_chart("graphique-heures", found.result),
            "lots": found.published.profile.lots,
            "hours_lines": hours_lines,
            "case_lines": case_lines,
            "hours_entry": hours_entry,
            "case_entry": entered.get(CASE) or Entry({}),
            "order_entry": entered.get(ORDERS) or Entry({}),
            "order_lines": [
                {"entry": e, "period": _period(e.data)}
                for e in found.entries
                if e.kind == FollowupKind.orders
            ],
            "framework": found.published.strategy.framework,
            "order_floor": found.published.strategy.order_floor_eur,
            "order_units": orders_named(found.published.profile),
            "people_rows": range(hours_entry.people_rows),
            "structures": {k.value: STRUCTURE_LABELS[k.value] for k in StructureKind},
            "imported": imported,
            "own_only": own_lines_only(current(request)),
            "user_id": getattr(current(request), "user_id", None),
            "import_error": import_error,
            "import_max": french.number(IMPORT_MAX_BYTES // 1000),
            "import_rows": french.number(MAX_ROWS),
            "errors_shown": IMPORT_ERRORS_SHOWN,
            "columns": COLUMNS,
        }
    return visit.page(
        "dossiers/followup.html", "Suivi des heures", context, status_code=status_code
    )


def not_followed(visit: Visit) -> Response:
    """409: the lines of a contract are recorded once it is in execution."""
    return followup_page(visit, status_code=409)


@router.get("/{dossier_id}/suivi", response_class=HTMLResponse)
def followup_view(visit: Annotated[Visit, OnDossier(Right.followup)]) -> HTMLResponse:
    return followup_page(visit)


def own_lines_only(principal: Principal | None) -> bool:
    """The invited facilitator corrects only the lines he entered; the buyers, every line."""
    return principal is None or principal.role is None


def _author(visit: Visit) -> tuple[tuple[uuid.UUID, str], str]:
    access = visit.access
    user = accounts.get_user(visit.session, access.principal.user_id)
    name = (user.display_name if user else "") or access.principal.name
    return actor(access), name


def full_message(existing: int) -> str:
    return (
        f"Le suivi de ce marché compte déjà {french.number(existing)} lignes : "
        f"{french.number(stages.MAX_FOLLOWUP_LINES)} au plus. Regroupez des lignes (par "
        "trimestre, par public) ou supprimez celles qui font double emploi."
    )


def store(visit: Visit, followup: FollowUp, action: str) -> Response | None:
    """Store the lines; the page that refuses them instead: the organisation's storage quota
    reached (the lines count in it), or the contract's follow-up full."""
    request, session, dossier = visit.request, visit.session, visit.dossier
    refused = over_quota(request, session, dossier.organisation_id)
    if refused is not None:
        return refused
    who, name = _author(visit)
    try:
        stages.add_followup(
            session=session, dossier=dossier, followup=followup, actor=who, author_name=name,
            action=action,
        )  # fmt: skip
    except stages.FollowupFull as full:
        title = "Suivi complet"
        return render(
            request,
            "errors/error.html",
            {"page_title": title, "title": title, "message": full_message(full.existing)},
            status_code=409,
        )
    return None


Reader = Callable[[Mapping[str, Any], FollowupVocabularies, int, dt.date], Entry]


def add_line(
    visit: Visit,
    form: Mapping[str, Any],
    read: Reader,
    *,
    slot: str,
    anchor: str,
    more_people: bool = False,
) -> Response:
    """One line read by ``read`` and stored (then back to the page's ``anchor`` with its notice
    ``slot``), or the page with the form's entry in ``slot`` and its errors; ``more_people``
    shows the hours form again with one more row of people."""
    found = followed(visit)
    if found is None:
        return not_followed(visit)
    ctx = visit.ctx
    entry = read(form, ctx.library.followup, found.lots, ctx.today())
    if more_people:
        entry.errors = {}
        entry.people_rows += 1
        return followup_page(visit, entries={slot: entry})
    if entry.followup is None:
        return followup_page(visit, entries={slot: entry}, status_code=422)
    refused = store(visit, entry.followup, "suivi")
    if refused is not None:
        return refused
    return see_other(with_query(dossier_url(visit.dossier.id, SUIVI), anchor=anchor, notice=slot))


@router.post("/{dossier_id}/suivi/heures", response_class=HTMLResponse)
def followup_add_hours(
    visit: Annotated[Visit, OnDossier(Right.followup)], form: FormDep
) -> Response:
    more = form.get("action") == "more-people"
    return add_line(visit, form, read_hours, slot=HOURS, anchor="lignes", more_people=more)


@router.post("/{dossier_id}/suivi/non-imputable", response_class=HTMLResponse)
def followup_add_non_imputable(
    visit: Annotated[Visit, OnDossier(Right.followup)], form: FormDep
) -> Response:
    return add_line(visit, form, read_non_imputable, slot=CASE, anchor="non-imputables")


@router.post("/{dossier_id}/suivi/commandes", response_class=HTMLResponse)
def followup_add_orders(
    visit: Annotated[Visit, OnDossier(Right.followup)], form: FormDep
) -> Response:
    """A framework agreement: the amount ordered (or invoiced) on a lot over a period."""
    return add_line(visit, form, read_orders, slot=ORDERS, anchor="commandes")


@router.post("/{dossier_id}/suivi/supprimer", response_class=HTMLResponse)
def followup_delete(visit: Annotated[Visit, OnDossier(Right.followup)], form: FormDep) -> Response:
    if followed(visit) is None:
        return not_followed(visit)
    session, access, dossier = visit.session, visit.access, visit.dossier
    entry = inputs.integer(form.get("entry"))
    notice = "supprime"
    try:
        if entry is None:
            raise crud.DossierNotFound(str(entry))
        who, _ = _author(visit)
        stages.delete_followup(
            session=session,
            dossier=dossier,
            entry_id=entry,
            actor=who,
            own_only=own_lines_only(access.principal),
        )
    except crud.DossierNotFound:
        notice = "deja-supprime"  # sent twice, or a line of another contract
    except stages.NotTheAuthor:
        title = "Ligne d’un autre auteur"
        message = (
            "Un facilitateur ne supprime que les lignes qu’il a saisies : celle-ci l’a été par "
            "l’acheteur (elle compte dans le calcul de la pénalité). Demandez-lui de la corriger."
        )
        context = {"page_title": title, "title": title, "message": message}
        return render(visit.request, "errors/error.html", context, status_code=403)
    return see_other(with_query(dossier_url(dossier.id, SUIVI), anchor="lignes", notice=notice))
