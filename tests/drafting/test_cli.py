"""``clauses draft`` and ``clauses draft-batch``: files in, files out, French messages, exit codes."""

import io
import os
import zipfile
from pathlib import Path

import pytest

from clauses.cli import main
from clauses.drafting import cli as drafting_cli
from tests.conftest import EXAMPLES
from tests.drafting.helpers import outline, reopen
from tests.drafting.test_template import council_template, hostile_template
from tests.openxml import assert_valid_office, assert_valid_pieces

LYCEE = str(EXAMPLES / "lycee-rehabilitation.yaml")


def test_draft_writes_the_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clauses-sociales.docx"
    assert main(["draft", LYCEE, "-o", str(out), "--as-of", "2026-11-22"]) == 0
    assert reopen(out.read_bytes()).paragraphs
    assert_valid_office(out.read_bytes(), out.name)
    assert f"{out} écrit" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["clauses-sociales.docx"]  # no temporary left


def test_a_zip_output_gives_one_docx_per_dce_piece(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dce.zip"
    assert main(["draft", LYCEE, "-o", str(out), "--as-of", "2026-11-22"]) == 0
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        pieces = {name: reopen(archive.read(name)) for name in names}
    assert all(name.endswith(".docx") for name in names)
    assert len(names) == 6  # summary, RC, CCAP, commitment form, follow-up table, sheets
    ccap = outline(pieces["02-ccap-article.docx"])
    number = "Article [à compléter\u00a0: numéro de l’article"
    assert [text for level, text in ccap if level == 2] == [
        f"{number} n] – Clause d’insertion sociale",
        # The reserved lot 3 keeps a social condition that is not an hours total (DOMAIN §9).
        f"{number} n+1] – Accompagnement des travailleurs affectés au marché "
        "(lot n° 3 «\u00a0Peinture intérieure\u00a0»)",
    ]
    assert f"{out} écrit (6 pièce(s) du DCE)." in capsys.readouterr().out
    assert assert_valid_pieces(out.read_bytes(), out.name) == names
    again = tmp_path / "again.zip"
    assert main(["draft", LYCEE, "-o", str(again), "--as-of", "2026-11-22"]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_draft_is_reproducible_from_the_command_line(tmp_path: Path) -> None:
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    for out in (a, b):
        assert main(["draft", LYCEE, "-o", str(out), "--as-of", "2026-11-22"]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_sections_option(tmp_path: Path) -> None:
    out = tmp_path / "ccap.docx"
    assert (
        main(
            [
                "draft",
                LYCEE,
                "-o",
                str(out),
                "--sections",
                "ccap,references",
                "--as-of",
                "2026-11-22",
            ]
        )
        == 0
    )
    top = [text for level, text in outline(reopen(out.read_bytes())) if level == 1]
    assert top == ["Extrait du CCAP", "Références juridiques citées"]


def test_template_option_with_fallback_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "modele.dotx"
    template.write_bytes(council_template(drop_styles=("Heading 3",)))
    out = tmp_path / "avec-modele.docx"
    assert (
        main(
            [
                "draft",
                LYCEE,
                "-o",
                str(out),
                "--template",
                str(template),
                "--sections",
                "summary",
                "--as-of",
                "2026-11-22",
            ]
        )
        == 0
    )
    assert "note : Le modèle ne définit pas le style « Titre 3 »" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--sections", "summary,annexe"], "section(s) inconnue(s) : annexe"),
        (["--template", "/nonexistent/modele.docx"], "modèle Word illisible"),
        (["--template", __file__], "modèle Word refusé"),
    ],
)
def test_invalid_input_exits_2_in_french(
    extra: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.docx"
    assert main(["draft", LYCEE, "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()


def test_invalid_profile_and_output_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: T\nnature: travaux\n", encoding="utf-8")
    assert main(["draft", str(bad), "-o", str(tmp_path / "x.docx")]) == 2
    assert "nature" in capsys.readouterr().err
    assert main(["draft", LYCEE, "-o", str(tmp_path / "absent" / "x.docx")]) == 2
    assert "dossier de sortie introuvable" in capsys.readouterr().err
    assert main(["draft", LYCEE, "-o", str(tmp_path)]) == 2
    assert "est un dossier" in capsys.readouterr().err


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x.docx"
    out.write_bytes(b"previous version")

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    assert main(["draft", LYCEE, "-o", str(out)]) == 2
    assert out.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["x.docx"]


def test_batch_reports_bad_files_and_writes_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "profils"
    source.mkdir()
    for name in ("nettoyage-lycees.yaml", "petite-reparation.yaml"):
        (source / name).write_bytes((EXAMPLES / name).read_bytes())
    (source / "cassé.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (source / "incomplet.json").write_text('{"title": "Sans nature"}', encoding="utf-8")
    (source / "notes.txt").write_text("not a profile", encoding="utf-8")
    out = tmp_path / "documents"
    assert main(["draft-batch", str(source), "-o", str(out), "--as-of", "2026-11-22"]) == 1
    captured = capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == [
        "nettoyage-lycees.docx",
        "petite-reparation.docx",
    ]
    assert "[1/4] cassé.yaml" in captured.err and "[4/4] petite-reparation.yaml" in captured.err
    assert "2 document(s) écrit(s)" in captured.out
    assert "2 échec(s)" in captured.out
    assert "  - cassé.yaml : profil invalide : " in captured.out
    assert (
        "  - incomplet.json : profil invalide : nature : champ obligatoire manquant" in captured.out
    )


def test_batch_of_good_files_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.yaml").write_bytes((EXAMPLES / "impression.yaml").read_bytes())
    (source / "a.json").write_text(
        '{"title": "Impression", "nature": "services", "estimated_amount_eur": 50000,'
        ' "duration_months": 12}',
        encoding="utf-8",
    )
    assert (
        main(["draft-batch", str(source), "-o", str(tmp_path / "out"), "--sections", "summary"])
        == 0
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a-json.docx", "a-yaml.docx"]


def test_batch_input_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["draft-batch", str(tmp_path / "absent"), "-o", str(tmp_path / "out")]) == 2
    assert "dossier des profils introuvable" in capsys.readouterr().err
    assert main(["draft-batch", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    assert "aucun profil" in capsys.readouterr().err


def test_progress_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = drafting_cli.Progress(4, stream)
    progress.step(1, "a.yaml")
    progress.step(4, "d.yaml")
    progress.close()
    shown = stream.getvalue()
    assert "\r\x1b[K[1/4] ██████░░░░░░░░░░░░░░░░░░ a.yaml" in shown
    assert shown.endswith("[4/4] " + "█" * 24 + " d.yaml\n")


def test_a_template_with_outside_content_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "charte.docx"
    template.write_bytes(hostile_template())
    out = tmp_path / "x.docx"
    assert main(["draft", LYCEE, "-o", str(out), "--template", str(template)]) == 2
    err = capsys.readouterr().err
    assert "éléments extérieurs ou actifs" in err and "modèle attaché « https://" in err
    assert not out.exists()
