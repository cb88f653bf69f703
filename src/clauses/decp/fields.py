"""The award's fields, each declared once (DESIGN §3.6): :data:`FIELDS`.

A field of the award is one :class:`AwardField`: its key in ``award``, its French label and
help, its kind and the DECP 2.0.3 values it allows, where the DECP object publishes it, the
section of the award form that asks it, how a lot gives it, how it is checked and the value the
demonstration data gives it. From that one table come:

- the award model (:mod:`clauses.decp.award`: ``Award`` and ``AwardedLot``) and its typing stub
  (:mod:`clauses.decp.award_types`, checked by a test),
- the DECP object (:mod:`clauses.decp.document`),
- the award form, its parsing, its errors in French and its pre-fill
  (:mod:`clauses.web.award_form`, ``templates/dossiers/award.html``),
- the awards of the demonstration data (:mod:`clauses.demo.awards`),
- the table of ``docs/award-fields.md`` (:func:`markdown_table`, checked by a test).

A new field of the DECP is one more :class:`AwardField` in :data:`FIELDS`, nothing else. The
table is in the order of the form's sections; the DECP object keeps the format's own order
(:data:`DECP_ORDER`), a key not listed there going last. The DECP's enumerations are in
:mod:`clauses.decp.enums`, the values' types and checks in :mod:`clauses.decp.values`.
"""

# Over 400 lines: the table of the award's fields, one entry per DECP field, and its reading.

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import Field

from clauses.decp.enums import (
    CCAG_BY_NATURE,
    Ccag,
    ContractNature,
    Environmental,
    ExecutionModality,
    Grouping,
    PlaceType,
    PriceForm,
    PriceType,
    Procedure,
    Technique,
)
from clauses.decp.values import (
    Amount,
    Check,
    ContractId,
    Holder,
    Offers,
    Place,
    Rate,
    Siret,
    advance_rate_check,
    amount_check,
    contract_id_check,
    distinct,
    holders_check,
    lots_check,
    siret_check,
)
from clauses.profile import Boolean, IsoDate, TenderProfile


class Kind(StrEnum):
    """What a field holds, and so how the form asks it and the DECP writes it."""

    text = "text"  # a short text (an identifier)
    amount = "amount"  # euros HT, typed the French way (« 1 150 000 »)
    integer = "integer"  # a count
    rate = "rate"  # a share from 0 to 1, typed as a percentage (« 5 » for 0.05)
    date = "date"  # ISO, or « JJ/MM/AAAA » typed without a calendar
    choice = "choice"  # one value of ``values`` (a select)
    choices = "choices"  # values of ``values`` (boxes to tick)
    boolean = "boolean"  # yes or no
    place = "place"  # a code and its type (``values``)
    holders = "holders"  # the holders: type of identifier, identifier, name
    lots = "lots"  # the lots awarded, each with the fields a lot gives


class PerLot(StrEnum):
    """How a lot of an allotted contract gives the field."""

    no = "no"  # for the whole contract only
    own = "own"  # for the whole contract, unless a lot gives its own
    only = "only"  # lot by lot only (a lot is a contract of its own)


@dataclass(frozen=True)
class Section:
    """A section of the award form."""

    id: str  # its anchor (``s-marche``)
    title: str
    title_lots: str = ""  # its title for an allotted contract, when another


SECTIONS = (
    Section("s-marche", "Le marché"),
    Section("s-acheteur", "L’acheteur"),
    Section("s-procedure", "La procédure"),
    Section("s-titulaires", "Les titulaires", "Les titulaires par lot"),
    Section("s-montants", "Les montants et dates"),
    Section("s-considerations", "Les considérations sociales et environnementales"),
)
SECTION = {section.id: section for section in SECTIONS}


@dataclass(frozen=True)
class AwardField:
    """One field of the award, everything said of it in one place."""

    name: str  # the key in ``award`` (and the form's name)
    label: str  # French, as the form and its errors name it
    kind: Kind
    section: str  # the id of the form's section (:data:`SECTIONS`)
    decp: str | None  # the DECP key, « parent/child » for a nested one; None: not published
    help: str = ""  # the form's help
    help_lots: str | None = None  # the help for an allotted contract, when another
    values: type[StrEnum] | None = None  # the DECP enumeration of a choice, choices or place
    type: Any = None  # the model's type, when not the kind's own (:func:`value_type`)
    constraints: Mapping[str, Any] = field(default_factory=dict)  # pydantic Field(...)
    default: Any = None  # the model's value when not given
    profile_default: Callable[[TenderProfile], Any] | None = None  # the DECP's when not given
    optional: bool = False  # the DECP leaves the key out when not given (else: « manquant »)
    check: Check | None = None  # checks the value given
    what: str = ""  # how a refusal of ``check`` names the value
    required: bool = False  # the form marks it « obligatoire » (for a whole contract)
    blank: str = "— Choisir —"  # a select's empty option
    short: bool = False  # a narrow input (numbers, codes)
    row: str = ""  # fields of a section with the same ``row`` stand side by side
    folded: str = ""  # the summary of the fold that hides the field until opened
    lots_note: str = ""  # what the form says instead of a lot-by-lot field, for a lotted one
    per_lot: PerLot = PerLot.no
    lot_position: int = 0  # where a lot's form shows the field (1 first)
    lot_label: str = ""  # the field's label in a lot's form
    lot_summary: str = ""  # how the error summary names it after « Lot N, »
    lot_help: str = ""
    lot_blank: str = ""  # a lot's select or yes/no without a value: the contract's
    lot_row: str = ""
    lot_what: str = ""  # how a refusal of ``check`` names a lot's value
    demo: Any = None  # what the demonstration data gives an award whose example does not

    def form_names(self) -> tuple[str, ...]:
        """The names of the form's inputs for the field (a place has two)."""
        if self.kind is Kind.place:
            return (f"{self.name}-code", f"{self.name}-type")
        return (self.name,)

    def value_type(self) -> Any:
        """The model's type of a value given (the model adds ``| None`` when it has no default)."""
        if self.type is not None:
            return self.type
        match self.kind:
            case Kind.choice:
                return self.values
            case Kind.choices:
                return list[self.values]  # type: ignore[name-defined]
            case Kind.boolean:
                return Boolean
            case Kind.date:
                return IsoDate
        raise AssertionError(f"{self.name}: type to give")

    def field_info(self) -> Any:
        """The model's ``Field`` of the field."""
        constraints = dict(self.constraints)
        if self.kind is Kind.choices:
            constraints.setdefault("min_length", 1)
        return Field(default=self.default, **constraints)


SANS_OBJET = "« Sans objet » seul quand aucune ne s’applique."

FIELDS: tuple[AwardField, ...] = (
    # Le marché
    AwardField(
        "id",
        "Identifiant du marché",
        Kind.text,
        "s-marche",
        "id",
        help="Propre à ce marché : 16 caractères au plus, lettres sans accent, chiffres, "
        "espace et / - _ . # (par exemple 2026-014).",
        type=ContractId,
        check=contract_id_check,
        what="l’identifiant du marché",
        required=True,
        per_lot=PerLot.only,
        lot_position=1,
        lot_label="Identifiant du lot",
        lot_summary="identifiant du marché du lot",
        lot_what="l’identifiant du marché du lot",
    ),
    AwardField(
        "nature",
        "Nature du marché",
        Kind.choice,
        "s-marche",
        "nature",
        values=ContractNature,
        # An ordinary public contract, the only kind the assistant drafts, unless the buyer
        # says it is a partnership or a defence contract.
        type=ContractNature,
        default=ContractNature.contract,
        blank="Marché (par défaut)",
        row="nature",
    ),
    AwardField(
        "ccag",
        "CCAG de référence",
        Kind.choice,
        "s-marche",
        "ccag",
        values=Ccag,
        profile_default=lambda profile: CCAG_BY_NATURE[profile.nature],
        blank="Déduit de la nature du marché",
        row="nature",
    ),
    AwardField(
        "place",
        "Lieu d’exécution",
        Kind.place,
        "s-marche",
        "lieuExecution",
        help="Par exemple 35 pour un département.",
        values=PlaceType,
        type=Place,
        short=True,
    ),
    # L'acheteur
    AwardField(
        "buyer_siret",
        "SIRET de l’acheteur",
        Kind.text,
        "s-acheteur",
        "acheteur/id",
        help="14 chiffres ; leur clé de contrôle est vérifiée.",
        type=Siret,
        check=siret_check,
        what="le SIRET de l’acheteur",
        required=True,
    ),
    # La procédure
    AwardField(
        "procedure",
        "Procédure de passation",
        Kind.choice,
        "s-procedure",
        "procedure",
        values=Procedure,
    ),
    AwardField(
        "techniques",
        "Techniques d’achat",
        Kind.choices,
        "s-procedure",
        "techniques/technique",
        help=SANS_OBJET,
        values=Technique,
        check=distinct(Technique.none),
    ),
    AwardField(
        "execution_modalities",
        "Modalités d’exécution",
        Kind.choices,
        "s-procedure",
        "modalitesExecution/modaliteExecution",
        help=SANS_OBJET,
        values=ExecutionModality,
        check=distinct(ExecutionModality.none),
    ),
    AwardField(
        "offers_received",
        "Nombre d’offres reçues",
        Kind.integer,
        "s-procedure",
        "offresRecues",
        help_lots="Pour tous les lots, sauf nombre propre au lot.",
        type=Offers,
        short=True,
        per_lot=PerLot.own,
        lot_position=5,
        lot_label="Nombre d’offres reçues pour le lot",
        lot_summary="nombre d’offres reçues",
        lot_help="Laissé vide, celui du marché.",
        lot_row="when",
    ),
    AwardField(
        "framework_id",
        "Identifiant de l’accord-cadre",
        Kind.text,
        "s-procedure",
        "idAccordCadre",
        help="Pour un marché subséquent seulement.",
        type=ContractId,
        optional=True,
        check=contract_id_check,
        what="l’identifiant de l’accord-cadre",
        folded="Marché subséquent d’un accord-cadre",
    ),
    # Les titulaires
    AwardField(
        "grouping",
        "Groupement d’opérateurs",
        Kind.choice,
        "s-titulaires",
        "typeGroupementOperateurs",
        help_lots="Pour tous les lots, sauf le leur.",
        values=Grouping,
        row="holders",
        per_lot=PerLot.own,
        lot_position=6,
        lot_label="Groupement d’opérateurs du lot",
        lot_summary="groupement d’opérateurs",
        lot_blank="Celui du marché",
    ),
    AwardField(
        "subcontracting_declared",
        "Sous-traitance déclarée",
        Kind.boolean,
        "s-titulaires",
        "sousTraitanceDeclaree",
        row="holders",
        per_lot=PerLot.own,
        lot_position=7,
        lot_label="Sous-traitance déclarée pour le lot",
        lot_summary="sous-traitance déclarée",
        lot_blank="Comme le marché",
    ),
    AwardField(
        "lots",
        "Lots attribués",
        Kind.lots,
        "s-titulaires",
        None,
        help="Chaque lot est un marché distinct, avec son identifiant (16 caractères au "
        "plus\u00a0: lettres sans accent, chiffres, espace et / - _ . #)\u00a0: laissez vide "
        "un lot qui n’est pas (encore) attribué.",
        type=list[Any],  # of AwardedLot: clauses.decp.award builds it from FIELDS
        constraints={"min_length": 1, "max_length": 200},
        check=lots_check,
    ),
    AwardField(
        "holders",
        "Titulaires",
        Kind.holders,
        "s-titulaires",
        "titulaires",
        type=list[Holder],
        constraints={"min_length": 1, "max_length": 100},
        check=holders_check,
        per_lot=PerLot.only,
        lot_position=3,
        lot_label="Titulaires du lot",
        lot_summary="titulaires",
    ),
    # Les montants et dates
    AwardField(
        "amount_eur",
        "Montant du marché (€ HT)",
        Kind.amount,
        "s-montants",
        "montant",
        help="Par exemple 1 150 000.",
        type=Amount,
        check=amount_check,
        what="le montant du marché",
        required=True,
        short=True,
        lots_note="Le montant de chaque lot se saisit avec ses titulaires.",
        per_lot=PerLot.only,
        lot_position=2,
        lot_label="Montant (€ HT)",
        lot_summary="montant (€ HT)",
        lot_what="le montant du lot",
    ),
    AwardField(
        "notification_date",
        "Date de notification",
        Kind.date,
        "s-montants",
        "dateNotification",
        help="Au plus tard aujourd’hui ; JJ/MM/AAAA sans calendrier.",
        help_lots="Au plus tard aujourd’hui ; JJ/MM/AAAA sans calendrier. Pour tous les lots, "
        "sauf date propre au lot.",
        required=True,
        row="dates",
        per_lot=PerLot.own,
        lot_position=4,
        lot_label="Date de notification du lot",
        lot_summary="date de notification",
        lot_help="Laissée vide, celle du marché.",
        lot_row="when",
    ),
    AwardField(
        "publication_date",
        "Date de publication des données essentielles",
        Kind.date,
        "s-montants",
        "datePublicationDonnees",
        help="Ni avant la notification, ni après aujourd’hui.",
        help_lots="Ni avant la notification de chaque lot, ni après aujourd’hui.",
        required=True,
        row="dates",
    ),
    AwardField(
        "price_form",
        "Forme du prix",
        Kind.choice,
        "s-montants",
        "formePrix",
        values=PriceForm,
        row="prices",
    ),
    AwardField(
        "price_types",
        "Types de prix",
        Kind.choices,
        "s-montants",
        "typesPrix/typePrix",
        values=PriceType,
        check=distinct(),
        row="prices",
    ),
    AwardField(
        "advance_payment",
        "Avance versée",
        Kind.boolean,
        "s-montants",
        "attributionAvance",
        row="advance",
    ),
    AwardField(
        "advance_rate",
        "Taux de l’avance (%)",
        Kind.rate,
        "s-montants",
        "tauxAvance",
        help="Si une avance est versée, par exemple 5 ; 0 si le taux n’est pas connu.",
        type=Rate,
        optional=True,  # but due when an advance is paid: clauses.decp.document
        check=advance_rate_check,
        short=True,
        row="advance",
    ),
    # Les considérations sociales et environnementales
    AwardField(
        "environmental_considerations",
        "Considérations environnementales",
        Kind.choices,
        "s-considerations",
        "considerationsEnvironnementales/considerationEnvironnementale",
        # What the contract declares; the strategy retains social mechanisms only for now.
        values=Environmental,
        check=distinct(Environmental.none),
    ),
    AwardField(
        "innovative",
        "Marché innovant",
        Kind.boolean,
        "s-considerations",
        "marcheInnovant",
    ),
)

# The keys of a ``marche`` in the order of the format's documentation; the profile and the
# strategy give those no field declares. A key of a field not listed here goes last.
DECP_ORDER = (
    "id",
    "acheteur",
    "nature",
    "objet",
    "codeCPV",
    "techniques",
    "modalitesExecution",
    "marcheInnovant",
    "ccag",
    "offresRecues",
    "attributionAvance",
    "typeGroupementOperateurs",
    "sousTraitanceDeclaree",
    "procedure",
    "lieuExecution",
    "dureeMois",
    "dateNotification",
    "datePublicationDonnees",
    "montant",
    "typesPrix",
    "formePrix",
    "titulaires",
    "considerationsSociales",
    "considerationsEnvironnementales",
    "tauxAvance",
    "idAccordCadre",
)


def award_fields() -> tuple[AwardField, ...]:
    """The award's fields (read at each use: a test may add one)."""
    return FIELDS


def field_named(name: str) -> AwardField:
    return next(f for f in award_fields() if f.name == name)


def lot_fields() -> list[AwardField]:
    """The fields a lot gives, in the order of a lot's form."""
    return sorted(
        (f for f in award_fields() if f.per_lot is not PerLot.no), key=lambda f: f.lot_position
    )


def demo_values() -> dict[str, Any]:
    """What the demonstration data gives an award whose example does not give it."""
    return {f.name: f.demo for f in award_fields() if f.demo is not None}


def decp_value(f: AwardField, value: Any) -> Any:
    """The DECP value of a field's value given (None: not given)."""
    if value is None:
        return None
    match f.kind:
        case Kind.choice:
            return value.value
        case Kind.choices:
            return [v.value for v in value]
        case Kind.date:
            return value.isoformat()
        case Kind.amount:
            # « 1150000 », not « 1150000.0 »: the amount as the buyer wrote it.
            return int(value) if value.is_integer() else value
        case Kind.place:
            return {"code": value.code, "typeCode": value.type.value}
        case Kind.holders:
            return [{"titulaire": {"typeIdentifiant": h.id_type.value, "id": h.id}} for h in value]
    return value


def nest(path: str, value: Any) -> tuple[str, Any]:
    """``("techniques", {"technique": value})`` for ``techniques/technique``."""
    key, *inner = path.split("/")
    for part in reversed(inner):
        value = {part: value}
    return key, value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows() -> Iterator[str]:
    for f in award_fields():
        section = SECTION[f.section].title
        decp = f"`{f.decp.replace('/', '.')}`" if f.decp else "—"
        if f.decp and f.optional:
            decp += " (facultatif)"
        lots = {
            PerLot.no: "—",
            PerLot.own: "propre au lot, sinon celui du marché",
            PerLot.only: "lot par lot",
        }[f.per_lot]
        values = " ; ".join(f"« {v.value} »" for v in f.values) if f.values else ""
        yield (
            f"| `{f.name}` | {_cell(f.label)} | {f.kind.value} | {decp} | {section} | {lots} "
            f"| {_cell(values)} |"
        )


def markdown_table() -> str:
    """The table of ``docs/award-fields.md`` (a test checks the file is this one)."""
    head = (
        "# Les champs de l’attribution\n\n"
        "Généré de `src/clauses/decp/fields.py` (`FIELDS`) : ne pas modifier à la main.\n"
        "Régénérer avec `UPDATE_GOLDEN=1 pytest tests/decp/test_fields.py`.\n\n"
        "| Clé (`award`) | Libellé | Nature | Clé DECP 2.0.3 | Section du formulaire | Lots "
        "| Valeurs admises |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    return head + "\n".join(_rows()) + "\n"
