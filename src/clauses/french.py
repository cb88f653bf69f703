"""French typography for numbers, amounts, dates and punctuation.

One place for every figure the product shows: advice text, clause texts, Word drafts and pages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"  # before : ; ! ? », after «, before units, between thousands

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def round_half_up(value: float, digits: int = 0) -> Decimal:
    if digits in (0, 1) and abs(value) < 1e12:
        # Far from a half, the float rounds as the decimal would: no Decimal to build.
        scaled = value * 10 if digits else value
        low = math.floor(scaled)
        fraction = scaled - low
        if abs(fraction - 0.5) > 1e-6:
            whole = low + (1 if fraction > 0.5 else 0)
            return Decimal(whole).scaleb(-digits) if digits else Decimal(whole)
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def number(value: float, digits: int = 0, *, keep_zeros: bool = False) -> str:
    """« 1 000 000 », « 0,5 »: thousands grouped with a narrow no-break space, decimal comma."""
    nearest = round(value)
    # A whole number (up to float noise far below any shown digit): no rounding to do.
    if abs(value - nearest) < 1e-9 and abs(value) < 1e15:
        whole = f"{abs(nearest):,}".replace(",", NBSP)
        fraction = "0" * digits if keep_zeros else ""
        sign = "-" if nearest < 0 else ""
        return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"
    rounded = round_half_up(value, digits)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NBSP.join(groups) or "0"
    if not keep_zeros:
        fraction = fraction.rstrip("0")
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def count(value: int, noun: str, plural: str | None = None) -> str:
    """« 0 marché », « 1 marché », « 149 marchés » (the singular up to 1, as French has it)."""
    word = noun if abs(value) < 2 else (plural or f"{noun}s")
    return f"{number(value)}\u00a0{word}"


def eur(value: float) -> str:
    """« 1 000 000 € », « 30 € », « 12,50 € »."""
    if abs(value - round(value)) < 1e-9:  # whole euros (the usual case): no rounding to do
        return f"{number(value)}{NBSP}€"
    whole_euros = round_half_up(value, 2) == round_half_up(value, 0)
    return f"{number(value, 0 if whole_euros else 2, keep_zeros=True)}{NBSP}€"


def percent(share: float) -> str:
    """A share in [0, 1] as « 5 % », « 12,5 % »."""
    return f"{number(share * 100, 1)}{NBSP}%"


def hours(value: float) -> str:
    """« 833 heures », « 1 heure »."""
    rounded = value if value == int(value) else float(round_half_up(value))
    return f"{number(value)}{NBSP}heure{'s' if abs(rounded) >= 2 else ''}"


def date(value: dt.date) -> str:
    """« 1er avril 2026 », « 22 novembre 2026 »."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def quote(text: str) -> str:
    """« text » with no-break spaces inside the guillemets."""
    return f"«{NBSP}{text}{NBSP}»"


# One no-break space for all: the thin one (U+202F) lacks a glyph in many Word fonts.
_BEFORE = re.compile(r" (?=[:;!?»%€])")
_AFTER = re.compile(r"(?<=«) ")


def typography(text: str) -> str:
    """French spacing: no-break space before « : ; ! ? » % € » and after « « ».

    Applied once where text leaves the product (report, Word draft, pages), so content and code
    can be written with ordinary spaces.
    """
    if " " not in text:
        return text
    return _AFTER.sub(NBSP, _BEFORE.sub(NBSP, text))
