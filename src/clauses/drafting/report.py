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
from clauses.drafting.package import write_docx
from clauses.drafting.sanitize import one_line

AUTHOR = "Clauses"
TITLE_MAX = 255  # the longest title Word's document properties accept


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
    midnight = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    props = document.core_properties
    element = props._element
    for child in list(element):
        element.remove(child)
    props.title = one_line(title, TITLE_MAX)
    props.subject = subject
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.language = "fr-FR"
    props.created = midnight
    props.modified = midnight
    props.revision = 1
    return write_docx(document, as_of)
