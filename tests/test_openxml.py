"""Issue 21: every kind of Office file the application writes passes the Open XML validator.

Drafts (each example, on the house template and on a council's, whole, one section at a time
and as DCE pieces), the follow-up report, the SPASER report and workbook: 0 errors of
``openxml-audit``, a port of the Open XML SDK's checks (see :mod:`tests.openxml`). The first
tests show it finds what is wrong, so that the others cannot pass by accident; every test here
runs with the network cut off, the validator needs none.
"""

from __future__ import annotations

import dataclasses
import io
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from clauses.advisor import advise
from clauses.decp import parse_award
from clauses.drafting.pieces import draft_pieces
from clauses.drafting.sections import SECTION_IDS
from clauses.followup import balance
from clauses.followup.report import follow_up_report
from clauses.library import Library
from clauses.profile import load_profile, parse_profile
from clauses.spaser import indicators, spaser_docx, spaser_xlsx
from clauses.strategy.choose import resolved_or_raise
from tests.conftest import AS_OF, EXAMPLES, make_profile
from tests.drafting.helpers import make_draft, retain
from tests.drafting.test_template import as_dotx, council_template, hostile_template, rewrite
from tests.drafting.test_user_text import NASTY
from tests.followup import fixtures as followup_fixtures
from tests.openxml import assert_valid_office, assert_valid_pieces, openxml_errors
from tests.spaser.fixtures import REGION, crowded, records

PROFILES = sorted(EXAMPLES.glob("*.yaml"))
RICH = EXAMPLES / "lycee-rehabilitation.yaml"  # lots, hours, every piece of the DCE zip


def _without_numbering(name: str, content: bytes) -> bytes | None:
    if name == "word/numbering.xml":
        return None
    if name == "word/_rels/document.xml.rels":
        return re.sub(rb"<Relationship [^>]*numbering[^>]*/>", b"", content)
    return content


TEMPLATES: dict[str, Callable[[], bytes | None]] = {
    "maison": lambda: None,
    "modele": council_template,
}
# What the drafter does to a council's template differs when it lacks styles (copied from the
# house template), a footer (page numbers added), a numbering part (created), or is a .dotx.
ODD_TEMPLATES: dict[str, Callable[[], bytes | None]] = {
    "modele-incomplet": lambda: council_template(
        drop_styles=("List Number", "List Bullet", "Heading 3", "Table Grid"), footer=False
    ),
    "modele-sans-numerotation": lambda: rewrite(
        council_template(drop_styles=("List Number", "List Bullet")), _without_numbering
    ),
    "modele-dotx": lambda: as_dotx(council_template()),
    # Stored before templates were checked: drafted on without its outside and active content.
    "modele-hostile": hostile_template,
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the Open XML validation tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket, "create_connection", refused)


def _body_with(content: bytes, xml: bytes) -> bytes:
    def change(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        body = re.search(rb"<w:body[^>]*>", data)
        assert body is not None
        return data[: body.end()] + xml + data[body.end() :]

    return rewrite(content, change)


def test_the_validator_finds_errors_in_a_broken_draft(library: Library) -> None:
    content = make_draft(make_profile(), library, AS_OF, sections=["summary"]).content
    assert openxml_errors(content, ".docx") == []
    unknown = openxml_errors(_body_with(content, b"<w:p><w:bogus/></w:p>"), ".docx")
    assert unknown and any("bogus" in e for e in unknown), unknown
    misplaced = openxml_errors(
        _body_with(content, b"<w:r><w:t>hors paragraphe</w:t></w:r>"), ".docx"
    )
    assert misplaced and any("'r'" in e or ":r" in e for e in misplaced), misplaced
    without_styles = rewrite(content, lambda n, c: None if n == "word/styles.xml" else c)
    assert openxml_errors(without_styles, ".docx")
    with pytest.raises(AssertionError, match=r"broken\.docx: 1 Open XML error"):
        assert_valid_office(_body_with(content, b"<w:p><w:bogus/></w:p>"), "broken.docx")


def test_the_validator_finds_the_error_in_openpyxl_s_own_fonts() -> None:
    """openpyxl writes a font's name and colour before its size, which the SDK refuses: the
    SPASER workbook writes them in the schema's order (and passes, below)."""
    workbook = Workbook()
    workbook.active["A1"] = "Synthèse"  # type: ignore[index]
    out = io.BytesIO()
    workbook.save(out)
    errors = openxml_errors(out.getvalue(), ".xlsx")
    assert errors and all("/xl/styles.xml" in e for e in errors), errors
    assert any("'color'" in e for e in errors), errors


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_every_example_drafts_a_valid_document(path: Path, template: str, library: Library) -> None:
    result = make_draft(load_profile(path), library, AS_OF, template=TEMPLATES[template]())
    assert_valid_office(result.content, f"{path.stem}-{template}.docx")


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_every_example_drafts_valid_dce_pieces(path: Path, library: Library) -> None:
    profile = load_profile(path)
    advice = advise(profile, library, AS_OF)
    strategy = resolved_or_raise(profile, advice, None, library)
    pieces = draft_pieces(profile, advice, strategy, library, AS_OF)
    assert assert_valid_pieces(pieces.content, f"{path.stem}.zip") == pieces.names


def test_dce_pieces_on_a_council_template_are_valid(library: Library) -> None:
    profile = load_profile(RICH)
    advice = advise(profile, library, AS_OF)
    strategy = resolved_or_raise(profile, advice, None, library)
    pieces = draft_pieces(profile, advice, strategy, library, AS_OF, template=council_template())
    names = assert_valid_pieces(pieces.content, "lycee-rehabilitation-modele.zip")
    assert any("-annexe-" in n for n in names) and any("fiches" in n for n in names), names


@pytest.mark.parametrize("template", [*TEMPLATES, *ODD_TEMPLATES])
@pytest.mark.parametrize("section", SECTION_IDS)
def test_each_section_alone_drafts_a_valid_document(
    section: str, template: str, library: Library
) -> None:
    make = TEMPLATES.get(template) or ODD_TEMPLATES[template]
    result = make_draft(load_profile(RICH), library, AS_OF, sections=[section], template=make())
    assert result.sections == (section,)
    assert_valid_office(result.content, f"{section}-{template}.docx")


@pytest.mark.parametrize("template", ODD_TEMPLATES)
def test_odd_council_templates_draft_valid_documents(template: str, library: Library) -> None:
    result = make_draft(load_profile(RICH), library, AS_OF, template=ODD_TEMPLATES[template]())
    assert_valid_office(result.content, f"lycee-rehabilitation-{template}.docx")


def test_every_recommended_mechanism_and_any_typed_text_draft_a_valid_document(
    library: Library,
) -> None:
    """Beyond the advice's own choice: all six mechanisms it recommends retained, with titles
    made of what users paste (control characters, XML specials, right-to-left marks, emoji)."""
    nasty = "".join(c for c in NASTY if not 0xD800 <= ord(c[0]) <= 0xDFFF)
    data = yaml.safe_load((EXAMPLES / "espaces-verts.yaml").read_text("utf-8"))
    data["title"] = f"{data['title']} {nasty}"
    for lot in data["lots"]:
        lot["title"] = f"{lot['title']} {nasty}\u202e"
    profile = parse_profile(data, from_yaml=True)
    advice = advise(profile, library, AS_OF)
    everything = {r.mechanism: [] for r in advice.recommendations}
    assert len(everything) == 6
    strategy = retain(profile, library, everything)
    for name, template in TEMPLATES.items():
        result = make_draft(profile, library, AS_OF, strategy=strategy, template=template())
        assert_valid_office(result.content, f"tout-retenu-{name}.docx")


@pytest.mark.parametrize("with_award", [True, False], ids=["titulaire", "sans-titulaire"])
def test_the_follow_up_report_is_valid(with_award: bool, library: Library) -> None:
    followup = followup_fixtures.followup()
    strategy = followup_fixtures.strategy(penalty=50 if with_award else None)
    result = balance(followup, strategy, followup_fixtures.profile(), 1600)
    award = parse_award(
        {"lots": [{"lot": 1, "holders": [{"id_type": "SIRET", "id": "55204599900869",
                                          "name": "Bâtiments de l’Ouest"}]}]}
    ) if with_award else None  # fmt: skip
    report = follow_up_report(followup_fixtures.profile(), award, followup, result, library, AS_OF)
    assert_valid_office(report, "suivi.docx")


@pytest.mark.parametrize("year", ["exercice", "charge", "vide"])
def test_the_spaser_report_and_workbook_are_valid(year: str, library: Library) -> None:
    """The fixtures' year, the same crowded (every public, 80 dossiers left out), and a year
    without any dossier (no chart, « Aucune donnée »)."""
    ind = indicators(records(library), REGION, 2027, library)
    if year == "charge":
        ind = crowded(ind, library)
    elif year == "vide":
        ind = indicators([], REGION, 2027, library)
        assert ind.contracts.count == 0
    assert_valid_office(spaser_xlsx(ind, library), f"spaser-{year}.xlsx")
    assert_valid_office(spaser_docx(ind, library, AS_OF), f"spaser-{year}.docx")
    renamed = [dataclasses.replace(r, label='=HYPERLINK("x")') for r in records(library)]
    if year == "exercice":  # text quoted as text (issue 20) in every sheet
        formula = indicators(renamed, REGION, 2027, library)
        assert_valid_office(spaser_xlsx(formula, library), "spaser-formule.xlsx")
