"""What the sizing step shows besides its questions: the value the advisor uses for each answer
left blank, where it comes from, and what each answer given changes to the hours.

Nothing is computed here: every figure is the advisor's — the dossier's :class:`Advice`, and for
an answer given, the default the sizing would take without it (:func:`hours.default_of`) and
the hours the advice would give without it (:func:`insertion_hours`), the answer's effect being
the difference. Neither advises again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clauses import french
from clauses.advisor.advise import insertion_hours
from clauses.advisor.hours import Default, default_of, rates_for
from clauses.advisor.model import Advice, LotHours
from clauses.library import Library
from clauses.library.questionnaire import Question, Step
from clauses.profile import TenderProfile
from clauses.questionnaire import wizard
from clauses.vocabulary import NATURE_LABELS

NBSP = "\u00a0"
# The sizing answers whose value the advisor reads from the Sizing it returns.
SIZING_VALUES: dict[str, Callable[[float], str]] = {
    "labour_share": french.percent,
    "insertion_rate": french.percent,
    "hourly_cost_eur": lambda value: f"{french.eur(value)} par heure",
}
SIZING_FIELDS = (*SIZING_VALUES, "transferred_staff_monthly_hours")


@dataclass(frozen=True)
class Effect:
    question: Question
    answer: str  # as it reads (« 900 heures par mois »)
    without: int  # the hours the advisor gives without this answer
    with_it: int


@dataclass(frozen=True)
class LotShare:
    """The labour share one lot's hours are computed with, and where it comes from: a works
    tender's lots differ by trade (painting 70 %, metal frames 20 %), and a lot without its own
    CPV code takes the main code's sector — the buyer must see which."""

    title: str
    share: float
    source: str  # « secteur « Peinture intérieure » », « votre réponse pour ce lot »…
    to_adjust: bool  # a library default, not a sourced value
    without_cpv: bool  # the lot has no CPV code of its own


@dataclass(frozen=True)
class SizingView:
    advice: Advice
    notes: dict[str, str]  # question id → « Sans réponse : 80 %, valeur par défaut … »
    effects: list[Effect]
    lots_under_floor: list[LotHours]
    floor_hours: int
    lot_shares: list[LotShare]


def _source(default: Default, nature: str) -> str:
    where = (
        f"du secteur «{NBSP}{default.sector_label}{NBSP}»"
        if default.sector_label
        else f"pour des {NATURE_LABELS.get(nature, 'marchés de cette nature')}"
    )
    if default.to_adjust:
        return f"valeur par défaut {where}, à ajuster avec le facilitateur"
    return f"valeur habituelle {where}"


def _advised_default(advice: Advice, name: str) -> Default:
    """The default the advice itself used (the answer is blank)."""
    sizing = advice.sizing
    value: float = getattr(sizing, name)
    return Default(value, sizing.sector_label, name in sizing.defaults_to_adjust)


def _lot_shares(profile: TenderProfile | None, library: Library) -> list[LotShare]:
    """Each lot's labour share as the advisor takes it (the same :func:`rates_for`), with its
    origin in words; empty for a tender without lots."""
    if profile is None or not profile.lots:
        return []
    shares = []
    for lot in profile.lots:
        rates = rates_for(profile, library, lot)
        if lot.labour_share is not None:
            source = "votre réponse pour ce lot"
        elif profile.labour_share is not None:
            source = "votre réponse pour tout le marché"
        elif rates.sector is not None:
            source = f"secteur «{NBSP}{rates.sector.label}{NBSP}»"
            if lot.cpv is None:
                source += " du code CPV principal"
        else:
            source = f"valeur habituelle des marchés de {NATURE_LABELS[profile.nature.value]}"
        shares.append(
            LotShare(
                lot.title,
                rates.labour_share,
                source,
                "labour_share" in rates.to_adjust,
                lot.cpv is None,
            )
        )
    return shares


def sizing_view(
    step: Step,
    answers: dict[str, Any],
    profile: TenderProfile | None,
    advice: Advice | None,
    library: Library,
    today: dt.date,
) -> SizingView | None:
    """The sizing explanation of a step that asks sizing questions (None for the other steps, or
    while the answers do not give an advice yet): ``profile`` and ``advice`` are the answers'."""
    questions = [q for q in wizard.visible(step, answers, library) if q.field in SIZING_FIELDS]
    if advice is None or not questions:
        return None
    notes: dict[str, str] = {}
    effects: list[Effect] = []
    lot_shares = _lot_shares(profile, library)
    nature = str(answers.get("nature"))
    for question in questions:
        raw = wizard.form_text(answers.get(question.field))
        if raw and profile is None:
            continue  # the answers do not make a profile: nothing to compare with
        if question.field == "labour_share" and lot_shares:
            notes[question.id] = (
                f"Sans réponse{NBSP}: chaque lot prend la part de main-d’œuvre de son secteur "
                f"(tableau ci-dessous){NBSP}; une part saisie ici remplace celle du secteur pour "
                "les lots sans part propre."
            )
        elif question.field in SIZING_VALUES:
            default = (
                default_of(profile, library, question.field)
                if raw and profile is not None
                else _advised_default(advice, question.field)
            )
            value = SIZING_VALUES[question.field](default.value)
            notes[question.id] = f"Sans réponse{NBSP}: {value}, {_source(default, nature)}."
        else:
            notes[question.id] = f"Sans réponse{NBSP}: aucun personnel repris."
        if raw and profile is not None:
            without = profile.model_copy(update={question.field: None})
            hours = insertion_hours(without, library, today)
            if hours != advice.insertion_hours:
                effects.append(
                    Effect(question, wizard.display(question, raw), hours, advice.insertion_hours)
                )
    floor = library.sizing.cleaning.floor_hours
    clause = next((r for r in advice.recommendations if r.lots), None)
    under = (
        [lot for lot in clause.lots if lot.computed_hours and lot.computed_hours < floor]
        if clause and advice.sizing.method == "cleaning_branch"
        else []
    )
    return SizingView(advice, notes, effects, under, floor, lot_shares)
