"""A dossier's award: its example's, with this contract's own ids, amounts, offers and dates."""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

from clauses.decp.fields import demo_values


def vary_award(
    award: dict[str, Any],
    rng: random.Random,
    reference: str,
    siret: str,
    notified: dt.date,
    as_of: dt.date,
) -> dict[str, Any]:
    """The example's award with this contract's own ids, amounts, offers and dates."""
    data = copy.deepcopy(award)
    for name, value in demo_values().items():  # a field the examples do not give (yet)
        data.setdefault(name, value)
    template = dt.date.fromisoformat(str(data["notification_date"]))
    data["buyer_siret"] = siret
    data["notification_date"] = notified.isoformat()
    published = notified + dt.timedelta(days=rng.randint(5, 30))
    scale = rng.uniform(0.8, 1.1)

    def offers(value: Any) -> int:
        return int(value) if int(value) == 1 else max(1, int(value) + rng.randint(-2, 3))

    if "offers_received" in data:
        data["offers_received"] = offers(data["offers_received"])
    if "amount_eur" in data:
        data["amount_eur"] = max(1, round(data["amount_eur"] * scale))
    if "id" in data:
        data["id"] = reference
    for lot in data.get("lots", []):
        lot["id"] = f"{reference}-{lot['lot']:02d}"
        if "amount_eur" in lot:
            lot["amount_eur"] = max(1, round(lot["amount_eur"] * scale))
        if "offers_received" in lot:
            lot["offers_received"] = offers(lot["offers_received"])
        if "notification_date" in lot:
            later = notified + (dt.date.fromisoformat(str(lot["notification_date"])) - template)
            if later <= as_of:
                lot["notification_date"] = later.isoformat()
                published = max(published, later)
            else:
                del lot["notification_date"]
    # Published once every contract it declares is notified (a lot notified later included),
    # and never after ``as_of``: the open data says what has happened.
    data["publication_date"] = min(published, as_of).isoformat()
    return data


def notified_span(award: dict[str, Any]) -> tuple[dt.date, dt.date]:
    first = str(award["notification_date"])
    dates = [str(lot.get("notification_date", first)) for lot in award.get("lots", [])] or [first]
    return dt.date.fromisoformat(min(dates)), dt.date.fromisoformat(max(dates))
