"""The guided wizard: a step's page and its save."""

import uuid
from typing import Annotated, Any

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from clauses import french, inputs
from clauses.library.questionnaire import QuestionKind, Step
from clauses.questionnaire import explain, save, wizard
from clauses.questionnaire.cpv import looks_like_words, normalise_code
from clauses.store import crud
from clauses.store.models import (
    Dossier,
)
from clauses.web.access import Access, Right
from clauses.web.context import AppContext
from clauses.web.forms import read_form
from clauses.web.rendering import context_of, render, wants_fragment
from clauses.web.routes.dossiers.common import (
    NOTICES,
    Assessment,
    GuardedRoute,
    OnDossier,
    Visit,
    assess_dossier,
    dossier_router,
    dossier_url,
    error_items,
    notice_of,
    raw_answer,
    see_other,
    step_or_404,
    step_url,
    with_query,
    write_change,
)

router = dossier_router()
CPV_LIMIT = 10
NBSP = "\u00a0"
# Fields of a form answered in the thread pool: a step of questions has about ten, ten lots 40.
LARGE_FORM = 100


def lots_total_note(answers: dict[str, Any]) -> str:
    """The lots' total beside the contract's when they differ (thresholds are read on the
    contract's total, the hours on the lots)."""
    total = wizard.lots_total(answers)
    try:
        contract = wizard.parse_number(wizard.form_text(answers.get("estimated_amount_eur")))
    except ValueError:
        return ""
    if total is None or abs(total - contract) < 1:
        return ""
    gap = french.eur(abs(total - contract))
    return (
        f"Somme des lots{NBSP}: {french.eur(total)} HT, soit {gap} de "
        f"{'plus' if total > contract else 'moins'} que le montant total estimé "
        f"({french.eur(contract)} HT). Les seuils se lisent sur le montant total, les heures "
        "sur les lots."
    )


def cpv_search_query(step: Step, answers: dict[str, Any], typed: str) -> str:
    """What the step's CPV search shows: the query typed, else a label typed in a code field
    (« nettoyage » typed where a code is expected starts the search)."""
    if typed.strip():
        return typed.strip()[:100]
    kinds = {q.kind for q in step.questions}
    candidates = []
    if QuestionKind.cpv in kinds:
        candidates.append(str(answers.get("cpv") or ""))
    if QuestionKind.lots in kinds:
        candidates += [str(lot.get("cpv") or "") for lot in wizard.lots_of(answers)]
    return next((c.strip()[:100] for c in candidates if looks_like_words(c)), "")


def wizard_view(
    ctx: AppContext,
    dossier: Dossier,
    step: Step,
    *,
    check: bool = False,
    notice: str | None = None,
    cpv_query: str = "",
    focus: str = "",
    assessment: Assessment | None = None,
    confirm_remove: int | None = None,
) -> dict[str, Any]:
    library = ctx.library
    answers = dossier.answers
    assessment = assessment or assess_dossier(ctx, dossier)
    questions = wizard.visible(step, answers, library)
    errors = wizard.step_errors(step, assessment.errors)
    if not check:
        # While the buyer is filling in, only what was typed and cannot be read is an error.
        errors = {k: v for k, v in errors.items() if raw_answer(answers, k)}
    items = error_items(questions, answers, errors)
    steps = library.questionnaire.steps
    index = steps.index(step)
    cpv_answer = normalise_code(str(answers.get("cpv") or ""))
    cpv_query = cpv_search_query(step, answers, cpv_query)
    lots_question = next((q for q in step.questions if q.kind is QuestionKind.lots), None)
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
        "hidden": wizard.hidden(step, answers, library),
        "confirm_remove": confirm_remove,
        "lots_total": lots_total_note(answers),
        "empty_lots": [
            i for i, lot in enumerate(wizard.lots_of(answers)) if wizard.lot_is_empty(lot)
        ],
        "sizing": explain.sizing_view(
            step, answers, assessment.profile, assessment.advice, library, ctx.today()
        ),
        "notes": {"estimated_amount_eur": lots_total_note(answers)} if step.id != "lots" else {},
        "answers": answers,
        "lots": wizard.lots_of(answers),
        "errors": errors,
        "error_items": items,
        "check": check,
        "focus": "error-summary" if items and check else focus,
        "notice": notice,
        "saved": notice == NOTICES["enregistre"],  # focused, so that the save is announced
        "assessment": assessment,
        "advice": assessment.advice,
        "cpv_available": ctx.cpv.available,
        "cpv_check": ctx.cpv.check(cpv_answer),
        "cpv_lot_checks": {
            i: ctx.cpv.check(lot.get("cpv")) for i, lot in enumerate(wizard.lots_of(answers))
        },
        "cpv_item": next((i for i in lots_question.items if i.kind is QuestionKind.cpv), None)
        if lots_question
        else None,
        "cpv_query": cpv_query,
        "cpv_limit": CPV_LIMIT,
        "cpv_results": ctx.cpv.search(
            cpv_query,
            CPV_LIMIT,
            nature=str(answers.get("nature") or "") or None,
            known_sector=lambda code: library.sector_for(code) is not None,
            terms=library.search.terms,
        )
        if cpv_query
        else [],
        "lot_input": wizard.lot_input,
        "review_url": dossier_url(dossier.id),
    }


@router.get("/{dossier_id}/etapes/{step_id}", response_class=HTMLResponse)
def step_page(
    visit: Annotated[Visit, OnDossier(Right.read)],
    step_id: str,
    cpv_q: str = "",
    verifier: str = "",
    focus: str = "",
    retirer: str = "",
) -> HTMLResponse:
    request, ctx = visit.request, visit.ctx
    step = step_or_404(ctx.library, step_id)
    view = wizard_view(
        ctx,
        visit.dossier,
        step,
        check=bool(verifier),
        notice=notice_of(request),
        cpv_query=cpv_q,
        focus=focus if focus.replace("-", "").replace("_", "").isalnum() else "",
        confirm_remove=inputs.integer(retirer),
    )
    return render(request, "dossiers/step.html", view, fragment="dossiers/_wizard.html")


async def save_step(request: Request, access: Access) -> Response:
    """``POST /dossiers/{dossier_id}/etapes/{step_id}``: the step's answers saved, then the next
    page (or, with htmx, the fragment it would show).

    The wizard's most frequent request (every step, and with htmx every answer changed), hence a
    plain Starlette route (:data:`SAVE_ROUTE`), matched before any router: FastAPI's routing
    through the included routers and its solving of the router's dependency and of the path
    parameters cost more than the save's own work on the event loop (bench/README.md). Its right
    is the route's (:class:`GuardedRoute`), checked before it runs. A coroutine: the change is written by the
    writer's thread (group commit) while the event loop serves other requests; what is left
    here is computation, without I/O."""
    try:
        dossier_id = uuid.UUID(request.path_params["dossier_id"])
    except ValueError:
        raise HTTPException(status_code=404) from None
    step_id: str = request.path_params["step_id"]
    ctx = context_of(request)
    form = await read_form(request)
    library = ctx.library
    step = step_or_404(library, step_id)
    submission = save.read_submission(step, form)
    asked: list[int] = []  # the lot whose removal is to be confirmed

    def change(current: Dossier) -> dict[str, Any]:  # in the writer's thread
        made = save.change(submission, current.title, current.answers)
        if made.confirm_remove is not None:
            asked[:] = [made.confirm_remove]
        return made.fields

    try:
        saved = await write_change(ctx, dossier_id, form, change, access)
    except crud.StaleVersion as stale:
        answers = save.submitted(submission, stale.current.answers).answers
        return conflict(request, ctx, stale.current, step, answers)
    dossier, previous_answers = saved.dossier, saved.previous.answers
    answers = dossier.answers

    def answer() -> Response:
        """The page or fragment after the save: computation only, without I/O."""
        # One assessment of the saved answers serves the whole answer (blocking errors, view and
        # state), made only when read: a plain « Enregistrer » redirects without it.
        fragment = wants_fragment(request)
        action = submission.action
        assessment = assess_dossier(ctx, dossier) if fragment or action == "next" else None
        made = save.Change(answers, None, asked[0] if asked else None)
        errors = assessment.errors if assessment is not None else None
        to = save.destination(submission, made, previous_answers, errors, library)
        if to.target is None:
            url = dossier_url(dossier_id)
            if fragment:
                return Response(status_code=200, headers={"HX-Redirect": url, "Vary": "HX-Request"})
            return see_other(url)
        url = step_url(dossier_id, to.target)
        confirm = to.confirm_remove
        if assessment is None or not fragment:
            return see_other(
                with_query(
                    url,
                    "cpv-results" if to.cpv_query else "",
                    verifier="1" if to.check else "",
                    notice=to.notice,
                    focus=to.focus,
                    cpv_q=to.cpv_query,
                    retirer=str(confirm) if confirm is not None else "",
                )
            )
        view = wizard_view(
            ctx,
            dossier,
            to.target,
            check=to.check,
            notice=NOTICES.get(to.notice),
            focus=to.focus,
            assessment=assessment,
            cpv_query=to.cpv_query,
            confirm_remove=confirm,
        )
        if not (action or submission.picked) and render_state(
            ctx, step, answers, assessment.errors
        ) == render_state(
            ctx, step, previous_answers, wizard.build_profile(previous_answers, library).errors
        ):
            # An answer saved as it was given, with the form unchanged: refresh the advice panel and
            # the version (out of band) and leave the form, where the buyer is typing, in place.
            return render(request, "dossiers/step.html", view, fragment="dossiers/_autosave.html")
        if to.target is step:
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


SAVE_ROUTE = GuardedRoute(
    "/dossiers/{dossier_id}/etapes/{step_id}", save_step, Right.edit, methods=["POST"]
)


def render_state(
    ctx: AppContext, step: Step, answers: dict[str, Any], errors: dict[str, str]
) -> tuple[object, ...]:
    """What the step's form shows besides the values typed: its questions and the errors of
    the answers (as :func:`clauses.questionnaire.wizard.build_profile` gives them)."""
    errors = {k: v for k, v in wizard.step_errors(step, errors).items() if raw_answer(answers, k)}
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
