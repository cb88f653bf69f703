"""TenderProfile: the facts about one tender (DESIGN §3.1), read from YAML, JSON or a form.

Validation errors are reported in French and name the field at fault, for the CLI, the API and
the wizard alike (:func:`describe_errors`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from clauses import french, vocabulary

CPV_PATTERN = r"^[0-9]{8}(-[0-9])?$"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The launch dates covered (see _plausible_date), as documented in the API's schema.
LAUNCH_DATES = r"^(2016-(0[4-9]|1[0-2])|20(1[7-9]|[2-9][0-9])-[0-9]{2}|2100-[0-9]{2})-[0-9]{2}$"
MAX_AMOUNT_EUR = 10_000_000_000  # ten billion: far above any regional tender
MAX_DURATION_MONTHS = 600
MAX_TEXT = 10_000
MAX_LOTS = 200
MAX_PROFILE_BYTES = 1_000_000
YAML = "yaml"  # validation context: the data was read from YAML


class Nature(StrEnum):
    works = "works"
    supplies = "supplies"
    services = "services"

    @property
    def label(self) -> str:
        return vocabulary.NATURE_LABELS[self]


class BuyerKind(StrEnum):
    region = "region"
    department = "department"
    municipality = "municipality"
    state = "state"
    other = "other"

    @property
    def label(self) -> str:
        return vocabulary.BUYER_LABELS[self]


class AgreementKind(StrEnum):
    """How a framework agreement (accord-cadre) is executed."""

    purchase_orders = "purchase_orders"  # bons de commande
    subsequent_contracts = "subsequent_contracts"  # marchés subséquents


class OfferLevel(StrEnum):
    unknown = "unknown"
    none = "none"
    some = "some"
    many = "many"

    @property
    def label(self) -> str:
        return vocabulary.OFFER_LABELS[self]


# Re-exported: the labels live in clauses.vocabulary.
NATURE_LABELS = vocabulary.NATURE_LABELS
BUYER_LABELS = vocabulary.BUYER_LABELS
OFFER_LABELS = vocabulary.OFFER_LABELS

FIELD_LABELS = {
    "title": "objet du marché",
    "nature": "nature du marché",
    "cpv": "code CPV principal",
    "estimated_amount_eur": "montant estimé HT",
    "duration_months": "durée en mois",
    "launch_date": "date de lancement",
    "buyer_kind": "type d’acheteur",
    "region_code": "code région INSEE",
    "lots": "lots",
    "social_services": "services sociaux et spécifiques",
    "insertion_contract": "marché d’insertion et de qualification",
    **vocabulary.PARAMETER_LABELS,
    "transferred_staff_monthly_hours": "heures mensuelles du personnel repris",
    "facilitator_available": "facilitateur disponible",
    "local_offer": "offre locale",
    "insertion": "structures d’insertion (SIAE)",
    "disability": "structures du handicap (EA, ESAT)",
    "agreement": "accord-cadre",
    "kind": "accord-cadre à bons de commande ou à marchés subséquents",
    "minimum_eur": "montant minimum de l’accord-cadre",
    "maximum_eur": "montant maximum de l’accord-cadre",
}
# A lot's own fields: its title is not the contract's object, nor its CPV the main code.
LOT_FIELD_LABELS = {
    "title": "intitulé du lot",
    "cpv": "code CPV du lot",
    "estimated_amount_eur": "montant estimé du lot",
    "labour_share": "part de main-d’œuvre du lot",
    "minimum_eur": "montant minimum du lot (accord-cadre)",
}


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


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a few aliases can expand into billions of nodes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "les alias YAML (*nom) ne sont pas acceptés",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        return super().compose_node(parent, index)


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


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field} : {self.message}"


class ProfileError(ValueError):
    """Invalid profile input; ``errors`` name each field at fault, in French."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(profil)"


def _label(loc: tuple[int | str, ...]) -> str:
    names = [p for p in loc if isinstance(p, str)]
    if len(names) > 1 and names[0] == "lots":
        return LOT_FIELD_LABELS.get(names[-1], "")
    return FIELD_LABELS.get(names[-1], "") if names else ""


def _message(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "champ obligatoire manquant"
    if kind == "extra_forbidden":
        return "clé inconnue (vérifiez l’orthographe du nom de champ)"
    if kind == "string_pattern_mismatch":
        name = error["loc"][-1] if error["loc"] else ""
        if name == "cpv":
            return "code CPV invalide : 8 chiffres, éventuellement suivis d’un tiret et d’un chiffre (ex. 45000000-7)"
        if name == "region_code":
            return "code région INSEE invalide (ex. 53 pour la Bretagne)"
        return "format invalide"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        bound = next(iter(ctx.values()), "")
        if isinstance(bound, int | float):
            bound = french.number(bound, 2)
        words = {
            "greater_than": "supérieur à",
            "greater_than_equal": "au moins égal à",
            "less_than": "inférieur à",
            "less_than_equal": "au plus égal à",
        }
        return f"doit être {words[kind]} {bound}"
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valeur non reconnue ; valeurs possibles : {expected}"
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        return "nombre attendu" if kind.startswith("float") else "nombre entier attendu"
    if kind == "finite_number":
        return "nombre fini attendu"
    if kind in {"bool_parsing", "bool_type"}:
        return "oui ou non attendu (true / false)"
    if kind in {
        "date_parsing",
        "date_from_datetime_parsing",
        "date_type",
        "date_from_datetime_inexact",
    }:
        return "date attendue au format AAAA-MM-JJ"
    if kind in {"string_too_short"}:
        return "ne doit pas être vide"
    if kind == "string_too_long":
        return f"texte trop long (au plus {ctx.get('max_length')} caractères)"
    if kind == "too_long":
        return f"trop d’éléments (au plus {ctx.get('max_length')})"
    if kind in {"string_type", "string_unicode"}:
        return "texte attendu"
    if kind in {"list_type"}:
        return "liste attendue"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "objet attendu (clés et valeurs)"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return "valeur invalide"


def describe_errors(error: ValidationError, limit: int | None = None) -> list[FieldError]:
    """The errors in French; with ``limit``, the first ``limit`` and one more that counts the
    others (a hostile body can make a hundred thousand). Built without the URL and the input of
    each error, which are not worded: a third of the cost for thousands of errors."""
    errors = error.errors(include_url=False, include_input=False)
    out = []
    for e in errors[:limit]:
        label = _label(e["loc"])
        field = _loc(e["loc"])
        out.append(FieldError(field, f"{_message(e)}" + (f" ({label})" if label else "")))
    rest = len(errors) - len(out)
    if rest:
        others = "autre erreur non détaillée" if rest == 1 else "autres erreurs non détaillées"
        out.append(
            FieldError(
                "(profil)",
                f"et {french.number(rest)} {others} : corrigez d’abord celles-ci",
            )
        )
    return out


# Keys a profile file or an API body may carry besides the tender's facts, each read by its own
# part of the core (DESIGN §3.4: ``strategy``); ``parse_profile`` alone refuses them as unknown.
OTHER_KEYS = ("strategy",)


def parse_profile(
    data: Any, *, max_errors: int | None = None, from_yaml: bool = False
) -> TenderProfile:
    if not isinstance(data, dict):
        raise ProfileError(
            [FieldError("(profil)", "le profil doit être un objet (clés et valeurs)")]
        )
    try:
        profile = TenderProfile.model_validate(data, context={YAML: from_yaml})
    except ValidationError as exc:
        raise ProfileError(describe_errors(exc, max_errors)) from exc
    errors = agreement_errors(profile)
    if errors:
        raise ProfileError(errors)
    return profile


def agreement_errors(profile: TenderProfile) -> list[FieldError]:
    """A lot's minimum without a framework agreement, named (the API's schema says it too). The
    amounts that disagree without contradicting the schema (a minimum above the maximum…) are
    the advice's warnings (:func:`clauses.advisor.procedure.agreement_warnings`)."""
    if profile.agreement is not None:
        return []
    return [
        FieldError(
            f"lots[{n}].minimum_eur",
            "un montant minimum de lot n’a de sens que pour un accord-cadre (clé agreement) "
            "(montant minimum du lot)",
        )
        for n, lot in enumerate(profile.lots, 1)
        if lot.minimum_eur is not None
    ]


def parse_document(
    data: Any, *, max_errors: int | None = None, from_yaml: bool = False
) -> tuple[TenderProfile, dict[str, Any]]:
    """A profile file's or an API body's data: the profile, and the other keys it carries
    (:data:`OTHER_KEYS`), as given, for their own parsers."""
    others: dict[str, Any] = {}
    if isinstance(data, dict):
        others = {key: data[key] for key in OTHER_KEYS if key in data}
        data = {key: value for key, value in data.items() if key not in OTHER_KEYS}
    return parse_profile(data, max_errors=max_errors, from_yaml=from_yaml), others


def _read_text(text: str, source: str) -> Any:
    """YAML (or JSON, which YAML reads too) into plain data."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PROFILE_BYTES:
        raise ProfileError([FieldError(source, "fichier trop volumineux (1 Mo au plus)")])
    try:
        return (
            json.loads(text) if source.endswith(".json") else yaml.load(text, Loader=_NoAliasLoader)
        )
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        problem = getattr(exc, "problem", None) or getattr(exc, "msg", None) or str(exc)
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        raise ProfileError(
            [FieldError(source, f"fichier illisible (YAML ou JSON invalide) : {problem}{where}")]
        ) from exc
    except RecursionError as exc:
        raise ProfileError(
            [FieldError(source, "fichier illisible : imbrication trop profonde")]
        ) from exc


def read_file(path: Path) -> Any:
    """A profile file's plain data (YAML without aliases, or JSON; UTF-8; 1 MB at most), for
    the commands that take other keys out of it before :func:`parse_document`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError([FieldError(str(path), f"fichier illisible : {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProfileError([FieldError(str(path), "le fichier doit être encodé en UTF-8")]) from exc
    return _read_text(text, str(path))


def loads_profile(text: str, *, source: str = "profil") -> TenderProfile:
    """Parse YAML (or JSON, which YAML reads too) into a validated profile."""
    return parse_profile(_read_text(text, source), from_yaml=is_yaml(source))


def load_profile(path: Path) -> TenderProfile:
    return parse_profile(read_file(path), from_yaml=is_yaml(str(path)))


def load_document(path: Path) -> tuple[TenderProfile, dict[str, Any]]:
    """A profile file that may carry :data:`OTHER_KEYS` (see :func:`parse_document`)."""
    return parse_document(read_file(path), from_yaml=is_yaml(str(path)))


def is_yaml(source: str) -> bool:
    """YAML reads an unquoted CPV code as a number; JSON says what it means (a string)."""
    return not source.endswith(".json")
