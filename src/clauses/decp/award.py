"""The award (DESIGN §3.6): the optional ``award`` key of a profile file, typed and checked.

Values in French are those of the DECP 2.0.3 enumerations, so that what the buyer writes is what
the open data declares. Every key is optional here: a dossier gathers its award data in steps
(the web will fill it as the contract goes from « publié » to « attribué »), and
:func:`clauses.decp.document.decp_document` names each key the export still needs. Errors name
the field from ``award`` (``award.holders[1].id``), 1-based like the profile's ``lots[1].title``
and the strategy's ``strategy.mechanisms[2].lots``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from clauses.decp.identifiers import (
    AMOUNT_MAX,
    contract_id_problem,
    holder_id_problem,
    siret_problem,
)
from clauses.profile import (
    Boolean,
    FieldError,
    Integer,
    IsoDate,
    Number,
    ProfileError,
    describe_errors,
)

KEY = "award"


class Procedure(StrEnum):
    adapted = "Procédure adaptée"
    open = "Appel d'offres ouvert"
    restricted = "Appel d'offres restreint"
    negotiated = "Procédure avec négociation"
    no_publicity = "Marché passé sans publicité ni mise en concurrence préalable"
    dialogue = "Dialogue compétitif"


class Technique(StrEnum):
    framework = "Accord-cadre"
    contest = "Concours"
    qualification = "Système de qualification"
    dynamic = "Système d'acquisition dynamique"
    catalogue = "Catalogue électronique"
    auction = "Enchère électronique"
    none = "Sans objet"


class ExecutionModality(StrEnum):
    tranches = "Tranches"
    orders = "Bons de commande"
    subsequent = "Marchés subséquents"
    none = "Sans objet"


class Ccag(StrEnum):
    works = "Travaux"
    project_management = "Maitrise d'œuvre"
    supplies_services = "Fournitures courantes et services"
    industrial = "Marchés industriels"
    intellectual = "Prestations intellectuelles"
    it = "Techniques de l'information et de la communication"
    none = "Pas de CCAG"


class PriceForm(StrEnum):
    unit = "Unitaire"
    lump_sum = "Forfaitaire"
    mixed = "Mixte"


class PriceType(StrEnum):
    firm = "Définitif ferme"
    updatable = "Définitif actualisable"
    revisable = "Définitif révisable"
    provisional = "Provisoire"


class PlaceType(StrEnum):
    postcode = "Code postal"
    commune = "Code commune"
    arrondissement = "Code arrondissement"
    canton = "Code canton"
    department = "Code département"
    region = "Code région"
    country = "Code pays"


class HolderIdType(StrEnum):
    siret = "SIRET"
    vat = "TVA"
    tahiti = "TAHITI"
    ridet = "RIDET"
    frwf = "FRWF"
    irep = "IREP"
    non_eu = "HORS-UE"


class Grouping(StrEnum):
    joint = "Conjoint"
    several = "Solidaire"
    none = "Pas de groupement"


class ContractNature(StrEnum):
    contract = "Marché"
    partnership = "Marché de partenariat"
    defence = "Marché de défense ou de sécurité"


class Environmental(StrEnum):
    clause = "Clause environnementale"
    criterion = "Critère environnemental"
    none = "Pas de considération environnementale"


ContractId = Annotated[str, Field(min_length=1, max_length=16)]  # DECP IdentifiantMarche
Siret = Annotated[str, Field(min_length=1, max_length=40)]  # 14 digits, Luhn: _buyer_siret
Amount = Annotated[Number, Field(ge=1, allow_inf_nan=False)]  # at most AMOUNT_MAX: _amount_at_most
Offers = Annotated[Integer, Field(ge=1, le=100_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _unique(values: list[Any] | None, what: str) -> None:
    if values is not None and len(values) != len(set(values)):
        raise ValueError(f"{what} en double")


def _alone(values: list[Any] | None, loners: tuple[Any, ...], label: str) -> None:
    """DECP: « Sans objet », « Pas de considération … » never go with another value."""
    if values and len(values) > 1 and any(v in loners for v in values):
        raise ValueError(f"{label} ne se combine avec aucune autre valeur")


class Place(_In):
    code: ShortText
    type: PlaceType


class Holder(_In):
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


def _contract_id_check(what: str) -> Any:
    """A validator of a DECP ``id`` (the ministry's pattern), its refusal naming ``what``."""

    def check(value: str | None) -> str | None:
        problem = None if value is None else contract_id_problem(value, what)
        if problem:
            raise ValueError(problem)
        return value

    return check


def _amount_at_most(what: str) -> Any:
    """A validator of an amount the consolidation keeps (at most 3 billion €)."""

    def check(value: float | None) -> float | None:
        if value is not None and value > AMOUNT_MAX:
            raise ValueError(
                f"{what} dépasse 3 000 000 000 € HT : les données essentielles consolidées "
                "écartent un tel montant ; vérifiez le montant saisi"
            )
        return value

    return check


def _distinct_holders(values: list[Holder] | None) -> list[Holder] | None:
    _unique([(h.id_type, h.id) for h in values or []], "titulaire")
    return values


class AwardedLot(_In):
    """A lot awarded on its own: a separate contract, so a ``marche`` of its own."""

    lot: Integer = Field(ge=1)  # 1-based, in the order of the profile's lots
    id: ContractId | None = None
    amount_eur: Amount | None = None
    holders: list[Holder] | None = Field(default=None, min_length=1, max_length=100)
    # Default to the award's own when the lot does not give them.
    notification_date: IsoDate | None = None
    offers_received: Offers | None = None
    grouping: Grouping | None = None
    subcontracting_declared: Boolean | None = None

    _holders = field_validator("holders")(_distinct_holders)
    _id = field_validator("id")(_contract_id_check("l’identifiant du marché du lot"))
    _amount = field_validator("amount_eur")(_amount_at_most("le montant du lot"))


class Award(_In):
    id: ContractId | None = None
    buyer_siret: Siret | None = None
    notification_date: IsoDate | None = None
    publication_date: IsoDate | None = None
    # The DECP « nature »: an ordinary public contract, the only kind the assistant drafts,
    # unless the buyer says it is a partnership or a defence contract.
    nature: ContractNature = ContractNature.contract
    procedure: Procedure | None = None
    techniques: list[Technique] | None = Field(default=None, min_length=1)
    execution_modalities: list[ExecutionModality] | None = Field(default=None, min_length=1)
    framework_id: ContractId | None = None  # idAccordCadre, for a subsequent contract
    ccag: Ccag | None = None  # derived from the profile's nature when absent
    offers_received: Offers | None = None
    amount_eur: Amount | None = None
    price_form: PriceForm | None = None
    price_types: list[PriceType] | None = Field(default=None, min_length=1)
    place: Place | None = None
    holders: list[Holder] | None = Field(default=None, min_length=1, max_length=100)
    grouping: Grouping | None = None
    subcontracting_declared: Boolean | None = None
    advance_payment: Boolean | None = None
    advance_rate: Annotated[Number, Field(ge=0, le=1)] | None = None
    innovative: Boolean | None = None
    # What the contract declares; the strategy retains social mechanisms only for now.
    environmental_considerations: list[Environmental] | None = Field(default=None, min_length=1)
    lots: list[AwardedLot] | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("techniques", "execution_modalities", "price_types")
    @classmethod
    def _distinct(cls, values: list[StrEnum] | None) -> list[StrEnum] | None:
        _unique(values, "valeur")
        _alone(values, (Technique.none, ExecutionModality.none), "« Sans objet »")
        return values

    _holders = field_validator("holders")(_distinct_holders)
    _id = field_validator("id")(_contract_id_check("l’identifiant du marché"))
    _framework_id = field_validator("framework_id")(
        _contract_id_check("l’identifiant de l’accord-cadre")
    )
    _amount = field_validator("amount_eur")(_amount_at_most("le montant du marché"))

    @field_validator("buyer_siret")
    @classmethod
    def _buyer_siret(cls, value: str | None) -> str | None:
        problem = None if value is None else siret_problem(value, "le SIRET de l’acheteur")
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("lots")
    @classmethod
    def _distinct_lots(cls, values: list[AwardedLot] | None) -> list[AwardedLot] | None:
        _unique([lot.lot for lot in values or []], "numéro de lot")
        _unique([lot.id for lot in values or [] if lot.id], "identifiant de lot")
        return values

    @field_validator("environmental_considerations")
    @classmethod
    def _environmental(cls, values: list[Environmental] | None) -> list[Environmental] | None:
        _unique(values, "valeur")
        _alone(values, (Environmental.none,), "« Pas de considération environnementale »")
        return values

    @field_validator("advance_rate")
    @classmethod
    def _advance(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("advance_payment") is not True:
            raise ValueError("un taux d’avance suppose advance_payment: true")
        return value


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def future_dates(award: Award, today: dt.date) -> list[FieldError]:
    """The award's dates after ``today``: what the open data declares has happened (the
    consolidation sets aside a contract notified or published after the file's date)."""
    dated: list[tuple[str, str, dt.date | None]] = [
        (f"{KEY}.notification_date", "la date de notification", award.notification_date),
        (
            f"{KEY}.publication_date",
            "la date de publication des données essentielles",
            award.publication_date,
        ),
    ]
    for i, lot in enumerate(award.lots or [], start=1):
        dated.append(
            (
                f"{KEY}.lots[{i}].notification_date",
                f"la date de notification du lot {lot.lot}",
                lot.notification_date,
            )
        )
    return [
        FieldError(key, f"{what} ne peut pas être postérieure à aujourd’hui ({_day(today)})")
        for key, what, day in dated
        if day is not None and day > today
    ]


def published_before_notified(award: Award) -> list[FieldError]:
    """A publication of the open data before the notification of the contract (or of a lot)
    it declares: wrong even if nobody rejects it (DOMAIN §9)."""
    published = award.publication_date
    if published is None:
        return []
    notified = [(None, award.notification_date)] + [
        (lot.lot, lot.notification_date or award.notification_date) for lot in award.lots or []
    ]
    late = [(lot, day) for lot, day in notified if day is not None and day > published]
    if not late:
        return []
    lot, day = max(late, key=lambda pair: pair[1])
    what = "du marché" if lot is None else f"du lot {lot}"
    return [
        FieldError(
            f"{KEY}.publication_date",
            "la date de publication des données essentielles ne peut pas précéder la "
            f"notification {what} ({_day(day)})",
        )
    ]


def parse_award(data: Any) -> Award:
    """The ``award`` key, or :class:`ProfileError` naming each field from ``award``."""
    if not isinstance(data, dict):
        raise ProfileError([FieldError(KEY, "objet attendu (clés et valeurs)")])
    try:
        return Award.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(
            [
                FieldError(f"{KEY}.{e.field}" if e.field != "(profil)" else KEY, e.message)
                for e in describe_errors(exc)
            ]
        ) from exc
