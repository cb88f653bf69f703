"""RGAA / WCAG 2.1 AA in a real browser: axe-core audits every kind of page (no serious or
critical violation), and a buyer goes through the wizard with the keyboard alone.

axe-core comes with the ``axe-playwright-python`` package (its ``axe.min.js``, read from the
installed package: nothing is downloaded); it is evaluated in the page by Playwright, in a
context that bypasses the app's CSP for the audit only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from clauses.web.sessions import COOKIE
from tests.e2e.conftest import Server
from tests.web.conftest import Browser
from tests.web.stages import LOTS

AXE_SCRIPT = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}

MARKET = {
    "title": "Réhabilitation du lycée Jules-Verne",
    "nature": "works",
    "cpv": "45214220-8",
    "estimated_amount_eur": "6 200 000",
    "duration_months": "24",
    "launch_date": "2026-10-05",
}
STEPS = ("marche", "acheteur", "lots", "heures", "offre-locale")


def audit(page: Any, *, scripts: bool = True) -> list[dict[str, Any]]:
    """The serious and critical WCAG 2.1 A/AA violations of the page as it is now.

    axe waits on timers, which never fire in a context whose scripts are disabled (the
    evaluation would wait for ever): for such a page (``scripts=False``) the markup the
    browser holds is audited at the same address in a context with scripts."""
    if not scripts:
        return _audit_markup(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def _audit_markup(page: Any) -> list[dict[str, Any]]:
    html, url = page.content(), page.url
    context = page.context.browser.new_context(bypass_csp=True, locale="fr-FR")
    try:
        copy = context.new_page()
        copy.set_viewport_size(page.viewport_size)
        copy.route(
            url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
        )
        copy.goto(url)
        return audit(copy)
    finally:
        context.close()


def look(
    context: Any, width: int, height: int, show: Callable[[Any], None], *, axe: bool = True
) -> tuple[str, list[dict[str, Any]], int]:
    """A page of ``width`` shown by ``show``: its URL, its axe violations (none looked for
    without ``axe``) and how many pixels it is wider than the screen."""
    page = context.new_page()
    try:
        page.set_viewport_size({"width": width, "height": height})
        show(page)
        violations = audit(page) if axe else []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        return page.url, violations, overflow
    finally:
        page.close()


def report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:8]:
            summary = re.sub(r"\s*\n\s*", " ", node["failureSummary"])
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


@dataclass
class Site:
    """Dossiers made over HTTP before the audit, in every state a page can show."""

    server: Server
    complete: str  # every step answered, one document generated
    invalid: str  # answers typed but unreadable, on several steps
    empty: str  # just created
    invitation: str  # the path of an invitation link to the complete dossier

    @property
    def url(self) -> str:
        return self.server.url

    def new_dossier(self) -> str:
        """A dossier of its own, for a page that changes it."""
        with httpx.Client(base_url=self.url) as client:
            return Browser(client).new_dossier("Dossier à modifier")  # type: ignore[arg-type]

    def published_copy(self) -> str:
        """A copy of the complete dossier, its consultation published (for the award pages)."""
        copy = self.complete_copy()
        with httpx.Client(base_url=self.url) as client:
            http = Browser(client)  # type: ignore[arg-type]
            moved = http.post(f"/dossiers/{copy}/publier", {"version": str(http.version(copy))})
            assert moved.status_code == 422  # no date: the form again, saying so
            confirm = http.get(f"/dossiers/{copy}/publier").text  # the server's today
            today = re.search(r'max="([0-9-]+)"', confirm)
            assert today is not None
            moved = http.post(
                f"/dossiers/{copy}/publier",
                {"version": str(http.version(copy)), "publication_date": today.group(1)},
            )
            assert moved.status_code == 303, moved.text
        return copy

    def complete_copy(self) -> str:
        """A copy of the complete dossier, for a page that changes its choices."""
        with httpx.Client(base_url=self.url) as client:
            http = Browser(client)  # type: ignore[arg-type]
            copy = http.post(f"/dossiers/{self.complete}/dupliquer")
            return str(copy.headers["location"]).split("/")[2].split("?")[0]


def make_complete(http: Browser) -> str:
    """A dossier with every step answered (two lots) and one document generated."""
    complete = http.new_dossier("Lycée Jules-Verne")
    http.answer(complete, "marche", **MARKET)
    http.answer(complete, "acheteur", region_code="52", facilitator_available="true")
    http.answer(
        complete,
        "lots",
        **LOTS,
    )
    http.answer(complete, "heures", insertion_rate="5")
    generated = http.post(f"/dossiers/{complete}/documents", {"sections": "summary"})
    assert generated.status_code == 303, generated.text
    return complete


def make_site(server: Server) -> Site:
    with httpx.Client(base_url=server.url) as client:
        http = Browser(client)  # type: ignore[arg-type]  # same interface as the TestClient
        complete = make_complete(http)
        invalid = http.new_dossier("Réponses à corriger")
        http.answer(
            invalid,
            "marche",
            title="",
            cpv="12",
            estimated_amount_eur="beaucoup",
            duration_months="quatre",
            launch_date="31/02/2026",
        )
        http.answer(
            invalid,
            "lots",
            **{"lots-count": "1", "lots-0-title": "", "lots-0-estimated_amount_eur": "cher"},
        )
        http.answer(invalid, "heures", insertion_rate="cinq", hourly_cost_eur="-3")
        empty = http.new_dossier("Dossier vide")
        http.post(f"/dossiers/{complete}/commentaires", {"step": "heures", "text": "À revoir."})
    with httpx.Client(base_url=server.url) as client:
        referent = Browser(client, "referent")  # type: ignore[arg-type]
        invited = referent.post(
            f"/dossiers/{complete}/invitations", {"email": "nouveau@emploi.test"}
        )
        link = re.search(r"/invitations/[\w-]+", invited.text)
        assert link is not None, invited.text
    return Site(server, complete, invalid, empty, link.group(0))


@pytest.fixture(scope="module")
def site(server: Server) -> Site:
    return make_site(server)


@pytest.fixture
def audit_context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(bypass_csp=True, locale="fr-FR")
    yield context
    context.close()


def live_error(page: Any, site: Site) -> None:
    """An unreadable answer flagged by htmx as it is given."""
    dossier = site.new_dossier()
    page.goto(f"{site.url}/dossiers/{dossier}/etapes/marche")
    page.get_by_label("Durée du marché").fill("quatre")
    page.get_by_label("Durée du marché").press("Tab")
    expect(page.locator("#duration_months-error")).to_be_visible()


def refused_next(page: Any, site: Site) -> None:
    """« Suivant » refused by htmx: the error summary swapped in, with the focus."""
    dossier = site.new_dossier()
    page.goto(f"{site.url}/dossiers/{dossier}/etapes/marche")
    page.get_by_role("button", name="Suivant").click()
    expect(page.locator("#error-summary")).to_be_focused()


def lot_added(page: Any, site: Site) -> None:
    dossier = site.new_dossier()
    page.goto(f"{site.url}/dossiers/{dossier}/etapes/lots")
    page.get_by_role("button", name="Ajouter un lot").click()
    expect(page.locator("#lots-0-title")).to_be_focused()


def stale_step(page: Any, site: Site) -> None:
    """Saving a step after someone else saved it: the 409 comparison (swapped in by htmx)."""
    page.goto(f"{site.url}/dossiers/{site.complete}/etapes/heures")
    # Both change the rate shown, to different values: a true conflict (a change of the same
    # value, or of another field, merges). The dossier is shared: values from what it holds.
    shown = int(page.get_by_label("Taux d’insertion").input_value() or "5")
    with httpx.Client(base_url=site.url) as client:
        other = Browser(client)  # type: ignore[arg-type]
        other.answer(site.complete, "heures", insertion_rate=str(shown % 20 + 1))
    page.get_by_label("Taux d’insertion").fill(str(shown % 20 + 2))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Le dossier a été modifié entre-temps")).to_be_visible()


def stale_rename(page: Any, site: Site) -> None:
    dossier = site.new_dossier()
    page.goto(f"{site.url}/dossiers/{dossier}/renommer")
    with httpx.Client(base_url=site.url) as client:
        other = Browser(client)  # type: ignore[arg-type]
        other.answer(dossier, "heures", insertion_rate="6")
    page.get_by_label("Intitulé du dossier").fill("Nouvel intitulé")
    page.get_by_role("button", name="Renommer").click()
    expect(page.get_by_role("heading", name="Le dossier a été modifié entre-temps")).to_be_visible()


def rename_error(page: Any, site: Site) -> None:
    dossier = site.new_dossier()
    page.goto(f"{site.url}/dossiers/{dossier}/renommer")
    page.get_by_label("Intitulé du dossier").fill(" ")
    page.get_by_role("button", name="Renommer").click()
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)


def incomplete_generation(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/dossiers/{site.invalid}/documents")
    page.get_by_role("button", name="Générer le document Word").click()
    expect(page.locator("h1")).to_contain_text("impossible")


def refused_choices(page: Any, site: Site) -> None:
    """The review page after choices that do not hold were saved without JavaScript."""
    dossier = site.complete_copy()
    with httpx.Client(base_url=site.url) as client:
        http = Browser(client)  # type: ignore[arg-type]
        http.get(f"/dossiers/{dossier}")
        saved = http.post(
            f"/dossiers/{dossier}/strategie",
            {
                "version": str(http.version(dossier)),
                "mechanism": ["insertion_clause", "insertion_criterion"],
                "keep-insertion_criterion": "1",
                "weight-insertion_criterion": "dix",
                "facilitator-email": "sans arobase",
            },
        )
    page.goto(site.url + saved.headers["location"])
    expect(page.locator("#strategy-errors")).to_be_focused()


def live_choice_error(page: Any, site: Site) -> None:
    """A choice refused by htmx as it is made, and the derogation it then asks for."""
    page.goto(f"{site.url}/dossiers/{site.complete_copy()}")
    page.locator("#keep-insertion_clause").uncheck()
    expect(page.locator("#derogation-justification")).to_be_visible()
    page.locator("#penalty_eur_per_hour").fill("beaucoup")
    page.locator("#penalty_eur_per_hour").press("Tab")
    expect(page.locator("#penalty_eur_per_hour-error")).to_be_visible()


def award_form(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/dossiers/{site.published_copy()}/attribution")


def award_refused(page: Any, site: Site) -> None:
    """The award sent empty: every field the DECP needs, named in the summary and beside it."""
    award_form(page, site)
    page.get_by_role("button", name="Enregistrer l’attribution").click()
    expect(page.locator("#award-errors")).to_be_focused()


def award_refused_narrow(page: Any, site: Site) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    award_refused(page, site)


def published_review(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/dossiers/{site.published_copy()}")


def published_step(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/dossiers/{site.published_copy()}/etapes/lots")


def move_refused(page: Any, site: Site) -> None:
    """A move's form again after a date in the future (the browser's bound removed)."""
    page.goto(f"{site.url}/dossiers/{site.complete_copy()}/publier")  # its confirmation
    field = page.locator("#publication_date")
    field.evaluate("node => node.removeAttribute('max')")
    field.fill("2099-01-01")
    page.get_by_role("button", name="Publier la consultation").click()
    expect(page.locator("#error-summary")).to_be_focused()


def narrow(path: str) -> Callable[[Any, Site], None]:
    """A page at 320 px, the narrowest screen the pages are made for."""

    def go(page: Any, site: Site) -> None:
        page.set_viewport_size({"width": 320, "height": 720})
        visit(path)(page, site)

    return go


def too_large(page: Any, site: Site) -> None:
    """A form sent over the size limit (typed text is capped, so the field is filled by script)."""
    page.goto(f"{site.url}/")
    page.evaluate(
        """() => {
            const field = document.getElementById("new-dossier-title");
            field.removeAttribute("maxlength");
            field.value = "x".repeat(1100000);
            field.form.submit();
        }"""
    )
    expect(page.locator("h1")).to_have_text("Envoi trop volumineux")


def new_session(page: Any, site: Site) -> None:
    """The browser's session replaced by a new sign-in (as from another tab): the token of the
    forms already shown is no longer the session's."""
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": COOKIE, "value": site.server.session_cookie(), "url": site.url}]
    )


def expired_form(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/")
    new_session(page, site)
    page.get_by_role("button", name="Commencer").click()
    expect(page.locator("h1")).to_have_text("Formulaire expiré")


def expired_step(page: Any, site: Site) -> None:
    """A request refused to htmx: its French page replaces the content, and is focused."""
    page.goto(f"{site.url}/dossiers/{site.new_dossier()}/etapes/marche")
    new_session(page, site)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", name="Formulaire expiré")).to_be_focused()
    expect(page).to_have_title(re.compile("^Formulaire expiré"))


def first_sheet(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/fiches")
    page.locator("#practice-results h3 a").first.click()
    expect(page).to_have_url(re.compile(r"/fiches/[^?]+$"))


def visit(path: str) -> Callable[[Any, Site], None]:
    def go(page: Any, site: Site) -> None:
        url = path.format(complete=site.complete, invalid=site.invalid, empty=site.empty)
        page.goto(site.url + url)

    return go


def anonymous(path: str) -> Callable[[Any, Site], None]:
    def go(page: Any, site: Site) -> None:
        page.context.clear_cookies()
        page.goto(site.url + path.format(invitation=site.invitation))

    return go


def as_referent(path: str) -> Callable[[Any, Site], None]:
    def go(page: Any, site: Site) -> None:
        page.context.clear_cookies()
        cookie = site.server.session_cookie("referent")
        page.context.add_cookies([{"name": COOKIE, "value": cookie, "url": site.url}])
        page.goto(site.url + path.format(complete=site.complete))

    return go


def as_admin(page: Any, site: Site, path: str) -> None:
    page.context.clear_cookies()
    cookie = site.server.session_cookie("admin")
    page.context.add_cookies([{"name": COOKIE, "value": cookie, "url": site.url}])
    page.goto(site.url + path)


def organisation_link_shown(page: Any, site: Site) -> None:
    """An invitation on a server without mail server: the link to pass on."""
    as_admin(page, site, "/organisation")
    page.get_by_label("Adresse électronique").fill(f"a11y-{uuid.uuid4().hex[:8]}@region.test")
    page.get_by_role("button", name="Inviter").click()
    expect(page.locator("#passed-on-link")).to_be_visible()


def organisation_last_admin(page: Any, site: Site) -> None:
    """The last admin tries to deactivate itself: refused, said at the top."""
    as_admin(page, site, "/organisation")
    page.get_by_role("button", name="Désactiver admin@region.test").click()
    expect(page.locator("#error-summary")).to_contain_text("au moins un administrateur actif")


def forgotten_answered(page: Any, site: Site) -> None:
    page.context.clear_cookies()
    page.goto(f"{site.url}/mot-de-passe-oublie")
    page.get_by_label("Adresse électronique").fill("personne@region.test")
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_role("status")).to_be_visible()


def password_change_refused(page: Any, site: Site) -> None:
    page.context.clear_cookies()
    cookie = site.server.session_cookie("acheteur")
    page.context.add_cookies([{"name": COOKIE, "value": cookie, "url": site.url}])
    page.goto(f"{site.url}/compte")
    page.get_by_label("Mot de passe actuel").fill("pas le bon")
    page.locator("#password").fill("un nouveau mot de passe")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("un nouveau mot de passe")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.locator("#password-error")).to_be_visible()


def refused_sign_in(page: Any, site: Site) -> None:
    page.context.clear_cookies()
    page.goto(f"{site.url}/connexion")
    page.get_by_label("Adresse électronique").fill("personne@region.test")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#error-summary")).to_be_visible()


PAGES: dict[str, Callable[[Any, Site], None]] = {
    "home": visit("/"),
    **{f"step {s}": visit(f"/dossiers/{{complete}}/etapes/{s}") for s in STEPS},
    "step lots, no lot": visit("/dossiers/{empty}/etapes/lots"),
    **{f"step {s}, errors": visit(f"/dossiers/{{invalid}}/etapes/{s}?verifier=1") for s in STEPS},
    "step, live error (htmx)": live_error,
    "step, next refused (htmx)": refused_next,
    "step, lot added (htmx)": lot_added,
    "review": visit("/dossiers/{complete}"),
    "review, incomplete": visit("/dossiers/{invalid}"),
    "review, choices refused": refused_choices,
    "review, live choice error (htmx)": live_choice_error,
    "review, 320 px": narrow("/dossiers/{complete}"),
    "documents, 320 px": narrow("/dossiers/{complete}/documents"),
    "dossier list": visit("/dossiers"),
    "dossier list, by stage": visit("/dossiers?etat=published"),
    "review, published": published_review,
    "step, published (read-only)": published_step,
    "award form": award_form,
    "award form, refused": award_refused,
    "award form, refused, 390 px": award_refused_narrow,
    "move refused (date)": move_refused,
    "documents": visit("/dossiers/{complete}/documents"),
    "delete confirmation": visit("/dossiers/{complete}/supprimer"),
    "rename": visit("/dossiers/{complete}/renommer"),
    "rename, error": rename_error,
    "generation refused": incomplete_generation,
    "library": visit("/bibliotheque"),
    "library, mechanism": visit("/bibliotheque/insertion_clause"),
    "sheets": visit("/fiches"),
    "sheets, filtered": visit("/fiches?mecanisme=reserved_disability&q=zzz"),
    "sheet": first_sheet,
    "404": visit("/dossiers/00000000-0000-0000-0000-000000000000"),
    "409, step": stale_step,
    "409, rename": stale_rename,
    "413": too_large,
    "403": expired_form,
    "403 (htmx)": expired_step,
    "sign-in": anonymous("/connexion"),
    "sign-in, refused": refused_sign_in,
    "privacy": visit("/confidentialite"),
    "account": visit("/compte"),
    "history": visit("/dossiers/{complete}/historique"),
    "comments": visit("/dossiers/{complete}/commentaires"),
    "invitations": as_referent("/dossiers/{complete}/invitations"),
    "invitation link": anonymous("{invitation}"),
    # The team (issue 23): this server has no mail server.
    "organisation": lambda page, site: as_admin(page, site, "/organisation"),
    "organisation, link to pass on": organisation_link_shown,
    "organisation, last admin refused": organisation_last_admin,
    "forgotten password": anonymous("/mot-de-passe-oublie"),
    "forgotten password, answered": forgotten_answered,
    "account, password change refused": password_change_refused,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(name: str, audit_context: Any, site: Site) -> None:
    page = audit_context.new_page()
    try:
        PAGES[name](page, site)
        violations = audit(page)
        url = page.url
    finally:
        page.close()
    assert not violations, f"{name} ({url}):\n{report(violations)}"


def cleaning_dossier(site: Site) -> str:
    """A cleaning contract in lots (the branch method: symbols, floor, transferred staff)."""
    with httpx.Client(base_url=site.url) as client:
        http = Browser(client)  # type: ignore[arg-type]
        dossier = http.new_dossier("Nettoyage")
        http.answer(
            dossier,
            "marche",
            title="Nettoyage des lycées",
            nature="services",
            cpv="90911000-7",  # a wrong check digit, flagged with its correction
            estimated_amount_eur="1 800 000",
            duration_months="48",
        )
        http.answer(
            dossier,
            "lots",
            **{
                "lots-count": "3",
                "lots-0-title": "Bureaux",
                "lots-0-estimated_amount_eur": "1 000 000",
                "lots-1-title": "Vitres",
                "lots-1-estimated_amount_eur": "50 000",
                "lots-2-title": "",
            },
        )
        http.answer(dossier, "heures", transferred_staff_monthly_hours="900")
    return dossier


def on_cleaning(path: str) -> Callable[[Any, Site], None]:
    def go(page: Any, site: Site) -> None:
        page.goto(f"{site.url}/dossiers/{cleaning_dossier(site)}/{path}")

    return go


def live_cpv_search(page: Any, site: Site) -> None:
    """Results swapped in by htmx as the words are typed."""
    page.goto(f"{site.url}/dossiers/{site.new_dossier()}/etapes/marche")
    page.get_by_label("Trouver un code par mots-clés").fill("espaces verts")
    expect(page.locator("#cpv-results")).to_contain_text("77310000-6")


def remove_asked(page: Any, site: Site) -> None:
    """« Retirer le lot » asks first (htmx)."""
    page.goto(f"{site.url}/dossiers/{cleaning_dossier(site)}/etapes/lots")
    page.get_by_role("button", name="Retirer le lot 1").click()
    expect(page.locator("#remove-confirm")).to_be_focused()


def saved_notice(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/dossiers/{site.new_dossier()}/etapes/marche")
    page.get_by_label("Objet du marché").fill("Nettoyage")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#step-notice")).to_be_focused()


NEW_STATES: dict[str, Callable[[Any, Site], None]] = {
    "step, CPV results": visit("/dossiers/{complete}/etapes/marche?cpv_q=nettoyage+de+locaux"),
    "step, CPV results on lots": visit("/dossiers/{complete}/etapes/lots?cpv_q=peinture"),
    "step, CPV results (htmx)": live_cpv_search,
    "step, wrong check digit, hidden question": on_cleaning("etapes/marche"),
    "step, sizing explained": on_cleaning("etapes/heures"),
    "step, empty lot and lots total": on_cleaning("etapes/lots"),
    "step, removal asked": on_cleaning("etapes/lots?retirer=0&focus=remove-confirm"),
    "step, removal asked (htmx)": remove_asked,
    "step, saved (htmx)": saved_notice,
    "library, filtered": visit("/bibliotheque?famille=reserved&secteur=cleaning"),
    "library, nothing found": visit("/bibliotheque?q=zzzz"),
    "sheets, region without a sheet": visit("/fiches?region=94"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_is_wider_than_a_phone(name: str, audit_context: Any, site: Site) -> None:
    """320 px, the narrowest phone: no horizontal scroll on any page."""
    url, _, overflow = look(
        audit_context, 320, 640, lambda page: PAGES[name](page, site), axe=False
    )
    assert overflow <= 0, f"{name} ({url}): {overflow} px wider than the screen"


@pytest.mark.parametrize("width", [320, 1280], ids=["320px", "1280px"])
@pytest.mark.parametrize("name", list(NEW_STATES))
def test_new_page_states_at_phone_and_desktop_widths(
    name: str, width: int, audit_context: Any, site: Site
) -> None:
    url, violations, overflow = look(
        audit_context, width, 800, lambda page: NEW_STATES[name](page, site)
    )
    assert not violations, f"{name} ({url}, {width} px):\n{report(violations)}"
    assert overflow <= 0, f"{name} ({url}): {overflow} px wider than the screen"


def test_setup_page_has_no_serious_violation(chromium: Any, tmp_path: Path) -> None:
    """The one-time setup link of a server without accounts, its page and its refusal."""
    fresh = Server(tmp_path, seed=False)
    fresh.start()
    context = chromium.new_context(signed_in=None, bypass_csp=True, locale="fr-FR")
    try:
        link = re.search(r"http://\S+/installation/\S+", fresh.log.read_text())
        assert link is not None, fresh.log.read_text()
        page = context.new_page()
        page.goto(link.group(0))
        assert not (violations := audit(page)), report(violations)
        # On a phone, the password fields are as wide as the others (they were 185 px of 358).
        page.set_viewport_size({"width": 390, "height": 844})
        widths = {
            name: (page.locator(f"#{name}").bounding_box() or {"width": 0})["width"]
            for name in ("organisation", "email", "password", "password_confirm")
        }
        assert widths["password"] == widths["password_confirm"] == widths["email"] > 300, widths
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_label("Nom de l’organisation").fill("Région Neuve")
        page.get_by_label("Votre adresse électronique").fill("admin@neuve.test")
        page.locator("#password").fill("court")
        page.locator("#password_confirm").fill("court")
        page.evaluate(
            "document.querySelectorAll('[minlength]').forEach(e => e.removeAttribute('minlength'))"
        )
        page.get_by_role("button", name="Créer le compte administrateur").click()
        expect(page.locator("#error-summary")).to_contain_text("trop court")
        assert not (violations := audit(page)), report(violations)
    finally:
        context.close()
        fresh.stop()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_wizard_with_the_keyboard_alone(chromium: Any, server: Server, javascript: bool) -> None:
    context = chromium.new_context(java_script_enabled=javascript, locale="fr-FR")
    page = context.new_page()
    keyboard = page.keyboard

    def tab_to(locator: Any, limit: int = 60) -> None:
        for _ in range(limit):
            if locator.evaluate("el => el === document.activeElement"):
                return
            keyboard.press("Tab")
        raise AssertionError(f"{locator} is not reached with Tab")

    try:
        page.goto(server.url + "/")
        keyboard.press("Tab")
        skip = page.get_by_role("link", name="Aller au contenu")
        expect(skip).to_be_focused()
        keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        tab_to(page.get_by_label("Intitulé du dossier"))
        keyboard.type("Parcours au clavier")
        keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/etapes/marche"))

        # The first skip link of a step lands on its first field.
        keyboard.press("Tab")
        expect(page.get_by_role("link", name="Aller au premier champ")).to_be_focused()
        keyboard.press("Enter")
        expect(page.get_by_label("Objet du marché")).to_be_focused()
        # « Suivant » with required answers missing: the error summary takes the focus.
        tab_to(page.get_by_role("button", name="Suivant"))
        keyboard.press("Enter")
        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        # Its first link leads to the field to correct.
        keyboard.press("Tab")
        keyboard.press("Enter")
        expect(page.get_by_label("Objet du marché")).to_be_focused()
        keyboard.type("Nettoyage des lycées")
        # A radio group is one Tab stop; the arrows choose within it.
        tab_to(page.get_by_label("Travaux"))
        keyboard.press("ArrowDown")
        keyboard.press("ArrowDown")
        expect(page.get_by_label("Services", exact=True)).to_be_checked()
        expect(page.get_by_label("Services", exact=True)).to_be_focused()
        tab_to(page.get_by_label("Montant total estimé"))
        keyboard.type("1 800 000")
        tab_to(page.get_by_label("Durée du marché"))
        keyboard.type("48")
        keyboard.press("Enter")  # Enter in a field saves and moves on
        expect(page).to_have_url(re.compile(r"/etapes/acheteur"))

        for step in ("lots", "heures", "offre-locale"):
            tab_to(page.get_by_role("button", name="Suivant"))
            keyboard.press("Space")
            expect(page).to_have_url(re.compile(f"/etapes/{step}"))
        tab_to(page.get_by_role("button", name="Voir la synthèse"))
        keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/dossiers/[0-9a-f-]{36}$"))
        expect(page.locator("#review")).to_contain_text("Nettoyage des lycées")
    finally:
        context.close()
