"""Generated documents: generate, list, download, advice snapshot."""

import uuid

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from clauses.store import crud
from clauses.store.models import (
    GeneratedDocumentCreate,
)
from clauses.web import limits, wizard
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.drafting import DOCX_TYPE, SECTIONS, issue_draft
from clauses.web.rendering import render
from clauses.web.routes.dossiers.common import (
    assess,
    dossier_router,
    dossier_url,
    load,
    notice_of,
    see_other,
    with_query,
)
from clauses.web.sessions import signed_in

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


@router.post("/{dossier_id}/documents", response_class=HTMLResponse)
def generate(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    dossier = load(session, dossier_id)
    refused = limits.heavy(request, signed_in(request)) or limits.over_quota(
        request, session, dossier.organisation_id
    )
    if refused is not None:
        return refused
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
    with limits.generating(request):
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
    load(session, dossier_id)
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
    load(session, dossier_id)
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
