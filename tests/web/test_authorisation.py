"""The authorisation matrix: every route of the app × every kind of visitor, and the status
each must get. A route added without its entry here fails :func:`test_every_route_is_in_the_matrix`.

Each route's right is read from the route itself (the :class:`~clauses.web.access.Guard` in its
signature, :func:`declared`), never from a list kept by hand: the statuses of the matrix must
agree with it (:func:`refused_by`), and a route of the dossiers, the team or the reports without
one fails :func:`test_every_private_route_declares_its_right`.

Visitors: anonymous, the acheteur of the dossier's organisation (not its author), the acheteur
of another organisation, a referent and an admin of the organisation, a facilitator invited to
the dossier. Each state-changing request is made on a dossier of its own.
"""

from __future__ import annotations

import datetime as dt
import types
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount

from clauses.decp import DecpSchema
from clauses.lifecycle import RULES
from clauses.store import accounts, crud
from clauses.store.db import new_session
from clauses.store.models import (
    DossierCreate,
    DossierGrant,
    GeneratedDocumentCreate,
    Role,
    Stage,
)
from clauses.web import access
from clauses.web.access import FACILITATOR_REFUSAL, FACILITATOR_RIGHTS, REFUSALS, Guard, Right
from clauses.web.app import create_app
from clauses.web.routes.dossiers import manage
from clauses.web.routes.dossiers.common import (
    GuardedRoute,
    OnDossier,
    Visit,
    dependency_of,
    dossier_router,
    guard_of,
)
from clauses.web.routes.dossiers.moves import MoveCheck
from clauses.web.settings import Settings
from tests.moves import move_to
from tests.web.conftest import Browser, People, people_of, sign_in, text_of
from tests.web.stages import AWARD_FORM, place_at, unique_id

VISITORS = (None, "acheteur", "other", "referent", "admin", "facilitator")
LOGIN = "login"  # 303 to the sign-in page
SCHEMA = DecpSchema.load()
OK_ALL = (200,) * 6


def row(
    anonymous: Any, acheteur: Any, other: Any, referent: Any, admin: Any, facilitator: Any
) -> tuple[Any, ...]:
    return (anonymous, acheteur, other, referent, admin, facilitator)


MEMBERS_READ = row(LOGIN, 200, 404, 200, 200, 200)
MEMBERS_ONLY_READ = row(LOGIN, 200, 404, 200, 200, 403)
MEMBERS_WRITE = row(LOGIN, 303, 404, 303, 303, 403)
REFERENT_READ = row(LOGIN, 403, 404, 200, 200, 403)
REFERENT_WRITE = row(LOGIN, 403, 404, 303, 303, 403)
FOLLOWUP_WRITE = row(LOGIN, 303, 404, 303, 303, 303)
ADMIN_READ = row(LOGIN, 403, 403, 403, 200, 404)
ADMIN_WRITE = row(LOGIN, 403, 403, 403, 303, 403)
REPORTS = row(LOGIN, 403, 403, 200, 200, 404)  # a facilitator is no member: not found
HOURS_LINE = {
    "lot": "1",
    "period_start": "2027-04-01",
    "period_end": "2027-06-30",
    "way": "direct_hiring",
    "hours": "35",
}

# (method, path) → (form data, expected statuses in the order of VISITORS)
MATRIX: dict[tuple[str, str], tuple[dict[str, str], tuple[Any, ...]]] = {
    ("GET", "/"): ({}, OK_ALL),
    ("GET", "/robots.txt"): ({}, OK_ALL),
    ("GET", "/openapi.json"): ({}, OK_ALL),
    ("GET", "/static"): ({}, OK_ALL),
    ("GET", "/connexion"): ({}, OK_ALL),
    ("POST", "/connexion"): ({"email": "x@region.test", "password": "faux"}, (422,) * 6),
    ("POST", "/deconnexion"): ({}, (LOGIN,) * 6),  # back to the sign-in page
    ("GET", "/connexion/oidc"): ({}, (404,) * 6),  # no provider configured
    ("GET", "/connexion/oidc/retour"): ({}, (404,) * 6),
    ("POST", "/connexion/oidc/relier"): ({"password": "faux"}, (404,) * 6),
    ("GET", "/deconnexion/oidc/retour"): ({}, (404,) * 6),
    ("GET", "/installation/{token}"): ({}, (404,) * 6),  # accounts exist
    ("POST", "/installation/{token}"): ({}, (404,) * 6),
    ("GET", "/compte"): ({}, row(LOGIN, 200, 200, 200, 200, 200)),
    ("POST", "/compte/supprimer"): ({"password": "faux"}, row(LOGIN, 422, 422, 422, 422, 422)),
    ("GET", "/confidentialite"): ({}, OK_ALL),
    ("GET", "/invitations/{token}"): ({}, OK_ALL),
    # Accepted by the invited address only (none of the visitors: 403; anonymous: no password).
    ("POST", "/invitations/{token}"): ({}, row(422, 403, 403, 403, 403, 403)),
    # The team (issue 23): the organisation's page is its admins' (a facilitator, member of
    # none, does not find it); each action on a member of its own, invited for the test.
    ("GET", "/organisation"): ({}, ADMIN_READ),
    # No mail server: the admin is shown the link to pass on (200).
    ("POST", "/organisation/invitations"): (
        {"email": "equipe@region.test", "role": "referent"},
        row(LOGIN, 403, 403, 403, 200, 403),
    ),
    ("POST", "/organisation/membres/{user_id}/role"): ({"role": "referent"}, ADMIN_WRITE),
    ("POST", "/organisation/membres/{user_id}/desactiver"): ({}, ADMIN_WRITE),
    ("POST", "/organisation/membres/{user_id}/reactiver"): ({}, ADMIN_WRITE),
    ("POST", "/organisation/membres/{user_id}/lien"): ({}, row(LOGIN, 403, 403, 403, 200, 403)),
    # « Mot de passe oublié »: the same answer for everyone, whatever the address.
    ("GET", "/mot-de-passe-oublie"): ({}, OK_ALL),
    ("POST", "/mot-de-passe-oublie"): ({"email": "x@region.test"}, OK_ALL),
    # A link that sets a password: the link is the proof (no password typed: 422).
    ("GET", "/mot-de-passe/{token}"): ({}, OK_ALL),
    ("POST", "/mot-de-passe/{token}"): ({}, (422,) * 6),
    ("POST", "/compte/mot-de-passe"): (
        {"current_password": "faux", "password": "x" * 12, "password_confirm": "x" * 12},
        row(LOGIN, 422, 422, 422, 422, 422),
    ),
    ("GET", "/dossiers"): ({}, row(LOGIN, 200, 200, 200, 200, 200)),
    ("POST", "/dossiers"): ({"title": "Nouveau"}, row(LOGIN, 303, 303, 303, 303, 403)),
    ("GET", "/dossiers/{dossier_id}"): ({}, MEMBERS_READ),
    ("GET", "/dossiers/{dossier_id}/renommer"): ({}, row(LOGIN, 200, 404, 200, 200, 403)),
    ("POST", "/dossiers/{dossier_id}/renommer"): ({"title": "Renommé"}, MEMBERS_WRITE),
    ("POST", "/dossiers/{dossier_id}/dupliquer"): ({}, MEMBERS_WRITE),
    ("POST", "/dossiers/{dossier_id}/archiver"): ({}, MEMBERS_WRITE),
    # The acheteur is not the author: deleting is the author's or a referent's.
    ("GET", "/dossiers/{dossier_id}/supprimer"): ({}, REFERENT_READ),
    ("POST", "/dossiers/{dossier_id}/supprimer"): ({}, row(LOGIN, 403, 404, 303, 303, 403)),
    ("GET", "/dossiers/{dossier_id}/etapes/{step_id}"): ({}, MEMBERS_READ),
    ("POST", "/dossiers/{dossier_id}/etapes/{step_id}"): ({"action": "save"}, MEMBERS_WRITE),
    ("GET", "/dossiers/{dossier_id}/documents"): ({}, MEMBERS_READ),
    # The dossier is incomplete: a member gets the 422 page saying what is missing.
    ("POST", "/dossiers/{dossier_id}/documents"): (
        {"sections": "summary"},
        row(LOGIN, 422, 404, 422, 422, 403),
    ),
    ("GET", "/dossiers/{dossier_id}/documents/{document_id}"): ({}, MEMBERS_READ),
    ("GET", "/dossiers/{dossier_id}/documents/{document_id}/conseil.json"): ({}, MEMBERS_READ),
    ("GET", "/dossiers/{dossier_id}/documents/{document_id}/strategie.json"): ({}, MEMBERS_READ),
    # The organisation's Word template is a setting: its admin's (no file sent: 422).
    ("POST", "/dossiers/{dossier_id}/documents/modele"): (
        {},
        row(LOGIN, 403, 404, 403, 422, 403),
    ),
    ("POST", "/dossiers/{dossier_id}/documents/modele/supprimer"): (
        {},
        row(LOGIN, 403, 404, 403, 303, 403),
    ),
    ("POST", "/dossiers/{dossier_id}/strategie"): ({}, MEMBERS_WRITE),
    ("GET", "/dossiers/{dossier_id}/historique"): ({}, MEMBERS_ONLY_READ),
    ("GET", "/dossiers/{dossier_id}/commentaires"): ({}, MEMBERS_READ),
    ("POST", "/dossiers/{dossier_id}/commentaires"): (
        {"step": "heures", "text": "Une remarque."},
        row(LOGIN, 303, 404, 303, 303, 303),
    ),
    ("GET", "/dossiers/{dossier_id}/invitations"): ({}, REFERENT_READ),
    ("POST", "/dossiers/{dossier_id}/invitations"): (
        {"email": "invite@emploi.test"},
        REFERENT_READ,
    ),
    # The dossier's life: each move on a dossier at the stage it starts from (STAGED).
    # The confirmations of « Publier » and « Clore » (issue 23): for those who may move.
    # (On an awarded dossier, as the reads of a move's path are: publishing is past, 422; closing
    # is the referent's, not yet, 422.)
    ("GET", "/dossiers/{dossier_id}/publier"): ({}, row(LOGIN, 422, 404, 422, 422, 403)),
    ("GET", "/dossiers/{dossier_id}/clore"): ({}, row(LOGIN, 422, 404, 422, 422, 403)),
    ("POST", "/dossiers/{dossier_id}/publier"): ({"publication_date": "2026-10-05"}, MEMBERS_WRITE),
    ("POST", "/dossiers/{dossier_id}/depublier"): ({}, REFERENT_WRITE),
    ("GET", "/dossiers/{dossier_id}/attribution"): ({}, row(LOGIN, 200, 404, 200, 200, 403)),
    ("POST", "/dossiers/{dossier_id}/attribution"): (AWARD_FORM, MEMBERS_WRITE),
    ("POST", "/dossiers/{dossier_id}/executer"): ({"date": "2026-11-24"}, MEMBERS_WRITE),
    ("POST", "/dossiers/{dossier_id}/clore"): ({"date": "2026-11-30"}, REFERENT_WRITE),
    ("POST", "/dossiers/{dossier_id}/rouvrir"): ({}, REFERENT_WRITE),
    ("GET", "/dossiers/{dossier_id}/decp.json"): ({}, MEMBERS_READ),
    # The follow-up of the hours (on a contract in execution): its buyers and its facilitator.
    ("GET", "/dossiers/{dossier_id}/suivi"): ({}, MEMBERS_READ),
    ("GET", "/dossiers/{dossier_id}/suivi/modele.csv"): ({}, MEMBERS_READ),
    ("GET", "/dossiers/{dossier_id}/suivi/rapport.docx"): ({}, MEMBERS_READ),
    ("POST", "/dossiers/{dossier_id}/suivi/heures"): (HOURS_LINE, FOLLOWUP_WRITE),
    ("POST", "/dossiers/{dossier_id}/suivi/non-imputable"): (
        {"ni-lot": "1", "ni-hours": "5", "ni-justification": "Chantier suspendu"},
        FOLLOWUP_WRITE,
    ),
    ("POST", "/dossiers/{dossier_id}/suivi/supprimer"): ({"entry": "0"}, FOLLOWUP_WRITE),
    # No file sent: the page says so (422).
    ("POST", "/dossiers/{dossier_id}/suivi/import"): ({}, row(LOGIN, 422, 404, 422, 422, 422)),
    # The amounts ordered of a framework agreement (issue 22): this contract is none.
    ("POST", "/dossiers/{dossier_id}/suivi/commandes"): ({}, row(LOGIN, 422, 404, 422, 422, 422)),
    # The organisation's reports: its referents and admins.
    ("GET", "/rapports/spaser"): ({}, REPORTS),
    ("GET", "/rapports/spaser.xlsx"): ({}, REPORTS),
    ("GET", "/rapports/spaser.docx"): ({}, REPORTS),
    ("GET", "/rapports/decp"): ({}, REPORTS),
    ("GET", "/rapports/decp.json"): ({}, row(LOGIN, 403, 403, 422, 422, 404)),  # no period
    ("GET", "/bibliotheque"): ({}, OK_ALL),
    ("GET", "/bibliotheque/{mechanism_id}"): ({}, OK_ALL),
    ("GET", "/fiches"): ({}, OK_ALL),
    ("GET", "/fiches/{practice_id}"): ({}, OK_ALL),
    # The stateless API stays open (an empty body is refused the same way for everyone).
    ("POST", "/api/v1/advice"): ({}, (422,) * 6),
    ("POST", "/api/v1/draft"): ({}, (422,) * 6),
    ("POST", "/api/v1/strategy"): ({}, (422,) * 6),
    ("POST", "/api/v1/decp"): ({}, (422,) * 6),
    ("GET", "/api/v1/mechanisms"): ({}, OK_ALL),
    ("GET", "/api/v1/practices"): ({}, OK_ALL),
    ("GET", "/healthz"): ({}, OK_ALL),
}


# The stage a route's dossier is placed at (the GET routes read the shared awarded dossier).
STAGED = {
    "/dossiers/{dossier_id}/publier": Stage.draft,
    "/dossiers/{dossier_id}/depublier": Stage.published,
    "/dossiers/{dossier_id}/attribution": Stage.published,
    "/dossiers/{dossier_id}/executer": Stage.awarded,
    "/dossiers/{dossier_id}/clore": Stage.in_execution,
    "/dossiers/{dossier_id}/rouvrir": Stage.closed,
    "/dossiers/{dossier_id}/decp.json": Stage.awarded,
}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.route, Mount):
            found.add(("GET", context.path))
            continue
        for method in context.methods or ():
            if method != "HEAD":
                found.add((method, context.path))
    return found


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    routes = app_routes(app)
    assert routes - set(MATRIX) == set(), "routes without an entry in the matrix"
    assert set(MATRIX) - routes == set(), "entries of the matrix for routes that are gone"


@dataclass(frozen=True)
class Declared:
    """What a route declares it needs, read from the route: its guard (right, and for a route on
    the organisation the least role), and for a move its rule (the least role that makes it)."""

    guard: Guard
    move: MoveCheck | None = None


def declared(route: BaseRoute) -> Declared | None:
    """The route's right, from the route: the guard among its dependencies (FastAPI's routes),
    or the one a plain route runs first (the step save)."""
    if isinstance(route, GuardedRoute):
        return Declared(route.guard)
    if isinstance(route, APIRoute):
        guard = guard_of(route.dependant)
        return None if guard is None else Declared(guard, dependency_of(route.dependant, MoveCheck))
    return None


def declared_rights(app: FastAPI) -> dict[tuple[str, str], Declared | None]:
    found = {}
    for context in iter_route_contexts(app.routes):
        for method in context.methods or ():
            if method != "HEAD":
                found[(method, context.path)] = declared(context.route)
    return found


# What a right lets each visitor do, whatever the route's name: the acheteur is a member of the
# dossier's organisation who is not its author, « other » an acheteur of another organisation.
ABOVE_ACHETEUR = {Right.delete, Right.invite, Right.settings}


def refused_by(rights: Declared) -> dict[str, int]:
    """The visitors the declared right turns away before the route does anything, and with what
    (403: refused, saying who can; 404: not found)."""
    guard, move = rights.guard, rights.move
    refused: dict[str, int] = {}
    if guard.right not in FACILITATOR_RIGHTS:
        refused["facilitator"] = 403
    elif guard.role is not None:
        refused["facilitator"] = 404  # no member: the organisation's pages are not found
    if guard.role is not None:  # the organisation's: whoever has a lesser role
        refused["acheteur"] = refused["other"] = 403
        if guard.role is Role.admin:
            refused["referent"] = 403
    if guard.right in ABOVE_ACHETEUR:
        refused["acheteur"] = 403
    if guard.right is Right.settings:
        refused["referent"] = 403
    if move is not None and RULES[move.move].role is not Role.acheteur:
        refused["acheteur"] = 403
    return refused


def test_every_private_route_declares_its_right(app: FastAPI) -> None:
    """Deny by default: each route of the dossiers, the team and the reports states its right in
    its signature (the dossier routers refuse a route without one when it is registered)."""
    private = ("/dossiers", "/organisation", "/rapports")
    missing = [
        key
        for key, rights in declared_rights(app).items()
        if key[1].startswith(private) and rights is None
    ]
    assert missing == []
    assert not hasattr(access, "RIGHTS"), "no right looked up by the route function's name"


def guards_in(dependant: Dependant) -> set[Guard]:
    """Every guard among a route's dependencies, however deep."""
    found: set[Guard] = set()
    for sub in dependant.dependencies:
        if isinstance(sub.call, Guard):
            found.add(sub.call)
        found |= guards_in(sub)
    return found


def test_each_route_states_one_right(app: FastAPI) -> None:
    """A dossier route's right is written once, in its visit (``OnDossier``): no other
    dependency of a route names a second right that could disagree with the first."""
    several = {
        context.path: guards_in(context.route.dependant)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.route, APIRoute) and len(guards_in(context.route.dependant)) > 1
    }
    assert several == {}
    router = dossier_router()

    def disagreeing(
        visit: Annotated[Visit, OnDossier(Right.read)],
        needed: Annotated[access.Access, access.Needs(Right.edit)],
    ) -> None:
        raise AssertionError("never called")

    router.add_api_route("/{dossier_id}/deux-droits", disagreeing, methods=["POST"])
    route = router.routes[-1]
    assert isinstance(route, APIRoute)
    assert guards_in(route.dependant) == {Guard(Right.read), Guard(Right.edit)}


def test_a_dossier_route_without_its_right_is_refused_when_registered() -> None:
    router = dossier_router()

    def forgotten(dossier_id: uuid.UUID) -> None:
        raise AssertionError("never registered")

    with pytest.raises(TypeError, match="declares no right"):
        router.add_api_route("/{dossier_id}/oubli", forgotten, methods=["POST"])


def renamed(function: Any, name: str) -> Any:
    """The same route function under another name (same code, same signature)."""
    copy = types.FunctionType(
        function.__code__, function.__globals__, name, function.__defaults__, function.__closure__
    )
    copy.__annotations__ = dict(function.__annotations__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = name
    return copy


def test_renaming_a_route_function_cannot_change_its_right(settings: Settings) -> None:
    """The dossier's deletion, registered again under the names that once carried another right
    (« comment »: members and facilitators; « publish_dossier »: none, so editing): its right
    is still the deletion's, and so are its refusals."""
    fresh = create_app(settings)
    router = dossier_router()
    for name in ("comment", "publish_dossier"):
        router.add_api_route(
            f"/{{dossier_id}}/supprimer-{name}", renamed(manage.delete, name), methods=["POST"]
        )
    fresh.include_router(router)
    for name in ("comment", "publish_dossier"):
        route = next(
            c.route for c in iter_route_contexts(fresh.routes) if c.path.endswith(f"-{name}")
        )
        assert isinstance(route, APIRoute) and route.name == name
        assert declared(route) == Declared(Guard(Right.delete))
    people = people_of(fresh)
    with new_session(fresh.state.ctx.engine) as session:
        organisation = accounts.membership_of(session, people.admin.id)
        assert organisation is not None
        made = crud.create_dossier(
            session=session,
            dossier_in=DossierCreate(title="Renommé"),
            organisation_id=organisation.organisation_id,
            author_id=people.admin.id,
        )
        session.add(DossierGrant(user_id=people.facilitator.id, dossier_id=made.id))
        session.commit()
        dossier = made.id
    for visitor, said in (
        ("acheteur", REFUSALS[Right.delete]),
        ("facilitator", FACILITATOR_REFUSAL),
    ):
        with TestClient(fresh) as client:
            sign_in(client, visitor)
            for name in ("comment", "publish_dossier"):
                status, response = answer_of(
                    client, "POST", f"/dossiers/{dossier}/supprimer-{name}", {}
                )
                assert status == 403, (visitor, name)
                assert said in text_of(response.text)
    with new_session(fresh.state.ctx.engine) as session:
        assert crud.get_dossier(session=session, dossier_id=dossier).title == "Renommé"
    fresh.state.ctx.engine.dispose()


@dataclass
class World:
    app: FastAPI
    people: People
    shared: uuid.UUID  # a dossier for the reads, with a document
    document: uuid.UUID
    awarded: uuid.UUID | None = None  # a dossier for the reads of an awarded contract
    in_execution: uuid.UUID | None = None  # for the reads of the follow-up

    def dossier(self, stage: Stage | None = None) -> uuid.UUID:
        """A dossier of « Région Test », written by its admin, the facilitator invited to it;
        with ``stage``, a complete tender at that stage (:func:`tests.web.stages.place_at`)."""
        with new_session(self.app.state.ctx.engine) as session:
            organisation = accounts.membership_of(session, self.people.admin.id)
            assert organisation is not None
            dossier = crud.create_dossier(
                session=session,
                dossier_in=DossierCreate(title="Dossier de la matrice"),
                organisation_id=organisation.organisation_id,
                author_id=self.people.admin.id,
            )
            session.add(DossierGrant(user_id=self.people.facilitator.id, dossier_id=dossier.id))
            session.commit()
            made = dossier.id
        if stage is not None:
            place_at(self.app, made, stage)
        return made

    def followed(self) -> uuid.UUID:
        """A dossier of « Région Test » in execution (a contract whose hours are followed)."""
        dossier = self.dossier()
        ctx = self.app.state.ctx
        with new_session(ctx.engine) as session:
            move_to(
                session, ctx.library, SCHEMA, dossier, "lycee-rehabilitation", Stage.in_execution
            )
        return dossier

    def member(self) -> uuid.UUID:
        """A member of « Région Test » of its own, invited (no password yet)."""
        with new_session(self.app.state.ctx.engine) as session:
            organisation = accounts.membership_of(session, self.people.admin.id)
            assert organisation is not None
            return accounts.invite_member(
                session,
                organisation_id=organisation.organisation_id,
                email=f"membre-{uuid.uuid4().hex[:8]}@region.test",
                role=Role.acheteur,
            ).id

    def password_link(self) -> str:
        """The token of a link that sets the password of a new member of its own."""
        member = self.member()
        with new_session(self.app.state.ctx.engine) as session:
            user = accounts.get_user(session, member)
            assert user is not None
            return accounts.new_password_link(
                session, user, purpose=accounts.INVITATION_PURPOSE, valid=dt.timedelta(hours=1)
            )

    def invitation(self) -> str:
        """An invitation to a dossier of its own (accepting it grants that dossier only)."""
        dossier = self.dossier()
        with new_session(self.app.state.ctx.engine) as session:
            return accounts.invite(
                session,
                dossier_id=dossier,
                email="nouvelle@emploi.test",
                invited_by=self.people.referent.id,
                days=1,
            )


@pytest.fixture(scope="module")
def world(app: FastAPI) -> World:
    people = people_of(app)
    world = World(app, people, uuid.uuid4(), uuid.uuid4())
    world.shared = world.dossier()
    with new_session(app.state.ctx.engine) as session:
        document = crud.add_document(
            session=session,
            dossier_id=world.shared,
            document_in=GeneratedDocumentCreate(
                library_version="test",
                sections=["summary"],
                filename="projet.docx",
                advice={},
                strategy={"mechanisms": []},
                content=b"PK",
            ),
        )
    world.document = document.id
    world.awarded = world.dossier(Stage.awarded)
    return world


def url_of(world: World, method: str, path: str) -> str:
    stage = STAGED.get(path)
    if "/suivi" in path:
        if world.in_execution is None:
            world.in_execution = world.followed()
        dossier = world.in_execution if method == "GET" else world.followed()
    elif method == "GET":
        dossier = world.awarded if stage is not None else world.shared
    else:
        dossier = world.dossier(stage)
    return path.format(
        dossier_id=dossier,
        step_id="marche",
        document_id=world.document,
        token=world.invitation()
        if path.startswith("/invitations")
        else world.password_link()
        if path.startswith("/mot-de-passe/")
        else "jeton",
        user_id=world.member() if "{user_id}" in path else "",
        mechanism_id="insertion_clause",
        practice_id=next(iter(world.app.state.ctx.library.practices)),
    ).replace("/static", "/static/css/app.css")


def status_of(client: TestClient, method: str, url: str, data: dict[str, str]) -> Any:
    return answer_of(client, method, url, data)[0]


def answer_of(client: TestClient, method: str, url: str, data: dict[str, str]) -> tuple[Any, Any]:
    """The visitor's status (LOGIN for the sign-in page) and the response."""
    page = client.get("/connexion")  # a form with the visitor's CSRF token
    token = page.text.split('name="csrf_token" value="', 1)[-1].split('"', 1)[0]
    if method == "GET":
        response = client.get(url, follow_redirects=False)
    elif url.startswith("/api/"):
        response = client.post(url, json=data)
    else:
        form = {"csrf_token": token, "version": "1", **data}
        if url.endswith("/attribution"):
            form["id"] = unique_id(url)
        response = client.post(url, data=form, follow_redirects=False)
    if response.status_code == 303 and response.headers["location"].startswith("/connexion?"):
        return LOGIN, response
    return response.status_code, response


@pytest.fixture
def clients(app: FastAPI) -> Iterator[dict[str | None, TestClient]]:
    with TestClient(app) as client:
        yield {None: client}


@pytest.mark.parametrize(("method", "path"), list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
def test_each_visitor_gets_its_status(world: World, method: str, path: str) -> None:
    data, expected = MATRIX[(method, path)]
    got = []
    for visitor in VISITORS:
        with TestClient(world.app) as client:
            if visitor is not None:
                sign_in(client, visitor)
            status, response = answer_of(client, method, url_of(world, method, path), data)
            got.append(status)
            if status == 403 and not path.startswith("/api/"):
                # Issue 23: a refusal says what the visitor may not do and who can, never
                # « formulaire expiré » (the CSRF token sent is valid) nor a bare refusal.
                said = text_of(response.text)
                assert "Formulaire expiré" not in said, (visitor, said[:200])
                assert "Votre compte ne permet pas cette action" not in said, (visitor, said[:300])
    assert dict(zip(VISITORS, got, strict=True)) == dict(zip(VISITORS, expected, strict=True))
    rights = declared_rights(world.app).get((method, path))
    if rights is not None:
        # The matrix agrees with the right the route declares: the anonymous sign in, those the
        # right turns away get its refusal (a move's wrong stage is said first: 422), no one
        # else is refused.
        refused = refused_by(rights)
        for visitor, status in zip(VISITORS, expected, strict=True):
            if visitor is None:
                assert status == LOGIN
            elif visitor in refused:
                assert status in {refused[visitor], 422 if rights.move else 0}, (visitor, rights)
            else:
                assert status != 403, (visitor, rights)


def stage_in_store(world: World, dossier: uuid.UUID) -> Stage:
    with new_session(world.app.state.ctx.engine) as session:
        return Stage(crud.get_dossier(session=session, dossier_id=dossier).stage)


# The life of a contract move by move: (route, form, the stage it starts from, where it leads).
WALK = (
    ("publier", {"publication_date": "2026-10-05"}, Stage.draft, Stage.published),
    ("depublier", {}, Stage.published, Stage.draft),
    ("publier", {"publication_date": "2026-10-05"}, Stage.draft, Stage.published),
    ("attribution", AWARD_FORM, Stage.published, Stage.awarded),
    ("executer", {"date": "2026-11-24"}, Stage.awarded, Stage.in_execution),
    ("clore", {"date": "2026-11-30"}, Stage.in_execution, Stage.closed),
    ("rouvrir", {}, Stage.closed, Stage.in_execution),
)
REFERENT_MOVES = {"depublier", "clore", "rouvrir"}


@pytest.mark.parametrize("visitor", ["acheteur", "referent", "admin", "facilitator", "other"])
def test_moves_allowed_and_refused_by_role(world: World, visitor: str) -> None:
    """Each visitor walks a contract's life through HTTP: a move refused leaves the stage as
    it was (the next one starts from the stage it needs)."""
    dossier = world.dossier(Stage.draft)
    with TestClient(world.app) as client:
        browser = Browser(client, visitor)
        for route, data, source, target in WALK:
            if stage_in_store(world, dossier) is not source:
                place_at(world.app, dossier, source)
            version = crud_version(world, dossier)
            response = browser.post(
                f"/dossiers/{dossier}/{route}",
                {
                    "version": str(version),
                    **data,
                    **({"id": unique_id(dossier)} if data is AWARD_FORM else {}),
                },
            )
            if visitor == "other":
                expected = 404
            elif visitor == "facilitator" or (visitor == "acheteur" and route in REFERENT_MOVES):
                expected = 403
            else:
                expected = 303
            assert response.status_code == expected, (route, response.text)
            assert stage_in_store(world, dossier) is (target if expected == 303 else source)
            if expected == 403 and visitor == "acheteur":
                assert "demande le rôle référent au moins" in response.text


def crud_version(world: World, dossier: uuid.UUID) -> int:
    with new_session(world.app.state.ctx.engine) as session:
        return crud.get_dossier(session=session, dossier_id=dossier).version


def test_a_published_dossier_is_read_only(world: World) -> None:
    dossier = world.dossier(Stage.published)
    with TestClient(world.app) as client:
        browser = Browser(client, "acheteur")
        step = browser.get(f"/dossiers/{dossier}/etapes/marche")
        assert step.status_code == 200
        assert '<form id="step-form"' not in step.text and "<fieldset disabled" in step.text
        assert "Un référent peut ramener le dossier au brouillon" in step.text
        version = str(crud_version(world, dossier))
        saved = browser.post(
            f"/dossiers/{dossier}/etapes/marche",
            {"version": version, "action": "save", "title": "Autre objet"},
        )
        assert saved.status_code == 409 and "Dossier publié" in saved.text
        choices = browser.post(f"/dossiers/{dossier}/strategie", {"version": version})
        assert choices.status_code == 409
        review = browser.get(f"/dossiers/{dossier}")
        assert review.status_code == 200 and 'id="strategy-form"' not in review.text
    with new_session(world.app.state.ctx.engine) as session:
        kept = crud.get_dossier(session=session, dossier_id=dossier)
        assert kept.answers["title"] == "Réhabilitation du lycée"


def test_a_facilitator_sees_no_control_he_cannot_use(world: World) -> None:
    """Issue 23: the wizard reads without fields to save, the list offers no « Nouveau dossier »,
    and a save tried anyway says what a facilitator may do."""
    with TestClient(world.app) as client:
        sign_in(client, "facilitator")
        step = client.get(f"/dossiers/{world.shared}/etapes/marche")
        assert step.status_code == 200
        assert "en tant que facilitateur invité" in text_of(step.text)
        assert '<fieldset disabled class="frozen-fields">' in step.text
        assert 'id="step-form" method="post"' not in step.text
        listing = client.get("/dossiers").text
        assert "Nouveau dossier" not in text_of(listing)
        status, refused = answer_of(
            client, "POST", f"/dossiers/{world.shared}/etapes/marche", {"action": "save"}
        )
        assert status == 403
        assert "Un facilitateur invité sur un dossier peut le lire" in text_of(refused.text)
    with TestClient(world.app) as client:
        sign_in(client, "acheteur")
        assert (
            'id="step-form" method="post"'
            in client.get(f"/dossiers/{world.shared}/etapes/marche").text
        )
        status, refused = answer_of(client, "GET", "/rapports/spaser", {})
        assert status == 403
        assert "réservée aux référents et aux administrateurs" in text_of(refused.text)
