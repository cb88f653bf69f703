"""The review page's decisions: kept or dropped mechanisms, reserved lots and parameters, saved
with the dossier (plain POST and htmx), each refusal named on its field, the one-click draft,
and the strategy stored with each document."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest

from tests.web.conftest import Browser, text_of
from tests.web.stages import LOTS, MARKET

OFFERED = ("insertion_clause", "insertion_criterion", "reserved_insertion")


def works_dossier(browser: Browser) -> str:
    dossier = browser.new_dossier("Lycée")
    browser.answer(dossier, "marche", **MARKET)
    browser.answer(dossier, "acheteur", region_code="52", facilitator_available="true")
    browser.answer(dossier, "lots", **LOTS)
    browser.answer(dossier, "offre-locale", local_offer__insertion="many")
    return dossier


def choices(browser: Browser, dossier: str, fields: dict[str, Any], action: str = "save") -> Any:
    data: dict[str, Any] = {
        "version": str(browser.version(dossier)),
        "action": action,
        "mechanism": list(OFFERED),
        **fields,
    }
    return browser.post(f"/dossiers/{dossier}/strategie", data)


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = package.read("word/document.xml").decode()
    return re.sub(r"<[^>]+>", "", xml.replace("<w:noBreakHyphen/>", "-"))


def test_review_prefills_the_recommended_mechanisms(browser: Browser) -> None:
    dossier = works_dossier(browser)
    page = browser.get(f"/dossiers/{dossier}").text
    assert 'id="strategy-form"' in page and 'method="post"' in page
    assert re.search(
        r'id="keep-insertion_clause" name="keep-insertion_clause" value="1" checked', page
    )
    assert not re.search(r'id="keep-insertion_criterion"[^>]* checked', page)
    assert "Lot 2 : Peinture" in text_of(page)
    # The decisions and the draft come before the advice on the page.
    assert page.index("Générer et télécharger") < page.index("Conseils pour ce marché")


def test_saved_choices_are_kept_and_drafted(browser: Browser) -> None:
    dossier = works_dossier(browser)
    saved = choices(
        browser,
        dossier,
        {
            "keep-insertion_clause": "1",
            "lots-insertion_clause": ["1"],
            "keep-reserved_insertion": "1",
            "lots-reserved_insertion": ["2"],
            "keep-insertion_criterion": "1",
            "weight-insertion_criterion": "12,5",
            "penalty_eur_per_hour": "60",
            "facilitator-name": "Claire Martin",
            "facilitator-email": "c.martin@mde.fr",
            "ccap_article": "9",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/dossiers/{dossier}?notice=choix#strategy"
    page = browser.get(saved.headers["location"]).text
    text = text_of(page)
    assert "Choix enregistrés." in text
    assert re.search(
        r'id="lots-reserved_insertion-2" name="lots-reserved_insertion" value="2" checked', page
    )
    assert 'value="12,5"' in page and 'value="Claire Martin"' in page
    assert "pondération 12,5 %" in text
    assert 'id="keep-lots_division"' not in page  # allotment is a fact, not a lever

    generated = choices(
        browser,
        dossier,
        action="generate",
        fields={
            "keep-insertion_clause": "1",
            "lots-insertion_clause": ["1"],
            "keep-reserved_insertion": "1",
            "lots-reserved_insertion": ["2"],
        },
    )
    assert generated.status_code == 303
    download = browser.get(generated.headers["location"])
    assert download.headers["content-disposition"].endswith('-v1.docx"')
    text = docx_text(download.content)
    # What was dropped is not drafted; what was kept is.
    assert "sont notamment jugées sur le critère" not in text  # the criterion, dropped
    assert "est divisée en 2 lots, chacun faisant l’objet" in text  # a fact, always said
    assert "Peinture" in text and "est réservé aux structures d’insertion" in text
    listing = browser.get(f"/dossiers/{dossier}/documents").text
    snapshot = re.search(r'href="(/dossiers/[^"]+/strategie\.json)"', listing)
    assert snapshot is not None
    strategy = browser.get(snapshot.group(1)).json()
    assert [(m["id"], m["lots"]) for m in strategy["mechanisms"]] == [
        ("insertion_clause", [1]),
        ("reserved_insertion", [2]),
    ]
    assert [line["lot"] for line in strategy["hours"]] == [1]
    # A second version has a name of its own.
    again = choices(browser, dossier, {"keep-insertion_clause": "1"}, action="generate")
    assert (
        browser.get(again.headers["location"]).headers["content-disposition"].endswith('-v2.docx"')
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {
                "keep-insertion_clause": "1",
                "keep-insertion_criterion": "1",
                "weight-insertion_criterion": "dix",
            },
            "weight-insertion_criterion",
            "nombre",
        ),
        (
            {
                "keep-insertion_clause": "1",
                "keep-insertion_criterion": "1",
                "weight-insertion_criterion": "150",
            },
            "weight-insertion_criterion",
            "entre 0 et 100",
        ),
        (
            {"keep-insertion_clause": "1", "penalty_eur_per_hour": "-3"},
            "penalty_eur_per_hour",
            "supérieur à 0",
        ),
        (
            {"keep-insertion_clause": "1", "facilitator-email": "sans arobase"},
            "facilitator-email",
            "adresse",
        ),
        ({"keep-insertion_clause": "1", "ccap_article": "<9>"}, "ccap_article", "article"),
        (
            {"keep-insertion_clause": "1", "lots-insertion_clause": ["3"]},
            "lots-insertion_clause",
            "inexistant",
        ),
        ({}, "derogation-justification", "L2112-2-1"),
    ],
)
def test_each_refusal_is_named_on_its_field(
    browser: Browser, fields: dict[str, Any], field: str, message: str
) -> None:
    dossier = works_dossier(browser)
    saved = choices(browser, dossier, fields)
    assert saved.status_code == 303 and "verifier=1" in saved.headers["location"]
    page = browser.get(saved.headers["location"]).text
    summary = page[page.index('id="strategy-errors"') :]
    assert 'role="alert"' in page[page.index('id="strategy-errors"') - 80 :][:200]
    assert "autofocus" in summary[:120]
    assert re.search(rf'<a href="#{field}">[^<]*{message}', summary), summary[:600]
    assert f'id="{field}-error"' in page or field.startswith("derogation")
    # Nothing typed is lost, and the refused choices cannot be drafted.
    generated = choices(browser, dossier, fields, action="generate")
    assert generated.status_code == 303 and "verifier=1" in generated.headers["location"]
    refused = browser.post(f"/dossiers/{dossier}/documents", {"sections": "summary"})
    assert refused.status_code == 422 and "strategy" in refused.text


def test_htmx_checks_and_saves_on_change(browser: Browser) -> None:
    dossier = works_dossier(browser)
    headers = {"HX-Request": "true"}
    data = {
        "csrf_token": browser.token,
        "version": str(browser.version(dossier)),
        "mechanism": list(OFFERED),
        "keep-insertion_clause": "1",
        "penalty_eur_per_hour": "beaucoup",
    }
    fragment = browser.client.post(f"/dossiers/{dossier}/strategie", data=data, headers=headers)
    assert fragment.status_code == 200
    assert '<section id="strategy"' not in fragment.text  # the form's inside only
    assert 'name="version"' in fragment.text
    assert 'id="penalty_eur_per_hour-error"' in fragment.text
    assert 'value="beaucoup"' in fragment.text
    assert 'hx-swap-oob="true"' in fragment.text  # the archive form's version follows
    assert "autofocus" not in fragment.text.split('id="strategy-errors"')[1][:80]  # not on change
    # Issue 23: no « Choix enregistrés » beside « 1 choix à corriger ».
    assert "choix à corriger" in fragment.text and "Choix enregistrés" not in fragment.text
    data |= {"version": str(browser.version(dossier)), "penalty_eur_per_hour": "40"}
    corrected = browser.client.post(f"/dossiers/{dossier}/strategie", data=data, headers=headers)
    assert "Choix enregistrés" in corrected.text and "choix à corriger" not in corrected.text
    data |= {"penalty_eur_per_hour": "beaucoup"}
    # « Générer » refused: 422, the summary announced and focused.
    data |= {"version": str(browser.version(dossier)), "action": "generate"}
    refused = browser.client.post(f"/dossiers/{dossier}/strategie", data=data, headers=headers)
    assert refused.status_code == 422
    assert (
        'id="strategy-errors" class="error-summary" role="alert" tabindex="-1" autofocus'
        in refused.text
    )
    # Accepted: htmx is sent to the download of the stored document.
    data |= {"version": str(browser.version(dossier)), "penalty_eur_per_hour": "50"}
    issued = browser.client.post(f"/dossiers/{dossier}/strategie", data=data, headers=headers)
    assert issued.status_code == 200
    assert re.fullmatch(
        rf"/dossiers/{dossier}/documents/[0-9a-f-]{{36}}", issued.headers["HX-Redirect"]
    )


def test_a_stale_strategy_form_is_refused(browser: Browser) -> None:
    dossier = works_dossier(browser)
    version = browser.version(dossier)
    browser.answer(dossier, "heures", insertion_rate="6")
    stale = browser.post(
        f"/dossiers/{dossier}/strategie",
        {"version": str(version), "mechanism": list(OFFERED), "keep-insertion_clause": "1"},
    )
    assert stale.status_code == 409


def test_a_fully_answered_review_page_leaves_only_what_the_buyer_alone_knows(
    browser: Browser,
) -> None:
    """Issue 19: every value the draft needs is asked on the review page; once answered (the
    proposed values kept), at most three « à compléter » remain in the whole draft."""
    dossier = works_dossier(browser)
    page = browser.get(f"/dossiers/{dossier}").text
    # The proposed values are shown, marked as such.
    assert 'id="contact_deadline_days" name="contact_deadline_days" value="15"' in page
    assert "Proposé : 15 jours" in text_of(page).replace("\u00a0", " ")
    worker = "other_social_condition--worker_support"
    fields = {
        "mechanism": [*OFFERED, worker],
        "keep-insertion_clause": "1",
        "scope-insertion_clause": "lots",
        "lots-insertion_clause": ["1"],
        "keep-reserved_insertion": "1",
        "scope-reserved_insertion": "lots",
        "lots-reserved_insertion": ["2"],
        f"keep-{worker}": "1",
        f"scope-{worker}": "lots",
        f"lots-{worker}": ["2"],
        f"param-{worker}-penalty_eur": "300",
        "penalty_eur_per_hour": "40",
        "ccap_article": "9",
        "facilitator-name": "Claire Martin",
        "facilitator-organisation": "Maison de l’emploi",
        "facilitator-email": "c.martin@mde.fr",
        "facilitator-phone": "02 40 00 00 00",
        "contact_deadline_days": "15",
        "reporting_frequency": "trimestrielle",
        "final_report_deadline_days": "30",
        "penalty_reporting_eur_per_day": "50",
    }
    data = {"version": str(browser.version(dossier)), "action": "generate", **fields}
    generated = browser.post(f"/dossiers/{dossier}/strategie", data)
    assert generated.status_code == 303, text_of(generated.text)[:400]
    text = docx_text(browser.get(generated.headers["location"]).content)
    left = re.findall(r"\[à compléter\u00a0: [^\]]*\]", text)
    assert len(left) <= 3, left
    assert "pénalité de 300" in text.replace("\u00a0", " ")
