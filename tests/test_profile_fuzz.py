"""Fuzzing the profile loader: whatever a user sends, a French message naming the field."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from clauses.profile import FIELD_LABELS, ProfileError, TenderProfile, loads_profile, parse_profile

FIELDS = sorted(TenderProfile.model_fields)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=40),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
FRENCH_MARKERS = (
    "attendu",
    "obligatoire",
    "invalide",
    "doit",
    "inconnue",
    "valeur",
    "vide",
    "trop",
    "date",
    "illisible",
    "objet",
    "profil",
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*FIELDS, "inconnu"]), values, max_size=8))
def test_any_mapping_validates_or_names_the_field(data: dict[str, Any]) -> None:
    try:
        parse_profile(data)
    except ProfileError as exc:
        assert exc.errors
        for error in exc.errors:
            root = error.field.split(".")[0].split("[")[0]
            assert root in {*FIELDS, "inconnu", "(profil)"}, error
            assert any(marker in error.message for marker in FRENCH_MARKERS), error


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_file_is_loaded_or_refused_in_french(text: str) -> None:
    try:
        loads_profile(text)
    except ProfileError as exc:
        assert exc.errors and all(e.message for e in exc.errors)


def test_every_profile_field_has_a_french_label() -> None:
    assert set(FIELDS) <= set(FIELD_LABELS)
