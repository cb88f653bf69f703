"""The review page: the answers and the advice."""

import uuid
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from clauses.library.questionnaire import Question, QuestionKind
from clauses.store import crud
from clauses.store.models import (
    Dossier,
)
from clauses.web import wizard
from clauses.web.context import AppContext
from clauses.web.cpv import normalise_code
from clauses.web.deps import ContextDep, SessionDep
from clauses.web.drafting import SECTIONS
from clauses.web.rendering import render
from clauses.web.routes.dossiers.common import (
    assess,
    dossier_router,
    dossier_url,
    load,
    notice_of,
)

router = dossier_router()


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
