"""Slow clients against a real ``clauses serve``: a connection that sends nothing, its headers a
byte at a time, or a body that never ends gets a 408 and is closed once its deadline has passed
(issue 11; uvicorn alone keeps them open forever), and headers over the size limit get a 431.
The other clients are served meanwhile."""

from __future__ import annotations

import re
import select
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from clauses.web.protocol import MAX_HEADER_BYTES
from tests.e2e.conftest import Server

DEADLINE = 1.0  # seconds, for the headers and for the body
SLACK = 20.0  # on a busy machine the server may answer late, but answers
# asyncio runs a timer up to its clock's resolution early, and its clock is not this process's:
# a close seen 0.99996 s after the connection (CI, 5 December 2026) is the deadline kept.
EARLY = 0.01


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CLAUSES_HEADER_TIMEOUT_S", str(DEADLINE))
        env.setenv("CLAUSES_BODY_TIMEOUT_S", str(DEADLINE))
        server = Server(Path(tmp_path_factory.mktemp("impatient")))
        server.start()
    yield server
    server.stop()


def answer_of(server: Server, sent: bytes, *, trickle: bool = False) -> tuple[bytes, float]:
    """What the server sends before closing the connection, and after how many seconds (timed
    from before the connection: the server's deadline starts when it accepts it, which may be
    before ``create_connection`` returns here)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=SLACK) as connection:
        if trickle:  # a byte every 0.2 s: each arrives before any idle timeout would fire
            for byte in sent:
                if select.select([connection], [], [], 0)[0]:
                    break  # the server answered: stop sending, read its answer
                connection.sendall(bytes([byte]))
                time.sleep(0.2)
        else:
            connection.sendall(sent)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received, time.monotonic() - started


def test_a_connection_that_sends_nothing_is_closed(impatient: Server) -> None:
    received, seconds = answer_of(impatient, b"")
    assert received.startswith(b"HTTP/1.1 408 ")
    assert DEADLINE - EARLY <= seconds < SLACK


def test_headers_sent_a_byte_at_a_time_are_cut_at_the_deadline(impatient: Server) -> None:
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100 + b"\r\n\r\n"
    received, seconds = answer_of(impatient, request, trickle=True)
    assert received.startswith(b"HTTP/1.1 408 ")
    assert DEADLINE - EARLY <= seconds < SLACK  # the whole request would take 24 s


@pytest.mark.parametrize(
    ("path", "content_type", "begun", "answer_type", "french"),
    [
        ("/api/v1/advice", "application/json", '{"title": ', "application/json", "trop longtemps à arriver"),
        ("/connexion", "application/x-www-form-urlencoded", "email=", "text/html", "Envoi interrompu"),
    ],
    ids=["api", "page"],
)  # fmt: skip
def test_a_body_that_never_ends_gets_the_french_408(
    impatient: Server, path: str, content_type: str, begun: str, answer_type: str, french: str
) -> None:
    """The API's JSON 408 and a page's HTML one, both in French."""
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: 1000\r\n\r\n{begun}"
    ).encode()
    received, seconds = answer_of(impatient, request)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert answer_type.encode() in head
    assert french in body.decode()
    assert DEADLINE - EARLY <= seconds < SLACK
    # Meanwhile and afterwards, the others are served.
    with urllib.request.urlopen(f"{impatient.url}/healthz", timeout=SLACK) as response:
        assert response.status == 200


def test_a_request_in_time_on_a_kept_alive_connection_is_served(impatient: Server) -> None:
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=SLACK) as connection:
        for _ in range(3):  # the deadline applies to each request's headers, not the connection
            connection.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            received = b""
            while not received.endswith(b"Disallow: /\n"):
                received += connection.recv(65536)
            assert received.startswith(b"HTTP/1.1 200 ")
            time.sleep(DEADLINE * 0.6)


def test_headers_over_the_limit_get_431_and_the_connection_closed(impatient: Server) -> None:
    big = b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    received, _ = answer_of(impatient, big + b"a" * (MAX_HEADER_BYTES + 1) + b"\r\n\r\n")
    assert received.startswith(b"HTTP/1.1 431 ")
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=SLACK) as connection:
        # Large but under the limit: served.
        connection.sendall(big + b"a" * (MAX_HEADER_BYTES // 2) + b"\r\n\r\n")
        assert connection.recv(65536).startswith(b"HTTP/1.1 200 ")


def test_bodies_in_time_are_served_on_a_kept_alive_connection(impatient: Server) -> None:
    """A body that comes in pieces within the deadline is read whole; the next request on the
    same connection has a deadline of its own (the first one's timer is gone)."""
    body = b'{"title": "Nettoyage des lycees", "nature": "services"}'
    head = (
        b"POST /api/v1/advice HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=SLACK) as connection:
        for _ in range(2):
            connection.sendall(head + body[:10])
            time.sleep(DEADLINE * 0.6)
            connection.sendall(body[10:])
            received = connection.recv(65536)
            while b"\r\n\r\n" not in received:
                received += connection.recv(65536)
            assert not received.startswith(b"HTTP/1.1 408 "), received[:200]
            length = int(re.search(rb"content-length: (\d+)", received, re.I).group(1))  # type: ignore[union-attr]
            while len(received.partition(b"\r\n\r\n")[2]) < length:
                received += connection.recv(65536)
            time.sleep(DEADLINE * 0.6)  # more than the deadline in all, less before each piece
