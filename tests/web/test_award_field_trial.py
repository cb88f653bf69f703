"""A DECP field added in one place appears in the form, the DECP and the demonstration data.

The field is declared for the test only (one more :class:`AwardField` in
:data:`clauses.decp.fields.FIELDS`, the award model rebuilt from the table as at import): the
form shows it in its section, reads it, names it in its errors; the contract's DECP publishes
it under its key; the seed gives it its demonstration value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from clauses.decp import award as award_module
from clauses.decp import fields
from clauses.decp.fields import AwardField, Kind
from clauses.decp.values import Rate
from clauses.demo import seed
from clauses.library import Library
from clauses.web import award_form
from tests.web.conftest import Browser, text_of
from tests.web.test_award_prefill import award_of_example, example_dossier, read_form

# A real, optional key of DECP 2.0.3 the table does not declare (yet).
TRIAL = AwardField(
    "origin_france",
    "Part des produits français (%)",
    Kind.rate,
    "s-montants",
    "origineFrance",
    help="Pour les denrées, véhicules, produits de santé et habillement, par exemple 40.",
    type=Rate,
    optional=True,
    short=True,
    demo=0.4,
)


@pytest.fixture
def trial_field(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwardField]:
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, TRIAL))
    award, lot = award_module.build_models()
    monkeypatch.setattr(award_module, "Award", award)
    monkeypatch.setattr(award_module, "AwardedLot", lot)
    yield TRIAL


def test_the_trial_field_is_in_the_form_the_decp_and_the_seed(
    trial_field: AwardField, browser: Browser, app: FastAPI, library: Library
) -> None:
    dossier = example_dossier(browser, app)
    page = browser.get(f"/dossiers/{dossier}/attribution").text
    sent, names = read_form(page)
    assert "origin_france" in names  # the form asks it, in its section, with its label and help
    section = page[page.index('id="s-montants"') : page.index('id="s-considerations"')]
    assert 'id="origin_france"' in section and "Part des produits français (%)" in section
    assert "Pour les denrées, véhicules" in section

    # A bad value is named in French beside the field, with every other error at once.
    refused = browser.post(
        f"/dossiers/{dossier}/attribution",
        sent | {"origin_france": "beaucoup", "action": "save"},
    )
    assert refused.status_code == 422
    assert 'id="origin_france-error"' in refused.text
    assert "Part des produits français (%) :" in text_of(refused.text)
    assert 'value="beaucoup"' in refused.text

    # Typed the French way (« 40 » for 0.4), saved, and published under its DECP key.
    award = award_of_example()
    typed = {
        "notification_date": award["notification_date"],
        "publication_date": "01/12/2026",
        "offers_received": str(award["offers_received"]),
        "price_form": award["price_form"],
        "price_types": award["price_types"],
        "grouping": award["grouping"],
        "subcontracting_declared": "false",
        "advance_payment": "false",
        "innovative": "false",
        "origin_france": "40",
    }
    for lot in award["lots"]:
        p = f"lots-{lot['lot']}"
        typed |= {f"{p}-id": lot["id"], f"{p}-amount_eur": str(lot["amount_eur"])}
        for j, holder in enumerate(lot["holders"], start=1):
            typed[f"{p}-holders-{j}-id"] = holder["id"]
    saved = browser.post(f"/dossiers/{dossier}/attribution", sent | typed | {"action": "save"})
    assert saved.status_code == 303, text_of(saved.text)
    marches = browser.get(f"/dossiers/{dossier}/decp.json").json()["marches"]["marche"]
    assert [m["origineFrance"] for m in marches] == [0.4] * len(award["lots"])
    assert list(marches[0])[-1] == "origineFrance"  # a key the format's order does not list
    # The correction form shows it as saved.
    again, _ = read_form(browser.get(f"/dossiers/{dossier}/attribution").text)
    assert again["origin_france"] == "40"

    # The demonstration data gives it, and its awards still validate.
    planned = seed.plan(
        library,
        count=12,
        years=[2025, 2026],
        organisations=seed.demo_organisations(1),
        as_of=dt.date(2026, 11, 22),
    )
    awards = [p.award for p in planned if p.award is not None]
    assert awards and all(a["origin_france"] == 0.4 for a in awards)


def test_without_the_trial_field_nothing_shows_it() -> None:
    assert "origin_france" not in award_form.labels()
    assert "origin_france" not in award_module.Award.model_fields
