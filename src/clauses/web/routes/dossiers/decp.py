"""The contract's open data: its DECP 2.0.3 object, once the award is recorded."""

import json
import re
import unicodedata
from typing import Annotated

from fastapi.responses import Response

from clauses import lifecycle
from clauses.decp.award import parse_award
from clauses.decp.document import DecpSchema, decp_document
from clauses.profile import ProfileError
from clauses.store import stages
from clauses.store.models import STAGE_LABELS, Dossier
from clauses.web.access import Right
from clauses.web.routes.dossiers.common import OnDossier, Visit, dossier_router
from clauses.web.routes.dossiers.moves import DECP, refusal_page

router = dossier_router()


def decp_filename(dossier: Dossier) -> str:
    ascii_title = unicodedata.normalize("NFKD", dossier.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-")
    notified = f"-{dossier.notified_on.isoformat()}" if dossier.notified_on else ""
    return f"decp-{slug or 'marche'}{notified}.json"


@router.get("/{dossier_id}/" + DECP, response_class=Response)
def decp_download(visit: Annotated[Visit, OnDossier(Right.read)]) -> Response:
    """The DECP 2.0.3 object of the contract (its published tender and its award), validated
    against the official schema before it is offered; a page saying why until it is awarded."""
    ctx, dossier = visit.ctx, visit.dossier
    published = stages.published_of(dossier)
    if dossier.award is None or published is None:
        stage = lifecycle.stage_of(dossier.stage)
        reason = (
            f"le dossier est « {STAGE_LABELS[stage]} » : les données essentielles (DECP) "
            "d’un marché se publient une fois son attribution enregistrée"
        )
        return refusal_page(visit, "Données essentielles non disponibles", [reason], 404)
    try:
        award = parse_award(dossier.award)
        document = decp_document(
            published.profile, award, published.strategy, ctx.library, DecpSchema.load()
        )
    except ProfileError as exc:  # a library change since the award, say: say so, never a 500
        reasons = [str(e) for e in exc.errors]
        return refusal_page(visit, "Données essentielles à corriger", reasons, 422)
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{decp_filename(dossier)}"'},
    )
