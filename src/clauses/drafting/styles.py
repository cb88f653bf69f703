"""The styles the drafter uses, found by their built-in names in any Word styles part.

Word stores built-in styles under English names (« heading 1 ») whatever the interface language,
with ids that vary (« Heading1 », « Titre1 »); LibreOffice writes « Heading 1 ». Styles are
therefore matched on their name, case-insensitively, and only the ids are written in the body.
When a council's template lacks one, the house definition is copied in (:func:`copy_style`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from clauses.drafting.ooxml import W_VAL, Element, StyleIds, w


@dataclass(frozen=True)
class NeededStyle:
    key: str
    kind: str  # paragraph, character or table
    name: str  # built-in name, as stored in styles.xml
    label: str  # name shown by a French Word
    announce: bool = True  # False: Word itself adds this built-in style on first use


NEEDED = (
    NeededStyle("title", "paragraph", "Title", "Titre"),
    NeededStyle("subtitle", "paragraph", "Subtitle", "Sous-titre"),
    NeededStyle("heading1", "paragraph", "heading 1", "Titre 1"),
    NeededStyle("heading2", "paragraph", "heading 2", "Titre 2"),
    NeededStyle("heading3", "paragraph", "heading 3", "Titre 3"),
    NeededStyle("list_bullet", "paragraph", "List Bullet", "Liste à puces"),
    NeededStyle("list_number", "paragraph", "List Number", "Liste numéro"),
    NeededStyle("table", "table", "Table Grid", "Grille du tableau"),
    NeededStyle("hyperlink", "character", "Hyperlink", "Lien hypertexte", announce=False),
)


def find_style(styles: Element, kind: str, name: str) -> Element | None:
    wanted = name.casefold()
    for style in styles.iterchildren(w("style")):
        if style.get(w("type")) != kind:
            continue
        name_el = style.find(w("name"))
        if name_el is not None and (name_el.get(W_VAL) or "").casefold() == wanted:
            return style
    return None


def _by_id(styles: Element, style_id: str) -> Element | None:
    for style in styles.iterchildren(w("style")):
        if style.get(w("styleId")) == style_id:
            return style
    return None


def resolve(styles: Element) -> tuple[dict[str, str], list[NeededStyle]]:
    """Ids of the needed styles found in ``styles``, and the needed styles it lacks."""
    found: dict[str, str] = {}
    missing: list[NeededStyle] = []
    for needed in NEEDED:
        style = find_style(styles, needed.kind, needed.name)
        if style is None:
            missing.append(needed)
        else:
            found[needed.key] = style.get(w("styleId"))
    return found, missing


def style_ids(found: dict[str, str]) -> StyleIds:
    return StyleIds(
        title=found["title"],
        subtitle=found["subtitle"],
        headings=(found["heading1"], found["heading2"], found["heading3"]),
        list_bullet=found["list_bullet"],
        list_number=found["list_number"],
        table=found["table"],
        hyperlink=found["hyperlink"],
    )


def list_abstract_num(styles: Element, numbering: Element | None, style_id: str) -> str | None:
    """The abstract numbering a list style points to (to restart numbered lists at 1)."""
    style = _by_id(styles, style_id)
    if style is None or numbering is None:
        return None
    num_id = style.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
    if num_id is None:
        return None
    for num in numbering.iterchildren(w("num")):
        if num.get(w("numId")) == num_id.get(W_VAL):
            abstract = num.find(w("abstractNumId"))
            return None if abstract is None else abstract.get(W_VAL)
    return None


class StyleCopier:
    """Copies house style definitions (and the numbering of list styles) into a template."""

    def __init__(
        self, house_styles: Element, house_numbering: Element, styles: Element, numbering: Element
    ) -> None:
        self._house_styles = house_styles
        self._house_numbering = house_numbering
        self._styles = styles
        self._numbering = numbering

    def copy(self, needed: NeededStyle) -> str:
        source = find_style(self._house_styles, needed.kind, needed.name)
        if source is None:  # pragma: no cover - the house template defines every needed style
            raise LookupError(needed.name)
        return self._copy(source)

    def _copy(self, source: Element) -> str:
        style = copy.deepcopy(source)
        style_id = self._free_id(source.get(w("styleId")))
        style.set(w("styleId"), style_id)
        style.attrib.pop(w("default"), None)
        for tag in ("link", "rsid"):
            for child in style.findall(w(tag)):
                style.remove(child)
        based_on = style.find(w("basedOn"))
        if based_on is not None:
            based_on.set(W_VAL, self._equivalent(based_on.get(W_VAL), copy_missing=True))
        following = style.find(w("next"))
        if following is not None:
            target = self._equivalent(following.get(W_VAL), copy_missing=False)
            if target:
                following.set(W_VAL, target)
            else:
                style.remove(following)
        num_id = style.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
        if num_id is not None:
            num_id.set(
                W_VAL, self._copy_numbering(num_id.get(W_VAL), source.get(w("styleId")), style_id)
            )
        self._styles.append(style)
        return style_id

    def _equivalent(self, house_id: str, *, copy_missing: bool) -> str:
        """The template's id for the house style ``house_id`` (by name), copied if absent."""
        house_style = _by_id(self._house_styles, house_id)
        if house_style is None:
            return house_id
        name = house_style.find(w("name"))
        found = (
            None
            if name is None
            else find_style(self._styles, house_style.get(w("type")), name.get(W_VAL) or "")
        )
        if found is not None:
            return str(found.get(w("styleId")))
        return self._copy(house_style) if copy_missing else ""

    def _free_id(self, wanted: str) -> str:
        style_id = wanted
        n = 1
        while _by_id(self._styles, style_id) is not None:
            style_id = f"Clauses{wanted}" + (str(n) if n > 1 else "")
            n += 1
        return style_id

    def _copy_numbering(self, house_num_id: str, house_style_id: str, style_id: str) -> str:
        num = next(
            n
            for n in self._house_numbering.iterchildren(w("num"))
            if n.get(w("numId")) == house_num_id
        )
        house_abstract_id = num.find(w("abstractNumId")).get(W_VAL)
        abstract = next(
            a
            for a in self._house_numbering.iterchildren(w("abstractNum"))
            if a.get(w("abstractNumId")) == house_abstract_id
        )
        abstract_ids = [
            int(a.get(w("abstractNumId"))) for a in self._numbering.iterchildren(w("abstractNum"))
        ]
        num_ids = [int(n.get(w("numId"))) for n in self._numbering.iterchildren(w("num"))]
        new_abstract = copy.deepcopy(abstract)
        new_abstract.set(w("abstractNumId"), str(max(abstract_ids, default=-1) + 1))
        for child in new_abstract.findall(w("nsid")):
            new_abstract.remove(child)
        for linked in new_abstract.iter(w("pStyle")):  # a level tied to the list style
            if linked.get(W_VAL) == house_style_id:
                linked.set(W_VAL, style_id)
        existing = list(self._numbering.iterchildren(w("abstractNum")))
        if existing:
            existing[-1].addnext(new_abstract)
        else:
            first_num = self._numbering.find(w("num"))
            if first_num is not None:
                first_num.addprevious(new_abstract)
            else:
                self._numbering.append(new_abstract)
        new_num = etree.Element(w("num"))
        new_num.set(w("numId"), str(max(num_ids, default=0) + 1))
        etree.SubElement(new_num, w("abstractNumId")).set(
            W_VAL, new_abstract.get(w("abstractNumId"))
        )
        cleanup = self._numbering.find(w("numIdMacAtCleanup"))
        if cleanup is None:
            self._numbering.append(new_num)
        else:
            cleanup.addprevious(new_num)
        return str(new_num.get(w("numId")))
