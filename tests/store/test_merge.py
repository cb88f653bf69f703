"""Three-way merge of a form sent on an older version (clauses.store.merge)."""

from __future__ import annotations

import uuid
from typing import Any

from clauses.store.merge import decode_base, encode_base, merge
from clauses.store.models import Dossier


def dossier(answers: dict[str, Any], strategy: dict[str, Any] | None = None) -> Dossier:
    return Dossier(id=uuid.uuid4(), title="Essai", answers=answers, strategy=strategy or {})


def base_of(d: Dossier) -> dict[str, str]:
    decoded = decode_base(encode_base(d))
    assert decoded is not None
    return decoded


def test_what_the_form_left_alone_keeps_the_newer_value() -> None:
    shown = dossier({"a": "1", "b": "1"})
    now = dossier({"a": "2", "b": "1"})  # someone changed a
    mine = {"answers": {"a": "1", "b": "3"}}  # the form shows a as it was, changes b
    assert merge(now, mine, base_of(shown)) == {"answers": {"a": "2", "b": "3"}}


def test_one_field_changed_both_sides_to_different_values_is_a_conflict() -> None:
    shown = dossier({"a": "1"})
    now = dossier({"a": "2"})
    assert merge(now, {"answers": {"a": "3"}}, base_of(shown)) is None
    assert merge(now, {"answers": {"a": "2"}}, base_of(shown)) == {"answers": {"a": "2"}}


def test_fields_added_or_removed_and_the_title() -> None:
    shown = dossier({"a": "1"})
    now = dossier({"a": "1", "new": "x"})  # someone answered a new question
    mine = {"answers": {"b": "y"}, "title": "Essai"}  # the form removed a, added b
    merged = merge(now, mine, base_of(shown))
    assert merged == {"answers": {"new": "x", "b": "y"}, "title": "Essai"}
    assert merge(now, {"stage": "published"}, base_of(shown)) is None  # never merged


def test_a_base_that_is_not_one_means_the_strict_check() -> None:
    for sent in (None, "", "[]", "{", '{"a": 1}', "x" * 100_001):
        assert decode_base(sent) is None
