"""Pure helpers of the web layer: Markdown rendering, answer conversion, CPV search."""

from __future__ import annotations

import pytest

from clauses.library import Library
from clauses.questionnaire.cpv import CpvCatalogue, CpvEntry, fold, normalise_code
from clauses.questionnaire.wizard import build_profile, parse_number
from clauses.web.markdown import render_markdown


def test_markdown_escapes_everything_but_its_own_tags() -> None:
    html = render_markdown(
        "## Titre <b>x</b>\n\nTexte **gras** et *italique* <script>alert(1)</script>\n"
        "<img src=x onerror=alert(1)>\n\n- un\n- deux [lien](javascript:alert(1))\n\n"
        "1. premier\n2. second https://exemple.fr/a?b=1&c=2\n"
    )
    assert "<h2>Titre &lt;b&gt;x&lt;/b&gt;</h2>" in html
    assert "<strong>gras</strong>" in html and "<em>italique</em>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert "<ul>\n<li>un</li>" in html and "<ol>" in html
    assert '<a href="https://exemple.fr/a?b=1&amp;c=2" rel="noopener noreferrer">' in html


def test_markdown_explicit_links_only_for_web_addresses() -> None:
    html = render_markdown('[Légifrance](https://www.legifrance.gouv.fr/ "x")')
    assert "Légifrance" in html
    assert (
        render_markdown("[a](https://e.fr/x)")
        == '<p><a href="https://e.fr/x" rel="noopener noreferrer">a</a></p>'
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 000 000", 1e6),
        ("1\u202f000\u00a0000 €", 1e6),
        ("12,5", 12.5),
        ("12.5 %", 12.5),
        ("30 € HT", 30),
    ],
)
def test_french_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["beaucoup", "1,2,3", "nan", "inf", ""])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_answers_become_a_profile(library: Library) -> None:
    outcome = build_profile(
        {
            "title": "Nettoyage",
            "nature": "services",
            "cpv": "90919200-4 Services de nettoyage de bureaux",
            "estimated_amount_eur": "1 800 000",
            "duration_months": "48",
            "launch_date": "14/09/2026",
            "insertion_rate": "5",
            "facilitator_available": "true",
            "transferred_staff_monthly_hours": "1 200",
            "local_offer.insertion": "some",
            "lots": [
                {
                    "title": "Lot A",
                    "estimated_amount_eur": "900 000",
                    "labour_share": "80",
                    "cpv": "",
                }
            ],
        },
        library,
    )
    assert outcome.errors == {}
    profile = outcome.profile
    assert profile is not None
    assert profile.cpv == "90919200-4"
    assert profile.launch_date is not None and profile.launch_date.isoformat() == "2026-09-14"
    assert profile.insertion_rate == 0.05
    assert profile.facilitator_available is True
    assert profile.local_offer.insertion.value == "some"
    assert profile.lots[0].labour_share == 0.8


def test_answers_that_do_not_apply_are_left_out(library: Library) -> None:
    outcome = build_profile(
        {
            "title": "Travaux",
            "nature": "works",
            "cpv": "45214220-8",
            "estimated_amount_eur": "100000",
            "duration_months": "6",
            "transferred_staff_monthly_hours": "abc",  # not asked for works: ignored
        },
        library,
    )
    assert outcome.errors == {}
    assert outcome.profile is not None
    assert outcome.profile.transferred_staff_monthly_hours is None


def test_errors_are_keyed_by_form_field(library: Library) -> None:
    outcome = build_profile(
        {
            "nature": "works",
            "estimated_amount_eur": "-3",
            "duration_months": "2,5",
            "lots": [{"title": "", "estimated_amount_eur": "x"}],
        },
        library,
    )
    assert outcome.profile is None
    assert "title" in outcome.errors
    assert "duration_months" in outcome.errors and "entier" in outcome.errors["duration_months"]
    assert "lots-0-estimated_amount_eur" in outcome.errors
    assert "lots-0-title" in outcome.errors


def test_cpv_search() -> None:
    catalogue = CpvCatalogue(
        [
            CpvEntry(
                "77310000-6",
                "77310000",
                "Services de plantation et d'entretien d'espaces verts",
                4,
                fold("Services de plantation et d'entretien d'espaces verts"),
            ),
            CpvEntry(
                "77311000-3",
                "77311000",
                "Services d'entretien de jardins d'agrément",
                5,
                fold("Services d'entretien de jardins d'agrément"),
            ),
        ]
    )
    assert catalogue.search("ENTRETIEN agrement")[0].code == "77311000-3"
    assert [e.code for e in catalogue.search("7731")] == ["77310000-6", "77311000-3"]
    assert catalogue.find("77311000") is not None and catalogue.find("99999999") is None
    assert normalise_code("77311000-3 Services d'entretien") == "77311000-3"
    assert not CpvCatalogue([]).available
