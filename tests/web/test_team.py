"""Team self-service (issue 23, point 1): an admin invites members by e-mail with a role,
changes roles, deactivates and reactivates them; a member changes its password, or sets a new
one through a single-use, expiring link sent by e-mail. The e-mails go through a real local
SMTP server (aiosmtpd, with a login) and are read from it."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import select

from clauses.store import accounts
from clauses.store.db import new_session
from clauses.store.models import AuditEvent, Membership, PasswordLink, Role, User
from clauses.web import mail
from clauses.web.app import create_app
from clauses.web.settings import Settings
from tests import smtp
from tests.databases import BACKENDS, database
from tests.web.conftest import Browser, people_of, sign_in_by_form, text_of

NEW_PASSWORD = "un mot de passe tout neuf"


@pytest.fixture(scope="module")
def mailbox() -> Iterator[smtp.Mailbox]:
    with smtp.smtp_server() as box:
        yield box


@pytest.fixture(scope="module", params=BACKENDS)
def settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    mailbox: smtp.Mailbox,
) -> Iterator[Settings]:
    folder = tmp_path_factory.mktemp("team")
    with database(request.param, folder) as url:
        yield Settings(
            database_url=url,
            data_dir=folder,
            secret_key="secret de test",  # type: ignore[arg-type]
            smtp_host=mailbox.host,
            smtp_port=mailbox.port,
            smtp_starttls=False,
            smtp_username=smtp.USERNAME,
            smtp_password=smtp.PASSWORD,  # type: ignore[arg-type]
            smtp_sender="clauses@region.test",
        )


def fresh_address() -> str:
    return f"membre-{uuid.uuid4().hex[:8]}@region.test"


def local_path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def admin_invites(app: FastAPI, email: str, role: str) -> None:
    with TestClient(app) as client:
        admin = Browser(client, "admin")
        admin.get("/organisation")
        response = admin.post("/organisation/invitations", {"email": email, "role": role})
        assert response.status_code == 303, text_of(response.text)
        assert response.headers["location"] == "/organisation?notice=invitation-envoyee"


def membership(app: FastAPI, email: str) -> tuple[User, Membership]:
    with new_session(app.state.ctx.engine) as session:
        user = accounts.user_by_email(session, email)
        assert user is not None
        found = accounts.membership_of(session, user.id)
        assert found is not None
        return user, found


def actions(app: FastAPI, action: str, about: str) -> int:
    with new_session(app.state.ctx.engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.field == about)
        )
        return len(rows.all())


def can_sign_in(app: FastAPI, email: str, password: str) -> bool:
    with TestClient(app) as client:
        page = client.get("/connexion")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/connexion",
            data={"csrf_token": token, "email": email, "password": password},
            follow_redirects=False,
        )
        return response.status_code == 303


def set_password_by_link(client: TestClient, path: str, password: str) -> int:
    browser = Browser(client, None)
    page = browser.get(path)
    assert page.status_code == 200, page.status_code
    return browser.post(path, {"password": password, "password_confirm": password}).status_code


def test_an_admin_invites_a_referent_by_e_mail(app: FastAPI, mailbox: smtp.Mailbox) -> None:
    email = fresh_address()
    admin_invites(app, email, "referent")
    messages = mailbox.to(email)
    assert len(messages) == 1
    assert messages[0]["From"] == "clauses@region.test"
    assert "Invitation à rejoindre Région Test" in messages[0]["Subject"]
    assert smtp.USERNAME in mailbox.logins  # the settings' credentials were used
    body = messages[0].get_content()
    assert "«\u00a0Région Test\u00a0»" in body and "une seule fois)\u00a0:" in body
    path = local_path(mailbox.link_to(email))
    # Only the token's hash is stored.
    with new_session(app.state.ctx.engine) as session:
        stored = session.exec(select(PasswordLink)).all()
        token = path.rsplit("/", 1)[1]
        assert all(token not in row.token_hash for row in stored)
        assert any(row.token_hash == accounts.token_hash(token) for row in stored)
    assert not can_sign_in(app, email, NEW_PASSWORD)  # no password yet
    with TestClient(app) as client:
        browser = Browser(client, None)
        assert email in text_of(browser.get(path).text)
        refused = browser.post(path, {"password": "court", "password_confirm": "court"})
        assert refused.status_code == 422 and "trop court" in text_of(refused.text)
        done = browser.post(path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
        assert done.status_code == 303
        # Signed in, as a referent of the organisation: its reports open.
        assert client.get("/rapports/spaser").status_code == 200
        assert client.get(path).status_code == 404  # once only
    user, member = membership(app, email)
    assert member.role == Role.referent and user.password_hash is not None
    assert can_sign_in(app, email, NEW_PASSWORD)
    assert actions(app, "membre_invite", email) == 1


def test_an_invitation_is_refused_for_an_existing_account_or_a_bad_address(
    app: FastAPI, mailbox: smtp.Mailbox
) -> None:
    with TestClient(app) as client:
        admin = Browser(client, "admin")
        admin.get("/organisation")
        taken = admin.post(
            "/organisation/invitations", {"email": "acheteur@region.test", "role": "acheteur"}
        )
        assert taken.status_code == 422 and "Un compte existe déjà" in text_of(taken.text)
        bad = admin.post(
            "/organisation/invitations", {"email": "pas-une-adresse", "role": "acheteur"}
        )
        assert bad.status_code == 422 and "Adresse électronique invalide" in text_of(bad.text)
        role = admin.post("/organisation/invitations", {"email": fresh_address(), "role": "roi"})
        assert role.status_code == 422 and "Rôle" in text_of(role.text)
    assert mailbox.to("acheteur@region.test") == []


def test_a_member_changes_its_password(app: FastAPI) -> None:
    email = fresh_address()
    admin_invites(app, email, "acheteur")
    with new_session(app.state.ctx.engine) as session:
        user = accounts.user_by_email(session, email)
        assert user is not None
        user.password_hash = accounts.hash_password("l’ancien mot de passe")
        session.add(user)
        session.commit()
    with TestClient(app) as elsewhere, TestClient(app) as client:
        sign_in_by_form(elsewhere, email, "l’ancien mot de passe")
        assert elsewhere.get("/dossiers").status_code == 200
        sign_in_by_form(client, email, "l’ancien mot de passe")
        browser = Browser(client, None)
        browser.get("/compte")
        wrong = browser.post(
            "/compte/mot-de-passe",
            {
                "current_password": "faux",
                "password": NEW_PASSWORD,
                "password_confirm": NEW_PASSWORD,
            },
        )
        assert wrong.status_code == 422
        assert "Mot de passe actuel : saisie incorrecte" in text_of(wrong.text)
        short = browser.post(
            "/compte/mot-de-passe",
            {
                "current_password": "l’ancien mot de passe",
                "password": "court",
                "password_confirm": "court",
            },
        )
        assert short.status_code == 422 and "trop court" in text_of(short.text)
        differ = browser.post(
            "/compte/mot-de-passe",
            {
                "current_password": "l’ancien mot de passe",
                "password": NEW_PASSWORD,
                "password_confirm": NEW_PASSWORD + "!",
            },
        )
        assert differ.status_code == 422 and "les deux saisies diffèrent" in text_of(differ.text)
        done = browser.post(
            "/compte/mot-de-passe",
            {
                "current_password": "l’ancien mot de passe",
                "password": NEW_PASSWORD,
                "password_confirm": NEW_PASSWORD,
            },
        )
        assert done.status_code == 303
        assert "Mot de passe changé" in text_of(client.get(done.headers["location"]).text)
        # This browser goes on; the other session has ended.
        assert client.get("/dossiers").status_code == 200
        ended = elsewhere.get("/dossiers", follow_redirects=False)
        assert ended.status_code == 303 and ended.headers["location"].startswith("/connexion")
    assert can_sign_in(app, email, NEW_PASSWORD)
    assert not can_sign_in(app, email, "l’ancien mot de passe")


def test_a_forgotten_password_is_reset_once_by_e_mail(app: FastAPI, mailbox: smtp.Mailbox) -> None:
    email = fresh_address()
    admin_invites(app, email, "acheteur")
    with TestClient(app) as client:
        assert (
            set_password_by_link(client, local_path(mailbox.link_to(email)), "premier mot de passe")
            == 303
        )
    answers = []
    for address in (email, "personne@region.test"):
        with TestClient(app) as client:
            browser = Browser(client, None)
            browser.get("/mot-de-passe-oublie")
            response = browser.post("/mot-de-passe-oublie", {"email": address})
            assert response.status_code == 200
            answers.append(text_of(response.text).replace(address, "ADRESSE"))
    assert answers[0] == answers[1]  # the answer does not tell which address has an account
    assert mailbox.to("personne@region.test") == []
    assert len(mailbox.to(email)) == 2  # the invitation, then the reset
    assert mailbox.to(email)[-1]["Subject"] == "Votre mot de passe Clauses"
    path = local_path(mailbox.link_to(email))
    with TestClient(app) as client:
        assert set_password_by_link(client, path, NEW_PASSWORD) == 303
        assert client.get("/dossiers").status_code == 200  # signed in
        assert client.get(path).status_code == 404
    assert can_sign_in(app, email, NEW_PASSWORD)
    assert not can_sign_in(app, email, "premier mot de passe")


def test_a_reset_link_expires_and_only_the_last_one_opens(
    app: FastAPI, mailbox: smtp.Mailbox
) -> None:
    people = people_of(app)
    with new_session(app.state.ctx.engine) as session:
        user = accounts.get_user(session, people.acheteur.id)
        assert user is not None
        first = accounts.new_password_link(
            session, user, purpose=accounts.RESET_PURPOSE, valid=dt.timedelta(hours=1)
        )
        second = accounts.new_password_link(
            session, user, purpose=accounts.RESET_PURPOSE, valid=dt.timedelta(hours=1)
        )
        late = accounts.new_password_link(
            session, user, purpose=accounts.RESET_PURPOSE, valid=dt.timedelta(seconds=-1)
        )
    with TestClient(app) as client:
        for token in (first, second, late):
            assert client.get(f"/mot-de-passe/{token}").status_code == 404


def test_too_many_reset_requests_for_one_address_are_refused(
    app: FastAPI, mailbox: smtp.Mailbox
) -> None:
    email = fresh_address()
    statuses = []
    with TestClient(app) as client:
        browser = Browser(client, None)
        browser.get("/mot-de-passe-oublie")
        for _ in range(4):
            statuses.append(browser.post("/mot-de-passe-oublie", {"email": email}).status_code)
    assert statuses == [200, 200, 200, 429]


def test_a_deactivated_member_loses_access_at_its_next_request(
    app: FastAPI, mailbox: smtp.Mailbox
) -> None:
    email = fresh_address()
    admin_invites(app, email, "acheteur")
    with TestClient(app) as member:
        assert set_password_by_link(member, local_path(mailbox.link_to(email)), NEW_PASSWORD) == 303
        assert member.get("/dossiers").status_code == 200
        user, _ = membership(app, email)
        with TestClient(app) as client:
            admin = Browser(client, "admin")
            page = admin.get("/organisation")
            assert email in text_of(page.text)
            done = admin.post(f"/organisation/membres/{user.id}/desactiver")
            assert done.status_code == 303
            assert "désactivé" in text_of(admin.get("/organisation").text)
        refused = member.get("/dossiers", follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/connexion")
    assert not can_sign_in(app, email, NEW_PASSWORD)
    # Nor a reset by e-mail while it is deactivated.
    before = len(mailbox.to(email))
    with TestClient(app) as client:
        browser = Browser(client, None)
        browser.get("/mot-de-passe-oublie")
        assert browser.post("/mot-de-passe-oublie", {"email": email}).status_code == 200
    assert len(mailbox.to(email)) == before
    with TestClient(app) as client:
        admin = Browser(client, "admin")
        admin.get("/organisation")
        assert admin.post(f"/organisation/membres/{user.id}/reactiver").status_code == 303
    assert can_sign_in(app, email, NEW_PASSWORD)
    assert actions(app, "membre_desactive", email) == 1
    assert actions(app, "membre_reactive", email) == 1


def test_a_role_change_ends_the_members_sessions(app: FastAPI, mailbox: smtp.Mailbox) -> None:
    email = fresh_address()
    admin_invites(app, email, "acheteur")
    with TestClient(app) as member:
        assert set_password_by_link(member, local_path(mailbox.link_to(email)), NEW_PASSWORD) == 303
        assert member.get("/rapports/spaser").status_code == 403
        user, _ = membership(app, email)
        with TestClient(app) as client:
            admin = Browser(client, "admin")
            admin.get("/organisation")
            changed = admin.post(f"/organisation/membres/{user.id}/role", {"role": "referent"})
            assert changed.status_code == 303
        ended = member.get("/rapports/spaser", follow_redirects=False)
        assert ended.status_code == 303 and ended.headers["location"].startswith("/connexion")
        sign_in_by_form(member, email, NEW_PASSWORD)
        assert member.get("/rapports/spaser").status_code == 200
    assert membership(app, email)[1].role == Role.referent
    with new_session(app.state.ctx.engine) as session:
        row = session.exec(
            select(AuditEvent).where(AuditEvent.action == "role_change", AuditEvent.field == email)
        ).one()
        assert (row.old, row.new, row.actor) == ("acheteur", "referent", "admin@region.test")


def test_the_last_admin_can_neither_leave_nor_be_demoted(app: FastAPI) -> None:
    people = people_of(app)
    with TestClient(app) as client:
        admin = Browser(client, "admin")
        admin.get("/organisation")
        demoted = admin.post(f"/organisation/membres/{people.admin.id}/role", {"role": "acheteur"})
        assert demoted.status_code == 422
        assert "au moins un administrateur actif" in text_of(demoted.text)
        left = admin.post(f"/organisation/membres/{people.admin.id}/desactiver")
        assert left.status_code == 422
        assert client.get("/organisation").status_code == 200  # still signed in, still admin
    _, member = membership(app, "admin@region.test")
    assert member.role == Role.admin
    with new_session(app.state.ctx.engine) as session:
        user = accounts.get_user(session, people.admin.id)
        assert user is not None and user.deactivated_at is None


def test_with_a_second_admin_the_first_may_step_down(app: FastAPI, mailbox: smtp.Mailbox) -> None:
    email = fresh_address()
    admin_invites(app, email, "admin")
    with TestClient(app) as second:
        assert set_password_by_link(second, local_path(mailbox.link_to(email)), NEW_PASSWORD) == 303
        browser = Browser(second, None)
        browser.get("/organisation")
        # The new admin steps down: there is another admin, so it may; its session ends.
        user, _ = membership(app, email)
        stepped = browser.post(f"/organisation/membres/{user.id}/role", {"role": "acheteur"})
        assert stepped.status_code == 303 and stepped.headers["location"] == "/connexion"
        assert second.get("/organisation", follow_redirects=False).status_code == 303
    assert membership(app, email)[1].role == Role.acheteur


def test_an_admin_acts_on_the_members_of_its_organisation_only(app: FastAPI) -> None:
    with new_session(app.state.ctx.engine) as session:
        outsider = accounts.user_by_email(session, "admin@autre.test") or accounts.add_user(
            session,
            email="admin@autre.test",
            organisation="Autre Région",
            role=Role.admin,
            password=NEW_PASSWORD,
        )
    people = people_of(app)
    with TestClient(app) as client:
        browser = Browser(client, outsider)  # type: ignore[arg-type]
        browser.get("/organisation")
        for action in ("desactiver", "reactiver", "lien"):
            response = browser.post(f"/organisation/membres/{people.acheteur.id}/{action}")
            assert response.status_code == 404
        assert (
            browser.post(
                f"/organisation/membres/{people.acheteur.id}/role", {"role": "admin"}
            ).status_code
            == 404
        )
        assert "acheteur@region.test" not in browser.get("/organisation").text
    _, member = membership(app, "acheteur@region.test")
    assert member.role == Role.acheteur


def test_without_a_mail_server_the_admin_is_shown_the_link(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("sans-smtp")
    with database("sqlite", folder) as url:
        app = create_app(
            Settings(database_url=url, data_dir=folder, secret_key="secret de test")  # type: ignore[arg-type]
        )
        try:
            email = fresh_address()
            with TestClient(app) as client:
                admin = Browser(client, "admin")
                admin.get("/organisation")
                shown = admin.post(
                    "/organisation/invitations", {"email": email, "role": "acheteur"}
                )
                assert shown.status_code == 200
                said = text_of(shown.text)
                assert f"Lien à transmettre à {email}" in said
                assert "aucun serveur SMTP n’est configuré" in said
                link = shown.text.split('id="passed-on-link" value="', 1)[1].split('"', 1)[0]
            with TestClient(app) as client:
                assert set_password_by_link(client, local_path(link), NEW_PASSWORD) == 303
            assert can_sign_in(app, email, NEW_PASSWORD)
            with TestClient(app) as client:
                browser = Browser(client, None)
                browser.get("/mot-de-passe-oublie")
                answer = text_of(browser.post("/mot-de-passe-oublie", {"email": email}).text)
                assert "Ce service n’envoie pas de courriel" in answer
        finally:
            app.state.ctx.engine.dispose()


def test_a_refused_mail_server_falls_back_to_the_link(app: FastAPI, mailbox: smtp.Mailbox) -> None:
    settings = app.state.ctx.settings
    saved = settings.smtp_password
    settings.smtp_password = SecretStr("mauvais")  # the server refuses the login
    try:
        email = fresh_address()
        with TestClient(app) as client:
            admin = Browser(client, "admin")
            admin.get("/organisation")
            shown = admin.post("/organisation/invitations", {"email": email, "role": "acheteur"})
        assert shown.status_code == 200
        said = text_of(shown.text)
        assert "L’envoi du courriel a échoué" in said and f"Lien à transmettre à {email}" in said
        assert mailbox.to(email) == []
    finally:
        settings.smtp_password = saved


def test_two_admins_removing_each_other_at_once_leave_one(
    app: FastAPI, mailbox: smtp.Mailbox
) -> None:
    """The last-admin rule holds under concurrency: of two admins deactivating each other at
    once (the test organisation's admin and a new one), one only succeeds."""
    email = fresh_address()
    admin_invites(app, email, "admin")
    with TestClient(app) as client:
        assert set_password_by_link(client, local_path(mailbox.link_to(email)), NEW_PASSWORD) == 303
    second, _ = membership(app, email)
    first = people_of(app).admin
    with TestClient(app) as one, TestClient(app) as other:
        by_first = Browser(one, "admin")
        by_first.get("/organisation")
        sign_in_by_form(other, email, NEW_PASSWORD)
        by_second = Browser(other, None)
        by_second.get("/organisation")
        start = threading.Barrier(2)

        def remove(browser: Browser, target: uuid.UUID) -> str:
            start.wait()
            response = browser.post(f"/organisation/membres/{target}/desactiver")
            if response.status_code != 303:
                return str(response.status_code)
            return "signed out" if "/connexion" in response.headers["location"] else "done"

        with ThreadPoolExecutor(2) as pool:
            results = list(
                pool.map(lambda job: remove(*job), [(by_first, second.id), (by_second, first.id)])
            )
    # One deactivation is done; the other is refused as the last admin's (422) or, when the
    # first landed before its request was read, its author is already out (sent to sign in).
    assert results.count("done") == 1, results
    assert next(r for r in results if r != "done") in {"422", "signed out"}, results
    with new_session(app.state.ctx.engine) as session:
        organisation = accounts.membership_of(session, first.id)
        assert organisation is not None
        assert accounts.active_admins(session, organisation.organisation_id) == 1
        # Put the test organisation back as it was: its admin active, the new admin gone.
        for user_id in (first.id, second.id):
            user = accounts.get_user(session, user_id)
            assert user is not None
            if user_id == first.id:
                accounts.reactivate(session, user)
            else:
                accounts.delete_account(session, user)


def test_mail_goes_over_starttls_checked_against_the_configured_authority(
    tmp_path: Path,
) -> None:
    """STARTTLS with the server's certificate checked (against ``smtp_ca_file``), then the
    login: the message arrives. Without that authority the certificate is refused and nothing
    is sent."""
    tls = smtp.self_signed(tmp_path)
    with smtp.smtp_server(tls) as box:
        settings = Settings(
            smtp_host=box.host,
            smtp_port=box.port,
            smtp_username=smtp.USERNAME,
            smtp_password=smtp.PASSWORD,  # type: ignore[arg-type]
            smtp_sender="clauses@region.test",
            smtp_ca_file=tls[0],
        )
        assert settings.smtp_starttls  # the default
        assert mail.send(settings, "tls@region.test", "Essai", "Par STARTTLS.")
        assert [m["Subject"] for m in box.to("tls@region.test")] == ["Essai"]
        assert box.logins == [smtp.USERNAME]
        unchecked = settings.model_copy(update={"smtp_ca_file": None})
        assert not mail.send(unchecked, "refus@region.test", "Essai", "Certificat inconnu.")
        plain = settings.model_copy(update={"smtp_starttls": False})
        assert not mail.send(plain, "clair@region.test", "Essai", "Sans TLS.")
        assert box.to("refus@region.test") == [] and box.to("clair@region.test") == []
