"""Content from outside, or content that runs, in a Word package: found in a council's template
(which is then refused), removed from a template before a draft is written on it, and checked
absent from every Word file the application writes.

A template is copied into every draft of its organisation (issue 20, finding 1): a header image
fetched from ``http://…`` (LibreOffice fetches it when the draft is opened), a ``file://`` link,
an ``attachedTemplate`` pointing to a remote ``.dotm`` (Word fetches it: remote template
injection), a ``vbaProject.bin`` (macros), ActiveX controls, OLE objects, frames, sub-documents
and imported chunks all travelled with it. What counts:

- every relationship whose target is outside the package (``TargetMode="External"``);
- every relationship of a kind that runs or imports content (:data:`ACTIVE`), and the parts of
  such content (:data:`ACTIVE_PARTS`), whether or not a relationship reaches them.

The drafter's own links are the only external relationships a draft may hold: hyperlinks to
Légifrance, written from the clause library (:func:`check_written`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from lxml import etree  # type: ignore[import-untyped]

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS = "http://schemas.microsoft.com/office/2006/relationships/"
ACTIVE = {
    R + "attachedTemplate": "modèle attaché",
    R + "oleObject": "objet OLE",
    R + "package": "objet incorporé",
    R + "control": "contrôle ActiveX",
    R + "frame": "cadre",
    R + "subDocument": "sous-document",
    R + "aFChunk": "contenu importé (altChunk)",
    MS + "vbaProject": "macros (VBA)",
    MS + "vbaProjectSignature": "macros (VBA)",
    MS + "wordVbaData": "macros (VBA)",
    MS + "activeXControlBinary": "contrôle ActiveX",
    MS + "keyMapCustomizations": "personnalisation avec macros",
    MS + "attachedToolbars": "personnalisation avec macros",
}
ACTIVE_PARTS = (
    (re.compile(r"(^|/)vba[^/]*\.(bin|xml)$", re.IGNORECASE), "macros (VBA)"),
    (
        re.compile(r"(^|/)(customizations\.xml|attachedToolbars\.bin)$"),
        "personnalisation avec macros",
    ),
    (re.compile(r"(^|/)activeX/"), "contrôle ActiveX"),
    (re.compile(r"(^|/)embeddings/"), "objet incorporé (OLE)"),
)
EXTERNAL = {
    RT.IMAGE: "image externe",
    RT.HYPERLINK: "lien",
    R + "attachedTemplate": "modèle attaché",
    R + "frame": "cadre externe",
    R + "subDocument": "sous-document externe",
    R + "oleObject": "objet OLE lié",
}
OWN_LINKS = "https://www.legifrance.gouv.fr/"  # the drafter's links (clause library references)
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# What is removed with a reference to a relationship that goes: the drawing, picture or object
# that holds it (else the referring element itself); a hyperlink keeps its text.
HOLDERS = {f"{{{W_NS}}}drawing", f"{{{W_NS}}}pict", f"{{{W_NS}}}object"}
HYPERLINK = f"{{{W_NS}}}hyperlink"
SHOWN = 80  # characters of a target quoted in a message
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class OutsideContent(RuntimeError):
    """A Word file the application was about to write holds outside or active content."""


@dataclass
class Found:
    """What a package holds from outside, in French, and the package without it."""

    members: dict[str, bytes]
    found: list[str] = field(default_factory=list)


def _quoted(target: str) -> str:
    shown = target if len(target) <= SHOWN else target[: SHOWN - 1] + "…"
    return f"« {shown} »"


def _active_part(name: str) -> str | None:
    return next((label for pattern, label in ACTIVE_PARTS if pattern.search(name)), None)


def _source_of(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` → ``word/document.xml`` (``""``: the package)."""
    folder, _, file = rels_name.rpartition("_rels/")
    return folder + file.removesuffix(".rels")


def _target_of(source: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def strip(members: dict[str, bytes]) -> Found:
    """The package's outside and active content, described (each once, in French, with the part
    it is in), and the package without it: the relationships, the parts, what refers to them
    in the XML, and their content types."""
    found: list[str] = []
    gone_parts = {name for name in members if _active_part(name)}
    found += [f"{_active_part(name)} ({name})" for name in sorted(gone_parts)]
    cut: dict[str, set[str]] = {}  # rels file → relationship ids removed
    rels_files = sorted(name for name in members if name.endswith(".rels"))
    for name in rels_files:
        source = _source_of(name)
        for rel in etree.fromstring(members[name], _PARSER).iter(f"{{{PR_NS}}}Relationship"):
            kind, target = rel.get("Type", ""), rel.get("Target", "")
            where = f" ({source or 'paquet'})"
            if rel.get("TargetMode") == "External":
                label = EXTERNAL.get(kind, "relation externe")
                found.append(f"{label} {_quoted(target)}{where}")
            elif kind in ACTIVE:
                part = _target_of(source, target)
                if part not in gone_parts:
                    found.append(f"{ACTIVE[kind]} ({part})")
                gone_parts.add(part)
            else:
                continue
            cut.setdefault(name, set()).add(rel.get("Id", ""))
    # The relationships that lead to a part that goes, go too (a picture of an OLE object).
    for name in rels_files:
        source = _source_of(name)
        for rel in etree.fromstring(members[name], _PARSER).iter(f"{{{PR_NS}}}Relationship"):
            if rel.get("TargetMode") != "External" and (
                _target_of(source, rel.get("Target", "")) in gone_parts
            ):
                cut.setdefault(name, set()).add(rel.get("Id", ""))
    if not cut and not gone_parts:
        return Found(members)
    kept = {name: data for name, data in members.items() if name not in gone_parts}
    for name, ids in cut.items():
        if name not in kept:
            continue
        kept[name] = _without_relationships(kept[name], ids)
        source = _source_of(name)
        if source in kept and source.endswith(".xml"):
            kept[source] = _without_references(kept[source], ids)
    if "[Content_Types].xml" in kept:
        kept["[Content_Types].xml"] = _without_overrides(kept["[Content_Types].xml"], gone_parts)
    return Found(kept, list(dict.fromkeys(found)))


def _serialise(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def _without_relationships(data: bytes, ids: set[str]) -> bytes:
    root = etree.fromstring(data, _PARSER)
    for rel in list(root.iter(f"{{{PR_NS}}}Relationship")):
        if rel.get("Id") in ids:
            rel.getparent().remove(rel)
    return _serialise(root)


def _without_references(data: bytes, ids: set[str]) -> bytes:
    """The part without what refers to the removed relationships."""
    root = etree.fromstring(data, _PARSER)
    referring = [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and any(key.startswith(f"{{{R_NS}}}") and value in ids for key, value in element.items())
    ]
    for element in referring:
        if element.tag == HYPERLINK:  # the text stays, the link goes
            parent = element.getparent()
            if parent is None:
                continue
            position = parent.index(element)
            for child in reversed(list(element)):
                parent.insert(position, child)
            parent.remove(element)
            continue
        holder = next((a for a in element.iterancestors() if a.tag in HOLDERS), element)
        parent = holder.getparent()
        if parent is not None:
            parent.remove(holder)
    return _serialise(root)


def _without_overrides(data: bytes, parts: set[str]) -> bytes:
    root = etree.fromstring(data, _PARSER)
    for override in list(root.iter(f"{{{CT_NS}}}Override")):
        if override.get("PartName", "").lstrip("/") in parts:
            root.remove(override)
    return _serialise(root)


def check_written(package: OpcPackage) -> None:
    """Raise :class:`OutsideContent` if the package holds an external relationship other than
    the drafter's Légifrance links, an active relationship or an active part."""
    problems = [
        f"{rel.reltype} {rel.target_ref}"
        for rels in _all_rels(package)
        for rel in rels
        if (rel.is_external and not (rel.reltype == RT.HYPERLINK and _own(rel.target_ref)))
        or rel.reltype in ACTIVE
    ]
    problems += [str(p.partname) for p in package.iter_parts() if _active_part(p.partname)]
    if problems:
        raise OutsideContent(f"outside or active content in a Word file: {problems[:5]}")


def _own(target: str) -> bool:
    return target.startswith(OWN_LINKS)


def _all_rels(package: OpcPackage) -> Iterable[Iterable[Any]]:
    yield package.rels.values()
    for part in package.iter_parts():
        yield part.rels.values()
