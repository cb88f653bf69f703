"""The award (DESIGN §3.6): the optional ``award`` key of a profile file, typed and checked.

Values in French are those of the DECP 2.0.3 enumerations, so that what the buyer writes is what
the open data declares. Every key is optional here: a dossier gathers its award data in steps
(the web will fill it as the contract goes from « publié » to « attribué »), and
:func:`clauses.decp.document.decp_document` names each key the export still needs. Errors name
the field from ``award`` (``award.holders[1].id``), 1-based like the profile's ``lots[1].title``
and the strategy's ``strategy.mechanisms[2].lots``.

``Award`` and ``AwardedLot`` are built from the table of the award's fields
(:data:`clauses.decp.fields.FIELDS`): a field's type, constraints, default and check are
declared there, once. The type checker reads them from :mod:`clauses.decp.award_types`, a class
body per model written from the same table by :func:`typing_stub` (a test keeps it in sync).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin

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


LINE_LENGTH = 100  # the formatter's (pyproject.toml), which the stub is written to pass
LOT_NUMBER = (Integer, Field(ge=1))  # a lot's ``lot``: 1-based, in the order of the profile's lots


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
        lot=LOT_NUMBER,
    )
    return _model("Award", None, list(award_fields()), lot), lot


if TYPE_CHECKING:
    from clauses.decp.award_types import Award, AwardedLot
else:
    Award, AwardedLot = build_models()


def _annotation(value_type: Any, imports: set[tuple[str, str]]) -> str:
    """How the stub writes a model's type (``Annotated`` constraints left to the model)."""
    if get_origin(value_type) is Annotated:
        return _annotation(get_args(value_type)[0], imports)
    if get_origin(value_type) is list:
        return f"list[{_annotation(get_args(value_type)[0], imports)}]"
    if value_type is dt.date:
        return "dt.date"
    if value_type in (str, int, float, bool):
        return str(value_type.__name__)
    assert isinstance(value_type, type), value_type
    imports.add((value_type.__module__, value_type.__name__))
    return value_type.__name__


def _stub_fields(declared: list[AwardField], imports: set[tuple[str, str]]) -> list[str]:
    lines = []
    for f in declared:
        kind = "list[AwardedLot]" if f.kind is Kind.lots else _annotation(f.value_type(), imports)
        if f.default is None:
            lines.append(f"    {f.name}: {kind} | None = None")
        else:
            assert isinstance(f.default, Enum), f.name
            default = f"{type(f.default).__name__}.{f.default.name}"
            lines.append(f"    {f.name}: {kind} = {default}")
    return lines


def _import(module: str, names: list[str]) -> str:
    """``from module import names`` as the formatter writes it (one name a line when long)."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def typing_stub() -> str:
    """``src/clauses/decp/award_types.py``: the models as :func:`build_models` makes them, as
    class bodies the type checker reads (a test checks the file is this one)."""
    imports: set[tuple[str, str]] = {("clauses.decp.values", "In")}
    lot = [f"    lot: {_annotation(LOT_NUMBER[0], imports)}"]
    lot += _stub_fields(lot_fields(), imports)
    award = _stub_fields(list(award_fields()), imports)
    modules: dict[str, list[str]] = {}
    for module, name in sorted(imports):
        modules.setdefault(module, []).append(name)
    imported = "\n".join(_import(module, sorted(names)) for module, names in modules.items())
    return (
        '"""The award\'s models as the type checker reads them (:mod:`clauses.decp.award`, which builds\n'
        "them from :data:`clauses.decp.fields.FIELDS` at run time, imports this module for the type\n"
        "checker only). Generated by :func:`clauses.decp.award.typing_stub`: do not edit; regenerate\n"
        'with ``UPDATE_GOLDEN=1 pytest tests/decp/test_fields.py``.\n"""\n\n'
        "from __future__ import annotations\n\n"
        "import datetime as dt\n\n"
        f"{imported}\n\n\n"
        "class AwardedLot(In):\n"
        '    """A lot awarded on its own: a separate contract, so a ``marche`` of its own."""\n\n'
        + "\n".join(lot)
        + "\n\n\nclass Award(In):\n"
        + '    """Each field of :data:`clauses.decp.fields.FIELDS`, typed as it declares."""\n\n'
        + "\n".join(award)
        + "\n"
    )


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
