"""WordprocessingML written directly with lxml: paragraphs, runs, lists, tables, fields, links.

python-docx manages the package (parts, relationships, styles, core properties); the body is
written here because its high-level API looks styles up by name on every call, which costs about
a millisecond per paragraph. Every string goes through :func:`~clauses.drafting.sanitize.xml_text`
and every « [à compléter : …] » mark is highlighted in yellow.
"""
# Over 400 lines: the body writer and the element prototypes it clones, tuned together for speed.

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.parts.document import DocumentPart
from lxml import etree  # type: ignore[import-untyped]

from clauses.drafting.sanitize import xml_text
from clauses.french import typography
from clauses.library.render import PLACEHOLDER_RE

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    """Clark name of a ``w:`` element or attribute."""
    return f"{{{W_NS}}}{tag}"


W_VAL = w("val")
Element = Any  # lxml elements are untyped

LINK_TEXTS = {"www.legifrance.gouv.fr": "Légifrance"}  # readable text for long links, by host
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Span:
    """A piece of text with its character formatting."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Ref:
    """A cross-reference: a REF field to ``bookmark`` showing its paragraph number, so that the
    reference follows when Word renumbers (``shown`` is the value until fields are updated)."""

    bookmark: str
    shown: str


def markup_spans(text: str, *, bold: bool = False, italic: bool = False) -> list[Span]:
    """Spans of ``text`` where ``**…**`` marks bold (the only inline Markdown the sheets use)."""
    if "**" not in text:
        return [Span(text, bold, italic)]
    spans: list[Span] = []
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()], bold, italic))
        spans.append(Span(match.group(1), True, italic))
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:], bold, italic))
    return spans


@dataclass(frozen=True)
class StyleIds:
    """The style ids the drafter writes, resolved once for the document's styles part."""

    title: str
    subtitle: str
    headings: tuple[str, str, str]
    list_bullet: str
    list_number: str
    table: str
    hyperlink: str


_SE = etree.SubElement
P, PPR, PSTYLE, KEEP_NEXT, NUMPR, ILVL, NUM_ID = (
    w(t) for t in ("p", "pPr", "pStyle", "keepNext", "numPr", "ilvl", "numId")
)
R, RPR, RSTYLE, BOLD, ITALIC, HIGHLIGHT, T, TAB, BR = (
    w(t) for t in ("r", "rPr", "rStyle", "b", "i", "highlight", "t", "tab", "br")
)
TBL, TBL_PR, TBL_STYLE, TBL_W, TBL_LOOK, TBL_GRID, GRID_COL = (
    w(t) for t in ("tbl", "tblPr", "tblStyle", "tblW", "tblLook", "tblGrid", "gridCol")
)
TR, TR_PR, CANT_SPLIT, TBL_HEADER, TC, TC_PR, TC_W, SHD = (
    w(t) for t in ("tr", "trPr", "cantSplit", "tblHeader", "tc", "tcPr", "tcW", "shd")
)
W_W, W_TYPE = w("w"), w("type")
HEADER_FILL = "DCE6F2"


@dataclass
class Writer:
    """Appends content to a document body; keeps the text and the headings it wrote.

    Content is built in a detached element from small prototypes copied in C (several times
    faster than creating each element from Python), then moved into the body by :meth:`finish`.
    """

    part: DocumentPart
    styles: StyleIds
    text_width: int  # twentieths of a point
    number_list: NumberedLists
    outline: list[tuple[int, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        original = self.part.element
        # A plain lxml copy of the document root (same namespaces): content is built there and
        # the part takes it as its element at the end, so nothing has to be moved across trees.
        self._root = etree.Element(original.tag, attrib=dict(original.attrib), nsmap=original.nsmap)
        self._body = etree.SubElement(self._root, w("body"))
        self._paragraphs: dict[tuple[str | None, bool, int | None, int], Element] = {}
        self._runs: dict[tuple[bool, bool, bool, str | None], Element] = {}
        self._rows: dict[tuple[tuple[int, ...], bool], Element] = {}
        self._written: dict[tuple[Any, ...], Element] = {}  # never changed once written
        self._bookmarks = 0
        self._bookmark_end: Element | None = None

    def finish(self) -> None:
        """Give the part its new body: the content, then the original section properties."""
        original = self.part.element
        for child in original:  # a background, if any, comes before the body
            if child.tag != w("body"):
                self._body.addprevious(copy.deepcopy(child))
        sect_pr = original.body.find(w("sectPr"))
        if sect_pr is not None:
            self._body.append(copy.deepcopy(sect_pr))
        self.part._element = self._root  # python-docx keeps a part's XML in ``_element``

    # Paragraphs ------------------------------------------------------------------------------

    def paragraph(
        self,
        text: str | Sequence[Span | Ref] = "",
        *,
        style: str | None = None,
        bold: bool = False,
        italic: bool = False,
        markup: bool = False,
        keep_next: bool = False,
        num_id: int | None = None,
        level: int = 0,
        bookmark: str | None = None,
    ) -> None:
        # Repeated paragraphs (table cells, list items) are copied once written.
        content = text if isinstance(text, str) else tuple(text)
        written_key = (content, style, bold, italic, markup, keep_next, num_id, level)
        written = None if bookmark else self._written.get(written_key)
        if written is not None:
            self._body.append(written.__deepcopy__(None))
            return
        key = (style, keep_next, num_id, level)
        prototype = self._paragraphs.get(key)
        if prototype is None:
            prototype = self._paragraphs[key] = _paragraph_prototype(*key)
        p = prototype.__deepcopy__(None)
        self._body.append(p)
        if bookmark:
            self._bookmark(p, bookmark)
        else:
            self._written[written_key] = p
        if not isinstance(text, str):
            for span in text:
                if isinstance(span, Ref):
                    self.texts.append(span.shown)
                    field_runs(p, f"REF {span.bookmark} \\w \\h", span.shown)
                else:
                    self._text(p, span.text, span.bold or bold, span.italic or italic, None)
        elif markup and "**" in text:
            for span in markup_spans(text, bold=bold, italic=italic):
                self._text(p, span.text, span.bold, span.italic, None)
        elif text:
            self._text(p, text, bold, italic, None)

    def _bookmark(self, p: Element, name: str) -> None:
        """A bookmark around the paragraph's content (ids sequential: drafts stay identical)."""
        self._bookmarks += 1
        start = _SE(p, w("bookmarkStart"))
        start.set(w("id"), str(self._bookmarks))
        start.set(w("name"), name)
        _SE(p, w("bookmarkEnd")).set(w("id"), str(self._bookmarks))
        self._bookmark_end = p[-1]

    def runs(self, parent: Element, span: Span, *, style: str | None = None) -> None:
        """Runs for ``span`` in ``parent``, placeholders highlighted."""
        self._text(parent, span.text, span.bold, span.italic, style)

    def _text(
        self, parent: Element, text: str, bold: bool, italic: bool, style: str | None
    ) -> None:
        text = typography(xml_text(text))
        if not text:
            return
        self.texts.append(text)
        if "[à compléter" not in text:
            self._run(parent, text, bold, italic, False, style)
            return
        position = 0
        for match in PLACEHOLDER_RE.finditer(text):
            if match.start() > position:
                self._run(parent, text[position : match.start()], bold, italic, False, style)
            self._run(parent, match.group(0), bold, italic, True, style)
            position = match.end()
        if position < len(text):
            self._run(parent, text[position:], bold, italic, False, style)

    def _run(
        self,
        parent: Element,
        text: str,
        bold: bool,
        italic: bool,
        highlight: bool,
        style: str | None,
    ) -> None:
        key = (bold, italic, highlight, style)
        prototype = self._runs.get(key)
        if prototype is None:
            prototype = self._runs[key] = _run_prototype(*key)
        r = prototype.__deepcopy__(None)
        if self._bookmark_end is not None and self._bookmark_end.getparent() is parent:
            self._bookmark_end.addprevious(r)  # inside the bookmark
        else:
            parent.append(r)
        if "\t" in text or "\n" in text or "\r" in text:
            r.remove(r[-1])
            _text_with_breaks(r, text)
            return
        if ARTICLE_NUMBER.search(text):
            r.remove(r[-1])
            _text_with_no_break_hyphens(r, text)
            return
        t = r[-1]
        t.text = text
        if text[0] == " " or text[-1] == " ":
            t.set(XML_SPACE, "preserve")

    def heading(self, level: int, text: str) -> None:
        clean = xml_text(text)
        self.outline.append((level, clean))
        self.paragraph(clean, style=self.styles.headings[level - 1])

    def title(self, text: str, subtitle: str) -> None:
        self.paragraph(text, style=self.styles.title)
        self.paragraph(subtitle, style=self.styles.subtitle)

    def bullets(self, items: Iterable[str | Sequence[Span]], *, markup: bool = False) -> None:
        style = self.styles.list_bullet
        for item in items:
            self.paragraph(item, style=style, markup=markup)

    def numbered(self, items: Iterable[str | Sequence[Span]], *, markup: bool = False) -> None:
        """A numbered list that starts again at 1."""
        num_id = self.number_list.restart()
        style = self.styles.list_number
        for item in items:
            self.paragraph(item, style=style, markup=markup, num_id=num_id)

    def page_break(self) -> None:
        _SE(_SE(_SE(self._body, P), R), BR).set(W_TYPE, "page")

    def link(self, parent: Element, url: str, text: str | None = None) -> None:
        """An external hyperlink (relationship ids are sequential, so drafts stay identical)."""
        r_id = self.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = _SE(parent, w("hyperlink"))
        link.set(f"{{{R_NS}}}id", r_id)
        link.set(w("history"), "1")
        self.runs(link, Span(text or url), style=self.styles.hyperlink)

    # Tables ----------------------------------------------------------------------------------

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str | Sequence[Span]]],
        widths: Sequence[int],
        *,
        bold_last_row: bool = False,
        link_column: int | None = None,
    ) -> Element:
        """A real table: grid, header row repeated on each page, column widths in proportion."""
        total = sum(widths)
        twips = [self.text_width * width // total for width in widths]
        tbl = _SE(self._body, TBL)
        tblpr = _SE(tbl, TBL_PR)
        _SE(tblpr, TBL_STYLE).set(W_VAL, self.styles.table)
        tblw = _SE(tblpr, TBL_W)
        tblw.set(W_W, str(sum(twips)))
        tblw.set(W_TYPE, "dxa")
        look = _SE(tblpr, TBL_LOOK)
        for name, value in (("val", "04A0"), ("firstRow", "1"), ("lastRow", "0"),
                            ("firstColumn", "0"), ("lastColumn", "0"), ("noHBand", "0"),
                            ("noVBand", "1")):  # fmt: skip
            look.set(w(name), value)
        grid = _SE(tbl, TBL_GRID)
        for width in twips:
            _SE(grid, GRID_COL).set(W_W, str(width))
        self._fill(tbl, self._row(twips, header=True), header, True)
        prototype = self._row(twips, header=False)
        last = len(rows) - 1
        for i, row in enumerate(rows):
            self._fill(tbl, prototype, row, bold_last_row and i == last, link_column)
        # Word needs a paragraph between two tables, and after a table that ends the body.
        self.paragraph()
        return tbl

    def _row(self, twips: list[int], *, header: bool) -> Element:
        key = (tuple(twips), header)
        prototype = self._rows.get(key)
        if prototype is None:
            prototype = self._rows[key] = _row_prototype(twips, header=header)
        return prototype

    def _fill(
        self,
        tbl: Element,
        prototype: Element,
        cells: Sequence[str | Sequence[Span]],
        bold: bool,
        link_column: int | None = None,
    ) -> None:
        """A copy of the empty ``prototype`` row, filled with ``cells``."""
        tr = prototype.__deepcopy__(None)
        tbl.append(tr)
        if not any(cells):  # an empty row to fill in by hand
            return
        for column, (tc, value) in enumerate(zip(tr.iterchildren(TC), cells, strict=True)):
            if not value:
                continue
            p = tc[-1]
            if column == link_column and isinstance(value, str) and value.startswith("https://"):
                self.link(p, value, LINK_TEXTS.get(value.split("/")[2], value))
            elif isinstance(value, str):
                self._text(p, value, bold, False, None)
            else:
                for span in value:
                    self._text(p, span.text, span.bold or bold, span.italic, None)


def _paragraph_prototype(
    style: str | None, keep_next: bool, num_id: int | None, level: int
) -> Element:
    p = etree.Element(P)
    if style or keep_next or num_id is not None:
        ppr = _SE(p, PPR)
        if style:
            _SE(ppr, PSTYLE).set(W_VAL, style)
        if keep_next:
            _SE(ppr, KEEP_NEXT)
        if num_id is not None:
            numpr = _SE(ppr, NUMPR)
            _SE(numpr, ILVL).set(W_VAL, str(level))
            _SE(numpr, NUM_ID).set(W_VAL, str(num_id))
    return p


# « L2112-2-1 », « R2113-7 »: an article number never breaks at its hyphens (Word's
# non-breaking hyphen, w:noBreakHyphen, which LibreOffice reads too).
ARTICLE_NUMBER = re.compile(r"\b[LRD]\d{4}(?:-\d+)+")


def _text_with_no_break_hyphens(r: Element, text: str) -> None:
    """``text`` in run ``r``, the hyphens inside article numbers non-breaking."""
    position = 0
    pieces: list[str | None] = []  # None: a non-breaking hyphen
    for match in ARTICLE_NUMBER.finditer(text):
        pieces.append(text[position : match.start()])
        for i, part in enumerate(match.group(0).split("-")):
            if i:
                pieces.append(None)
            pieces.append(part)
        position = match.end()
    pieces.append(text[position:])
    for piece in pieces:
        if piece is None:
            _SE(r, w("noBreakHyphen"))
        elif piece:
            t = _SE(r, T)
            t.text = piece
            if piece[0] == " " or piece[-1] == " ":
                t.set(XML_SPACE, "preserve")


def _run_prototype(bold: bool, italic: bool, highlight: bool, style: str | None) -> Element:
    r = etree.Element(R)
    if bold or italic or highlight or style:
        rpr = _SE(r, RPR)
        if style:
            _SE(rpr, RSTYLE).set(W_VAL, style)
        if bold:
            _SE(rpr, BOLD)
        if italic:
            _SE(rpr, ITALIC)
        if highlight:
            _SE(rpr, HIGHLIGHT).set(W_VAL, "yellow")
    _SE(r, T)
    return r


def _row_prototype(twips: Sequence[int], *, header: bool) -> Element:
    tr = etree.Element(TR)
    if header:
        trpr = _SE(tr, TR_PR)
        _SE(trpr, CANT_SPLIT)
        _SE(trpr, TBL_HEADER)
    for width in twips:
        tc = _SE(tr, TC)
        tcpr = _SE(tc, TC_PR)
        tcw = _SE(tcpr, TC_W)
        tcw.set(W_W, str(width))
        tcw.set(W_TYPE, "dxa")
        if header:
            shd = _SE(tcpr, SHD)
            shd.set(W_VAL, "clear")
            shd.set(w("color"), "auto")
            shd.set(w("fill"), HEADER_FILL)
        _SE(tc, P)
    return tr


def _text_with_breaks(r: Element, text: str) -> None:
    for piece in re.split(r"(\t|\r\n|\n|\r)", text):
        if piece == "\t":
            _SE(r, TAB)
        elif piece in ("\n", "\r", "\r\n"):
            _SE(r, BR)
        elif piece:
            t = _SE(r, T)
            t.text = piece
            t.set(XML_SPACE, "preserve")


def field_runs(parent: Element, instruction: str, shown: str) -> None:
    """A field (``PAGE``, ``NUMPAGES``…) as begin / instruction / separate / result / end runs."""

    def char(kind: str) -> None:
        etree.SubElement(etree.SubElement(parent, w("r")), w("fldChar")).set(w("fldCharType"), kind)

    char("begin")
    instr = etree.SubElement(etree.SubElement(parent, w("r")), w("instrText"))
    instr.text = f" {instruction} "
    instr.set(XML_SPACE, "preserve")
    char("separate")
    etree.SubElement(etree.SubElement(parent, w("r")), w("t")).text = shown
    char("end")


def plain_run(parent: Element, text: str) -> None:
    t = etree.SubElement(etree.SubElement(parent, w("r")), w("t"))
    t.text = text
    t.set(XML_SPACE, "preserve")


class NumberedLists:
    """Numbering instances: each numbered list starts again at 1, each article gets its own
    multi-level numbering (« 9.1 », « 9.1.1 ») under its number."""

    def __init__(self, numbering: Element, abstract_num_id: str | None) -> None:
        self._numbering = numbering
        self._abstract = abstract_num_id
        self._next: int | None = None
        self._next_abstract: int | None = None

    def restart(self) -> int | None:
        if self._abstract is None:
            return None  # the style's own numbering, continuing from list to list
        return self._num(self._abstract, restart=True)

    def outline(self, prefix: str, indent: int) -> int:
        """A new two-level numbering « prefix.1 », « prefix.1.1 » (« 1 », « 1.1 » without a
        prefix); ``indent`` is the hanging indent of the numbers, in twentieths of a point."""
        if self._next_abstract is None:
            ids = [
                int(a.get(w("abstractNumId"), "0"))
                for a in self._numbering.findall(w("abstractNum"))
            ]
            self._next_abstract = max(ids, default=-1) + 1
        abstract_id = str(self._next_abstract)
        self._next_abstract += 1
        abstract = etree.Element(w("abstractNum"))
        abstract.set(w("abstractNumId"), abstract_id)
        _SE(abstract, w("multiLevelType")).set(W_VAL, "multilevel")
        # « 9.1 », « 9.1.1 » under an article number; « 1. », « 1.1. » on their own.
        head, tail = (f"{xml_text(prefix)}.", "") if prefix else ("", ".")
        for level, text in enumerate((f"{head}%1{tail}", f"{head}%1.%2{tail}")):
            lvl = _SE(abstract, w("lvl"))
            lvl.set(w("ilvl"), str(level))
            _SE(lvl, w("start")).set(W_VAL, "1")
            _SE(lvl, w("numFmt")).set(W_VAL, "decimal")
            _SE(lvl, w("lvlText")).set(W_VAL, text)
            _SE(lvl, w("lvlJc")).set(W_VAL, "left")
            ind = _SE(_SE(lvl, PPR), w("ind"))
            ind.set(w("left"), str(indent * (level + 1)))
            ind.set(w("hanging"), str(indent))
        existing = self._numbering.findall(w("abstractNum"))
        if existing:
            existing[-1].addnext(abstract)
        else:
            self._numbering.insert(0, abstract)
        return self._num(abstract_id, restart=False)

    def _num(self, abstract_id: str, *, restart: bool) -> int:
        if self._next is None:
            ids = [int(n.get(w("numId"), "0")) for n in self._numbering.findall(w("num"))]
            self._next = max(ids, default=0) + 1
        num_id = self._next
        self._next += 1
        num = etree.Element(w("num"))
        cleanup = self._numbering.find(w("numIdMacAtCleanup"))
        if cleanup is None:
            self._numbering.append(num)
        else:
            cleanup.addprevious(num)
        num.set(w("numId"), str(num_id))
        etree.SubElement(num, w("abstractNumId")).set(W_VAL, abstract_id)
        if restart:
            override = etree.SubElement(num, w("lvlOverride"))
            override.set(w("ilvl"), "0")
            etree.SubElement(override, w("startOverride")).set(W_VAL, "1")
        return num_id
