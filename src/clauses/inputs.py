"""What people type, read one way on every path: forms, query strings, CSV statements.

- Numbers are written with ASCII digits only. ``str.isdigit`` accepts « ² » and the digits of
  every script, which ``int`` then refuses (or reads): a « ² » typed as a version, a lot, an
  entry or a year was a server error (issue 20, finding 5). A whole number has at most
  :data:`MAX_DIGITS` digits, so that it fits every integer column it is compared with.
- NUL characters are removed from every text (PostgreSQL stores none), and a text is cut where
  its column ends (:func:`text` with ``limit``).
- Dates are AAAA-MM-JJ or JJ/MM/AAAA, and plausible (:func:`implausible`): not before
  :data:`EARLIEST`, and, where a later date makes sense, not more than :data:`YEARS_AHEAD` years
  after today.
"""

from __future__ import annotations

import datetime as dt
import math
import re

MAX_DIGITS = 9  # under 2**31: a PostgreSQL INTEGER, an index, a year
EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 10
_WHOLE = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_FRENCH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def without_nul(value: str) -> str:
    return value.replace("\x00", "") if "\x00" in value else value


def text(value: object, limit: int | None = None) -> str:
    """A submitted text, stripped, without NUL characters, cut at ``limit`` characters; ``""``
    for anything that is not a text (an uploaded file, nothing)."""
    if not isinstance(value, str):
        return ""
    cleaned = without_nul(value).strip()
    return cleaned if limit is None else cleaned[:limit]


def integer(value: object) -> int | None:
    """The whole number written in ASCII digits (spaces around it allowed), else None."""
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return int(stripped) if _WHOLE.fullmatch(stripped) else None


def decimal(value: str) -> float:
    """A number written in ASCII digits with a decimal point (« 12.5 », « -3 », « 1e3 »): the
    text already cleaned of spaces and units, its comma made a point. ValueError otherwise, and
    for a number too large to be finite."""
    if not _DECIMAL.fullmatch(value):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def date(value: str) -> dt.date | None:
    """A day written AAAA-MM-JJ or JJ/MM/AAAA (ASCII digits), if it exists; else None."""
    stripped = value.strip()
    iso = _ISO_DATE.fullmatch(stripped)
    french = _FRENCH_DATE.fullmatch(stripped)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if french:
            return dt.date(int(french[3]), int(french[2]), int(french[1]))
    except ValueError:  # 31/02, month 13
        return None
    return None


def latest(today: dt.date) -> dt.date:
    """The last plausible day of a date that may be in the future."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def implausible(day: dt.date, today: dt.date | None = None) -> str | None:
    """Why ``day`` cannot be meant (French, said of the field it is given for), or None: before
    :data:`EARLIEST`, or, given ``today``, more than :data:`YEARS_AHEAD` years after it."""
    last = None if today is None else latest(today)
    if day >= EARLIEST and (last is None or day <= last):
        return None
    earliest = EARLIEST.strftime("%d/%m/%Y")
    if last is None:
        return f"date invraisemblable (attendue à partir du {earliest})"
    return f"date invraisemblable (attendue entre le {earliest} et le {last.strftime('%d/%m/%Y')})"
