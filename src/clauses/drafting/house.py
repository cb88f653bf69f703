"""The house template: python-docx's default document, made A4 and French, built once.

Built once per process from python-docx's own template: A4 page with 2.5 cm margins, French
language and number punctuation, a « Hyperlink » style, a footer « Page N sur M », no thumbnail
of another document, minimal application properties. Every draft then starts from the cached
serialized parts; the 350 KB styles part is never changed by a draft, so it is shared as bytes
rather than parsed again each time.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import Unmarshaller
from docx.opc.packuri import PackURI
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.oxml.parser import parse_xml
from docx.package import Package
from lxml import etree  # type: ignore[import-untyped]

from clauses.drafting.ooxml import W_VAL, Element, StyleIds, field_runs, plain_run, w
from clauses.drafting.package import write_package
from clauses.drafting.styles import list_abstract_num, resolve, style_ids

A4_WIDTH, A4_HEIGHT = 11906, 16838  # twentieths of a point
MARGIN = 1417  # 2.5 cm
HEADER_FOOTER = 709  # 1.25 cm
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
LANGUAGE = "fr-FR"

APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>Clauses</Application><DocSecurity>0</DocSecurity></Properties>"
)
HYPERLINK_STYLE = (
    f'<w:style xmlns:w="{"http://schemas.openxmlformats.org/wordprocessingml/2006/main"}"'
    ' w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
    '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:rPr><w:color w:val="0000FF" w:themeColor="hyperlink"/><w:u w:val="single"/></w:rPr>'
    "</w:style>"
)


@dataclass(frozen=True)
class HouseTemplate:
    reader: PackageReader  # the serialized parts every draft starts from
    styles: Element  # parsed house styles, read-only: source of fallbacks for templates
    numbering: Element  # parsed house numbering, read-only
    style_ids: StyleIds
    list_number_abstract: str | None
    text_width: int


@lru_cache(maxsize=1)
def house() -> HouseTemplate:
    document = docx.Document()
    _drop_extras(document)
    styles = document.styles.element
    set_language(styles)
    styles.append(parse_xml(HYPERLINK_STYLE))
    _french_settings(document.settings.element)
    set_a4(document.sections[0]._sectPr)
    page_number_footer(document, "Footer")
    data = write_package(document.part.package, dt.date(2026, 1, 1))
    reader = PackageReader.from_file(io.BytesIO(data))  # type: ignore[no-untyped-call]
    found, missing = resolve(styles)
    assert not missing, missing
    ids = style_ids(found)
    numbering = document.part.numbering_part.element
    return HouseTemplate(
        reader=reader,
        styles=styles,
        numbering=numbering,
        style_ids=ids,
        list_number_abstract=list_abstract_num(styles, numbering, ids.list_number),
        text_width=A4_WIDTH - 2 * MARGIN,
    )


def new_house_document() -> DocxDocument:
    """A fresh document on the house template (no zip to read, styles shared as bytes)."""
    package = Package()
    Unmarshaller.unmarshal(house().reader, package, _part_factory)  # type: ignore[no-untyped-call]
    document: DocxDocument = package.main_document_part.document
    return document


def _part_factory(
    partname: PackURI, content_type: str, reltype: str, blob: bytes, package: Package
) -> Part:
    if content_type == CT.WML_STYLES:
        return Part(partname, content_type, blob, package)
    return cast(Part, PartFactory(partname, content_type, reltype, blob, package))


def _drop_extras(document: DocxDocument) -> None:
    """Remove the parts of python-docx's template that describe another document."""
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
            del package.rels[r_id]
    app = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, APP_XML, package)
    package.relate_to(app, RT.EXTENDED_PROPERTIES)
    for r_id, rel in list(document.part.rels.items()):
        if rel.reltype in (STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
            del document.part.rels[r_id]


def set_language(styles: Element) -> None:
    """French as the document language (spelling, hyphenation), in the default run properties."""
    defaults = styles.find(w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(w("docDefaults"))
        styles.insert(0, defaults)
    rpr_default = defaults.find(w("rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(w("rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(rpr_default, w("rPr"))
    lang = rpr.find(w("lang"))
    if lang is None:
        lang = etree.SubElement(rpr, w("lang"))
    lang.set(W_VAL, LANGUAGE)


def _french_settings(settings: Element) -> None:
    for tag, value in (("themeFontLang", LANGUAGE), ("decimalSymbol", ","), ("listSeparator", ";")):
        element = settings.find(w(tag))
        if element is not None:
            element.set(W_VAL, value)
    preview = settings.find(w("savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)


def set_a4(sect_pr: Element) -> None:
    size = sect_pr.find(w("pgSz"))
    if size is None:
        size = etree.SubElement(sect_pr, w("pgSz"))
    size.attrib.clear()
    size.set(w("w"), str(A4_WIDTH))
    size.set(w("h"), str(A4_HEIGHT))
    margins = sect_pr.find(w("pgMar"))
    if margins is None:
        margins = etree.SubElement(sect_pr, w("pgMar"))
    for name, value in (
        ("top", MARGIN),
        ("right", MARGIN),
        ("bottom", MARGIN),
        ("left", MARGIN),
        ("header", HEADER_FOOTER),
        ("footer", HEADER_FOOTER),
        ("gutter", 0),
    ):
        margins.set(w(name), str(value))


def page_number_footer(document: DocxDocument, style_id: str | None) -> None:
    """« Page N sur M », centred, in the footer of every section."""
    for section in document.sections:
        footer = section.footer
        footer.is_linked_to_previous = False
        element = footer._element
        for child in list(element):
            element.remove(child)
        p = etree.SubElement(element, w("p"))
        ppr = etree.SubElement(p, w("pPr"))
        if style_id:
            etree.SubElement(ppr, w("pStyle")).set(W_VAL, style_id)
        etree.SubElement(ppr, w("jc")).set(W_VAL, "center")
        plain_run(p, "Page ")
        field_runs(p, "PAGE", "1")
        plain_run(p, " sur ")
        field_runs(p, "NUMPAGES", "1")


def text_width(sect_pr: Element | None) -> int:
    """Width between the margins of a section, in twentieths of a point."""
    size = None if sect_pr is None else sect_pr.find(w("pgSz"))
    margins = None if sect_pr is None else sect_pr.find(w("pgMar"))
    try:
        width = int(size.get(w("w"))) if size is not None else A4_WIDTH
        left = int(margins.get(w("left"), MARGIN)) if margins is not None else MARGIN
        right = int(margins.get(w("right"), MARGIN)) if margins is not None else MARGIN
    except (TypeError, ValueError):
        return A4_WIDTH - 2 * MARGIN
    usable = width - left - right
    return usable if usable > 1440 else A4_WIDTH - 2 * MARGIN
