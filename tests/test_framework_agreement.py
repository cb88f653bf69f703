"""Framework agreements (issue 22): the profile's ``agreement`` key, its French errors naming the
field, the wizard's questions in the buyer's words, the thresholds on the maximum."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from clauses.advisor.advise import advise
from clauses.library import Library
from clauses.profile import AgreementKind, ProfileError, loads_profile
from clauses.web import wizard

BASE = (
    "title: Entretien des lycées\nnature: works\nestimated_amount_eur: 4800000\n"
    "duration_months: 48\nlaunch_date: 2027-01-15\n"
)


def errors_of(text: str) -> dict[str, str]:
    with pytest.raises(ProfileError) as info:
        loads_profile(text)
    return {e.field: e.message for e in info.value.errors}


def test_an_agreement_is_read_and_its_absence_is_an_ordinary_contract() -> None:
    plain = loads_profile(BASE)
    assert plain.agreement is None and not plain.is_framework
    profile = loads_profile(
        BASE + "agreement: {kind: purchase_orders, minimum_eur: 1000000, maximum_eur: 4800000}\n"
    )
    assert profile.agreement is not None and profile.is_framework
    assert profile.agreement.kind is AgreementKind.purchase_orders
    assert profile.agreement.minimum_eur == 1_000_000
    assert profile.agreement.maximum_eur == 4_800_000


def test_agreement_errors_name_the_field_in_french() -> None:
    errors = errors_of(BASE + "agreement: {kind: bons, maximum_eur: 4800000}\n")
    assert "agreement.kind" in errors and "purchase_orders" in errors["agreement.kind"]
    errors = errors_of(BASE + "agreement: {kind: purchase_orders}\n")
    assert errors == {
        "agreement.maximum_eur": "champ obligatoire manquant (montant maximum de l’accord-cadre)"
    }
    errors = errors_of(BASE + "agreement: {kind: purchase_orders, maximum_eur: 4800000, bons: 1}\n")
    assert "clé inconnue" in errors["agreement.bons"]
    errors = errors_of(
        BASE + "lots:\n  - {title: Peinture, estimated_amount_eur: 900000, minimum_eur: 1000}\n"
    )
    assert "accord-cadre" in errors["lots[1].minimum_eur"]


def test_amounts_that_disagree_are_warned_naming_the_field(library: Library) -> None:
    """What the API's schema cannot say (one amount above another) is the advice's warning."""
    profile = loads_profile(
        BASE.replace("4800000", "5000000")
        + "agreement: {kind: purchase_orders, minimum_eur: 6000000, maximum_eur: 4800000}\n"
        + "lots:\n  - {title: Peinture, estimated_amount_eur: 900000, minimum_eur: 950000}\n"
    )
    warnings = [
        re.sub(r"\s", " ", w) for w in advise(profile, library, dt.date(2027, 1, 15)).warnings
    ]
    assert any("agreement.minimum_eur" in w for w in warnings)
    assert any("agreement.maximum_eur" in w and "5 000 000" in w for w in warnings)
    assert any("lots[1].minimum_eur" in w for w in warnings)


def test_the_thresholds_use_the_maximum(library: Library) -> None:
    """An agreement estimated at 150 000 € with a 300 000 € maximum of services is above the
    216 000 € threshold of 2026-2027: the maximum decides (R2121-8, à vérifier)."""
    text = (
        "title: Prestations\nnature: services\nestimated_amount_eur: 150000\n"
        "duration_months: 48\nlaunch_date: 2027-01-15\n"
    )
    plain = advise(loads_profile(text), library, dt.date(2027, 1, 15))
    framework = advise(
        loads_profile(text + "agreement: {kind: purchase_orders, maximum_eur: 300000}\n"),
        library,
        dt.date(2027, 1, 15),
    )
    assert not plain.procedure.above_eu_threshold
    assert framework.procedure.above_eu_threshold
    assert any("R2121-8, à vérifier" in w for w in framework.warnings)


def test_the_wizard_asks_it_in_the_buyers_words(library: Library) -> None:
    questions = {q.field: q for q in library.questionnaire.questions}
    kind = questions["agreement.kind"]
    labels = [c.label for c in kind.choices]
    assert "Accord-cadre à bons de commande" in labels
    assert "Non : marché ordinaire" in labels
    assert questions["agreement.minimum_eur"].label == "Montant minimum de l’accord-cadre"
    assert questions["agreement.maximum_eur"].label == "Montant maximum de l’accord-cadre"
    answers = {
        "title": "Entretien",
        "nature": "works",
        "estimated_amount_eur": "4 800 000",
        "duration_months": "48",
        "agreement.kind": "purchase_orders",
        "agreement.minimum_eur": "1 000 000",
        "agreement.maximum_eur": "4 800 000",
        "lots": [{"title": "Peinture", "estimated_amount_eur": "900 000", "minimum_eur": "200 000"}],
    }
    outcome = wizard.build_profile(answers, library)
    assert outcome.errors == {}
    assert outcome.profile is not None and outcome.profile.agreement is not None
    assert outcome.profile.agreement.minimum_eur == 1_000_000
    assert outcome.profile.lots[0].minimum_eur == 200_000
    # « Non : marché ordinaire » is no answer: an ordinary contract.
    ordinary = {k: v for k, v in answers.items() if not k.startswith("agreement")}
    ordinary["lots"] = [{"title": "Peinture", "estimated_amount_eur": "900 000"}]
    outcome = wizard.build_profile({**ordinary, "agreement.kind": ""}, library)
    assert outcome.profile is not None and outcome.profile.agreement is None
    # A maximum without saying which agreement: the question is named.
    outcome = wizard.build_profile({**ordinary, "agreement.maximum_eur": "4 800 000"}, library)
    assert "agreement__kind" in outcome.errors
