"""TenderProfile: the facts about one tender (DESIGN §3.1), as a validated model."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from clauses import vocabulary

CPV_PATTERN = r"^[0-9]{8}(-[0-9])?$"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The launch dates covered (see _plausible_date), as documented in the API's schema.
LAUNCH_DATES = r"^(2016-(0[4-9]|1[0-2])|20(1[7-9]|[2-9][0-9])-[0-9]{2}|2100-[0-9]{2})-[0-9]{2}$"
MAX_AMOUNT_EUR = 10_000_000_000  # ten billion: far above any regional tender
MAX_DURATION_MONTHS = 600
MAX_TEXT = 10_000
MAX_LOTS = 200
YAML = "yaml"  # validation context: the data was read from YAML


class Nature(vocabulary.Labelled, labels=vocabulary.NATURE_LABELS):
    works = "works"
    supplies = "supplies"
    services = "services"


class BuyerKind(vocabulary.Labelled, labels=vocabulary.BUYER_LABELS):
    region = "region"
    department = "department"
    municipality = "municipality"
    state = "state"
    other = "other"


class AgreementKind(StrEnum):
    """How a framework agreement (accord-cadre) is executed."""

    purchase_orders = "purchase_orders"  # bons de commande
    subsequent_contracts = "subsequent_contracts"  # marchés subséquents


class OfferLevel(vocabulary.Labelled, labels=vocabulary.OFFER_LABELS):
    unknown = "unknown"
    none = "none"
    some = "some"
    many = "many"


# Re-exported: the labels live in clauses.vocabulary.
NATURE_LABELS = vocabulary.NATURE_LABELS
BUYER_LABELS = vocabulary.BUYER_LABELS
OFFER_LABELS = vocabulary.OFFER_LABELS


def _iso_date(value: Any) -> Any:
    """A date is a date or its ISO text: not a number (pydantic would read a Unix timestamp)."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError("date attendue au format AAAA-MM-JJ")
    return value


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool | str):
        raise ValueError("nombre entier attendu")
    return value


# Numbers and booleans are taken as such: « labour_share: yes » is not 100 %, nor 1 « oui ».
Number = Annotated[float, Strict()]
Integer = Annotated[int, BeforeValidator(_whole_number)]  # 12.0 is 12, as in JSON Schema
Boolean = Annotated[bool, Strict()]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
LaunchDate = Annotated[
    IsoDate, WithJsonSchema({"type": "string", "format": "date", "pattern": LAUNCH_DATES})
]
# Spaces around a text are dropped (str.strip): the schema asks for one character that is not a
# space, in Python's sense as in JSON Schema's (whose \s leaves out \x1c-\x1f and \x85).
NOT_ONLY_SPACES = r"[^\s\x1c-\x1f\x85]"
Text = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT, json_schema_extra={"pattern": NOT_ONLY_SPACES})
]
Share = Annotated[Number, Field(ge=0, le=1)]
Amount = Annotated[Number, Field(gt=0, le=MAX_AMOUNT_EUR, allow_inf_nan=False)]
Cpv = Annotated[str, Field(pattern=CPV_PATTERN)]


def cpv_nature(cpv: str | None) -> Nature | None:
    """The nature a CPV code's division implies: 45 works, 03 to 44 and 48 supplies, the
    others services (CPV 2008 structure)."""
    if not cpv:
        return None
    division = int(cpv[:2])
    if division == 45:
        return Nature.works
    return Nature.supplies if division <= 44 or division == 48 else Nature.services


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class LocalOffer(_Strict):
    insertion: OfferLevel = OfferLevel.unknown
    disability: OfferLevel = OfferLevel.unknown


def _cpv_as_text(value: Any, info: ValidationInfo) -> Any:
    """YAML reads an unquoted 45000000 as a number: take it as the code it was meant to be. Only
    from YAML: JSON has strings, and the API's schema says a code is one."""
    if (info.context or {}).get(YAML) and isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(8)
    return value


class Lot(_Strict):
    title: Text
    cpv: Cpv | None = None
    # For a framework agreement, the lot's maximum.
    estimated_amount_eur: Amount
    labour_share: Share | None = None
    # A framework agreement's lot: the minimum its holder is sure to be ordered, if any.
    minimum_eur: Annotated[Number, Field(ge=0, le=MAX_AMOUNT_EUR, allow_inf_nan=False)] | None = (
        None
    )

    _cpv = field_validator("cpv", mode="before")(_cpv_as_text)


class Agreement(_Strict):
    """A framework agreement (accord-cadre): executed by purchase orders or by subsequent
    contracts, with or without a minimum, with its maximum. The thresholds use the maximum
    (R2121-8, à vérifier); the hours of an insertion clause follow what is ordered."""

    kind: AgreementKind
    minimum_eur: Annotated[Number, Field(ge=0, le=MAX_AMOUNT_EUR, allow_inf_nan=False)] | None = (
        None
    )
    maximum_eur: Amount


# Social and other specific services and insertion contracts are services: the schema says so
# too, so that a client validating against it never sends what the model refuses.
SERVICES_ONLY_SCHEMA: dict[str, Any] = {
    "if": {
        "properties": {"nature": {"enum": [Nature.works.value, Nature.supplies.value]}},
        "required": ["nature"],
    },
    "then": {
        "properties": {
            "social_services": {"not": {"const": True}},
            "insertion_contract": {"not": {"const": True}},
        }
    },
}


# A lot's minimum belongs to a framework agreement: without ``agreement`` (absent or null), none
# (or null).
LOT_MINIMUM_SCHEMA: dict[str, Any] = {
    "if": {"properties": {"agreement": {"type": "null"}}},
    "then": {
        "properties": {
            "lots": {"items": {"properties": {"minimum_eur": {"type": "null"}}}},
        }
    },
}


class TenderProfile(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        json_schema_extra={"allOf": [SERVICES_ONLY_SCHEMA, LOT_MINIMUM_SCHEMA]},
    )

    title: Text
    nature: Nature
    cpv: Cpv | None = None
    estimated_amount_eur: Amount
    duration_months: Integer = Field(ge=1, le=MAX_DURATION_MONTHS)
    launch_date: LaunchDate | None = None
    buyer_kind: BuyerKind = BuyerKind.region
    region_code: Annotated[str, Field(pattern=r"^[0-9]{2,3}$")] | None = None
    lots: list[Lot] = Field(default_factory=list, max_length=MAX_LOTS)
    social_services: Boolean | None = None
    # The object of the contract is the insertion of the people it employs (R2123-1 3°).
    insertion_contract: Boolean | None = None
    labour_share: Share | None = None
    insertion_rate: Share | None = None
    # At least 1 € an hour: hours = amount / hourly cost must stay a plausible figure.
    hourly_cost_eur: Annotated[Number, Field(ge=1, le=10_000, allow_inf_nan=False)] | None = None
    transferred_staff_monthly_hours: (
        Annotated[Number, Field(ge=0, le=1_000_000, allow_inf_nan=False)] | None
    ) = None
    facilitator_available: Boolean | None = None
    local_offer: LocalOffer = Field(default_factory=LocalOffer)
    # A framework agreement; absent: an ordinary contract.
    agreement: Agreement | None = None

    _cpv = field_validator("cpv", mode="before")(_cpv_as_text)

    @property
    def is_framework(self) -> bool:
        return self.agreement is not None

    @field_validator("launch_date")
    @classmethod
    def _plausible_date(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not dt.date(2016, 4, 1) <= value <= dt.date(2100, 12, 31):
            raise ValueError("date hors de la période couverte (1er avril 2016 – 2100)")
        return value

    @field_validator("social_services", "insertion_contract")
    @classmethod
    def _services_only(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        """Social and other specific services, and insertion contracts, are services: a works
        or supplies contract that says so contradicts itself (R2123-1 3°)."""
        nature = info.data.get("nature")
        if value and nature in (Nature.works, Nature.supplies):
            what = (
                "des services sociaux et autres services spécifiques"
                if info.field_name == "social_services"
                else "un marché d’insertion et de qualification"
            )
            raise ValueError(
                f"contradiction : un marché de {NATURE_LABELS[nature]} ne peut pas porter sur "
                f"{what} (services seulement, R2123-1 3°) ; corrigez la nature ou ce champ"
            )
        return value

    def launch_on(self, as_of: dt.date) -> dt.date:
        """The launch date, defaulting to the day the advice is computed."""
        return self.launch_date or as_of
