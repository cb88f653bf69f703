"""The access log keeps the method, the path and the status, never the query string (a search
typed by a buyer, an OpenID code could be there) nor the token of a link."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
# Paths that carry a secret token (an invitation, the setup link): the token is not logged.
TOKEN_PATH = re.compile(r"^/(invitations|installation)/[^/?]+")


class NoQueryString(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn's access record: (client, method, path with query, HTTP version, status)
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = TOKEN_PATH.sub(r"/\1/…", args[2].split("?", 1)[0])
            record.args = (*args[:2], path, *args[3:])
        return True


def hide_query_strings() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, NoQueryString) for f in logger.filters):
        logger.addFilter(NoQueryString())
