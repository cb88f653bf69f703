"""The drafted document: content in order, real Word structure, determinism, selections."""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from clauses.advisor import Level, advise
from clauses.drafting import SECTION_IDS, SectionError, parse_sections
from clauses.drafting.practices import PRACTICES_ATTACHED
from clauses.drafting.sections import SECTION_TITLES, legifrance_url
from clauses.library import Library
from clauses.library.models import MechanismId
from clauses.library.render import PLACEHOLDER_RE
from clauses.profile import load_profile
from clauses.strategy.model import Derogation
from tests.conftest import AS_OF, EXAMPLES, make_profile
from tests.drafting.helpers import (
    W,
    full_text,
    make_draft,
    outline,
    part_xml,
    plain,
    reopen,
    retain,
    run_highlights,
    style_name,
)

LYCEE = EXAMPLES / "lycee-rehabilitation.yaml"


@pytest.fixture(scope="module")
def lycee(library: Library) -> bytes:
    return make_draft(load_profile(LYCEE), library, AS_OF).content


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
        "bibliothèque de clauses 2026.12.1",
        "Considération sociale ou relative à l’emploi dans les conditions d’exécution (L2112-2-1)"
        " : satisfaite par Clause d’insertion sociale",
        "heures = montant HT",
        "lot n° 1 « Gros œuvre – maçonnerie »",
        "3 834 heures",  # the planner reserves lot 3: its 817 hours are not owed
        "Lot réservé : lot n° 3 « Peinture intérieure »",
        "Données essentielles : considération sociale « Clause sociale",
    ):
        assert expected in text, expected
    assert "considerationsSociales" not in text


def test_hours_table_has_one_row_per_lot_and_a_total(lycee: bytes) -> None:
    document = reopen(lycee)
    tables = [
        t
        for t in document.tables
        if len(t.columns) >= 3 and t.rows[0].cells[2].text == "Heures d’insertion dues"
    ]
    assert len(tables) == 2  # the summary's and the CCAP's
    summary, ccap = tables
    assert [c.text for c in summary.rows[0].cells] == [
        "Lot",
        "Montant estimé HT",
        "Heures d’insertion dues",
        "Années-ETP",
    ]
    # The lots the clause bears on (lot 3 is reserved), then the total.
    assert len(summary.rows) == 1 + 4 + 1
    assert plain(summary.rows[-1].cells[2].text) == "3 834 heures"
    assert plain(summary.rows[1].cells[2].text) == "2 167 heures"
    # The CCAP owes hours only: the same rows without the full-time equivalents.
    assert [[c.text for c in r.cells] for r in ccap.rows] == [
        [c.text for c in r.cells][:3] for r in summary.rows
    ]


def test_ccap_is_one_article_numbered_by_word_with_references_as_fields(library: Library) -> None:
    profile = load_profile(LYCEE)
    strategy = retain(profile, library, {MechanismId.insertion_clause: [1, 3]}, ccap_article="9")
    result = make_draft(profile, library, AS_OF, strategy=strategy, sections=["ccap"])
    headings = outline(reopen(result.content))
    assert headings == [(1, SECTION_TITLES["ccap"]), (2, "Article 9 – Clause d’insertion sociale")]
    numbering = part_xml(result.content, "word/numbering.xml")
    assert '<w:lvlText w:val="9.%1"/>' in numbering
    assert '<w:lvlText w:val="9.%1.%2"/>' in numbering
    body = part_xml(result.content, "word/document.xml")
    assert "REF _Refccap_insertion_clause_3 \\w \\h" in body  # « au point 3 »
    assert 'w:name="_Refccap_insertion_clause_3"' in body
    text = plain(full_text(reopen(result.content)))
    assert "aux lots n° 1 « Gros œuvre – maçonnerie » et n° 3 « Peinture intérieure »" in text
    assert "Charpente métallique" not in text  # only the lots the clause applies to
    assert "2 167 heures" in text and "817 heures" in text


def test_rc_extract_cites_reservation_criterion_and_clause_once(library: Library) -> None:
    profile = load_profile(LYCEE)
    strategy = retain(
        profile,
        library,
        {
            MechanismId.reserved_insertion: [3],
            MechanismId.lots_division: [],
            MechanismId.insertion_criterion: [],
            MechanismId.insertion_clause: [1, 2, 4, 5],
        },
        insertion_criterion_weight=10,
    )
    result = make_draft(profile, library, AS_OF, strategy=strategy, sections=["rc"])
    text = plain(full_text(reopen(result.content)))
    assert "en application de l’article L2113-13 du code de la commande publique" in text
    assert "Lot réservé : lot n° 3 « Peinture intérieure »" in text
    assert "pondéré à 10 % de la note globale" in text
    assert text.count("le marché comporte une clause d’insertion sociale") == 1
    assert "lot n° 3 « Peinture intérieure » : 817 heures" not in text
    assert "lot n° 4 « Menuiseries intérieures » : 917 heures" in text


def test_follow_up_annex_is_one_table_with_a_row_per_lot(lycee: bytes) -> None:
    document = reopen(lycee)
    follow_ups = [t for t in document.tables if t.rows[0].cells[0].text == "Heures dues"]
    assert len(follow_ups) == 1
    rows = follow_ups[0].rows
    assert [plain(r.cells[0].text) for r in rows[1:6]] == [
        "Lot n° 1 : 2 167 heures",
        "Lot n° 2 : 300 heures",
        "Lot n° 4 : 917 heures",
        "Lot n° 5 : 450 heures",
        "",
    ]
    assert rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert follow_ups[0].style is not None and follow_ups[0].style.name == "Table Grid"


def test_every_table_has_a_repeated_header_row(lycee: bytes) -> None:
    for table in reopen(lycee).tables:
        assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
        assert len(table.columns) >= 2


def test_practice_sheets_are_attached_with_a_reason(library: Library) -> None:
    result = make_draft(load_profile(LYCEE), library, AS_OF)
    assert len(result.practices) == PRACTICES_ATTACHED
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
        "R2113-7",
        "CCAG-Travaux",
    ):
        assert article in cited, article
    body_text = full_text(document)
    before_references = body_text[: body_text.index(SECTION_TITLES["references"])]
    articles = [library.references[a] for a in cited if a in library.references]
    for ref in articles:
        if ref.text == "CCP":
            assert re.search(rf"{re.escape(ref.id)}(?![\d-])", before_references), ref.id
    rels = document.part.rels.values()
    links = [r.target_ref for r in rels if r.reltype.endswith("/hyperlink")]
    # No article identifier is sourced yet: each CCP article links to a Légifrance search for it.
    assert links and all(
        link.startswith("https://www.legifrance.gouv.fr/search/") for link in links
    )
    assert legifrance_url("L2113-13") in links
    assert len(table._tbl.findall(f".//{W}hyperlink")) == sum(1 for a in articles if a.url)


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
    first = make_draft(profile, library, AS_OF).content
    again = make_draft(profile, library, AS_OF).content
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(again).hexdigest()
    other_day = make_draft(profile, library, dt.date(2026, 11, 23)).content
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


def test_derogation_is_written_and_marked_to_verify(library: Library) -> None:
    profile = load_profile(LYCEE)
    mechanisms = {MechanismId.reserved_insertion: [], MechanismId.lots_division: []}
    bare = retain(profile, library, mechanisms)
    result = make_draft(profile, library, AS_OF, strategy=bare, sections=["summary"])
    highlighted = [text for text, marked in run_highlights(result.content) if marked]
    assert any("justification de la dérogation" in text for text in highlighted)
    justified = retain(
        profile,
        library,
        mechanisms,
        derogation=Derogation(ground="marché réservé", justification="lots réservés aux SIAE"),
    )
    result = make_draft(profile, library, AS_OF, strategy=justified, sections=["summary"])
    text = plain(full_text(reopen(result.content)))
    assert "dérogation retenue (marché réservé) : lots réservés aux SIAE" in text
    assert "(motif et rédaction à vérifier par votre service juridique)" in text


def test_no_derogation_below_eu_threshold(library: Library) -> None:
    result = make_draft(
        load_profile(EXAMPLES / "petite-reparation.yaml"), library, AS_OF, sections=["summary"]
    )
    assert "justification de la dérogation" not in full_text(reopen(result.content))


def test_section_subset_keeps_only_the_chosen_sections(library: Library) -> None:
    result = make_draft(load_profile(LYCEE), library, AS_OF, sections=["references", "ccap"])
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


def test_a_discouraged_mechanism_retained_is_warned_in_the_summary(library: Library) -> None:
    profile = load_profile(EXAMPLES / "fournitures-ordinateurs.yaml")
    advice = advise(profile, library, AS_OF)
    discouraged = next(r for r in advice.recommendations if r.level is Level.discouraged)
    strategy = retain(profile, library, {discouraged.mechanism: []})
    result = make_draft(profile, library, AS_OF, strategy=strategy, sections=["summary"])
    text = plain(full_text(reopen(result.content)))
    assert f"{discouraged.title} : déconseillé par l’avis, retenu par l’acheteur." in text


def test_tender_without_lots_says_nothing_about_lots(library: Library) -> None:
    result = make_draft(make_profile(), library, AS_OF)
    headings = outline(reopen(result.content))
    assert (2, "Article [à compléter : numéro de l’article n] – Clause d’insertion sociale") in [
        (level, plain(text)) for level, text in headings
    ]
    text = plain(full_text(reopen(result.content)))
    dce = text[text.index(SECTION_TITLES["rc"]) : text.index(SECTION_TITLES["practices"])]
    # Below the EU threshold: no motivation of non-allotment either.
    assert " lot" not in dce.lower(), dce
    assert "au moins 833 heures de travail" in text


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_reopens_with_python_docx(path: Path, library: Library) -> None:
    result = make_draft(load_profile(path), library, AS_OF)
    document = reopen(result.content)
    assert document.paragraphs
    assert not result.messages
    top = [text for level, text in outline(document) if level == 1]
    assert top == [SECTION_TITLES[s] for s in SECTION_IDS]
    for text, marked in run_highlights(result.content):
        assert marked == bool(PLACEHOLDER_RE.fullmatch(text)), text


# Ordinary spaces where French typography wants a no-break one (before « : ; ! ? % € », after
# « « »), in any paragraph, table cell or footer of the document.
BAD_SPACE = re.compile(r" (?=[:;!?%€»])|« ")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_text_run_has_french_spacing(path: Path, library: Library) -> None:
    result = make_draft(load_profile(path), library, AS_OF)
    for name in ("word/document.xml", "word/footer1.xml"):
        xml = part_xml(result.content, name)
        for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
            text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph))
            assert not BAD_SPACE.search(text), text
