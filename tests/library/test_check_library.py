"""`clauses check-library` passes on the real library and names the file and field at fault."""

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from clauses.advisor.checks import check_library
from clauses.cli import main
from clauses.library import default_library_path

TODAY = dt.date(2026, 12, 4)  # the library’s last review (DOMAIN §9)


def test_real_library_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_library(today=TODAY) == []
    assert main(["check-library"]) == 0
    assert "valide" in capsys.readouterr().out


@pytest.fixture()
def broken_copy(tmp_path: Path) -> Callable[[str, Callable[[dict], None]], Path]:  # type: ignore[type-arg]
    root = tmp_path / "library"
    shutil.copytree(default_library_path(), root)

    def edit(name: str, change: Callable[[dict], None]) -> Path:  # type: ignore[type-arg]
        path = root / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return root

    return edit


def problems_for(root: Path) -> str:
    return "\n".join(check_library(root, today=TODAY))


def test_unknown_key_names_file_and_field(broken_copy) -> None:  # type: ignore[no-untyped-def]
    root = broken_copy("mechanisms/insertion_clause.yaml", lambda d: d.update(titre="x"))
    found = problems_for(root)
    assert "insertion_clause.yaml" in found and "titre" in found


def test_clause_using_undeclared_parameter(broken_copy) -> None:  # type: ignore[no-untyped-def]
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["clauses"][0]["text"] += " {{ undeclared_value }}"

    found = problems_for(broken_copy("mechanisms/insertion_clause.yaml", change))
    assert "clauses[0].text" in found and "undeclared_value" in found


def test_clause_that_does_not_render(broken_copy) -> None:  # type: ignore[no-untyped-def]
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["clauses"][0]["text"] += " {% if %}"

    found = problems_for(broken_copy("mechanisms/insertion_clause.yaml", change))
    assert "clauses[0].text" in found and "rendu impossible" in found


def test_unknown_article_cited(broken_copy) -> None:  # type: ignore[no-untyped-def]
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["legal_basis"][0]["article"] = "L9999-9"

    found = problems_for(broken_copy("mechanisms/reserved_insertion.yaml", change))
    assert (
        "reserved_insertion.yaml" in found
        and "legal_basis[0].article" in found
        and "L9999-9" in found
    )


def test_article_cited_in_clause_text_must_exist(broken_copy) -> None:  # type: ignore[no-untyped-def]
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["clauses"][0]["text"] += " Voir l’article R2999-1."

    found = problems_for(broken_copy("mechanisms/lots_division.yaml", change))
    assert "R2999-1" in found


def test_unknown_mechanism_id_in_practice(tmp_path: Path) -> None:
    root = tmp_path / "library"
    shutil.copytree(default_library_path(), root)
    sheet = next((root / "practices").glob("*.md"))
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace(
            "mechanisms:", "mechanisms:\n  - clause_moliere", 1
        ),
        encoding="utf-8",
    )
    found = problems_for(root)
    assert sheet.name in found and "mechanisms" in found


def test_overlapping_threshold_periods(broken_copy) -> None:  # type: ignore[no-untyped-def]
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["eu"][1]["valid_from"] = dt.date(2025, 6, 1)

    found = problems_for(broken_copy("thresholds.yaml", change))
    assert "thresholds.yaml" in found and "eu[1].valid_from" in found


def test_future_review_date(broken_copy) -> None:  # type: ignore[no-untyped-def]
    found = problems_for(
        broken_copy("sizing.yaml", lambda d: d.update(reviewed_on=dt.date(2030, 1, 1)))
    )
    assert "sizing.yaml" in found and "reviewed_on" in found


def test_to_verify_statement_must_say_so(broken_copy) -> None:  # type: ignore[no-untyped-def]
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["decp_publication"]["text"] = "Publication des données essentielles à partir de 40 000 €."

    found = problems_for(broken_copy("thresholds.yaml", change))
    assert "decp_publication" in found and "à vérifier" in found


def test_missing_mechanism_file(tmp_path: Path) -> None:
    root = tmp_path / "library"
    shutil.copytree(default_library_path(), root)
    (root / "mechanisms" / "reserved_ess.yaml").unlink()
    assert "reserved_ess" in problems_for(root)


def test_cli_exits_non_zero_on_broken_copy(broken_copy, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    root = broken_copy(
        "obligations.yaml", lambda d: d["obligations"][0].update(legal_basis=["L0000-0"])
    )
    assert main(["--library", str(root), "check-library"]) == 1
    err = capsys.readouterr().err
    assert "obligations.yaml" in err and "L0000-0" in err


def test_an_id_given_twice_is_reported_once(broken_copy) -> None:  # type: ignore[no-untyped-def]
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["notes"] += [d["notes"][0], d["notes"][0]]

    found = problems_for(broken_copy("notes.yaml", change))
    note_id = yaml.safe_load((default_library_path() / "notes.yaml").read_text())["notes"][0]["id"]
    assert found.count(f"notes : id « {note_id} » en double") == 1


def test_sectors_given_twice_are_reported_in_order(broken_copy) -> None:  # type: ignore[no-untyped-def]
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["sectors"] += list(reversed(d["sectors"][:2]))

    found = problems_for(broken_copy("sizing.yaml", change)).splitlines()
    repeated = [line for line in found if "en double" in line]
    assert len(repeated) == 2 and repeated == sorted(repeated)
