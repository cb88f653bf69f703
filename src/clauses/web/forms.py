"""Reading a submitted form, once per request.

Every form of the pages is sent URL-encoded (browsers without JavaScript, and htmx by default).
Such a body is decoded by the standard library exactly as Starlette decodes it (``+`` for
spaces, UTF-8 percent-escapes with replacement of invalid bytes, blank values kept, at most
:data:`MAX_FIELDS` fields, else a 400), at a fraction of the cost: the wizard saves on every
answer. Starlette's limit of 1 MiB per field is not repeated: the whole body is already limited
to ``CLAUSES_MAX_BODY_BYTES`` (1 000 000 bytes by default) by :class:`clauses.web.security.BodyLimit`. Any other
body (multipart) is left to Starlette's parser, with the same field limit.

NUL characters are removed from every name and text value here, once for every route
(PostgreSQL stores none: a NUL typed in a comment or a name was a server error).
"""

from __future__ import annotations

import itertools
import re
from typing import cast
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from starlette.datastructures import FormData, UploadFile

from clauses.inputs import without_nul

MAX_FIELDS = 1000
URLENCODED = "application/x-www-form-urlencoded"
_PARSED = "clauses.form"
FIELD = re.compile(r"[^&]+")


async def read_form(request: Request) -> FormData:
    """The request's form, parsed on the first call and kept in the request's scope."""
    parsed: FormData | None = request.scope.get(_PARSED)
    if parsed is None:
        content_type = request.headers.get("content-type", "").partition(";")[0]
        if content_type.strip().lower() == URLENCODED:
            text = (await request.body()).decode("latin-1")
            # Fields are the non-empty pieces between "&" (as Starlette counts them); counted
            # up to the limit only, before anything is decoded, and only when the "&" alone
            # leave room for more than the limit (a step's form has about ten).
            if text.count("&") >= MAX_FIELDS and next(
                itertools.islice(FIELD.finditer(text), MAX_FIELDS, None), None
            ):
                raise HTTPException(status_code=400)
            fields = parse_qsl(text, keep_blank_values=True)
            if "%00" in text or "\x00" in text:
                fields = [(without_nul(k), without_nul(v)) for k, v in fields]
            parsed = FormData(cast("list[tuple[str, str | UploadFile]]", fields))
        else:
            multipart = await request.form(max_fields=MAX_FIELDS)
            parsed = FormData(
                [
                    (without_nul(k), without_nul(v) if isinstance(v, str) else v)
                    for k, v in multipart.multi_items()
                ]
            )
        request.scope[_PARSED] = parsed
    return parsed
