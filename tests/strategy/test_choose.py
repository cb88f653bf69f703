"""``choose()``: the defaults it fills, and each rule it refuses, with the key named."""

from __future__ import annotations

from typing import Any

import pytest

from clauses.advisor import advise
from clauses.advisor.model import Advice, Exclusion, Level
from clauses.library import Library
from clauses.library.models import MechanismId, ObligationId
from clauses.profile import TenderProfile, load_document
from clauses.strategy import ResolvedStrategy, Strategy, StrategyError
from clauses.strategy.choose import choose, resolve
from tests.conftest import AS_OF, EXAMPLES

M = MechanismId


def example(name: str, library: Library) -> tuple[TenderProfile, Advice]:
    profile, _ = load_document(EXAMPLES / f"{name}.yaml")
    return profile, advise(profile, library, AS_OF)


def resolved(
    name: str, library: Library, strategy: dict[str, Any] | None = None, **advice_changes: Any
) -> ResolvedStrategy | list[StrategyError]:
    profile, advice = example(name, library)
    if advice_changes:
        advice = advice.model_copy(update=advice_changes)
    return resolve(profile, advice, strategy, library)


def refused(result: ResolvedStrategy | list[StrategyError]) -> dict[str, str]:
    assert isinstance(result, list), f"accepted: {result}"
    return {e.key: e.message for e in result}


def accepted(result: ResolvedStrategy | list[StrategyError]) -> ResolvedStrategy:
    assert isinstance(result, ResolvedStrategy), f"refused: {result}"
    return result


WORKS = "lycee-rehabilitation"  # 5 lots, above the EU threshold: L2112-2-1 applies
LABOUR_LIGHT = "services-informatiques"  # no lots; hours clause « déconseillé »
SMALL = "petite-reparation"  # no procedure, L2112-2-1 does not apply


def test_default_is_the_planners_strategy(library: Library) -> None:
    """Without ``mechanisms``, the strategy is the advice's plan (DOMAIN §9): on the lycée,
    hours on the structural and other lots, the painting lot reserved with its non-hours
    condition, and the planner's reasons kept with each mechanism."""
    profile, advice = example(WORKS, library)
    result = accepted(choose(profile, advice, None, library))
    assert advice.plan is not None
    assert [(m.id, m.lots or None, m.option) for m in result.mechanisms] == [
        (p.id, p.lots, p.option) for p in advice.plan.mechanisms
    ]
    assert [(m.id, m.lots, m.option) for m in result.mechanisms] == [
        (M.reserved_insertion, [3], None),
        (M.insertion_clause, [1, 2, 4, 5], None),
        (M.other_social_condition, [3], "worker_support"),
    ]
    assert all(m.why for m in result.mechanisms)
    clause = advice.recommendation(M.insertion_clause)
    assert clause is not None
    # The clause on its lots: one line per lot, the advice's hours.
    assert [(h.lot, h.hours) for h in result.hours] == [
        (n, clause.lots[n - 1].hours) for n in (1, 2, 4, 5)
    ]
    assert result.decp_social == ["Clause sociale", "Marché réservé"]


def test_allotment_is_no_longer_a_lever(library: Library) -> None:
    profile, advice = example(WORKS, library)
    refused = choose(
        profile, advice, Strategy.model_validate({"mechanisms": [{"id": "lots_division"}]}), library
    )
    assert isinstance(refused, list)
    assert refused[0].key == "strategy.mechanisms[1].id"
    assert "fait du marché" in refused[0].message


def test_an_option_must_fit_its_lots_and_may_be_listed_once_per_option(library: Library) -> None:
    profile, advice = example(WORKS, library)
    both = {
        "mechanisms": [
            {"id": "insertion_clause", "lots": [1, 2, 4]},
            {"id": "reserved_insertion", "lots": [3]},
            {"id": "other_social_condition", "option": "worker_support", "lots": [3]},
            {"id": "other_social_condition", "option": "apprentices", "lots": [5]},
        ]
    }
    result = accepted(choose(profile, advice, Strategy.model_validate(both), library))
    assert [m.option for m in result.all_retained(M.other_social_condition)] == [
        "worker_support",
        "apprentices",
    ]
    # The reserved-only option on a lot no reservation fits; two options on one lot.
    wrong = {
        "mechanisms": [
            {"id": "other_social_condition", "option": "worker_support", "lots": [1]},
            {"id": "other_social_condition", "option": "apprentices", "lots": [1]},
            {"id": "insertion_clause", "option": "apprentices"},
        ]
    }
    refused = choose(profile, advice, Strategy.model_validate(wrong), library)
    assert isinstance(refused, list)
    assert {e.key for e in refused} == {
        "strategy.mechanisms[1].option",
        "strategy.mechanisms[3].option",
    } or {e.key for e in refused} >= {"strategy.mechanisms[1].option"}
    assert any("ne convient pas" in e.message for e in refused)
    # An empty list of lots is no longer « the whole contract » (it is an error naming it).
    empty = {"mechanisms": [{"id": "reserved_insertion", "lots": []}]}
    refused = choose(profile, advice, Strategy.model_validate(empty), library)
    assert isinstance(refused, list) and refused[0].key == "strategy.mechanisms[1].lots"


def test_a_reserved_lot_with_hours_is_refused(library: Library) -> None:
    profile, advice = example(WORKS, library)
    stacked = {
        "mechanisms": [
            {"id": "reserved_insertion", "lots": [3]},
            {"id": "insertion_clause", "lots": [1, 3]},
        ]
    }
    refused = choose(profile, advice, Strategy.model_validate(stacked), library)
    assert isinstance(refused, list)
    # Refused on its lots; L2112-2-1 then lacks its execution condition (named too).
    assert [e.key for e in refused] == ["strategy.mechanisms[2].lots", "strategy.derogation"]
    assert "acquise d’avance" in refused[0].message


def test_every_example_default_strategy_is_consistent(library: Library) -> None:
    paths = sorted(EXAMPLES.glob("*.yaml"))
    assert len(paths) >= 10, f"the examples are not in {EXAMPLES}"  # else nothing is checked
    for path in paths:
        profile, others = load_document(path)
        advice = advise(profile, library, AS_OF)
        accepted(resolve(profile, advice, others.get("strategy"), library))


def test_clause_on_some_lots_owes_their_hours_only(library: Library) -> None:
    result = accepted(
        resolved(WORKS, library, {"mechanisms": [{"id": "insertion_clause", "lots": [3, 1]}]})
    )
    assert result.retained(M.insertion_clause).lots == [1, 3]  # type: ignore[union-attr]
    assert [h.lot for h in result.hours] == [1, 3]


def test_hours_override_replaces_the_lot_hours_with_its_reason(library: Library) -> None:
    result = accepted(
        resolved(
            WORKS,
            library,
            {
                "mechanisms": [{"id": "insertion_clause"}],
                "hours_override": {"2": 1200},
                "hours_override_reason": "Volume validé avec le facilitateur",
            },
        )
    )
    line = next(h for h in result.hours if h.lot == 2)
    assert (line.hours, line.overridden) == (1200, True)
    assert result.hours_override_reason == "Volume validé avec le facilitateur"


@pytest.mark.parametrize(
    ("name", "strategy", "key"),
    [
        # Lot numbers that do not exist; lots on a contract without lots.
        (
            WORKS,
            {"mechanisms": [{"id": "insertion_clause", "lots": [6]}]},
            "strategy.mechanisms[1].lots",
        ),
        (
            WORKS,
            {"mechanisms": [{"id": "insertion_clause", "lots": [0]}]},
            "strategy.mechanisms[1].lots",
        ),
        (
            LABOUR_LIGHT,
            {"mechanisms": [{"id": "other_social_condition", "lots": [1]}]},
            "strategy.mechanisms[1].lots",
        ),
        # A mechanism the advice does not offer for this tender.
        (
            WORKS,
            {"mechanisms": [{"id": "insertion_clause"}, {"id": "reserved_prison"}]},
            "strategy.mechanisms[2].id",
        ),
        # The same mechanism twice.
        (
            WORKS,
            {"mechanisms": [{"id": "insertion_clause"}, {"id": "insertion_clause"}]},
            "strategy.mechanisms[2].id",
        ),
        # Weighting: only for the criterion, and within (0, 100).
        (
            WORKS,
            {"mechanisms": [{"id": "insertion_clause", "weight_percent": 10}]},
            "strategy.mechanisms[1].weight_percent",
        ),
        (
            WORKS,
            {
                "mechanisms": [
                    {"id": "insertion_clause"},
                    {"id": "insertion_criterion", "weight_percent": 0},
                ]
            },
            "strategy.mechanisms[2].weight_percent",
        ),
        (
            WORKS,
            {
                "mechanisms": [
                    {"id": "insertion_clause"},
                    {"id": "insertion_criterion", "weight_percent": 100},
                ]
            },
            "strategy.mechanisms[2].weight_percent",
        ),
        # Exclusive mechanisms (the library's rules): the whole contract reserved twice.
        (
            "espaces-verts",
            {
                "mechanisms": [
                    {"id": "insertion_clause"},
                    {"id": "reserved_insertion"},
                    {"id": "reserved_disability"},
                ]
            },
            "strategy.mechanisms[3].lots",
        ),
        # L2112-2-1 applies: no social execution condition and no derogation.
        (WORKS, {"mechanisms": [{"id": "lots_division"}]}, "strategy.derogation"),
        (WORKS, {"mechanisms": []}, "strategy.derogation"),
        # A derogation where none is needed.
        (SMALL, {"derogation": {"ground": "x", "justification": "y"}}, "strategy.derogation"),
        (WORKS, {"derogation": {"ground": "x", "justification": "y"}}, "strategy.derogation"),
        (
            WORKS,
            {"mechanisms": [], "derogation": {"ground": "Motif", "justification": " "}},
            "strategy.derogation.justification",
        ),
        # Hours: an override needs its reason, a known lot, and the clause.
        (WORKS, {"hours_override": {"1": 100}}, "strategy.hours_override_reason"),
        (
            WORKS,
            {"hours_override": {"9": 100}, "hours_override_reason": "r"},
            "strategy.hours_override.9",
        ),
        (
            WORKS,
            {"hours_override": {"total": 100}, "hours_override_reason": "r"},
            "strategy.hours_override.total",
        ),
        (
            WORKS,
            {
                "mechanisms": [{"id": "insertion_clause", "lots": [1]}],
                "hours_override": {"2": 100},
                "hours_override_reason": "r",
            },
            "strategy.hours_override.2",
        ),
        (
            WORKS,
            {"hours_override": {"1": -5}, "hours_override_reason": "r"},
            "strategy.hours_override.1",
        ),
        (
            LABOUR_LIGHT,
            {"hours_override": {"total": 100}, "hours_override_reason": "r"},
            "strategy.hours_override",
        ),
        # Parameters of the texts.
        (WORKS, {"penalty_eur_per_hour": 0}, "strategy.penalty_eur_per_hour"),
        (WORKS, {"facilitator": {"email": "pas une adresse"}}, "strategy.facilitator.email"),
        (WORKS, {"ccap_article": "<article>"}, "strategy.ccap_article"),
        # Keys and types, named like the profile's.
        (
            WORKS,
            {"mechanisms": [{"id": "insertion_clause", "lot": [1]}]},
            "strategy.mechanisms[1].lot",
        ),
        (WORKS, {"mechanisms": [{"id": "clause_magique"}]}, "strategy.mechanisms[1].id"),
        (WORKS, {"penalty_eur_per_hour": "cinquante"}, "strategy.penalty_eur_per_hour"),
        (WORKS, {"couleur": "bleu"}, "strategy.couleur"),
        (WORKS, ["insertion_clause"], "strategy"),
    ],
)
def test_each_rule_is_refused_with_its_key(
    library: Library, name: str, strategy: Any, key: str
) -> None:
    errors = refused(resolved(name, library, strategy))
    assert key in errors, errors
    assert errors[key]  # a French message


def test_a_mechanism_the_law_excludes_is_refused(library: Library) -> None:
    exclusion = Exclusion(
        mechanism=M.reserved_insertion,
        title="Marché réservé aux SIAE",
        legal_basis=["L2113-13"],
        reasons=["Le métier ne convient pas aux structures d’insertion."],
    )
    errors = refused(
        resolved(
            WORKS,
            library,
            {"mechanisms": [{"id": "insertion_clause"}, {"id": "reserved_insertion", "lots": [3]}]},
            excluded=[exclusion],
        )
    )
    assert "ne convient pas" in errors["strategy.mechanisms[2].id"]


def test_a_discouraged_mechanism_is_kept_with_its_warning(library: Library) -> None:
    result = accepted(
        resolved(
            LABOUR_LIGHT,
            library,
            {"mechanisms": [{"id": "insertion_clause"}, {"id": "other_social_condition"}]},
        )
    )
    clause = result.retained(M.insertion_clause)
    assert clause is not None and clause.level is Level.discouraged
    assert clause.warnings and "déconseillé" in clause.warnings[0]


def test_a_justified_derogation_stands_in_for_the_social_consideration(library: Library) -> None:
    profile, advice = example(WORKS, library)
    grounds = ["Besoin satisfait par une solution immédiatement disponible"]
    obligations = [
        o.model_copy(update={"derogation_grounds": grounds})
        if o.id is ObligationId.social_consideration_above_eu_threshold
        else o
        for o in advice.obligations
    ]
    advice = advice.model_copy(update={"obligations": obligations})
    derogation = {
        "ground": grounds[0],
        "justification": "Achat sur étagère, livré sous huit jours.",
    }
    result = accepted(
        choose(
            profile,
            advice,
            Strategy.model_validate({"mechanisms": [], "derogation": derogation}),
            library,
        )
    )
    assert result.derogation is not None and result.derogation.ground == grounds[0]
    assert result.decp_social == ["Pas de considération sociale"]
    # A ground outside those the advice lists is refused.
    errors = refused(
        choose(
            profile,
            advice,
            Strategy.model_validate(
                {"mechanisms": [], "derogation": {**derogation, "ground": "Autre"}}
            ),
            library,
        )
    )
    assert "strategy.derogation.ground" in errors


def test_parameters_are_carried_to_the_resolved_strategy(library: Library) -> None:
    result = accepted(
        resolved(
            WORKS,
            library,
            {
                "mechanisms": [
                    {"id": "insertion_clause", "lots": [1, 2]},
                    {"id": "insertion_criterion", "weight_percent": 10},
                    {"id": "reserved_insertion", "lots": [3]},
                ],
                "penalty_eur_per_hour": 50,
                "facilitator": {"name": "Claire Martin", "email": "c.martin@mde.fr"},
                "ccap_article": "9",
            },
        )
    )
    assert result.retained(M.insertion_criterion).weight_percent == 10  # type: ignore[union-attr]
    assert result.retained(M.reserved_insertion).lots == [3]  # type: ignore[union-attr]
    assert (result.penalty_eur_per_hour, result.ccap_article) == (50, "9")
    assert result.facilitator is not None and result.facilitator.name == "Claire Martin"
    assert result.decp_social == ["Clause sociale", "Critère social", "Marché réservé"]


def test_choose_is_pure(library: Library) -> None:
    profile, advice = example(WORKS, library)
    assert choose(profile, advice, None, library) == choose(profile, advice, None, library)


def test_every_text_value_is_a_strategy_key_and_asked() -> None:
    """One place per value of the texts: the strategy's keys are the review page's questions."""
    from clauses.strategy.model import DraftValues
    from clauses.strategy.texts import TEXT_PARAMETERS

    assert {p.key.split(".")[0] for p in TEXT_PARAMETERS} == set(DraftValues.model_fields)


def test_the_text_values_are_checked_and_named(library: Library) -> None:
    profile, advice = example(WORKS, library)
    wrong = {
        "contact_deadline_days": 0,
        "reporting_frequency": "hebdomadaire",
        "criterion_subweights": {"tutoring": 50, "training": 30, "pathway": 20, "means": 20},
        "max_lots_per_candidate": 9,
        "non_allotment_reason": "un seul site",
    }
    refused = choose(profile, advice, Strategy.model_validate(wrong), library)
    assert isinstance(refused, list)
    assert [e.key for e in refused] == [
        "strategy.contact_deadline_days",
        "strategy.reporting_frequency",
        "strategy.max_lots_per_candidate",
        "strategy.non_allotment_reason",
        "strategy.criterion_subweights",
    ]
    assert "ici 120 %" in refused[-1].message
