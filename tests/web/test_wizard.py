"""The guided wizard without JavaScript: post/redirect/get, answers saved as given, conditional
questions, lots added and removed with real buttons, CPV search, accessible errors."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from clauses.web.app import create_app
from clauses.web.settings import Settings
from tests.conftest import require_cpv_file
from tests.web.conftest import Browser, sign_in, text_of
from tests.web.stages import MARKET


def test_each_step_saves_and_redirects(browser: Browser, library: object) -> None:
    dossier = browser.new_dossier()
    first = browser.get(f"/dossiers/{dossier}/etapes/marche")
    assert first.status_code == 200
    response = browser.answer(dossier, "marche", action="next", **MARKET)
    assert response.status_code == 303
    assert response.headers["location"] == f"/dossiers/{dossier}/etapes/acheteur"
    back = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert 'value="6 200 000"' in back  # kept as typed
    assert 'value="works" checked' in back
    response = browser.answer(dossier, "acheteur", action="prev", buyer_kind="region")
    assert response.headers["location"] == f"/dossiers/{dossier}/etapes/marche"


def test_a_save_to_an_unknown_dossier_or_step_is_not_found(browser: Browser) -> None:
    """The save is a plain route (matched before the routers): it checks its path itself."""
    dossier = browser.new_dossier()
    for url in (
        "/dossiers/pas-un-uuid/etapes/marche",
        "/dossiers/00000000-0000-0000-0000-000000000000/etapes/marche",
        f"/dossiers/{dossier}/etapes/inconnue",
    ):
        response = browser.post(url, {"version": "1", "action": "save", **MARKET})
        assert response.status_code == 404, url
        assert "Page introuvable" in response.text
    # The same dossier's id written in capitals is the same dossier, as before.
    saved = browser.answer(dossier.upper(), "marche", **MARKET)
    assert saved.status_code == 303


def test_a_save_checks_the_form_token_and_the_sign_in(browser: Browser, app: object) -> None:
    dossier = browser.new_dossier()
    url = f"/dossiers/{dossier}/etapes/marche"
    version = str(browser.version(dossier))
    forged = browser.client.post(
        url, data={"csrf_token": "faux", "version": version, "action": "save", **MARKET}
    )
    assert forged.status_code == 403
    anonymous = TestClient(app).post(  # type: ignore[arg-type]
        url, data={"version": version, "action": "save", **MARKET}, follow_redirects=False
    )
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/connexion")
    assert browser.version(dossier) == int(version)  # neither was saved


def test_last_step_leads_to_the_review(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    response = browser.answer(dossier, "offre-locale", action="next")
    assert response.headers["location"] == f"/dossiers/{dossier}"


def test_steps_can_be_visited_in_any_order(browser: Browser, library: object) -> None:
    dossier = browser.new_dossier()
    page = browser.get(f"/dossiers/{dossier}/etapes/heures").text
    for step in ("marche", "acheteur", "lots", "heures", "offre-locale"):
        assert f'href="/dossiers/{dossier}/etapes/{step}"' in page
    assert 'aria-current="step"' in page
    response = browser.answer(dossier, "heures", action="save", insertion_rate="10")
    assert response.status_code == 303
    assert "notice=enregistre" in response.headers["location"]
    assert 'value="10"' in browser.get(response.headers["location"]).text


def test_missing_required_answers_block_next_with_accessible_errors(browser: Browser) -> None:
    dossier = browser.new_dossier()
    response = browser.answer(
        dossier, "marche", action="next", title="", estimated_amount_eur="beaucoup"
    )
    assert response.status_code == 303
    assert "verifier=1" in response.headers["location"]
    page = browser.get(response.headers["location"]).text
    assert 'role="alert"' in page and 'id="error-summary"' in page and "autofocus" in page
    assert '<a href="#estimated_amount_eur">' in page
    amount = re.search(r'<input type="text" id="estimated_amount_eur"[^>]*>', page).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in amount
    assert 'aria-describedby="estimated_amount_eur-help estimated_amount_eur-error"' in amount
    assert 'id="estimated_amount_eur-error"' in page
    assert "montant en euros attendu, en chiffres (par exemple 1\u00a0200\u00a0000)" in page
    assert "champ obligatoire manquant (objet du marché)" in page
    assert 'value="beaucoup"' in page  # nothing typed is lost


def test_labels_are_tied_to_fields(browser: Browser) -> None:
    dossier = browser.new_dossier()
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    for field_id in re.findall(r'<input type="(?:text|date)" id="([^"]+)"', page):
        assert f'<label for="{field_id}">' in page, field_id
    assert "<legend>Nature du marché" in page
    assert 'aria-describedby="nature-help"' in page


def test_transferred_staff_is_asked_only_for_cleaning(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    assert (
        "transferred_staff_monthly_hours"
        not in browser.get(f"/dossiers/{dossier}/etapes/heures").text
    )
    browser.answer(dossier, "marche", nature="services", cpv="90919200-4")
    assert (
        'id="transferred_staff_monthly_hours"'
        in browser.get(f"/dossiers/{dossier}/etapes/heures").text
    )


def test_local_offer_is_asked_only_when_a_reservation_could_apply(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(
        dossier, "marche", **{**MARKET, "cpv": "80531200-7", "nature": "services"}
    )  # training: the hours clause reads the SIAE offer; EA/ESAT do not train
    page = browser.get(f"/dossiers/{dossier}/etapes/offre-locale").text
    assert 'id="local_offer__insertion"' in page and "local_offer__disability" not in page
    browser.answer(dossier, "marche", cpv="77310000-6")  # green spaces: SIAE and EA/ESAT
    page = browser.get(f"/dossiers/{dossier}/etapes/offre-locale").text
    assert 'id="local_offer__insertion"' in page and 'id="local_offer__disability"' in page


def test_social_services_is_asked_only_for_services(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    assert 'id="social_services"' not in browser.get(f"/dossiers/{dossier}/etapes/marche").text
    browser.answer(dossier, "marche", nature="services")
    assert 'id="social_services"' in browser.get(f"/dossiers/{dossier}/etapes/marche").text


def test_lots_are_added_and_removed_with_post_buttons(browser: Browser) -> None:
    dossier = browser.new_dossier()
    response = browser.answer(dossier, "lots", action="add_lot", **{"lots-count": "0"})
    assert response.status_code == 303
    assert "focus=lots-0-title" in response.headers["location"]
    page = browser.get(response.headers["location"]).text
    assert 'id="lots-0-title"' in page and "autofocus" in page
    browser.answer(
        dossier,
        "lots",
        action="add_lot",
        **{
            "lots-count": "1",
            "lots-0-title": "Gros œuvre",
            "lots-0-estimated_amount_eur": "2 600 000",
        },
    )
    browser.answer(
        dossier,
        "lots",
        action="save",
        **{
            "lots-count": "2",
            "lots-0-title": "Gros œuvre",
            "lots-0-estimated_amount_eur": "2 600 000",
            "lots-1-title": "Peinture",
            "lots-1-estimated_amount_eur": "700 000",
            "lots-1-cpv": "45442100-8",
        },
    )
    page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    assert 'value="Peinture"' in page and 'name="action" value="remove_lot-1"' in page
    two_lots = {
        "lots-count": "2",
        "lots-0-title": "Gros œuvre",
        "lots-0-estimated_amount_eur": "2 600 000",
        "lots-1-title": "Peinture",
        "lots-1-estimated_amount_eur": "700 000",
        "lots-1-cpv": "45442100-8",
    }
    # Removing a lot asks first; « Non » keeps it.
    asked = browser.answer(dossier, "lots", action="remove_lot-0", **two_lots)
    assert "retirer=0" in asked.headers["location"]
    page = browser.get(asked.headers["location"]).text
    assert 'value="confirm_remove_lot-0"' in page and "Retirer le lot 1 «\u00a0Gros œuvre" in page
    browser.answer(dossier, "lots", action="save", **two_lots)
    assert 'value="Gros œuvre"' in browser.get(f"/dossiers/{dossier}/etapes/lots").text
    browser.answer(dossier, "lots", action="confirm_remove_lot-0", **two_lots)
    page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    assert 'value="Gros œuvre"' not in page
    assert 'id="lots-0-title" name="lots-0-title" value="Peinture"' in page


def test_cpv_search_sits_in_the_step_form_and_keeps_the_answers(browser: Browser) -> None:
    require_cpv_file()
    dossier = browser.new_dossier()
    page = browser.get(
        f"/dossiers/{dossier}/etapes/marche", params={"cpv_q": "nettoyage bureaux"}
    ).text
    assert 'id="cpv-search"' in page
    start = page.index('id="step-form"')
    form = page[start : page.index("</form>", start)]
    assert 'id="cpv_q"' in form and 'name="action" value="cpv_search"' in form
    assert 'name="cpv_pick" value="90919200-4"' in form
    assert '<option value="90919200-4">' in page  # datalist
    code = browser.get(f"/dossiers/{dossier}/etapes/marche", params={"cpv_q": "4521422"}).text
    assert "45214220-8" in code
    # « Rechercher » without JavaScript: the answers typed are saved, then the results shown.
    searched = browser.post(
        f"/dossiers/{dossier}/etapes/marche",
        {
            "title": "Nettoyage des lycées",
            "nature": "services",
            "cpv_q": "nettoyage de locaux",
            "action": "cpv_search",
            "version": browser.version(dossier),
        },
    )
    assert searched.status_code == 303
    assert "cpv_q=nettoyage+de+locaux" in searched.headers["location"]
    page = browser.get(searched.headers["location"]).text
    assert 'value="Nettoyage des lycées"' in page
    assert 'name="cpv_pick" value="90911000-6"' in page
    # Enter in the search field sends « Suivant »: a query not searched yet is searched.
    entered = browser.post(
        f"/dossiers/{dossier}/etapes/marche",
        {"cpv_q": "espaces verts", "action": "next", "version": browser.version(dossier)},
    )
    assert "/etapes/marche?" in entered.headers["location"]
    assert "cpv_q=espaces+verts" in entered.headers["location"]
    browser.answer(dossier, "marche", cpv_pick="90919200-4")
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert 'value="90919200-4"' in page
    assert "Services de nettoyage de bureaux" in page
    assert 'value="Nettoyage des lycées"' in page


def test_a_label_typed_as_a_code_starts_the_search(browser: Browser) -> None:
    require_cpv_file()
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", nature="services", cpv="nettoyage")
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert "n’est pas un code" in page
    assert 'name="cpv_pick" value="90911000-6"' in page


def test_a_wrong_check_digit_is_flagged_with_the_correction(browser: Browser) -> None:
    require_cpv_file()
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", cpv="90911000-7")
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert "Chiffre de contrôle erroné" in page
    assert 'name="cpv_pick" value="cpv=90911000-6"' in page
    browser.answer(dossier, "marche", cpv_pick="cpv=90911000-6")
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert 'value="90911000-6"' in page and "Chiffre de contrôle" not in page
    # A lot's code: corrected on the lot.
    browser.answer(
        dossier,
        "lots",
        **{"lots-count": "1", "lots-0-title": "Vitres", "lots-0-cpv": "90911300-8"},
    )
    page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    assert 'name="cpv_pick" value="lots-0-cpv=90911300-9"' in page
    browser.answer(dossier, "lots", cpv_pick="lots-0-cpv=90911300-9")
    assert 'value="90911300-9"' in browser.get(f"/dossiers/{dossier}/etapes/lots").text


def test_unknown_cpv_is_flagged_but_kept(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", cpv="12345678")
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert 'value="12345678"' in page
    browser.answer(dossier, "marche", cpv="pas un code")
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert "n’est pas un code" in page


def test_region_list(browser: Browser) -> None:
    dossier = browser.new_dossier()
    page = browser.get(f"/dossiers/{dossier}/etapes/acheteur").text
    assert page.count('<option value="') == 18 + 1  # and « choisir »
    assert '<option value="53">Bretagne (53)</option>' in page
    browser.answer(dossier, "acheteur", region_code="53")
    assert (
        '<option value="53" selected>' in browser.get(f"/dossiers/{dossier}/etapes/acheteur").text
    )


def test_review_shows_answers_with_edit_links_and_advice(browser: Browser) -> None:
    dossier = browser.new_dossier("Lycée")
    browser.answer(dossier, "marche", **MARKET)
    browser.answer(
        dossier,
        "lots",
        **{
            "lots-count": "2",
            "lots-0-title": "Gros œuvre",
            "lots-0-estimated_amount_eur": "5 000 000",
            "lots-1-title": "Peinture intérieure",
            "lots-1-cpv": "45442100-8",
            "lots-1-estimated_amount_eur": "1 200 000",
        },
    )
    page = browser.get(f"/dossiers/{dossier}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Réhabilitation du lycée" in text
    assert f'href="/dossiers/{dossier}/etapes/marche#estimated_amount_eur"' in page.text
    assert "modifier" in text
    for expected in (
        "Obligations",
        "Mécanismes",
        "Heures d’insertion",
        "recommandé",
        "Base légale",
    ):
        assert expected in text, expected
    assert 'href="/bibliotheque/insertion_clause"' in page.text
    assert "Heures d’insertion par lot" in text
    assert "Gros œuvre" in text and '<svg class="bar"' in page.text
    assert "Points de vigilance" in text


def test_incomplete_dossier_lists_what_is_missing(browser: Browser) -> None:
    dossier = browser.new_dossier()
    page = browser.get(f"/dossiers/{dossier}").text
    assert "Les conseils s’afficheront dès que les réponses obligatoires seront données" in page
    assert f'href="/dossiers/{dossier}/etapes/marche#title"' in page


def test_resume_keeps_every_answer(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    browser.client.cookies.clear()  # another browser, signed in as the same person
    sign_in(browser.client)
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert 'value="Réhabilitation du lycée"' in page


def test_region_preset_fills_new_dossiers(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"region_code": "53"}))
    with TestClient(app) as client:
        browser = Browser(client)
        dossier = browser.new_dossier()
        page = browser.get(f"/dossiers/{dossier}/etapes/acheteur").text
    assert '<option value="53" selected>' in page
    assert 'value="region" checked' in page
    app.state.ctx.engine.dispose()


def test_hidden_questions_say_which_and_why(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", nature="works", cpv="45214220-8")
    page = browser.get(f"/dossiers/{dossier}/etapes/marche").text
    assert "Questions non posées" in page
    assert "services sociaux" in page and "marché d’insertion" in page
    assert "ne concerne que les marchés portant sur des services, pas sur des travaux" in page
    hours = browser.get(f"/dossiers/{dossier}/etapes/heures").text
    assert "Heures mensuelles du personnel repris" in hours
    assert "branche propreté" in hours


def test_the_objet_names_the_dossier_unless_renamed(browser: Browser) -> None:
    response = browser.post("/dossiers", {"title": ""})
    dossier = response.headers["location"].split("/")[2]
    browser.answer(dossier, "marche", title="Nettoyage des lycées")
    assert "<h1>Nettoyage des lycées" in browser.get(f"/dossiers/{dossier}").text
    browser.answer(dossier, "marche", title="Nettoyage des lycées du Morbihan")
    assert "<h1>Nettoyage des lycées du Morbihan" in browser.get(f"/dossiers/{dossier}").text
    named = browser.new_dossier("Mon dossier à moi")
    browser.answer(named, "marche", title="Entretien des espaces verts")
    assert "<h1>Mon dossier à moi" in browser.get(f"/dossiers/{named}").text


def test_the_sizing_step_explains_its_numbers(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(
        dossier,
        "marche",
        title="Nettoyage des lycées",
        nature="services",
        cpv="90911000-6",
        estimated_amount_eur="1 800 000",
        duration_months="48",
    )
    page = browser.get(f"/dossiers/{dossier}/etapes/heures").text
    # The values used when a field is left blank, and where they come from.
    assert "Sans réponse\u00a0: 80\u00a0%, valeur" in page
    assert "Sans réponse\u00a0: 20\u00a0€ par heure" in page
    # The formula's symbols are defined.
    for symbol in (
        "<dt>A</dt>",
        "<dt>N</dt>",
        "<dt>S</dt>",
        "<dt>C</dt>",
        "<dt>P</dt>",
        "<dt>T</dt>",
    ):
        assert symbol in page
    before = re.search(r'class="sizing-result"[^>]*><strong>([^<]+)</strong>', page)
    assert before is not None
    browser.answer(dossier, "heures", transferred_staff_monthly_hours="900")
    page = browser.get(f"/dossiers/{dossier}/etapes/heures").text
    effect = re.search(
        r"Heures mensuelles du personnel repris \(([^)]+)\)\u00a0: ([^<]+)</li>", page
    )
    assert effect is not None, page
    assert effect[1] == "900\u00a0heures par mois"
    assert effect[2].startswith(before[1] + " → ")


def test_a_cleaning_lot_under_the_floor_is_flagged(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(
        dossier,
        "marche",
        title="Nettoyage",
        nature="services",
        cpv="90911000-6",
        estimated_amount_eur="1 050 000",
        duration_months="48",
    )
    browser.answer(
        dossier,
        "lots",
        **{
            "lots-count": "2",
            "lots-0-title": "Bureaux",
            "lots-0-estimated_amount_eur": "1 000 000",
            "lots-1-title": "Vitres",
            "lots-1-estimated_amount_eur": "50 000",
        },
    )
    page = browser.get(f"/dossiers/{dossier}/etapes/heures").text
    assert "Lot «\u00a0Vitres\u00a0»" in page and "sous le plancher" in page


def test_an_empty_lot_does_not_block_the_advice_and_goes_without_asking(
    browser: Browser,
) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    browser.answer(dossier, "lots", action="add_lot", **{"lots-count": "0"})
    page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    assert "Lot vide" in page
    assert "Heures d’insertion" in page  # the advice is given
    moved = browser.answer(dossier, "lots", action="next", **{"lots-count": "1"})
    assert "/etapes/heures" in moved.headers["location"]
    removed = browser.answer(dossier, "lots", action="remove_lot-0", **{"lots-count": "1"})
    assert "retirer" not in removed.headers["location"]
    assert 'id="lots-0-title"' not in browser.get(f"/dossiers/{dossier}/etapes/lots").text


def test_a_lots_total_other_than_the_contracts_is_shown_beside_the_fields(
    browser: Browser,
) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    browser.answer(
        dossier,
        "lots",
        **{"lots-count": "1", "lots-0-title": "Tout", "lots-0-estimated_amount_eur": "1 000"},
    )
    for step in ("lots", "marche"):
        page = browser.get(f"/dossiers/{dossier}/etapes/{step}").text
        assert "Somme des lots\u00a0: 1\u00a0000\u00a0€ HT, soit" in page, step


def test_adding_a_lot_from_another_step_changes_nothing(browser: Browser) -> None:
    """Found by the form fuzzer: « add_lot » posted to « Le marché » raised StopIteration in
    the writer's thread, which no future can carry: the request hung."""
    dossier = browser.new_dossier("Lot ailleurs")
    data = {"version": str(browser.version(dossier)), "action": "add_lot"}
    saved = browser.post(f"/dossiers/{dossier}/etapes/marche", data)
    assert saved.status_code < 500
    assert 'name="lots-0-title"' not in browser.get(f"/dossiers/{dossier}/etapes/lots").text


def test_the_sizing_step_shows_each_lots_labour_share_and_its_origin(browser: Browser) -> None:
    """A works tender's lots differ by trade: painting is computed at 70 %, not the building
    average, and a lot left without its CPV code says it took the main code's sector."""
    dossier = browser.new_dossier()
    browser.answer(
        dossier,
        "marche",
        title="Réhabilitation du lycée",
        nature="works",
        cpv="45214220-8",
        estimated_amount_eur="3 000 000",
        duration_months="24",
    )
    browser.answer(
        dossier,
        "lots",
        **{
            "lots-count": "2",
            "lots-0-title": "Peinture intérieure",
            "lots-0-cpv": "45442100-8",
            "lots-0-estimated_amount_eur": "700 000",
            "lots-1-title": "Menuiseries",
            "lots-1-estimated_amount_eur": "2 300 000",
        },
    )
    page = browser.get(f"/dossiers/{dossier}/etapes/heures").text
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="num"[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>',
        page,
    )
    by_lot = {title: (share, source) for title, share, source in rows}
    assert by_lot["Peinture intérieure"] == (
        "70\u00a0%",
        "secteur «\u00a0Peinture intérieure\u00a0»",
    )
    assert by_lot["Menuiseries"] == (
        "50\u00a0%",
        "secteur «\u00a0Travaux de bâtiment (moyenne)\u00a0» du code CPV principal",
    )
    assert "Donnez à chaque lot son code CPV" in page
    assert "Sans réponse\u00a0: chaque lot prend la part de main-d’œuvre de son secteur" in page
    browser.answer(dossier, "heures", labour_share="40")
    page = browser.get(f"/dossiers/{dossier}/etapes/heures").text
    assert page.count("votre réponse pour tout le marché") == 2


def test_the_lots_step_says_what_allotment_is(browser: Browser) -> None:
    dossier = browser.new_dossier()
    page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    assert "Allotir, c’est diviser le marché en lots" in page
    assert "chaque lot est un marché distinct" in page and "L2113-10" in page
