"""Home, library and good-practice pages, error pages and the headers every page carries."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from clauses.library import Library
from tests.web.conftest import Browser, text_of


def test_home_offers_new_dossier_resume_and_resources(browser: Browser) -> None:
    dossier_id = browser.new_dossier("Lycée Jules-Verne")
    page = browser.get("/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert 'href="#contenu"' in page.text  # skip link
    assert 'action="/dossiers"' in page.text and 'method="post"' in page.text
    assert f'href="/dossiers/{dossier_id}"' in page.text
    assert 'href="/bibliotheque"' in page.text and 'href="/fiches"' in page.text


def test_security_headers_and_vary(api: TestClient) -> None:
    response = api.get("/")
    headers = response.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["vary"] == "HX-Request"
    assert "httponly" in headers["set-cookie"].lower()


def test_no_inline_script_or_style(browser: Browser, library: Library) -> None:
    dossier = browser.new_dossier()
    browser.answer(
        dossier,
        "marche",
        title="Travaux",
        nature="works",
        estimated_amount_eur="900000",
        duration_months="12",
        cpv="45000000-7",
    )
    pages = [
        "/",
        "/bibliotheque",
        "/bibliotheque/insertion_clause",
        "/fiches",
        f"/fiches/{next(iter(library.practices))}",
        f"/dossiers/{dossier}",
        f"/dossiers/{dossier}/documents",
        f"/dossiers/{dossier}/supprimer",
    ]
    pages += [f"/dossiers/{dossier}/etapes/{s.id}" for s in library.questionnaire.steps]
    for url in pages:
        html = browser.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "<style" not in html and " style=" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_htmx_is_vendored_and_pinned(api: TestClient) -> None:
    html = api.get("/").text
    src = re.search(r'src="(/static/vendor/htmx-2\.0\.\d+/htmx\.min\.js)"', html)
    assert src, "htmx 2.0.x from the app's own static files"
    script = api.get(src.group(1))
    assert script.status_code == 200
    assert "htmx" in script.text[:2000]
    assert api.get("/static/js/app.js").status_code == 200
    assert api.get("/static/css/app.css").status_code == 200


def test_library_lists_every_mechanism(api: TestClient, library: Library) -> None:
    page = api.get("/bibliotheque")
    assert page.status_code == 200
    for mechanism in library.mechanisms.values():
        assert f'href="/bibliotheque/{mechanism.id}"' in page.text


def test_mechanism_page_has_basis_links_conditions_pitfalls_clauses_and_sheets(
    api: TestClient, library: Library
) -> None:
    for mechanism in library.mechanisms.values():
        page = api.get(f"/bibliotheque/{mechanism.id}")
        assert page.status_code == 200, mechanism.id
        text = text_of(page.text)
        for heading in ("Base légale", "Conditions", "Pièges à éviter", "Clauses types"):
            assert heading in text
        for basis in mechanism.legal_basis:
            ref = library.references[basis.article]
            if ref.url:
                assert f'href="{ref.url}"' in page.text
        for clause in mechanism.clauses:
            assert clause.title in page.text.replace("&#39;", "'")
        assert "Rendu impossible" not in text
    with_placeholders = [
        m
        for m in library.mechanisms.values()
        if any(p.placeholder for c in m.clauses for p in c.parameters)
    ]
    if with_placeholders:
        page = api.get(f"/bibliotheque/{with_placeholders[0].id}")
        assert '<mark class="placeholder">[à compléter\u00a0: ' in page.text


def test_mechanism_links_its_sheets(api: TestClient, library: Library) -> None:
    practice = next(p for p in library.practices.values() if p.mechanisms)
    page = api.get(f"/bibliotheque/{practice.mechanisms[0]}")
    assert f'href="/fiches/{practice.id}"' in page.text


def test_practice_list_filters(api: TestClient, library: Library) -> None:
    everything = api.get("/fiches")
    assert everything.status_code == 200
    for practice in library.practices.values():
        assert f'href="/fiches/{practice.id}"' in everything.text
    grand_est = api.get("/fiches", params={"region": "44"}).text
    expected = {p.id for p in library.practices.values() if "44" in p.region_codes}
    shown = set(re.findall(r'<h3><a href="/fiches/([^"]+)"', grand_est))
    assert shown == expected and expected
    clause = api.get("/fiches", params={"mecanisme": "insertion_clause"}).text
    shown = set(re.findall(r'<h3><a href="/fiches/([^"]+)"', clause))
    assert shown == {p.id for p in library.practices.values() if "insertion_clause" in p.mechanisms}
    text = api.get("/fiches", params={"q": "ORCHIDEE"}).text  # accents and case ignored
    assert "grand-est-spaser-orchidee" in text
    none = api.get("/fiches", params={"q": "zzzzqqq"}).text
    assert "Aucune fiche ne correspond" in none
    sectors = {s for p in library.practices.values() for s in p.sectors}
    if sectors:
        sector = sorted(sectors)[0]
        shown = set(
            re.findall(
                r'<h3><a href="/fiches/([^"]+)"',
                api.get("/fiches", params={"secteur": sector}).text,
            )
        )
        assert shown == {p.id for p in library.practices.values() if sector in p.sectors}


def test_practice_filters_answer_a_fragment_to_htmx(api: TestClient) -> None:
    fragment = api.get("/fiches", params={"region": "44"}, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith("<title>")
    assert 'id="practice-results"' in fragment.text
    assert "<html" not in fragment.text
    assert fragment.headers["vary"] == "HX-Request"
    boosted = api.get("/fiches", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text


def test_practice_detail_renders_markdown_safely_and_prints(
    api: TestClient, library: Library
) -> None:
    practice = library.practices["grand-est-spaser-orchidee"]
    page = api.get(f"/fiches/{practice.id}")
    assert page.status_code == 200
    assert "<h2>Contexte</h2>" in page.text
    assert "<strong>" in page.text and "<ol>" in page.text and "<ul>" in page.text
    assert 'href="/static/css/print.css" media="print"' in page.text
    assert api.get("/fiches/inconnue").status_code == 404


def test_not_found_page_is_french_without_trace(browser: Browser) -> None:
    for url in (
        "/nulle-part",
        "/bibliotheque/inconnu",
        "/dossiers/pas-un-uuid",
        "/dossiers/00000000-0000-0000-0000-000000000000",
    ):
        page = browser.get(url)
        assert page.status_code == 404, url
        assert "Page introuvable" in page.text
        assert "Traceback" not in page.text


def test_pages_follow_french_typography(browser: Browser) -> None:
    dossier = browser.new_dossier()
    page = browser.get(f"/dossiers/{dossier}/etapes/marche", params={"cpv_q": "xyzzy"}).text
    if 'id="cpv-search"' in page:  # the search exists only with the CPV nomenclature file
        assert "Aucun code pour «\u00a0xyzzy\u00a0»" in page
    assert "Exemple\u00a0:" in page
    assert " :" not in re.sub(r"<[^>]+>", "", page)  # text only: typed values stay as typed


def test_the_mechanisms_library_has_the_filters_of_the_sheets(api: TestClient) -> None:
    every = api.get("/bibliotheque").text
    assert 'name="famille"' in every and 'name="base"' in every and 'name="secteur"' in every
    reserved = api.get("/bibliotheque", params={"famille": "reserved"}).text
    assert 'href="/bibliotheque/reserved_disability"' in reserved
    assert 'href="/bibliotheque/insertion_clause"' not in reserved
    award = api.get("/bibliotheque", params={"base": "L2152-7"}).text
    assert 'href="/bibliotheque/insertion_criterion"' in award
    assert 'href="/bibliotheque/reserved_ess"' not in award
    fragment = api.get("/bibliotheque", params={"q": "zzzz"}, headers={"HX-Request": "true"})
    assert '<section id="mechanism-results"' in fragment.text and "<html" not in fragment.text
    assert "Aucun mécanisme ne correspond" in fragment.text
    # Both ways: a mechanism's card links to its sheets, the sheet to the mechanism.
    assert 'href="/fiches?mecanisme=insertion_clause"' in every


def test_a_region_without_a_sheet_gets_the_thematic_ones(api: TestClient) -> None:
    page = api.get("/fiches", params={"region": "94"}).text  # Corse: no sheet of its own
    assert "Pas encore de fiche pour la région Corse" in page
    assert "Fiches thématiques les plus proches" in page
    assert page.count('<li class="card">') >= 1
