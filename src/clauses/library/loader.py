"""Load ``clause_library/`` into one immutable :class:`Library`.

Loading validates each file against its model (:mod:`clauses.library.models`); a file that does
not validate raises :class:`LibraryError` naming the file and the field at fault.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from clauses.library.models import (
    Compatibility,
    CpvList,
    CpvLists,
    CpvRange,
    LegalReference,
    LegalReferences,
    Manifest,
    Mechanism,
    MechanismId,
    Notes,
    NoteText,
    Obligations,
    PlannerRules,
    Practice,
    QualifiedLabour,
    QualifiedTrade,
    SearchTerms,
    Sector,
    Sizing,
    Thresholds,
    significant,
)
from clauses.library.questionnaire import Questionnaire
from clauses.library.reporting import FollowupVocabularies, NationalFigures

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it

M = TypeVar("M", bound=BaseModel)
K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
# The answers each lookup of a code remembers (bounded: the codes come from user input).
SECTOR_CACHE = 4096


def _remembered(known: dict[K, V], key: K, find: Callable[[], V]) -> V:
    """The answer ``known`` holds for ``key``, else the one ``find`` gives, which ``known``
    keeps while it holds fewer than :data:`SECTOR_CACHE`: a tender asks for the same few codes
    many times."""
    if key in known:
        return known[key]
    found = find()
    if len(known) < SECTOR_CACHE:
        known[key] = found
    return found


class _LongestPrefix(Generic[T]):
    """Entries found by the longest of their CPV prefixes that covers a code (the CPV
    hierarchy), each code's answer remembered (:func:`_remembered`)."""

    def __init__(self, entries: Iterable[T], prefixes: Callable[[T], Iterable[str]]) -> None:
        pairs = [(significant(p), entry) for entry in entries for p in prefixes(entry)]
        self._pairs = sorted(pairs, key=lambda pair: -len(pair[0]))
        self._found: dict[str, T | None] = {}

    def find(self, cpv: str) -> T | None:
        return _remembered(
            self._found, cpv, lambda: next((e for p, e in self._pairs if cpv.startswith(p)), None)
        )


class LibraryError(Exception):
    """A content file is missing, malformed or inconsistent; the message names file and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def default_library_path() -> Path:
    """``CLAUSES_LIBRARY`` if set, else the ``clause_library/`` folder of this checkout."""
    configured = os.environ.get("CLAUSES_LIBRARY")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "clause_library"


def field_path(loc: tuple[int | str, ...]) -> str:
    """``('clauses', 0, 'text')`` → ``clauses[0].text``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_problems(source: str, error: ValidationError) -> list[str]:
    return [f"{source} : {field_path(e['loc']) or '(racine)'} : {e['msg']}" for e in error.errors()]


def read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError as exc:
        raise LibraryError([f"{path} : fichier manquant"]) from exc
    except yaml.YAMLError as exc:
        raise LibraryError([f"{path} : YAML invalide : {exc}"]) from exc


def parse(model: type[M], data: Any, source: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LibraryError(validation_problems(source, exc)) from exc


def split_front_matter(text: str, source: str) -> tuple[Any, str]:
    if not text.startswith("---\n"):
        raise LibraryError([f"{source} : l’en-tête YAML (entre deux lignes ---) est manquant"])
    front, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise LibraryError([f"{source} : l’en-tête YAML n’est pas fermé par une ligne ---"])
    try:
        return yaml.load(front, Loader=_Loader), body.strip() + "\n"
    except yaml.YAMLError as exc:
        raise LibraryError([f"{source} : YAML invalide dans l’en-tête : {exc}"]) from exc


def load_practice(path: Path) -> Practice:
    front, body = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    if not isinstance(front, dict):
        raise LibraryError([f"{path} : l’en-tête doit être un dictionnaire YAML"])
    return parse(Practice, {**front, "body": body}, str(path))


@dataclass(frozen=True)
class Library:
    """Everything the advisor and the drafter know, as validated content."""

    root: Path
    manifest: Manifest
    legal: LegalReferences
    thresholds: Thresholds
    obligations: Obligations
    sizing: Sizing
    cpv_lists: CpvLists
    mechanisms: dict[MechanismId, Mechanism]
    practices: dict[str, Practice]
    questionnaire: Questionnaire
    followup: FollowupVocabularies
    national_figures: NationalFigures
    compatibility: Compatibility
    qualified_labour: QualifiedLabour
    planner: PlannerRules
    note_texts: Notes
    search: SearchTerms
    source_files: dict[str, Path] = field(default_factory=dict, compare=False)

    @property
    def version(self) -> str:
        return self.manifest.version

    @cached_property
    def references(self) -> dict[str, LegalReference]:
        return {ref.id: ref for ref in self.legal.references}

    @cached_property
    def sectors(self) -> dict[str, Sector]:
        return {s.id: s for s in self.sizing.sectors}

    def cpv_list(self, list_id: str) -> CpvList:
        for cpv_list in self.cpv_lists.lists:
            if cpv_list.id == list_id:
                return cpv_list
        raise KeyError(list_id)

    @cached_property
    def _sectors(self) -> _LongestPrefix[Sector]:
        return _LongestPrefix(self.sizing.sectors, lambda s: s.cpv_prefixes)

    def sector_for(self, cpv: str | None) -> Sector | None:
        """The sector of the longest prefix that covers the code in the CPV hierarchy."""
        return self._sectors.find(cpv) if cpv else None

    @cached_property
    def notes(self) -> dict[str, NoteText]:
        return {n.id: n for n in self.note_texts.notes}

    @cached_property
    def _qualified(self) -> _LongestPrefix[QualifiedTrade]:
        return _LongestPrefix(self.qualified_labour.entries, lambda q: q.cpv_prefixes)

    def qualified_for(self, cpv: str | None) -> QualifiedTrade | None:
        """The qualified or regulated trade of the longest prefix covering the code, if any."""
        return self._qualified.find(cpv) if cpv else None

    @cached_property
    def _matches(self) -> dict[tuple[str, str], CpvRange | str | None]:
        return {}  # filled by cpv_match (_remembered)

    def cpv_match(self, list_id: str, cpv: str | None) -> CpvRange | str | None:
        if not cpv:
            return None
        code = cpv[:8]
        return _remembered(
            self._matches, (list_id, code), lambda: self.cpv_list(list_id).match(code)
        )

    def in_cpv_list(self, list_id: str, cpv: str | None) -> bool:
        return self.cpv_match(list_id, cpv) is not None


def load_library(root: Path | None = None) -> Library:
    """Read and validate every content file; collect every problem before raising."""
    root = root or default_library_path()
    if not root.is_dir():
        raise LibraryError([f"{root} : dossier de la bibliothèque introuvable"])
    problems: list[str] = []
    files: dict[str, Path] = {}

    def load(model: type[M], name: str) -> M | None:
        path = root / name
        files[name] = path
        try:
            return parse(model, read_yaml(path), str(path))
        except LibraryError as exc:
            problems.extend(exc.problems)
            return None

    manifest = load(Manifest, "library.yaml")
    legal = load(LegalReferences, "legal_references.yaml")
    thresholds = load(Thresholds, "thresholds.yaml")
    obligations = load(Obligations, "obligations.yaml")
    sizing = load(Sizing, "sizing.yaml")
    cpv_lists = load(CpvLists, "cpv_lists.yaml")
    questionnaire = load(Questionnaire, "questionnaire.yaml")
    followup = load(FollowupVocabularies, "followup.yaml")
    national_figures = load(NationalFigures, "national_figures.yaml")
    compatibility = load(Compatibility, "compatibility.yaml")
    qualified_labour = load(QualifiedLabour, "qualified_labour.yaml")
    planner = load(PlannerRules, "planner.yaml")
    note_texts = load(Notes, "notes.yaml")
    search = load(SearchTerms, "search.yaml")

    mechanisms: dict[MechanismId, Mechanism] = {}
    for path in sorted((root / "mechanisms").glob("*.yaml")):
        mechanism = load(Mechanism, f"mechanisms/{path.name}")
        if mechanism is None:
            continue
        if mechanism.id.value != path.stem:
            problems.append(f"{path} : id : « {mechanism.id} » ne correspond pas au nom du fichier")
        mechanisms[mechanism.id] = mechanism
    missing = [m.value for m in MechanismId if m not in mechanisms]
    if missing and not problems:
        problems.append(f"{root / 'mechanisms'} : mécanismes manquants : {', '.join(missing)}")

    practices: dict[str, Practice] = {}
    for path in sorted((root / "practices").glob("*.md")):
        files[f"practices/{path.name}"] = path
        try:
            practice = load_practice(path)
        except LibraryError as exc:
            problems.extend(exc.problems)
            continue
        if practice.id != path.stem:
            problems.append(f"{path} : id : « {practice.id} » ne correspond pas au nom du fichier")
        practices[practice.id] = practice

    if problems:
        raise LibraryError(problems)
    assert manifest and legal and thresholds and obligations and sizing and cpv_lists
    assert questionnaire and followup and national_figures and compatibility
    assert qualified_labour and planner and note_texts and search
    return Library(
        root=root,
        manifest=manifest,
        legal=legal,
        thresholds=thresholds,
        obligations=obligations,
        sizing=sizing,
        cpv_lists=cpv_lists,
        mechanisms=mechanisms,
        practices=practices,
        questionnaire=questionnaire,
        followup=followup,
        national_figures=national_figures,
        compatibility=compatibility,
        qualified_labour=qualified_labour,
        planner=planner,
        note_texts=note_texts,
        search=search,
        source_files=files,
    )
