"""The strategy through the command line: a profile file's ``strategy:``, refused with exit 2
naming the key for each kind of rule (the API's 422: tests/web/test_strategy_api.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from clauses.cli import main
from tests.conftest import EXAMPLES

WORKS = EXAMPLES / "lycee-rehabilitation.yaml"  # 5 lots, L2112-2-1 applies
# 2 lots, L2112-2-1 applies, both the SIAE and the EA/ESAT reservations offered: every rule.
GREEN = EXAMPLES / "espaces-verts.yaml"
RULES = [
    # exclusive mechanisms (the library's compatibility rules)
    (
        {
            "mechanisms": [
                {"id": "insertion_clause"},
                {"id": "reserved_insertion"},
                {"id": "reserved_disability"},
            ]
        },
        "strategy.mechanisms[3].lots",
    ),
    (
        {
            "mechanisms": [
                {"id": "insertion_clause"},
                {"id": "reserved_insertion", "lots": [2]},
                {"id": "reserved_disability", "lots": [1, 2]},
            ]
        },
        "strategy.mechanisms[3].lots",
    ),
    (
        {"mechanisms": [{"id": "reserved_insertion"}, {"id": "reserved_disability", "lots": [1]}]},
        "strategy.mechanisms[2].lots",
    ),
    # a lot that does not exist
    ({"mechanisms": [{"id": "insertion_clause", "lots": [7]}]}, "strategy.mechanisms[1].lots"),
    # a mechanism not offered for this tender
    (
        {"mechanisms": [{"id": "insertion_clause"}, {"id": "reserved_ess"}]},
        "strategy.mechanisms[2].id",
    ),
    # L2112-2-1 neither met nor derogated from
    ({"mechanisms": [{"id": "lots_division"}]}, "strategy.derogation"),
    # an override without its reason; a weighting out of range
    ({"hours_override": {"1": 10}}, "strategy.hours_override_reason"),
    (
        {
            "mechanisms": [
                {"id": "insertion_clause"},
                {"id": "insertion_criterion", "weight_percent": 120},
            ]
        },
        "strategy.mechanisms[2].weight_percent",
    ),
    # an unknown key
    ({"mechanisms": [{"id": "insertion_clause", "lot": [1]}]}, "strategy.mechanisms[1].lot"),
]


def with_strategy(strategy: Any, path: Path = GREEN) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {**data, "launch_date": str(data["launch_date"]), "strategy": strategy}


@pytest.mark.parametrize(("strategy", "key"), RULES)
@pytest.mark.parametrize("command", ["advise", "draft"])
def test_cli_refuses_with_exit_2_naming_the_key(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    strategy: Any,
    key: str,
) -> None:
    profile = tmp_path / "profil.yaml"
    profile.write_text(yaml.safe_dump(with_strategy(strategy), allow_unicode=True), "utf-8")
    extra = ["-o", str(tmp_path / "out.docx")] if command == "draft" else []
    assert main([command, str(profile), "--as-of", "2026-11-22", *extra]) == 2
    err = capsys.readouterr().err
    assert "stratégie invalide" in err and f"{key} : " in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "out.docx").exists()


def test_cli_advise_shows_and_drafts_the_resolved_strategy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strategy = {
        "mechanisms": [
            {"id": "insertion_clause", "lots": [1, 3]},
            {"id": "reserved_insertion", "lots": [2]},
        ],
        "penalty_eur_per_hour": 50,
    }
    profile = tmp_path / "profil.yaml"
    profile.write_text(yaml.safe_dump(with_strategy(strategy, WORKS), allow_unicode=True), "utf-8")
    assert main(["advise", str(profile), "--as-of", "2026-11-22"]) == 0
    out = capsys.readouterr().out
    assert "Stratégie retenue" in out
    assert "lots 1 (Gros œuvre – maçonnerie), 3 (Peinture intérieure)" in out
    assert main(["advise", str(profile), "--as-of", "2026-11-22", "--strategy-json"]) == 0
    resolved = json.loads(capsys.readouterr().out)
    assert [h["lot"] for h in resolved["hours"]] == [1, 3]
    assert (
        main(["draft", str(profile), "--as-of", "2026-11-22", "-o", str(tmp_path / "d.docx")]) == 0
    )
    assert (tmp_path / "d.docx").stat().st_size > 0
