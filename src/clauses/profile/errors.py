"""Validation errors reported in French, naming the field at fault, for the CLI, the API and
the wizard alike (:func:`describe_errors`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from clauses import french, vocabulary

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
