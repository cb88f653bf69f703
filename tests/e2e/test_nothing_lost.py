"""Nothing lost, with real server processes (``clauses serve``, as in production):

- a save whose response came back is still there, answers and version, after the server is
  killed (SIGKILL, no clean-up) in the middle of a load of other buyers saving, and restarted;
- two server processes on one PostgreSQL database, each serving its own dossiers to several
  buyers at once through the HTML forms (CSRF token, version), lose no update: the buyers of a
  dossier each own one answer of the step, a refused save (409) is read again and re-applied,
  and in the end every dossier has every last answer and one version per acknowledged save.

The buyers are threads, each a browser without JavaScript: it reads the step's form from the page
and sends it back whole, as the browser would. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from clauses.store import crud
from clauses.store.db import make_engine, session_scope
from tests.conftest import under_load
from tests.databases import BACKENDS, database
from tests.e2e.conftest import Server
from tests.web.conftest import EMAILS, sign_in_by_form

TIMEOUT = 10.0  # seconds for one request
STEP = "marche"
FILLED = {
    "title": "Entretien des espaces verts des lycées",
    "nature": "services",
    "cpv": "77310000-6",
    "estimated_amount_eur": "1 200 000",
    "duration_months": "36",
    "launch_date": "2026-10-05",
}


class StepForm(HTMLParser):
    """The controls of ``<form id="step-form">`` that a browser submits (no buttons: the one
    pressed is added by the caller), with their current values."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._inside = False
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = a.get("id") == "step-form"
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.fields[self._select] = value
        if not self._inside or "name" not in a or "disabled" in a:
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"}:
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                self.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select, self._first_option = name, None
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._select not in self.fields and self._first_option is not None:
                self.fields[self._select] = self._first_option
            self._select = None


class Buyer:
    """One browser without JavaScript on one server: its own cookies, the forms of the pages."""

    def __init__(self, server_url: str) -> None:
        self.client = httpx.Client(base_url=server_url, timeout=TIMEOUT, follow_redirects=False)
        sign_in_by_form(self.client, EMAILS["acheteur"])

    def close(self) -> None:
        self.client.close()

    def new_dossier(self, title: str) -> str:
        home = self.client.get("/")
        token = home.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = self.client.post("/dossiers", data={"csrf_token": token, "title": title})
        assert response.status_code == 303, response.status_code
        return response.headers["location"].split("/")[2]

    def step_form(self, dossier: str, step: str = STEP) -> dict[str, str]:
        page = self.client.get(f"/dossiers/{dossier}/etapes/{step}")
        assert page.status_code == 200, page.status_code
        return StepForm(page.text).fields

    def submit(self, dossier: str, fields: dict[str, str], step: str = STEP) -> httpx.Response:
        """Send the form back as « Enregistrer » does."""
        return self.client.post(
            f"/dossiers/{dossier}/etapes/{step}", data={**fields, "action": "save"}
        )


def answers_of(fields: dict[str, str]) -> dict[str, str]:
    """What the server keeps of a submitted step form: each answer, trimmed (not the token, the
    version, its base or the CPV search's query)."""
    kept = {k: v for k, v in fields.items() if k not in {"csrf_token", "version", "base"}}
    # A nested answer's field « agreement__kind » is stored as « agreement.kind ».
    return {
        k.replace("__", "."): v.strip()
        for k, v in kept.items()
        if k not in {"cpv_q", "cpv_q_shown"}
    }


@contextmanager
def store(url: str) -> Iterator[Callable[[str], tuple[dict[str, Any], int]]]:
    """Reads a dossier's answers and version as the store has them (an engine of the test's
    own: nothing cached from the servers)."""
    engine = make_engine(url)

    def read(dossier: str) -> tuple[dict[str, Any], int]:
        with session_scope(engine) as session:
            row = crud.get_dossier(session=session, dossier_id=uuid.UUID(dossier))
            return dict(row.answers), row.version

    try:
        yield read
    finally:
        engine.dispose()


@contextmanager
def stopping(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()


def start_together(*servers: Server) -> None:
    failures: list[BaseException] = []

    def start(server: Server) -> None:
        try:
            server.start()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if failures:
        raise failures[0]


@contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    with stopping(server):
        yield server


# --- SIGKILL during a load ------------------------------------------------------------------


WRITERS = 20


@dataclass
class Writer:
    """A buyer saving its dossier again and again, remembering what the server acknowledged."""

    server_url: str
    name: str
    dossier: str = ""
    acknowledged: tuple[str, int] | None = None  # (title, version) of the last 303 received
    in_flight: tuple[str, int] | None = None  # sent, no answer (the server died meanwhile)
    saves: int = 0
    errors: list[str] = field(default_factory=list)

    def run(self, stop: threading.Event, deadline: float, limit: int = 2000) -> None:
        buyer = Buyer(self.server_url)
        try:
            fields = buyer.step_form(self.dossier)
            version = int(fields["version"])
            while not stop.is_set() and time.monotonic() < deadline and self.saves < limit:
                title = f"{self.name} – enregistrement {self.saves + 1}"
                self.in_flight = (title, version + 1)
                try:
                    response = buyer.submit(self.dossier, {**fields, "title": title})
                except httpx.TransportError:
                    return  # the server is gone: this save may or may not have been committed
                self.in_flight = None
                if response.status_code != 303:
                    self.errors.append(f"HTTP {response.status_code}")
                    return
                version += 1
                self.saves += 1
                self.acknowledged = (title, version)
                fields["version"] = str(version)
        finally:
            buyer.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_acknowledged_saves_survive_a_sigkill_under_load(tmp_path: Path, backend: str) -> None:
    with database(backend, tmp_path) as url:
        server = Server(tmp_path, database_url=url)
        with running(server):
            # The witness: a dossier saved (twice) before the load, every response received.
            witness = Buyer(server.url)
            dossier = witness.new_dossier("Témoin")
            form = {**witness.step_form(dossier), **FILLED}
            assert witness.submit(dossier, form).status_code == 303
            form = {**witness.step_form(dossier), "duration_months": "48"}
            assert witness.submit(dossier, form).status_code == 303
            expected = answers_of(form)
            expected_version = 3
            witness.close()

            # The load: buyers saving their own dossiers, as fast as the server answers; more of
            # them at once than the database has connections in its pool.
            writers = [Writer(server.url, f"Acheteur {i}") for i in range(WRITERS)]
            setup = Buyer(server.url)
            for writer in writers:
                writer.dossier = setup.new_dossier(writer.name)
            setup.close()
            stop = threading.Event()
            deadline = time.monotonic() + under_load(20)
            threads = [
                threading.Thread(target=w.run, args=(stop, deadline), daemon=True) for w in writers
            ]
            for thread in threads:
                thread.start()
            # Kill once every buyer has had saves acknowledged, while they go on.
            until = time.monotonic() + under_load(10)
            while time.monotonic() < until and min(w.saves for w in writers) < 3:
                time.sleep(0.01)
            assert min(w.saves for w in writers) >= 3, [w.saves for w in writers]
            server.kill()
            stop.set()
            for thread in threads:
                thread.join(timeout=TIMEOUT + 5)
            assert not any(t.is_alive() for t in threads)
            assert [e for w in writers for e in w.errors] == []

            server.start()
            reader = Buyer(server.url)
            with store(url) as stored:
                # The witness is intact: the same answers and version, on the page and in store.
                page = reader.step_form(dossier)
                assert answers_of(page) == expected
                assert int(page["version"]) == expected_version
                assert stored(dossier) == (expected, expected_version)
                # Every buyer's last acknowledged save is there; at most the save the server was
                # answering when it died went through as well (committed, answer lost).
                for writer in writers:
                    assert writer.acknowledged is not None
                    answers, version = stored(writer.dossier)
                    possible = [writer.acknowledged]
                    if writer.in_flight is not None:
                        possible.append(writer.in_flight)
                    assert (answers["title"], version) in possible, (writer.name, possible)
                    page = reader.step_form(writer.dossier)
                    assert (page["title"], int(page["version"])) == (answers["title"], version)
            reader.close()


# --- two processes, one PostgreSQL ------------------------------------------------------------

# Each buyer owns one answer of the step; all of them send the whole form back, as a browser
# does, so a save made on a stale version would put back the others' old values.
OWNED = ["title", "estimated_amount_eur", "duration_months"]
ROUNDS = 4  # acknowledged saves per buyer and dossier
MAX_TRIES = 60  # refusals (409) a buyer may meet for one save before the test gives up


@dataclass
class Editor:
    server_url: str
    answer: str
    dossiers: list[str]
    last: dict[str, str] = field(default_factory=dict)  # dossier → last value acknowledged
    saves: dict[str, int] = field(default_factory=dict)  # dossier → 303 received
    refused: int = 0
    errors: list[str] = field(default_factory=list)

    def run(self, deadline: float) -> None:
        buyer = Buyer(self.server_url)
        try:
            for round_ in range(ROUNDS):
                for dossier in self.dossiers:
                    value = self.value(dossier, round_)
                    if not self.save(buyer, dossier, value, deadline):
                        return
        except httpx.HTTPError as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            buyer.close()

    def value(self, dossier: str, round_: int) -> str:
        number = 1000 * (OWNED.index(self.answer) + 1) + round_
        if self.answer == "title":
            return f"Objet {dossier[:8]} n° {number}"
        return str(number)

    def save(self, buyer: Buyer, dossier: str, value: str, deadline: float) -> bool:
        for _ in range(MAX_TRIES):
            if time.monotonic() > deadline:
                self.errors.append("time out")
                return False
            fields = buyer.step_form(dossier)
            response = buyer.submit(dossier, {**fields, self.answer: value})
            if response.status_code == 303:
                self.last[dossier] = value
                self.saves[dossier] = self.saves.get(dossier, 0) + 1
                return True
            if response.status_code != 409:
                self.errors.append(f"HTTP {response.status_code}")
                return False
            self.refused += 1  # someone saved meanwhile: read the page again, re-apply
        self.errors.append("too many refusals")
        return False


@pytest.mark.postgres
def test_two_processes_on_postgresql_lose_no_update(tmp_path: Path) -> None:
    with database("postgres", tmp_path) as url:
        first = Server(tmp_path / "first", database_url=url)
        second = Server(tmp_path / "second", database_url=url)
        for server in (first, second):
            server.folder.mkdir()
        with stopping(first), stopping(second):
            start_together(first, second)
            base: dict[str, dict[str, str]] = {}
            editors: list[Editor] = []
            for server in (first, second):
                setup = Buyer(server.url)
                dossiers = [setup.new_dossier(f"Dossier {i}") for i in range(2)]
                for dossier in dossiers:
                    form = {**setup.step_form(dossier), **FILLED}
                    assert setup.submit(dossier, form).status_code == 303
                    # As the page now shows it (a question may have appeared: ask_when).
                    base[dossier] = answers_of(setup.step_form(dossier))
                setup.close()
                editors += [Editor(server.url, answer, dossiers) for answer in OWNED]
            deadline = time.monotonic() + 40
            threads = [threading.Thread(target=e.run, args=(deadline,)) for e in editors]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert not any(t.is_alive() for t in threads)
            assert [e for editor in editors for e in editor.errors] == []

            reader = Buyer(second.url)
            with store(url) as stored:
                for dossier, answers in base.items():
                    mine = [e for e in editors if dossier in e.dossiers]
                    assert len(mine) == len(OWNED)
                    expected = {**answers, **{e.answer: e.last[dossier] for e in mine}}
                    # One version per acknowledged save: the creation, the first filling, ours.
                    expected_version = 2 + sum(e.saves[dossier] for e in mine)
                    assert expected_version == 2 + ROUNDS * len(OWNED)
                    assert stored(dossier) == (expected, expected_version)
                    page = reader.step_form(dossier)
                    assert answers_of(page) == expected
                    assert int(page["version"]) == expected_version
            reader.close()
