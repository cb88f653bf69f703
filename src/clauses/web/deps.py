"""Typed dependencies, so that routes read as plain signatures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from clauses.library import Library
from clauses.store.db import new_session
from clauses.web.context import AppContext
from clauses.web.forms import read_form
from clauses.web.rendering import context_of
from clauses.web.security import check_csrf

# The dependencies that do no I/O are coroutines: FastAPI would run a plain function in the
# thread pool, a hand-over that costs more than the function itself.


async def get_context(request: Request) -> AppContext:
    return context_of(request)


ContextDep = Annotated[AppContext, Depends(get_context)]


async def get_session(ctx: ContextDep) -> AsyncIterator[Session]:
    """A session for the request. It connects on its first query, in the route (a plain
    function, run in the thread pool); closing it gives the connection back, which is I/O, so
    it is done in a thread too, and only when a transaction is still open. That thread is not
    taken from the routes' pool (as FastAPI does for its own clean-ups): routes waiting there
    for a connection must not keep the connections held from being given back."""
    session = new_session(ctx.engine)
    try:
        yield session
    finally:
        if session.in_transaction():
            with anyio.CancelScope(shield=True):  # given back even if the client went away
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))
        else:
            session.close()


async def get_library(ctx: ContextDep) -> Library:
    return ctx.library


SessionDep = Annotated[Session, Depends(get_session)]
LibraryDep = Annotated[Library, Depends(get_library)]


async def get_form(request: Request) -> FormData:
    """The submitted form, read on the event loop (parsed once: the CSRF check reads it first), so
    that the routes that use it can be plain functions: their database calls then run in the
    thread pool and never block the event loop."""
    return await read_form(request)


FormDep = Annotated[FormData, Depends(get_form)]


async def csrf_protected(request: Request) -> None:
    """Router dependency of the HTML routes: every POST must carry this browser's token."""
    if request.method == "POST":
        await check_csrf(request, context_of(request).secret)
