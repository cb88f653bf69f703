from pathlib import Path

import pytest

from clauses.profile import (
    MAX_PROFILE_BYTES,
    ProfileError,
    TenderProfile,
    load_profile,
    loads_profile,
)

BASE = "title: Travaux\nnature: works\nestimated_amount_eur: 100000\nduration_months: 6\n"


def errors_of(text: str) -> dict[str, str]:
    with pytest.raises(ProfileError) as info:
        loads_profile(text)
    return {e.field: e.message for e in info.value.errors}


def test_minimal_profile_has_defaults() -> None:
    profile = loads_profile(BASE)
    assert profile.buyer_kind.value == "region"
    assert profile.lots == []
    assert profile.local_offer.insertion.value == "unknown"


def test_unknown_key_is_named() -> None:
    errors = errors_of(BASE + "montant: 3\n")
    assert "montant" in errors
    assert "clé inconnue" in errors["montant"]


def test_missing_required_fields_are_named_in_french() -> None:
    errors = errors_of("title: x\n")
    assert set(errors) == {"nature", "estimated_amount_eur", "duration_months"}
    assert all("obligatoire" in m for m in errors.values())
    assert "montant estimé HT" in errors["estimated_amount_eur"]


@pytest.mark.parametrize("cpv", ["4500000", "45000000-77", "ABCDEFGH", "45000000-"])
def test_cpv_format_checked(cpv: str) -> None:
    errors = errors_of(BASE + f"cpv: '{cpv}'\n")
    assert "code CPV invalide" in errors["cpv"]


def test_unquoted_cpv_is_read_as_code() -> None:
    assert loads_profile(BASE + "cpv: 45000000\n").cpv == "45000000"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("labour_share: 1.5", "labour_share"),
        ("insertion_rate: -0.1", "insertion_rate"),
        ("hourly_cost_eur: 0", "hourly_cost_eur"),
        ("duration_months: 0", "duration_months"),
        ("estimated_amount_eur: .nan", "estimated_amount_eur"),
        ("estimated_amount_eur: 1e12", "estimated_amount_eur"),
        ("launch_date: 1999-01-01", "launch_date"),
        ("launch_date: demain", "launch_date"),
        ("local_offer: {insertion: beaucoup}", "local_offer.insertion"),
        ("lots: [{title: A, estimated_amount_eur: -1}]", "lots[1].estimated_amount_eur"),
        # Found by schemathesis: a boolean is no number (« yes » was read as 100 %), a number
        # no date (it was read as a Unix timestamp), and 1e-300 € an hour made 1e300 hours.
        ("labour_share: yes", "labour_share"),
        ("lots: [{title: A, estimated_amount_eur: 5, labour_share: true}]", "lots[1].labour_share"),
        ("duration_months: true", "duration_months"),
        ("duration_months: '12'", "duration_months"),
        ("social_services: 1", "social_services"),
        ("launch_date: 1790000000", "launch_date"),
        ("launch_date: '2026-10-05T00:00'", "launch_date"),
        ("hourly_cost_eur: 1.0e-300", "hourly_cost_eur"),
        ("title: '   '", "title"),
    ],
)
def test_amounts_rates_and_dates_are_bounded(line: str, field: str) -> None:
    text = (
        "\n".join(ln for ln in BASE.splitlines() if not ln.startswith(line.split(":")[0] + ":"))
        + "\n"
        + line
        + "\n"
    )
    errors = errors_of(text)
    assert field in errors, errors


@pytest.mark.parametrize("text", ["title: [unclosed", "- a\n- b\n", "", "\x00"])
def test_malformed_or_non_mapping_input(text: str) -> None:
    with pytest.raises(ProfileError) as info:
        loads_profile(text)
    assert info.value.errors


def test_oversized_profile_refused() -> None:
    with pytest.raises(ProfileError, match="volumineux"):
        loads_profile("title: " + "x" * MAX_PROFILE_BYTES)


def test_json_file_and_bad_encoding(tmp_path: Path) -> None:
    good = tmp_path / "p.json"
    good.write_text(
        '{"title": "T", "nature": "services", "estimated_amount_eur": 5, "duration_months": 1}',
        encoding="utf-8",
    )
    assert load_profile(good).nature.value == "services"
    bad = tmp_path / "p.yaml"
    bad.write_bytes(b"title: \xff\xfe")
    with pytest.raises(ProfileError, match="UTF-8"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="illisible"):
        load_profile(tmp_path / "absent.yaml")


def test_yaml_aliases_refused() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\ntitle: *b\n'
    with pytest.raises(ProfileError, match="alias"):
        loads_profile(bomb)


def test_deep_nesting_refused() -> None:
    with pytest.raises(ProfileError, match="illisible"):
        loads_profile("title: " + "[" * 100_000)


def test_malformed_yaml_message_gives_line() -> None:
    with pytest.raises(ProfileError, match="ligne 3"):
        loads_profile("title: T\nnature: [works\n")


def test_whole_floats_are_whole_numbers() -> None:
    assert (
        loads_profile(BASE.replace("duration_months: 6", "duration_months: 6.0")).duration_months
        == 6
    )


def test_lot_errors_name_the_lot_fields() -> None:
    errors = errors_of(BASE + "lots: [{title: '', cpv: '12', estimated_amount_eur: 0}]\n")
    assert errors["lots[1].title"] == "ne doit pas être vide (intitulé du lot)"
    assert errors["lots[1].cpv"].endswith("(code CPV du lot)")
    assert errors["lots[1].estimated_amount_eur"].endswith("(montant estimé du lot)")


@pytest.mark.parametrize("nature", ["works", "supplies"])
@pytest.mark.parametrize("name", ["social_services", "insertion_contract"])
def test_services_only_flags_contradict_works_and_supplies(nature: str, name: str) -> None:
    # Issue 9 §7: social_services on an 8 M€ works contract yielded « procédure adaptée ».
    text = BASE.replace("nature: works", f"nature: {nature}") + f"{name}: true\n"
    errors = errors_of(text)
    assert list(errors) == [name]
    assert errors[name].startswith("contradiction : un marché de ")
    assert loads_profile(BASE.replace("nature: works", f"nature: {nature}") + f"{name}: false\n")


def test_services_only_flags_accepted_on_services() -> None:
    profile = loads_profile(
        BASE.replace("nature: works", "nature: services")
        + "social_services: true\ninsertion_contract: true\n"
    )
    assert profile.social_services and profile.insertion_contract


def test_schema_says_what_the_model_refuses() -> None:
    # The API schema carries the same rule, so a client validating against it is never refused.
    rule = TenderProfile.model_json_schema()["allOf"][0]
    assert rule["if"]["properties"]["nature"]["enum"] == ["works", "supplies"]
    assert set(rule["then"]["properties"]) == {"social_services", "insertion_contract"}
