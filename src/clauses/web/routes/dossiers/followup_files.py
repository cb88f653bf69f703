"""The follow-up's files (DESIGN §6): the import of a facilitator's CSV statement (the rows
that read are stored, the others listed), the statement's model for the contract's lots, and
the follow-up report (.docx)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import Annotated, Any

from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from clauses import french
from clauses.decp.award import Award, parse_award
from clauses.followup import read_statement
from clauses.followup.report import follow_up_report
from clauses.followup.statement import COLUMNS
from clauses.library import Library
from clauses.profile import ProfileError
from clauses.store import stages
from clauses.web.access import Right
from clauses.web.deps import FormDep
from clauses.web.drafting import DOCX_TYPE
from clauses.web.routes.dossiers.common import (
    OnDossier,
    Visit,
    dossier_router,
    dossier_url,
    see_other,
    with_query,
)
from clauses.web.routes.dossiers.followup import (
    IMPORT_MAX_BYTES,
    STATEMENT_FIELD,
    SUIVI,
    Followed,
    followed,
    followup_page,
    full_message,
    not_followed,
    store,
)

router = dossier_router()


@router.post("/{dossier_id}/suivi/import", response_class=HTMLResponse)
def followup_import(visit: Annotated[Visit, OnDossier(Right.followup)], form: FormDep) -> Response:
    """The rows of a facilitator's statement that read are stored; the others are listed with
    their line, column and reason (a bad row never stops the rest)."""
    found = followed(visit)
    if found is None:
        return not_followed(visit)
    ctx = visit.ctx
    upload = form.get(STATEMENT_FIELD)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return followup_page(
            visit, import_error="Relevé : choisissez un fichier CSV.", status_code=422
        )
    data = upload.file.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        return followup_page(
            visit,
            import_error=f"Relevé : fichier trop volumineux ({french.number(IMPORT_MAX_BYTES // 1000)} "
            "Ko au plus). Découpez-le par période et importez chaque partie.",
            status_code=422,
        )  # fmt: skip
    statement = read_statement(data, ctx.library.followup, found.lots, today=ctx.today())
    stored = (
        len(statement.followup.records)
        + len(statement.followup.non_imputable)
        + len(statement.followup.orders)
    )
    if stored and len(found.entries) + stored > stages.MAX_FOLLOWUP_LINES:
        return followup_page(
            visit,
            import_error=f"Relevé : {stored} ligne(s) à enregistrer, non enregistrées. "
            + full_message(len(found.entries)),
            status_code=422,
        )  # fmt: skip
    if stored:
        refused = store(visit, statement.followup, "import du relevé")
        if refused is not None:
            return refused
    if not statement.errors:
        return see_other(
            with_query(dossier_url(visit.dossier.id, SUIVI), anchor="lignes", notice="importe")
        )
    return followup_page(visit, imported=(stored, statement.errors), status_code=422)


def model_csv(found: Followed, library: Library) -> bytes:
    """The statement's header and example rows, for this contract's lots."""
    lot = "1" if found.lots else ""
    vocabularies = library.followup
    provision = vocabularies.ways.by_id.get("provision")
    way = provision.id if provision else vocabularies.ways.terms[0].id
    structure = provision.structures[0].value if provision and provision.structures else ""
    public = vocabularies.publics.terms[0].id
    contract = vocabularies.contract_types.terms[0].id
    outcome = vocabularies.outcomes.terms[0].id
    rows = [
        list(COLUMNS),
        [lot, "2027-04-01", "2027-06-30", way, structure, "350,5", public, contract, "2",
         outcome, ""],
        [lot, "01/04/2027", "30/06/2027", vocabularies.ways.terms[0].id, "", "120", public,
         contract, "1", "", ""],
        [lot, "01/05/2027", "31/05/2027", "non_imputable", "", "40", "", "", "", "",
         "Chantier suspendu à la demande de l’acheteur"],
    ]  # fmt: skip
    if found.published.strategy.framework:  # the amount ordered on a period (issue 22)
        rows.append([lot, "2027-04-01", "2027-06-30", "commandes", "", "", "", "", "", "", "",
                     "120 000"])  # fmt: skip
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # with a BOM: spreadsheets read UTF-8


@router.get("/{dossier_id}/suivi/modele.csv")
def followup_model(visit: Annotated[Visit, OnDossier(Right.followup)]) -> Response:
    found = followed(visit)
    if found is None:
        return not_followed(visit)
    return Response(
        model_csv(found, visit.ctx.library),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="releve-heures-modele.csv"'},
    )


def slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-") or "marche"


def readable_award(data: dict[str, Any] | None) -> Award | None:
    """The stored award, or None when it no longer passes the award's checks (stored before a
    check was added, e.g. a SIRET whose key is wrong): the report of the hours does without its
    holders rather than fail; the award page says what to correct."""
    if data is None:
        return None
    try:
        return parse_award(data)
    except ProfileError:
        return None


@router.get("/{dossier_id}/suivi/rapport.docx")
def followup_report(visit: Annotated[Visit, OnDossier(Right.followup)]) -> Response:
    found = followed(visit)
    if found is None:
        return not_followed(visit)
    ctx, dossier = visit.ctx, visit.dossier
    today = ctx.today()
    content = follow_up_report(
        found.published.profile,
        readable_award(dossier.award),
        found.followup,
        found.result,
        ctx.library,
        today,
    )
    name = f"suivi-insertion-{slug(dossier.title)}-{today.isoformat()}.docx"
    return Response(
        content,
        media_type=DOCX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
