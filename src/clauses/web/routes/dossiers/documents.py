"""Generated documents: generate, list, download, advice and strategy snapshots."""

import uuid
from collections.abc import Sequence

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlmodel import Session

from clauses.store import crud
from clauses.store.models import (
    Dossier,
    GeneratedDocument,
    GeneratedDocumentCreate,
)
from clauses.web.context import AppContext
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.drafting import DOCX_TYPE, SECTIONS, issue_draft
from clauses.web.rendering import render
from clauses.web.routes.dossiers.common import (
    Assessment,
    assess_dossier,
    dossier_router,
    dossier_url,
    load,
    notice_of,
    see_other,
    with_query,
)

router = dossier_router()


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


def issue(
    ctx: AppContext,
    session: Session,
    dossier: Dossier,
    assessment: Assessment,
    sections: Sequence[str],
) -> GeneratedDocument:
    """Draft the dossier's strategy and store the document with the advice and the strategy it
    was drafted from; its file name carries its rank among the dossier's documents."""
    assert assessment.profile and assessment.advice and assessment.strategy  # callers check
    number = len(crud.list_documents(session=session, dossier_id=dossier.id)) + 1
    issued = issue_draft(
        assessment.profile,
        assessment.advice,
        assessment.strategy,
        ctx.library,
        ctx.today(),
        sections,
        number,
    )
    return crud.add_document(
        session=session,
        dossier_id=dossier.id,
        document_in=GeneratedDocumentCreate(
            library_version=issued.advice.library_version,
            sections=issued.sections,
            filename=issued.filename,
            advice=issued.advice.model_dump(mode="json", exclude_none=True),
            strategy=issued.strategy.model_dump(mode="json"),
            content=issued.content,
        ),
    )


def refusal(
    request: Request, dossier: Dossier, assessment: Assessment, no_section: bool
) -> HTMLResponse:
    """422: no section asked, answers missing, or a strategy that does not hold."""
    return render(
        request,
        "dossiers/incomplete.html",
        {
            "page_title": f"Document impossible à générer — {dossier.title}",
            "dossier": dossier,
            "no_section": no_section,
            "assessment": assessment,
        },
        status_code=422,
    )


@router.post("/{dossier_id}/documents", response_class=HTMLResponse)
def generate(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    dossier = load(session, dossier_id)
    sections = [s for s in SECTIONS if s in form.getlist("sections")]
    assessment = assess_dossier(ctx, dossier)
    if not sections or not assessment.ready:
        return refusal(request, dossier, assessment, not sections)
    document = issue(ctx, session, dossier, assessment, sections)
    return see_other(
        with_query(
            dossier_url(dossier_id, "documents"),
            anchor=f"document-{document.id}",
            notice="genere",
            nouveau=str(document.id),
        )
    )


def document_or_404(
    session: Session, dossier_id: uuid.UUID, document_id: uuid.UUID
) -> GeneratedDocument:
    try:
        return crud.get_document(session=session, dossier_id=dossier_id, document_id=document_id)
    except crud.DossierNotFound:
        raise HTTPException(status_code=404) from None


def snapshot(document: GeneratedDocument, content: object, name: str) -> JSONResponse:
    """What a document was drafted from, as a JSON file named after it."""
    filename = f"{document.filename.removesuffix('.docx')}-{name}.json"
    return JSONResponse(
        content, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/{dossier_id}/documents/{document_id}")
def download(dossier_id: uuid.UUID, document_id: uuid.UUID, session: SessionDep) -> Response:
    document = document_or_404(session, dossier_id, document_id)
    return Response(
        document.content,
        media_type=DOCX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


@router.get("/{dossier_id}/documents/{document_id}/conseil.json")
def advice_snapshot(
    dossier_id: uuid.UUID, document_id: uuid.UUID, session: SessionDep
) -> JSONResponse:
    document = document_or_404(session, dossier_id, document_id)
    return snapshot(document, document.advice, "conseil")


@router.get("/{dossier_id}/documents/{document_id}/strategie.json")
def strategy_snapshot(
    dossier_id: uuid.UUID, document_id: uuid.UUID, session: SessionDep
) -> JSONResponse:
    document = document_or_404(session, dossier_id, document_id)
    if document.strategy is None:  # drafted before strategies were stored
        raise HTTPException(status_code=404)
    return snapshot(document, document.strategy, "strategie")
