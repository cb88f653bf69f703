"""Cross-file review of the clause library (``clauses check-library``).

Loading already validates each file on its own; this adds what only the whole library shows:
cited articles exist, referenced ids exist, dates are consistent, every clause renders with its
sample parameters, and statements still to verify say so to the buyer.

What the library must hold for the advisor's code (the notes it cites, the fields it reads only
in some cases…) is checked by :mod:`clauses.advisor.checks`, which also runs this review: the
library does not import the advisor that reads it.
"""
# Over 400 lines: one review per content file, each over the whole library, run as one check.

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import string
import typing
from collections import Counter
from collections.abc import Iterable, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any, cast

from jinja2 import TemplateSyntaxError
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from clauses.library.loader import Library
from clauses.library.models import (
    MESSAGE_FIELDS,
    ClauseText,
    LegalReference,
    Mechanism,
    MechanismId,
    ObligationId,
    Statement,
    Status,
    significant,
)
from clauses.library.questionnaire import Question, QuestionKind
from clauses.library.render import ClauseRenderError, render_note, render_sample, used_names
from clauses.library.search import words_of
from clauses.profile import Lot, TenderProfile

ARTICLE_RE = re.compile(r"\b[LRD]\.?\s?\d{4}-\d+(?:-\d+)?\b")
PRACTICE_HEADINGS = (
    "Contexte",
    "Démarche",
    "Outils",
    "Résultats",
    "Facteurs de réussite",
    "Sources",
)
TO_VERIFY_MARK = "à vérifier"
REPO = Path(__file__).resolve().parents[3]


def normalise_article(text: str) -> str:
    return re.sub(r"^([LRD])\.?\s?", r"\1", text)


def default_cpv_file() -> Path:
    """``CLAUSES_CPV_FILE`` if set, else the shared CPV 2008 file beside this checkout."""
    configured = os.environ.get("CLAUSES_CPV_FILE")
    return Path(configured) if configured else REPO.parent / "shared/data/cpv/cpv_2008_fr_en.csv"


def read_cpv_codes(path: Path) -> frozenset[str] | None:
    """The 8-digit codes of the CPV nomenclature, or None when the file is absent."""
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as source:
        return frozenset(row["code8"] for row in csv.DictReader(source))


def review(
    library: Library, today: dt.date, cpv_codes: frozenset[str] | None = None
) -> Iterator[str]:
    files = library.source_files
    yield from _review_cpv_lists(library, files["cpv_lists.yaml"], cpv_codes)
    yield from _review_sector_codes(library, files["sizing.yaml"], cpv_codes)
    yield from _review_references(library, files["legal_references.yaml"])
    yield from _review_thresholds(library, files["thresholds.yaml"])
    yield from _review_obligations(library, files["obligations.yaml"])
    yield from _review_sizing(library, files["sizing.yaml"])
    yield from _review_questionnaire(library, files["questionnaire.yaml"])
    yield from _review_compatibility(library, files["compatibility.yaml"])
    yield from _review_notes(library, files["notes.yaml"])
    yield from _review_qualified(library, files["qualified_labour.yaml"], cpv_codes)
    yield from _review_planner(library, files["planner.yaml"])
    yield from _review_search(library, files["search.yaml"], cpv_codes)
    for mechanism in library.mechanisms.values():
        yield from _review_mechanism(library, mechanism, files[f"mechanisms/{mechanism.id}.yaml"])
    for practice in library.practices.values():
        where = files[f"practices/{practice.id}.md"]
        headings = re.findall(r"^## (.+?)\s*$", practice.body, flags=re.MULTILINE)
        if tuple(headings) != PRACTICE_HEADINGS:
            yield (
                f"{where} : body : titres attendus dans cet ordre : "
                f"{', '.join(PRACTICE_HEADINGS)} (trouvés : {', '.join(headings) or 'aucun'})"
            )
        for i, sector in enumerate(practice.sectors):
            if sector not in library.sectors:
                yield f"{where} : sectors[{i}] : secteur « {sector} » absent de sizing.yaml"
        if practice.reviewed_on > today:
            yield f"{where} : reviewed_on : date future ({practice.reviewed_on})"
    for name, path in files.items():
        reviewed = _reviewed_on(library, name)
        if reviewed is not None and reviewed > today:
            yield f"{path} : reviewed_on : date future ({reviewed})"


# The part of the library each content file gives (its ``reviewed_on`` is the file's).
_PARTS = {
    "library.yaml": attrgetter("manifest"),
    "legal_references.yaml": attrgetter("legal"),
    "thresholds.yaml": attrgetter("thresholds"),
    "obligations.yaml": attrgetter("obligations"),
    "sizing.yaml": attrgetter("sizing"),
    "cpv_lists.yaml": attrgetter("cpv_lists"),
    "questionnaire.yaml": attrgetter("questionnaire"),
    "compatibility.yaml": attrgetter("compatibility"),
    "notes.yaml": attrgetter("note_texts"),
    "qualified_labour.yaml": attrgetter("qualified_labour"),
    "planner.yaml": attrgetter("planner"),
}


def _reviewed_on(library: Library, name: str) -> dt.date | None:
    if name in _PARTS:
        reviewed: dt.date = _PARTS[name](library).reviewed_on
        return reviewed
    if name.startswith("mechanisms/"):
        mechanism = library.mechanisms.get(
            MechanismId(name.removeprefix("mechanisms/").removesuffix(".yaml"))
        )
        return mechanism.reviewed_on if mechanism else None
    return None


def _repeated(values: Iterable[str]) -> list[str]:
    """The values given more than once, each once and in order."""
    return sorted(value for value, count in Counter(values).items() if count > 1)


def _duplicate_ids(where: str, ids: Iterable[str]) -> Iterator[str]:
    for repeated in _repeated(ids):
        yield f"{where} : id « {repeated} » en double"


def _statement_problems(statement: Statement, where: str) -> Iterator[str]:
    if statement.status is Status.to_verify and TO_VERIFY_MARK not in statement.text:
        yield f"{where} : text : un énoncé « to_verify » doit dire « {TO_VERIFY_MARK} »"


def _cited_articles(library: Library, text: str, where: str) -> Iterator[str]:
    for match in ARTICLE_RE.finditer(text):
        article = normalise_article(match.group(0))
        if article not in library.references:
            yield f"{where} : article {article} cité mais absent de legal_references.yaml"


def _review_references(library: Library, path: Path) -> Iterator[str]:
    seen: set[str] = set()
    for i, ref in enumerate(library.legal.references):
        if ref.id in seen:
            yield f"{path} : references[{i}].id : « {ref.id} » en double"
        seen.add(ref.id)
        if ref.text == "CCP" and ref.url is None:
            yield f"{path} : references[{i}].url : lien Légifrance obligatoire pour un article du CCP"
        yield from _reference_dates(ref, f"{path} : references[{i}]", library.legal.reviewed_on)


def _reference_dates(ref: LegalReference, where: str, reviewed_on: dt.date) -> Iterator[str]:
    for j, source in enumerate(ref.sources):
        if source.date and source.date > reviewed_on:
            yield f"{where}.sources[{j}].date : postérieure à la date de relecture"


def _review_thresholds(library: Library, path: Path) -> Iterator[str]:
    periods = sorted(library.thresholds.eu, key=lambda p: p.valid_from)
    for i, period in enumerate(periods):
        if period.valid_to < period.valid_from:
            yield f"{path} : eu[{i}].valid_to : antérieure à valid_from"
        if i and period.valid_from != periods[i - 1].valid_to + dt.timedelta(days=1):
            yield f"{path} : eu[{i}].valid_from : les périodes doivent se suivre sans trou ni chevauchement"
    for nature in ("works", "supplies_services"):
        ranges = sorted(
            (t for t in library.thresholds.no_procedure if t.nature == nature),
            key=lambda t: t.valid_from,
        )
        if not ranges:
            yield f"{path} : no_procedure : aucun seuil pour « {nature} »"
        for j, current in enumerate(ranges):
            if current.valid_to is not None and current.valid_to < current.valid_from:
                yield f"{path} : no_procedure ({nature}) : valid_to antérieure à valid_from"
            if j + 1 < len(ranges):
                following = ranges[j + 1]
                if (
                    current.valid_to is None
                    or following.valid_from != current.valid_to + dt.timedelta(days=1)
                ):
                    yield f"{path} : no_procedure ({nature}) : les périodes doivent se suivre sans trou ni chevauchement"
            elif current.valid_to is not None:
                yield f"{path} : no_procedure ({nature}) : la dernière période doit rester ouverte"
    yield from _statement_problems(
        library.thresholds.decp_publication, f"{path} : decp_publication"
    )


def _review_obligations(library: Library, path: Path) -> Iterator[str]:
    ids = [o.id for o in library.obligations.obligations]
    for missing in set(ObligationId) - set(ids):
        yield f"{path} : obligations : obligation « {missing} » manquante"
    for i, obligation in enumerate(library.obligations.obligations):
        where = f"{path} : obligations[{i}]"
        for article in obligation.legal_basis:
            if article not in library.references:
                yield f"{where}.legal_basis : article {article} absent de legal_references.yaml"
        yield from _statement_problems(obligation.statement, f"{where}.statement")
        for j, derogation in enumerate(obligation.derogations):
            yield from _statement_problems(derogation, f"{where}.derogations[{j}]")
        if (
            obligation.valid_from_status is Status.to_verify
            and TO_VERIFY_MARK not in obligation.statement.text
        ):
            yield f"{where}.statement : la date d’entrée en vigueur est à vérifier : le texte doit le dire"


def _review_sizing(library: Library, path: Path) -> Iterator[str]:
    yield from _duplicate_ids(f"{path} : sectors", (s.id for s in library.sizing.sectors))
    prefixes = [significant(p) for s in library.sizing.sectors for p in s.cpv_prefixes]
    for prefix in _repeated(prefixes):
        yield f"{path} : sectors : préfixe CPV « {prefix} » attribué à plusieurs secteurs"


def _unknown_code(code: str, cpv_codes: frozenset[str] | None) -> bool:
    return cpv_codes is not None and code not in cpv_codes


def _unknown_prefix(prefix: str, cpv_codes: frozenset[str] | None) -> bool:
    return cpv_codes is not None and not any(c.startswith(prefix) for c in cpv_codes)


def _review_cpv_lists(
    library: Library, path: Path, cpv_codes: frozenset[str] | None
) -> Iterator[str]:
    yield from _duplicate_ids(
        f"{path} : lists", (cpv_list.id for cpv_list in library.cpv_lists.lists)
    )
    for i, cpv_list in enumerate(library.cpv_lists.lists):
        where = f"{path} : lists[{i}]"
        families = {f.id for f in cpv_list.families}
        for j, cpv_range in enumerate(cpv_list.ranges):
            at = f"{where}.ranges[{j}]"
            if cpv_range.last < cpv_range.first:
                yield f"{at} : plage inversée ({cpv_range.first} après {cpv_range.last})"
            for end in sorted({cpv_range.first, cpv_range.last}):
                if _unknown_code(end, cpv_codes):
                    yield f"{at} : code CPV {end} absent de la nomenclature CPV 2008"
            if cpv_range.family is not None and cpv_range.family not in families:
                yield f"{at}.family : famille « {cpv_range.family} » absente de families"
            if cpv_list.status is Status.sourced and cpv_range.status is Status.to_verify:
                yield f"{at}.status : une plage à vérifier dans une liste dite sourcée"
        for j, code in enumerate(cpv_list.codes):
            if _unknown_code(code, cpv_codes):
                yield f"{where}.codes[{j}] : code CPV {code} absent de la nomenclature CPV 2008"
        for j, prefix in enumerate(cpv_list.cpv_prefixes):
            if _unknown_prefix(prefix, cpv_codes):
                yield f"{where}.cpv_prefixes[{j}] : aucun code CPV ne commence par {prefix}"
        for family in cpv_list.families:
            yield from _cited_articles(library, family.title, f"{where}.families[{family.id}]")
            if family.id not in {r.family for r in cpv_list.ranges}:
                yield f"{where}.families : famille « {family.id} » sans aucune plage"


def _review_sector_codes(
    library: Library, path: Path, cpv_codes: frozenset[str] | None
) -> Iterator[str]:
    for i, sector in enumerate(library.sizing.sectors):
        for j, prefix in enumerate(sector.cpv_prefixes):
            if _unknown_prefix(prefix, cpv_codes):
                yield f"{path} : sectors[{i}].cpv_prefixes[{j}] : aucun code CPV ne commence par {prefix}"


def _review_compatibility(library: Library, path: Path) -> Iterator[str]:
    yield from _duplicate_ids(f"{path} : rules", (r.id for r in library.compatibility.rules))
    for i, rule in enumerate(library.compatibility.rules):
        where = f"{path} : rules[{i}]"
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(rule.message) if name}
        except ValueError as exc:
            yield f"{where}.message : accolades invalides : {exc}"
            continue
        for name in sorted(names - MESSAGE_FIELDS):
            yield f"{where}.message : « {{{name}}} » inconnu (permis : first, second, lots)"
        for name in sorted({"first", "second"} - names):
            yield f"{where}.message : le message doit nommer les deux mécanismes ({{{name}}})"
        yield from _statement_problems(rule.statement, f"{where}.statement")
        yield from _cited_articles(library, rule.statement.text, f"{where}.statement")


def _review_notes(library: Library, path: Path) -> Iterator[str]:
    yield from _duplicate_ids(f"{path} : notes", (n.id for n in library.note_texts.notes))
    for i, text in enumerate(library.note_texts.notes):
        where = f"{path} : notes[{i}]"
        try:
            used = used_names(text.text)
        except TemplateSyntaxError as exc:
            yield f"{where}.text : syntaxe invalide ligne {exc.lineno} : {exc.message}"
            continue
        for name in sorted(used - set(text.parameters)):
            yield f"{where}.text : « {name} » utilisé mais non déclaré dans parameters"
        for name in sorted(set(text.parameters) - used):
            yield f"{where}.parameters : « {name} » déclaré mais jamais utilisé"
        try:
            rendered = render_note(text, text.sample)
        except ClauseRenderError as exc:
            yield f"{where}.text : rendu impossible avec les valeurs d’exemple : {exc}"
            continue
        yield from _cited_articles(library, rendered, f"{where}.text")


def _review_qualified(
    library: Library, path: Path, cpv_codes: frozenset[str] | None
) -> Iterator[str]:
    entries = library.qualified_labour.entries
    yield from _duplicate_ids(f"{path} : entries", (q.id for q in entries))
    prefixes = [significant(p) for q in entries for p in q.cpv_prefixes]
    for prefix in _repeated(prefixes):
        yield f"{path} : entries : préfixe CPV « {prefix} » attribué à plusieurs métiers"
    for i, entry in enumerate(entries):
        for j, prefix in enumerate(entry.cpv_prefixes):
            if _unknown_prefix(prefix, cpv_codes):
                yield f"{path} : entries[{i}].cpv_prefixes[{j}] : aucun code CPV ne commence par {prefix}"


def _review_planner(library: Library, path: Path) -> Iterator[str]:
    rules = library.planner
    for key, statement in rules.statements.items():
        yield from _statement_problems(statement, f"{path} : statements.{key}")
        yield from _cited_articles(library, statement.text, f"{path} : statements.{key}")
    options = {o.id: o for o in library.mechanisms[MechanismId.other_social_condition].options}
    option = options.get(rules.reserved_perimeter_option)
    if option is None:
        yield (
            f"{path} : reserved_perimeter_option : « {rules.reserved_perimeter_option} » n’est "
            "pas une option de other_social_condition.yaml"
        )
    elif not option.reserved_only:
        yield f"{path} : reserved_perimeter_option : l’option doit être marquée reserved_only"


def _review_search(library: Library, path: Path, cpv_codes: frozenset[str] | None) -> Iterator[str]:
    yield from _duplicate_ids(f"{path} : terms", (t.id for t in library.search.terms))
    owners: dict[tuple[str, ...], str] = {}
    for i, term in enumerate(library.search.terms):
        for typed in term.typed:
            words = words_of(typed)
            if not words:
                yield f"{path} : terms[{i}].typed : « {typed} » n’a aucun mot qui compte"
            elif owners.setdefault(words, term.id) != term.id:
                yield (
                    f"{path} : terms[{i}].typed : « {typed} » déjà dans le terme "
                    f"« {owners[words]} » : une saisie ne peut vouloir dire deux choses"
                )
        for j, code in enumerate(term.cpv):
            if _unknown_code(code[:8], cpv_codes):
                yield f"{path} : terms[{i}].cpv[{j}] : code CPV {code} absent de la nomenclature CPV 2008"


def _review_clause(library: Library, clause: ClauseText, where: str) -> Iterator[str]:
    declared = {p.name for p in clause.parameters}
    try:
        used = used_names(clause.text)
    except TemplateSyntaxError as exc:
        yield f"{where}.text : rendu impossible : syntaxe invalide ligne {exc.lineno} : {exc.message}"
        return
    for name in sorted(used - declared):
        yield f"{where}.text : « {name} » utilisé mais non déclaré dans parameters"
    for name in sorted(declared - used):
        yield f"{where}.parameters : « {name} » déclaré mais jamais utilisé"
    try:
        rendered = render_sample(clause)
    except ClauseRenderError as exc:
        yield f"{where}.text : rendu impossible avec les valeurs d’exemple : {exc}"
        return
    yield from _cited_articles(library, rendered, f"{where}.text")


def _review_mechanism(library: Library, mechanism: Mechanism, path: Path) -> Iterator[str]:
    for i, basis in enumerate(mechanism.legal_basis):
        if basis.article not in library.references:
            yield f"{path} : legal_basis[{i}].article : {basis.article} absent de legal_references.yaml"
    groups = (("conditions", mechanism.conditions), ("pitfalls", mechanism.pitfalls))
    for name, statements in groups:
        for i, statement in enumerate(statements):
            yield from _statement_problems(statement, f"{path} : {name}[{i}]")
            yield from _cited_articles(library, statement.text, f"{path} : {name}[{i}]")
    yield from _statement_problems(mechanism.avise_recommendation, f"{path} : avise_recommendation")
    yield from _cited_articles(library, mechanism.summary, f"{path} : summary")
    for i, clause in enumerate(mechanism.clauses):
        yield from _review_clause(library, clause, f"{path} : clauses[{i}]")
    for key, note in mechanism.notes.items():
        yield from _statement_problems(note, f"{path} : notes.{key}")
        yield from _cited_articles(library, note.text, f"{path} : notes.{key}")
    for i, option in enumerate(mechanism.options):
        where = f"{path} : options[{i}]"
        yield from _statement_problems(option.statement, f"{where}.statement")
        yield from _cited_articles(library, option.statement.text, f"{where}.statement")
        for name, sectors in (("sectors", option.sectors), ("not_sectors", option.not_sectors)):
            for j, sector in enumerate(sectors):
                if sector not in library.sectors:
                    yield f"{where}.{name}[{j}] : secteur « {sector} » absent de sizing.yaml"
        yield from _review_clause(library, option.clause, f"{where}.clause")


def _profile_field(model: type[BaseModel], dotted: str) -> FieldInfo | None:
    """The model field a dotted question path names (``local_offer.insertion``), if any."""
    *parents, name = dotted.split(".")
    for part in parents:
        info = model.model_fields.get(part)
        annotation = info.annotation if info else None
        # An optional object (``agreement: Agreement | None``) is the object.
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            annotation = members[0]
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model.model_fields.get(name)


def _review_question(question: Question, model: type[BaseModel], where: str) -> Iterator[str]:
    info = _profile_field(model, question.field)
    if info is None:
        yield f"{where}.field : « {question.field} » n’est pas un champ de {model.__name__}"
        return
    if question.kind is QuestionKind.lots:
        for k, item in enumerate(question.items):
            yield from _review_question(item, Lot, f"{where}.items[{k}]")
        return
    adapter: TypeAdapter[Any] = TypeAdapter(cast(Any, info.annotation))
    for k, choice in enumerate(question.choices):
        if choice.value == "" and not question.required:
            continue  # « no answer » said in words (« marché ordinaire »): the field stays absent
        try:
            adapter.validate_python(choice.value)
        except ValidationError:
            yield f"{where}.choices[{k}] : « {choice.value} » refusé par le champ {question.field}"


def _review_questionnaire(library: Library, path: Path) -> Iterator[str]:
    for i, step in enumerate(library.questionnaire.steps):
        for j, question in enumerate(step.questions):
            yield from _review_question(
                question, TenderProfile, f"{path} : steps[{i}].questions[{j}]"
            )
    asked = {q.field for q in library.questionnaire.questions}
    for name, info in TenderProfile.model_fields.items():
        if info.is_required() and name not in asked:
            yield f"{path} : steps : le champ obligatoire « {name} » n’est demandé par aucune question"
