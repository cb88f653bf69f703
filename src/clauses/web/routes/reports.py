"""The organisation's reports (DESIGN §6), for its referents and admins: the SPASER dashboard of a
year (L2111-3) with its .xlsx and .docx exports, and the DECP batch of a period (one valid file
of every contract notified in it).

Thin shells: the store computes the reports from the figures it keeps per awarded dossier
(:mod:`clauses.store.reports`, with the core's :mod:`clauses.spaser` and :mod:`clauses.decp`),
the pages show the core's tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlmodel import Session

from clauses import french, inputs
from clauses.decp import DecpSchema
from clauses.spaser import Indicators, spaser_docx, spaser_xlsx
from clauses.spaser.tables import tables, text
from clauses.store import reports
from clauses.store.db import new_session
from clauses.store.models import Organisation, Role
from clauses.web.access import Access, Needs, Right
from clauses.web.charts import charts_of
from clauses.web.context import AppContext
from clauses.web.deps import ContextDep, SessionDep
from clauses.web.drafting import DOCX_TYPE
from clauses.web.rendering import render

router = APIRouter(prefix="/rapports", tags=["pages"], include_in_schema=False)
# Each route's right: a referent (or an admin) of the organisation; an invited facilitator, who
# is no member, does not find the reports (404), an acheteur is told who can (403).
ReferentAccess = Annotated[Access, Needs(Right.read, Role.referent)]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEARS_OFFERED = 8
CHUNK_MARCHES = 50  # ``marche`` per piece of a DECP download (about 80 kB)


@dataclasses.dataclass(frozen=True)
class Reporting:
    """What a report route works with: the request, its session and context, and the signed-in
    referent's (or admin's) organisation, its id and name."""

    request: Request
    ctx: AppContext
    session: Session
    org: uuid.UUID
    name: str


def reporting(
    request: Request, access: ReferentAccess, session: SessionDep, ctx: ContextDep
) -> Reporting:
    principal = access.principal
    assert principal.organisation_id is not None  # a member
    organisation = session.get(Organisation, principal.organisation_id)
    name = organisation.name if organisation else "Organisation"
    return Reporting(request, ctx, session, principal.organisation_id, name)


ReportingDep = Annotated[Reporting, Depends(reporting)]


def year_of(ctx: AppContext, session: Session, org: uuid.UUID, raw: str | None) -> tuple[int, str]:
    """The year asked (``annee``), else the last complete year when it holds a contract or hours,
    else the current year; with the French message of a year that does not read."""
    today = ctx.today()
    error = ""
    if raw:
        year = inputs.integer(raw)
        if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
            return year, ""
        error = f"Année : indiquez une année sur quatre chiffres (par exemple {today.year - 1})."
    return default_year(ctx, session, org), error


def default_year(ctx: AppContext, session: Session, org: uuid.UUID) -> int:
    """The year both reports open on: the last complete year when it holds a contract or hours,
    else the current one (a council's first year with the tool has nothing the year before)."""
    last = ctx.today().year - 1
    return last if reports.active(session, org, last) else last + 1


def spaser_of(at: Reporting, year: int) -> Indicators:
    found = reports.spaser(
        at.session,
        organisation_id=at.org,
        year=year,
        library=at.ctx.library,
        schema=DecpSchema.load(),
    )
    return dataclasses.replace(found, organisation=at.name)  # the reports name the organisation


@router.get("/spaser", response_class=HTMLResponse)
def spaser_dashboard(at: ReportingDep, annee: str | None = None) -> HTMLResponse:
    ctx = at.ctx
    year, error = year_of(ctx, at.session, at.org, annee)
    ind = spaser_of(at, year)
    shown = tables(ind, ctx.library)
    # Each cell as the page writes it, and whether it is a figure (aligned right).
    cells = [
        [
            [
                (french.typography(text(cell, table.kind(r, c))), table.kind(r, c) != "text")
                for c, cell in enumerate(row)
            ]
            for r, row in enumerate(table.rows)
        ]
        for table in shown
    ]
    query = f"?annee={year}"
    return render(
        at.request,
        "reports/spaser.html",
        {
            "page_title": f"Rapport SPASER {year}",
            "organisation": at.name,
            "year": year,
            "years": sorted(
                {year, *range(ctx.today().year, ctx.today().year - YEARS_OFFERED, -1)},
                reverse=True,
            ),
            "error": error,
            "ind": ind,
            "empty": ind.contracts.count == 0 and ind.hours_performed == 0 and not ind.left_out,
            "sections": list(zip(shown, cells, charts_of(shown), strict=True)),
            "xlsx_url": f"/rapports/spaser.xlsx{query}",
            "docx_url": f"/rapports/spaser.docx{query}",
        },
        status_code=422 if error else 200,
    )


def _download(
    at: Reporting,
    annee: str | None,
    suffix: str,
    media_type: str,
    content: Callable[[Indicators], bytes],
) -> Response:
    """The year's indicators as a file (``spaser-YEAR.suffix``), or the dashboard with the
    year's error."""
    year, error = year_of(at.ctx, at.session, at.org, annee)
    if error:
        return spaser_dashboard(at, annee)
    return Response(
        content(spaser_of(at, year)),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="spaser-{year}.{suffix}"'},
    )


@router.get("/spaser.xlsx")
def spaser_workbook(at: ReportingDep, annee: str | None = None) -> Response:
    return _download(at, annee, "xlsx", XLSX_TYPE, lambda ind: spaser_xlsx(ind, at.ctx.library))


@router.get("/spaser.docx")
def spaser_report(at: ReportingDep, annee: str | None = None) -> Response:
    return _download(
        at, annee, "docx", DOCX_TYPE, lambda ind: spaser_docx(ind, at.ctx.library, at.ctx.today())
    )


def period_of(du: str, au: str) -> tuple[dt.date | None, dt.date | None, dict[str, str]]:
    """The period asked, or the French message of each date at fault."""
    errors: dict[str, str] = {}
    start, end = inputs.date(du), inputs.date(au)
    for key, raw, value, label in (("du", du, start, "Du"), ("au", au, end, "Au")):
        if not raw.strip():
            errors[key] = f"{label} : date obligatoire."
        elif value is None:
            errors[key] = (
                f"{label} : date attendue (JJ/MM/AAAA), « {raw.strip()[:20]} » ne se lit pas."
            )
    if start and end and end < start:
        errors["au"] = "Au : la fin de la période précède son début."
    return start, end, errors


def scope_of(at: Reporting, start: dt.date, end: dt.date) -> reports.Scope:
    return reports.Scope(at.org, start, end, at.ctx.library, DecpSchema.load())


def decp_page(at: Reporting, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return render(
        at.request,
        "reports/decp.html",
        {
            "page_title": "Données essentielles (DECP) de la période",
            "organisation": at.name,
            **context,
        },
        status_code=status_code,
    )


def period_asked(at: Reporting, du: str, au: str) -> tuple[dt.date, dt.date] | HTMLResponse:
    """The period asked (``du``, ``au``), or the DECP page with each date's error (422)."""
    start, end, errors = period_of(du, au)
    if errors or start is None or end is None:
        return decp_page(at, {"du": du, "au": au, "errors": errors, "batch": None}, 422)
    return start, end


@router.get("/decp", response_class=HTMLResponse)
def decp_export(at: ReportingDep, du: str = "", au: str = "") -> HTMLResponse:
    if not du and not au:  # the SPASER's year; the current one up to today
        year = default_year(at.ctx, at.session, at.org)
        last_day = min(dt.date(year, 12, 31), at.ctx.today())
        return decp_page(
            at,
            {"du": dt.date(year, 1, 1).isoformat(), "au": last_day.isoformat(), "errors": {},
             "batch": None},
        )  # fmt: skip
    asked = period_asked(at, du, au)
    if isinstance(asked, HTMLResponse):
        return asked
    start, end = asked
    batch = reports.decp_period(at.session, scope_of(at, start, end))
    return decp_page(
        at,
        {
            "du": du,
            "au": au,
            "errors": {},
            "start": start,
            "end": end,
            "batch": batch,
            "dossiers": batch.dossiers,
            "marches": batch.marches,
            "download": f"/rapports/decp.json?du={start.isoformat()}&au={end.isoformat()}",
        },
    )


@router.get("/decp.json")
def decp_download(at: ReportingDep, du: str = "", au: str = "") -> Response:
    asked = period_asked(at, du, au)
    if isinstance(asked, HTMLResponse):
        return asked
    start, end = asked
    name = f"decp-{start.isoformat()}-{end.isoformat()}.json"
    engine, scope = at.ctx.engine, scope_of(at, start, end)

    def body() -> Iterator[bytes]:
        """The file as it is read: a year's (15 MB at 33 000 dossiers) is never held whole.
        Its own session: the request's is closed before the response is sent."""
        with new_session(engine) as own:
            pieces: list[str] = []
            for piece in reports.decp_json(own, scope):
                pieces.append(piece)
                if len(pieces) == CHUNK_MARCHES:
                    yield "".join(pieces).encode("utf-8")
                    pieces.clear()
            yield "".join(pieces).encode("utf-8")

    return StreamingResponse(
        body(),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
