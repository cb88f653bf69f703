"""Reading a submitted form, once per request.

Every form of the pages is sent URL-encoded (browsers without JavaScript, and htmx by default).
Such a body is decoded by the standard library exactly as Starlette decodes it (``+`` for
spaces, UTF-8 percent-escapes with replacement of invalid bytes, blank values kept, at most
:data:`MAX_FIELDS` fields, else a 400), at a fraction of the cost: the wizard saves on every
answer. Any other body (multipart) is left to Starlette's parser, with the same field limit.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from starlette.datastructures import FormData, UploadFile

MAX_FIELDS = 1000
URLENCODED = "application/x-www-form-urlencoded"
_PARSED = "clauses.form"


async def read_form(request: Request) -> FormData:
    """The request's form, parsed on the first call and kept in the request's scope."""
    parsed: FormData | None = request.scope.get(_PARSED)
    if parsed is None:
        content_type = request.headers.get("content-type", "").partition(";")[0]
        if content_type.strip().lower() == URLENCODED:
            body = await request.body()
            try:
                fields = parse_qsl(
                    body.decode("latin-1"), keep_blank_values=True, max_num_fields=MAX_FIELDS
                )
            except ValueError:  # more than MAX_FIELDS fields
                raise HTTPException(status_code=400) from None
            parsed = FormData(cast("list[tuple[str, str | UploadFile]]", fields))
        else:
            parsed = await request.form(max_fields=MAX_FIELDS)
        request.scope[_PARSED] = parsed
    return parsed
