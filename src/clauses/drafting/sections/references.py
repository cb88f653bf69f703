"""Section ``references``: the legal references the written sections cite, with their links."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as url_quote

from clauses.drafting.ooxml import Writer
from clauses.drafting.references import cited_references
from clauses.drafting.sections.context import SECTION_TITLES, Context
from clauses.library.models import Status

# Légifrance's search of the codes by article number. No article identifier (LEGIARTI) of the
# library is sourced yet: when one is, the link should go to the article itself.
LEGIFRANCE_SEARCH = (
    "https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE"
    "&query={query}&page=1&init=true"
)


def legifrance_url(article: str) -> str:
    """A Légifrance search for the article number: no article identifier is sourced yet."""
    return LEGIFRANCE_SEARCH.format(query=url_quote(article))


def write_references(wr: Writer, ctx: Context) -> None:
    cited = cited_references(ctx.library, "\n".join(dict.fromkeys(wr.texts)))  # each text once
    wr.heading(1, SECTION_TITLES["references"])
    if not cited:
        wr.paragraph("Aucune référence juridique citée dans les sections retenues.")
        return
    wr.paragraph(
        "Textes cités dans ce document. Les liens mènent à la recherche de l’article dans les "
        "codes sur Légifrance (choisissez le Code de la commande publique) ; vérifiez la version "
        "en vigueur à la date de la consultation."
    )
    rows: list[list[Any]] = []
    for ref in cited:
        title = ref.title
        if ref.text == "CCAG" and ctx.ccag is not None:
            ccag = ctx.ccag  # the contract's CCAG, not the generic reference
            article = ccag.insertion_article or "numéro à vérifier"
            title = f"{ccag.short_title} 2021, article « Clause d’insertion sociale » ({article})"
            rows.append([ccag.short_title, title, "—"])
            continue
        if ref.former:
            title += f" (avant 2019 : {' ; '.join(ref.former)})"
        if ref.status is Status.to_verify and "à vérifier" not in title:
            title += " (à vérifier par votre service juridique)"
        url = legifrance_url(ref.id) if ref.text == "CCP" else (str(ref.url) if ref.url else "—")
        rows.append([ref.id, title, url])
    wr.table(["Référence", "Intitulé", "Lien"], rows, [21, 61, 18], link_column=2)
