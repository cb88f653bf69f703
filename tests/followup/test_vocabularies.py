"""The follow-up vocabularies and national figures are library content, checked like the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from clauses.advisor.checks import check_library
from clauses.library import default_library_path


def broken(tmp_path: Path, name: str, change: object) -> list[str]:
    root = tmp_path / "library"
    shutil.copytree(default_library_path(), root)
    path = root / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return check_library(root)


def test_the_library_holds_the_vocabularies_of_domain_4() -> None:
    from clauses.library import load_library

    library = load_library()
    assert set(library.followup.ways.by_id) == {
        "direct_hiring", "provision", "subcontracting", "co_contracting"
    }  # fmt: skip
    assert [s.value for s in library.followup.ways.by_id["provision"].structures] == [
        "ETTI", "AI", "GEIQ"
    ]  # fmt: skip
    assert "rqth" in library.followup.publics.by_id
    shares = {
        (v.year, v.scope): v.share for v in library.national_figures.social_clause_share.values
    }
    assert shares[(2023, "all")] == 0.187 and shares[(2023, "collectivites")] == 0.127


def test_an_unknown_structure_kind_is_named(tmp_path: Path) -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        data["ways"]["terms"][1]["structures"].append("SCOP")

    problems = "\n".join(broken(tmp_path, "followup.yaml", change))
    assert "followup.yaml" in problems and "ways.terms[1].structures[3]" in problems


def test_duplicate_ids_and_shares_out_of_range(tmp_path: Path) -> None:
    def twice(data: dict) -> None:  # type: ignore[type-arg]
        data["publics"]["terms"].append(data["publics"]["terms"][0])

    assert any("publics" in p and "double" in p for p in broken(tmp_path, "followup.yaml", twice))

    def percent(data: dict) -> None:  # type: ignore[type-arg]
        data["social_clause_share"]["values"][0]["share"] = 18.7

    problems = broken(tmp_path / "b", "national_figures.yaml", percent)
    assert any("social_clause_share.values[0].share" in p for p in problems)
