"""What a facilitator records about the insertion hours of one contract, and what follows.

Records are pseudonymous counts only: no name, no birth date, nothing that identifies a person.
Each :class:`HoursRecord` says, for one lot (or the whole contract) and one period, how many hours
were performed by one way of fulfilment (through which kind of structure), and optionally how
many people of which public and contract type performed them and where they were six months
later. A :class:`NonImputable` case records hours owed that could not be performed for a reason
the holder does not answer for, with its justification; it is deducted from the hours owed before
the penalty is computed.

Vocabularies (ways, publics, contract types, outcomes) are the library's (``followup.yaml``):
:func:`check_followup` checks a follow-up against them and against the contract's lots.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clauses import french
from clauses.library.models import StructureKind
from clauses.library.reporting import FollowupVocabularies
from clauses.profile import FieldError

MAX_HOURS = 10_000_000
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS, allow_inf_nan=False)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Dated(Protocol):
    @property
    def period_start(self) -> dt.date: ...
    @property
    def period_end(self) -> dt.date: ...


D = TypeVar("D", bound=_Dated)


def _period_in_order(entry: D) -> D:
    """An entry's period ends on or after its start: the validator of each entry over a period,
    reused as pydantic allows (a base class would move its fields before the entry's own)."""
    if entry.period_end < entry.period_start:
        raise ValueError("la fin de la période précède son début")
    return entry


class PeopleCount(_In):
    """``count`` people of one public and one contract type; ``outcome`` six months after, when
    known (an outcome id of the library), for all of them: split the count to give several."""

    public: str
    contract_type: str
    count: Annotated[int, Field(ge=1, le=1_000_000)]
    outcome: str | None = None


class HoursRecord(_In):
    lot: int | None = Field(default=None, ge=1)  # 1-based; None: a contract without lots
    period_start: dt.date
    period_end: dt.date
    way: str
    structure: StructureKind | None = None  # the ETTI, AI, GEIQ, SIAE, EA or ESAT kind
    hours: Hours
    people: list[PeopleCount] = Field(default_factory=list)

    _period = model_validator(mode="after")(_period_in_order)


class NonImputable(_In):
    """Hours owed that could not be performed for a reason the holder does not answer for."""

    lot: int | None = Field(default=None, ge=1)
    hours: Annotated[float, Field(gt=0, le=MAX_HOURS, allow_inf_nan=False)]
    justification: str = Field(min_length=3, max_length=2000)
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class OrderedAmount(_In):
    """A framework agreement (issue 22): the amount HT ordered (or invoiced) on a lot over a
    period, from which the hours owed are computed with the CCAP's ratio per 1 000 €. Orders
    below the strategy's floor per order are left out by whoever records the amount."""

    lot: int | None = Field(default=None, ge=1)
    period_start: dt.date
    period_end: dt.date
    amount_eur: Annotated[float, Field(ge=0, le=10_000_000_000, allow_inf_nan=False)]
    basis: Literal["ordered", "invoiced"] = "ordered"

    _period = model_validator(mode="after")(_period_in_order)


class FollowUp(_In):
    records: list[HoursRecord] = Field(default_factory=list)
    non_imputable: list[NonImputable] = Field(default_factory=list)
    # A framework agreement: the amounts ordered (or invoiced) per lot and period.
    orders: list[OrderedAmount] = Field(default_factory=list)


def check_followup(
    followup: FollowUp, vocabularies: FollowupVocabularies, lots: int
) -> list[FieldError]:
    """Every record's problems against the vocabularies and the contract's ``lots`` count."""
    errors: list[FieldError] = []
    for i, record in enumerate(followup.records, start=1):
        where = f"records[{i}]"
        errors.extend(_check_lot(record.lot, lots, where))
        way = vocabularies.ways.by_id.get(record.way)
        if way is None:
            errors.append(FieldError(f"{where}.way", "modalité de réalisation inconnue"))
        elif way.structures and record.structure not in way.structures:
            kinds = ", ".join(s.value for s in way.structures)
            errors.append(
                FieldError(
                    f"{where}.structure", f"structure attendue pour cette modalité : {kinds}"
                )
            )
        elif not way.structures and record.structure is not None:
            errors.append(
                FieldError(f"{where}.structure", "pas de structure pour une embauche directe")
            )
        for j, people in enumerate(record.people, start=1):
            at = f"{where}.people[{j}]"
            if people.public not in vocabularies.publics.by_id:
                errors.append(FieldError(f"{at}.public", "public éligible inconnu"))
            if people.contract_type not in vocabularies.contract_types.by_id:
                errors.append(FieldError(f"{at}.contract_type", "type de contrat inconnu"))
            if people.outcome is not None and people.outcome not in vocabularies.outcomes.by_id:
                errors.append(FieldError(f"{at}.outcome", "sortie à six mois inconnue"))
    for i, case in enumerate(followup.non_imputable, start=1):
        errors.extend(_check_lot(case.lot, lots, f"non_imputable[{i}]"))
    for i, order in enumerate(followup.orders, start=1):
        errors.extend(_check_lot(order.lot, lots, f"orders[{i}]"))
    return errors


def _check_lot(lot: int | None, lots: int, where: str) -> list[FieldError]:
    if lots and lot is None:
        return [FieldError(f"{where}.lot", "numéro de lot obligatoire : le marché est alloti")]
    if not lots and lot is not None:
        return [FieldError(f"{where}.lot", "le marché n’est pas alloti")]
    if lot is not None and lot > lots:
        return [FieldError(f"{where}.lot", f"le marché ne compte que {french.count(lots, 'lot')}")]
    return []
