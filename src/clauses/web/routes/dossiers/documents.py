"""Generated documents: generate, list, download, advice and strategy snapshots; the council's
Word template."""

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from clauses.drafting.template import MAX_FILE_BYTES, TemplateError, check_template
from clauses.store import crud
from clauses.store.models import (
    GeneratedDocument,
    GeneratedDocumentCreate,
)
from clauses.web import limits
from clauses.web.access import Right
from clauses.web.deps import FormDep
from clauses.web.drafting import DOCX_TYPE, SECTIONS, ZIP_TYPE, issue_draft
from clauses.web.routes.dossiers.common import (
    Assessment,
    OnDossier,
    Visit,
    assess_dossier,
    dossier_router,
    dossier_url,
    notice_of,
    see_other,
    with_query,
)

router = dossier_router()


@router.get("/{dossier_id}/documents", response_class=HTMLResponse)
def documents(visit: Annotated[Visit, OnDossier(Right.read)]) -> HTMLResponse:
    return documents_page(visit)


def documents_page(visit: Visit, template_error: str | None = None) -> HTMLResponse:
    request, session, dossier = visit.request, visit.session, visit.dossier
    documents = crud.list_documents(session=session, dossier_id=dossier.id)
    new_id = request.query_params.get("nouveau", "")
    just_made = request.query_params.get("notice") == "genere"
    return visit.page(
        "dossiers/documents.html",
        "Documents",
        {
            "documents": documents,
            # The document just generated, whose download starts by itself.
            "fresh": next((d for d in documents if str(d.id) == new_id), None)
            if just_made and not template_error
            else None,
            "section_choices": SECTIONS,
            "notice": notice_of(request),
            "new_id": new_id,
            "word_template": crud.get_word_template(
                session=session, organisation_id=dossier.organisation_id
            ),
            "template_error": template_error,
        },
        status_code=422 if template_error else 200,
    )


def issue(
    visit: Visit,
    assessment: Assessment,
    sections: Sequence[str],
    *,
    pieces: bool = False,
) -> GeneratedDocument:
    """Draft the dossier's strategy (one .docx, or with ``pieces`` a zip of one .docx per DCE
    piece) in the council's Word template when one is stored, and store the document with the
    advice and the strategy it was drafted from; its file name carries its rank among the
    dossier's documents."""
    assert assessment.profile and assessment.advice and assessment.strategy  # callers check
    ctx, session, dossier = visit.ctx, visit.session, visit.dossier
    number = len(crud.list_documents(session=session, dossier_id=dossier.id)) + 1
    stored = crud.get_word_template(session=session, organisation_id=dossier.organisation_id)
    issued = issue_draft(
        assessment.profile,
        assessment.advice,
        assessment.strategy,
        ctx.library,
        ctx.today(),
        sections,
        number,
        template=stored.content if stored else None,
        pieces=pieces,
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


def refusal(visit: Visit, assessment: Assessment, no_section: bool) -> HTMLResponse:
    """422: no section asked, answers missing, or a strategy that does not hold."""
    context = {"no_section": no_section, "assessment": assessment}
    return visit.page(
        "dossiers/incomplete.html", "Document impossible à générer", context, status_code=422
    )


# « un document » (.docx) or « une pièce par fichier » (.zip of one .docx per DCE piece).
FORMAT_FIELD = "format"


@router.post("/{dossier_id}/documents", response_class=HTMLResponse)
def generate(visit: Annotated[Visit, OnDossier(Right.edit)], form: FormDep) -> Response:
    request, session, dossier = visit.request, visit.session, visit.dossier
    refused = limits.heavy(request, visit.access.principal) or limits.over_quota(
        request, session, dossier.organisation_id
    )
    if refused is not None:
        return refused
    sections = [s for s in SECTIONS if s in form.getlist("sections")]
    assessment = assess_dossier(visit.ctx, dossier)
    if not sections or not assessment.ready:
        return refusal(visit, assessment, not sections)
    pieces = form.get(FORMAT_FIELD) == "zip"
    with limits.generating(request):
        document = issue(visit, assessment, sections, pieces=pieces)
    return see_other(
        with_query(
            dossier_url(dossier.id, "documents"),
            anchor=f"document-{document.id}",
            notice="genere",
            nouveau=str(document.id),
        )
    )


def document_or_404(visit: Visit, document_id: uuid.UUID) -> GeneratedDocument:
    """The dossier's document (the dossier's right checked first: another organisation's
    dossier is « not found »)."""
    try:
        return crud.get_document(
            session=visit.session, dossier_id=visit.dossier.id, document_id=document_id
        )
    except crud.DossierNotFound:
        raise HTTPException(status_code=404) from None


def snapshot(document: GeneratedDocument, content: object, name: str) -> JSONResponse:
    """What a document was drafted from, as a JSON file named after it."""
    filename = f"{document.filename.removesuffix('.docx')}-{name}.json"
    return JSONResponse(
        content, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/{dossier_id}/documents/{document_id}")
def download(visit: Annotated[Visit, OnDossier(Right.read)], document_id: uuid.UUID) -> Response:
    document = document_or_404(visit, document_id)
    return Response(
        document.content,
        media_type=ZIP_TYPE if document.filename.endswith(".zip") else DOCX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


@router.get("/{dossier_id}/documents/{document_id}/conseil.json")
def advice_snapshot(
    visit: Annotated[Visit, OnDossier(Right.read)], document_id: uuid.UUID
) -> JSONResponse:
    document = document_or_404(visit, document_id)
    return snapshot(document, document.advice, "conseil")


@router.get("/{dossier_id}/documents/{document_id}/strategie.json")
def strategy_snapshot(
    visit: Annotated[Visit, OnDossier(Right.read)], document_id: uuid.UUID
) -> JSONResponse:
    document = document_or_404(visit, document_id)
    if document.strategy is None:  # drafted before strategies were stored
        raise HTTPException(status_code=404)
    return snapshot(document, document.strategy, "strategie")


TEMPLATE_FIELD = "modele"
TEMPLATE_SUFFIXES = (".docx", ".dotx")


@router.post("/{dossier_id}/documents/modele", response_class=HTMLResponse)
def upload_template(visit: Annotated[Visit, OnDossier(Right.settings)], form: FormDep) -> Response:
    """Store the council's Word template for every later draft, once the drafter has opened it
    with the same checks as ``clauses draft --template`` (no macro, no DTD, no zip bomb, nothing
    from outside…)."""
    upload = form.get(TEMPLATE_FIELD)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return documents_page(visit, "Modèle Word : choisissez un fichier.")
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    if not name.lower().endswith(TEMPLATE_SUFFIXES):
        return documents_page(visit, "Modèle Word : fichier .docx ou .dotx attendu.")
    data = upload.file.read(MAX_FILE_BYTES + 1)
    try:
        check_template(data)
    except TemplateError as exc:
        return documents_page(visit, f"Modèle Word : {exc}.")
    dossier = visit.dossier
    crud.set_word_template(
        session=visit.session, organisation_id=dossier.organisation_id, filename=name, content=data
    )
    return see_other(with_query(dossier_url(dossier.id, "documents"), notice="modele"))


@router.post("/{dossier_id}/documents/modele/supprimer", response_class=HTMLResponse)
def delete_template(visit: Annotated[Visit, OnDossier(Right.settings)]) -> Response:
    dossier = visit.dossier
    crud.delete_word_template(session=visit.session, organisation_id=dossier.organisation_id)
    return see_other(with_query(dossier_url(dossier.id, "documents"), notice="modele-retire"))
