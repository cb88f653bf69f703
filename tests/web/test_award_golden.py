"""The award form as rendered, compared with ``tests/web/golden/award-*.html``: the page must
show the same fields, labels, helps, pre-fills, sections and errors whatever declares them.

Regenerate after a deliberate change with `UPDATE_GOLDEN=1 pytest tests/web/test_award_golden.py`,
then read the diff before committing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from fastapi import FastAPI

from clauses.store.models import Stage
from tests.moves import move_in
from tests.web.conftest import Browser
from tests.web.test_award_prefill import example_dossier, send_emptied, shown_form

GOLDEN = Path(__file__).parent / "golden"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def form_part(html: str) -> str:
    """The page from its title to the end of the form, without what changes from run to run."""
    start = html.index("<h1>")
    end = html.index("</form>", html.index('class="award-form"')) + len("</form>")
    part = UUID.sub("ID", html[start:end])
    part = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value="T"', part)
    part = re.sub(r"Consultation lancée le [^.]*\.", "Consultation lancée le D.", part)
    # Whitespace as a browser reads it: runs of it are one space, none between tags.
    part = re.sub(r"\s+", " ", part)
    return re.sub(r">\s*<", ">\n<", part) + "\n"


def check(name: str, html: str) -> None:
    golden = GOLDEN / f"award-{name}.html"
    produced = form_part(html)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_the_lotted_form_pre_filled(browser: Browser, app: FastAPI) -> None:
    dossier = example_dossier(browser, app)
    check("lots-prefilled", browser.get(f"/dossiers/{dossier}/attribution").text)


def test_the_lotted_form_sent_empty(browser: Browser, app: FastAPI) -> None:
    dossier = example_dossier(browser, app)
    _, refused = send_emptied(browser, dossier)
    assert refused.status_code == 422
    check("lots-empty", refused.text)


def test_the_lotted_form_with_bad_values(browser: Browser, app: FastAPI) -> None:
    dossier = example_dossier(browser, app)
    sent = shown_form(browser.get(f"/dossiers/{dossier}/attribution").text)
    bad = sent | {
        "action": "save",
        "buyer_siret": "23440003400027",
        "lots-2-id": "n°2",
        "lots-2-amount_eur": "beaucoup",
        "lots-3-offers_received": "1,5",
        "lots-3-notification_date": "31/02/2026",
        "lots-1-grouping": "Solidaire",
        "publication_date": "2099-01-01",
        "advance_rate": "5",
        "framework_id": "é",
        "price_types": ["Provisoire", "Définitif ferme", "Provisoire"],
    }
    refused = browser.post(f"/dossiers/{dossier}/attribution", bad)
    assert refused.status_code == 422
    check("lots-bad", refused.text)


def test_the_lotted_form_correcting(browser: Browser, app: FastAPI) -> None:
    ctx = app.state.ctx
    dossier = browser.new_dossier("Lycée attribué")
    move_in(ctx.engine, ctx.library, dossier, "lycee-rehabilitation", Stage.awarded)
    check("lots-correcting", browser.get(f"/dossiers/{dossier}/attribution").text)


def test_the_form_without_lots(browser: Browser, app: FastAPI) -> None:
    ctx = app.state.ctx
    dossier = browser.new_dossier("Nettoyage")
    move_in(ctx.engine, ctx.library, dossier, "nettoyage-lycees", Stage.published)
    page = browser.get(f"/dossiers/{dossier}/attribution").text
    check("single-prefilled", page)
    sent = shown_form(page)
    bad = sent | {
        "action": "save",
        "amount_eur": "3 000 000 001",
        "id": "",
        "holders-1-id": "123",
        "holders-2-name": "Sans identifiant",
        "advance_payment": "false",
        "advance_rate": "abc",
        "nature": "Marché de partenariat",
        "price_types": ["Provisoire"],
        "environmental_considerations": [
            "Pas de considération environnementale",
            "Clause environnementale",
        ],
    }
    refused = browser.post(f"/dossiers/{dossier}/attribution", bad)
    assert refused.status_code == 422
    check("single-bad", refused.text)
    dossier = browser.new_dossier("Nettoyage attribué")
    move_in(ctx.engine, ctx.library, dossier, "nettoyage-lycees", Stage.awarded)
    check("single-correcting", browser.get(f"/dossiers/{dossier}/attribution").text)
