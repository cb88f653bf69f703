"""A council's own Word template (.docx or .dotx), checked before python-docx opens it.

The file comes from outside: it is refused, with a French message saying why, when it is not a
zip, when it would inflate beyond 50 MB or with an absurd compression ratio (zip bomb), when a part
is missing, or when any XML part declares a DOCTYPE (entity expansion, external entities). When
it is uploaded (:func:`check_template`), it is also refused if it holds content from outside or
content that runs (:mod:`clauses.drafting.outside`), naming what was found; a template stored
before that check is drafted on without such content all the same (:func:`open_template`). Its
styles, page setup, header and footer are kept; its body is emptied; the styles the drafter needs
and the template lacks are copied from the house template, each with a message.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from typing import cast

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml.parser import parse_xml
from docx.parts.numbering import NumberingPart
from lxml import etree  # type: ignore[import-untyped]

from clauses.drafting.house import (
    STYLES_WITH_EFFECTS,
    house,
    page_number_footer,
    set_a4,
    set_language,
)
from clauses.drafting.ooxml import W_NS, Element, w
from clauses.drafting.outside import strip
from clauses.drafting.styles import StyleCopier, find_style, resolve

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100  # deflate rarely beats 20:1 on Word XML; bombs reach 1000:1
RATIO_FLOOR_BYTES = 1024 * 1024  # small entries may compress well, nothing to fear there
MAX_ENTRIES = 2000
MAX_FOUND_SHOWN = 10  # elements from outside named in the refusal (then their count)

CT_TEMPLATE_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
)
CT_MACRO_MAIN = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Relationships of the body that point to content the emptied body no longer shows.
BODY_CONTENT_RELS = {RT.IMAGE, RT.HYPERLINK, RT.CHART, RT.OLE_OBJECT, RT.PACKAGE,
                     RT.DIAGRAM_DATA, RT.DIAGRAM_LAYOUT, RT.DIAGRAM_QUICK_STYLE,
                     RT.DIAGRAM_COLORS, RT.VIDEO, RT.AUDIO}  # fmt: skip

_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


class TemplateError(ValueError):
    """The template cannot be used; the message says why, in French."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"modèle Word refusé : {reason}")


def check_template(data: bytes) -> list[str]:
    """The checks of an uploaded template: those of :func:`open_template`, and no content from
    outside nor content that runs (refused, naming what was found). The messages about style
    fallbacks."""
    members = _read_archive(data)
    _check_xml(members)
    found = strip(members).found
    if found:
        shown = " ; ".join(found[:MAX_FOUND_SHOWN])
        if len(found) > MAX_FOUND_SHOWN:
            shown += f" ; et {len(found) - MAX_FOUND_SHOWN} autre(s)"
        raise TemplateError(
            "il contient des éléments extérieurs ou actifs, qui passeraient dans chaque projet "
            f"rédigé avec lui : {shown}. Retirez-les du modèle (images liées, liens, modèle "
            "attaché, macros, contrôles, objets incorporés) puis déposez-le de nouveau"
        )
    return open_template(data)[1]


def open_template(data: bytes) -> tuple[DocxDocument, list[str]]:
    """The template as a document with an empty body, without content from outside nor content
    that runs, and the messages about style fallbacks."""
    members = strip(_checked_archive(data)).members
    members["[Content_Types].xml"] = _document_content_types(members)
    try:
        document = docx.Document(io.BytesIO(_stored_zip(members)))
    except Exception as exc:  # python-docx raises many kinds on a malformed package
        raise TemplateError(f"le document n’a pas pu être lu ({exc})") from exc
    try:
        messages = _prepare(document)
    except (ValueError, TypeError, KeyError, StopIteration, AttributeError) as exc:
        raise TemplateError(f"structure Word inattendue ({exc})") from exc
    return document, messages


def _checked_archive(data: bytes) -> dict[str, bytes]:
    members = _read_archive(data)
    _check_xml(members)
    return members


def _read_archive(data: bytes) -> dict[str, bytes]:
    if data.startswith(OLE_SIGNATURE):
        raise TemplateError(
            "fichier au format Word 97-2003 (.doc, .dot) ou protégé par mot de passe ; "
            "enregistrez-le au format .docx ou .dotx sans mot de passe"
        )
    if len(data) > MAX_FILE_BYTES:
        raise TemplateError(
            f"fichier trop volumineux ({len(data) // (1024 * 1024)} Mo, 20 Mo au plus)"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise TemplateError(
            "ce n’est pas un document Word .docx ou .dotx (archive ZIP illisible)"
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise TemplateError(f"archive anormale ({len(infos)} fichiers)")
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise TemplateError("archive anormale (fichiers en double)")
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise TemplateError(
                f"archive trop volumineuse une fois décompressée ({unpacked // (1024 * 1024)} Mo, "
                "50 Mo au plus) : fichier suspect"
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise TemplateError("archive chiffrée")
            if info.file_size > RATIO_FLOOR_BYTES and (
                info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO
            ):
                raise TemplateError(
                    f"taux de compression anormal pour « {info.filename} » : fichier suspect "
                    "(bombe de décompression)"
                )
        members: dict[str, bytes] = {}
        try:
            for info in infos:
                if not info.is_dir():
                    # zipfile stops at the declared size and checks the CRC: a lying header fails
                    members[info.filename] = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise TemplateError(f"archive endommagée ({exc})") from exc
    for required in ("[Content_Types].xml", "_rels/.rels"):
        if required not in members:
            raise TemplateError(f"partie « {required} » absente : ce n’est pas un document Word")
    return members


def _declares_doctype(data: bytes) -> bool:
    """A DOCTYPE or entity declaration, in whatever encoding the XML declares (UTF-8 or 16)."""
    head = data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        head = data.decode("utf-16", errors="ignore").encode("utf-8")
    upper = head.upper()
    return b"<!DOCTYPE" in upper or b"<!ENTITY" in upper


def _check_xml(members: dict[str, bytes]) -> None:
    for name, data in members.items():
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        if _declares_doctype(data):
            raise TemplateError(
                f"déclaration DOCTYPE interdite dans « {name} » (entités XML : risque d’attaque XXE)"
            )
        try:
            tree = etree.fromstring(data, _SAFE_PARSER).getroottree()
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"XML invalide dans « {name} » ({exc})") from exc
        info = tree.docinfo
        if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
            raise TemplateError(
                f"déclaration DOCTYPE interdite dans « {name} » (entités XML : risque d’attaque XXE)"
            )


def _document_content_types(members: dict[str, bytes]) -> bytes:
    """[Content_Types].xml with a .dotx main part declared as a document's."""
    types = etree.fromstring(members["[Content_Types].xml"], _SAFE_PARSER)
    main = _main_part_name(members)
    found = False
    for override in types.iter(f"{{{CT_NS}}}Override"):
        if override.get("PartName", "").lstrip("/") != main:
            continue
        kind = override.get("ContentType")
        if kind in CT_MACRO_MAIN:
            raise TemplateError("les modèles avec macros (.docm, .dotm) ne sont pas acceptés")
        if kind == CT_TEMPLATE_MAIN:
            override.set("ContentType", CT.WML_DOCUMENT_MAIN)
        elif kind != CT.WML_DOCUMENT_MAIN:
            raise TemplateError(f"la partie principale n’est pas un document Word ({kind})")
        found = True
    if not found:
        raise TemplateError("type de contenu de la partie principale non déclaré")
    result: bytes = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result


def _main_part_name(members: dict[str, bytes]) -> str:
    rels = etree.fromstring(members["_rels/.rels"], _SAFE_PARSER)
    for rel in rels.iter(f"{{{PR_NS}}}Relationship"):
        if rel.get("Type") == RT.OFFICE_DOCUMENT:
            target = posixpath.normpath(str(rel.get("Target", "")).lstrip("/"))
            if target not in members:
                raise TemplateError(f"partie principale « {target} » absente de l’archive")
            return target
    raise TemplateError(
        "aucune partie principale (word/document.xml) : ce n’est pas un document Word"
    )


def _stored_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _prepare(document: DocxDocument) -> list[str]:
    """Empty the body, keep the page setup, fill in missing styles from the house template."""
    messages: list[str] = []
    body = document.element.body
    sect_pr = body.find(w("sectPr"))
    for child in list(body):
        if child is not sect_pr:
            body.remove(child)
    if sect_pr is None:
        sect_pr = etree.SubElement(body, w("sectPr"))
        set_a4(sect_pr)
        messages.append(
            "Le modèle ne définit pas de mise en page : format A4 de la maison utilisé."
        )
    _drop_unused_rels(document)

    styles = document.styles.element
    set_language(styles)
    numbering = _numbering(document)  # created empty when absent, for numbered lists
    _, missing = resolve(styles)
    if missing:
        reference = house()
        copier = StyleCopier(reference.styles, reference.numbering, styles, numbering)
        for needed in missing:
            copier.copy(needed)
            if needed.announce:
                messages.append(
                    f"Le modèle ne définit pas le style « {needed.label} » ({needed.name}) : "
                    "style de la maison utilisé."
                )
    if sect_pr.find(w("footerReference")) is None:
        footer_style = find_style(styles, "paragraph", "footer")
        page_number_footer(
            document, None if footer_style is None else footer_style.get(w("styleId"))
        )
        messages.append(
            "Le modèle n’a pas de pied de page : numéro de page ajouté en pied de page."
        )
    return messages


def _numbering(document: DocxDocument) -> Element:
    part = document.part
    try:
        return cast(XmlPart, part.part_related_by(RT.NUMBERING)).element
    except KeyError:
        # Word's own name when free (parts are found by relationship, but tools such as the
        # Open XML validator look for this name to check the lists' references).
        taken = {str(p.partname) for p in part.package.iter_parts()}
        partname = (
            "/word/numbering.xml"
            if "/word/numbering.xml" not in taken
            else part.package.next_partname("/word/numbering%d.xml")
        )
        element = parse_xml(f'<w:numbering xmlns:w="{W_NS}"/>')
        numbering_part = NumberingPart(PackURI(partname), CT.WML_NUMBERING, element, part.package)
        part.relate_to(numbering_part, RT.NUMBERING)
        return element


def _drop_unused_rels(document: DocxDocument) -> None:
    part = document.part
    xml = etree.tostring(part.element)
    for r_id, rel in list(part.rels.items()):
        if rel.reltype in BODY_CONTENT_RELS and f'"{r_id}"'.encode() not in xml:
            del part.rels[r_id]
        elif rel.reltype == STYLES_WITH_EFFECTS:
            # Word 2010's copy of styles.xml: the draft changes the styles (language, fallback
            # styles, hyperlinks), a stale copy would contradict them (Word may then call the
            # file unreadable); Word rebuilds it when it needs it, the house template has none.
            del part.rels[r_id]
