import json
import subprocess
import sys
from pathlib import Path

import pytest

from clauses.cli import main
from tests.conftest import EXAMPLES


def test_advise_text_is_french_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["advise", str(EXAMPLES / "lycee-rehabilitation.yaml"), "--as-of", "2026-11-22"]) == 0
    )
    out = capsys.readouterr().out
    for expected in (
        "Seuil européen applicable\u00a0: 5\u00a0404\u00a0000\u00a0€ HT",
        "procédure formalisée",
        "L2112-2-1",
        "Base légale\u00a0: L2112-2",
        "recommandé",
        "Formule\u00a0: heures = montant HT",
        "Par lot\u00a0:",
        "considerationsSociales\u00a0: Clause sociale",
    ):
        assert expected in out, expected


def test_advise_json_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "advise",
                str(EXAMPLES / "lycee-rehabilitation.yaml"),
                "--json",
                "--as-of",
                "2026-11-22",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {
        "library_version",
        "as_of",
        "procedure",
        "obligations",
        "recommendations",
        "insertion_hours",
        "decp",
        "warnings",
    }
    assert set(data["procedure"]) >= {"eu_threshold_eur", "above_eu_threshold", "regime"}
    rec = data["recommendations"][0]
    assert set(rec) >= {"mechanism", "level", "legal_basis", "reasons", "parameters", "lots"}
    assert data["as_of"] == "2026-11-22"
    assert data["decp"]["considerationsSociales"]["considerationSociale"]


def test_invalid_profile_exits_2_naming_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: T\nnature: travaux\nestimated_amount_eur: 10\nduration_months: 1\n",
        encoding="utf-8",
    )
    assert main(["advise", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "nature" in err and "Traceback" not in err


def test_missing_file_and_bad_date_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["advise", str(tmp_path / "absent.yaml")]) == 2
    assert "illisible" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["advise", str(EXAMPLES / "impression.yaml"), "--as-of", "hier"])
    assert info.value.code == 2
    assert "date invalide" in capsys.readouterr().err


def test_console_script_runs_as_a_process() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clauses.cli",
            "advise",
            str(EXAMPLES / "petite-reparation.yaml"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["procedure"]["regime"] == "no_procedure"


HEAVY = ("docx", "jsonschema", "sqlalchemy", "jinja2", "fastapi", "openpyxl", "uvicorn")


def test_advise_imports_only_what_it_uses() -> None:
    """The other subcommands' modules (and python-docx, jsonschema, SQLAlchemy…) stay out of
    ``clauses advise``: importing them took it from 0.65 s to 1.2 s."""
    script = (
        "import sys; from clauses.cli import main; "
        f"code = main(['advise', {str(EXAMPLES / 'petite-reparation.yaml')!r}, '--json']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:])), "
        "file=sys.stderr); sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *HEAVY], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    for command in ("advise", "check-library", "seed", "draft", "draft-batch", "serve", "decp"):
        assert f"    {command} " in listed, command
    with pytest.raises(SystemExit):
        main(["--library", "clause_library", "draft", "--help"])
    assert "--sections" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["conseil"])
    assert "invalid choice: 'conseil'" in capsys.readouterr().err


def test_contradictory_profile_exits_2_naming_social_services(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: T\nnature: works\nestimated_amount_eur: 8000000\nduration_months: 24\n"
        "social_services: true\n",
        encoding="utf-8",
    )
    assert main(["advise", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "social_services" in err and "contradiction" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("pas une adresse", 2, "adresse de base de données invalide (CLAUSES_DATABASE_URL)"),
        ("mysql://hote/base", 2, "adresse de base de données invalide (CLAUSES_DATABASE_URL)"),
        (
            "postgresql+psycopg://moi:motdepasse@127.0.0.1:1/base",
            1,
            "base de données inaccessible (postgresql+psycopg://moi:***@127.0.0.1:1/base)",
        ),
    ],
)
def test_serve_with_a_bad_database_url_says_so_in_one_line(
    url: str,
    code: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLAUSES_DATABASE_URL", url)
    assert main(["serve", "--port", "1"]) == code
    err = capsys.readouterr().err
    assert err.startswith(f"clauses : {message}") and err.count("\n") == 1
    assert "Traceback" not in err and "motdepasse" not in err


def test_serve_with_a_bad_setting_names_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUSES_MAX_BODY_BYTES", "beaucoup")
    assert main(["serve"]) == 2
    assert capsys.readouterr().err == (
        "clauses : réglage invalide : CLAUSES_MAX_BODY_BYTES (vérifiez sa valeur)\n"
    )


def test_user_add_reads_the_password_on_stdin(tmp_path: Path) -> None:
    """``clauses user add`` as a process: the account can then sign in; errors exit 2."""
    from clauses.store import accounts
    from clauses.store.db import make_engine, new_session
    from clauses.store.models import Role

    url = f"sqlite:///{tmp_path / 'comptes.db'}"
    env = {"CLAUSES_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "clauses.cli", "user", "add", "chef@region.test"]
    command += ["--organisation", "Région Test", "--siret", "23350001600040", "--role", "admin"]
    made = subprocess.run(
        command, input="un mot de passe solide\n", capture_output=True, text=True, env=env
    )
    assert made.returncode == 0, made.stderr
    assert "Compte créé : chef@region.test" in made.stdout
    again = subprocess.run(
        command, input="un mot de passe solide\n", capture_output=True, text=True, env=env
    )
    assert again.returncode == 2 and "existe déjà" in again.stderr
    short = subprocess.run(
        [*command[:5], "autre@region.test", *command[6:]],
        input="court\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert short.returncode == 2 and "trop court" in short.stderr
    engine = make_engine(url)
    with new_session(engine) as session:
        user = accounts.authenticate(session, "chef@region.test", "un mot de passe solide")
        assert user is not None and user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        membership = accounts.membership_of(session, user.id)
        assert membership is not None and membership.role == Role.admin
        assert accounts.authenticate(session, "chef@region.test", "autre") is None
    engine.dispose()
