"""Forms are read as Starlette would read them, whatever the body, less their NUL characters
(issue 20, finding 5: PostgreSQL stores none)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from fastapi import HTTPException, Request
from hypothesis import given, settings
from hypothesis import strategies as st

from clauses.web.forms import MAX_FIELDS, read_form

URLENCODED = "application/x-www-form-urlencoded"
T = TypeVar("T")


def request(body: bytes, content_type: str = URLENCODED) -> Request:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "query_string": b"",
        "headers": [(b"content-type", content_type.encode())],
    }
    return Request(scope, receive)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on an event loop of its own thread (a browser test of the same worker may have left
    one running in this thread)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def ours(body: bytes, content_type: str = URLENCODED) -> list[tuple[str, Any]]:
    return list(run(read_form(request(body, content_type))).multi_items())


def starlettes(body: bytes, content_type: str = URLENCODED) -> list[tuple[str, Any]]:
    """Starlette's reading, without the NUL characters."""

    async def form() -> list[tuple[str, Any]]:
        return list((await request(body, content_type).form()).multi_items())

    return [
        (name.replace("\x00", ""), value.replace("\x00", "") if isinstance(value, str) else value)
        for name, value in run(form())
    ]


# Bodies made of what matters to the parser: separators, escapes (valid, truncated, invalid
# UTF-8), plus signs, spaces, non-ASCII and control characters.
PIECES = st.sampled_from(
    [
        "&",
        "=",
        "+",
        "%",
        "%2",
        "%20",
        "%C3%A9",
        "%E2%80%AF",
        "%FF",
        "%C3",
        "a",
        "é",
        "\x00",
        " ",
        ";",
    ]
)
BODIES = st.one_of(
    st.lists(PIECES, max_size=40).map(lambda parts: "".join(parts).encode()),
    st.binary(max_size=200),
    st.text(max_size=100).map(lambda text: text.encode()),
)


@given(BODIES)
@settings(max_examples=400, deadline=None)
def test_urlencoded_bodies_read_as_starlette_reads_them(body: bytes) -> None:
    assert ours(body) == starlettes(body)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"csrf_token=abc&title=Entretien+des+espaces+verts%C2%A0%3A+lyc%C3%A9es&empty=",
        b"a=1&a=2&b",
        b"lots-0-title=Lot%201&lots-count=1&action=save",
    ],
)
def test_known_forms(body: bytes) -> None:
    assert ours(body) == starlettes(body)


def test_the_content_type_may_carry_a_charset() -> None:
    body = b"title=Lyc%C3%A9e"
    assert ours(body, f"{URLENCODED}; charset=UTF-8") == [("title", "Lycée")]


@pytest.mark.parametrize(
    "body",
    [
        b"&".join([b"a=1"] * MAX_FIELDS),
        b"&".join([b"a=1"] * MAX_FIELDS) + b"&",  # empty pieces are not fields
        b"&&".join([b"a="] * MAX_FIELDS),
        b"&" * 5000,
    ],
)
def test_up_to_the_field_limit_both_accept(body: bytes) -> None:
    assert ours(body) == starlettes(body)


@pytest.mark.parametrize(
    "body", [b"&".join([b"a=1"] * (MAX_FIELDS + 1)), b"&".join([b"x"] * 100_000)]
)
def test_over_the_field_limit_both_refuse(body: bytes) -> None:
    with pytest.raises(HTTPException) as refused:
        ours(body)
    assert refused.value.status_code == 400
    with pytest.raises(Exception, match="Too many fields"):
        starlettes(body)


def test_nul_characters_are_dropped_from_names_and_values() -> None:
    assert ours(b"ti%00tle=Lyc%00%C3%A9e&a=\x00") == [("title", "Lycée"), ("a", "")]
    body = b'--b\r\nContent-Disposition: form-data; name="t"\r\n\r\nL\x00y\r\n--b--\r\n'
    assert ours(body, "multipart/form-data; boundary=b") == [("t", "Ly")]


def test_multipart_is_left_to_starlette() -> None:
    body = b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nLyc\xc3\xa9e\r\n--b--\r\n'
    content_type = "multipart/form-data; boundary=b"
    assert ours(body, content_type) == starlettes(body, content_type) == [("title", "Lycée")]


def test_the_form_is_parsed_once_per_request() -> None:
    async def twice() -> bool:
        incoming = request(b"a=1")
        return await read_form(incoming) is await read_form(incoming)

    assert run(twice())
