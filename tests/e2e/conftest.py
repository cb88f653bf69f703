"""A real server (``clauses serve`` under uvicorn, on a free port of this machine) and one
headless Debian chromium for the whole session, driven by Playwright's Python package.

The server's database holds the test accounts of ``tests/web/conftest.py`` (made before it
starts), and every browser context the ``chromium`` fixture opens is signed in as the acheteur
of « Région Test » (through the sign-in form) unless asked ``signed_in=None``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from clauses.store.db import make_engine, migrate
from clauses.web.sessions import COOKIE
from tests.conftest import ROOT, require_tool, under_load
from tests.web.conftest import EMAILS, seed_people, sign_in_by_form

# Alembic's context is global to the process: servers started together by threads of the test
# migrate and seed their database one after the other.
SEEDING = threading.Lock()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``clauses serve`` in a child process; restartable on the same database (a SQLite file in
    ``folder`` unless another database URL is given)."""

    def __init__(
        self,
        folder: Path,
        database_url: str | None = None,
        *,
        seed: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.folder = folder
        self.seed = seed
        self.env = dict(env or {})
        self.database_url = database_url or f"sqlite:///{folder / 'clauses.db'}"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "CLAUSES_DATABASE_URL": self.database_url,
            "CLAUSES_DATA_DIR": str(self.folder),
            # One « acheteur » drafts for every journey of a worker: more than a person's 30
            # generations a minute (the quota answers 429 and no download comes). The quota
            # itself is tested in tests/web/test_accounts.py.
            "CLAUSES_HEAVY_PER_MINUTE": "100000",
            **self.env,
        }
        env.pop("CLAUSES_SECRET_KEY", None)  # generated once and kept in the data folder
        if self.seed:
            with SEEDING:
                engine = make_engine(self.database_url)
                migrate(engine)
                seed_people(engine)
                engine.dispose()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "clauses.cli", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + under_load(30)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL, as a crash or the kernel's out-of-memory killer would: no clean-up at all."""
        assert self.process is not None and self.process.poll() is None
        self.process.kill()
        self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def session_cookie(self, user: str = "acheteur") -> str:
        """The session cookie of a sign-in of that test account (through the form)."""
        with httpx.Client(base_url=self.url, timeout=10) as client:
            sign_in_by_form(client, EMAILS[user])
            return str(client.cookies[COOKIE])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("server"))
    running.start()
    yield running
    running.stop()


class SignedInChromium:
    """The chromium browser, whose new contexts are signed in to the server."""

    def __init__(self, browser: Any, server: Server) -> None:
        self.browser = browser
        self.server = server

    def new_context(self, signed_in: str | None = "acheteur", **options: Any) -> Any:
        context = self.browser.new_context(**options)
        # Waits for a page or a download, not assertions: a draft made while CI's two workers
        # and LibreOffice share two cores has taken more than Playwright's 30 s.
        context.set_default_timeout(60_000)
        if signed_in is not None:
            cookie = self.server.session_cookie(signed_in)
            context.add_cookies([{"name": COOKIE, "value": cookie, "url": self.server.url}])
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self.browser, name)


@pytest.fixture(scope="session")
def chromium(server: Server) -> Iterator[SignedInChromium]:
    executable = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield SignedInChromium(browser, server)
        browser.close()
