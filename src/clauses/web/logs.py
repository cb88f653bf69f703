"""The access log keeps the method, the path and the status, never the query string (a search
typed by a buyer, an OpenID code could be there) nor the token of a link; no other log line of
the application or of the server has a link's token either (issue 20, finding 9: invitation
tokens were in the error lines)."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
# Paths that carry a secret token (an invitation, the setup link, a password link): the token
# is not logged.
TOKEN_PATH = re.compile(r"^/(invitations|installation|mot-de-passe)/[^/?]+")


# The loggers whose lines may name a path: the application's and the server's errors (a
# logger's filters do not apply to its children's lines: each one is named).
PATH_LOGGERS = ("clauses", "clauses.web", "clauses.store", "uvicorn.error")
ANY_TOKEN_PATH = re.compile(r"/(invitations|installation|mot-de-passe)/[^/?\s\"']+")


def loggable(path: str) -> str:
    """A path as a log line may show it: without the token of a link."""
    return TOKEN_PATH.sub(r"/\1/…", path)


class NoQueryString(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn's access record: (client, method, path with query, HTTP version, status)
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], loggable(args[2].split("?", 1)[0]), *args[3:])
        return True


class NoTokens(logging.Filter):
    """Whatever the line, the tokens of links are masked in its message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = ANY_TOKEN_PATH.sub(r"/\1/…", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                ANY_TOKEN_PATH.sub(r"/\1/…", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def hide_query_strings() -> None:
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, NoQueryString) for f in access.filters):
        access.addFilter(NoQueryString())
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoTokens) for f in logger.filters):
            logger.addFilter(NoTokens())
