"""Password hashing runs at most as many at once as the process has cores, the requests beyond a
short queue get a French 429 (issue 20, finding 9: 50 simultaneous sign-ins took 2.6 GB and 6 s
each; the memory of 50 sign-ins is bench/run.py's ``signin_50_peak_rss_mb``)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clauses.store import accounts
from clauses.store.accounts import credentials
from clauses.web import passwords
from tests.web.conftest import PASSWORD, Browser, text_of


class CountingHasher:
    """A hasher that notes how many of its computations run at once."""

    def __init__(self) -> None:
        self.running = self.most = 0
        self._lock = threading.Lock()

    def verify(self, _hash: str, _password: str) -> bool:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)  # long enough for the others to pile up
        with self._lock:
            self.running -= 1
        return True


def test_no_more_hashes_at_once_than_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = CountingHasher()
    monkeypatch.setattr(credentials, "HASHER", hasher)
    many = 6 * accounts.HASHING_AT_ONCE
    with ThreadPoolExecutor(many) as pool:
        assert all(pool.map(lambda _: accounts.verify_password("h", "x"), range(many)))
    assert hasher.most == accounts.HASHING_AT_ONCE


def sign_in_status(app: FastAPI) -> object:
    with TestClient(app) as client:
        browser = Browser(client, None)
        browser.get("/connexion")
        return browser.post("/connexion", {"email": "acheteur@region.test", "password": PASSWORD})


def assert_busy_in_french(response: object) -> None:
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert response.headers["retry-after"] == str(passwords.RETRY_AFTER_S)  # type: ignore[attr-defined]
    assert "Trop de connexions en même temps" in text_of(response.text)  # type: ignore[attr-defined]


def test_sign_ins_beyond_the_queue_get_a_french_429_at_once(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "TURNS", passwords.Turns(0))
    assert_busy_in_french(sign_in_status(app))
    with TestClient(app) as client:  # the rest of the service goes on
        assert Browser(client).get("/dossiers").status_code == 200


def test_a_sign_in_that_waits_too_long_for_its_turn_gets_a_429(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(credentials, "_hashing", threading.BoundedSemaphore(1))
    monkeypatch.setattr(credentials, "HASHING_WAIT_S", 0.01)
    credentials._hashing.acquire()  # every turn taken
    assert_busy_in_french(sign_in_status(app))
