"""Section ``practices``: the good-practice sheets attached to the tender."""

from __future__ import annotations

from clauses import french
from clauses.drafting.blocks import markdown_blocks, write_blocks
from clauses.drafting.ooxml import Writer
from clauses.drafting.practices import AttachedPractice
from clauses.drafting.sections.context import SECTION_TITLES, Context


def write_practices(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["practices"])
    if not ctx.practices:
        wr.paragraph("Aucune fiche de bonnes pratiques ne correspond à ce marché.")
        return
    for attached in ctx.practices:
        write_practice(wr, attached)


def write_practice(wr: Writer, attached: AttachedPractice) -> None:
    sheet = attached.practice
    wr.heading(2, sheet.title)
    wr.paragraph(
        f"{attached.reason} Faits de {sheet.facts_year} ; fiche relue le "
        f"{french.date(sheet.reviewed_on)}.",
        italic=True,
    )
    write_blocks(wr, markdown_blocks(sheet.body), top_heading=3)
