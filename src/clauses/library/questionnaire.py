"""The guided questionnaire (``clause_library/questionnaire.yaml``): steps of questions about a
tender, each mapped to a :class:`~clauses.profile.TenderProfile` field, with the help text that
says why it matters and the condition under which it is worth asking.

Content, not code: the web wizard only walks these steps. ``clauses check-library`` verifies that
every question names a real profile field and that its choices are values that field accepts.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from clauses.library.models import Sector, Strict, StructureKind

NBSP = "\u00a0"
FIELD_PATH = r"^[a-z][a-z_]*(\.[a-z][a-z_]*)?$"


class QuestionKind(StrEnum):
    text = "text"
    choice = "choice"  # one of ``choices`` (radio buttons)
    boolean = "boolean"  # oui / non / je ne sais pas
    integer = "integer"
    amount = "amount"  # euros HT
    percent = "percent"  # entered as « 5 » for 5 %, stored as the share 0.05
    number = "number"
    date = "date"
    cpv = "cpv"  # a CPV code, with a search by code or French label
    region = "region"  # an INSEE region code, among ``choices``
    lots = "lots"  # a list of lots, each answered with ``items``


class Choice(Strict):
    value: str
    label: str


class Condition(Strict):
    """When a question can change the advice; every criterion given must hold.

    Without the facts a criterion reads (no nature, no CPV sector yet), the question is not asked:
    the advisor could not use the answer either.
    """

    nature_in: list[Literal["works", "supplies", "services"]] | None = None
    sizing_method: Literal["general", "cleaning_branch"] | None = None
    sector_structures_any: list[StructureKind] | None = Field(
        default=None,
        description="the CPV sector's typical structures include one of these (a reservation "
        "to such structures could apply)",
    )

    def why_not(self, *, nature: str | None, sector: Sector | None) -> str:
        """Why the question is not asked, in French (the first criterion that fails), to follow
        « Question non posée : »."""
        natures = {"works": "travaux", "supplies": "fournitures", "services": "services"}
        if self.nature_in is not None and nature not in self.nature_in:
            wanted = " ou ".join(f"des {natures[n]}" for n in self.nature_in)
            if nature not in natures:
                return (
                    f"elle ne concerne que les marchés portant sur {wanted}{NBSP}; "
                    "choisissez d’abord la nature du marché"
                )
            return f"elle ne concerne que les marchés portant sur {wanted}, pas sur des {natures[str(nature)]}"
        if self.sizing_method == "cleaning_branch" and (
            sector is None or sector.sizing_method != self.sizing_method
        ):
            where = (
                f"le code CPV relève du secteur «{NBSP}{sector.label}{NBSP}»"
                if sector
                else "aucun code CPV de ce secteur n’est donné"
            )
            return f"elle ne sert qu’à la méthode de calcul de la branche propreté, et {where}"
        if self.sector_structures_any is not None:
            disability = {StructureKind.ea, StructureKind.eatt, StructureKind.esat}
            who = (
                "des entreprises adaptées et des ESAT"
                if set(self.sector_structures_any) <= disability
                else "des structures d’insertion (SIAE)"
            )
            if sector is None:
                return (
                    f"elle ne se pose que si le code CPV désigne une activité courante {who}, "
                    "qui pourrait leur être réservée, et aucun code CPV reconnu n’est donné"
                )
            return (
                f"le secteur «{NBSP}{sector.label}{NBSP}» n’est pas une activité courante {who}{NBSP}: "
                "une réservation à leur profit ne s’y appliquerait pas"
            )
        return "sa réponse ne changerait pas les conseils pour ce marché"

    def holds(self, *, nature: str | None, sector: Sector | None) -> bool:
        if self.nature_in is not None and nature not in self.nature_in:
            return False
        if self.sizing_method is not None and (
            sector is None or sector.sizing_method != self.sizing_method
        ):
            return False
        return self.sector_structures_any is None or (
            sector is not None
            and bool(set(sector.typical_structures) & set(self.sector_structures_any))
        )


class Question(Strict):
    field: str = Field(pattern=FIELD_PATH, description="TenderProfile field, dotted if nested")
    kind: QuestionKind
    label: str = Field(min_length=3)
    help: str = Field(min_length=10, description="why the question matters, in French")
    required: bool = False
    unit: str | None = None
    example: str | None = None
    choices: list[Choice] = Field(default_factory=list)
    ask_when: Condition | None = None
    items: list[Question] = Field(
        default_factory=list, description="lots: the questions asked for each lot (Lot fields)"
    )

    @property
    def id(self) -> str:
        """The HTML id and form name of the answer."""
        return self.field.replace(".", "__")

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.kind in (QuestionKind.choice, QuestionKind.region) and not self.choices:
            raise ValueError("une question à choix doit lister ses choix (choices)")
        if self.kind is QuestionKind.lots and not self.items:
            raise ValueError("la question des lots doit lister les questions par lot (items)")
        if self.kind is not QuestionKind.lots and self.items:
            raise ValueError("items n’est permis que pour la question des lots")
        return self


class Step(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="the step's address in the wizard")
    title: str
    intro: str
    questions: list[Question] = Field(min_length=1)


class Questionnaire(Strict):
    reviewed_on: dt.date
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Questionnaire:
        steps = [s.id for s in self.steps]
        if len(steps) != len(set(steps)):
            raise ValueError("identifiants d’étapes en double")
        fields = [q.field for q in self.questions]
        if len(fields) != len(set(fields)):
            raise ValueError("un champ du profil est demandé par plusieurs questions")
        return self

    @property
    def questions(self) -> list[Question]:
        return [q for step in self.steps for q in step.questions]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def question(self, field: str) -> Question | None:
        return next((q for q in self.questions if q.field == field), None)
