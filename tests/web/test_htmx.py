"""htmx as the browser sees it: the fragment a POST answers, swapped into the page the user had,
gives the page a fresh load of the same address gives."""

from __future__ import annotations

from tests.web.conftest import Browser
from tests.web.htmlcompare import apply_htmx, parse

HX = {"HX-Request": "true"}
MARKET = {
    "title": "Nettoyage des lycées",
    "nature": "services",
    "cpv": "90919200-4",
    "estimated_amount_eur": "1 800 000",
    "duration_months": "48",
}


def hx_post(browser: Browser, dossier: str, step: str, **fields: str) -> tuple[str, object]:
    url = f"/dossiers/{dossier}/etapes/{step}"
    before = browser.get(url).text
    data = {"version": str(browser.version(dossier)), **fields}
    response = browser.post(url, data, headers=HX)
    assert response.status_code == 200
    assert response.headers["vary"] == "HX-Request"
    return before, response


def test_explicit_save_swaps_the_fields_like_a_fresh_page(browser: Browser) -> None:
    dossier = browser.new_dossier()
    before, response = hx_post(browser, dossier, "marche", action="save", **MARKET)
    assert response.headers["hx-retarget"] == "#step-fields"  # type: ignore[attr-defined]
    swapped = apply_htmx(before, response.text, "step-fields")  # type: ignore[attr-defined]
    fresh = parse(browser.get(f"/dossiers/{dossier}/etapes/marche?notice=enregistre").text)
    assert swapped.normalised() == fresh.normalised()
    # The conditional question on services appeared in the swapped form.
    assert swapped.by_id("social_services") is not None


def test_next_swaps_in_the_next_step_and_pushes_its_address(browser: Browser) -> None:
    dossier = browser.new_dossier()
    before, response = hx_post(browser, dossier, "marche", action="next", **MARKET)
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["hx-push-url"] == f"/dossiers/{dossier}/etapes/acheteur"
    swapped = apply_htmx(before, response.text, "wizard")  # type: ignore[attr-defined]
    fresh = parse(browser.get(f"/dossiers/{dossier}/etapes/acheteur").text)
    assert swapped.normalised() == fresh.normalised()


def test_adding_a_lot_swaps_like_the_redirect_target(browser: Browser) -> None:
    dossier = browser.new_dossier()
    before, response = hx_post(browser, dossier, "lots", action="add_lot", **{"lots-count": "0"})
    swapped = apply_htmx(before, response.text, "step-fields")  # type: ignore[attr-defined]
    fresh = parse(browser.get(f"/dossiers/{dossier}/etapes/lots?focus=lots-0-title").text)
    assert swapped.normalised() == fresh.normalised()
    assert swapped.by_id("lots-0-title") is not None


def test_answer_saved_as_given_refreshes_advice_and_version_in_place(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    before, response = hx_post(browser, dossier, "heures", insertion_rate="10")
    text = response.text  # type: ignore[attr-defined]
    assert "hx-retarget" not in response.headers  # type: ignore[attr-defined]
    assert 'id="advice-panel"' in text and 'hx-swap-oob="true"' in text
    assert 'id="step-form"' not in text  # the form the user is typing in stays
    swapped = apply_htmx(before, text, "advice-panel")
    typed = swapped.by_id("insertion_rate")  # in the browser, the field holds what was typed
    assert typed is not None
    typed.attrs["value"] = "10"
    fresh = parse(browser.get(f"/dossiers/{dossier}/etapes/heures").text)
    assert swapped.normalised() == fresh.normalised()
    assert "10\u00a0%" in browser.get(f"/dossiers/{dossier}").text


def test_review_refresh_fragment_matches_the_page(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    page = browser.get(f"/dossiers/{dossier}").text
    fragment = browser.get(f"/dossiers/{dossier}", headers=HX).text
    swapped = apply_htmx(page, fragment, "review")
    assert swapped.normalised() == parse(browser.get(f"/dossiers/{dossier}").text).normalised()


def test_last_step_sends_htmx_to_the_review(browser: Browser) -> None:
    dossier = browser.new_dossier()
    last = browser.get(f"/dossiers/{dossier}/etapes/offre-locale")
    assert last.status_code == 200
    response = browser.post(
        f"/dossiers/{dossier}/etapes/offre-locale",
        {"version": str(browser.version(dossier)), "action": "next"},
        headers=HX,
    )
    assert response.headers["hx-redirect"] == f"/dossiers/{dossier}"
    assert response.headers["vary"] == "HX-Request"
