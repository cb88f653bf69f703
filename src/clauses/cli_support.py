"""What every ``clauses`` subcommand shares, wherever it is defined (:mod:`clauses.cli`,
:mod:`clauses.decp.cli`, :mod:`clauses.drafting.cli`, :mod:`clauses.web.cli`): exit codes,
the error line on stderr and the argument types. It imports nothing of the application, so
a subcommand's module can use it without importing the command line that registers it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

EXIT_INPUT = 2  # the input is wrong: a file, an argument


def fail(message: str, code: int = EXIT_INPUT) -> int:
    """Says ``message`` on stderr as the command does and returns the exit ``code``."""
    print(f"clauses : {message}", file=sys.stderr)
    return code


def positive_arg(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"nombre entier positif attendu, pas « {value} »")
    return number


def date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {value} » (format AAAA-MM-JJ)") from None


def add_as_of(parser: argparse.ArgumentParser, what: str) -> None:
    """A command's ``--as-of`` option (AAAA-MM-JJ, today by default); ``what``: what that date
    is, in the help."""
    parser.add_argument(
        "--as-of", type=date_arg, default=dt.date.today(), help=f"{what} (défaut : aujourd’hui)"
    )
