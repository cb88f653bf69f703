"""The obligations of the tender (L2112-2-1, L2112-2, L2152-7) on its launch date, which of the
planned mechanisms meet them, and the values its open data (DECP) would declare."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from clauses import french
from clauses.advisor.facts import note
from clauses.advisor.model import (
    Decp,
    DecpEnvironmentalValues,
    DecpSocialValues,
    Note,
    ObligationResult,
    Procedure,
    Regime,
)
from clauses.library import Library
from clauses.library.models import (
    DecpEnvironmental,
    DecpSocial,
    MechanismId,
    Obligation,
    ObligationId,
    Status,
)


def obligation(obligation: Obligation, procedure: Procedure, launch: dt.date) -> ObligationResult:
    started = launch >= obligation.valid_from
    date_note = " (date à vérifier)" if obligation.valid_from_status is Status.to_verify else ""
    match obligation.scope:
        case "above_eu_threshold":
            in_scope = procedure.above_eu_threshold
        case "with_procedure":
            in_scope = procedure.regime is not Regime.no_procedure
        case _:
            in_scope = True
    if not started:
        why = (
            f"Consultation lancée le {french.date(launch)}, avant le {french.date(obligation.valid_from)}"
            f"{date_note} : l’obligation ne s’applique pas encore."
        )
    elif not in_scope and obligation.scope == "with_procedure":
        why = (
            "Achat sans publicité ni mise en concurrence préalables (R2122-8) : il n’y a pas "
            "d’attribution sur critères, l’obligation ne s’applique pas."
        )
    elif not in_scope:
        why = (
            f"Montant estimé inférieur au seuil européen applicable "
            f"({french.eur(procedure.eu_threshold_eur)} HT) : l’obligation ne s’applique pas."
        )
    else:
        why = obligation.explanation
        if obligation.scope == "above_eu_threshold":
            why += (
                f" Le montant estimé atteint le seuil européen ({french.eur(procedure.eu_threshold_eur)} HT)"
                f" et la consultation est lancée à compter du {french.date(obligation.valid_from)}{date_note}."
            )
    return ObligationResult(
        id=obligation.id,
        applies=started and in_scope,
        legal_basis=list(obligation.legal_basis),
        explanation=why,
        title=obligation.title,
        valid_from=obligation.valid_from,
        valid_from_to_verify=bool(date_note),
    )


def met_by(
    result: ObligationResult, planned: Iterable[MechanismId], library: Library
) -> ObligationResult:
    """Which planned mechanisms meet the obligation; when none, the grounds to derogate."""
    found = next(o for o in library.obligations.obligations if o.id is result.id)
    if not result.applies or not found.met_by:
        return result
    met = list(dict.fromkeys(m for m in planned if m in found.met_by))
    grounds = [] if met else [d.text for d in found.derogations]
    return result.model_copy(update={"met_by": met, "derogation_grounds": grounds})


def obligation_warnings(obligations: list[ObligationResult], library: Library) -> list[Note]:
    return [
        note(
            library,
            "obligation_unmet",
            title=o.title,
            articles=", ".join(o.legal_basis),
            grounds=" ".join(o.derogation_grounds),
        )
        for o in obligations
        if o.derogation_grounds
    ]


def decp(
    planned: Iterable[MechanismId], obligations: list[ObligationResult], library: Library
) -> Decp:
    social = decp_social(planned, library)
    applies = {o.id for o in obligations if o.applies}
    environmental = [
        value.value
        for oid, value in (
            (ObligationId.environmental_execution_condition, DecpEnvironmental.clause),
            (ObligationId.environmental_award_criterion, DecpEnvironmental.criterion),
        )
        if oid in applies
    ]
    return Decp(
        considerationsSociales=DecpSocialValues(considerationSociale=social),
        considerationsEnvironnementales=DecpEnvironmentalValues(
            considerationEnvironnementale=environmental
        )
        if environmental
        else None,
    )


def decp_social(mechanisms: Iterable[MechanismId], library: Library) -> list[str]:
    """The DECP ``considerationSociale`` values of these mechanisms, in the order of the DECP
    schema (« Pas de considération sociale » when none has one); the strategy uses it too."""
    values = {library.mechanisms[m].decp_value for m in mechanisms}
    return [
        v.value
        for v in (DecpSocial.clause, DecpSocial.criterion, DecpSocial.reserved)
        if v in values
    ] or [DecpSocial.none.value]
