"""Load client for bench/run.py, run as a separate process: N concurrent keep-alive connections
to a running ``clauses serve``, each acting as one browser without JavaScript.

Modes:
- ``step``: each client signs in through the form (the account made by ``bench/run.py``),
  opens the home page (its session's CSRF token), creates its own dossier
  through the form, then saves the « Le marché » step again and again — a real POST of the step
  form, with the CSRF token and the version it last saw (303 expected each time);
- ``hello``: ``GET /robots.txt``, the app's trivial route, for the ratio;
- ``get``: ``GET`` of one given path (the Word draft of a dossier), signed in;
- ``health``: ``GET /healthz`` by one client, one request every 10 ms, while ``--clients``
  hostile clients post, without pause, the heaviest bodies the probe of issue 11 found to
  ``/api/v1/advice``, at the size of the API's limit (see :func:`hostile_bodies`); the figures are
  the health checks' only;
- ``signin``: ``--clients`` browsers open the sign-in page, then all post the sign-in form at the
  same instant (an Argon2 check each); signed in (303) and turned away (429, « trop de
  connexions en même temps ») are counted, anything else is an error.

Prints one JSON object: requests, errors, seconds, rps, p50_ms, p95_ms, p99_ms. Bounded by a
number of requests and a duration; a small client written on asyncio streams so that the client
costs far less than the server it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import statistics
import time
from urllib.parse import urlencode, urlsplit

from clauses.web.settings import Settings

TOKEN_RE = re.compile(rb'name="csrf_token" value="([^"]+)"')
# The account the clients sign in with (made by bench/run.py before the server starts).
EMAIL, PASSWORD = "banc@region.test", "mot de passe du banc d’essai"
WARMUP_PER_CLIENT = 5
# The server's limit for API bodies (CLAUSES_MAX_API_BODY_BYTES, left at its default by run.py).
API_LIMIT: int = Settings.model_fields["max_api_body_bytes"].default
TIMEOUT = 10.0  # seconds for one request: a stuck server ends the run, it does not hang it


class Connection:
    """One HTTP/1.1 keep-alive connection with its cookies (a browser tab, in short)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        return await asyncio.wait_for(self._request(method, path, body, content_type), TIMEOUT)

    async def _request(
        self, method: str, path: str, body: bytes, content_type: str
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body or method == "POST":
            lines.append(f"Content-Type: {content_type}")
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
            headers[name] = value
        if headers.get("transfer-encoding") == "chunked":
            content = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                content += chunk[:-2]
        else:
            content = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            await self.close()
        return status, headers, content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


def step_form(token: str, version: int, n: int) -> bytes:
    """The fields of the « Le marché » form as a browser sends them, with « Enregistrer »."""
    return urlencode(
        {
            "csrf_token": token,
            "version": str(version),
            "title": f"Entretien des espaces verts des lycées, version {n}",
            "nature": "services",
            "cpv": "77310000-6",
            "estimated_amount_eur": f"{1_200_000 + n} ",
            "duration_months": "36",
            "launch_date": "2026-10-05",
            "action": "save",
        }
    ).encode()


def largest_profile() -> dict[str, object]:
    """The largest plausible valid profile: 200 lots whose titles have 1 000 characters (the
    most the DECP allow for an ``objet``), every optional key; about 290 kB as Python's
    ``json.dumps`` writes it (accents escaped)."""
    text = (
        "Travaux de réhabilitation énergétique, désamiantage et mise en accessibilité des "
        "bâtiments d’enseignement ; lot avec clause d’insertion – « chantier école » prévu. "
    )
    title = (text * 10)[:1000]
    lot = {"title": title, "cpv": "45262500-6", "estimated_amount_eur": 12_345_678.9}
    return {
        "title": title,
        "nature": "works",
        "cpv": "45214220-8",
        "estimated_amount_eur": 2_469_135_780.0,
        "duration_months": 48,
        "launch_date": "2026-10-05",
        "region_code": "52",
        "lots": [lot | {"labour_share": 0.45}] * 200,
        "labour_share": 0.45,
        "hourly_cost_eur": 31.5,
        "facilitator_available": True,
        "local_offer": {"insertion": "many", "disability": "some"},
    }


def hostile_bodies(limit: int = API_LIMIT) -> list[bytes]:
    """Bodies under the API's limit that cost the server most to refuse, the largest valid
    profile, and one body over the limit (refused unread, 413): as many unknown keys as the
    limit lets through (38 000 for 500 kB); 200 lots of 39 unknown keys each (7 800 errors, the
    most the parser lets through); one key as long as the limit lets through; 200 000 nested
    lists; 200 lots of 1 000 characters (:func:`largest_profile`); 70 000 unknown keys (0.9 MB)."""
    base = {"title": "Travaux", "nature": "works", "estimated_amount_eur": 5e6}
    keys = limit // 12
    while len(many := json.dumps({f"k{i}": 0 for i in range(keys)}).encode()) > limit:
        keys -= 1000
    bodies = [
        many,
        json.dumps({**base, "lots": [{f"cle{k}": [1] for k in range(39)}] * 200}).encode(),
        json.dumps({"a" * (limit - 10): 1}).encode(),
        b"[" * min(200_000, limit),
        json.dumps(largest_profile()).encode(),
    ]
    assert all(len(body) <= limit for body in bodies)
    return [*bodies, json.dumps({f"k{i}": 0 for i in range(70_000)}).encode()]


class Client:
    def __init__(self, host: str, port: int, mode: str, path: str) -> None:
        self.connection = Connection(host, port)
        self.mode = mode
        self.path = path
        self.token = ""
        self.dossier = ""
        self.version = 0
        self.count = 0

    async def setup(self) -> None:
        """Sign in (the step and the download are a member's), then make the step's dossier."""
        if self.mode == "hello":
            return
        _, _, page = await self.connection.request("GET", "/connexion")
        match = TOKEN_RE.search(page)
        assert match, "no CSRF token on the sign-in page"
        credentials = {"csrf_token": match.group(1).decode(), "email": EMAIL, "password": PASSWORD}
        status, _, _ = await self.connection.request(
            "POST",
            "/connexion",
            urlencode(credentials).encode(),
            "application/x-www-form-urlencoded",
        )
        assert status == 303, f"sign-in refused ({status})"
        if self.mode == "step":
            _, _, page = await self.connection.request("GET", "/")
            match = TOKEN_RE.search(page)
            assert match, "no CSRF token on the home page"
            self.token = match.group(1).decode()
            body = urlencode({"csrf_token": self.token, "title": "Banc d’essai"}).encode()
            status, headers, _ = await self.connection.request(
                "POST", "/dossiers", body, "application/x-www-form-urlencoded"
            )
            assert status == 303, status
            self.dossier = headers["location"].split("/")[2]
            self.version = 1
        # The sign-ins of the other clients (an Argon2 check each) may outlast the server's
        # keep-alive: the load starts on a fresh connection (the session cookie is kept).
        await self.connection.close()

    async def one(self) -> bool:
        """One request; whether it got the expected answer."""
        self.count += 1
        if self.mode == "step":
            status, _, _ = await self.connection.request(
                "POST",
                f"/dossiers/{self.dossier}/etapes/marche",
                step_form(self.token, self.version, self.count),
                "application/x-www-form-urlencoded",
            )
            if status == 303:
                self.version += 1
            return status == 303
        status, _, content = await self.connection.request("GET", self.path)
        return status == 200 and bool(content)


async def health_under_attack(args: argparse.Namespace) -> dict[str, float | int]:
    """The ``health`` mode: see the module's docstring."""
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    bodies = hostile_bodies()
    probe = Connection(host, port)
    latencies: list[float] = []
    errors = hostile = 0
    done = False
    deadline = time.monotonic() + args.max_seconds

    async def attacker(n: int) -> None:
        nonlocal errors, hostile
        connection = Connection(host, port)
        while not done:
            body = bodies[(n + hostile) % len(bodies)]
            try:
                status, _, _ = await connection.request(
                    "POST", "/api/v1/advice", body, "application/json"
                )
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                status = 0
                await connection.close()
            hostile += 1
            errors += status not in ((200, 422) if len(body) <= API_LIMIT else (413,))
        await connection.close()

    async def prober() -> None:
        nonlocal done, errors
        await asyncio.sleep(0.5)  # the attackers are at work
        while len(latencies) < args.requests and time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                status, _, _ = await probe.request("GET", "/healthz")
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                status = 0
                await probe.close()
            latencies.append(time.perf_counter() - start)
            errors += status != 200
            await asyncio.sleep(0.01)
        done = True

    started = time.perf_counter()
    await asyncio.gather(prober(), *(attacker(n) for n in range(args.clients)))
    elapsed = time.perf_counter() - started
    await probe.close()
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "hostile_requests": hostile,
        "errors": errors,
        "seconds": round(elapsed, 3),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
    }


async def sign_in_storm(args: argparse.Namespace) -> dict[str, float | int]:
    """The ``signin`` mode: see the module's docstring."""
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    connections = [Connection(host, port) for _ in range(args.clients)]
    forms = []
    for connection in connections:
        _, _, page = await connection.request("GET", "/connexion")
        match = TOKEN_RE.search(page)
        assert match, "no CSRF token on the sign-in page"
        credentials = {"csrf_token": match.group(1).decode(), "email": EMAIL, "password": PASSWORD}
        forms.append(urlencode(credentials).encode())
    latencies: list[float] = []
    statuses: list[int] = []

    async def sign_in(connection: Connection, form: bytes) -> None:
        start = time.perf_counter()
        try:
            status, _, _ = await connection.request(
                "POST", "/connexion", form, "application/x-www-form-urlencoded"
            )
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            status = 0
        latencies.append(time.perf_counter() - start)
        statuses.append(status)
        await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(sign_in(c, f) for c, f in zip(connections, forms, strict=True)))
    return {
        "requests": len(statuses),
        "signed_in": statuses.count(303),
        "turned_away": statuses.count(429),
        "errors": sum(status not in (303, 429) for status in statuses),
        "seconds": round(time.perf_counter() - started, 3),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
    }


async def run(args: argparse.Namespace) -> dict[str, float | int]:
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    clients = [Client(host, port, args.mode, args.path) for _ in range(args.clients)]
    for client in clients:
        await client.setup()
    for client in clients:
        for _ in range(WARMUP_PER_CLIENT):
            await client.one()
    latencies: list[float] = []
    errors = 0
    remaining = args.requests
    deadline = time.monotonic() + args.max_seconds

    async def worker(client: Client) -> None:
        nonlocal remaining, errors
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            start = time.perf_counter()
            try:
                ok = await client.one()
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                ok = False
                await client.connection.close()
            latencies.append(time.perf_counter() - start)
            errors += not ok

    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in clients))
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.connection.close()
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument(
        "--mode", choices=["step", "hello", "get", "health", "signin"], required=True
    )
    parser.add_argument("--path", default="/robots.txt")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--max-seconds", type=float, default=60)
    args = parser.parse_args()
    measure = {"health": health_under_attack, "signin": sign_in_storm}.get(args.mode, run)
    print(json.dumps(asyncio.run(measure(args))))


if __name__ == "__main__":
    main()
