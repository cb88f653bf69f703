"""The award (DESIGN §3.6): the optional ``award`` key of a profile file, typed and checked.

Values in French are those of the DECP 2.0.3 enumerations, so that what the buyer writes is what
the open data declares. Every key is optional here: a dossier gathers its award data in steps
(the web will fill it as the contract goes from « publié » to « attribué »), and
:func:`clauses.decp.document.decp_document` names each key the export still needs. Errors name
the field from ``award`` (``award.holders[1].id``), 1-based like the profile's ``lots[1].title``
and the strategy's ``strategy.mechanisms[2].lots``.

``Award`` and ``AwardedLot`` are built from the table of the award's fields
(:data:`clauses.decp.fields.FIELDS`): a field's type, constraints, default and check are
declared there, once. For the type checker their fields are ``Any``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError, ValidationInfo, create_model, field_validator

from clauses.decp.fields import AwardField, Kind, award_fields, lot_fields
from clauses.decp.values import In
from clauses.profile import FieldError, Integer, ProfileError, describe_errors

__all__ = [
    "KEY",
    "Award",
    "AwardedLot",
    "build_models",
    "future_dates",
    "parse_award",
    "published_before_notified",
]

KEY = "award"


def _validator(f: AwardField, what: str) -> Any:
    """The model's validator of ``f``: its check, given the value and the fields before it."""
    check = f.check
    assert check is not None

    def validate(cls: type[Any], value: Any, info: ValidationInfo) -> Any:
        if value is not None:
            check(value, what, info.data)
        return value

    return field_validator(f.name)(validate)


def _model(
    name: str, doc: str | None, declared: list[AwardField], lots: Any = None, **extra: Any
) -> Any:
    """A model of ``declared`` (a lot's, when ``lots`` is None; else the award's, ``lots`` the
    model of its lots)."""
    specs: dict[str, Any] = dict(extra)
    validators: dict[str, Any] = {}
    for f in declared:
        kind = list[lots] if f.kind is Kind.lots else f.value_type()
        annotation = kind if f.default is not None else kind | None
        specs[f.name] = (annotation, f.field_info())
        if f.check is not None:
            what = (f.lot_what or f.what) if lots is None else f.what
            validators[f"check_{f.name}"] = _validator(f, what)
    model = create_model(name, __base__=In, __validators__=validators, **specs)
    model.__doc__ = doc
    return model


def build_models() -> tuple[Any, Any]:
    """``Award`` and ``AwardedLot`` from the fields (:data:`clauses.decp.fields.FIELDS`)."""
    lot = _model(
        "AwardedLot",
        "A lot awarded on its own: a separate contract, so a ``marche`` of its own.",
        lot_fields(),
        lot=(Integer, Field(ge=1)),  # 1-based, in the order of the profile's lots
    )
    return _model("Award", None, list(award_fields()), lot), lot


if TYPE_CHECKING:

    class AwardedLot(In):
        lot: int

        def __getattr__(self, name: str) -> Any: ...

    class Award(In):
        """Each field of :data:`clauses.decp.fields.FIELDS`, typed as it declares."""

        def __getattr__(self, name: str) -> Any: ...

else:
    Award, AwardedLot = build_models()


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
