"""The one place that renders a page, or its fragment for htmx.

A request made by htmx (``HX-Request``, not boosted) gets only the fragment the page would
include at the swapped place, so that swapping it in gives the page a fresh load would give;
every response says ``Vary: HX-Request`` so that caches keep the two apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

from clauses import french
from clauses.web.context import AppContext
from clauses.web.security import csrf_cookie, csrf_token

TEXT_NODE = re.compile(r">([^<]+)<")


def typographic(html: str) -> str:
    """French spacing (no-break spaces before « : ; ! ? » and inside guillemets) in the text of
    the page; attribute values, hence the answers shown in form fields, are left as typed."""
    return TEXT_NODE.sub(lambda m: ">" + french.typography(m.group(1)) + "<", html)


def context_of(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def wants_fragment(request: Request) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """``template`` as a whole page, or ``fragment`` (a partial it includes) for htmx."""
    ctx = context_of(request)
    values = {
        **ctx.template_globals(),
        "csrf_token": csrf_token(request, ctx.secret),
        **(context or {}),
    }
    partial = fragment is not None and wants_fragment(request)
    template_obj = ctx.templates.get_template(fragment if partial and fragment else template)
    body = template_obj.render({"request": request, **values})
    if partial and values.get("page_title"):
        # htmx sets the document title from a <title> found in the response.
        body = f"<title>{escape(values['page_title'])} — Clauses</title>\n{body}"
    response = HTMLResponse(typographic(body), status_code=status_code, headers=dict(headers or {}))
    response.headers["Vary"] = "HX-Request"
    csrf_cookie(request, ctx.secret, response, secure=ctx.settings.secure_cookies)
    return response
