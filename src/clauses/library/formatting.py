"""French formatting of typed parameter values, and the rendering of the advice's notes.

Kept apart from :mod:`clauses.library.render` (Jinja, for the model clauses) so that the
advisor, which renders dozens of notes, never imports a template engine: notes only substitute
names (:data:`NOTE_FIELD`) and are rendered with ``str.format``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from clauses import french
from clauses.library.models import NoteText, ParameterType

PLACEHOLDER_RE = re.compile(r"\[à compléter\u00a0: [^\]]*\]")
NOTE_FIELD = re.compile(r"\{\{ ?([a-z][a-z0-9_]*) ?\}\}")


class ClauseRenderError(ValueError):
    pass


def placeholder(label: str) -> str:
    """The visible mark for a value the buyer must complete."""
    return f"[à compléter\u00a0: {label}]"


def format_typed(name: str, kind: ParameterType, value: Any) -> str:
    """``value`` as French text for its declared type (« 833 heures », « 5 % »)."""
    if isinstance(value, str) and kind is not ParameterType.text:
        if PLACEHOLDER_RE.fullmatch(value):
            return value
        if kind is ParameterType.date:
            value = dt.date.fromisoformat(value)
        else:
            raise ClauseRenderError(f"{name} : valeur « {value} » non numérique")
    if kind is ParameterType.text:
        return str(value)
    if kind is ParameterType.date:
        if not isinstance(value, dt.date):
            raise ClauseRenderError(f"{name} : date attendue")
        return french.date(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ClauseRenderError(f"{name} : nombre attendu")
    match kind:
        case ParameterType.integer:
            return french.number(value)
        case ParameterType.number:
            return french.number(value, 1)
        case ParameterType.percent:
            return french.percent(value)
        case ParameterType.eur:
            return french.eur(value)
        case ParameterType.hours:
            return french.hours(value)
    raise ClauseRenderError(f"{name} : type inconnu {kind}")  # pragma: no cover


def render_note(note: NoteText, values: Mapping[str, Any]) -> str:
    """A note of the advice in French, its parameters formatted by their declared type. Notes
    only substitute names (:data:`NOTE_FIELD`; their model refuses any other template syntax),
    so they are rendered with ``str.format``, not Jinja: the advice writes dozens of them."""
    template, names = _note_format(note.text)
    if not names:
        return template
    kinds = note.parameters
    try:
        shown = [_shown(name, kinds[name], values[name]) for name in names]
    except KeyError as exc:
        raise ClauseRenderError(f"{note.id} : paramètre manquant ou non déclaré : {exc}") from None
    return template.format(*shown).strip()


def _shown(name: str, kind: ParameterType, value: Any) -> str:
    if kind is ParameterType.text:
        return str(value)
    fast = _NUMBERS.get(kind)
    if fast is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return fast(value)
    return format_typed(name, kind, value)


@lru_cache(maxsize=1024)
def _note_format(text: str) -> tuple[str, tuple[str, ...]]:
    """The note as a ``str.format`` template (« {} » where a parameter goes) and the names."""
    names = tuple(NOTE_FIELD.findall(text))
    template = NOTE_FIELD.sub("\x00", text).replace("{", "{{").replace("}", "}}")
    template = template.replace("\x00", "{}")
    return (template if names else template.replace("{{", "{").replace("}}", "}").strip()), names


# The formatting of a number by its type (what format_typed does once a value is a number).
_NUMBERS = {
    ParameterType.integer: french.number,
    ParameterType.number: lambda value: french.number(value, 1),
    ParameterType.percent: french.percent,
    ParameterType.eur: french.eur,
    ParameterType.hours: french.hours,
}
