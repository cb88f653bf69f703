"""The award form of a five-lot works contract (``examples/lycee-rehabilitation.yaml``) in a
real browser, at 1280 and 390 px: pre-filled, refused with every error at once, no serious or
critical axe violation, no sideways scrolling, and a page a person reads in a few screens (its
height at 1280 px is printed and bounded)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect
from sqlmodel import select

from clauses.library import load_library
from clauses.store import crud
from clauses.store.db import make_engine, new_session
from clauses.store.models import Organisation, Stage
from tests.e2e.conftest import Server
from tests.e2e.test_accessibility import audit, report
from tests.e2e.test_lifecycle_journey import shots
from tests.moves import move_in
from tests.web.conftest import Browser

BUYER_SIRET = "23440003400026"
# The form of this example was 8 051 px high at 1280 px before its sections (issue 23): about
# 4 400 px now, the rarely needed fields folded; the bound leaves room for other fonts.
MAX_HEIGHT_1280 = 5_000


def example_published(server: Server) -> tuple[str, Any]:
    """A dossier of the example, published; its organisation's SIRET set (restored after)."""
    with httpx.Client(base_url=server.url) as client:
        dossier = Browser(client).new_dossier("Lycée Jules-Verne (exemple)")  # type: ignore[arg-type]
    engine = make_engine(server.database_url)
    move_in(engine, load_library(), dossier, "lycee-rehabilitation", Stage.published)
    with new_session(engine) as session:
        owner = crud.get_dossier(session=session, dossier_id=uuid.UUID(dossier))
        organisation = session.exec(
            select(Organisation).where(Organisation.id == owner.organisation_id)
        ).one()
        before = organisation.siret
        organisation.siret = BUYER_SIRET
        session.add(organisation)
        session.commit()
    return dossier, (engine, owner.organisation_id, before)


def restore(saved: Any) -> None:
    engine, organisation_id, siret = saved
    with new_session(engine) as session:
        organisation = session.get(Organisation, organisation_id)
        assert organisation is not None
        organisation.siret = siret
        session.add(organisation)
        session.commit()
    engine.dispose()


def height(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def test_award_form_in_sections_pre_filled_and_every_error_at_once(
    chromium: Any, server: Server, tmp_path: Path
) -> None:
    folder = shots(tmp_path)
    dossier, saved = example_published(server)
    try:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{server.url}/dossiers/{dossier}/attribution")
        page.screenshot(path=str(folder / "award-prefilled-1280.png"), full_page=True)
        shown = height(page)
        print(f"\naward form, 1280 px: scrollHeight {shown} px")
        assert shown <= MAX_HEIGHT_1280, shown
        violations = audit(page)
        assert not violations, report(violations)
        expect(page.locator("#buyer_siret")).to_have_value(BUYER_SIRET)
        expect(page.locator("#buyer_siret")).to_have_accessible_description(
            "14 chiffres\u00a0; leur clé de contrôle est vérifiée. Pré-rempli SIRET enregistré "
            "pour votre organisation «\u00a0Région Test\u00a0»."
        )
        # The table of contents leads to each section, by the keyboard too.
        page.get_by_role("link", name="Les montants et dates").focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{server.url}/dossiers/{dossier}/attribution#s-montants")

        page.locator("#buyer_siret").fill("")
        page.get_by_role("button", name="Enregistrer l’attribution").click()
        summary = page.locator("#award-errors")
        expect(summary).to_be_focused()
        # Every field the dossier cannot know, and the SIRET emptied, at once: the buyer's
        # SIRET, offers, 2 dates, price form and types, grouping, 3 yes/no, « aucun lot », lot
        # 1's id, amount and holder (the lot to give first when none is).
        links = summary.get_by_role("link")
        expect(links).to_have_count(14)
        for target in links.evaluate_all("links => links.map(a => a.hash.slice(1))"):
            expect(page.locator(f"[id='{target}']")).to_have_count(1)
        page.screenshot(path=str(folder / "award-refused-1280.png"), full_page=True)
        print(f"award form refused, 1280 px: scrollHeight {height(page)} px")
        violations = audit(page)
        assert not violations, report(violations)
        summary.get_by_role("link", name="Lot 1, titulaire 1, identifiant (SIRET…)").click()
        expect(page.locator("#lots-1-holders-1-id")).to_be_focused()

        page.set_viewport_size({"width": 390, "height": 844})
        for url in (None, f"{server.url}/dossiers/{dossier}/attribution"):
            if url:
                page.goto(url)
            violations = audit(page)
            assert not violations, report(violations)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, overflow
            shot = f"award-{'refused' if url is None else 'prefilled'}-390.png"
            page.screenshot(path=str(folder / shot), full_page=True)
            print(
                f"award form{' refused' if url is None else ''}, 390 px: scrollHeight {height(page)} px"
            )
        context.close()
    finally:
        restore(saved)
