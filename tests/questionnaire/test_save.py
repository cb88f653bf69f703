"""A step's post, without HTTP: what it stores and where the wizard goes."""

from __future__ import annotations

from clauses.library import Library
from clauses.library.questionnaire import Step
from clauses.questionnaire import save, wizard

MARKET = {
    "title": "Réhabilitation du lycée",
    "nature": "works",
    "cpv": "45214220-8",
    "estimated_amount_eur": "6 200 000",
    "duration_months": "24",
}


def step(library: Library, step_id: str) -> Step:
    return next(s for s in library.questionnaire.steps if s.id == step_id)


def test_next_leaves_a_complete_step_and_names_the_dossier(library: Library) -> None:
    submission = save.read_submission(step(library, "marche"), {"action": "next", **MARKET})
    made = save.change(submission, "Nouveau dossier du 5 décembre 2026", {})
    assert made.fields == {"answers": MARKET, "title": "Réhabilitation du lycée"}
    errors = wizard.build_profile(made.answers, library).errors
    to = save.destination(submission, made, {}, errors, library)
    assert to.target is step(library, "acheteur")
    assert not to.check


def test_next_stays_on_a_step_whose_answers_do_not_read(library: Library) -> None:
    form = {"action": "next", **MARKET, "estimated_amount_eur": "beaucoup"}
    submission = save.read_submission(step(library, "marche"), form)
    made = save.change(submission, "Essai", {})
    assert made.title is None  # a title given by the buyer stays
    errors = wizard.build_profile(made.answers, library).errors
    to = save.destination(submission, made, {}, errors, library)
    assert to.target is step(library, "marche")
    assert to.check


def test_a_lot_with_answers_is_removed_once_confirmed(library: Library) -> None:
    lots = step(library, "lots")
    answers = {"lots": [{"title": "Peinture", "cpv": "", "estimated_amount_eur": ""}]}
    form = {"lots-count": "1", "lots-0-title": "Peinture", "action": "remove_lot-0"}
    asked = save.change(save.read_submission(lots, form), "Essai", answers)
    assert asked.confirm_remove == 0 and len(wizard.lots_of(asked.answers)) == 1
    to = save.destination(save.read_submission(lots, form), asked, answers, None, library)
    assert (to.target, to.focus, to.confirm_remove) == (lots, "remove-confirm", 0)
    confirmed = {**form, "action": "confirm_remove_lot-0"}
    removed = save.change(save.read_submission(lots, confirmed), "Essai", answers)
    assert removed.confirm_remove is None and wizard.lots_of(removed.answers) == []


def test_a_search_typed_then_enter_searches_rather_than_leaving(library: Library) -> None:
    form = {"action": "next", "cpv_q": "nettoyage", "cpv_q_shown": ""}
    submission = save.read_submission(step(library, "marche"), form)
    assert submission.action == "cpv_search"
    made = save.change(submission, "Essai", {})
    to = save.destination(submission, made, {}, {}, library)
    assert (to.target, to.focus, to.cpv_query) == (step(library, "marche"), "cpv_q", "nettoyage")


def test_a_code_picked_goes_to_its_lot(library: Library) -> None:
    answers = {"lots": [{"title": "A", "cpv": ""}, {"title": "B", "cpv": ""}]}
    form = {"cpv_pick": "lots-1-cpv=90910000-9"}
    made = save.change(save.read_submission(step(library, "lots"), form), "Essai", answers)
    assert [lot["cpv"] for lot in wizard.lots_of(made.answers)] == ["", "90910000-9"]
