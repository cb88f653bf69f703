"""What every request shares: settings, the clause library, the database engine and the writer of
dossier changes, the templates and the CPV nomenclature, built once by
:func:`clauses.web.app.create_app`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from clauses import french
from clauses.advisor.model import LEVEL_LABELS, REGIME_LABELS
from clauses.library import Library
from clauses.profile import NATURE_LABELS
from clauses.questionnaire.cpv import CpvCatalogue
from clauses.store.merge import encode_base
from clauses.store.writer import DossierWriter
from clauses.strategy.texts import PROPOSED
from clauses.vocabulary import STAGE_LABELS, STATUS_LABELS
from clauses.web.settings import Settings

if TYPE_CHECKING:
    from clauses.web.limits import Limits
    from clauses.web.oidc import OpenIdClient
    from clauses.web.revocations import Revocations

try:
    PARIS: dt.tzinfo = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # pragma: no cover - a system without time-zone data
    PARIS = dt.UTC

HTMX_VERSION = "2.0.11"


def local_datetime(value: dt.datetime) -> str:
    """« 22 novembre 2026 à 14 h 05 », in the Paris time zone (stored times are UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(PARIS)
    return f"{french.date(local.date())} à {local.hour}\u00a0h\u00a0{local.minute:02d}"


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(settings.templates_dir))
    env = templates.env
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(
        eur=french.eur,
        number=french.number,
        percent=french.percent,
        hours=french.hours,
        date_fr=french.date,
        quote=french.quote,
        datetime_fr=local_datetime,
        base=encode_base,  # the form's base, beside its version (clauses.store.merge)
    )
    env.globals.update(
        LEVEL_LABELS=LEVEL_LABELS,
        REGIME_LABELS=REGIME_LABELS,
        NATURE_LABELS=NATURE_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        STAGE_LABELS=STAGE_LABELS,
        HTMX_VERSION=HTMX_VERSION,
        NBSP="\u00a0",
        PROPOSED=PROPOSED,
    )
    return templates


@dataclass
class AppContext:
    settings: Settings
    library: Library
    engine: Engine
    templates: Jinja2Templates
    cpv: CpvCatalogue
    secret: str
    writer: DossierWriter
    limits: Limits
    revocations: Revocations
    oidc: OpenIdClient | None = None  # when an OpenID Connect provider is configured

    def today(self) -> dt.date:
        return dt.datetime.now(PARIS).date()

    def template_globals(self) -> dict[str, Any]:
        return {"library": self.library}
