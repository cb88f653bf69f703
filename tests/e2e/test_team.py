"""Team self-service in Chromium (issue 23, point 1), at 390 and 1280 px, with the keyboard
and axe (no serious violation): an admin invites a référent by e-mail (a real local SMTP server
receives the message), the référent sets a password and signs in; a member resets a forgotten
password; an admin deactivates a member, whose next request is refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import smtp
from tests.e2e.conftest import Server
from tests.e2e.test_accessibility import audit, report
from tests.web.conftest import EMAILS, PASSWORD

WIDTHS = (390, 1280)
NEW_PASSWORD = "mot de passe choisi au navigateur"


@pytest.fixture(scope="module")
def mailbox() -> Iterator[smtp.Mailbox]:
    with smtp.smtp_server() as box:
        yield box


@pytest.fixture(scope="module")
def mailing_server(
    tmp_path_factory: pytest.TempPathFactory, mailbox: smtp.Mailbox
) -> Iterator[Server]:
    """``clauses serve`` sending its e-mails to the local SMTP server (with its login)."""
    server = Server(
        tmp_path_factory.mktemp("team-server"),
        env={
            "CLAUSES_SMTP_HOST": mailbox.host,
            "CLAUSES_SMTP_PORT": str(mailbox.port),
            "CLAUSES_SMTP_STARTTLS": "false",
            "CLAUSES_SMTP_USERNAME": smtp.USERNAME,
            "CLAUSES_SMTP_PASSWORD": smtp.PASSWORD,
            "CLAUSES_SMTP_SENDER": "clauses@region.test",
        },
    )
    server.start()
    yield server
    server.stop()


def checked(page: Any, width: int) -> None:
    """No serious axe violation, nothing wider than the screen."""
    assert not (violations := audit(page)), f"{page.url} ({width} px):\n{report(violations)}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} ({width} px): {overflow} px wider than the screen"


def new_page(chromium: Any, width: int) -> Any:
    context = chromium.browser.new_context(bypass_csp=True, locale="fr-FR")
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    return page


def submit_sign_in(page: Any, email: str, password: str) -> None:
    """The sign-in form shown, filled and sent with the keyboard."""
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_label("Mot de passe").press("Enter")


def sign_in(page: Any, server: Server, email: str, password: str) -> None:
    page.goto(f"{server.url}/connexion")
    submit_sign_in(page, email, password)
    page.wait_for_url(f"{server.url}/")


def set_password(page: Any, link: str, password: str, width: int) -> None:
    page.goto(link)
    checked(page, width)
    page.get_by_label("Mot de passe", exact=False).first.fill(password)
    page.get_by_label("Confirmation du mot de passe").fill(password)
    page.get_by_label("Confirmation du mot de passe").press("Enter")
    page.wait_for_url(f"{link.split('/mot-de-passe/')[0]}/")


def invite(page: Any, server: Server, email: str, role: str, width: int) -> None:
    page.goto(server.url + "/")
    page.get_by_role("link", name="Organisation").click()
    page.wait_for_url(f"{server.url}/organisation")  # axe on a page still loading finds no document
    checked(page, width)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Rôle", exact=True).select_option(label=role)
    page.get_by_label("Adresse électronique").press("Enter")
    expect(page.locator(".notice")).to_contain_text("Invitation envoyée par courriel.")
    checked(page, width)


def address() -> str:
    return f"equipe-{uuid.uuid4().hex[:8]}@region.test"


@contextmanager
def invitation(
    chromium: Any, server: Server, role: str, width: int
) -> Iterator[tuple[Any, Any, str]]:
    """The admin's page, signed in, having just invited a new address as ``role`` (the mailbox
    has the link); the invitee's page, signed in to nothing yet; the address. Both closed after."""
    email = address()
    admin = new_page(chromium, width)
    invitee = new_page(chromium, width)
    try:
        sign_in(admin, server, EMAILS["admin"], PASSWORD)
        invite(admin, server, email, role, width)
        yield admin, invitee, email
    finally:
        admin.context.close()
        invitee.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_invites_a_referent_who_signs_in(
    chromium: Any, mailing_server: Server, mailbox: smtp.Mailbox, width: int
) -> None:
    with invitation(chromium, mailing_server, "référent", width) as (admin, invited, email):
        assert "invitation en attente" in admin.locator(f"li:has-text('{email}')").inner_text()
        link = mailbox.link_to(email)
        assert link.startswith(mailing_server.url)
        set_password(invited, link, NEW_PASSWORD, width)
        # Signed in as a référent: the reports are in the menu.
        expect(invited.get_by_role("link", name="Rapports")).to_be_visible()
        invited.get_by_role("button", name="Se déconnecter").click()
        sign_in(invited, mailing_server, email, NEW_PASSWORD)
        invited.goto(f"{mailing_server.url}/compte")
        expect(invited.locator("main")).to_contain_text("référent")
        checked(invited, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_member_resets_a_forgotten_password(
    chromium: Any, mailing_server: Server, mailbox: smtp.Mailbox, width: int
) -> None:
    with invitation(chromium, mailing_server, "acheteur", width) as (_, member, email):
        set_password(member, mailbox.link_to(email), "le premier mot de passe", width)
        member.get_by_role("button", name="Se déconnecter").click()
        member.get_by_role("link", name="Mot de passe oublié ?").click()
        member.wait_for_url(f"{mailing_server.url}/mot-de-passe-oublie")
        checked(member, width)
        member.get_by_label("Adresse électronique").fill(email)
        member.get_by_label("Adresse électronique").press("Enter")
        expect(member.get_by_role("status")).to_contain_text("un courriel vient de lui être envoyé")
        checked(member, width)
        assert len(mailbox.wait_for(email, 2)) == 2  # sent after the answer
        set_password(member, mailbox.link_to(email), NEW_PASSWORD, width)
        member.goto(f"{mailing_server.url}/compte")
        expect(member.locator("main")).to_contain_text(email)
        member.get_by_role("button", name="Se déconnecter").click()
        sign_in(member, mailing_server, email, NEW_PASSWORD)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_deactivated_member_is_refused_at_its_next_request(
    chromium: Any, mailing_server: Server, mailbox: smtp.Mailbox, width: int
) -> None:
    with invitation(chromium, mailing_server, "acheteur", width) as (admin, member, email):
        set_password(member, mailbox.link_to(email), NEW_PASSWORD, width)
        member.goto(f"{mailing_server.url}/dossiers")
        expect(member.get_by_role("heading", level=1)).to_contain_text("Dossiers")
        button = admin.get_by_role("button", name=f"Désactiver {email}")
        button.focus()
        admin.keyboard.press("Enter")
        expect(admin.locator(".notice")).to_contain_text("Compte désactivé")
        checked(admin, width)
        member.goto(f"{mailing_server.url}/dossiers")
        assert member.url.startswith(f"{mailing_server.url}/connexion")
        submit_sign_in(member, email, NEW_PASSWORD)
        expect(member.locator("#error-summary")).to_contain_text("incorrect")
        checked(member, width)


def test_the_password_change_form_works_with_the_keyboard(
    chromium: Any, mailing_server: Server, mailbox: smtp.Mailbox
) -> None:
    with invitation(chromium, mailing_server, "acheteur", 390) as (_, member, email):
        set_password(member, mailbox.link_to(email), "le premier mot de passe", 390)
        member.goto(f"{mailing_server.url}/compte")
        checked(member, 390)
        member.get_by_label("Mot de passe actuel").fill("le premier mot de passe")
        member.locator("#password").fill(NEW_PASSWORD)
        member.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
        member.get_by_label("Confirmation du nouveau mot de passe").press("Enter")
        expect(member.get_by_role("status")).to_contain_text("Mot de passe changé")
        checked(member, 390)
        member.get_by_role("button", name="Se déconnecter").click()
        sign_in(member, mailing_server, email, NEW_PASSWORD)


def test_the_team_pages_work_without_javascript(
    chromium: Any, mailing_server: Server, mailbox: smtp.Mailbox
) -> None:
    """Invite, set the password through the link, deactivate: plain forms, no script."""
    email = address()
    contexts = [
        chromium.browser.new_context(java_script_enabled=False, locale="fr-FR") for _ in range(2)
    ]
    admin, member = (context.new_page() for context in contexts)
    try:
        sign_in(admin, mailing_server, EMAILS["admin"], PASSWORD)
        admin.goto(f"{mailing_server.url}/organisation")
        admin.get_by_label("Adresse électronique").fill(email)
        admin.get_by_label("Rôle", exact=True).select_option(label="acheteur")
        admin.get_by_role("button", name="Inviter").click()
        expect(admin.locator(".notice")).to_contain_text("Invitation envoyée par courriel.")
        member.goto(mailbox.link_to(email))
        member.locator("#password").fill(NEW_PASSWORD)
        member.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
        member.get_by_role("button", name="Enregistrer le mot de passe").click()
        member.wait_for_url(f"{mailing_server.url}/")
        admin.get_by_role("button", name=f"Désactiver {email}").click()
        expect(admin.locator(".notice")).to_contain_text("Compte désactivé")
        member.goto(f"{mailing_server.url}/dossiers")
        assert member.url.startswith(f"{mailing_server.url}/connexion")
    finally:
        for context in contexts:
            context.close()
