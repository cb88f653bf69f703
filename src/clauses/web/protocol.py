"""uvicorn's HTTP/1.1 protocol (httptools), with deadlines for a request's headers and body.

uvicorn times out only the idle keep-alive connection after a response: a client that opens a
connection and sends nothing, or its headers a byte at a time, holds the connection forever, and
enough of them exhaust the server's file descriptors. Here a connection waiting for a request
(new, or after a response) gets ``CLAUSES_HEADER_TIMEOUT_S`` seconds to send it whole, then a 408
and is closed. A body still incomplete ``CLAUSES_BODY_TIMEOUT_S`` seconds after its headers
arrived is marked late in the request's state (:data:`clauses.web.security.BODY_LATE`) and the
application waiting for it woken up: :class:`clauses.web.security.BodyLimit` then answers the
French 408 page. Only a request whose body is still to come when its headers are read gets that
timer: most arrive whole, in one read.

uvicorn's httptools protocol also keeps headers of any size in memory (200 MB sent within the
deadline took the server from 110 to 294 MB): a request line and headers over
:data:`MAX_HEADER_BYTES` get a 431 and the connection is closed.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from clauses.web.security import BODY_LATE
from clauses.web.settings import Settings

MAX_HEADER_BYTES = 64 * 1024  # request line and headers; a session cookie takes a few hundred


def closing_response(status: str, text: str) -> bytes:
    """A plain-text answer written on the socket before any application runs, then closed."""
    body = text.encode()
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


TIMEOUT_RESPONSE = closing_response(
    "408 Request Timeout", "Délai dépassé : la requête est arrivée trop lentement.\n"
)
TOO_LARGE_RESPONSE = closing_response(
    "431 Request Header Fields Too Large", "En-têtes de requête trop volumineux.\n"
)


@functools.cache
def timeouts() -> tuple[float, float]:
    """The headers' and the body's, from the environment like the rest of the worker's settings."""
    settings = Settings()
    return settings.header_timeout_s, settings.body_timeout_s


class TimedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timer: asyncio.TimerHandle | None = None
        self.body_timer: asyncio.TimerHandle | None = None
        self.header_bytes = 0
        self.refused = False  # headers too large: answered, closed, the rest ignored

    def _await_request(self) -> None:
        self._cancel_header_timer()
        self.header_timer = self.loop.call_later(timeouts()[0], self._headers_too_slow)

    def _cancel_header_timer(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_too_slow(self) -> None:
        self.header_timer = None
        self._refuse(TIMEOUT_RESPONSE)

    def _refuse(self, response: bytes) -> None:
        self._cancel_header_timer()
        self.refused = True
        if not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()

    def _count(self, *parts: bytes) -> bool:
        """Whether the headers stay under the limit (else the request is refused)."""
        self.header_bytes += sum(map(len, parts))
        if self.header_bytes > MAX_HEADER_BYTES and not self.refused:
            self._refuse(TOO_LARGE_RESPONSE)
        return not self.refused

    def on_message_begin(self) -> None:
        self.header_bytes = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        if self._count(url):
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._count(name, value):
            super().on_header(name, value)

    def on_body(self, body: bytes) -> None:
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        self._cancel_body_timer()
        if not self.refused:
            super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        cycle = self.cycle
        # A request read up to its headers (or part of its body), the rest still to come.
        if (
            self.body_timer is None
            and cycle is not None
            and cycle.more_body
            and not cycle.response_complete
            and not self.refused
        ):
            self.body_timer = self.loop.call_later(timeouts()[1], self._body_too_slow, cycle)

    def _cancel_body_timer(self) -> None:
        if self.body_timer is not None:
            self.body_timer.cancel()
            self.body_timer = None

    def _body_too_slow(self, cycle: Any) -> None:
        self.body_timer = None
        if cycle.more_body and not cycle.response_complete:
            cycle.scope["state"][BODY_LATE] = True
            cycle.message_event.set()  # the application, if it waits for the body, answers 408

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_request()

    def on_headers_complete(self) -> None:
        self._cancel_header_timer()
        if not self.refused:
            super().on_headers_complete()

    def on_response_complete(self) -> None:
        # A pipelined request (started now) already has its headers; else the next is awaited.
        awaiting = not self.pipeline
        super().on_response_complete()
        if awaiting and not self.transport.is_closing():
            self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        self._cancel_body_timer()
        super().connection_lost(exc)
