"""Reports in the house style (follow-up of a contract, SPASER): a Writer on the house template.

The drafter's document is a set of tender sections; a report is headings, paragraphs and tables
on the same template (A4, French, « Page N sur M »), written with the same :class:`Writer`, and
serialised the same way, so that the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt

from docx.document import Document as DocxDocument

from clauses.drafting.house import house, new_house_document
from clauses.drafting.ooxml import NumberedLists, Writer
from clauses.drafting.package import fix_properties, write_docx


def report_writer() -> tuple[DocxDocument, Writer]:
    """A new house document and a writer for its body."""
    document = new_house_document()
    template = house()
    numbering = document.part.numbering_part.element
    writer = Writer(
        document.part,
        template.style_ids,
        template.text_width,
        NumberedLists(numbering, template.list_number_abstract),
    )
    return document, writer


def report_bytes(
    document: DocxDocument, writer: Writer, *, title: str, subject: str, as_of: dt.date
) -> bytes:
    """The finished .docx: body in place, fixed properties, entries dated ``as_of``."""
    writer.finish()
    fix_properties(document, title=title, subject=subject, as_of=as_of)
    return write_docx(document, as_of)
