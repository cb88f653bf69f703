"""A framework agreement's follow-up in the app (issue 22): the amounts ordered recorded by
form and by CSV drive the hours owed, the balance, the report, and the year's SPASER."""

from __future__ import annotations

import io
import re
import uuid

import docx
from fastapi import FastAPI

from clauses.advisor.hours import hours_on_orders
from clauses.profile import AgreementKind, load_profile
from clauses.store import crud, reports, stages
from clauses.store.db import new_session
from clauses.store.models import Stage
from clauses.web.routes.dossiers.followup import orders_named
from tests.conftest import EXAMPLES
from tests.moves import move_in, schema
from tests.web.conftest import Browser, text_of

NAME = "entretien-lycees-accord-cadre"
CSV = (EXAMPLES / "followup" / f"{NAME}.csv").read_bytes()


def followed(app: FastAPI, browser: Browser) -> str:
    dossier = browser.new_dossier("Entretien des lycées")
    ctx = app.state.ctx
    move_in(ctx.engine, ctx.library, dossier, NAME, Stage.in_execution,
            strategy={"penalty_eur_per_hour": 50})  # fmt: skip
    return dossier


def test_orders_by_form_and_csv_drive_the_balance_report_and_spaser(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed(app, browser)
    page = browser.get(f"/dossiers/{dossier}/suivi")
    assert "Accord-cadre" in text_of(page.text) and "/suivi/commandes" in page.text
    # A form naming the field at fault, then a good one.
    bad = {"oa-lot": "2", "oa-period_start": "2028-01-01", "oa-period_end": "2028-03-31"}
    refused = browser.post(f"/dossiers/{dossier}/suivi/commandes", bad)
    assert refused.status_code == 422
    assert "Montant HT commandé ou facturé" in text_of(refused.text)
    good = {**bad, "oa-amount_eur": "100 000", "oa-basis": "ordered"}
    saved = browser.post(f"/dossiers/{dossier}/suivi/commandes", good)
    assert saved.status_code == 303, text_of(saved.text)
    # The example's statement: seven rows of orders, three of hours.
    sent = browser.post(
        f"/dossiers/{dossier}/suivi/import", files={"releve": ("releve.csv", CSV, "text/csv")}
    )
    assert sent.status_code == 303, text_of(sent.text)
    ctx = app.state.ctx
    with new_session(ctx.engine) as session:
        current = crud.get_dossier(session=session, dossier_id=uuid.UUID(dossier))
        followup = stages.followup_of(session=session, dossier_id=current.id)
        published = stages.published_of(current)
        assert published is not None
        organisation = current.organisation_id
        assert organisation is not None
        indicators_2027 = reports.spaser(
            session, organisation_id=organisation, year=2027, library=ctx.library, schema=schema()
        )
        indicators_2028 = reports.spaser(
            session, organisation_id=organisation, year=2028, library=ctx.library, schema=schema()
        )
    assert len(followup.orders) == 8 and len(followup.records) == 3
    # Lot 2: 85 500,50 € in 2027 and 100 000 € in 2028 at 1,17 h per 1 000 €.
    lot2 = next(line for line in published.strategy.hours if line.lot == 2)
    assert lot2.hours_per_1000_eur == 1.17
    page = text_of(browser.get(f"/dossiers/{dossier}/suivi").text)
    assert "185 500,50" in page.replace("\u202f", " ").replace("\u00a0", " ")
    assert "217,04" in page  # 185 500,50 × 1,17 ÷ 1 000 = 217,035585
    # The SPASER of a year counts the hours owed on that year's orders, and no fixed plan.
    by_hand_2027 = sum(
        hours_on_orders(amount, ratio)
        for amount, ratio in [
            (120_000, 0.83), (85_500.50, 1.17), (64_000, 0.83), (64_250, 0.83),
            (47_800, 0.83), (210_000, 0.83), (30_000, 0.83),
        ]
    )  # fmt: skip
    assert round(indicators_2027.hours_owed_on_orders, 2) == round(by_hand_2027, 2) == 544.96
    assert indicators_2028.hours_owed_on_orders == hours_on_orders(100_000, 1.17) == 117
    assert indicators_2027.hours_planned == 0
    assert indicators_2027.hours_performed == 390
    # The report counts the hours owed on what was ordered.
    report = browser.get(f"/dossiers/{dossier}/suivi/rapport.docx")
    assert report.status_code == 200
    document = docx.Document(io.BytesIO(report.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Accord-cadre : heures dues sur les commandes" in re.sub(r"[\u00a0\u202f]", " ", text)


def test_the_wizard_asks_it_and_the_review_shows_the_ratio(browser: Browser) -> None:
    from tests.web.stages import MARKET

    dossier = browser.new_dossier("Entretien")
    answers = {
        **MARKET,
        "agreement__kind": "purchase_orders",
        "agreement__minimum_eur": "1 000 000",
        "agreement__maximum_eur": MARKET["estimated_amount_eur"],
    }
    page = re.sub(
        r"[\u00a0\u202f]", " ", text_of(browser.get(f"/dossiers/{dossier}/etapes/marche").text)
    )
    assert "Accord-cadre à bons de commande" in page and "Non : marché ordinaire" in page
    assert browser.answer(dossier, "marche", **answers).status_code == 303
    review = text_of(browser.get(f"/dossiers/{dossier}").text)
    assert "aucun total fixe" in review
    assert "h par tranche de 1 000 € HT commandés" in review.replace("\u202f", " ").replace(
        "\u00a0", " "
    )
    # The review page asks the optional floor per order, for a framework only.
    assert "en dessous duquel aucune heure n’est due" in review
    assert 'name="order_floor_eur"' in browser.get(f"/dossiers/{dossier}").text


def test_the_model_statement_of_a_framework_has_an_orders_row(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed(app, browser)
    model = browser.get(f"/dossiers/{dossier}/suivi/modele.csv")
    assert model.status_code == 200
    assert ";commandes;" in model.content.decode("utf-8-sig")
    sent = browser.post(
        f"/dossiers/{dossier}/suivi/import",
        files={"releve": ("modele.csv", model.content, "text/csv")},
    )
    assert sent.status_code == 303, text_of(sent.text)
    with new_session(app.state.ctx.engine) as session:
        followup = stages.followup_of(session=session, dossier_id=uuid.UUID(dossier))
    assert [o.amount_eur for o in followup.orders] == [120_000]


def test_the_orders_form_says_the_ccaps_floor_per_order(app: FastAPI, browser: Browser) -> None:
    """Whoever records the amounts ordered leaves out the orders under the CCAP's floor: the
    page names that floor, and says so when the CCAP sets none."""
    with_floor = browser.new_dossier("Entretien avec seuil")
    ctx = app.state.ctx
    move_in(ctx.engine, ctx.library, with_floor, NAME, Stage.in_execution,
            strategy={"penalty_eur_per_hour": 50, "order_floor_eur": 4000})  # fmt: skip
    page = browser.get(f"/dossiers/{with_floor}/suivi").text
    words = re.sub(r"[\u00a0\u202f]", " ", text_of(page))
    assert "Les bons de commande de moins de 4 000 € HT, seuil fixé au CCAP" in words
    assert "sans ceux de moins de 4 000 € HT" in words
    assert 'aria-describedby="oa-amount_eur-help"' in page
    without = re.sub(
        r"[\u00a0\u202f]",
        " ",
        text_of(browser.get(f"/dossiers/{followed(app, browser)}/suivi").text),
    )
    assert (
        "Le CCAP ne fixe pas de seuil par bon de commande : tous les bons de commande comptent."
        in without
    )
    assert "sans ceux de moins de" not in without


def test_the_orders_are_named_as_the_ccap_names_them() -> None:
    """An agreement executed by subsequent contracts has no « bons de commande » (its CCAP
    says « marché subséquent », tests/test_framework_agreement.py): the follow-up page neither."""
    profile = load_profile(EXAMPLES / f"{NAME}.yaml")
    assert profile.agreement is not None
    assert orders_named(profile) == ("bon de commande", "bons de commande")
    subsequent = profile.agreement.model_copy(update={"kind": AgreementKind.subsequent_contracts})
    named = orders_named(profile.model_copy(update={"agreement": subsequent}))
    assert named == ("marché subséquent", "marchés subséquents")
