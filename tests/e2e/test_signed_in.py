"""Accounts in a real browser: a buyer signs in through the form, goes through the wizard to
the Word download and signs out; an agent of another organisation sees nothing of the first's
dossiers, not even by typing their addresses."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.test_journey import check_review_and_download, fill_journey
from tests.web.conftest import EMAILS, PASSWORD


def sign_in_through_the_form(page: Any, email: str) -> None:
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_sign_in_journey_and_sign_out(chromium: Any, server: Server, javascript: bool) -> None:
    context = chromium.new_context(
        signed_in=None, java_script_enabled=javascript, accept_downloads=True, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto(server.url + "/dossiers")
        expect(page).to_have_url(re.compile(r"/connexion\?suivant=/dossiers$"))
        page.get_by_label("Adresse électronique").fill(EMAILS["acheteur"])
        page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.locator("#error-summary")).to_contain_text("mot de passe incorrect")
        sign_in_through_the_form(page, EMAILS["acheteur"])
        expect(page).to_have_url(re.compile(r"/dossiers$"))
        expect(page.get_by_role("link", name="Acheteur")).to_be_visible()  # the account's name

        review = fill_journey(
            page, server, f"Connecté {'avec' if javascript else 'sans'} JavaScript"
        )
        check_review_and_download(page)
        page.goto(review)
        page.get_by_role("link", name="Historique des modifications").click()
        expect(page.get_by_role("table")).to_contain_text("acheteur@region.test")

        page.get_by_role("button", name="Se déconnecter").click()
        expect(page).to_have_url(re.compile(r"/connexion\?notice=deconnecte$"))
        expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")
        page.goto(server.url + "/dossiers")
        expect(page).to_have_url(re.compile(r"/connexion"))
    finally:
        context.close()


def test_another_organisation_sees_nothing_of_the_first(chromium: Any, server: Server) -> None:
    first = chromium.new_context(accept_downloads=True, locale="fr-FR")
    page = first.new_page()
    try:
        review = fill_journey(page, server, "Marché confidentiel de la Région Test")
        check_review_and_download(page)
        download = page.locator("a[download]").first.get_attribute("href")
        assert download is not None
    finally:
        first.close()

    other = chromium.new_context(signed_in="other", locale="fr-FR")
    page = other.new_page()
    try:
        page.goto(server.url + "/")
        expect(page.locator("main")).not_to_contain_text("Marché confidentiel")
        page.goto(server.url + "/dossiers")
        expect(page.locator("main")).not_to_contain_text("Marché confidentiel")
        for url in (
            review,
            f"{review}/etapes/marche",
            f"{review}/documents",
            f"{review}/historique",
        ):
            answer = page.goto(url)
            assert answer is not None and answer.status == 404, url
            expect(page.locator("h1")).to_have_text("Page introuvable")
            expect(page.locator("main")).not_to_contain_text("Marché confidentiel")
        answer = page.goto(server.url + download)
        assert answer is not None and answer.status == 404
    finally:
        other.close()
