"""A facilitator's invitation is accepted once, by the account of the invited address only (issue
20, finding 2: four accounts posting one link at once got up to four grants, on both databases,
and an admin of another organisation accepted a link sent to someone else)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from clauses.store import accounts, crud
from clauses.store.db import new_session
from clauses.store.models import AuditEvent, DossierCreate, DossierGrant, Invitation
from tests.web.conftest import FACILITATOR_EMAIL, Browser, people_of, text_of

AT_ONCE = 4


def invited(app: FastAPI, email: str = FACILITATOR_EMAIL) -> tuple[uuid.UUID, str]:
    """A dossier of « Région Test » and the token of an invitation to it for ``email``."""
    people = people_of(app)
    with new_session(app.state.ctx.engine) as session:
        membership = accounts.membership_of(session, people.referent.id)
        assert membership is not None
        dossier = crud.create_dossier(
            session=session,
            dossier_in=DossierCreate(title="Dossier à suivre"),
            organisation_id=membership.organisation_id,
        )
        token = accounts.invite(
            session, dossier_id=dossier.id, email=email, invited_by=people.referent.id, days=14
        )
    return dossier.id, token


def grants_and_acceptances(app: FastAPI, dossier: uuid.UUID) -> tuple[int, int]:
    with new_session(app.state.ctx.engine) as session:
        grants = session.exec(select(DossierGrant).where(DossierGrant.dossier_id == dossier))
        accepted = session.exec(
            select(AuditEvent).where(
                AuditEvent.dossier_id == dossier, AuditEvent.action == "invitation_acceptee"
            )
        )
        return len(grants.all()), len(accepted.all())


def test_an_invitation_posted_four_times_at_once_grants_once(app: FastAPI) -> None:
    dossier, token = invited(app)
    start = threading.Barrier(AT_ONCE)

    def accept() -> int:
        with TestClient(app) as client:
            browser = Browser(client, "facilitator")
            browser.get(f"/invitations/{token}")
            start.wait()
            return browser.post(f"/invitations/{token}").status_code

    with ThreadPoolExecutor(AT_ONCE) as pool:
        statuses = sorted(pool.map(lambda _: accept(), range(AT_ONCE)))
    assert statuses == [303] + [404] * (AT_ONCE - 1)
    assert grants_and_acceptances(app, dossier) == (1, 1)


def test_two_acceptances_of_one_invitation_read_at_once_grant_once(app: FastAPI) -> None:
    """The invitation is claimed by an update that must still find it unused, in the grant's
    transaction: a second acceptance that had read it unused finds nothing to claim."""
    people = people_of(app)
    dossier, token = invited(app)
    engine = app.state.ctx.engine
    with new_session(engine) as first, new_session(engine) as second:
        seen_first = accounts.open_invitation(first, token)
        seen_second = accounts.open_invitation(second, token)
        assert seen_first is not None and seen_second is not None
        facilitator = accounts.get_user(first, people.facilitator.id)
        assert facilitator is not None
        accounts.accept_invitation(first, seen_first, facilitator)
        with pytest.raises(accounts.InvitationClosed):
            accounts.accept_invitation(second, seen_second, facilitator)
    assert grants_and_acceptances(app, dossier) == (1, 1)


@pytest.mark.parametrize("visitor", ["admin", "other", "referent"])
def test_only_the_invited_address_may_accept(app: FastAPI, visitor: str) -> None:
    dossier, token = invited(app, "invitee@emploi.test")
    with TestClient(app) as client:
        browser = Browser(client, visitor)
        page = browser.get(f"/invitations/{token}")
        assert "qui n’est pas celui de l’adresse invitée" in text_of(page.text)
        assert "Accepter l’invitation" not in page.text
        refused = browser.post(f"/invitations/{token}")
        assert refused.status_code == 403
        assert "envoyée à une autre adresse électronique" in text_of(refused.text)
        if visitor == "other":  # still not a reader of another organisation's dossier
            assert browser.get(f"/dossiers/{dossier}").status_code == 404
    assert grants_and_acceptances(app, dossier) == (0, 0)
    with new_session(app.state.ctx.engine) as session:
        assert accounts.open_invitation(session, token) is not None  # still usable by its invitee


def test_used_and_expired_links_are_not_found(app: FastAPI) -> None:
    dossier, token = invited(app)
    with TestClient(app) as client:
        browser = Browser(client, "facilitator")
        browser.get(f"/invitations/{token}")
        assert browser.post(f"/invitations/{token}").status_code == 303
        assert browser.get(f"/invitations/{token}").status_code == 404
        assert browser.post(f"/invitations/{token}").status_code == 404
    _, late = invited(app)
    with new_session(app.state.ctx.engine) as session:
        invitation = session.exec(
            select(Invitation).where(Invitation.token_hash == accounts.token_hash(late))
        ).one()
        invitation.expires_at = invitation.created_at
        session.add(invitation)
        session.commit()
    with TestClient(app) as client:
        browser = Browser(client, "facilitator")
        browser.get("/")
        assert browser.post(f"/invitations/{late}").status_code == 404
    assert grants_and_acceptances(app, dossier) == (1, 1)
