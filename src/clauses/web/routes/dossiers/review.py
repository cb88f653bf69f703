"""The review page: the answers, the advice, and the buyer's decisions (the strategy), saved
with the dossier and drafted in one click."""

import uuid
from typing import Annotated, Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from clauses.library.questionnaire import Question, QuestionKind
from clauses.questionnaire import wizard
from clauses.questionnaire.cpv import normalise_code
from clauses.store import crud
from clauses.store.db import new_session
from clauses.store.models import (
    Dossier,
)
from clauses.store.stages import published_of
from clauses.web import limits, strategy_form
from clauses.web.access import Access, Needs, Right
from clauses.web.context import AppContext
from clauses.web.drafting import SECTIONS
from clauses.web.forms import read_form
from clauses.web.rendering import context_of, render, wants_fragment
from clauses.web.routes.dossiers.common import (
    NOTICES,
    Assessment,
    OnDossier,
    Visit,
    assess_dossier,
    dossier_router,
    dossier_url,
    load,
    notice_of,
    see_other,
    stale_page,
    with_query,
    write_change,
)
from clauses.web.routes.dossiers.documents import issue
from clauses.web.routes.dossiers.moves import lifecycle_view

router = dossier_router()
STRATEGY = "strategie"
ANCHOR = "strategy"


def strategy_view(
    ctx: AppContext, dossier: Dossier, assessment: Assessment, *, check: bool = False
) -> dict[str, Any]:
    """What the decisions form shows (``_strategy.html``); ``check``: the buyer has just sent
    it, so its error summary takes the focus."""
    form = None
    published = published_of(dossier)
    if published is not None:
        # Past the draft: what was published, read-only (no form to save).
        return {
            "dossier": dossier,
            "assessment": assessment,
            "profile": published.profile,
            "strategy": published.strategy,
            "form": None,
            "frozen": True,
            "check": False,
            "section_choices": SECTIONS,
            "strategy_url": dossier_url(dossier.id, STRATEGY),
        }
    if assessment.profile and assessment.advice and assessment.strategy_errors is not None:
        form = strategy_form.build_form(
            dossier.strategy,
            assessment.advice,
            assessment.profile,
            ctx.library,
            assessment.strategy_errors,
        )
    return {
        "dossier": dossier,
        "assessment": assessment,
        "profile": assessment.profile,
        "strategy": assessment.strategy,
        "form": form,
        "check": check,
        "section_choices": SECTIONS,
        "strategy_url": dossier_url(dossier.id, STRATEGY),
    }


def review_view(visit: Visit, *, check: bool = False) -> dict[str, Any]:
    ctx, dossier = visit.ctx, visit.dossier
    library = ctx.library
    assessment = assess_dossier(ctx, dossier)
    sections = []
    for step in library.questionnaire.steps:
        rows: list[tuple[Question, str | None, list[dict[str, str]] | None]] = []
        for question in wizard.visible(step, dossier.answers, library):
            if question.kind is QuestionKind.lots:
                rows.append((question, None, wizard.lots_of(dossier.answers)))
            else:
                raw = str(dossier.answers.get(question.field) or "")
                rows.append((question, wizard.display(question, raw), None))
        sections.append((step, rows))
    return {
        **strategy_view(ctx, dossier, assessment, check=check),
        "page_title": dossier.title,
        "sections": sections,
        "advice": assessment.advice,
        "errors": assessment.errors,
        "documents": crud.list_documents(session=visit.session, dossier_id=dossier.id),
        "cpv_entry": ctx.cpv.find(normalise_code(str(dossier.answers.get("cpv") or ""))),
        "review_url": dossier_url(dossier.id),
        "cycle": lifecycle_view(visit, assessment.ready),
    }


@router.get("/{dossier_id}", response_class=HTMLResponse)
def review(visit: Annotated[Visit, OnDossier(Right.read)], verifier: str = "") -> HTMLResponse:
    view = review_view(visit, check=bool(verifier))
    view["notice"] = notice_of(visit.request)
    return render(visit.request, "dossiers/review.html", view, fragment="dossiers/_review.html")


def unsaved(
    request: Request,
    ctx: AppContext,
    dossier_id: uuid.UUID,
    typed: dict[str, Any],
    access: Access,
) -> Response:
    """The decisions as typed, refused before saving (a mechanism on « les lots cochés » with
    none ticked): the page again with the error named, nothing written."""
    with new_session(ctx.engine) as session:
        dossier = load(session, dossier_id, access)
        shown = dossier.model_copy(update={"strategy": typed})
        if wants_fragment(request):
            view = strategy_view(ctx, shown, assess_dossier(ctx, shown), check=True)
            view |= {"oob": False, "notice": None}
            return render(
                request,
                "dossiers/review.html",
                view,
                fragment="dossiers/_strategy_fields.html",
                status_code=422,
            )
        view = review_view(Visit(request, ctx, session, access, shown), check=True)
    return render(request, "dossiers/review.html", view, status_code=422)


@router.post("/{dossier_id}/" + STRATEGY, response_class=HTMLResponse)
async def save_strategy(
    request: Request, access: Annotated[Access, Needs(Right.edit)], dossier_id: uuid.UUID
) -> Response:
    """Save the decisions as sent; « Générer » then drafts them and answers the .docx (a
    redirect to its download, which leaves the page in place), when they hold."""
    ctx = context_of(request)
    form = await read_form(request)
    generate = form.get("action") == "generate"
    typed = strategy_form.read_form(form, None, ctx.library)
    if strategy_form.empty_scopes(typed):
        return await run_in_threadpool(unsaved, request, ctx, dossier_id, typed, access)
    try:
        saved = await write_change(
            ctx,
            dossier_id,
            form,
            lambda current: {
                "strategy": strategy_form.read_form(form, current.strategy, ctx.library)
            },
            access,
        )
    except crud.StaleVersion as stale:
        return stale_page(request, stale.current, "vos choix")
    dossier = saved.dossier
    assessment = assess_dossier(ctx, dossier)
    fragment = wants_fragment(request)
    review_url = dossier_url(dossier_id)
    if generate and assessment.ready:
        sections = [s for s in SECTIONS if s in form.getlist("sections")] or list(SECTIONS)

        def issued() -> str:
            with new_session(ctx.engine) as session, limits.generating(request):
                visit = Visit(request, ctx, session, access, dossier)
                document = issue(visit, assessment, sections)
            return dossier_url(dossier_id, "documents", str(document.id))

        url = await run_in_threadpool(issued)
        if fragment:
            return Response(status_code=200, headers={"HX-Redirect": url, "Vary": "HX-Request"})
        return see_other(url)
    if not fragment:
        if assessment.strategy_errors:
            # Their summary takes the focus (autofocus), which a #fragment in the URL would stop.
            return see_other(with_query(review_url, verifier="1"))
        return see_other(with_query(review_url, anchor=ANCHOR, notice="choix"))
    view = strategy_view(ctx, dossier, assessment, check=generate)
    view |= {
        # With choices to correct, their summary speaks: « enregistrés » beside it read as a contradiction.
        "notice": NOTICES["choix"] if not generate and not assessment.strategy_errors else None,
        "oob": True,
        "sections_chosen": [s for s in SECTIONS if s in form.getlist("sections")],
    }
    return render(
        request,
        "dossiers/review.html",
        view,
        fragment="dossiers/_strategy_fields.html",
        status_code=422 if generate else 200,
    )
