"""The dossier's life on the web: the stage and its moves on the dossier page, the published
tender read-only, the award form (French errors beside their fields, nothing typed lost), the
contract's DECP, and the list by stage."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from clauses.decp.document import DecpSchema
from clauses.store import accounts, crud
from clauses.store.db import new_session
from clauses.store.models import DossierCreate, Stage
from clauses.web.routes.dossiers import award as award_routes
from tests.web.conftest import Browser, people_of, text_of
from tests.web.stages import AWARD, AWARD_FORM, LOTS, MARKET, place_at


def version_of(browser: Browser, dossier: str) -> str:
    return str(browser.version(dossier))


def published(browser: Browser, app: FastAPI, title: str = "Lycée") -> str:
    dossier = browser.new_dossier(title)
    place_at(app, dossier, Stage.published)
    return dossier


def test_publish_freezes_the_tender_and_keeps_its_documents(browser: Browser) -> None:
    dossier = browser.new_dossier("Lycée")
    browser.answer(dossier, "marche", **MARKET)
    page = browser.get(f"/dossiers/{dossier}").text
    assert "Vie du marché" in text_of(page) and "Brouillon" in text_of(page)
    assert f'href="/dossiers/{dossier}/publier"' in page  # to its confirmation (issue 23)
    confirm = browser.get(f"/dossiers/{dossier}/publier")
    assert confirm.status_code == 200
    assert f'action="/dossiers/{dossier}/publier"' in confirm.text
    assert "seront figés" in text_of(confirm.text)
    assert 'id="strategy-form"' in page
    generated = browser.post(f"/dossiers/{dossier}/documents", {"sections": "summary"})
    assert generated.status_code == 303

    moved = browser.post(
        f"/dossiers/{dossier}/publier",
        {"version": version_of(browser, dossier), "publication_date": "2026-10-05"},
    )
    assert moved.status_code == 303
    page = browser.get(moved.headers["location"]).text
    text = text_of(page)
    assert "Consultation publiée" in text
    assert "Consultation lancée le 5 octobre 2026" in text
    assert 'id="strategy-form"' not in page  # the choices, read-only
    assert "La consultation publiée retient" in text
    assert "Un référent peut ramener le dossier au brouillon" in text
    assert f'/dossiers/{dossier}/publier"' not in page
    assert f'href="/dossiers/{dossier}/attribution"' in page
    # The acheteur may not take it back to draft: no button for it.
    assert f'action="/dossiers/{dossier}/depublier"' not in page

    step = browser.get(f"/dossiers/{dossier}/etapes/marche")
    assert step.status_code == 200
    assert '<form id="step-form"' not in step.text and "<fieldset disabled" in step.text
    assert 'value="Réhabilitation du lycée"' in step.text  # the answers, shown
    refused = browser.answer(dossier, "marche", title="Autre objet")
    assert refused.status_code == 409 and "Dossier publié" in refused.text
    documents = browser.get(f"/dossiers/{dossier}/documents").text
    link = re.search(rf'href="(/dossiers/{dossier}/documents/[0-9a-f-]+)" download', documents)
    assert link and browser.get(link.group(1)).status_code == 200

    history = text_of(browser.get(f"/dossiers/{dossier}/historique").text)
    assert "Publication de la consultation" in history and "Date de lancement" in history


def test_publishing_needs_a_ready_tender_and_a_past_date(browser: Browser) -> None:
    empty = browser.new_dossier("Vide")
    page = browser.get(f"/dossiers/{empty}").text
    assert f'/dossiers/{empty}/publier"' not in page
    assert "Avant de publier la consultation" in text_of(page)
    refused = browser.post(
        f"/dossiers/{empty}/publier",
        {"version": version_of(browser, empty), "publication_date": "2026-10-05"},
    )
    assert refused.status_code == 422
    assert "Objet du marché" in text_of(refused.text)  # what is missing, named

    dossier = browser.new_dossier("Lycée")
    browser.answer(dossier, "marche", **MARKET)
    future = browser.post(
        f"/dossiers/{dossier}/publier",
        {"version": version_of(browser, dossier), "publication_date": "2099-01-01"},
    )
    assert future.status_code == 422
    assert 'value="2099-01-01"' in future.text  # kept as typed
    assert 'id="publication_date-error"' in future.text
    assert "Date de lancement de la consultation : la date de lancement ne peut pas être " in (
        text_of(future.text)
    )
    missing = browser.post(
        f"/dossiers/{dossier}/publier",
        {"version": version_of(browser, dossier), "publication_date": ""},
    )
    assert missing.status_code == 422 and "date de lancement obligatoire" in missing.text
    stale = browser.post(
        f"/dossiers/{dossier}/publier", {"version": "0", "publication_date": "2026-10-05"}
    )
    assert stale.status_code == 409
    assert "modifié entre-temps" in text_of(stale.text)


def test_award_form_offers_the_decp_values_and_keeps_what_was_typed(
    browser: Browser, app: FastAPI
) -> None:
    dossier = published(browser, app)
    form = browser.get(f"/dossiers/{dossier}/attribution")
    assert form.status_code == 200
    for value in ("Appel d'offres ouvert", "Procédure adaptée", "Bons de commande", "Solidaire"):
        assert f'value="{escape(value)}"' in form.text
    assert 'name="holders-1-id"' in form.text and 'name="lots-1-id"' not in form.text

    typed = {
        **AWARD_FORM,
        "version": version_of(browser, dossier),
        "buyer_siret": "",
        "holders-1-id": "4123",
        "amount_eur": "beaucoup",
    }
    refused = browser.post(f"/dossiers/{dossier}/attribution", typed)
    assert refused.status_code == 422
    text = text_of(refused.text)
    assert "SIRET de l’acheteur : champ obligatoire" in text
    assert (
        "Titulaire 1, identifiant (SIRET…) : l’identifiant du titulaire compte 14 chiffres" in text
    )
    assert "Montant du marché (€ HT) :" in text
    for field in ("buyer_siret", "holders-1-id", "amount_eur"):
        assert f'id="{field}-error"' in refused.text
        assert f'href="#{field}"' in refused.text
    assert 'value="4123"' in refused.text and 'value="beaucoup"' in refused.text
    assert 'value="Bâtir Ensemble SCOP"' in refused.text
    assert 'value="Sans objet" checked' in refused.text
    assert 'value="Forfaitaire" selected' in refused.text
    assert 'value="25/11/2026"' in refused.text

    more = browser.post(
        f"/dossiers/{dossier}/attribution", {**typed, "action": "add_holder:holders"}
    )
    assert more.status_code == 200
    assert 'name="holders-2-id"' in more.text and 'value="4123"' in more.text
    page = browser.get(f"/dossiers/{dossier}").text
    assert "Publié" in text_of(page)  # nothing was saved


def test_award_form_refuses_what_the_consolidation_sets_aside_naming_each_field(
    browser: Browser, app: FastAPI
) -> None:
    """A wrong SIRET key, an id off the ministry's pattern, a date after today, an advance
    without its rate: each refused beside its field, named in French, the form kept as typed."""
    dossier = published(browser, app, "Lycée refusé")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    typed = {
        **AWARD_FORM,
        "version": version_of(browser, dossier),
        "id": "MAPA n°12/2026",
        "buyer_siret": "23350001600041",
        "holders-1-id_type": "HORS-UE",
        "holders-1-id": "uk-12 345",
        "notification_date": tomorrow,
        "advance_payment": "true",
    }
    refused = browser.post(f"/dossiers/{dossier}/attribution", typed)
    assert refused.status_code == 422
    text = text_of(refused.text)
    for words in (
        "Identifiant du marché : l’identifiant du marché : 1 à 16 caractères parmi les lettres "
        "sans accent",
        "SIRET de l’acheteur : le SIRET de l’acheteur n’est pas un numéro SIRET valide : sa clé "
        "de contrôle (formule de Luhn) est fausse",
        "Titulaire 1, identifiant (SIRET…) : l’identifiant du titulaire de type HORS-UE : code "
        "pays en 2 majuscules",
        "Date de notification : la date de notification ne peut pas être postérieure à aujourd’hui",
        "Taux de l’avance (%) : taux de l’avance obligatoire quand une avance est versée",
    ):
        assert words in text, words
    for field in ("id", "buyer_siret", "holders-1-id", "notification_date", "advance_rate"):
        assert f'id="{field}-error"' in refused.text, field
        assert f'href="#{field}"' in refused.text, field
    for value in ("MAPA n°12/2026", "23350001600041", "uk-12 345", tomorrow):
        assert f'value="{escape(value)}"' in refused.text, value
    assert 'value="HORS-UE" selected' in refused.text
    assert "Publié" in text_of(browser.get(f"/dossiers/{dossier}").text)  # nothing was saved


def test_a_buyer_gives_one_id_to_one_contract(browser: Browser, app: FastAPI) -> None:
    """decp.info keeps one contract per (buyer SIRET, id): a second dossier of the buyer cannot
    take an id already declared; another buyer can."""
    first = published(browser, app, "Premier lycée")
    form = {**AWARD_FORM, "id": "2026-UNIQUE-1"}
    saved = browser.post(
        f"/dossiers/{first}/attribution", {**form, "version": version_of(browser, first)}
    )
    assert saved.status_code == 303, text_of(saved.text)
    second = published(browser, app, "Second lycée")
    refused = browser.post(
        f"/dossiers/{second}/attribution", {**form, "version": version_of(browser, second)}
    )
    assert refused.status_code == 422
    assert (
        "Identifiant du marché : l’identifiant « 2026-UNIQUE-1 » est déjà celui d’un autre marché "
        "de cet acheteur (dossier « Premier lycée ») : chaque marché d’un acheteur a son propre "
        "identifiant dans les données essentielles"
    ) in text_of(refused.text)
    assert 'id="id-error"' in refused.text and 'value="2026-UNIQUE-1"' in refused.text
    # Correcting the first award keeps its own id; another buyer may use it.
    corrected = browser.post(
        f"/dossiers/{first}/attribution",
        {**form, "version": version_of(browser, first), "amount_eur": "5 950 000"},
    )
    assert corrected.status_code == 303, text_of(corrected.text)
    other_buyer = browser.post(
        f"/dossiers/{second}/attribution",
        {**form, "version": version_of(browser, second), "buyer_siret": "23440003400026"},
    )
    assert other_buyer.status_code == 303, text_of(other_buyer.text)


def test_an_id_taken_after_the_forms_check_is_refused_at_the_write(
    browser: Browser, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another award of the buyer may land between the form's check of its ids and the write:
    the write checks them again, in its transaction, and refuses with the same message."""
    first = published(browser, app, "Premier lycée")
    form = {**AWARD_FORM, "id": "2026-RACE-1"}
    saved = browser.post(
        f"/dossiers/{first}/attribution", {**form, "version": version_of(browser, first)}
    )
    assert saved.status_code == 303, text_of(saved.text)
    second = published(browser, app, "Second lycée")
    real, calls = award_routes.ids_taken, []

    def not_yet_saved_at_the_first_check(*args: Any) -> list[Any]:
        calls.append(args)
        return [] if len(calls) == 1 else real(*args)

    monkeypatch.setattr(award_routes, "ids_taken", not_yet_saved_at_the_first_check)
    refused = browser.post(
        f"/dossiers/{second}/attribution", {**form, "version": version_of(browser, second)}
    )
    assert len(calls) == 2
    assert refused.status_code == 422
    assert "l’identifiant « 2026-RACE-1 » est déjà celui d’un autre marché" in text_of(refused.text)
    assert 'id="id-error"' in refused.text and 'value="2026-RACE-1"' in refused.text
    assert "Publié" in text_of(browser.get(f"/dossiers/{second}").text)  # nothing was saved


def test_two_awards_saved_at_once_never_share_an_id(
    browser: Browser, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two buyers' agents save the awards of two dossiers with one id at the same moment: one
    is saved, the other refused (each check is slowed so that, without the buyer's lock held
    from the check to the commit, both would pass and decp.info would drop one contract)."""
    dossiers = [published(browser, app, title) for title in ("Lycée A", "Lycée B")]
    real = award_routes.ids_taken

    def slow(*args: Any) -> list[Any]:
        found = real(*args)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(award_routes, "ids_taken", slow)
    form = {**AWARD_FORM, "id": "2026-RACE-2"}
    with TestClient(app) as one, TestClient(app) as other:
        agents = [Browser(one), Browser(other)]
        versions = [
            version_of(agent, dossier) for agent, dossier in zip(agents, dossiers, strict=True)
        ]
        start = threading.Barrier(2)

        def save(i: int) -> int:
            start.wait()
            url = f"/dossiers/{dossiers[i]}/attribution"
            return agents[i].post(url, {**form, "version": versions[i]}).status_code

        with ThreadPoolExecutor(2) as pool:
            results = sorted(pool.map(save, range(2)))
    assert results == [303, 422]
    with new_session(app.state.ctx.engine) as session:
        ids = [crud.get_dossier(session=session, dossier_id=uuid.UUID(d)).award for d in dossiers]
    assert sum(1 for award in ids if award and award.get("id") == "2026-RACE-2") == 1


def test_award_moves_to_awarded_then_corrects_and_gives_the_decp(
    browser: Browser, app: FastAPI
) -> None:
    dossier = published(browser, app)
    before = browser.get(f"/dossiers/{dossier}/decp.json")
    assert before.status_code == 404
    assert "se publient une fois son attribution enregistrée" in text_of(before.text)

    two_holders = {
        **AWARD_FORM,
        "version": version_of(browser, dossier),
        "grouping": "Conjoint",
        "holders-count": "2",
        "holders-2-id_type": "SIRET",
        "holders-2-id": "51234567900025",
        "holders-2-name": "Peintures du Ponant",
    }
    saved = browser.post(f"/dossiers/{dossier}/attribution", two_holders)
    assert saved.status_code == 303, text_of(saved.text)
    page = text_of(browser.get(saved.headers["location"]).text)
    assert "Attribution enregistrée" in page
    assert "Attribué, notifié le 20 novembre 2026" in page

    download = browser.get(f"/dossiers/{dossier}/decp.json")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/json")
    assert 'filename="decp-lycee-2026-11-20.json"' in download.headers["content-disposition"]
    document = download.json()
    DecpSchema.load().check(document)
    (marche,) = document["marches"]["marche"]
    assert marche["id"] == "2026-LYC-01" and marche["montant"] == 5_900_000
    assert marche["datePublicationDonnees"] == "2026-11-25"
    assert [t["titulaire"]["id"] for t in marche["titulaires"]] == [
        "41234567000019",
        "51234567900025",
    ]
    # The retained strategy (the insertion clause, as published) gives the social side.
    assert marche["considerationsSociales"]["considerationSociale"] == ["Clause sociale"]

    form = browser.get(f"/dossiers/{dossier}/attribution").text
    assert "Corriger l’attribution" in text_of(form)
    assert 'value="5900000"' in form and 'value="Peintures du Ponant"' in form
    corrected = browser.post(
        f"/dossiers/{dossier}/attribution",
        {**two_holders, "version": version_of(browser, dossier), "amount_eur": "5 950 000"},
    )
    assert corrected.status_code == 303
    assert (
        browser.get(f"/dossiers/{dossier}/decp.json").json()["marches"]["marche"][0]["montant"]
        == 5_950_000
    )
    history = text_of(browser.get(f"/dossiers/{dossier}/historique").text)
    assert "Attribution " in history and "Correction de l’attribution" in history
    assert "5950000" in history


def test_award_of_a_contract_in_lots(browser: Browser, app: FastAPI) -> None:
    dossier = browser.new_dossier("Lots")
    browser.answer(dossier, "marche", **MARKET)
    browser.answer(
        dossier,
        "lots",
        **LOTS,
    )
    browser.post(
        f"/dossiers/{dossier}/publier",
        {"version": version_of(browser, dossier), "publication_date": "2026-10-05"},
    )
    form = browser.get(f"/dossiers/{dossier}/attribution").text
    assert "Lot 1 : Gros œuvre" in text_of(form) and 'name="lots-2-holders-1-id"' in form
    assert 'name="holders-1-id"' not in form
    lots = {
        key: value
        for key, value in AWARD_FORM.items()
        if key not in {"id", "amount_eur"} and not key.startswith("holders-")
    }
    lots |= {
        "version": version_of(browser, dossier),
        "lots-2-id": "2026-LYC-12",
        "lots-2-amount_eur": "2 100 000",
        "lots-2-holders-count": "1",
    }
    refused = browser.post(f"/dossiers/{dossier}/attribution", lots)
    assert refused.status_code == 422
    assert "Lot 2, titulaire 1, identifiant (SIRET…) :" in text_of(refused.text)
    assert 'id="lots-2-holders-1-id-error"' in refused.text
    assert 'value="2026-LYC-12"' in refused.text

    lots |= {
        "lots-2-holders-1-id": "51234567900025",
        "lots-2-holders-1-name": "Peintures du Ponant",
        "lots-1-id": "2026-LYC-11",
        "lots-1-amount_eur": "3 900 000",
        "lots-1-notification_date": "2026-11-24",
        "lots-1-holders-count": "1",
        "lots-1-holders-1-id": "41234567000019",
    }
    saved = browser.post(f"/dossiers/{dossier}/attribution", lots)
    assert saved.status_code == 303, text_of(saved.text)
    page = text_of(browser.get(f"/dossiers/{dossier}").text)
    assert "notifié le 20 novembre 2026 (dernier lot le 24 novembre 2026)" in page
    marches = browser.get(f"/dossiers/{dossier}/decp.json").json()["marches"]["marche"]
    assert [m["id"] for m in marches] == ["2026-LYC-11", "2026-LYC-12"]
    assert [m["dateNotification"] for m in marches] == ["2026-11-24", "2026-11-20"]


def test_start_close_and_reopen_with_their_dates(app: FastAPI, browser: Browser) -> None:
    dossier = browser.new_dossier("Exécution")
    place_at(app, dossier, Stage.awarded)
    early = browser.post(
        f"/dossiers/{dossier}/executer",
        {"version": version_of(browser, dossier), "date": "2026-11-01"},
    )
    assert early.status_code == 422
    assert (
        "Date de début d’exécution : la date de début d’exécution ne peut pas précéder le "
        "20/11/2026" in text_of(early.text)
    )
    assert 'value="2026-11-01"' in early.text
    started = browser.post(
        f"/dossiers/{dossier}/executer",
        {"version": version_of(browser, dossier), "date": "2026-11-24"},
    )
    assert started.status_code == 303
    page = browser.get(f"/dossiers/{dossier}").text
    assert "Exécution commencée le 24 novembre 2026" in text_of(page)
    assert f'/dossiers/{dossier}/clore"' not in page  # a referent's
    refused = browser.post(
        f"/dossiers/{dossier}/clore",
        {"version": version_of(browser, dossier), "date": "2026-11-30"},
    )
    assert refused.status_code == 403
    assert "« Clore le marché » demande le rôle référent au moins" in text_of(refused.text)
    wrong_stage = browser.post(
        f"/dossiers/{dossier}/executer",
        {"version": version_of(browser, dossier), "date": "2026-11-24"},
    )
    assert wrong_stage.status_code == 422
    assert "le dossier est « en exécution »" in text_of(wrong_stage.text).lower()

    with browser.client as client:
        referent = Browser(client, "referent")
        page = referent.get(f"/dossiers/{dossier}").text
        assert f'href="/dossiers/{dossier}/clore"' in page
        confirm = text_of(referent.get(f"/dossiers/{dossier}/clore").text)
        assert "heures d’insertion manquent" in confirm or "aucune pénalité" in confirm
        closed = referent.post(
            f"/dossiers/{dossier}/clore",
            {"version": version_of(referent, dossier), "date": "2026-11-30"},
        )
        assert closed.status_code == 303
        assert "Marché clos le 30 novembre 2026" in text_of(
            referent.get(f"/dossiers/{dossier}").text
        )
        reopened = referent.post(
            f"/dossiers/{dossier}/rouvrir", {"version": version_of(referent, dossier)}
        )
        assert reopened.status_code == 303
        page = text_of(referent.get(f"/dossiers/{dossier}").text)
        assert "Vie du marché : En exécution" in page and "Marché clos" not in page
        history = text_of(referent.get(f"/dossiers/{dossier}/historique").text)
        assert "Réouverture du marché" in history and "Clôture du marché" in history


def test_unpublish_returns_to_the_draft(app: FastAPI, browser: Browser) -> None:
    dossier = published(browser, app)
    with browser.client as client:
        referent = Browser(client, "referent")
        page = referent.get(f"/dossiers/{dossier}").text
        assert f'action="/dossiers/{dossier}/depublier"' in page
        moved = referent.post(
            f"/dossiers/{dossier}/depublier", {"version": version_of(referent, dossier)}
        )
        assert moved.status_code == 303
        page = referent.get(f"/dossiers/{dossier}").text
        assert 'id="strategy-form"' in page and "Brouillon" in text_of(page)
        assert referent.answer(dossier, "marche", title="Autre objet").status_code == 303


def test_the_list_by_stage(app: FastAPI) -> None:
    people = people_of(app)
    with new_session(app.state.ctx.engine) as session:
        membership = accounts.membership_of(session, people.other.id)
        assert membership is not None
        made = [
            crud.create_dossier(
                session=session,
                dossier_in=DossierCreate(title=f"Dossier {i:03d}"),
                organisation_id=membership.organisation_id,
                author_id=people.other.id,
            ).id
            for i in range(203)
        ]
    place_at(app, made[0], Stage.awarded)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        other = Browser(client, "other")
        page = other.get("/dossiers").text
        assert "État" in page and page.count("<tr>") == 201  # the header and 200 dossiers
        assert "Dossiers 1 à 200 sur 203" in text_of(page)
        following = re.search(r'href="(/dossiers\?apres=[0-9.a-f]+)">Dossiers suivants', page)
        assert following and 'href="/dossiers?fin=1">Fin de la liste' in page
        second = other.get(following[1]).text
        assert second.count("<tr>") == 4 and "Dossiers 201 à 203 sur 203" in text_of(second)
        assert 'href="/dossiers">Début de la liste' in second
        back = re.search(r'href="(/dossiers\?avant=[0-9.a-f]+)">Dossiers précédents', second)
        assert back and other.get(back[1]).text.count("<tr>") == 201
        assert "Dossiers 4 à 203 sur 203" in text_of(other.get("/dossiers?fin=1").text)
        awarded = other.get("/dossiers?etat=awarded").text
        assert awarded.count("<tr>") == 2 and "Dossier 000" in awarded
        assert "Attribué" in text_of(awarded) and "Dossiers attribués" in text_of(awarded)
        assert 'href="/dossiers?etat=awarded" aria-current="page"' in awarded
        assert other.get("/dossiers?etat=closed").text.count("<tr>") == 0
        assert "Archivés" in page


def test_decp_download_is_valid_for_every_stage_after_award(app: FastAPI, browser: Browser) -> None:
    for stage in (Stage.awarded, Stage.in_execution, Stage.closed):
        dossier = browser.new_dossier(f"DECP {stage}")
        place_at(app, dossier, stage)
        response = browser.get(f"/dossiers/{dossier}/decp.json")
        assert response.status_code == 200
        document = json.loads(response.content)
        DecpSchema.load().check(document)
        assert document["marches"]["marche"][0]["acheteur"]["id"] == AWARD["buyer_siret"]


STALE = (
    ("publier", Stage.draft, {"publication_date": "2026-10-05"}),
    ("depublier", Stage.published, {}),
    ("attribution", Stage.published, {**AWARD_FORM, "id": "2026-LYC-STALE"}),
    ("executer", Stage.awarded, {"date": "2026-11-24"}),
    ("clore", Stage.in_execution, {"date": "2026-11-30"}),
    ("rouvrir", Stage.closed, {}),
)


def test_a_move_on_a_stale_version_shows_the_conflict(app: FastAPI) -> None:
    """Someone changed the dossier since the page was shown: the move is not made."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        referent = Browser(client, "referent")
        for route, stage, data in STALE:
            dossier = referent.new_dossier(f"Périmé {route}")
            place_at(app, dossier, stage)
            shown = version_of(referent, dossier)
            referent.post(
                f"/dossiers/{dossier}/renommer", {"version": shown, "title": "Renommé entre-temps"}
            )
            response = referent.post(f"/dossiers/{dossier}/{route}", {**data, "version": shown})
            assert response.status_code == 409, route
            assert "modifié entre-temps" in text_of(response.text)
            page = text_of(referent.get(f"/dossiers/{dossier}").text)
            assert f"Vie du marché : {stage_label(stage)}" in page


def stage_label(stage: Stage) -> str:
    from clauses.store.models import STAGE_LABELS

    return STAGE_LABELS[stage].capitalize()


def test_closing_names_its_date(app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        referent = Browser(client, "referent")
        dossier = referent.new_dossier("Clôture")
        place_at(app, dossier, Stage.in_execution)
        for typed, message in (
            ("", "Date de clôture : date de clôture obligatoire"),
            (
                "2026-11-01",
                "Date de clôture : la date de clôture ne peut pas précéder le 25/11/2026",
            ),
            ("31/11/2026", "Date de clôture : date de clôture illisible : une date au format"),
        ):
            response = referent.post(
                f"/dossiers/{dossier}/clore",
                {"version": version_of(referent, dossier), "date": typed},
            )
            assert response.status_code == 422
            assert message in text_of(response.text)
            assert f'value="{typed}"' in response.text
        # The award cannot be given twice, nor before the consultation is published.
        draft = referent.new_dossier("Brouillon")
        refused = referent.get(f"/dossiers/{draft}/attribution")
        assert refused.status_code == 422
        assert "se fait depuis l’état « publié »" in text_of(refused.text)


def test_a_published_dossier_is_read_as_of_its_publication(browser: Browser) -> None:
    """Issue 23: with no launch date answered, the advice of a consultation published on
    1 September said « Lancement le » the day it was read."""
    dossier = browser.new_dossier("Lycée sans date")
    browser.answer(dossier, "marche", **{k: v for k, v in MARKET.items() if k != "launch_date"})
    moved = browser.post(
        f"/dossiers/{dossier}/publier",
        {"version": version_of(browser, dossier), "publication_date": "2026-09-01"},
    )
    assert moved.status_code == 303, text_of(moved.text)[:300]
    for url in (f"/dossiers/{dossier}", f"/dossiers/{dossier}/etapes/marche"):
        text = text_of(browser.get(url).text)
        assert "Lancement le 1er septembre 2026" in text, url
