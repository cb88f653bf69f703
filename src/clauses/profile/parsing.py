"""A profile read from data, text or a file: YAML (without aliases) or JSON, UTF-8, 1 MB at
most; the other keys a file or an API body may carry are handed back as given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from clauses.profile.errors import FieldError, ProfileError, describe_errors
from clauses.profile.model import YAML, TenderProfile

MAX_PROFILE_BYTES = 1_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a few aliases can expand into billions of nodes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "les alias YAML (*nom) ne sont pas acceptés",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        return super().compose_node(parent, index)


# Keys a profile file or an API body may carry besides the tender's facts, each read by its own
# part of the core (DESIGN §3.4: ``strategy``); ``parse_profile`` alone refuses them as unknown.
OTHER_KEYS = ("strategy",)


def parse_profile(
    data: Any, *, max_errors: int | None = None, from_yaml: bool = False
) -> TenderProfile:
    if not isinstance(data, dict):
        raise ProfileError(
            [FieldError("(profil)", "le profil doit être un objet (clés et valeurs)")]
        )
    try:
        profile = TenderProfile.model_validate(data, context={YAML: from_yaml})
    except ValidationError as exc:
        raise ProfileError(describe_errors(exc, max_errors)) from exc
    errors = agreement_errors(profile)
    if errors:
        raise ProfileError(errors)
    return profile


def agreement_errors(profile: TenderProfile) -> list[FieldError]:
    """A lot's minimum without a framework agreement, named (the API's schema says it too). The
    amounts that disagree without contradicting the schema (a minimum above the maximum…) are
    the advice's warnings (:func:`clauses.advisor.procedure.agreement_warnings`)."""
    if profile.agreement is not None:
        return []
    return [
        FieldError(
            f"lots[{n}].minimum_eur",
            "un montant minimum de lot n’a de sens que pour un accord-cadre (clé agreement) "
            "(montant minimum du lot)",
        )
        for n, lot in enumerate(profile.lots, 1)
        if lot.minimum_eur is not None
    ]


def parse_document(
    data: Any, *, max_errors: int | None = None, from_yaml: bool = False
) -> tuple[TenderProfile, dict[str, Any]]:
    """A profile file's or an API body's data: the profile, and the other keys it carries
    (:data:`OTHER_KEYS`), as given, for their own parsers."""
    others: dict[str, Any] = {}
    if isinstance(data, dict):
        others = {key: data[key] for key in OTHER_KEYS if key in data}
        data = {key: value for key, value in data.items() if key not in OTHER_KEYS}
    return parse_profile(data, max_errors=max_errors, from_yaml=from_yaml), others


def _read_text(text: str, source: str) -> Any:
    """YAML (or JSON, which YAML reads too) into plain data."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PROFILE_BYTES:
        raise ProfileError([FieldError(source, "fichier trop volumineux (1 Mo au plus)")])
    try:
        return (
            json.loads(text) if source.endswith(".json") else yaml.load(text, Loader=_NoAliasLoader)
        )
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        problem = getattr(exc, "problem", None) or getattr(exc, "msg", None) or str(exc)
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        raise ProfileError(
            [FieldError(source, f"fichier illisible (YAML ou JSON invalide) : {problem}{where}")]
        ) from exc
    except RecursionError as exc:
        raise ProfileError(
            [FieldError(source, "fichier illisible : imbrication trop profonde")]
        ) from exc


def read_file(path: Path) -> Any:
    """A profile file's plain data (YAML without aliases, or JSON; UTF-8; 1 MB at most), for
    the commands that take other keys out of it before :func:`parse_document`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError([FieldError(str(path), f"fichier illisible : {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProfileError([FieldError(str(path), "le fichier doit être encodé en UTF-8")]) from exc
    return _read_text(text, str(path))


def loads_profile(text: str, *, source: str = "profil") -> TenderProfile:
    """Parse YAML (or JSON, which YAML reads too) into a validated profile."""
    return parse_profile(_read_text(text, source), from_yaml=is_yaml(source))


def load_profile(path: Path) -> TenderProfile:
    return parse_profile(read_file(path), from_yaml=is_yaml(str(path)))


def load_document(path: Path) -> tuple[TenderProfile, dict[str, Any]]:
    """A profile file that may carry :data:`OTHER_KEYS` (see :func:`parse_document`)."""
    return parse_document(read_file(path), from_yaml=is_yaml(str(path)))


def is_yaml(source: str) -> bool:
    """YAML reads an unquoted CPV code as a number; JSON says what it means (a string)."""
    return not source.endswith(".json")
