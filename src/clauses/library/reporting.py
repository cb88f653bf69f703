"""Content of the after-award work: follow-up vocabularies and national figures (DOMAIN §4, §6).

``followup.yaml`` holds the ways to fulfil a clause, the eligible publics, the contract types and
the outcomes six months after; ``national_figures.yaml`` the national shares a SPASER report
compares with. Both are loaded and validated with the rest of the library.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Generic, Literal, TypeVar

from pydantic import Field, model_validator

from clauses.library.models import Source, Status, Strict, StructureKind

TermId = str


class Term(Strict):
    id: TermId = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=2)


class Way(Term):
    """A way to fulfil the clause, with the kinds of structure it goes through ([]: none)."""

    structures: list[StructureKind] = Field(default_factory=list)


T = TypeVar("T", bound=Term)


class Vocabulary(Strict, Generic[T]):
    status: Status
    sources: list[Source] = Field(min_length=1)
    terms: list[T] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> Vocabulary[T]:
        ids = [t.id for t in self.terms]
        if len(ids) != len(set(ids)):
            raise ValueError("identifiants en double")
        return self

    @cached_property
    def by_id(self) -> dict[str, T]:
        return {t.id: t for t in self.terms}


class FollowupVocabularies(Strict):
    reviewed_on: dt.date
    ways: Vocabulary[Way]
    publics: Vocabulary[Term]
    contract_types: Vocabulary[Term]
    outcomes: Vocabulary[Term]


class NationalShare(Strict):
    year: int = Field(ge=2000, le=2100)
    scope: Literal["all", "collectivites", "state"]
    share: float = Field(ge=0, le=1)


class SocialClauseShare(Strict):
    title: str
    min_amount_eur: int = Field(gt=0)
    status: Status
    sources: list[Source] = Field(min_length=1)
    values: list[NationalShare] = Field(min_length=1)


class Target(Strict):
    title: str
    year: int = Field(ge=2000, le=2100)
    share: float = Field(ge=0, le=1)
    status: Status
    sources: list[Source] = Field(min_length=1)


class NationalFigures(Strict):
    reviewed_on: dt.date
    social_clause_share: SocialClauseShare
    targets: list[Target] = Field(default_factory=list)
