"""The questionnaire content: every question maps to a profile field, the region list is the
INSEE one, and conditional questions are asked only when they can change the advice."""

from __future__ import annotations

import csv

import pytest

from clauses.advisor.checks import review_for_advisor
from clauses.library import Library
from clauses.library.check import review
from clauses.library.questionnaire import Question, QuestionKind, Questionnaire
from clauses.profile import TenderProfile
from tests.conftest import SHARED_DATA


def test_questionnaire_passes_the_library_review(library: Library) -> None:
    problems = [p for p in review(library, library.manifest.reviewed_on) if "questionnaire" in p]
    assert problems == []


def test_every_required_profile_field_is_asked(library: Library) -> None:
    asked = {q.field for q in library.questionnaire.questions}
    required = {n for n, f in TenderProfile.model_fields.items() if f.is_required()}
    assert required <= asked


def test_every_question_has_a_french_help_text(library: Library) -> None:
    for question in library.questionnaire.questions:
        assert len(question.help) > 30, question.field
        for item in question.items:
            assert item.help, item.field


def test_region_list_matches_insee(library: Library) -> None:
    path = SHARED_DATA / "cog" / "regions_cog2025.csv"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    with path.open(encoding="utf-8") as source:
        insee = {
            r["region_code"]: r["region_nom"]
            for r in csv.DictReader(source)
            if r["type"] == "region"
        }
    question = library.questionnaire.question("region_code")
    assert question is not None and question.kind is QuestionKind.region
    ours = {c.value: c.label for c in question.choices}
    assert len(ours) == 18
    assert set(ours) == set(insee)
    for code, name in insee.items():
        assert ours[code].replace("’", "'") == name, code


def test_review_catches_a_question_on_an_unknown_field(library: Library) -> None:
    from dataclasses import replace

    data = library.questionnaire.model_dump()
    data["steps"][0]["questions"].append(
        {
            "field": "montant",
            "kind": "text",
            "label": "Montant",
            "help": "Un champ qui n’existe pas.",
        }
    )
    data["steps"][0]["questions"].append(
        {
            "field": "local_offer.handicap",
            "kind": "text",
            "label": "Offre",
            "help": "Un sous-champ inconnu.",
        }
    )
    data["steps"][0]["questions"].append(
        {
            "field": "buyer_kind",
            "kind": "choice",
            "label": "Acheteur",
            "help": "Un choix qui n’existe pas.",
            "choices": [{"value": "province", "label": "Province"}],
        }
    )
    data["steps"][1]["questions"] = [
        q for q in data["steps"][1]["questions"] if q["field"] != "buyer_kind"
    ]
    broken = replace(library, questionnaire=Questionnaire.model_validate(data))
    problems = [p for p in review(broken, library.manifest.reviewed_on) if "questionnaire" in p]
    assert any("« montant » n’est pas un champ de TenderProfile" in p for p in problems)
    assert any("« local_offer.handicap »" in p for p in problems)
    assert any("« province » refusé" in p for p in problems)


def test_conditions(library: Library) -> None:
    def asked(field: str, **answers: object) -> bool:
        from clauses.questionnaire.wizard import applies

        question = library.questionnaire.question(field)
        assert isinstance(question, Question)
        return applies(question, answers, library)

    assert asked("transferred_staff_monthly_hours", nature="services", cpv="90919200-4")
    assert not asked("transferred_staff_monthly_hours", nature="works", cpv="45214220-8")
    assert not asked("transferred_staff_monthly_hours")
    # The local SIAE offer is read by the hours clause of every tender: asked for transport too.
    assert asked("local_offer.insertion", cpv="45214220-8")
    assert asked("local_offer.insertion", nature="services", cpv="60130000-8")
    assert asked("local_offer.insertion", cpv="80531200-7")
    assert not asked("local_offer.disability", cpv="45214220-8")  # building works: no EA/ESAT
    assert asked("local_offer.disability", cpv="79810000-5")  # printing
    # A lot whose trade fits EA/ESAT makes the question worth asking (green-spaces lot).
    lots = [{"title": "Espaces verts", "cpv": "45112710-5", "estimated_amount_eur": "1"}]
    assert asked("local_offer.disability", cpv="45214220-8", lots=lots)  # type: ignore[arg-type]
    assert asked("social_services", nature="services")
    assert not asked("social_services", nature="works")
    assert asked("insertion_contract", nature="services")
    assert not asked("insertion_contract", nature="supplies")


def test_review_catches_a_condition_the_rules_do_not_have(library: Library) -> None:
    from dataclasses import replace

    data = library.questionnaire.model_dump(mode="json", exclude_none=True)
    for step in data["steps"]:
        for question in step["questions"]:
            if question["field"] == "facilitator_available":
                question["ask_when"] = "advice_reads_it"
            if question["field"] == "transferred_staff_monthly_hours":
                del question["ask_when"]
    broken = replace(library, questionnaire=Questionnaire.model_validate(data))
    problems = [p for p in review_for_advisor(broken) if "ask_when" in p]
    assert len(problems) == 2
    assert any("pour tout marché : retirez ask_when" in p for p in problems)
    assert any("dans certains cas : ajoutez ask_when" in p for p in problems)
