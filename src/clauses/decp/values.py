"""The values of the award's fields: their types and constraints, the models of a place and of a
holder, and the checks of a value given (each named by a field of
:data:`clauses.decp.fields.FIELDS`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from clauses.decp.enums import HolderIdType, PlaceType
from clauses.decp.identifiers import (
    AMOUNT_MAX,
    contract_id_problem,
    holder_id_problem,
    siret_problem,
)
from clauses.profile import Integer, Number

ContractId = Annotated[str, Field(min_length=1, max_length=16)]  # DECP IdentifiantMarche
Siret = Annotated[str, Field(min_length=1, max_length=40)]  # 14 digits, Luhn: siret_check
Amount = Annotated[Number, Field(ge=1, allow_inf_nan=False)]  # at most AMOUNT_MAX: amount_check
Offers = Annotated[Integer, Field(ge=1, le=100_000)]
Rate = Annotated[Number, Field(ge=0, le=1)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class In(BaseModel):
    """What the buyer gives: no key the model does not know, values trimmed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Place(In):
    code: ShortText
    type: PlaceType


class Holder(In):
    id_type: HolderIdType
    id: ShortText
    # Kept for the follow-up documents; DECP 2.0 publishes the holder's identifier only.
    name: ShortText | None = None

    @field_validator("id")
    @classmethod
    def _identifier(cls, value: str, info: ValidationInfo) -> str:
        id_type = info.data.get("id_type")
        if id_type is not None:
            problem = holder_id_problem(id_type.value, value, "l’identifiant du titulaire")
            if problem:
                raise ValueError(problem)
        return value


# Checks of a value given (never None): ``check(value, what, given)`` raises ValueError with
# the French refusal; ``what`` names the value (« le montant du lot »), ``given`` the values of
# the fields before it.
Check = Callable[[Any, str, Mapping[str, Any]], None]


def unique(values: list[Any], what: str) -> None:
    if len(values) != len(set(values)):
        raise ValueError(f"{what} en double")


def distinct(loner: StrEnum | None = None) -> Check:
    """Each value once; ``loner`` (« Sans objet »…) never with another value, as DECP wants."""

    def check(values: list[Any], what: str, given: Mapping[str, Any]) -> None:
        unique(values, "valeur")
        if loner is not None and len(values) > 1 and loner in values:
            raise ValueError(f"« {loner.value} » ne se combine avec aucune autre valeur")

    return check


def contract_id_check(value: str, what: str, given: Mapping[str, Any]) -> None:
    """A DECP ``id`` (the ministry's pattern)."""
    problem = contract_id_problem(value, what)
    if problem:
        raise ValueError(problem)


def siret_check(value: str, what: str, given: Mapping[str, Any]) -> None:
    problem = siret_problem(value, what)
    if problem:
        raise ValueError(problem)


def amount_check(value: float, what: str, given: Mapping[str, Any]) -> None:
    """An amount the consolidation keeps (at most 3 billion €)."""
    if value > AMOUNT_MAX:
        raise ValueError(
            f"{what} dépasse 3 000 000 000 € HT : les données essentielles consolidées "
            "écartent un tel montant ; vérifiez le montant saisi"
        )


def holders_check(values: list[Holder], what: str, given: Mapping[str, Any]) -> None:
    unique([(h.id_type, h.id) for h in values], "titulaire")


def lots_check(values: list[Any], what: str, given: Mapping[str, Any]) -> None:
    unique([lot.lot for lot in values], "numéro de lot")
    unique([lot.id for lot in values if lot.id], "identifiant de lot")


def advance_rate_check(value: float, what: str, given: Mapping[str, Any]) -> None:
    if given.get("advance_payment") is not True:
        raise ValueError("un taux d’avance suppose advance_payment: true")
