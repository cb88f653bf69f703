"""The guided wizard: a step's page and its save."""

import uuid
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from clauses.library.questionnaire import QuestionKind, Step
from clauses.profile import MAX_LOTS
from clauses.store import crud
from clauses.store.models import (
    Dossier,
)
from clauses.web import wizard
from clauses.web.context import AppContext
from clauses.web.cpv import normalise_code
from clauses.web.deps import ContextDep, SessionDep
from clauses.web.forms import read_form
from clauses.web.rendering import context_of, render, wants_fragment
from clauses.web.routes.dossiers.common import (
    NOTICES,
    assess,
    dossier_router,
    dossier_url,
    error_items,
    load,
    notice_of,
    raw_answer,
    see_other,
    step_or_404,
    step_url,
    with_query,
    write_change,
)

router = dossier_router()
# Fields of a form answered in the thread pool: a step of questions has about ten, ten lots 40.
LARGE_FORM = 100


def wizard_view(
    ctx: AppContext,
    dossier: Dossier,
    step: Step,
    *,
    check: bool = False,
    notice: str | None = None,
    cpv_query: str = "",
    focus: str = "",
) -> dict[str, Any]:
    library = ctx.library
    answers = dossier.answers
    assessment = assess(ctx, answers)
    questions = wizard.visible(step, answers, library)
    errors = wizard.step_errors(step, assessment.errors)
    if not check:
        # While the buyer is filling in, only what was typed and cannot be read is an error.
        errors = {k: v for k, v in errors.items() if raw_answer(answers, k)}
    items = error_items(questions, answers, errors)
    steps = library.questionnaire.steps
    index = steps.index(step)
    cpv_answer = normalise_code(str(answers.get("cpv") or ""))
    cpv_query = cpv_query.strip()[:100]
    return {
        "page_title": f"{step.title} — {dossier.title}",
        "dossier": dossier,
        "step": step,
        "steps": steps,
        "step_errors": {
            s.id: bool(
                [k for k in wizard.step_errors(s, assessment.errors) if raw_answer(answers, k)]
            )
            for s in steps
        },
        "answered": {s.id: wizard.answered(s, answers) for s in steps},
        "previous": steps[index - 1] if index > 0 else None,
        "next": steps[index + 1] if index + 1 < len(steps) else None,
        "questions": questions,
        "hidden_count": len(step.questions) - len(questions),
        "answers": answers,
        "lots": wizard.lots_of(answers),
        "errors": errors,
        "error_items": items,
        "check": check,
        "focus": "error-summary" if items and check else focus,
        "notice": notice,
        "assessment": assessment,
        "advice": assessment.advice,
        "cpv_available": ctx.cpv.available,
        "cpv_entry": ctx.cpv.find(cpv_answer),
        "cpv_lot_entries": {
            i: ctx.cpv.find(lot.get("cpv")) for i, lot in enumerate(wizard.lots_of(answers))
        },
        "cpv_query": cpv_query,
        "cpv_results": ctx.cpv.search(cpv_query) if cpv_query else [],
        "lot_input": wizard.lot_input,
        "review_url": dossier_url(dossier.id),
    }


@router.get("/{dossier_id}/etapes/{step_id}", response_class=HTMLResponse)
def step_page(
    request: Request,
    dossier_id: uuid.UUID,
    step_id: str,
    session: SessionDep,
    ctx: ContextDep,
    cpv_q: str = "",
    verifier: str = "",
    focus: str = "",
) -> HTMLResponse:
    dossier = load(session, dossier_id)
    step = step_or_404(ctx.library, step_id)
    view = wizard_view(
        ctx,
        dossier,
        step,
        check=bool(verifier),
        notice=notice_of(request),
        cpv_query=cpv_q,
        focus=focus if focus.replace("-", "").replace("_", "").isalnum() else "",
    )
    return render(request, "dossiers/step.html", view, fragment="dossiers/_wizard.html")


@router.post("/{dossier_id}/etapes/{step_id}", response_class=HTMLResponse)
async def save_step(request: Request, dossier_id: uuid.UUID, step_id: str) -> Response:
    # A coroutine: the change is written by the writer's thread (group commit) while the event
    # loop serves other requests; what is left here is computation, without I/O. The wizard's
    # most frequent request: the context and the form are taken here rather than through two
    # more dependencies, each of which FastAPI solves on every request.
    ctx = context_of(request)
    form = await read_form(request)
    library = ctx.library
    step = step_or_404(library, step_id)
    action = str(form.get("action") or "")
    picked = form.get("cpv_pick")
    removed = action.removeprefix("remove_lot-") if action.startswith("remove_lot-") else ""

    def submitted(answers: dict[str, Any]) -> dict[str, Any]:
        """The saved answers updated with the form (and the lot added or removed)."""
        answers = wizard.read_step(step, form, answers)
        if isinstance(picked, str) and picked:
            answers["cpv"] = normalise_code(picked)
        if action == "add_lot":
            answers = wizard.add_lot(answers, step)
        elif removed.isdigit():
            answers = wizard.remove_lot(answers, int(removed))
        return answers

    try:
        saved = await write_change(
            ctx, dossier_id, form, lambda current: {"answers": submitted(current.answers)}
        )
    except crud.StaleVersion as stale:
        return conflict(request, ctx, stale.current, step, submitted(stale.current.answers))
    dossier, previous_answers = saved.dossier, saved.previous.answers
    answers = dossier.answers
    focus = ""
    full = action == "add_lot" and len(wizard.lots_of(answers)) >= MAX_LOTS
    if action == "add_lot" and not full:
        focus = f"{wizard.LOTS}-{len(wizard.lots_of(answers)) - 1}-title"
    elif removed.isdigit():
        focus = "add-lot"

    def answer() -> Response:
        """The page or fragment after the save: computation only, without I/O."""
        steps = library.questionnaire.steps
        index = steps.index(step)
        # « Suivant » waits for this step's answers to be complete and readable; « Précédent » and
        # « Enregistrer » never block: the answers are saved as they are.
        blocking = blocking_errors(ctx, step, answers) if action == "next" else {}
        target: Step | None = step
        if action == "prev" or (action == "next" and not blocking):
            moved = index + (1 if action == "next" else -1)
            target = (
                steps[moved] if 0 <= moved < len(steps) else (None if moved >= len(steps) else step)
            )
        check = action == "next" and bool(blocking)
        notice = "lots-max" if full else ("enregistre" if action == "save" else "")
        if target is None:
            url = dossier_url(dossier_id)
            if wants_fragment(request):
                return Response(status_code=200, headers={"HX-Redirect": url, "Vary": "HX-Request"})
            return see_other(url)
        url = step_url(dossier_id, target)
        if not wants_fragment(request):
            return see_other(
                with_query(url, verifier="1" if check else "", notice=notice, focus=focus)
            )
        view = wizard_view(
            ctx, dossier, target, check=check, notice=NOTICES.get(notice), focus=focus
        )
        unchanged = render_state(ctx, step, answers) == render_state(ctx, step, previous_answers)
        if not (action or picked) and unchanged:
            # An answer saved as it was given, with the form unchanged: refresh the advice panel and
            # the version (out of band) and leave the form, where the buyer is typing, in place.
            return render(request, "dossiers/step.html", view, fragment="dossiers/_autosave.html")
        if target is step:
            # Same step: the questions and the panels change, the form element and its buttons
            # stay (a button pressed meanwhile is still sent by htmx).
            return render(
                request,
                "dossiers/step.html",
                view,
                fragment="dossiers/_step_update.html",
                headers={"HX-Retarget": "#step-fields", "HX-Reswap": "outerHTML"},
            )
        return render(
            request,
            "dossiers/step.html",
            view,
            fragment="dossiers/_wizard.html",
            headers={"HX-Retarget": "#wizard", "HX-Reswap": "outerHTML", "HX-Push-Url": url},
        )

    if len(form) > LARGE_FORM:
        # Dozens of lots: advising and rendering them takes long enough to hold every other
        # request, so it leaves the event loop (a short form is answered faster on it).
        return await run_in_threadpool(answer)
    return answer()


def blocking_errors(ctx: AppContext, step: Step, answers: dict[str, Any]) -> dict[str, str]:
    """What keeps « Suivant » from leaving the step: errors of its visible questions and lots."""
    outcome = wizard.build_profile(answers, ctx.library)
    visible_ids = {q.id for q in wizard.visible(step, answers, ctx.library)}
    return {
        k: v
        for k, v in wizard.step_errors(step, outcome.errors).items()
        if k in visible_ids or k.startswith(f"{wizard.LOTS}-")
    }


def render_state(ctx: AppContext, step: Step, answers: dict[str, Any]) -> tuple[object, ...]:
    """What the step's form shows besides the values typed: its questions and its errors."""
    outcome = wizard.build_profile(answers, ctx.library)
    errors = {
        k: v for k, v in wizard.step_errors(step, outcome.errors).items() if raw_answer(answers, k)
    }
    questions = [q.field for q in wizard.visible(step, answers, ctx.library)]
    cpv = ctx.cpv.find(normalise_code(str(answers.get("cpv") or "")))
    lots = [ctx.cpv.find(lot.get("cpv")) for lot in wizard.lots_of(answers)]
    return (questions, errors, cpv, lots)


def lots_text(answers: dict[str, Any]) -> str:
    return "; ".join(" – ".join(v for v in lot.values() if v) for lot in wizard.lots_of(answers))


def conflict(
    request: Request, ctx: AppContext, current: Dossier, step: Step, submitted: dict[str, Any]
) -> HTMLResponse:
    """409: the dossier changed meanwhile. Show both states; the user's entry can be re-applied."""
    library = ctx.library
    rows = []
    for question in step.questions:
        if question.kind is QuestionKind.lots:
            rows.append((question.label, lots_text(current.answers), lots_text(submitted)))
            continue
        mine = str(submitted.get(question.field) or "")
        theirs = str(current.answers.get(question.field) or "")
        if wizard.applies(question, submitted, library) or mine or theirs:
            rows.append(
                (question.label, wizard.display(question, theirs), wizard.display(question, mine))
            )
    hidden: list[tuple[str, str]] = []
    for question in step.questions:
        if question.kind is QuestionKind.lots:
            lots = wizard.lots_of(submitted)
            hidden.append((f"{wizard.LOTS}-count", str(len(lots))))
            for i, lot in enumerate(lots):
                hidden += [
                    (wizard.lot_input(i, it), lot.get(it.field, "")) for it in question.items
                ]
        elif question.field in submitted:
            hidden.append((question.id, str(submitted.get(question.field) or "")))
    return render(
        request,
        "dossiers/conflict.html",
        {
            "page_title": f"Modification concurrente — {current.title}",
            "dossier": current,
            "step": step,
            "rows": rows,
            "hidden": hidden,
            "action_url": step_url(current.id, step),
            "version": current.version,
            "step_url": step_url(current.id, step),
        },
        fragment="dossiers/_conflict.html",
        status_code=409,
        headers={"HX-Retarget": "#wizard", "HX-Reswap": "outerHTML"},
    )
