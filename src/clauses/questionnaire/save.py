"""One step's form posted, without HTTP: what it changes to the saved answers (and the dossier's
title), and where the wizard goes next. The web route reads the form, writes the change and
renders the page this says; nothing here reads a request or a database.

A form carries the step's answers and, at most, one action: « Suivant », « Précédent »,
« Enregistrer », a lot added or removed (a lot that holds answers is removed only once
confirmed), a CPV code picked in the search results, a search. Without an action it is an
autosave (htmx, each answer changed)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clauses import inputs
from clauses.library import Library
from clauses.library.questionnaire import Step
from clauses.questionnaire import wizard
from clauses.questionnaire.cpv import normalise_code

CPV_PICK = re.compile(r"^(?:(cpv|lots-[0-9]+-cpv)=)?(.*)$", re.DOTALL)
QUERY_MAX = 100


@dataclass(frozen=True)
class Submission:
    """What one post of a step asks, read from its form."""

    step: Step
    form: Mapping[str, Any]
    action: str  # « next », « prev », « save », « add_lot », « cpv_search »…; "" for an autosave
    picked: bool  # a CPV code was picked in the search results
    pick_target: str  # the field the code picked goes to: « cpv », « lots-2-cpv »; ""
    pick_code: str
    removing: int | None  # the lot whose removal was asked (confirmed unless it is empty)
    removed: int | None  # the lot whose removal was confirmed
    cpv_typed: str  # the CPV search typed


@dataclass(frozen=True)
class Change:
    """What to store: the answers, and the dossier's new title if the objet names it."""

    answers: dict[str, Any]
    title: str | None
    confirm_remove: int | None  # the lot holds answers: its removal is asked, not made

    @property
    def fields(self) -> dict[str, Any]:
        """The dossier's columns to write."""
        return {"answers": self.answers, **({"title": self.title} if self.title else {})}


@dataclass(frozen=True)
class Destination:
    """Where the wizard goes after the save, and what the page there shows."""

    target: Step | None  # None: past the last step, the dossier's review
    check: bool  # « Suivant » was refused: the step's errors are shown, its summary focused
    notice: str  # a key of the dossiers' notices, or ""
    focus: str  # the element to focus on the page, or ""
    confirm_remove: int | None  # the lot whose removal is to be confirmed
    cpv_query: str  # the CPV search to show


def read_submission(step: Step, form: Mapping[str, Any]) -> Submission:
    action = str(form.get("action") or "")
    picked = form.get("cpv_pick")
    # Removing a lot asks first (« confirm_remove_lot-N » removes), unless the lot is empty.
    removing = (
        inputs.integer(action.removeprefix("remove_lot-"))
        if action.startswith("remove_lot-")
        else None
    )
    removed = (
        inputs.integer(action.removeprefix("confirm_remove_lot-"))
        if action.startswith("confirm_remove_lot-")
        else None
    )
    cpv_typed = wizard.form_text(form.get("cpv_q"))[:QUERY_MAX]
    # Enter in the search field submits the form with its first button (« Suivant »): a query
    # typed and not searched yet is searched, rather than leaving the step.
    if cpv_typed and action == "next" and cpv_typed != wizard.form_text(form.get("cpv_q_shown")):
        action = "cpv_search"
    pick_target, pick_code = "", ""
    match = CPV_PICK.match(picked) if isinstance(picked, str) and picked else None
    if match:
        pick_target, pick_code = match[1] or "cpv", normalise_code(wizard.form_text(match[2]))
    return Submission(
        step,
        form,
        action,
        bool(picked),
        pick_target,
        pick_code,
        removing,
        removed,
        cpv_typed,
    )


def submitted(submission: Submission, answers: dict[str, Any]) -> Change:
    """The saved answers updated with the form (and the lot added or removed); the title is
    left to :func:`change`."""
    s = submission
    answers = wizard.read_step(s.step, s.form, answers)
    confirm: int | None = None
    if s.pick_target == "cpv":
        answers["cpv"] = s.pick_code
    elif s.pick_target:
        index = inputs.integer(s.pick_target.split("-")[1])
        lots = wizard.lots_of(answers)
        if index is not None and index < len(lots):
            lots[index]["cpv"] = s.pick_code
            answers[wizard.LOTS] = lots
    if s.action == "add_lot":
        answers = wizard.add_lot(answers, s.step)
    elif s.removed is not None:
        answers = wizard.remove_lot(answers, s.removed)
    elif s.removing is not None:
        lots = wizard.lots_of(answers)
        if s.removing < len(lots) and wizard.lot_is_empty(lots[s.removing]):
            answers = wizard.remove_lot(answers, s.removing)
        elif s.removing < len(lots):
            confirm = s.removing
    return Change(answers, None, confirm)


def change(submission: Submission, title: str, answers: dict[str, Any]) -> Change:
    """What the post changes to a dossier titled ``title`` whose answers are ``answers``."""
    updated = submitted(submission, answers)
    return Change(
        updated.answers, wizard.title_after(title, answers, updated.answers), updated.confirm_remove
    )


def blocking_errors(
    step: Step, answers: dict[str, Any], errors: Mapping[str, str], library: Library
) -> dict[str, str]:
    """What keeps « Suivant » from leaving the step: errors (of the answers' assessment) of its
    visible questions and lots."""
    visible_ids = {q.id for q in wizard.visible(step, answers, library)}
    return {
        k: v
        for k, v in wizard.step_errors(step, errors).items()
        if k in visible_ids or k.startswith(f"{wizard.LOTS}-")
    }


def destination(
    submission: Submission,
    saved: Change,
    previous_answers: dict[str, Any],
    errors: Mapping[str, str] | None,
    library: Library,
) -> Destination:
    """Where the saved post leads. ``errors`` are the saved answers' (:func:`wizard.build_profile`),
    None when they were not assessed: « Suivant » then leaves the step (the page there checks)."""
    s, answers = submission, saved.answers
    steps: Sequence[Step] = library.questionnaire.steps
    focus = ""
    # At the profile's maximum of lots, « Ajouter un lot » adds none, and the step says so.
    full = s.action == "add_lot" and len(wizard.lots_of(answers)) == len(
        wizard.lots_of(previous_answers)
    )
    if s.action == "add_lot" and not full:
        focus = f"{wizard.LOTS}-{len(wizard.lots_of(answers)) - 1}-title"
    confirm = saved.confirm_remove
    if confirm is not None:
        focus = "remove-confirm"
    elif s.removed is not None or s.removing is not None:
        focus = "add-lot"
    elif s.pick_target:
        focus = s.pick_target
    elif s.action == "cpv_search":
        focus = "cpv_q"
    # « Suivant » waits for this step's answers to be complete and readable; « Précédent » and
    # « Enregistrer » never block: the answers are saved as they are.
    blocking = (
        blocking_errors(s.step, answers, errors, library)
        if errors is not None and s.action == "next"
        else {}
    )
    index = steps.index(s.step)
    target: Step | None = s.step
    if s.action == "prev" or (s.action == "next" and not blocking):
        moved = index + (1 if s.action == "next" else -1)
        target = (
            steps[moved] if 0 <= moved < len(steps) else (None if moved >= len(steps) else s.step)
        )
    return Destination(
        target=target,
        check=s.action == "next" and bool(blocking),
        notice="lots-max" if full else ("enregistre" if s.action == "save" else ""),
        focus=focus,
        confirm_remove=confirm,
        cpv_query=s.cpv_typed if s.action == "cpv_search" else "",
    )
