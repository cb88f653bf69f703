"""One .docx per piece of the consultation file (DCE), zipped: ready to paste piece by piece
into the council's own documents. Each piece is written by the same functions as the combined
document, so the two always say the same thing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from clauses.advisor.model import Advice
from clauses.drafting.draft import build, context_for
from clauses.drafting.ooxml import Writer
from clauses.drafting.package import write_docx, write_zip
from clauses.drafting.sections import (
    Context,
    annexes_of,
    write_annex,
    write_ccap,
    write_practices,
    write_rc,
    write_references,
    write_summary,
)
from clauses.library import Library
from clauses.profile import TenderProfile
from clauses.strategy.model import ResolvedStrategy

Write = Callable[[Writer, Context], None]


@dataclass(frozen=True)
class Pieces:
    content: bytes  # the .zip
    names: list[str]  # its .docx, in order
    messages: list[str]


# The pieces' file names are French, as the buyer files them (issue 23 found three in English).
ANNEX_FILES = {
    "annex_insertion_commitment": "engagement-du-candidat-insertion",
    "annex_insertion_follow_up": "tableau-de-suivi-des-heures",
    "annex_insertion_memo_outline": "cadre-du-memoire-insertion",
}


def piece_writers(ctx: Context) -> list[tuple[str, Write]]:
    """(file name, writer) of each piece this strategy gives."""
    pieces: list[tuple[str, Write]] = [
        ("00-synthese.docx", _summary),
        ("01-avis-et-reglement-de-la-consultation.docx", write_rc),
        ("02-ccap-article.docx", write_ccap),
    ]
    for number, (mechanism, clause) in enumerate(annexes_of(ctx), start=1):
        slug = ANNEX_FILES.get(clause.id) or clause.id.removeprefix("annex_").replace("_", "-")

        def annex(wr: Writer, c: Context, m=mechanism, cl=clause, n=number) -> None:  # type: ignore[no-untyped-def]
            write_annex(wr, c, m, cl, n, level=1)

        pieces.append((f"{number + 2:02d}-annexe-{slug}.docx", annex))
    if ctx.practices:
        pieces.append((f"{len(pieces):02d}-fiches-de-bonnes-pratiques.docx", write_practices))
    return pieces


def _summary(wr: Writer, ctx: Context) -> None:
    write_summary(wr, ctx)
    write_references(wr, ctx)


def draft_pieces(
    profile: TenderProfile,
    advice: Advice,
    strategy: ResolvedStrategy,
    library: Library,
    as_of: dt.date,
    *,
    template: bytes | None = None,
) -> Pieces:
    ctx = context_for(profile, advice, strategy, library)
    entries: list[tuple[str, bytes]] = []
    messages: list[str] = []
    for name, write in piece_writers(ctx):
        built, notes = build(profile, advice, strategy, library, as_of, (), template, write)
        entries.append((name, write_docx(built.docx, as_of)))
        messages.extend(notes)
    return Pieces(write_zip(entries, as_of), [n for n, _ in entries], list(dict.fromkeys(messages)))
