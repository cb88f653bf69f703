"""The DECP 2.0.3 object of a contract: ``{"marches": {"marche": [...]}}``, checked.

A pure function of (profile, award, strategy, library, schema). Where the object comes from:
- the profile: object, CPV (its 8 digits, as the format prefers), duration, and the CCAG when
  the award does not give it (works → « Travaux », supplies and services → « Fournitures
  courantes et services »);
- the strategy: ``considerationsSociales``, from the DECP value of each retained mechanism;
- the award: everything decided at award (procedure, holders, amounts, dates…) and the
  environmental considerations, which the strategy does not carry.

Lots. Each lot of an allotted contract is a separate contract (DOMAIN §8: « each lot is a
separate contract »; the DECP ``objet`` is « l'objet du marché public ou du lot »): every lot the
award lists gives a ``marche`` of its own, with its own identifier, amount and holders, and the
social considerations retained on that lot. A lot the award does not list (not awarded, or not
yet) gives none. A contract without lots gives one ``marche``.

Nothing is invented: a value DECP requires that the buyer has not given is an error naming the
key to fill (``award.lots[2].holders``), and the finished object is validated against the
official JSON Schema (:class:`DecpSchema`) before anyone is offered it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError as SchemaError

from clauses import french
from clauses.decp.award import Award, AwardedLot, published_before_notified
from clauses.decp.enums import CCAG_BY_NATURE
from clauses.decp.fields import (
    DECP_ORDER,
    AwardField,
    Kind,
    PerLot,
    award_fields,
    decp_value,
    lot_fields,
    nest,
)
from clauses.drafting.sanitize import one_line
from clauses.library import Library
from clauses.library.models import DecpSocial
from clauses.profile import FieldError, ProfileError, TenderProfile
from clauses.strategy.model import ResolvedStrategy

SCHEMA_SETTING = "CLAUSES_DECP_SCHEMA"
SCHEMA_NAME = "schema_decp_v2.0.3.json"
OBJECT_MAX = 1000  # maxLength of ``objet``
SOCIAL_ORDER = (DecpSocial.clause, DecpSocial.criterion, DecpSocial.reserved)
MISSING = "champ obligatoire des données essentielles (DECP) manquant"
__all__ = ["CCAG_BY_NATURE"]  # the CCAG of a profile's nature, when the award gives none


class DecpError(ProfileError):
    """The contract cannot be declared yet: each error names the key to fill or correct."""


def default_schema_path() -> Path:
    """``CLAUSES_DECP_SCHEMA`` if set, else the shared reference data beside this checkout.

    The official schema is read where it is kept, never bundled (shared/data/README.md).
    """
    configured = os.environ.get(SCHEMA_SETTING)
    if configured:
        return Path(configured)
    root = Path(__file__).resolve().parents[3]
    return root.parent / "shared" / "data" / "decp" / "schema" / SCHEMA_NAME


@dataclass(frozen=True)
class DecpSchema:
    """The official DECP JSON Schema, loaded once per path."""

    path: Path
    validator: Draft7Validator

    @staticmethod
    def load(path: Path | None = None) -> DecpSchema:
        return _load_schema((path or default_schema_path()).resolve())

    def check(self, document: dict[str, Any]) -> None:
        """Raise :class:`DecpError` with every breach of the schema, in French."""
        errors = sorted(self.validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            raise DecpError([_schema_error(e) for e in errors])


@lru_cache(maxsize=4)
def _load_schema(path: Path) -> DecpSchema:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DecpError(
            [FieldError(SCHEMA_SETTING, f"schéma DECP illisible : {path} ({exc.strerror})")]
        ) from exc
    except json.JSONDecodeError as exc:
        raise DecpError([FieldError(SCHEMA_SETTING, f"schéma DECP invalide : {path}")]) from exc
    Draft7Validator.check_schema(schema)
    return DecpSchema(path, Draft7Validator(_inline(schema, schema, ())))


def _inline(node: Any, root: dict[str, Any], seen: tuple[str, ...]) -> Any:
    """``node`` with its local ``$ref`` replaced by what they point to.

    The same schema, checked about twice as fast: resolving a reference costs more than the
    check it leads to, and a batch checks thousands of ``marche``. Draft 7 ignores the keywords
    beside a ``$ref``, and so does the replacement; a reference back to an enclosing one (none
    in the official schema) is left as it is.
    """
    if isinstance(node, list):
        return [_inline(item, root, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return _inline(target, root, (*seen, ref))
    return {key: _inline(value, root, seen) for key, value in node.items()}


def _schema_error(error: SchemaError) -> FieldError:
    where = ""
    for part in error.absolute_path:
        where += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if where else part)
    where = where or "(document)"
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in cast(list[str], error.validator_value) if k not in error.instance]
        return FieldError(where, f"{MISSING} : {', '.join(missing)}")
    if error.validator == "enum":
        allowed = " ; ".join(f"« {v} »" for v in cast(list[str], error.validator_value))
        return FieldError(where, f"valeur non reconnue ; valeurs possibles : {allowed}")
    words = {
        "pattern": "format invalide",
        "type": "type de valeur invalide",
        "minimum": "valeur trop petite",
        "maximum": "valeur trop grande",
        "maxLength": "texte trop long",
        "minLength": "texte trop court",
        "minItems": "liste vide",
        "uniqueItems": "valeur en double",
        "additionalProperties": "clé non prévue par le format",
    }
    return FieldError(where, words.get(str(error.validator), "valeur refusée par le schéma"))


def social_values(strategy: ResolvedStrategy, library: Library, lot: int | None) -> list[str]:
    """DECP ``considerationSociale`` of what is retained on ``lot`` (None: the whole contract).

    A mechanism retained without lots covers every lot. « Pas de considération sociale » only
    alone, as the format requires.
    """
    values = {
        library.mechanisms[m.id].decp_value
        for m in strategy.mechanisms
        if lot is None or not m.lots or lot in m.lots
    }
    found = [v.value for v in SOCIAL_ORDER if v in values]
    return found or [DecpSocial.none.value]


def decp_document(
    profile: TenderProfile,
    award: Award,
    strategy: ResolvedStrategy,
    library: Library,
    schema: DecpSchema,
) -> dict[str, Any]:
    """The checked DECP object of one contract, or :class:`DecpError` naming each key."""
    document = {"marches": {"marche": decp_marches(profile, award, strategy, library)}}
    schema.check(document)
    return document


def decp_marches(
    profile: TenderProfile, award: Award, strategy: ResolvedStrategy, library: Library
) -> list[dict[str, Any]]:
    """One ``marche`` per awarded lot, or one for a contract without lots (not yet checked
    against the schema: :func:`decp_document` and :func:`decp_batch` do)."""
    errors: list[FieldError] = []
    _check_lots(profile, award, errors)
    if errors:
        raise DecpError(errors)
    if award.lots is None:
        parts: list[tuple[int | None, AwardedLot | None]] = [(None, None)]
    else:
        parts = [(awarded.lot, awarded) for awarded in sorted(award.lots, key=lambda a: a.lot)]
    marches = [
        _marche(profile, award, strategy, library, lot, awarded, errors) for lot, awarded in parts
    ]
    errors += published_before_notified(award)
    if errors:
        raise DecpError(list(dict.fromkeys(errors)))  # a contract-wide key once, not per lot
    return marches


def _check_lots(profile: TenderProfile, award: Award, errors: list[FieldError]) -> None:
    if not profile.lots:
        if award.lots is not None:
            errors.append(FieldError("award.lots", "le profil ne décrit pas de lots"))
        return
    if award.lots is None:
        errors.append(
            FieldError(
                "award.lots",
                f"{MISSING} : le marché est alloti et chaque lot est un marché distinct ; "
                "indiquez l’attribution de chaque lot attribué "
                f"({', '.join(['lot', *(f.name for f in _lot_only())])})",
            )
        )
        return
    for f in _lot_only():
        if getattr(award, f.name) is not None:
            errors.append(
                FieldError(
                    f"award.{f.name}", f"marché alloti : à donner par lot (award.lots[].{f.name})"
                )
            )
    for i, awarded in enumerate(award.lots, start=1):
        if awarded.lot > len(profile.lots):
            errors.append(
                FieldError(
                    f"award.lots[{i}].lot",
                    f"le profil ne compte que {french.count(len(profile.lots), 'lot')}",
                )
            )


def _marche(
    profile: TenderProfile,
    award: Award,
    strategy: ResolvedStrategy,
    library: Library,
    lot: int | None,
    awarded: AwardedLot | None,
    errors: list[FieldError],
) -> dict[str, Any]:
    def given(f: AwardField) -> Any:
        """The lot's value, else the award's, else the profile's; an error naming the key when
        none has it and the DECP needs it."""
        key = f.name
        if awarded is not None and f.per_lot is not PerLot.no:
            value = getattr(awarded, key)
            if value is not None:
                return value
            if f.per_lot is PerLot.only:
                errors.append(FieldError(f"award.lots[{_index(award, lot)}].{key}", MISSING))
                return None
        value = getattr(award, key)
        if value is None and f.profile_default is not None:
            value = f.profile_default(profile)
        if value is None and not f.optional:
            errors.append(FieldError(f"award.{key}", MISSING))
        return value

    profile_lot = profile.lots[lot - 1] if lot is not None else None
    cpv = (profile_lot.cpv if profile_lot else None) or profile.cpv
    if cpv is None:
        field = f"lots[{lot}].cpv" if lot is not None else "cpv"
        errors.append(FieldError(field, f"{MISSING} (code CPV principal)"))
    title = one_line(profile.title)
    if profile_lot is not None:
        title = f"{title} – lot {lot} : {one_line(profile_lot.title)}"
    found: dict[str, Any] = {
        "objet": one_line(title, OBJECT_MAX),
        "codeCPV": (cpv or "")[:8],
        "dureeMois": profile.duration_months,
        "considerationsSociales": {"considerationSociale": social_values(strategy, library, lot)},
    }
    for f in award_fields():
        if f.decp is None:
            continue
        value = decp_value(f, given(f))
        if value is None and f.optional:
            continue  # a key the format leaves out when not known
        if value is None and f.kind in {Kind.choices, Kind.holders}:
            value = []  # missing: named above, and a list still
        key, value = nest(f.decp, value)
        found[key] = value
    order = {key: i for i, key in enumerate(DECP_ORDER)}
    marche = dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))
    if award.advance_payment and award.advance_rate is None:
        errors.append(
            FieldError(
                "award.advance_rate",
                "taux de l’avance obligatoire quand une avance est versée "
                "(0 s’il n’est pas connu, comme le précise le schéma officiel des données essentielles)",
            )
        )
    return marche


def _lot_only() -> list[AwardField]:
    """The fields an allotted contract gives lot by lot only."""
    return [f for f in lot_fields() if f.per_lot is PerLot.only]


def _index(award: Award, lot: int | None) -> int:
    """1-based position in ``award.lots`` of the entry for ``lot``."""
    assert award.lots is not None
    return next(i for i, a in enumerate(award.lots, start=1) if a.lot == lot)
