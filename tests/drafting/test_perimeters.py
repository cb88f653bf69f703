"""What the buyer ticks is exactly what the DCE says (issue 19): each mechanism's lots in the
RC, the CCAP and the annexes; the lots paragraph and the motivation of non-allotment, which are
facts of the consultation; the other social condition drafted from its model; and, once the
review page's questions are answered, only what the buyer alone can know left « à compléter »."""

from __future__ import annotations

import re
from typing import Any

import pytest

from clauses.advisor import advise
from clauses.drafting import Draft
from clauses.library import Library
from clauses.profile import TenderProfile, load_profile, parse_profile
from clauses.strategy.choose import resolved_or_raise
from tests.conftest import AS_OF, EXAMPLES
from tests.drafting.helpers import full_text, make_draft, plain, reopen

PLACEHOLDER = re.compile(r"\[à compléter : [^\]]*\]")
FACILITATOR = {
    "name": "Claire Martin",
    "organisation": "Maison de l’emploi du Pays nantais",
    "email": "c.martin@mde.fr",
    "phone": "02 40 00 00 00",
}
# Every value the review page asks (clauses.strategy.texts and the texts' parameters).
ANSWERED: dict[str, Any] = {
    "penalty_eur_per_hour": 40,
    "facilitator": FACILITATOR,
    "ccap_article": "9",
    "contact_deadline_days": 15,
    "reporting_frequency": "trimestrielle",
    "final_report_deadline_days": 30,
    "penalty_reporting_eur_per_day": 50,
    "memo_max_pages": 6,
    "criterion_subweights": {"tutoring": 30, "training": 30, "pathway": 20, "means": 20},
}

CLEANING = {
    "title": "Nettoyage des lycées du Finistère",
    "nature": "services",
    "cpv": "90919200-4",
    "estimated_amount_eur": 2_160_000,
    "duration_months": 36,
    "launch_date": "2026-11-02",
    "buyer_kind": "region",
    "region_code": "53",
    "facilitator_available": True,
    "local_offer": {"insertion": "some", "disability": "many"},
    "lots": [
        {"title": "Lycées de Brest", "cpv": "90919200-4", "estimated_amount_eur": 900_000},
        {"title": "Lycées de Quimper", "cpv": "90919200-4", "estimated_amount_eur": 780_000},
        {"title": "Lycées de Morlaix", "cpv": "90919200-4", "estimated_amount_eur": 480_000},
    ],
}


def drafted(
    profile: TenderProfile, library: Library, strategy: dict[str, Any]
) -> tuple[Draft, str]:
    advice = advise(profile, library, AS_OF)
    resolved = resolved_or_raise(profile, advice, strategy, library)
    result = make_draft(profile, library, AS_OF, strategy=resolved)
    return result, plain(full_text(reopen(result.content)))


def planned(profile: TenderProfile, library: Library, **parameters: Any) -> list[dict[str, Any]]:
    """The planner's mechanisms, as the review page shows them ticked, with the option's
    parameters the buyer types."""
    advice = advise(profile, library, AS_OF)
    assert advice.plan is not None
    out = []
    for m in advice.plan.mechanisms:
        item: dict[str, Any] = {"id": m.id.value}
        if m.lots:
            item["lots"] = m.lots
        if m.option:
            item["option"] = m.option
            item["parameters"] = parameters[m.option]
        out.append(item)
    return out


def rc_of(text: str) -> str:
    return text[text.index("Règlement de la consultation") : text.index("Extrait du CCAP")]


def test_criterion_announced_for_its_lots_and_who_may_bid_on_the_reserved_lot(
    library: Library,
) -> None:
    profile = parse_profile({**CLEANING, "title": "Entretien des lycées"})
    strategy = {
        **ANSWERED,
        "mechanisms": [
            {"id": "insertion_clause", "lots": [1, 2]},
            {"id": "insertion_criterion", "lots": [1, 2], "weight_percent": 10},
            {"id": "reserved_disability", "lots": [3]},
            {
                "id": "other_social_condition",
                "option": "worker_support",
                "lots": [3],
                "parameters": {"penalty_eur": 300},
            },
        ],
    }
    _, text = drafted(profile, library, strategy)
    rc = rc_of(text)
    # The lots paragraph: one, several or all lots; the reserved lot 3 closed to others.
    assert "est divisée en 3 lots" in rc
    assert "Un candidat peut présenter une offre pour un, plusieurs ou tous les lots." in rc
    assert "Le lot n° 3 « Lycées de Morlaix » est réservé aux EA et ESAT" in rc
    assert "les autres lots sont ouverts à tous les opérateurs économiques" in rc
    # The criterion for lots 1 and 2 only.
    assert (
        "les offres remises pour les lots n° 1 « Lycées de Brest » et n° 2 « Lycées de "
        "Quimper » sont notamment jugées sur le critère" in rc
    )
    assert "Ce critère ne s’applique pas aux offres remises pour le lot n° 3" in rc
    memo = text[text.index("Cadre de réponse") :]
    assert "« Entretien des lycées – lots n° 1 et 2 »" in memo[:600]


def test_an_undivided_supplies_contract_motivates_it_and_drafts_its_ilo_condition(
    library: Library,
) -> None:
    profile = load_profile(EXAMPLES / "fournitures-ordinateurs.yaml")
    strategy = {
        "mechanisms": [{"id": "other_social_condition", "option": "ilo_supply_chain"}],
        "non_allotment_reason": "les ordinateurs et leur image logicielle forment un ensemble",
        "reporting_frequency": "annuelle",
    }
    result, text = drafted(profile, library, strategy)
    assert [m.id.value for m in result.strategy.mechanisms] == ["other_social_condition"]
    assert "Allotissement" not in text.split("Références juridiques citées")[0]
    assert "Motivation du non-allotissement" in text
    assert "n’est pas divisée en lots pour le motif suivant : les ordinateurs" in text
    assert "conventions fondamentales de l’Organisation internationale du travail" in text
    assert "selon une périodicité annuelle" in text
    # The condition is the option's model, not the blank generic one.
    assert "Description précise de la condition" not in text
    assert "[à compléter : Résumé de la condition" not in text


@pytest.mark.parametrize("name", ["lycee-rehabilitation", "cleaning in 3 lots"])
def test_once_the_review_page_is_answered_only_what_the_buyer_alone_knows_is_left(
    library: Library, name: str
) -> None:
    profile = (
        load_profile(EXAMPLES / f"{name}.yaml")
        if name.endswith("rehabilitation")
        else parse_profile(CLEANING)
    )
    strategy = {
        **ANSWERED,
        "mechanisms": planned(profile, library, worker_support={"penalty_eur": 300}),
    }
    _, text = drafted(profile, library, strategy)
    left = PLACEHOLDER.findall(text)
    assert len(left) <= 3, left
    # What is left: things only the buyer knows of the consultation itself.
    assert all("facilitateur" not in p and "Délai" not in p for p in left), left
