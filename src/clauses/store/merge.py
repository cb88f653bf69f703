"""A form sent on an older version of its dossier, merged when nobody's change is lost.

A form carries the version it was shown at and, beside it, the *base*: a short fingerprint of
each answer, each decision of the strategy and the title as they were then. When the dossier has
moved on meanwhile — most often the same person's autosave that landed after the page was shown
(issue 23: « le dossier a été modifié entre-temps » comparing two empty values) — the change is
applied to the current dossier, field by field, three ways:

- a field the form leaves as it was shown keeps the current value (someone's change stays);
- a field the form changes takes the form's value when nobody else changed it, or changed it to
  the same value;
- a field both the form and someone else changed, to different values, is a conflict: the
  comparison page is shown, as before, and nothing is written.

The base holds fingerprints, not values: a page gives away nothing more than it shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from clauses.store.models import Dossier

# The columns whose fields merge one by one; others (stage, status) always conflict.
MERGED = ("answers", "strategy")
TITLE = "title"


def fingerprint(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def fingerprints(dossier: Dossier) -> dict[str, str]:
    """What a form's base holds: « answers.cpv », « strategy.mechanisms », « title »…"""
    prints = {TITLE: fingerprint(dossier.title)}
    for column in MERGED:
        values = getattr(dossier, column) or {}
        prints.update({f"{column}.{key}": fingerprint(value) for key, value in values.items()})
    return prints


def encode_base(dossier: Dossier) -> str:
    return json.dumps(fingerprints(dossier), separators=(",", ":"))


def decode_base(text: object) -> dict[str, str] | None:
    """The base a form sent, or None (no base, or not one: the strict version check applies)."""
    if not isinstance(text, str) or not text or len(text) > 100_000:
        return None
    try:
        base = json.loads(text)
    except ValueError:
        return None
    if not isinstance(base, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in base.items()
    ):
        return None
    return base


def _field(key: str, current: Any, mine: Any, base: Mapping[str, str]) -> tuple[bool, Any]:
    """(conflict, value) for one field; an absent field is None, as the base records none."""
    shown = base.get(key)
    unchanged_by_me = fingerprint(mine) == shown if shown is not None else mine is None
    if unchanged_by_me:
        return False, current
    unchanged_by_them = fingerprint(current) == shown if shown is not None else current is None
    if unchanged_by_them or mine == current:
        return False, mine
    return True, current


def merge(
    current: Dossier, changes: Mapping[str, Any], base: Mapping[str, str]
) -> dict[str, Any] | None:
    """``changes`` (computed on ``current`` by the form's change) with the fields the form did
    not touch left as they are now; None when the form and someone else changed one field to
    different values."""
    merged: dict[str, Any] = {}
    for column, value in changes.items():
        if column == TITLE:
            conflict, merged[column] = _field(TITLE, current.title, value, base)
        elif column in MERGED and isinstance(value, dict):
            now = getattr(current, column) or {}
            result: dict[str, Any] = {}
            conflict = False
            for key in [*now, *(k for k in value if k not in now)]:
                clash, kept = _field(f"{column}.{key}", now.get(key), value.get(key), base)
                conflict = conflict or clash
                if kept is not None or key in value:
                    result[key] = kept
            merged[column] = result
        else:
            return None
        if conflict:
            return None
    return merged
