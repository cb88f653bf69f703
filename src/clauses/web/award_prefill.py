"""What the dossier and its organisation suggest for a new award (:func:`prefill`): the buyer's
SIRET, the procedure, techniques, modalities, place, CCAG and environmental considerations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clauses import french
from clauses.advisor.model import Regime
from clauses.decp.enums import (
    CCAG_BY_NATURE,
    Environmental,
    ExecutionModality,
    PlaceType,
    Procedure,
    Technique,
)
from clauses.lifecycle import Published
from clauses.profile import AgreementKind
from clauses.vocabulary import NATURE_LABELS, REGIME_LABELS
from clauses.web.award_page import Values

PROCEDURE_OF_REGIME = {
    Regime.no_procedure: Procedure.no_publicity,
    Regime.adapted: Procedure.adapted,
    Regime.formalised: Procedure.open,
}
# The vocabulary's regimes, the exemption said shortly beside its threshold.
REGIME_WORDS = REGIME_LABELS | {Regime.no_procedure: "marché dispensé de procédure"}
ENVIRONMENTAL_OBLIGATIONS = {
    "environmental_execution_condition": Environmental.clause,
    "environmental_award_criterion": Environmental.criterion,
}
NBSP = french.NBSP


@dataclass
class Prefill:
    """The values the dossier and its organisation suggest for a new award, and where each
    comes from (form name → a French sentence the page shows beside the field)."""

    values: Values = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def put(self, name: str, value: Any, source: str) -> None:
        self.values[name] = value
        self.sources[name] = source


def prefill(
    published: Published, organisation: str | None, organisation_siret: str | None
) -> Prefill:
    """What the published tender and the organisation know of the award: the buyer's SIRET,
    the procedure its regime suggests, the techniques and modalities (an ordinary contract, or
    the framework agreement the wizard recorded),
    the place (its region), the CCAG of its nature, the environmental considerations its
    obligations require. Suggestions the buyer may change; nothing of the award's outcome
    (holders, amounts, dates, offers) is guessed."""
    profile, advice = published.profile, published.advice
    found = Prefill()
    if organisation_siret:
        found.put(
            "buyer_siret",
            organisation_siret,
            f"SIRET enregistré pour votre organisation «{NBSP}{organisation}{NBSP}».",
        )
    procedure = advice.procedure
    threshold = (
        f"sous le seuil de dispense de {french.eur(procedure.no_procedure_threshold_eur)} HT"
        if procedure.regime is Regime.no_procedure
        else f"seuil européen de {french.eur(procedure.eu_threshold_eur)} HT"
    )
    found.put(
        "procedure",
        PROCEDURE_OF_REGIME[procedure.regime].value,
        f"Suggérée par le régime que l’avis a calculé{NBSP}: {REGIME_WORDS[procedure.regime]} "
        f"({threshold}). À changer si la procédure suivie a été une autre (appel d’offres "
        "restreint, négociation…).",
    )
    agreement = profile.agreement
    if agreement is not None:  # a framework agreement (issue 22), as the wizard recorded it
        orders = agreement.kind is AgreementKind.purchase_orders
        way = "à bons de commande" if orders else "à marchés subséquents"
        said = f"Le dossier décrit un accord-cadre {way}{NBSP}: à changer si ce n’est plus le cas."
        found.put("techniques", [Technique.framework.value], said)
        modality = ExecutionModality.orders if orders else ExecutionModality.subsequent
        found.put("execution_modalities", [modality.value], said)
    else:
        ordinary = (
            f"Le dossier décrit un marché ordinaire (ni accord-cadre, ni tranches){NBSP}: à "
            "changer si la consultation en a prévu."
        )
        found.put("techniques", [Technique.none.value], ordinary)
        found.put("execution_modalities", [ExecutionModality.none.value], ordinary)
    found.put(
        "ccag",
        CCAG_BY_NATURE[profile.nature].value,
        f"Celui de la nature du dossier ({NATURE_LABELS[profile.nature.value]}).",
    )
    if profile.region_code:
        found.put(
            "place-code", profile.region_code, f"Région du dossier (code {profile.region_code})."
        )
        found.put(
            "place-type",
            PlaceType.region.value,
            f"Région du dossier{NBSP}: précisez le département ou la commune si vous les "
            "connaissez.",
        )
    considerations = [
        ENVIRONMENTAL_OBLIGATIONS[o.id].value
        for o in advice.obligations
        if o.applies and o.id in ENVIRONMENTAL_OBLIGATIONS
    ]
    if considerations:
        bases = ", ".join(
            basis
            for o in advice.obligations
            if o.applies and o.id in ENVIRONMENTAL_OBLIGATIONS
            for basis in o.legal_basis
        )
        found.put(
            "environmental_considerations",
            [v.value for v in Environmental if v.value in considerations],
            f"Obligations que l’avis applique à cette consultation ({bases}).",
        )
    return found


def suggested(values: Values, found: Prefill) -> Values:
    """``values`` with each empty field given the dossier's suggestion."""
    return values | {name: v for name, v in found.values.items() if not values.get(name)}
