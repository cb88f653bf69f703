"""A real word processor opens the draft: LibreOffice converts it to PDF, and the text is there.

One conversion to PDF (plus one to plain text when pdftotext is not installed): each costs
seconds, so the whole check is one test on the richest example.
"""

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

from clauses.advisor import advise
from clauses.drafting import draft_pieces
from clauses.library import Library
from clauses.profile import load_profile
from clauses.strategy.choose import resolved_or_raise
from tests.conftest import AS_OF, EXAMPLES, require_tool
from tests.drafting.helpers import make_draft, plain, reopen
from tests.libreoffice import LibreOffice


def test_libreoffice_renders_the_draft_to_pdf(
    tmp_path: Path, library: Library, libreoffice: LibreOffice
) -> None:
    result = make_draft(load_profile(EXAMPLES / "lycee-rehabilitation.yaml"), library, AS_OF)
    source = tmp_path / "clauses-sociales.docx"
    source.write_bytes(result.content)

    pdf = libreoffice.convert(source)
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
        text = libreoffice.convert(source, "txt:Text (encoded):UTF8").read_text(
            encoding="utf-8-sig"
        )

    text = " ".join(plain(text).split())
    for expected in (
        "Clauses sociales",
        "L2112-2-1",
        "L2113-13",
        "R2152-7",
        "3 834 heures",  # lot 3 is reserved: the hours of lots 1, 2, 4 and 5
        "2 167 heures",
        "– Clause d’insertion sociale",
        "[à compléter : Coordonnées du facilitateur",
        *(attached.practice.title for attached in result.practices),
        "Références juridiques citées",
    ):
        assert " ".join(expected.split()) in text, expected


def test_each_dce_piece_of_the_zip_opens_in_python_docx_and_libreoffice(
    tmp_path: Path, library: Library, libreoffice: LibreOffice
) -> None:
    profile = load_profile(EXAMPLES / "lycee-rehabilitation.yaml")
    advice = advise(profile, library, AS_OF)
    strategy = resolved_or_raise(profile, advice, None, library)
    pieces = draft_pieces(profile, advice, strategy, library, AS_OF)
    with zipfile.ZipFile(io.BytesIO(pieces.content)) as archive:
        assert archive.namelist() == pieces.names
        archive.extractall(tmp_path / "pieces")
    assert pieces.names[:4] == [
        "00-synthese.docx",
        "01-avis-et-reglement-de-la-consultation.docx",
        "02-ccap-article.docx",
        "03-annexe-engagement-du-candidat-insertion.docx",
    ]
    sources = sorted((tmp_path / "pieces").glob("*.docx"))
    assert sources, "the zip holds no .docx"
    for source in sources:
        assert reopen(source.read_bytes()).paragraphs, source.name
    pdfs = libreoffice.convert_all(sources, outdir=tmp_path / "pdf")
    for source, pdf in zip(sources, pdfs, strict=True):
        assert pdf.read_bytes().startswith(b"%PDF-"), source.name


def test_the_five_lot_draft_fits_its_page_budget(
    tmp_path: Path, library: Library, libreoffice: LibreOffice
) -> None:
    """RC + CCAP + annexes ≤ 8 pages, whole document ≤ 14 (bench/draft_quality.py reports the
    figures; page counts need the Carlito and Caladea fonts that .ci/run installs)."""
    pdfinfo = require_tool("pdfinfo")
    profile = load_profile(EXAMPLES / "lycee-rehabilitation.yaml")
    sources = []
    for name, sections in (("dce", ["rc", "ccap", "annexes"]), ("whole", None)):
        options = {} if sections is None else {"sections": sections}
        source = tmp_path / f"{name}.docx"
        source.write_bytes(make_draft(profile, library, AS_OF, **options).content)
        sources.append(source)
    libreoffice.convert_all(sources)

    def pages(name: str) -> int:
        info = subprocess.run(
            [pdfinfo, str(tmp_path / f"{name}.pdf")], check=True, capture_output=True, text=True
        ).stdout
        return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])

    assert pages("dce") <= 8
    assert pages("whole") <= 14


def test_the_answered_lycee_draft_reads_well_on_a4(
    tmp_path: Path, library: Library, libreoffice: LibreOffice
) -> None:
    """Issue 19, read as the legal officer who pastes it: the 5-lot lycée with the review page
    answered fits in 14 A4 pages, its RC, CCAP and annexes in 8; no word or article number is
    broken across lines; the CCAG's publics, « usagers des ESAT »."""
    from tests.drafting.test_perimeters import ANSWERED, planned

    pdftotext = require_tool("pdftotext")
    pdfinfo = require_tool("pdfinfo")
    profile = load_profile(EXAMPLES / "lycee-rehabilitation.yaml")
    advice = advise(profile, library, AS_OF)
    mechanisms = planned(profile, library, worker_support={"penalty_eur": 300})
    strategy = resolved_or_raise(profile, advice, {**ANSWERED, "mechanisms": mechanisms}, library)
    pages = {}
    for name, sections in (("whole", None), ("dce", ["rc", "ccap", "annexes"])):
        source = tmp_path / f"{name}.docx"
        kwargs = {"sections": sections} if sections else {}
        source.write_bytes(make_draft(profile, library, AS_OF, strategy=strategy, **kwargs).content)
        pdf = libreoffice.convert(source)
        info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True).stdout
        pages[name] = int(info.split("Pages:")[1].split()[0])
        if name == "whole":
            layout = subprocess.run(
                [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True
            ).stdout
    assert pages["whole"] <= 14 and pages["dce"] <= 8, pages
    text = " ".join(plain(layout).split())
    assert "usagers des ESAT" in text
    assert "Heure s" not in text and "Heur es" not in text
    for line in layout.splitlines():
        assert not line.rstrip().endswith(("L2112-", "L2113-", "L2152-", "R2113-", "R2152-")), line
