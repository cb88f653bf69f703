"""Dossiers: the guided wizard, the review page, the generated documents, and the dossier's
life (rename, duplicate, archive, delete).

Every form is a plain POST answered by a redirect (post/redirect/get); with htmx the same POST
answers the fragment the page would show. Every change names the version the user saw; a
change made on an older version is refused with a 409 page that shows both states.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from clauses import french
from clauses.advisor import advise
from clauses.advisor.model import Advice
from clauses.library import Library
from clauses.library.questionnaire import Question, QuestionKind, Step
from clauses.store import crud
from clauses.store.db import new_session
from clauses.store.models import (
    TITLE_MAX,
    Dossier,
    DossierCreate,
    DossierStatus,
    GeneratedDocumentCreate,
)
from clauses.store.writer import Change, Saved
from clauses.web import wizard
from clauses.web.context import AppContext
from clauses.web.cpv import normalise_code
from clauses.web.deps import ContextDep, FormDep, SessionDep, csrf_protected
from clauses.web.drafting import DOCX_TYPE, SECTIONS, issue_draft
from clauses.web.forms import read_form
from clauses.web.rendering import context_of, render, wants_fragment

router = APIRouter(
    prefix="/dossiers",
    tags=["pages"],
    include_in_schema=False,
    dependencies=[Depends(csrf_protected)],
)

NOTICES = {
    "cree": "Dossier créé. Répondez aux questions dans l’ordre qui vous convient : chaque réponse est enregistrée.",
    "enregistre": "Réponses enregistrées.",
    "renomme": "Dossier renommé.",
    "duplique": "Copie créée : vous travaillez maintenant sur la copie.",
    "archive": "Dossier archivé.",
    "restaure": "Dossier restauré.",
    "supprime": "Dossier supprimé.",
    "genere": "Document généré : il est enregistré avec le conseil et la version de la bibliothèque utilisés.",
}
REVIEW = "synthese"


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Vary": "HX-Request"})


def with_query(url: str, anchor: str = "", **params: str) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{url}{'?' + query if query else ''}{'#' + anchor if anchor else ''}"


def dossier_url(dossier_id: uuid.UUID, *parts: str) -> str:
    return "/".join([f"/dossiers/{dossier_id}", *parts]).rstrip("/")


def load(session: Session, dossier_id: uuid.UUID) -> Dossier:
    try:
        return crud.get_dossier(session=session, dossier_id=dossier_id)
    except crud.DossierNotFound:
        raise HTTPException(status_code=404) from None


def read(ctx: AppContext, dossier_id: uuid.UUID) -> Dossier:
    """:func:`load` in a session of its own (for the routes that are coroutines)."""
    with new_session(ctx.engine) as session:
        return load(session, dossier_id)


async def write_change(
    ctx: AppContext, dossier_id: uuid.UUID, form: Mapping[str, Any], change: Change
) -> Saved:
    """The change written by the process's writer, on the version the form was shown at; 404 if
    the dossier is gone (a stale version is the caller's to show)."""
    try:
        return await ctx.writer.update(dossier_id, form_version(form), change)
    except crud.DossierNotFound:
        raise HTTPException(status_code=404) from None


def step_or_404(library: Library, step_id: str) -> Step:
    step = library.questionnaire.step(step_id)
    if step is None:
        raise HTTPException(status_code=404)
    return step


def form_version(form: Mapping[str, Any]) -> int:
    raw = form.get("version")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else 0


def notice_of(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("notice", ""))


def raw_answer(answers: Mapping[str, Any], error_id: str) -> str:
    if error_id.startswith(f"{wizard.LOTS}-"):
        _, index, name = error_id.split("-", 2)
        lots = wizard.lots_of(dict(answers))
        return str(lots[int(index)].get(name, "")) if int(index) < len(lots) else ""
    return str(answers.get(error_id.replace("__", "."), "") or "")


@dataclass
class ErrorItem:
    id: str
    label: str
    message: str
    step: Step | None = None


def error_items(
    questions: list[Question], answers: Mapping[str, Any], errors: Mapping[str, str]
) -> list[ErrorItem]:
    """Errors in the order of the questions, each with the label of its field."""
    items = []
    for question in questions:
        if question.kind is QuestionKind.lots:
            for i in range(len(wizard.lots_of(dict(answers)))):
                for item in question.items:
                    key = wizard.lot_input(i, item)
                    if key in errors:
                        items.append(ErrorItem(key, f"Lot {i + 1} : {item.label}", errors[key]))
            if wizard.LOTS in errors:
                items.append(ErrorItem(question.id, question.label, errors[wizard.LOTS]))
        elif question.id in errors:
            items.append(ErrorItem(question.id, question.label, errors[question.id]))
    return items


@dataclass
class Assessment:
    """The dossier's answers read as a profile: the advice, or what is missing for it."""

    advice: Advice | None
    errors: dict[str, str]
    items: list[ErrorItem]


def assess(ctx: AppContext, answers: dict[str, Any]) -> Assessment:
    library = ctx.library
    outcome = wizard.build_profile(answers, library)
    advice = advise(outcome.profile, library, ctx.today()) if outcome.profile else None
    items = []
    for step in library.questionnaire.steps:
        for item in error_items(wizard.visible(step, answers, library), answers, outcome.errors):
            item.step = step
            items.append(item)
    return Assessment(advice, outcome.errors, items)


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


def step_url(dossier_id: uuid.UUID, step: Step) -> str:
    return dossier_url(dossier_id, "etapes", step.id)


# --- list, create -------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def dossier_list(request: Request, session: SessionDep, statut: str = "draft") -> HTMLResponse:
    status = DossierStatus.archived if statut == "archived" else DossierStatus.draft
    return render(
        request,
        "dossiers/list.html",
        {
            "page_title": "Dossiers archivés"
            if status is DossierStatus.archived
            else "Dossiers en cours",
            "dossiers": crud.list_dossiers(session=session, status=status, limit=200),
            "status": status,
            "notice": notice_of(request),
        },
    )


def default_title(ctx: AppContext) -> str:
    return f"Nouveau dossier du {french.date(ctx.today())}"


@router.post("")
def create(request: Request, session: SessionDep, ctx: ContextDep, form: FormDep) -> Response:
    title = wizard.form_text(form.get("title"))[:TITLE_MAX] or default_title(ctx)
    answers: dict[str, Any] = {}
    if ctx.settings.region_code:
        answers = {"buyer_kind": "region", "region_code": ctx.settings.region_code}
    dossier = crud.create_dossier(
        session=session, dossier_in=DossierCreate(title=title, answers=answers)
    )
    first = ctx.library.questionnaire.steps[0]
    return see_other(with_query(step_url(dossier.id, first), notice="cree"))


# --- wizard -------------------------------------------------------------------------------


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
    if action == "add_lot":
        focus = f"{wizard.LOTS}-{len(wizard.lots_of(answers)) - 1}-title"
    elif removed.isdigit():
        focus = "add-lot"
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
    notice = "enregistre" if action == "save" else ""
    if target is None:
        url = dossier_url(dossier_id)
        if wants_fragment(request):
            return Response(status_code=200, headers={"HX-Redirect": url, "Vary": "HX-Request"})
        return see_other(url)
    url = step_url(dossier_id, target)
    if not wants_fragment(request):
        return see_other(with_query(url, verifier="1" if check else "", notice=notice, focus=focus))
    view = wizard_view(ctx, dossier, target, check=check, notice=NOTICES.get(notice), focus=focus)
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


# --- review and documents -----------------------------------------------------------------


def review_view(ctx: AppContext, session: Session, dossier: Dossier) -> dict[str, Any]:
    library = ctx.library
    assessment = assess(ctx, dossier.answers)
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
        "page_title": dossier.title,
        "dossier": dossier,
        "sections": sections,
        "assessment": assessment,
        "advice": assessment.advice,
        "errors": assessment.errors,
        "documents": crud.list_documents(session=session, dossier_id=dossier.id),
        "section_choices": SECTIONS,
        "cpv_entry": ctx.cpv.find(normalise_code(str(dossier.answers.get("cpv") or ""))),
        "review_url": dossier_url(dossier.id),
    }


@router.get("/{dossier_id}", response_class=HTMLResponse)
def review(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep
) -> HTMLResponse:
    dossier = load(session, dossier_id)
    view = review_view(ctx, session, dossier)
    view["notice"] = notice_of(request)
    return render(request, "dossiers/review.html", view, fragment="dossiers/_review.html")


@router.get("/{dossier_id}/documents", response_class=HTMLResponse)
def documents(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep
) -> HTMLResponse:
    dossier = load(session, dossier_id)
    return render(
        request,
        "dossiers/documents.html",
        {
            "page_title": f"Documents — {dossier.title}",
            "dossier": dossier,
            "documents": crud.list_documents(session=session, dossier_id=dossier_id),
            "section_choices": SECTIONS,
            "notice": notice_of(request),
            "new_id": request.query_params.get("nouveau", ""),
        },
    )


@router.post("/{dossier_id}/documents", response_class=HTMLResponse)
def generate(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    dossier = load(session, dossier_id)
    sections = [s for s in SECTIONS if s in form.getlist("sections")]
    outcome = wizard.build_profile(dossier.answers, ctx.library)
    if not sections or outcome.profile is None:
        return render(
            request,
            "dossiers/incomplete.html",
            {
                "page_title": f"Document impossible à générer — {dossier.title}",
                "dossier": dossier,
                "no_section": not sections,
                "assessment": assess(ctx, dossier.answers),
            },
            status_code=422,
        )
    issued = issue_draft(outcome.profile, ctx.library, ctx.today(), sections)
    document = crud.add_document(
        session=session,
        dossier_id=dossier_id,
        document_in=GeneratedDocumentCreate(
            library_version=issued.advice.library_version,
            sections=issued.sections,
            filename=issued.filename,
            advice=issued.advice.model_dump(mode="json", exclude_none=True),
            content=issued.content,
        ),
    )
    return see_other(
        with_query(
            dossier_url(dossier_id, "documents"),
            anchor=f"document-{document.id}",
            notice="genere",
            nouveau=str(document.id),
        )
    )


@router.get("/{dossier_id}/documents/{document_id}")
def download(dossier_id: uuid.UUID, document_id: uuid.UUID, session: SessionDep) -> Response:
    try:
        document = crud.get_document(
            session=session, dossier_id=dossier_id, document_id=document_id
        )
    except crud.DossierNotFound:
        raise HTTPException(status_code=404) from None
    return Response(
        document.content,
        media_type=DOCX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


@router.get("/{dossier_id}/documents/{document_id}/conseil.json")
def advice_snapshot(
    dossier_id: uuid.UUID, document_id: uuid.UUID, session: SessionDep
) -> JSONResponse:
    try:
        document = crud.get_document(
            session=session, dossier_id=dossier_id, document_id=document_id
        )
    except crud.DossierNotFound:
        raise HTTPException(status_code=404) from None
    name = document.filename.removesuffix(".docx") + "-conseil.json"
    return JSONResponse(
        document.advice, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- the dossier's life -------------------------------------------------------------------


def stale_page(request: Request, current: Dossier, what: str) -> HTMLResponse:
    return render(
        request,
        "dossiers/conflict.html",
        {
            "page_title": f"Modification concurrente — {current.title}",
            "dossier": current,
            "what": what,
            "rows": [],
        },
        status_code=409,
    )


@router.get("/{dossier_id}/renommer", response_class=HTMLResponse)
def rename_form(request: Request, dossier_id: uuid.UUID, session: SessionDep) -> HTMLResponse:
    dossier = load(session, dossier_id)
    return render(
        request,
        "dossiers/rename.html",
        {"page_title": f"Renommer — {dossier.title}", "dossier": dossier, "value": dossier.title},
    )


@router.post("/{dossier_id}/renommer", response_class=HTMLResponse)
async def rename(
    request: Request, dossier_id: uuid.UUID, ctx: ContextDep, form: FormDep
) -> Response:
    title = wizard.form_text(form.get("title"))
    if not title or len(title) > TITLE_MAX:
        message = (
            "Indiquez un intitulé."
            if not title
            else f"Intitulé trop long ({len(title)} caractères, {TITLE_MAX} au plus)."
        )
        dossier = await run_in_threadpool(lambda: read(ctx, dossier_id))
        return render(
            request,
            "dossiers/rename.html",
            {
                "page_title": f"Renommer — {dossier.title}",
                "dossier": dossier,
                "value": title,
                "error": message,
            },
            status_code=422,
        )
    try:
        await write_change(ctx, dossier_id, form, lambda _: {"title": title})
    except crud.StaleVersion as stale:
        return stale_page(request, stale.current, f"le nouvel intitulé « {title} »")
    return see_other(with_query(dossier_url(dossier_id), notice="renomme"))


@router.post("/{dossier_id}/dupliquer")
def duplicate(dossier_id: uuid.UUID, session: SessionDep) -> Response:
    original = load(session, dossier_id)
    copy = crud.duplicate_dossier(
        session=session, dossier_id=dossier_id, title=f"Copie de {original.title}"[:TITLE_MAX]
    )
    return see_other(with_query(dossier_url(copy.id), notice="duplique"))


@router.post("/{dossier_id}/archiver", response_class=HTMLResponse)
async def archive(
    request: Request, dossier_id: uuid.UUID, ctx: ContextDep, form: FormDep
) -> Response:
    """Archive a dossier in progress, or restore an archived one (whichever it is when saved)."""

    def toggled(current: Dossier) -> dict[str, Any]:
        archived = current.status == DossierStatus.archived
        return {"status": (DossierStatus.draft if archived else DossierStatus.archived).value}

    try:
        saved = await write_change(ctx, dossier_id, form, toggled)
    except crud.StaleVersion as stale:
        return stale_page(request, stale.current, "l’archivage")
    restored = saved.dossier.status == DossierStatus.draft
    return see_other(
        with_query(dossier_url(dossier_id), notice="restaure" if restored else "archive")
    )


@router.get("/{dossier_id}/supprimer", response_class=HTMLResponse)
def delete_confirm(request: Request, dossier_id: uuid.UUID, session: SessionDep) -> HTMLResponse:
    dossier = load(session, dossier_id)
    return render(
        request,
        "dossiers/delete.html",
        {
            "page_title": f"Supprimer — {dossier.title}",
            "dossier": dossier,
            "documents": crud.list_documents(session=session, dossier_id=dossier_id),
        },
    )


@router.post("/{dossier_id}/supprimer", response_class=HTMLResponse)
def delete(request: Request, dossier_id: uuid.UUID, session: SessionDep, form: FormDep) -> Response:
    load(session, dossier_id)
    try:
        crud.delete_dossier(
            session=session, dossier_id=dossier_id, expected_version=form_version(form)
        )
    except crud.StaleVersion as stale:
        return stale_page(request, stale.current, "la suppression")
    return see_other(with_query("/dossiers", notice="supprime"))
