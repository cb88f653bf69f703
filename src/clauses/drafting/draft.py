"""``draft(profile, advice, strategy, library, as_of)``: the Word document of one tender.

It writes what the strategy retained and nothing else, and never recomputes the advice. A pure
function of its inputs: no clock (dates come from ``as_of``), no file read (a council template
comes in as bytes), no random ids. The same inputs give a byte-identical .docx.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from docx.document import Document as DocxDocument

from clauses.advisor.model import Advice
from clauses.drafting.house import house, new_house_document, text_width
from clauses.drafting.ooxml import Element, NumberedLists, StyleIds, Writer, w
from clauses.drafting.package import fix_properties, write_docx
from clauses.drafting.practices import AttachedPractice, choose_practices
from clauses.drafting.sanitize import one_line
from clauses.drafting.sections import SECTION_IDS, SECTION_TITLES, WRITERS, Context
from clauses.drafting.styles import list_abstract_num, resolve, style_ids
from clauses.drafting.template import open_template
from clauses.library import Library
from clauses.profile import TenderProfile
from clauses.strategy.model import ResolvedStrategy


class SectionError(ValueError):
    """Unknown section ids; the message lists the valid ones, in French."""


@dataclass(frozen=True)
class Draft:
    """A drafted document and what it was built from."""

    content: bytes  # the .docx
    advice: Advice
    strategy: ResolvedStrategy
    practices: list[AttachedPractice]
    messages: list[str]  # notes for the user, e.g. template styles replaced by the house ones
    outline: list[tuple[int, str]]  # headings in order, (level, text)
    sections: tuple[str, ...]


def parse_sections(text: str) -> tuple[str, ...]:
    """« summary,rc » → the ids, validated; raises :class:`SectionError`."""
    return check_sections(part.strip() for part in text.split(",") if part.strip())


def check_sections(sections: Iterable[str]) -> tuple[str, ...]:
    wanted = list(sections)
    unknown = [s for s in wanted if s not in SECTION_IDS]
    if unknown:
        raise SectionError(
            f"section(s) inconnue(s) : {', '.join(unknown)} ; sections possibles : "
            + ", ".join(f"{s} ({SECTION_TITLES[s]})" for s in SECTION_IDS)
        )
    if not wanted:
        raise SectionError(
            "aucune section demandée ; sections possibles : " + ", ".join(SECTION_IDS)
        )
    return tuple(s for s in SECTION_IDS if s in wanted)


def draft(
    profile: TenderProfile,
    advice: Advice,
    strategy: ResolvedStrategy,
    library: Library,
    as_of: dt.date,
    *,
    sections: Iterable[str] = SECTION_IDS,
    template: bytes | None = None,
) -> Draft:
    """The document of ``sections`` for what ``strategy`` retained."""
    chosen = check_sections(sections)
    built, messages = build(profile, advice, strategy, library, as_of, chosen, template)
    return Draft(
        content=write_docx(built.docx, as_of),
        advice=advice,
        strategy=strategy,
        practices=built.context.practices,
        messages=messages,
        outline=built.writer.outline,
        sections=chosen,
    )


@dataclass(frozen=True)
class Built:
    """A document built in memory, before serialisation (the benchmark times the two apart)."""

    docx: DocxDocument
    context: Context
    writer: Writer


def context_for(
    profile: TenderProfile, advice: Advice, strategy: ResolvedStrategy, library: Library
) -> Context:
    lot_sectors = (library.sector_for(lot.cpv or profile.cpv) for lot in profile.lots)
    sectors = [advice.sizing.sector, *(s.id for s in lot_sectors if s is not None)]
    practices = choose_practices(
        library,
        mechanisms={m.id for m in strategy.mechanisms},
        sectors=list(dict.fromkeys(s for s in sectors if s is not None)),
        region_code=profile.region_code,
    )
    title = one_line(profile.title) or "(objet non renseigné)"
    return Context(
        profile=profile,
        library=library,
        advice=advice,
        strategy=strategy,
        title=title,
        practices=practices,
    )


def build(
    profile: TenderProfile,
    advice: Advice,
    strategy: ResolvedStrategy,
    library: Library,
    as_of: dt.date,
    sections: tuple[str, ...],
    template: bytes | None,
    write: Callable[[Writer, Context], None] | None = None,
) -> tuple[Built, list[str]]:
    """Build the document of ``sections`` (or of one ``write`` function, for a DCE piece)."""
    context = context_for(profile, advice, strategy, library)
    writer, document, messages = new_writer(template)
    if write is not None:
        write(writer, context)
    for section in sections:
        WRITERS[section](writer, context)
    writer.finish()
    fix_properties(
        document,
        title=context.title,
        subject="Clauses sociales",
        as_of=as_of,
        comments=f"Bibliothèque de clauses {library.version}",
    )
    messages.extend(context.messages)
    return Built(document, context, writer), list(dict.fromkeys(messages))  # each note once


def new_writer(template: bytes | None) -> tuple[Writer, DocxDocument, list[str]]:
    """A writer on the house document or on the council's template, and the template's notes."""
    messages: list[str] = []
    if template is None:
        document = new_house_document()
        reference = house()
        ids, abstract, width = (
            reference.style_ids,
            reference.list_number_abstract,
            reference.text_width,
        )
        numbering = document.part.numbering_part.element
    else:
        document, template_messages = open_template(template)
        messages.extend(template_messages)
        ids, abstract, numbering = _template_styles(document)
        width = text_width(document.element.body.find(w("sectPr")))
    writer = Writer(document.part, ids, width, NumberedLists(numbering, abstract))
    return writer, document, messages


def _template_styles(document: DocxDocument) -> tuple[StyleIds, str | None, Element]:
    styles = document.styles.element
    found, missing = resolve(styles)
    assert not missing, missing  # open_template copied every missing style in
    ids = style_ids(found)
    numbering = document.part.numbering_part.element
    return ids, list_abstract_num(styles, numbering, ids.list_number), numbering
