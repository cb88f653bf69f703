"""The drafter's building blocks: sheet choice, references found, Markdown, regions, zip."""

import csv
import io
import zipfile
from pathlib import Path

import pytest

from clauses.drafting.blocks import TABLE, Block, clause_blocks, markdown_blocks
from clauses.drafting.practices import PRACTICES_ATTACHED, choose_practices
from clauses.drafting.references import cited_references
from clauses.drafting.regions import REGION_NAMES, region_label
from clauses.library import Library
from clauses.library.models import MechanismId as M
from tests.conftest import SHARED_DATA
from tests.drafting.helpers import make_draft


def ids(library: Library, text: str) -> list[str]:
    return [ref.id for ref in cited_references(library, text)]


def test_references_are_found_by_number_in_their_usual_spellings(library: Library) -> None:
    found = set(ids(library, "article L2112-2-1 et L. 2113-13, puis R2152-7."))
    assert found == {"L2112-2-1", "L2113-13", "R2152-7"}  # L2112-2-1 does not cite L2112-2


def test_references_prefer_the_most_precise_article(library: Library) -> None:
    assert ids(library, "procédure adaptée (R2123-1 3°)") == ["R2123-1 3°"]
    assert ids(library, "procédure adaptée (R2123-1)") == ["R2123-1"]


def test_decisions_laws_and_ccag_are_found(library: Library) -> None:
    found = set(
        ids(library, "CE, 25 mars 2013, n° 364950 ; loi n° 2021-1104 ; article 16.1 du CCAG")
    )
    assert found == {"CE 364950", "Loi 2021-1104 art. 35", "CCAG 2021 art. 16.1"}
    assert ids(library, "L2112-29 X2112-2 12112-2 n° 1234") == []


def test_references_keep_the_library_order(library: Library) -> None:
    order = [ref.id for ref in library.legal.references]
    found = ids(library, "R2152-7 L2112-2 CE n° 417580 L2113-10")
    assert found == sorted(found, key=order.index)


def test_practices_score_mechanisms_sector_and_region(library: Library) -> None:
    chosen = choose_practices(
        library, mechanisms={M.insertion_clause}, sectors=["building_works"], region_code="75"
    )
    assert len(chosen) == PRACTICES_ATTACHED
    best = chosen[0]
    assert best.practice.id == "poitou-charentes-referent-relais"  # region + sector + mechanism
    assert best.reason == (
        "Fiche jointe car elle concerne votre région (Nouvelle-Aquitaine), porte sur le secteur "
        "de ce marché (Travaux de bâtiment (moyenne)) et illustre le mécanisme retenu pour ce "
        "marché (Clause d’insertion)."
    )
    scores = [c.score for c in chosen]
    assert scores == sorted(scores, reverse=True)


def test_practice_ties_are_broken_by_id_and_zero_scores_left_out(library: Library) -> None:
    chosen = choose_practices(
        library, mechanisms={M.insertion_clause}, sectors=[], region_code=None
    )
    assert [c.score for c in chosen] == [2] * PRACTICES_ATTACHED
    assert [c.practice.id for c in chosen] == sorted(c.practice.id for c in chosen)
    assert choose_practices(library, mechanisms=set(), sectors=[], region_code="99") == []


def test_a_sheet_needs_a_retained_mechanism_or_the_sector_and_never_another_trade(
    library: Library,
) -> None:
    # The region alone attaches nothing: Pays de la Loire's sheets are about other mechanisms.
    assert choose_practices(library, mechanisms=set(), sectors=[], region_code="52") == []
    cleaning = choose_practices(
        library, mechanisms={M.insertion_clause}, sectors=["cleaning"], region_code=None
    )
    works = choose_practices(
        library, mechanisms={M.insertion_clause}, sectors=["masonry"], region_code=None
    )
    for attached in cleaning:
        sectors = attached.practice.sectors
        assert not sectors or "cleaning" in sectors, attached.practice.id
    assert all(not a.practice.sectors for a in works)  # no sheet is written for masonry
    # A lycée's reserved painting lot: the sheet on reserved lots is written for that trade
    # too, although the tender's main sector is the building's.
    lycee = choose_practices(
        library,
        mechanisms={M.insertion_clause, M.reserved_insertion},
        sectors=["building_works", "masonry", "painting"],
        region_code=None,
    )
    assert "lots-reserves" in [a.practice.id for a in lycee]


def test_markdown_blocks() -> None:
    text = (
        "## Démarche\n\n**Ce qu’a fait la Région**\n\n1. **2017 :** premier schéma.\n"
        "2. Révision\n   en 2022.\n\n- un\n- deux\n\nUn paragraphe\nsur deux lignes.\n### Détail\n"
    )
    assert markdown_blocks(text) == (
        Block("heading", "Démarche", level=2),
        Block("paragraph", "**Ce qu’a fait la Région**"),
        Block("numbered", items=("**2017 :** premier schéma.", "Révision en 2022.")),
        Block("bullets", items=("un", "deux")),
        Block("paragraph", "Un paragraphe sur deux lignes."),
        Block("heading", "Détail", level=3),
    )


def test_clause_blocks_leave_numbers_to_word_and_keep_them_for_references() -> None:
    text = (
        "1. Objet et périmètre\n1.1. En application de l’article L2112-2, le titulaire…\n"
        f"{TABLE}\n"
        "Sont éligibles :\n– les demandeurs d’emploi ;\n– les jeunes.\na) l’embauche directe ;\n"
    )
    assert clause_blocks(text) == (
        Block("point", "Objet et périmètre", items=("1",)),
        Block(
            "item", "En application de l’article L2112-2, le titulaire…", items=("1.1",), level=1
        ),
        Block("table"),
        Block("paragraph", "Sont éligibles :"),
        Block("bullets", items=("les demandeurs d’emploi ;", "les jeunes.")),
        Block("paragraph", "a) l’embauche directe ;"),
    )


def test_region_names_match_the_official_list() -> None:
    path = SHARED_DATA / "cog" / "regions_cog2025.csv"
    if not path.is_file():
        pytest.skip("shared reference data not available")
    with path.open(encoding="utf-8") as handle:
        official = {
            row["region_code"]: row["region_nom"].replace("'", "’")
            for row in csv.DictReader(handle)
            if row["type"] == "region"
        }
    assert official == REGION_NAMES
    assert region_label("53") == "Bretagne (code INSEE 53)"
    assert region_label("975") == "code INSEE 975"
    assert region_label(None) == "non renseignée"


def test_zip_entries_have_fixed_dates_and_attributes(library: Library) -> None:

    from tests.conftest import AS_OF, make_profile

    content = make_draft(make_profile(), library, AS_OF, sections=["summary"]).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(2026, 11, 22, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}
    assert not any(Path(info.filename).name == "thumbnail.jpeg" for info in infos)
