"""The drafted document: content in order, real Word structure, determinism, selections."""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from clauses.drafting import SECTION_IDS, SectionError, draft, parse_sections
from clauses.drafting.sections import SECTION_TITLES
from clauses.library import Library
from clauses.library.models import MechanismId
from clauses.library.render import PLACEHOLDER_RE
from clauses.profile import load_profile
from tests.conftest import AS_OF, EXAMPLES, make_profile
from tests.drafting.helpers import (
    W,
    full_text,
    outline,
    part_xml,
    plain,
    reopen,
    run_highlights,
    style_name,
)

LYCEE = EXAMPLES / "lycee-rehabilitation.yaml"


@pytest.fixture(scope="module")
def lycee(library: Library) -> bytes:
    return draft(load_profile(LYCEE), library, AS_OF).content


def test_sections_come_in_order_with_their_headings(lycee: bytes) -> None:
    top = [text for level, text in outline(reopen(lycee)) if level == 1]
    assert top == [SECTION_TITLES[s] for s in SECTION_IDS]


def test_summary_states_facts_obligations_mechanisms_hours_and_decp(lycee: bytes) -> None:
    text = plain(full_text(reopen(lycee)))
    for expected in (
        "Réhabilitation et extension du lycée Jules-Verne",
        "Travaux",
        "45214220-8",
        "6 200 000 € HT",
        "24 mois",
        "5 octobre 2026",
        "Pays de la Loire (code INSEE 52)",
        "22 novembre 2026",  # the date of the document
        "bibliothèque de clauses 2026.12.0",
        "Considération sociale ou relative à l’emploi dans les conditions d’exécution (L2112-2-1)",
        "Comment elle est satisfaite",
        "L2112-2 (avant 2019 : CMP art. 14 ; ord. 2015-899 art. 38)",
        "Formule : heures = montant HT",
        "Gros œuvre – maçonnerie",
        "4 651 heures",
        "considerationsSociales : Clause sociale",
    ):
        assert expected in text, expected


def test_hours_table_has_one_row_per_lot_and_a_total(lycee: bytes, library: Library) -> None:
    document = reopen(lycee)
    hours = next(t for t in document.tables if t.rows[0].cells[0].text == "Lot")
    assert [c.text for c in hours.rows[0].cells] == [
        "Lot",
        "Montant HT",
        "Main-d’œuvre",
        "Taux",
        "Coût horaire",
        "Heures",
        "ETP",
    ]
    assert len(hours.rows) == 1 + 5 + 1
    assert plain(hours.rows[-1].cells[5].text) == "4 651"
    assert plain(hours.rows[1].cells[5].text) == "2 167"


def test_ccap_has_one_sub_article_per_lot_with_its_hours(lycee: bytes) -> None:
    headings = outline(reopen(lycee))
    start = headings.index((1, SECTION_TITLES["ccap"]))
    end = headings.index((1, SECTION_TITLES["annexes"]))
    ccap = headings[start + 1 : end]
    assert ccap[0] == (2, "Article « Clause d’insertion sociale »")
    lots = [plain(text) for level, text in ccap if level == 3]
    assert lots == [
        "Lot n° 1 : Gros œuvre – maçonnerie (2 167 heures)",
        "Lot n° 2 : Charpente métallique (300 heures)",
        "Lot n° 3 : Peinture intérieure (817 heures)",
        "Lot n° 4 : Menuiseries intérieures (917 heures)",
        "Lot n° 5 : Voirie et réseaux divers (450 heures)",
    ]
    text = plain(full_text(reopen(lycee)))
    assert "réserve au moins 2 167 heures de travail" in text
    assert "lot n° 1 : Gros œuvre – maçonnerie" in text


def test_rc_extract_cites_reservation_article_criterion_and_clause(lycee: bytes) -> None:
    text = plain(full_text(reopen(lycee)))
    assert "en application de l’article L2113-13 du code de la commande publique" in text
    assert "performances en matière d’insertion professionnelle des publics en difficulté" in text
    assert "a) tutorat" in text
    assert "le marché comporte une clause d’insertion sociale" in text
    # Building works fit SIAE, not EA/ESAT: the advice offers one reservation only (DOMAIN §8).
    assert "Ces réservations sont des options qui s’excluent" not in text


def test_follow_up_annex_is_a_real_table_with_header_row(lycee: bytes) -> None:
    document = reopen(lycee)
    follow_ups = [t for t in document.tables if t.rows[0].cells[0].text == "Mois"]
    assert len(follow_ups) == 5  # one per lot with hours
    header = follow_ups[0].rows[0]
    assert [c.text for c in header.cells] == [
        "Mois",
        "Personne (initiales)",
        "Type de contrat",
        "Structure",
        "Heures réalisées",
        "Heures cumulées",
        "Justificatif",
    ]
    assert header._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert follow_ups[0].style is not None and follow_ups[0].style.name == "Table Grid"


def test_every_table_has_a_repeated_header_row(lycee: bytes) -> None:
    for table in reopen(lycee).tables:
        assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
        assert len(table.columns) >= 2


def test_practice_sheets_are_attached_with_a_reason(library: Library) -> None:
    result = draft(load_profile(LYCEE), library, AS_OF)
    assert len(result.practices) == 3
    text = full_text(reopen(result.content))
    for attached in result.practices:
        assert attached.practice.title in text
        assert attached.reason.startswith("Fiche jointe car elle ")
        assert attached.reason in text


def test_practice_markdown_becomes_headings_lists_and_bold(lycee: bytes) -> None:
    document = reopen(lycee)
    headings = outline(document)
    start = headings.index((1, SECTION_TITLES["practices"]))
    assert (3, "Contexte") in headings[start:]
    numbered = [p for p in document.paragraphs if style_name(p) == "List Number"]
    assert numbered, "the sheets' « 1. » lists become numbered lists"
    bold_runs = [r for p in numbered for r in p.runs if r.bold]
    assert bold_runs, "**bold** in the sheets stays bold"
    assert not any("**" in p.text for p in document.paragraphs)


def test_references_list_every_cited_article_with_a_legifrance_link(
    lycee: bytes, library: Library
) -> None:
    document = reopen(lycee)
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["Référence", "Intitulé", "Lien"]
    cited = [row.cells[0].text for row in table.rows[1:]]
    for article in (
        "L2112-2",
        "L2112-2-1",
        "L2113-13",
        "L2152-7",
        "R2152-7",
        "L2113-10",
        "CE 364950",
        "CCAG 2021 art. 16.1",
    ):
        assert article in cited, article
    body_text = full_text(document)
    before_references = body_text[: body_text.index(SECTION_TITLES["references"])]
    for article in cited:
        ref = library.references[article]
        if ref.text == "CCP":
            assert re.search(rf"{re.escape(article)}(?![\d-])", before_references), article
    rels = document.part.rels.values()
    links = [r.target_ref for r in rels if r.reltype.endswith("/hyperlink")]
    assert links and all(link.startswith("https://www.legifrance.gouv.fr/") for link in links)
    assert len(table._tbl.findall(f".//{W}hyperlink")) == sum(
        1 for a in cited if library.references[a].url
    )


def test_headings_lists_and_tables_use_real_word_styles(lycee: bytes) -> None:
    document = reopen(lycee)
    styles = {style_name(p) for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number"} <= styles
    for p in document.paragraphs:
        assert not p.text.startswith(("- ", "• ", "**")), p.text
    bullets = document.styles["List Bullet"]
    assert bullets.element.find(f"{W}pPr/{W}numPr/{W}numId") is not None


def test_numbered_lists_restart_at_one(lycee: bytes) -> None:
    document = reopen(lycee)
    num_ids = []
    for p in document.paragraphs:
        if style_name(p) == "List Number":
            num_id = p._p.find(f"{W}pPr/{W}numPr/{W}numId")
            assert num_id is not None
            num_ids.append(num_id.get(f"{W}val"))
    assert len(set(num_ids)) >= 2  # one numbering instance per list
    numbering = part_xml(lycee, "word/numbering.xml")
    assert numbering.count('<w:startOverride w:val="1"/>') == len(set(num_ids))


def test_page_numbers_a4_and_french(lycee: bytes) -> None:
    document = reopen(lycee)
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (section.page_width.mm, section.page_height.mm) == (
        pytest.approx(210, abs=0.1),
        pytest.approx(297, abs=0.1),
    )
    footer = section.footer._element
    instructions = [t.text.strip() for t in footer.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    styles = part_xml(lycee, "word/styles.xml")
    defaults = styles[styles.index("<w:docDefaults>") : styles.index("</w:docDefaults>")]
    assert 'w:lang w:val="fr-FR"' in defaults
    assert "thumbnail" not in part_xml(lycee, "[Content_Types].xml")


def test_core_properties_are_fixed(lycee: bytes) -> None:
    props = reopen(lycee).core_properties
    midnight = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    assert props.title == "Réhabilitation et extension du lycée Jules-Verne"
    assert props.author == "Clauses"
    assert props.last_modified_by == "Clauses"
    assert props.created == midnight.replace(tzinfo=None) or props.created == midnight
    assert props.modified == props.created
    assert props.revision == 1


def test_same_inputs_give_byte_identical_files(library: Library) -> None:
    profile = load_profile(LYCEE)
    first = draft(profile, library, AS_OF).content
    again = draft(profile, library, AS_OF).content
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(again).hexdigest()
    other_day = draft(profile, library, dt.date(2026, 11, 23)).content
    assert other_day != first


def test_every_placeholder_is_highlighted_and_nothing_else(lycee: bytes) -> None:
    runs = run_highlights(lycee)
    highlighted = [text for text, marked in runs if marked]
    assert highlighted
    assert all(PLACEHOLDER_RE.fullmatch(text) for text in highlighted), highlighted[:5]
    for text, marked in runs:
        if not marked:
            assert "[à compléter" not in text, text
    assert any("Coordonnées du facilitateur" in text for text in highlighted)
    assert any("pénalité par heure non réalisée" in text for text in highlighted)


def test_derogation_placeholder_when_no_social_execution_condition(library: Library) -> None:
    profile = load_profile(LYCEE)
    result = draft(
        profile,
        library,
        AS_OF,
        sections=["summary"],
        mechanisms=[MechanismId.reserved_insertion, MechanismId.lots_division],
    )
    highlighted = [text for text, marked in run_highlights(result.content) if marked]
    assert any("justification de la dérogation" in text for text in highlighted)
    text = full_text(reopen(result.content))
    assert "Aucune condition d’exécution sociale n’est retenue" in text
    assert "Motifs de dérogation" in text


def test_no_derogation_below_eu_threshold(library: Library) -> None:
    result = draft(
        load_profile(EXAMPLES / "petite-reparation.yaml"), library, AS_OF, sections=["summary"]
    )
    assert "justification de la dérogation" not in full_text(reopen(result.content))


def test_section_subset_keeps_only_the_chosen_sections(library: Library) -> None:
    result = draft(load_profile(LYCEE), library, AS_OF, sections=["references", "ccap"])
    top = [text for level, text in outline(reopen(result.content)) if level == 1]
    assert top == [SECTION_TITLES["ccap"], SECTION_TITLES["references"]]
    assert result.sections == ("ccap", "references")
    table = reopen(result.content).tables[-1]
    cited = [row.cells[0].text for row in table.rows[1:]]
    assert "L2112-2" in cited
    assert "L2113-13" not in cited  # the reservation is only in the RC extract


def test_unknown_sections_are_refused_in_french() -> None:
    with pytest.raises(SectionError, match="section\\(s\\) inconnue\\(s\\) : cgv"):
        parse_sections("summary,cgv")
    with pytest.raises(SectionError, match="aucune section"):
        parse_sections(" , ")
    assert parse_sections("ccap, summary") == ("summary", "ccap")


def test_unknown_mechanism_selection_is_reported(library: Library) -> None:
    result = draft(
        load_profile(EXAMPLES / "petite-reparation.yaml"),
        library,
        AS_OF,
        sections=["summary"],
        mechanisms=[MechanismId.reserved_prison],
    )
    assert any("reserved_prison" in m for m in result.messages)


def test_tender_without_lots_gets_one_ccap_article(library: Library) -> None:
    result = draft(make_profile(), library, AS_OF, sections=["ccap", "annexes"])
    headings = outline(reopen(result.content))
    assert (2, "Article « Clause d’insertion sociale »") in headings
    assert not any(text.startswith("Lot n°") for _, text in headings)
    text = plain(full_text(reopen(result.content)))
    assert "réserve au moins 833 heures de travail" in text
    assert len([t for t in reopen(result.content).tables if t.rows[0].cells[0].text == "Mois"]) == 1


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_reopens_with_python_docx(path: Path, library: Library) -> None:
    result = draft(load_profile(path), library, AS_OF)
    document = reopen(result.content)
    assert document.paragraphs
    assert not result.messages
    top = [text for level, text in outline(document) if level == 1]
    assert top == [SECTION_TITLES[s] for s in SECTION_IDS]
    for text, marked in run_highlights(result.content):
        assert marked == bool(PLACEHOLDER_RE.fullmatch(text)), text
