"""Typed dependencies, so that routes read as plain signatures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from clauses.library import Library
from clauses.store.db import session_scope
from clauses.web.context import AppContext
from clauses.web.rendering import context_of
from clauses.web.security import check_csrf


def get_context(request: Request) -> AppContext:
    return context_of(request)


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_session(ctx: ContextDep) -> Iterator[Session]:
    with session_scope(ctx.engine) as session:
        yield session


def get_library(ctx: ContextDep) -> Library:
    return ctx.library


SessionDep = Annotated[Session, Depends(get_session)]
LibraryDep = Annotated[Library, Depends(get_library)]


async def csrf_protected(request: Request, ctx: ContextDep) -> None:
    """Router dependency of the HTML routes: every POST must carry this browser's token."""
    if request.method == "POST":
        await check_csrf(request, ctx.secret)
