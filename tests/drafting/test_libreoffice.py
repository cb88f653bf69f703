"""A real word processor opens the draft: LibreOffice converts it to PDF, and the text is there.

One conversion to PDF (plus one to plain text when pdftotext is not installed): each costs
seconds, so the whole check is one test on the richest example.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from clauses.library import Library
from clauses.profile import load_profile
from tests.conftest import AS_OF, EXAMPLES, require_tool
from tests.drafting.helpers import make_draft, plain


def convert(soffice: str, source: Path, target: str, profile: Path) -> Path:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    extension = target.split(":")[0]
    return source.with_suffix(f".{extension}")


@pytest.mark.libreoffice
def test_libreoffice_renders_the_draft_to_pdf(tmp_path: Path, library: Library) -> None:
    soffice = require_tool("soffice")
    result = make_draft(load_profile(EXAMPLES / "lycee-rehabilitation.yaml"), library, AS_OF)
    source = tmp_path / "clauses-sociales.docx"
    source.write_bytes(result.content)
    profile = tmp_path / "lo-profile"

    pdf = convert(soffice, source, "pdf", profile)
    assert pdf.read_bytes().startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        assert "Page 2 sur" in text  # the footer's fields were computed
    else:
        text = convert(soffice, source, "txt:Text (encoded):UTF8", profile).read_text(
            encoding="utf-8-sig"
        )

    text = " ".join(plain(text).split())
    for expected in (
        "Clauses sociales",
        "L2112-2-1",
        "L2113-13",
        "R2152-7",
        "4 651 heures",
        "2 167 heures",
        "– Clause d’insertion sociale",
        "[à compléter : Coordonnées du facilitateur",
        *(attached.practice.title for attached in result.practices),
        "Références juridiques citées",
    ):
        assert " ".join(expected.split()) in text, expected
