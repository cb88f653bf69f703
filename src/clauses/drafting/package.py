"""Write a python-docx package as a .docx whose bytes depend only on its content.

python-docx stamps every zip entry with the current time; here each entry gets the same fixed
date, the same attributes and the same order, so the same inputs give a byte-identical file.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.document import Document as DocxDocument
from docx.opc.package import OpcPackage
from docx.opc.pkgwriter import _ContentTypesItem  # python-docx's own [Content_Types] builder

from clauses.drafting.outside import check_written
from clauses.drafting.sanitize import one_line

ZIP_EPOCH = dt.date(1980, 1, 1)  # the earliest date a zip entry can carry
ZIP_LAST = dt.date(2107, 12, 31)  # and the latest (7 bits of years)


AUTHOR = "Clauses"
TITLE_MAX = 255  # the longest title Word's document properties accept


def fix_properties(
    document: DocxDocument, *, title: str, subject: str, as_of: dt.date, comments: str | None = None
) -> None:
    """Fixed document properties, written in the same order (so the same bytes) for the same
    inputs: the author, the title, the subject, the language, and ``as_of`` at midnight."""
    midnight = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    props = document.core_properties
    element = props._element
    for child in list(element):
        element.remove(child)
    props.title = one_line(title, TITLE_MAX)
    props.subject = subject
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    if comments is not None:
        props.comments = comments
    props.language = "fr-FR"
    props.created = midnight
    props.modified = midnight
    props.revision = 1


def write_docx(document: DocxDocument, stamp: dt.date) -> bytes:
    """The package of ``document`` as .docx bytes, every entry dated ``stamp`` at midnight;
    :class:`~clauses.drafting.outside.OutsideContent` if it holds anything from outside but
    the drafter's own links, or anything that runs (a template's are removed beforehand: this
    is the last check, whatever the template)."""
    check_written(document.part.package)
    return write_package(document.part.package, stamp)


def write_package(package: OpcPackage, stamp: dt.date, *, compress: bool = True) -> bytes:
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()  # type: ignore[no-untyped-call]
    entries: list[tuple[str, bytes]] = [
        ("[Content_Types].xml", _ContentTypesItem.from_parts(parts).blob),  # type: ignore[no-untyped-call]
        ("_rels/.rels", package.rels.xml),
    ]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, part.rels.xml))
    return write_zip(entries, stamp, compress=compress)


def write_zip(entries: list[tuple[str, bytes]], stamp: dt.date, *, compress: bool = True) -> bytes:
    """A zip of ``entries`` in their order, each dated ``stamp`` at midnight."""
    day = min(max(stamp, ZIP_EPOCH), ZIP_LAST)
    date_time = (day.year, day.month, day.day, 0, 0, 0)
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = method
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
