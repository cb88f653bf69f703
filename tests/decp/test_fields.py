"""The award's fields are declared once (clauses.decp.fields): the table is coherent, and
``docs/award-fields.md`` and the models' typing stub (``clauses/decp/award_types.py``) are
generated from it."""

from __future__ import annotations

import os
from pathlib import Path

from clauses.decp import fields
from clauses.decp.award import Award, AwardedLot, typing_stub
from clauses.decp.fields import SECTION, Kind, PerLot, markdown_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "award-fields.md"
STUB = Path(__file__).resolve().parents[2] / "src" / "clauses" / "decp" / "award_types.py"


def test_the_docs_table_is_generated_from_the_fields() -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        DOCS.write_text(markdown_table(), encoding="utf-8")
    assert DOCS.read_text(encoding="utf-8") == markdown_table(), (
        "docs/award-fields.md: UPDATE_GOLDEN=1 pytest tests/decp/test_fields.py"
    )


def test_the_type_checker_reads_the_models_the_fields_build() -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        STUB.write_text(typing_stub(), encoding="utf-8")
    assert STUB.read_text(encoding="utf-8") == typing_stub(), (
        "src/clauses/decp/award_types.py: UPDATE_GOLDEN=1 pytest tests/decp/test_fields.py"
    )
    from clauses.decp import award_types

    assert list(award_types.Award.model_fields) == list(Award.model_fields)
    assert list(award_types.AwardedLot.model_fields) == list(AwardedLot.model_fields)
    for stub, model in ((award_types.Award, Award), (award_types.AwardedLot, AwardedLot)):
        for name, info in model.model_fields.items():
            assert stub.model_fields[name].default == info.default, name


def test_each_field_is_declared_once_and_completely() -> None:
    names = [f.name for f in fields.FIELDS]
    assert len(names) == len(set(names))
    keys = [f.decp.split("/")[0] for f in fields.FIELDS if f.decp]
    assert len(keys) == len(set(keys))  # a key DECP_ORDER does not list goes last
    for f in fields.FIELDS:
        assert f.section in SECTION and f.label, f.name
        if f.kind in {Kind.choice, Kind.choices, Kind.place}:
            assert f.values is not None, f.name
        if f.per_lot is not PerLot.no:
            assert f.lot_label and f.lot_summary and f.lot_position, f.name
        if f.check is not None and f.kind in {Kind.text, Kind.amount}:
            assert f.what, f.name
    assert list(Award.model_fields) == names
    lot_names = [f.name for f in fields.lot_fields()]
    assert list(AwardedLot.model_fields) == ["lot", *lot_names]


def test_one_enumeration_of_environmental_considerations() -> None:
    from clauses.library.models import DecpEnvironmental

    assert fields.field_named("environmental_considerations").values is DecpEnvironmental
