"""Two people edit one dossier: the second save, made on the version both had loaded, is
refused with a clear message; nothing is lost on either side."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import Browser, text_of


def loaded_version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]


def test_second_concurrent_edit_is_refused_and_nothing_is_lost(app: FastAPI) -> None:
    with TestClient(app) as first_client, TestClient(app) as second_client:
        alice, bob = Browser(first_client), Browser(second_client)
        dossier = alice.new_dossier("Partagé")
        url = f"/dossiers/{dossier}/etapes/heures"
        version_alice = loaded_version(alice.get(url).text)
        version_bob = loaded_version(bob.get(url).text)
        assert version_alice == version_bob

        saved = alice.post(url, {"version": version_alice, "action": "save", "insertion_rate": "8"})
        assert saved.status_code == 303
        refused = bob.post(url, {"version": version_bob, "action": "save", "insertion_rate": "12"})
        assert refused.status_code == 409
        text = text_of(refused.text)
        assert "Le dossier a été modifié entre-temps" in text
        assert "vos réponses n’ont pas été enregistrées" in text
        assert 'role="alert"' in refused.text
        # Both values are on the page: the saved one and Bob's, which is kept for him to re-apply.
        assert "Taux d’insertion 8 % 12 %" in text.replace("\u00a0", " ")
        assert 'name="insertion_rate" value="12"' in refused.text
        assert alice.get(url).text.count('value="8"') == 1  # Alice's save stands

        current = loaded_version(refused.text)
        reapplied = bob.post(url, {"version": current, "action": "save", "insertion_rate": "12"})
        assert reapplied.status_code == 303
        assert 'value="12"' in bob.get(url).text


def test_conflict_under_htmx_swaps_the_comparison_in(app: FastAPI) -> None:
    with TestClient(app) as client:
        browser = Browser(client)
        dossier = browser.new_dossier()
        url = f"/dossiers/{dossier}/etapes/marche"
        browser.post(url, {"version": "1", "title": "Première"})
        refused = browser.post(
            url, {"version": "1", "title": "Seconde"}, headers={"HX-Request": "true"}
        )
        assert refused.status_code == 409
        assert refused.headers["hx-retarget"] == "#wizard"
        assert 'id="wizard"' in refused.text and "<html" not in refused.text
        assert "Première" in refused.text and "Seconde" in refused.text


def test_stale_rename_and_delete_are_refused(browser: Browser) -> None:
    dossier = browser.new_dossier("Avant")
    browser.answer(dossier, "marche", title="x")  # version 2
    refused = browser.post(f"/dossiers/{dossier}/renommer", {"version": "1", "title": "Après"})
    assert refused.status_code == 409
    assert "le nouvel intitulé « Après » n’a pas été appliqué" in text_of(refused.text)
    refused = browser.post(f"/dossiers/{dossier}/supprimer", {"version": "1"})
    assert refused.status_code == 409
    assert browser.get(f"/dossiers/{dossier}").status_code == 200


def loaded_base(page: str) -> str:
    found = re.search(r'name="base" value="([^"]*)"', page)
    assert found, "the form carries its base beside its version"
    return html.unescape(found.group(1))


def test_a_late_autosave_of_the_same_person_is_no_conflict(browser: Browser) -> None:
    """Issue 23: a step saved, the next step's page shown, then the earlier autosave lands: the
    next step's save merges (its fields were not touched by the autosave) and both stand."""
    dossier = browser.new_dossier()
    lots_page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    shown, base = loaded_version(lots_page), loaded_base(lots_page)
    # The autosave of the previous step, landing after the lots page was shown.
    late = browser.post(
        f"/dossiers/{dossier}/etapes/marche",
        {"version": shown, "base": base, "action": "save", "title": "Lycée Jules-Verne"},
    )
    assert late.status_code == 303
    added = browser.post(
        f"/dossiers/{dossier}/etapes/lots",
        {"version": shown, "base": base, "action": "add_lot", "lots-count": "0"},
    )
    assert added.status_code in (200, 303), text_of(added.text)[:300]
    assert "modifié entre-temps" not in text_of(added.text)
    page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    assert 'id="lots-0-title"' in page
    assert 'value="Lycée Jules-Verne"' in browser.get(f"/dossiers/{dossier}/etapes/marche").text


def test_the_same_answer_given_twice_is_no_conflict(browser: Browser) -> None:
    dossier = browser.new_dossier()
    url = f"/dossiers/{dossier}/etapes/heures"
    page = browser.get(url).text
    shown, base = loaded_version(page), loaded_base(page)
    for _ in range(2):  # the autosave, then « Enregistrer » sent on the version first shown
        saved = browser.post(
            url, {"version": shown, "base": base, "action": "save", "insertion_rate": "8"}
        )
        assert saved.status_code == 303, text_of(saved.text)[:300]
    assert 'value="8"' in browser.get(url).text


def test_two_people_changing_one_answer_still_compare_and_other_answers_merge(
    app: FastAPI,
) -> None:
    with TestClient(app) as first_client, TestClient(app) as second_client:
        alice, bob = Browser(first_client), Browser(second_client)
        dossier = alice.new_dossier("Partagé")
        url = f"/dossiers/{dossier}/etapes/heures"
        page = bob.get(url).text
        shown, base = loaded_version(page), loaded_base(page)
        alice.answer(dossier, "heures", insertion_rate="8")
        # Bob changes another answer of the same step: merged, Alice's rate kept.
        merged = bob.post(
            url, {"version": shown, "base": base, "action": "save", "labour_share": "40"}
        )
        assert merged.status_code == 303, text_of(merged.text)[:300]
        stored = bob.get(url).text
        assert 'name="insertion_rate" value="8"' in stored
        assert 'name="labour_share" value="40"' in stored
        # Bob, on the same old page, changes the rate Alice changed: the comparison, as before.
        refused = bob.post(
            url, {"version": shown, "base": base, "action": "save", "insertion_rate": "12"}
        )
        assert refused.status_code == 409
        assert "Le dossier a été modifié entre-temps" in text_of(refused.text)
        assert 'name="insertion_rate" value="8"' in alice.get(url).text
