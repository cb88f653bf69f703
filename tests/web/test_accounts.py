"""Sign-in, sign-out, session expiry and rotation, the rate limit of failed sign-ins, the setup
link, the audit trail, quotas, the account's deletion and the privacy page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from clauses.store import accounts, crud
from clauses.store.db import new_session
from clauses.store.models import AuditEvent, Dossier, Role, utcnow
from clauses.web import sessions
from clauses.web.app import create_app
from clauses.web.logs import NoQueryString
from clauses.web.settings import Settings
from tests.web.conftest import (
    PASSWORD,
    QUICK_HASHER,
    TOKEN_RE,
    Browser,
    people_of,
    sign_in,
    text_of,
)


def form_token(client: TestClient, url: str = "/connexion") -> str:
    match = TOKEN_RE.search(client.get(url).text)
    assert match is not None
    return match.group(1)


def post_sign_in(client: TestClient, email: str, password: str, **extra: str) -> object:
    data = {"csrf_token": form_token(client), "email": email, "password": password, **extra}
    return client.post("/connexion", data=data, follow_redirects=False)


def new_account(app: FastAPI, email: str, role: Role = Role.acheteur) -> None:
    with new_session(app.state.ctx.engine) as session:
        accounts.add_user(
            session,
            email=email,
            organisation="Région Test",
            role=role,
            password=PASSWORD,
            hasher=QUICK_HASHER,
        )


def events(app: FastAPI, action: str) -> list[AuditEvent]:
    with new_session(app.state.ctx.engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_sign_in_opens_a_new_session_and_goes_back_to_the_page_asked(app: FastAPI) -> None:
    new_account(app, "signe@region.test")
    with TestClient(app) as client:
        asked = client.get("/dossiers", follow_redirects=False)
        assert asked.status_code == 303
        assert asked.headers["location"] == "/connexion?suivant=/dossiers"
        anonymous_token = form_token(client)
        response = post_sign_in(client, "Signe@Region.test ", PASSWORD, suivant="/dossiers")
        assert response.status_code == 303
        assert response.headers["location"] == "/dossiers"
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
        assert client.get("/dossiers").status_code == 200
        # Rotation: the session has its own CSRF token, not the one shown before sign-in.
        assert form_token(client, "/") != anonymous_token
        refused = client.post("/dossiers", data={"csrf_token": anonymous_token})
        assert refused.status_code == 403
    assert any(e.actor == "signe@region.test" for e in events(app, "connexion"))


def test_sign_in_never_goes_to_another_site(app: FastAPI) -> None:
    new_account(app, "ailleurs@region.test")
    with TestClient(app) as client:
        for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
            response = post_sign_in(client, "ailleurs@region.test", PASSWORD, suivant=target)
            assert response.headers["location"] == "/", target


def test_a_wrong_password_is_refused_in_french_and_logged_without_it(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    people_of(app)
    with TestClient(app) as client, caplog.at_level(logging.DEBUG):
        response = post_sign_in(client, "acheteur@region.test", "mauvais secret 42")
        assert response.status_code == 422
        assert "Adresse électronique ou mot de passe incorrect." in text_of(response.text)
        assert 'value="acheteur@region.test"' in response.text
        assert "mauvais secret 42" not in response.text
    refused = [e for e in events(app, "connexion_refusee") if e.actor == "acheteur@region.test"]
    assert refused
    assert all("mauvais secret" not in f"{e.old}{e.new}{e.field}" for e in refused)
    assert "mauvais secret 42" not in caplog.text


def test_sign_out_ends_every_session_of_the_account(app: FastAPI) -> None:
    new_account(app, "sortie@region.test")
    with TestClient(app) as first, TestClient(app) as second:
        for client in (first, second):
            post_sign_in(client, "sortie@region.test", PASSWORD)
        assert second.get("/dossiers").status_code == 200
        out = first.post(
            "/deconnexion", data={"csrf_token": form_token(first, "/")}, follow_redirects=False
        )
        assert out.status_code == 303
        assert "Max-Age=0" in out.headers["set-cookie"]
        assert first.get("/dossiers", follow_redirects=False).status_code == 303
        # The other browser's session ends when it is next checked (at most a minute later).
        ctx = app.state.ctx
        name = sessions.cookie_name(False)
        principal = sessions.decode(ctx.secret, second.cookies[name])
        assert principal is not None
        old = dataclasses.replace(principal, checked=time.time() - 2 * sessions.REFRESH_SECONDS)
        second.cookies.delete(name)
        second.cookies.set(name, sessions.encode(ctx.secret, old))
        assert second.get("/dossiers", follow_redirects=False).status_code == 303
    assert events(app, "deconnexion")


@pytest.mark.parametrize("late", ["idle", "absolute"])
def test_sessions_expire(app: FastAPI, settings: Settings, late: str) -> None:
    with TestClient(app) as client:
        sign_in(client)
        ctx = app.state.ctx
        name = sessions.cookie_name(False)
        principal = sessions.decode(ctx.secret, client.cookies[name])
        assert principal is not None
        now = time.time()
        if late == "idle":
            stale = dataclasses.replace(
                principal, seen=now - settings.session_idle_minutes * 60 - 1, checked=now
            )
        else:
            stale = dataclasses.replace(
                principal, started=now - settings.session_hours * 3600 - 1, seen=now, checked=now
            )
        client.cookies.delete(name)
        client.cookies.set(name, sessions.encode(ctx.secret, stale))
        response = client.get("/dossiers", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/connexion")
        assert "Max-Age=0" in response.headers["set-cookie"]


def test_a_forged_or_altered_session_cookie_is_anonymous(app: FastAPI) -> None:
    with TestClient(app) as client:
        account = sign_in(client, "acheteur")
        name = sessions.cookie_name(False)
        payload, signature = client.cookies[name].split(".")
        principal = sessions.decode("autre secret", client.cookies[name])
        assert principal is None
        forged = sessions.encode(
            "autre secret", sessions.new_principal(account.id, "x", "x", None, Role.admin, 0)
        )
        for value in (forged, f"{payload}.{signature[:-2]}xx", "n'importe quoi"):
            client.cookies.delete(name)
            client.cookies.set(name, value)
            assert client.get("/dossiers", follow_redirects=False).status_code == 303


def test_a_session_costs_no_database_query_between_checks(app: FastAPI) -> None:
    """The signed cookie serves: reading it makes no query; revalidating (once a minute) does."""
    ctx = app.state.ctx
    principal = None
    with TestClient(app) as client:
        sign_in(client)
        name = sessions.cookie_name(False)
        principal = sessions.decode(ctx.secret, client.cookies[name])
    assert principal is not None
    calls: list[object] = []
    original = sessions.revalidated

    def counting(engine: object, who: sessions.Principal) -> sessions.Principal | None:
        calls.append(who)
        return original(engine, who)  # type: ignore[arg-type]

    sessions.revalidated = counting  # type: ignore[assignment]
    try:
        with TestClient(app) as client:
            client.cookies.delete(name)
            client.cookies.set(name, sessions.encode(ctx.secret, principal))
            for _ in range(3):
                assert client.get("/robots.txt").status_code == 200
                assert client.get("/").status_code == 200
            assert calls == []
            old = dataclasses.replace(principal, checked=time.time() - 120)
            client.cookies.delete(name)
            client.cookies.set(name, sessions.encode(ctx.secret, old))
            response = client.get("/")
            assert response.status_code == 200
            assert len(calls) == 1
            issued = response.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
            refreshed = sessions.decode(ctx.secret, issued)
            assert refreshed is not None and refreshed.checked > old.checked
    finally:
        sessions.revalidated = original  # type: ignore[assignment]


def test_secure_cookies_behind_https(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"secure_cookies": True}))
    people_of(app)
    with TestClient(app, base_url="https://testserver") as client:
        response = post_sign_in(client, "acheteur@region.test", PASSWORD)
        cookie = response.headers["set-cookie"]  # type: ignore[attr-defined]
        assert cookie.startswith("__Host-clauses_session=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    app.state.ctx.engine.dispose()


def test_another_origin_is_refused(browser: Browser) -> None:
    refused = browser.post("/dossiers", {"title": "x"}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    same = browser.post("/dossiers", {"title": "x"}, headers={"Origin": "http://testserver"})
    assert same.status_code == 303


def test_failed_sign_ins_are_limited_with_a_french_429(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"sign_in_attempts": 3}))
    people_of(app)
    with TestClient(app) as client:
        for _ in range(3):
            assert post_sign_in(client, "referent@region.test", "faux").status_code == 422  # type: ignore[attr-defined]
        blocked = post_sign_in(client, "referent@region.test", PASSWORD)
        assert blocked.status_code == 429  # type: ignore[attr-defined]
        assert "Trop de tentatives de connexion" in text_of(blocked.text)  # type: ignore[attr-defined]
        assert blocked.headers["retry-after"] == "60"  # type: ignore[attr-defined]
        # Another account is not blocked by these failures.
        assert post_sign_in(client, "acheteur@region.test", PASSWORD).status_code == 303  # type: ignore[attr-defined]
    assert events(app, "connexion_bloquee")
    app.state.ctx.engine.dispose()


def test_the_setup_link_makes_the_first_admin_once(settings: Settings, tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/neuve.db"
    from clauses.store.db import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    with new_session(engine) as session:
        # A dossier made before accounts existed (as migration 0002 leaves it: no organisation).
        crud.create_dossier(session=session, dossier_in=crud.DossierCreate(title="Ancien"))
        token = accounts.new_setup_token(session)
    app = create_app(settings.model_copy(update={"database_url": url}))
    with TestClient(app) as client:
        assert client.get("/installation/faux").status_code == 404
        page = client.get(f"/installation/{token}")
        assert page.status_code == 200
        assert "Aucun compte n’existe encore" in text_of(client.get("/connexion").text)
        data = {
            "csrf_token": form_token(client, f"/installation/{token}"),
            "organisation": "Région Neuve",
            "siret": "23350001600040",
            "email": "admin@neuve.test",
            "password": "court",
            "password_confirm": "court",
        }
        short = client.post(f"/installation/{token}", data=data)
        assert short.status_code == 422
        assert "Mot de passe trop court" in text_of(short.text)
        data |= {"password": PASSWORD, "password_confirm": PASSWORD}
        made = client.post(f"/installation/{token}", data=data, follow_redirects=False)
        assert made.status_code == 303
        assert client.get("/compte").status_code == 200
        assert "Région Neuve" in text_of(client.get("/compte").text)
        assert client.get(f"/installation/{token}").status_code == 404  # used
    with new_session(engine) as session:
        admin = accounts.user_by_email(session, "admin@neuve.test")
        assert admin is not None
        membership = accounts.membership_of(session, admin.id)
        assert membership is not None and membership.role == Role.admin
    app.state.ctx.engine.dispose()
    engine.dispose()


def test_the_audit_trail_says_who_changed_which_field(app: FastAPI, browser: Browser) -> None:
    dossier = browser.new_dossier("Suivi")
    browser.answer(dossier, "marche", title="Entretien des lycées", duration_months="24")
    browser.answer(dossier, "marche", title="Entretien des lycées", duration_months="36")
    browser.post(f"/dossiers/{dossier}/renommer", {"version": "3", "title": "Suivi renommé"})
    page = browser.get(f"/dossiers/{dossier}/historique")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "acheteur@region.test" in text
    assert "Intitulé Suivi Suivi renommé" in text
    assert re.search(r"Durée[^<]*24 36", text.replace("\u00a0", " ")), text
    with TestClient(app) as client:
        sign_in(client, "other")
        assert client.get(f"/dossiers/{dossier}/historique").status_code == 404
    review = browser.get(f"/dossiers/{dossier}").text
    assert f'href="/dossiers/{dossier}/historique"' in review


def test_quotas_of_the_organisation(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_dossiers": 2}))
    people = people_of(app)
    with new_session(app.state.ctx.engine) as session:
        membership = accounts.membership_of(session, people.admin.id)
        assert membership is not None
        crud.create_dossier(  # « Région Test » stores something, whichever tests ran before
            session=session,
            dossier_in=crud.DossierCreate(title="Déjà là"),
            organisation_id=membership.organisation_id,
        )
        used = accounts.usage(session, membership.organisation_id).dossiers
    with TestClient(app) as client:
        browser = Browser(client, "other")  # « Autre Région »: its own quota
        first = browser.new_dossier("Un")
        browser.new_dossier("Deux")
        refused = browser.post("/dossiers", {"title": "Trois"})
        assert refused.status_code == 403
        assert "quota de 2 dossiers" in text_of(refused.text)
        assert browser.post(f"/dossiers/{first}/dupliquer").status_code == 403
    bytes_app = create_app(settings.model_copy(update={"max_stored_bytes": 1}))
    with TestClient(bytes_app) as client:
        browser = Browser(client, "referent")
        refused = browser.post("/dossiers", {"title": "Encore"})
        assert used > 0 and refused.status_code == 403
        assert "quota d’espace" in text_of(refused.text)
    for each in (app, bytes_app):
        each.state.ctx.engine.dispose()


def test_duplicates_are_bounded_per_minute(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"heavy_per_minute": 2}))
    with TestClient(app) as client:
        browser = Browser(client, "admin")
        dossier = browser.new_dossier("Original")
        assert browser.post(f"/dossiers/{dossier}/dupliquer").status_code == 303
        assert browser.post(f"/dossiers/{dossier}/dupliquer").status_code == 303
        third = browser.post(f"/dossiers/{dossier}/dupliquer")
        assert third.status_code == 429
        assert "Patientez une minute" in text_of(third.text)
    app.state.ctx.engine.dispose()


def test_an_account_can_be_deleted_its_dossiers_stay(app: FastAPI) -> None:
    new_account(app, "partant@region.test")
    with TestClient(app) as client:
        post_sign_in(client, "partant@region.test", PASSWORD)
        browser = Browser(client, None)
        dossier = browser.new_dossier("Laissé à l’organisation")
        wrong = browser.post("/compte/supprimer", {"password": "faux"})
        assert wrong.status_code == 422
        gone = browser.post("/compte/supprimer", {"password": PASSWORD})
        assert gone.status_code == 303
        assert client.get("/compte", follow_redirects=False).status_code == 303
        assert post_sign_in(client, "partant@region.test", PASSWORD).status_code == 422  # type: ignore[attr-defined]
    with new_session(app.state.ctx.engine) as session:
        kept = session.get(Dossier, uuid.UUID(dossier))
        assert kept is not None and kept.author_id is None and kept.organisation_id is not None
        assert accounts.user_by_email(session, "partant@region.test") is None
        trail = session.exec(select(AuditEvent).where(AuditEvent.actor == "partant@region.test"))
        # Only the sign-in tried after the deletion names the address (as any refusal does).
        assert [e.action for e in trail.all()] == ["connexion_refusee"]
    with TestClient(app) as client:
        sign_in(client, "referent")
        assert client.get(f"/dossiers/{dossier}").status_code == 200


def test_my_account_asked_without_a_session_goes_to_sign_in_and_back(app: FastAPI) -> None:
    """« Mon compte » and its forms, signed out: the sign-in page, then back to « Mon compte »;
    asked by htmx, the same place through HX-Redirect (a 303 would be followed inside the page),
    as every route that needs a session answers."""
    with TestClient(app) as client:
        token = {"csrf_token": form_token(client)}
        for plain in (
            client.get("/compte", follow_redirects=False),
            client.post("/compte/mot-de-passe", data=token, follow_redirects=False),
            client.post("/compte/supprimer", data=token, follow_redirects=False),
        ):
            assert plain.status_code == 303, plain.request.url
            assert plain.headers["location"] == "/connexion?suivant=/compte"
        asked = client.get("/compte", headers={"HX-Request": "true"}, follow_redirects=False)
        assert asked.status_code == 200
        assert asked.headers["HX-Redirect"] == "/connexion?suivant=/compte"


def test_the_privacy_page_says_what_is_kept_and_how_long(api: TestClient) -> None:
    page = api.get("/confidentialite")
    assert page.status_code == 200
    text = text_of(page.text)
    for kept in ("Adresse électronique", "Argon2id", "Historique", "Journal des connexions"):
        assert kept in text
    assert "12 heures" in text.replace("\u00a0", " ")


def test_access_logs_keep_no_query_string_nor_token() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/fiches?q=lycée&secret=1", "1.1", 200),
        None,
    )
    NoQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /fiches HTTP/1.1" 200'
    record.args = ("127.0.0.1:5000", "GET", "/invitations/AbC-123?x=1", "1.1", 200)
    NoQueryString().filter(record)
    assert "AbC" not in record.getMessage() and "/invitations/…" in record.getMessage()


@pytest.fixture
def facilitator_dossier(app: FastAPI) -> Iterator[tuple[str, str]]:
    """A dossier of « Région Test » and an invitation link to it, made by its referent."""
    with TestClient(app) as client:
        referent = Browser(client, "referent")
        dossier = referent.new_dossier("Avec facilitateur")
        acheteur_refused = Browser(client, "acheteur").post(
            f"/dossiers/{dossier}/invitations", {"email": "guide@emploi.test"}
        )
        assert acheteur_refused.status_code == 403
        referent = Browser(client, "referent")
        page = referent.post(f"/dossiers/{dossier}/invitations", {"email": "guide@emploi.test"})
        assert page.status_code == 200
        link = re.search(r"http://testserver(/invitations/[\w-]+)", page.text)
        assert link is not None, page.text
        yield dossier, link.group(1)


def test_an_invited_facilitator_reads_and_comments_but_cannot_delete(
    app: FastAPI, facilitator_dossier: tuple[str, str]
) -> None:
    dossier, link = facilitator_dossier
    with TestClient(app) as client:
        page = client.get(link)
        assert page.status_code == 200
        assert "guide@emploi.test" in text_of(page.text)
        browser = Browser(client, None)
        browser.get(link)
        made = browser.post(link, {"password": PASSWORD, "password_confirm": PASSWORD})
        assert made.status_code == 303
        assert made.headers["location"] == f"/dossiers/{dossier}"
        review = browser.get(f"/dossiers/{dossier}")
        assert review.status_code == 200
        assert "Supprimer" not in text_of(review.text)
        commented = browser.post(
            f"/dossiers/{dossier}/commentaires", {"step": "heures", "text": "Prévoir 5 %."}
        )
        assert commented.status_code == 303
        assert "Prévoir 5 %." in text_of(browser.get(f"/dossiers/{dossier}/commentaires").text)
        assert browser.post(f"/dossiers/{dossier}/supprimer", {"version": "1"}).status_code == 403
        step = browser.post(f"/dossiers/{dossier}/etapes/marche", {"version": "1", "title": "x"})
        assert step.status_code == 403
        assert browser.get(f"/dossiers/{dossier}/renommer").status_code == 403
        assert browser.get("/dossiers").status_code == 200
        assert browser.post("/dossiers", {"title": "x"}).status_code == 403  # creates nothing
        assert client.get(link).status_code == 404  # used once


def test_an_expired_invitation_is_refused(app: FastAPI) -> None:
    people = people_of(app)
    with new_session(app.state.ctx.engine) as session:
        membership = accounts.membership_of(session, people.referent.id)
        assert membership is not None
        dossier = crud.create_dossier(
            session=session,
            dossier_in=crud.DossierCreate(title="Vieux"),
            organisation_id=membership.organisation_id,
        )
        token = accounts.invite(
            session,
            dossier_id=dossier.id,
            email="tard@emploi.test",
            invited_by=people.referent.id,
            days=1,
        )
        invitation = accounts.open_invitation(session, token)
        assert invitation is not None
        invitation.expires_at = utcnow() - dt.timedelta(minutes=1)
        session.add(invitation)
        session.commit()
    with TestClient(app) as client:
        assert client.get(f"/invitations/{token}").status_code == 404
