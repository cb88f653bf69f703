"""RGAA / WCAG 2.1 AA of the follow-up page and the organisation's reports, in a real browser:
axe-core finds no serious or critical violation, on a phone (320 and 390 px) and on a desktop
(1280 px), in every state the pages show (lines and charts, refused entries, import errors,
nothing yet)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from clauses.library import load_library
from clauses.store import accounts
from clauses.store.db import make_engine, new_session
from clauses.store.models import DossierGrant, Stage
from clauses.web.sessions import COOKIE
from clauses.web.settings import Settings
from tests.e2e.conftest import Server
from tests.e2e.test_accessibility import look, report
from tests.moves import HOURS_LINE_FORM as LINE
from tests.moves import move_in
from tests.web.conftest import EMAILS, Browser

WIDTHS = (320, 390, 1280)
STATEMENT = (
    "lot;debut;fin;modalite;structure;heures;public;type_contrat;personnes\n"
    "2;2027-04-01;2027-06-30;direct_hiring;;120;rsa;cdd;1\n"
    "9;2027-04-01;2027-06-30;direct_hiring;;100;;;\n"
    "2;31/02/2027;30/06/2027;direct_hiring;;100;;;\n"
)


@dataclass
class Contracts:
    server: Server
    followed: str  # in execution, with hours, a case not imputable, people
    draft: str  # not followed yet
    framework: str  # a framework agreement in execution, with a floor per order

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def contracts(server: Server) -> Contracts:
    engine = make_engine(server.database_url)
    library = load_library(Settings().library)
    with httpx.Client(base_url=server.url) as client:
        http = Browser(client)  # type: ignore[arg-type]  # same interface as the TestClient
        followed = http.new_dossier("Réhabilitation du lycée Jules-Verne")
        move_in(
            engine, library, followed, "lycee-rehabilitation", Stage.in_execution,
            strategy={"penalty_eur_per_hour": 25},
        )  # fmt: skip
        cleaning = http.new_dossier("Nettoyage des locaux")
        move_in(engine, library, cleaning, "nettoyage-lycees", Stage.awarded)
        assert http.post(f"/dossiers/{followed}/suivi/heures", LINE).status_code == 303
        other = {**LINE, "lot": "2", "way": "direct_hiring", "structure": "", "hours": "400"}
        assert http.post(f"/dossiers/{followed}/suivi/heures", other).status_code == 303
        case = {"ni-lot": "3", "ni-hours": "120", "ni-justification": "Chantier suspendu en mai"}
        assert http.post(f"/dossiers/{followed}/suivi/non-imputable", case).status_code == 303
        draft = http.new_dossier("Consultation en préparation")
        framework = http.new_dossier("Entretien des lycées (accord-cadre)")
        move_in(
            engine, library, framework, "entretien-lycees-accord-cadre", Stage.in_execution,
            strategy={"penalty_eur_per_hour": 50, "order_floor_eur": 4000},
        )  # fmt: skip
    with new_session(engine) as session:
        facilitator = accounts.user_by_email(session, EMAILS["facilitator"])
        assert facilitator is not None
        session.add(DossierGrant(user_id=facilitator.id, dossier_id=uuid.UUID(followed)))
        session.commit()
    engine.dispose()
    return Contracts(server, followed, draft, framework)


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(bypass_csp=True, locale="fr-FR")
    yield context
    context.close()


def visit(path: str, user: str = "acheteur") -> Callable[[Any, Contracts], None]:
    def go(page: Any, site: Contracts) -> None:
        if user != "acheteur":
            page.context.clear_cookies()
            cookie = site.server.session_cookie(user)
            page.context.add_cookies([{"name": COOKIE, "value": cookie, "url": site.url}])
        page.goto(
            site.url
            + path.format(followed=site.followed, draft=site.draft, framework=site.framework)
        )

    return go


def refused_line(page: Any, site: Contracts) -> None:
    """A line sent with errors (without JavaScript): the summary, each field flagged."""
    page.goto(f"{site.url}/dossiers/{site.followed}/suivi")
    page.locator("#hours").fill("beaucoup")
    page.locator("#period_start").fill("2027-06-30")
    page.locator("#period_end").fill("2027-04-01")
    page.get_by_role("button", name="Enregistrer la ligne").last.click()
    expect(page.locator("#hours-errors")).to_be_visible()
    expect(page.locator("#hours")).to_have_attribute("aria-invalid", "true")


def refused_case(page: Any, site: Contracts) -> None:
    page.goto(f"{site.url}/dossiers/{site.followed}/suivi")
    page.get_by_role("button", name="Enregistrer le cas").click()
    expect(page.locator("#case-errors")).to_be_visible()


def import_errors(page: Any, site: Contracts) -> None:
    page.goto(f"{site.url}/dossiers/{site.followed}/suivi")
    page.locator("#releve").set_input_files(
        {"name": "releve.csv", "mimeType": "text/csv", "buffer": STATEMENT.encode()}
    )
    page.get_by_role("button", name="Importer le relevé").click()
    expect(page.locator("#import-report")).to_be_visible()


def bad_period(page: Any, site: Contracts) -> None:
    visit("/rapports/decp", "referent")(page, site)
    page.locator("#du").fill("2027-12-31")
    page.locator("#au").fill("2027-01-01")
    page.get_by_role("button", name="Préparer le fichier").click()
    expect(page.locator("#error-summary")).to_be_visible()


PAGES: dict[str, Callable[[Any, Contracts], None]] = {
    "follow-up": visit("/dossiers/{followed}/suivi"),
    "follow-up, facilitator": visit("/dossiers/{followed}/suivi", "facilitator"),
    "follow-up, line refused": refused_line,
    "follow-up, case refused": refused_case,
    "follow-up, import errors": import_errors,
    "follow-up, not followed": visit("/dossiers/{draft}/suivi"),
    "follow-up, framework agreement": visit("/dossiers/{framework}/suivi#commandes"),
    "spaser": visit("/rapports/spaser?annee=2027", "referent"),
    "spaser, empty year": visit("/rapports/spaser?annee=2019", "referent"),
    "spaser, bad year": visit("/rapports/spaser?annee=deux", "referent"),
    "decp": visit("/rapports/decp?du=2027-01-01&au=2027-12-31", "referent"),
    "decp, bad period": bad_period,
}
CASES = [(name, width) for name in PAGES for width in WIDTHS]


@pytest.mark.parametrize(("name", "width"), CASES, ids=[f"{n}, {w} px" for n, w in CASES])
def test_no_serious_accessibility_violation(
    name: str, width: int, context: Any, contracts: Contracts
) -> None:
    # Nothing wider than the screen: the wide tables reflow as cards on a phone.
    url, violations, overflow = look(context, width, 800, lambda page: PAGES[name](page, contracts))
    assert not violations, f"{name} ({url}):\n{report(violations)}"
    assert overflow <= 0, f"{name} at {width} px is {overflow} px wider than the screen"


def test_the_forms_work_with_the_keyboard_alone(context: Any, contracts: Contracts) -> None:
    """A line typed and sent with the keyboard only (Tab, typing, Enter)."""
    page = context.new_page()
    try:
        page.goto(f"{contracts.url}/dossiers/{contracts.followed}/suivi#saisie")
        page.locator("#lot").focus()
        page.keyboard.press("ArrowDown")  # lot 1
        # A date field is three segments that Tab goes through: filled as a whole here.
        page.locator("#period_start").fill("2027-04-01")
        page.locator("#period_end").fill("2027-06-30")
        page.locator("#way").focus()
        page.keyboard.press("ArrowDown")  # the first way: direct hiring
        page.keyboard.press("Tab")
        expect(page.locator("#structure")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.locator("#hours")).to_be_focused()
        page.keyboard.type("35")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Ligne d’heures enregistrée.")).to_be_visible()
    finally:
        page.close()
