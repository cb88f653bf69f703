"""The award form that helps (issue 23, point 4): pre-filled from the published tender and the
organisation, saying where each suggestion comes from, saved in one submission once the buyer
has typed what only the award knows; and every error of a form sent empty, at once."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser
from typing import Any

import yaml
from fastapi import FastAPI
from sqlmodel import select

from clauses.store import crud
from clauses.store.db import new_session
from clauses.store.models import Organisation, Stage
from tests.moves import EXAMPLES, move_in
from tests.web.conftest import Browser, text_of

EXAMPLE = "lycee-rehabilitation"
BUYER_SIRET = "23440003400026"  # the example award's buyer (its Luhn key is right)


class FormReader(HTMLParser):
    """What a browser sends for the award form as shown: every field with its value, the
    checked boxes and radios, each select's selected option (its first when none is)."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.names: set[str] = set()  # every field's name, sent or not (boxes unticked)
        self.inside = False
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("class") == "award-form":
            self.inside = True
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if "name" in a:
            self.names.add(a["name"])
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.pairs.append((a["name"], a.get("value", "on")))
            elif kind != "submit":
                self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.options if selected] or [self.options[0][0]]
            self.pairs.append((self.select, chosen[0]))
            self.select = None
        if tag == "form":
            self.inside = False


def shown_form(html: str) -> dict[str, Any]:
    """The form's fields as sent (a list for a name sent several times)."""
    return read_form(html)[0]


def read_form(html: str) -> tuple[dict[str, Any], set[str]]:
    """The form's fields as sent, and the names of all its fields."""
    reader = FormReader()
    reader.feed(html)
    sent: dict[str, Any] = {}
    for name, value in reader.pairs:
        if name in sent:
            sent[name] = [*([sent[name]] if isinstance(sent[name], str) else sent[name]), value]
        else:
            sent[name] = value
    return sent, reader.names


def summary_links(html: str) -> list[str]:
    """The fields the error summary links to, in its order."""
    summary = re.search(r'<div id="award-errors".*?</div>', html, re.S)
    assert summary is not None
    return re.findall(r'<a href="#([^"]+)">', summary.group(0))


def example_dossier(browser: Browser, app: FastAPI, siret: str | None = BUYER_SIRET) -> str:
    """A dossier of the example, published as the web does it, its organisation's SIRET set."""
    ctx = app.state.ctx
    dossier = browser.new_dossier("Réhabilitation du lycée Jules-Verne")
    move_in(ctx.engine, ctx.library, dossier, EXAMPLE, Stage.published)
    with new_session(ctx.engine) as session:
        owner = crud.get_dossier(session=session, dossier_id=uuid.UUID(dossier)).organisation_id
        organisation = session.exec(select(Organisation).where(Organisation.id == owner)).one()
        organisation.siret = siret
        session.add(organisation)
        session.commit()
    return dossier


def send_emptied(browser: Browser, dossier: str) -> tuple[dict[str, Any], Any]:
    """The award form as shown, and its answer when sent with nothing typed: every suggestion
    removed, every box unticked (only the CSRF token, the version and the number of each
    list's rows kept)."""
    sent = shown_form(browser.get(f"/dossiers/{dossier}/attribution").text)
    kept = {"csrf_token", "version"} | {n for n in sent if n.endswith("-count")}
    boxes = {"techniques", "execution_modalities", "environmental_considerations"}
    emptied = {name: "" for name in sent if name not in kept | boxes}
    return sent, browser.post(
        f"/dossiers/{dossier}/attribution",
        {n: v for n, v in sent.items() if n not in boxes} | emptied | {"action": "save"},
    )


def award_of_example() -> dict[str, Any]:
    text = (EXAMPLES / "award" / f"{EXAMPLE}.yaml").read_text("utf-8")
    award: dict[str, Any] = yaml.safe_load(text)["award"]
    return award


def test_the_form_is_pre_filled_and_says_from_where(browser: Browser, app: FastAPI) -> None:
    dossier = example_dossier(browser, app)
    page = browser.get(f"/dossiers/{dossier}/attribution")
    assert page.status_code == 200
    sent = shown_form(page.text)
    assert sent["buyer_siret"] == BUYER_SIRET
    assert sent["procedure"] == "Appel d'offres ouvert"  # formalised: above the EU threshold
    assert sent["techniques"] == "Sans objet" and sent["execution_modalities"] == "Sans objet"
    assert sent["ccag"] == "Travaux"
    assert (sent["place-code"], sent["place-type"]) == ("52", "Code région")
    assert sent["environmental_considerations"] == [
        "Clause environnementale",
        "Critère environnemental",
    ]
    # Nothing of the award's outcome is guessed.
    for name in ("lots-1-id", "lots-1-amount_eur", "lots-1-holders-1-id", "notification_date"):
        assert sent[name] == "", name
    for name in ("offers_received", "price_form", "grouping"):
        assert sent[name] == "", name
    assert "innovative" not in sent and "advance_payment" not in sent
    text = text_of(page.text)
    assert "SIRET enregistré pour votre organisation « Région Test »." in text
    assert (
        "Suggérée par le régime que l’avis a calculé : procédure formalisée (seuil européen de 5 404 000 € HT)"
        in text
    )
    assert "Région du dossier (code 52)" in text
    assert "Obligations que l’avis applique à cette consultation (" in text
    # Each note is read with its field.
    assert 'aria-describedby="buyer_siret-help buyer_siret-source"' in page.text
    # The dossier's facts and lots, in sections listed at the top.
    for anchor in ("s-marche", "s-acheteur", "s-procedure", "s-titulaires", "s-montants"):
        assert f'href="#{anchor}"' in page.text and f'id="{anchor}"' in page.text
    assert "45214220-8" in text and "Lot 4 : Menuiseries intérieures" in text
    # The social considerations the contract declares, from the strategy retained.
    assert (
        "Lot 1 : Clause sociale Lot 2" in text and "Lot 3 : Clause sociale, Marché réservé" in text
    )


def test_the_example_is_awarded_in_one_submission(browser: Browser, app: FastAPI) -> None:
    """The form as shown, with only what the award itself decided typed in (the lots' ids,
    holders and amounts, the dates, offers, prices, grouping, sub-contracting, advance and
    innovation): saved at once, with the dossier's suggestions in the contract's DECP."""
    dossier = example_dossier(browser, app)
    sent, names = read_form(browser.get(f"/dossiers/{dossier}/attribution").text)
    award = award_of_example()
    typed: dict[str, Any] = {
        "notification_date": award["notification_date"],
        "publication_date": "01/12/2026",
        "offers_received": str(award["offers_received"]),
        "price_form": award["price_form"],
        "price_types": award["price_types"],
        "grouping": award["grouping"],
        "subcontracting_declared": "true",
        "advance_payment": "true",
        "advance_rate": "5",
        "innovative": "false",
    }
    for lot in award["lots"]:
        p = f"lots-{lot['lot']}"
        typed[f"{p}-id"] = lot["id"]
        typed[f"{p}-amount_eur"] = f"{lot['amount_eur']:,}".replace(",", " ")
        for j, holder in enumerate(lot["holders"], start=1):
            typed[f"{p}-holders-{j}-id"] = holder["id"]
            typed[f"{p}-holders-{j}-name"] = holder["name"]
        if "grouping" in lot:
            typed[f"{p}-grouping"] = lot["grouping"]
    unknown = set(typed) - names
    assert unknown == set(), unknown  # every field typed is one the page shows
    saved = browser.post(f"/dossiers/{dossier}/attribution", sent | typed | {"action": "save"})
    assert saved.status_code == 303, text_of(saved.text)
    marches = browser.get(f"/dossiers/{dossier}/decp.json").json()["marches"]["marche"]
    assert [m["id"] for m in marches] == [lot["id"] for lot in award["lots"]]
    assert [m["montant"] for m in marches] == [lot["amount_eur"] for lot in award["lots"]]
    first = marches[0]
    assert first["acheteur"]["id"] == BUYER_SIRET
    assert first["procedure"] == "Appel d'offres ouvert"
    assert first["lieuExecution"] == {"code": "52", "typeCode": "Code région"}
    assert first["considerationsEnvironnementales"]["considerationEnvironnementale"] == [
        "Clause environnementale",
        "Critère environnemental",
    ]
    assert [t["titulaire"]["id"] for t in first["titulaires"]] == [
        h["id"] for h in award["lots"][0]["holders"]
    ]


def test_a_suggestion_changed_is_kept_and_loses_its_note(browser: Browser, app: FastAPI) -> None:
    dossier = example_dossier(browser, app, siret=None)  # an organisation without SIRET
    page = browser.get(f"/dossiers/{dossier}/attribution").text
    sent = shown_form(page)
    assert sent["buyer_siret"] == "" and "SIRET enregistré" not in text_of(page)
    sent |= {"procedure": "Procédure avec négociation", "place-code": "44109"}
    refused = browser.post(f"/dossiers/{dossier}/attribution", sent | {"action": "save"})
    assert refused.status_code == 422
    again = shown_form(refused.text)
    assert again["procedure"] == "Procédure avec négociation" and again["place-code"] == "44109"
    text = text_of(refused.text)
    # The note stays where the suggestion was kept, and goes where the buyer changed it.
    assert "Suggérée par le régime" not in text and "Région du dossier (code 52)." not in text
    assert "Celui de la nature du dossier (travaux)." in text


def test_every_error_of_an_empty_form_at_once(browser: Browser, app: FastAPI) -> None:
    """A form sent with nothing typed and the suggestions removed: every field the DECP needs
    is named in one response, each summary entry linking to its field, each message beside it."""
    dossier = example_dossier(browser, app)
    sent, refused = send_emptied(browser, dossier)
    assert refused.status_code == 422
    links = summary_links(refused.text)
    expected = {
        "lots",
        "buyer_siret",
        "procedure",
        "techniques",
        "execution_modalities",
        "offers_received",
        "notification_date",
        "publication_date",
        "price_form",
        "price_types",
        "place-code",
        "grouping",
        "subcontracting_declared",
        "advance_payment",
        "innovative",
        "environmental_considerations",
        "lots-1-id",
        "lots-1-amount_eur",
        "lots-1-holders-1-id",
    }
    assert set(links) == expected, set(links) ^ expected
    # Each once, in the order of the page's sections.
    assert links == [
        "place-code",
        "buyer_siret",
        "procedure",
        "techniques",
        "execution_modalities",
        "offers_received",
        "grouping",
        "subcontracting_declared",
        "lots",
        "lots-1-id",
        "lots-1-amount_eur",
        "lots-1-holders-1-id",
        "notification_date",
        "publication_date",
        "price_form",
        "price_types",
        "advance_payment",
        "environmental_considerations",
        "innovative",
    ]
    for name in expected:
        assert f'id="{name}-error"' in refused.text, name
    assert "Lots attribués : aucun lot attribué : remplissez au moins un lot" in text_of(
        refused.text
    )
    # A bad value and a missing one in one response, with what was typed kept.
    bad = sent | {
        "action": "save",
        "buyer_siret": "23440003400027",  # wrong Luhn key
        "lots-2-id": "n°2",
        "lots-2-amount_eur": "beaucoup",
        "publication_date": "2099-01-01",
    }
    refused = browser.post(f"/dossiers/{dossier}/attribution", bad)
    assert refused.status_code == 422
    links = set(summary_links(refused.text))
    assert {
        "buyer_siret",
        "lots-2-id",
        "lots-2-amount_eur",
        "lots-2-holders-1-id",
        "publication_date",
        "offers_received",
        "price_form",
    } <= links, links
    assert 'value="beaucoup"' in refused.text and 'value="n°2"' in refused.text


def test_a_correction_shows_the_award_as_saved(browser: Browser, app: FastAPI) -> None:
    """An award already saved is shown as it is, without suggestions nor their notes."""
    ctx = app.state.ctx
    dossier = browser.new_dossier("Lycée attribué")
    move_in(ctx.engine, ctx.library, dossier, EXAMPLE, Stage.awarded)
    page = browser.get(f"/dossiers/{dossier}/attribution").text
    sent = shown_form(page)
    award = award_of_example()
    assert sent["place-code"] == award["place"]["code"] == "44109"
    assert sent["environmental_considerations"] == "Clause environnementale"
    assert sent["buyer_siret"] == award["buyer_siret"]
    assert "Pré-rempli" not in page and "Corriger l’attribution" in text_of(page)
    assert sent["lots-1-holders-2-name"] == award["lots"][0]["holders"][1]["name"]
