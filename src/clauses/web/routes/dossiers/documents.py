"""Generated documents: generate, list, download, advice snapshot; the council's Word template."""

import uuid

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from clauses.drafting.template import MAX_FILE_BYTES, TemplateError, open_template
from clauses.store import crud
from clauses.store.models import (
    GeneratedDocumentCreate,
)
from clauses.web import wizard
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.drafting import DOCX_TYPE, SECTIONS, ZIP_TYPE, issue_draft
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

router = dossier_router()


@router.get("/{dossier_id}/documents", response_class=HTMLResponse)
def documents(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, ctx: ContextDep
) -> HTMLResponse:
    return documents_page(request, session, dossier_id)


def documents_page(
    request: Request,
    session: SessionDep,
    dossier_id: uuid.UUID,
    template_error: str | None = None,
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
            "word_template": crud.get_word_template(session=session),
            "template_error": template_error,
        },
        status_code=422 if template_error else 200,
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
    stored = crud.get_word_template(session=session)
    issued = issue_draft(
        outcome.profile,
        ctx.library,
        ctx.today(),
        sections,
        template=stored.content if stored else None,
    )
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
        media_type=ZIP_TYPE if document.filename.endswith(".zip") else DOCX_TYPE,
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


TEMPLATE_FIELD = "modele"
TEMPLATE_SUFFIXES = (".docx", ".dotx")


@router.post("/{dossier_id}/documents/modele", response_class=HTMLResponse)
def upload_template(
    request: Request, dossier_id: uuid.UUID, session: SessionDep, form: FormDep
) -> Response:
    """Store the council's Word template for every later draft, once the drafter has opened it
    with the same checks as ``clauses draft --template`` (no macro, no DTD, no zip bomb…)."""
    load(session, dossier_id)
    upload = form.get(TEMPLATE_FIELD)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return documents_page(request, session, dossier_id, "Modèle Word : choisissez un fichier.")
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    if not name.lower().endswith(TEMPLATE_SUFFIXES):
        return documents_page(
            request, session, dossier_id, "Modèle Word : fichier .docx ou .dotx attendu."
        )
    data = upload.file.read(MAX_FILE_BYTES + 1)
    try:
        open_template(data)
    except TemplateError as exc:
        return documents_page(request, session, dossier_id, f"Modèle Word : {exc}.")
    crud.set_word_template(session=session, filename=name, content=data)
    return see_other(with_query(dossier_url(dossier_id, "documents"), notice="modele"))


@router.post("/{dossier_id}/documents/modele/supprimer", response_class=HTMLResponse)
def delete_template(dossier_id: uuid.UUID, session: SessionDep) -> Response:
    load(session, dossier_id)
    crud.delete_word_template(session=session)
    return see_other(with_query(dossier_url(dossier_id, "documents"), notice="modele-retire"))
