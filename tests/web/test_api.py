"""The JSON API: advice identical to the CLI's, drafts, library listings, health and errors."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from clauses.cli import main
from clauses.library import Library
from tests.conftest import EXAMPLES
from tests.openxml import assert_valid_office

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
MINIMAL = {
    "title": "Travaux",
    "nature": "works",
    "estimated_amount_eur": 100000,
    "duration_months": 6,
}


def as_json(path: Path) -> object:
    """The example as a JSON body (YAML dates become ISO strings)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_api_advice_equals_cli_advice(
    example: Path, api: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["advise", "--json", "--as-of", "2026-11-22", str(example)]) == 0
    cli = json.loads(capsys.readouterr().out)
    response = api.post("/api/v1/advice", params={"as_of": "2026-11-22"}, json=as_json(example))
    assert response.status_code == 200
    assert response.json() == cli


def test_examples_are_there() -> None:
    assert len(EXAMPLE_FILES) >= 5


def test_validation_errors_name_the_fields_in_french(api: TestClient) -> None:
    response = api.post(
        "/api/v1/advice", json={**MINIMAL, "estimated_amount_eur": -5, "montant": 1, "cpv": "12"}
    )
    assert response.status_code == 422
    detail = {d["field"]: d["message"] for d in response.json()["detail"]}
    assert set(detail) == {"estimated_amount_eur", "montant", "cpv"}
    assert "clé inconnue" in detail["montant"]
    assert "code CPV invalide" in detail["cpv"]
    missing = api.post("/api/v1/advice", json={}).json()["detail"]
    assert {d["field"] for d in missing} == {
        "title",
        "nature",
        "estimated_amount_eur",
        "duration_months",
    }
    assert all("obligatoire" in d["message"] for d in missing)
    broken = api.post(
        "/api/v1/advice", content=b"{pas du json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["detail"] == [{"field": "(corps)", "message": "JSON invalide"}]
    not_object = api.post("/api/v1/advice", json=[1, 2])
    assert not_object.status_code == 422
    bad_date = api.post("/api/v1/advice", params={"as_of": "2026-02-30"}, json=MINIMAL)
    assert bad_date.status_code == 422
    assert bad_date.json()["detail"][0]["field"] == "as_of"


def test_advice_defaults_to_today(api: TestClient) -> None:
    response = api.post("/api/v1/advice", json=MINIMAL)
    assert response.status_code == 200
    assert response.json()["as_of"] == api.app.state.ctx.today().isoformat()  # type: ignore[attr-defined]


def test_draft_returns_a_docx_with_the_sections_asked(api: TestClient) -> None:
    response = api.post(
        "/api/v1/draft", params={"sections": "summary,rc", "as_of": "2026-11-22"}, json=MINIMAL
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (
        'filename="clauses-sociales-travaux-2026-11-22.docx"'
        in response.headers["content-disposition"]
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        assert "word/document.xml" in package.namelist()
    assert_valid_office(response.content, "api.docx")
    repeated = api.post(
        "/api/v1/draft", params=[("sections", "summary"), ("sections", "ccap")], json=MINIMAL
    )
    assert repeated.status_code == 200
    unknown = api.post("/api/v1/draft", params={"sections": "rc,inconnue"}, json=MINIMAL)
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["field"] == "sections"
    invalid = api.post("/api/v1/draft", json={"title": "x"})
    assert invalid.status_code == 422


def test_library_listings(api: TestClient, library: Library) -> None:
    mechanisms = api.get("/api/v1/mechanisms").json()
    assert {m["id"] for m in mechanisms} == {m.value for m in library.mechanisms}
    practices = api.get("/api/v1/practices").json()
    assert {p["id"] for p in practices} == set(library.practices)
    grand_est = api.get("/api/v1/practices", params={"region": "44"}).json()
    assert grand_est and all("44" in p["region_codes"] for p in grand_est)


def test_openapi_describes_the_api(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    for path in (
        "/api/v1/advice",
        "/api/v1/strategy",
        "/api/v1/draft",
        "/api/v1/mechanisms",
        "/api/v1/practices",
        "/api/v1/decp",
        "/healthz",
    ):
        assert path in spec["paths"], path
    decp = spec["paths"]["/api/v1/decp"]["post"]["requestBody"]["content"]["application/json"]
    assert decp["schema"] == {"$ref": "#/components/schemas/TenderProfileWithAward"}
    with_award = spec["components"]["schemas"]["TenderProfileWithAward"]
    assert with_award["properties"]["award"] == {"$ref": "#/components/schemas/Award"}
    assert "award" in with_award["required"]
    body = spec["paths"]["/api/v1/advice"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/TenderProfileWithStrategy"}
    profile = spec["components"]["schemas"]["TenderProfileWithStrategy"]
    assert "estimated_amount_eur" in profile["properties"]
    assert profile["properties"]["strategy"] == {
        "anyOf": [{"$ref": "#/components/schemas/Strategy"}, {"type": "null"}]
    }
    assert "mechanisms" in spec["components"]["schemas"]["Strategy"]["properties"]
    # Every reference resolves inside the document.
    for ref in re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(spec)):
        node = spec
        for part in ref.split("/"):
            node = node[part]
    assert not any(p.startswith("/dossiers") for p in spec["paths"])


def test_api_uses_no_cookie_and_needs_no_csrf(api: TestClient) -> None:
    api.cookies.clear()
    response = api.post("/api/v1/advice", json=MINIMAL)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


def test_healthz_checks_the_database(api: TestClient, library: Library) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "library_version": library.version}


def test_contradictory_profile_is_422_naming_social_services(api: TestClient) -> None:
    # Issue 9 §7: social services on an 8 M€ works contract is refused, not « procédure adaptée ».
    body = {
        **MINIMAL,
        "nature": "works",
        "estimated_amount_eur": 8_000_000,
        "social_services": True,
    }
    response = api.post("/api/v1/advice", json=body)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["social_services"]


AWARDED = sorted(p for p in EXAMPLE_FILES if (EXAMPLES / "award" / p.name).exists())


@pytest.mark.parametrize("example", AWARDED, ids=lambda p: p.stem)
def test_api_decp_equals_cli_decp(
    example: Path, api: TestClient, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The profile and its award posted give the object ``clauses decp`` prints."""
    contract = tmp_path / "marche.yaml"
    award = (EXAMPLES / "award" / example.name).read_text(encoding="utf-8")
    contract.write_text(example.read_text(encoding="utf-8") + "\n" + award, encoding="utf-8")
    assert main(["decp", "--as-of", "2026-11-22", str(contract)]) == 0
    cli = json.loads(capsys.readouterr().out)
    response = api.post("/api/v1/decp", params={"as_of": "2026-11-22"}, json=as_json(contract))
    assert response.status_code == 200, response.text
    assert response.json() == cli


def test_api_decp_names_what_is_missing_in_french(api: TestClient) -> None:
    body = as_json(EXAMPLES / "formation-professionnelle.yaml")
    assert isinstance(body, dict)
    without = api.post("/api/v1/decp", json=body)
    assert without.status_code == 422
    assert without.json()["detail"] == [
        {"field": "award", "message": "clé manquante : données d’attribution du marché"}
    ]
    award = as_json(EXAMPLES / "award" / "formation-professionnelle.yaml")
    assert isinstance(award, dict)
    partial = {k: v for k, v in award["award"].items() if k not in {"buyer_siret", "holders"}}
    partial["offers_received"] = "quatre"
    refused = api.post("/api/v1/decp", json={**body, "award": partial})
    assert refused.status_code == 422
    fields = {p["field"]: p["message"] for p in refused.json()["detail"]}
    assert "award.offers_received" in fields
    bad_lots = api.post("/api/v1/decp", json={**body, "award": {**award["award"], "lots": []}})
    assert bad_lots.status_code == 422
    missing = api.post(
        "/api/v1/decp",
        json={**body, "award": {k: v for k, v in award["award"].items() if k != "buyer_siret"}},
    )
    assert missing.json()["detail"] == [
        {
            "field": "award.buyer_siret",
            "message": "champ obligatoire des données essentielles (DECP) manquant",
        }
    ]
    assert (
        "strategy"
        in api.post(
            "/api/v1/decp",
            json={**body, **award, "strategy": {"mechanisms": [{"id": "nothing"}]}},
        ).json()["detail"][0]["field"]
    )


def test_api_decp_refuses_what_the_consolidation_sets_aside(api: TestClient) -> None:
    """The probes the API used to accept and the ministry's consolidation set aside: each a
    422 naming its field, in French."""
    body = as_json(EXAMPLES / "nettoyage-lycees.yaml")
    award = as_json(EXAMPLES / "award" / "nettoyage-lycees.yaml")
    assert isinstance(body, dict) and isinstance(award, dict)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    for change, field, words in (
        ({"id": "MAPA n°12/2026"}, "award.id", "l’identifiant du marché : 1 à 16 caractères"),
        ({"id": "A&B,C;D"}, "award.id", "l’identifiant du marché : 1 à 16 caractères"),
        ({"amount_eur": 4_000_000_000}, "award.amount_eur", "dépasse 3 000 000 000 € HT"),
        ({"buyer_siret": "23670001200015"}, "award.buyer_siret", "clé de contrôle"),
        (
            {"holders": [{"id_type": "HORS-UE", "id": "uk-12 345"}]},
            "award.holders[1].id",
            "de type HORS-UE",
        ),
        ({"holders": [{"id_type": "TAHITI", "id": "12"}]}, "award.holders[1].id", "TAHITI"),
        ({"holders": [{"id_type": "RIDET", "id": "1"}]}, "award.holders[1].id", "RIDET"),
        ({"advance_payment": True}, "award.advance_rate", "taux de l’avance obligatoire"),
        ({"notification_date": tomorrow}, "award.notification_date", "postérieure à aujourd’hui"),
    ):
        refused = api.post("/api/v1/decp", json={**body, "award": {**award["award"], **change}})
        assert refused.status_code == 422, change
        assert [(p["field"], words in p["message"]) for p in refused.json()["detail"]] == [
            (field, True)
        ], refused.json()


@pytest.mark.parametrize(
    ("strategy", "field"),
    [
        ({"contact_deadline_days": True}, "strategy.contact_deadline_days"),
        ({"memo_max_pages": "3"}, "strategy.memo_max_pages"),
        ({"penalty_eur_per_hour": False}, "strategy.penalty_eur_per_hour"),
        ({"mechanisms": [{"id": "insertion_clause", "lots": [True]}]}, "strategy.mechanisms"),
        ({"hours_override": {"total": "900"}}, "strategy.hours_override"),
    ],
)
def test_a_strategy_takes_numbers_as_numbers(
    api: TestClient, strategy: dict[str, object], field: str
) -> None:
    """As the profile does and as its JSON Schema says: « true » is not 1 day, nor « "3" » 3
    pages (schemathesis found the API taking ``contact_deadline_days: true`` as 1)."""
    response = api.post("/api/v1/advice", json={**MINIMAL, "strategy": strategy})
    assert response.status_code == 422, response.text
    assert any(d["field"].startswith(field) for d in response.json()["detail"]), response.json()
