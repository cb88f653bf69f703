"""Framework agreements (issue 22): the profile's ``agreement`` key, its French errors naming the
field, the wizard's questions in the buyer's words, the thresholds on the maximum."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from clauses.advisor.advise import advise
from clauses.library import Library
from clauses.library.models import MechanismId as M
from clauses.profile import AgreementKind, ProfileError, loads_profile
from clauses.questionnaire import wizard

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
        "lots": [
            {"title": "Peinture", "estimated_amount_eur": "900 000", "minimum_eur": "200 000"}
        ],
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


MAINTENANCE = """\
title: Entretien et petits travaux des lycées
nature: works
cpv: "45000000-7"
estimated_amount_eur: 4800000
duration_months: 48
launch_date: 2027-01-15
agreement: {kind: purchase_orders, minimum_eur: 1000000, maximum_eur: 4800000}
facilitator_available: true
local_offer: {insertion: some, disability: some}
lots:
  - {title: "Gros œuvre et maçonnerie", cpv: "45262500-6", estimated_amount_eur: 1200000, minimum_eur: 250000}
  - {title: "Peinture et revêtements", cpv: "45442100-8", estimated_amount_eur: 1000000, minimum_eur: 200000}
  - {title: "Plomberie et chauffage", cpv: "45330000-9", estimated_amount_eur: 1100000, minimum_eur: 250000}
  - {title: "Électricité", cpv: "45310000-3", estimated_amount_eur: 900000, minimum_eur: 200000}
  - {title: "Menuiserie et serrurerie", cpv: "45421000-4", estimated_amount_eur: 600000, minimum_eur: 100000}
"""


def test_a_framework_owes_no_fixed_total_but_a_ratio_per_lot(library: Library) -> None:
    """The 4.8 M€ maintenance framework: hours per 1 000 € HT ordered, from the same labour
    share, rate and hourly cost as the fixed sizing, and what they mean at min and max."""
    advice = advise(loads_profile(MAINTENANCE), library, dt.date(2027, 1, 15))
    assert advice.insertion_hours == 0 and advice.sizing.hours == 0
    clause = advice.recommendation(M.insertion_clause)
    assert clause is not None
    assert "hours" not in clause.parameters
    # 1 000 € × 50 % × 5 % ÷ 30 €/h = 0,8333 → 0,83 h; peinture 70 % → 1,1667 → 1,17 h.
    ratios = [lot.hours_per_1000_eur for lot in clause.lots]
    assert ratios == [0.83, 1.17, 0.83, 0.83, 0.83]
    for lot, ratio in zip(clause.lots, ratios, strict=True):
        assert ratio == round(1000 * lot.labour_share * lot.insertion_rate / lot.hourly_cost_eur, 2)
    # At the maximum (the lot's amount) and at the lot's minimum, with the written ratio.
    assert [lot.hours for lot in clause.lots] == [996, 1170, 913, 747, 498]
    assert [lot.hours_at_minimum for lot in clause.lots] == [208, 234, 208, 166, 83]
    agreement = advice.sizing.agreement
    assert agreement is not None
    assert agreement.hours_at_maximum == 996 + 1170 + 913 + 747 + 498
    assert agreement.hours_at_minimum == 208 + 234 + 208 + 166 + 83
    assert agreement.hours_per_1000_eur is None  # the lots differ: per lot
    assert "montant HT commandé ÷ 1 000 × ratio" in agreement.formula
    assert any("0,83" in r and "par tranche de 1 000" in r for r in clause.reasons)
    assert not any(r.endswith("996 heures d’insertion.") for r in clause.reasons)
    # The plan keeps its rules: one primary lever per lot, the hours clause on each.
    assert advice.plan is not None
    for perimeter in advice.plan.perimeters:
        assert [lever.role for lever in perimeter.levers].count("primary") == 1


def test_an_undivided_framework_has_one_ratio(library: Library) -> None:
    text = BASE + "agreement: {kind: purchase_orders, maximum_eur: 4800000}\n"
    advice = advise(loads_profile(text), library, dt.date(2027, 1, 15))
    clause = advice.recommendation(M.insertion_clause)
    assert clause is not None
    assert clause.parameters["hours_per_1000_eur"] == 0.83
    assert clause.parameters["minimum_hours"] == 0  # no minimum
    assert clause.parameters["maximum_hours"] == 3984  # 4 800 000 × 0,83 ÷ 1 000
    plain = advise(loads_profile(BASE), library, dt.date(2027, 1, 15))
    assert plain.insertion_hours == 4000 and plain.sizing.agreement is None


def test_the_strategy_carries_the_ratio_and_refuses_a_fixed_total(library: Library) -> None:
    from clauses.strategy.choose import choose
    from clauses.strategy.model import ResolvedStrategy, Strategy

    profile = loads_profile(MAINTENANCE)
    advice = advise(profile, library, dt.date(2027, 1, 15))
    resolved = choose(profile, advice, Strategy(order_floor_eur=500), library)
    assert isinstance(resolved, ResolvedStrategy)
    assert resolved.framework and resolved.total_hours == 0
    assert [line.hours_per_1000_eur for line in resolved.hours] == [0.83, 1.17, 0.83, 0.83, 0.83]
    assert resolved.order_floor_eur == 500
    refused = choose(
        profile,
        advice,
        Strategy(hours_override={"1": 900}, hours_override_reason="volume connu"),
        library,
    )
    assert not isinstance(refused, ResolvedStrategy)
    assert any(e.key == "strategy.hours_override" and "accord-cadre" in e.message for e in refused)
    refused = choose(profile, advice, Strategy(order_floor_eur=-1), library)
    assert not isinstance(refused, ResolvedStrategy)
    assert [e.key for e in refused] == ["strategy.order_floor_eur"]


def test_the_draft_writes_the_ratio_counting_reporting_split_and_penalty(
    library: Library,
) -> None:
    from clauses.drafting import draft
    from clauses.strategy.choose import resolved_or_raise
    from tests.drafting.helpers import full_text, reopen

    profile = loads_profile(MAINTENANCE)
    on = dt.date(2027, 1, 15)
    advice = advise(profile, library, on)
    strategy = {"penalty_eur_per_hour": 50, "order_floor_eur": 500, "ccap_article": "9"}
    resolved = resolved_or_raise(profile, advice, strategy, library)
    content = draft(profile, advice, resolved, library, on).content
    text = re.sub(r"[\u00a0\u202f]", " ", full_text(reopen(content)))
    # The CCAP: the ratio per lot, how hours are counted per order, the floor, the reporting,
    # the split between co-contractors, the penalty on what was ordered.
    assert "L’accord-cadre est exécuté par bons de commande." in text
    assert "Heures d’insertion par tranche de 1 000 € HT commandés" in text
    assert "1,17 h" in text and "0,83 h" in text
    assert "Pour chaque bon de commande, les heures dues sont égales à son montant HT" in text
    assert "inférieur à 500 € HT" in text
    assert "montant HT des commandes notifiées sur la période, lot par lot" in text
    assert "répartit entre les cotraitants les heures dues sur les commandes" in text
    assert "pénalité de 50 €" in text
    assert "Aucune pénalité n’est due au titre de montants non commandés." in text
    assert "899 heures au montant minimum et 4 324 heures au montant maximum" in text
    # The notice and the RC say so; no fixed total is owed anywhere.
    assert text.count("0,83 heure de travail par tranche de 1 000 € HT commandés") >= 2
    assert "au moins 4 324 heures" not in text and "Heures d’insertion dues" not in text
    assert "considération sociale « Clause sociale »" in text
    # The candidate's commitment is to the ratio, applied to what is ordered.
    assert "appliqué au montant HT des commandes notifiées" in text
    # An ordinary contract keeps its article.
    plain = loads_profile(BASE)
    plain_advice = advise(plain, library, on)
    plain_text = full_text(
        reopen(
            draft(
                plain,
                plain_advice,
                resolved_or_raise(plain, plain_advice, None, library),
                library,
                on,
            ).content
        )
    )
    assert "bon de commande" not in plain_text
    # Subsequent contracts: the same article, in their words.
    subsequent = loads_profile(MAINTENANCE.replace("purchase_orders", "subsequent_contracts"))
    sub_advice = advise(subsequent, library, on)
    sub_resolved = resolved_or_raise(subsequent, sub_advice, strategy, library)
    sub_text = re.sub(
        r"[\u00a0\u202f]",
        " ",
        full_text(reopen(draft(subsequent, sub_advice, sub_resolved, library, on).content)),
    )
    assert "L’accord-cadre est exécuté par marchés subséquents." in sub_text
    assert "Pour chaque marché subséquent, les heures dues" in sub_text
    assert "bon de commande" not in sub_text


ORDERS_CSV = """\
lot;debut;fin;modalite;montant;heures;structure;public;type_contrat;personnes;sortie_6_mois;justification
1;2027-04-01;2027-06-30;commandes;120 000;;;;;;;
2;2027-04-01;2027-06-30;commandes;85 500,50;;;;;;;
1;2027-07-01;2027-09-30;commandes;64 250;;;;;;;
1;2027-10-01;2027-12-31;factures;210 000;;;;;;;
1;2027-04-01;2027-12-31;provision;;300;ETTI;rsa;assignment;2;;
2;2027-04-01;2027-12-31;direct_hiring;;50;;rqth;cdi;1;;
3;2027-04-01;2027-06-30;commandes;;12;;;;;;
"""


def test_hours_owed_follow_three_periods_of_orders_imported_from_csv(library: Library) -> None:
    """The hours owed computed by hand from three periods of orders on lot 1 and one on lot 2,
    against the balance of a CSV import; the balance, the penalty and the report follow."""
    from clauses.followup import balance, read_statement
    from clauses.followup.report import follow_up_report
    from clauses.strategy.choose import resolved_or_raise
    from tests.drafting.helpers import full_text, reopen

    profile = loads_profile(MAINTENANCE)
    on = dt.date(2027, 1, 15)
    advice = advise(profile, library, on)
    strategy = resolved_or_raise(profile, advice, {"penalty_eur_per_hour": 50}, library)
    statement = read_statement(
        ORDERS_CSV.encode("utf-8"), library.followup, len(profile.lots), today=dt.date(2028, 1, 15)
    )
    # The last row gives hours on an orders line: refused, named by its line and column.
    assert [(e.line, e.column) for e in statement.errors] == [(8, "heures")]
    assert len(statement.followup.orders) == 4 and len(statement.followup.records) == 2
    assert statement.followup.orders[3].basis == "invoiced"
    result = balance(statement.followup, strategy, profile, library.sizing.hours_per_fte)
    lot1, lot2 = result.lots[0], result.lots[1]
    # By hand: lot 1 at 0,83 h per 1 000 €: 120 000 + 64 250 + 210 000 = 394 250 € → 327,2275
    # → 327,23 h; per period 99,60, 53,33 (53,3275), 174,30.
    assert lot1.hours_per_1000_eur == 0.83 and lot1.ordered_eur == 394_250
    assert lot1.owed == 327.23
    assert [p.owed for p in result.orders_by_period if p.lot == 1] == [99.6, 53.33, 174.3]
    assert lot1.missing == round(327.23 - 300, 2) == 27.23
    assert lot1.penalty_eur == round(27.23 * 50, 2) == 1361.5
    assert lot1.owed_at_maximum == 996
    # Lot 2 at 1,17 h: 85 500,50 € → 100,035585 → 100,04 h; 50 performed.
    assert lot2.owed == 100.04 and lot2.missing == 50.04
    # Lots without orders owe nothing yet: no penalty for what was never ordered.
    assert {lot.lot: lot.owed for lot in result.lots[2:]} == {3: 0, 4: 0, 5: 0}
    assert result.penalty_eur == round((27.23 + 50.04) * 50, 2)
    report = re.sub(
        r"[\u00a0\u202f]",
        " ",
        full_text(reopen(follow_up_report(profile, None, statement.followup, result, library, on))),
    )
    assert "Accord-cadre : heures dues sur les commandes" in report
    assert "394 250 €" in report and "327,23" in report and "53,33" in report


def test_the_spaser_of_a_year_counts_hours_owed_on_that_years_orders(library: Library) -> None:
    """In memory as in the store: the orders of periods ending in the year, at the ratio; no
    fixed planned hours for the framework."""
    from clauses.followup import FollowUp, OrderedAmount
    from clauses.spaser.indicators import ContractRecord, indicators
    from clauses.strategy.choose import resolved_or_raise

    profile = loads_profile(MAINTENANCE)
    advice = advise(profile, library, dt.date(2027, 1, 15))
    strategy = resolved_or_raise(profile, advice, None, library)

    def order(lot: int, end: dt.date, amount: float) -> OrderedAmount:
        return OrderedAmount(
            lot=lot, period_start=end.replace(day=1), period_end=end, amount_eur=amount
        )

    followup = FollowUp(
        orders=[
            order(1, dt.date(2027, 6, 30), 120_000),  # 99,60 h
            order(2, dt.date(2027, 12, 31), 10_000),  # 11,70 h
            order(1, dt.date(2028, 3, 31), 50_000),  # 41,50 h, in 2028
        ]
    )
    record = ContractRecord("Région", "Entretien", profile, advice, strategy, None, followup)
    assert indicators([record], "Région", 2027, library).hours_owed_on_orders == 111.3
    assert indicators([record], "Région", 2028, library).hours_owed_on_orders == 41.5
    assert indicators([record], "Région", 2026, library).hours_owed_on_orders == 0
    assert strategy.total_hours == 0 and all(line.framework for line in strategy.hours)
