"""Render model clause texts with their typed parameters, in French typography.

Clause texts are Jinja templates run in a sandbox with strict undefined names: a clause can only
use the parameters it declares. Values are formatted by their declared type before substitution,
so content writes « {{ hours }} » and gets « 833 heures ».
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, meta
from jinja2.sandbox import SandboxedEnvironment

from clauses.library.formatting import (
    NOTE_FIELD,
    PLACEHOLDER_RE,
    ClauseRenderError,
    format_typed,
    placeholder,
    render_note,
)
from clauses.library.models import ClauseParameter, ClauseText

__all__ = [
    "NOTE_FIELD",
    "PLACEHOLDER_RE",
    "ClauseRenderError",
    "format_typed",
    "placeholder",
    "render_clause",
    "render_note",
    "render_sample",
    "used_names",
]


_env = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
)


def format_value(parameter: ClauseParameter, value: Any) -> str:
    return format_typed(parameter.name, parameter.type, value)


@lru_cache(maxsize=512)
def _compile(text: str) -> Template:
    return _env.from_string(text)


def used_names(text: str) -> set[str]:
    return set(meta.find_undeclared_variables(_env.parse(text)))


def render_clause(clause: ClauseText, values: Mapping[str, Any]) -> str:
    """Render ``clause`` with ``values`` (one per declared parameter; placeholders allowed)."""
    missing = [p.name for p in clause.parameters if p.name not in values]
    if missing:
        raise ClauseRenderError(f"{clause.id} : paramètres manquants : {', '.join(missing)}")
    formatted = {p.name: format_value(p, values[p.name]) for p in clause.parameters}
    try:
        return _compile(clause.text).render(formatted).strip()
    except Exception as exc:  # jinja raises many kinds; all mean the content is wrong
        raise ClauseRenderError(f"{clause.id} : {exc}") from exc


def render_sample(clause: ClauseText) -> str:
    return render_clause(clause, {p.name: p.sample for p in clause.parameters})
