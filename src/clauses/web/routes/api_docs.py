"""The OpenAPI description of the JSON API (``/openapi.json``): the answers' models, the bodies'
schemas (read by hand, so FastAPI does not document them) and the responses every operation
may give."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query
from pydantic import BaseModel

from clauses.decp.award import Award
from clauses.profile import IsoDate, TenderProfile
from clauses.strategy import Strategy


class FieldProblem(BaseModel):
    field: str
    message: str


class ValidationProblem(BaseModel):
    detail: list[FieldProblem]


class Problem(BaseModel):
    detail: str


class Health(BaseModel):
    status: str
    database: str
    library_version: str


# The body is read by hand (for French errors), so FastAPI does not document it: its schema goes
# in the components, where its references (``#/components/schemas/Lot``…) resolve. It is the
# profile (DESIGN §3.1) with the optional ``strategy`` key (§3.4), as in a profile file.
REF = "#/components/schemas/{model}"
PROFILE_SCHEMA = TenderProfile.model_json_schema(ref_template=REF)
STRATEGY_SCHEMA = Strategy.model_json_schema(ref_template=REF)
AWARD_SCHEMA = Award.model_json_schema(ref_template=REF)
BODY_SCHEMA = {
    **PROFILE_SCHEMA,
    "title": "TenderProfileWithStrategy",
    "description": "Profil du marché et, facultative, la stratégie de l’acheteur (clé strategy).",
    "properties": {
        **PROFILE_SCHEMA["properties"],
        # null is no strategy, as an absent key (the reader has always taken it so).
        "strategy": {"anyOf": [{"$ref": REF.format(model="Strategy")}, {"type": "null"}]},
    },
}
BODY_SCHEMA.pop("$defs", None)
# ``POST /api/v1/decp``: the same, with the award (DESIGN §3.6), as ``clauses decp`` reads a file.
AWARD_BODY_SCHEMA = {
    **BODY_SCHEMA,
    "title": "TenderProfileWithAward",
    "description": "Profil du marché, sa stratégie (facultative) et son attribution (clé award).",
    "properties": {**BODY_SCHEMA["properties"], "award": {"$ref": REF.format(model="Award")}},
    "required": [*BODY_SCHEMA.get("required", []), "award"],
}
PROFILE_COMPONENTS = {
    **PROFILE_SCHEMA.pop("$defs", {}),
    **STRATEGY_SCHEMA.pop("$defs", {}),
    **AWARD_SCHEMA.pop("$defs", {}),
    "TenderProfile": PROFILE_SCHEMA,
    "Strategy": STRATEGY_SCHEMA,
    "Award": AWARD_SCHEMA,
    "TenderProfileWithStrategy": BODY_SCHEMA,
    "TenderProfileWithAward": AWARD_BODY_SCHEMA,
}
PROFILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": REF.format(model="TenderProfileWithStrategy")}}
        },
    }
}
AWARD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": REF.format(model="TenderProfileWithAward")}}
        },
    }
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ValidationProblem,
        "description": "Profil ou stratégie invalide (champs nommés : lots[2].title, "
        "strategy.mechanisms[2].lots…)",
    },
    413: {
        "model": Problem,
        "description": "Corps de la requête trop volumineux (500 000 octets au plus par défaut, "
        "réglage CLAUSES_MAX_API_BODY_BYTES)",
    },
    503: {"model": Problem, "description": "Service occupé : réessayer (voir Retry-After)"},
}
AsOf = Annotated[
    IsoDate | None,
    Query(description="date du calcul (AAAA-MM-JJ) ; par défaut, aujourd’hui"),
]


def document_profile(app: FastAPI) -> None:
    """Adds the profile's schemas to the OpenAPI document that ``app`` serves."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()  # kept by FastAPI as app.openapi_schema
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in PROFILE_COMPONENTS.items():
            schemas.setdefault(name, schema)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
