"""Searches in a buyer's words (issue 23): the CPV codes of the wizard, the mechanisms and the
good-practice sheets read « lycée », « ménage » or « ESAT » as the nomenclature and the library
write them (``clause_library/search.yaml``), and rank what they find."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from clauses.library import Library, load_library
from clauses.library.search import groups_of, rank_mechanisms, rank_practices, regions_named
from clauses.questionnaire.cpv import CpvCatalogue
from tests.conftest import require_cpv_file
from tests.web.conftest import Browser

# (typed, the contract's nature or None, codes one of which must be in the first ``top``, top)
CPV_QUERIES = [
    ("lycée", None, {"45214200-2", "45214220-8"}, 2),
    ("lycée", "services", {"90919300-5", "55523100-3"}, 3),
    ("collège", "works", {"45214200-2", "45214220-8"}, 2),
    ("rénovation lycée", "works", {"45214200-2", "45214220-8"}, 3),
    ("réhabilitation du lycée", "works", {"45214200-2", "45214220-8"}, 3),
    ("rénovation lycée", "works", {"45453000-7", "45453100-8", "45454000-4"}, 3),
    ("électricité", "works", {"45310000-3", "45311000-0"}, 2),
    ("électricité", None, {"45310000-3", "45311000-0"}, 2),
    ("électricien", "works", {"45310000-3", "45311000-0"}, 2),
    ("ménage", "services", {"90911200-8", "90919200-4"}, 2),
    ("entretien des locaux", "services", {"90911200-8", "90919200-4"}, 2),
    ("nettoyage lycée", "services", {"90919300-5"}, 1),
    ("cantine", "services", {"55523100-3", "55510000-8"}, 2),
    ("cantine lycée", "services", {"55523100-3"}, 1),
    ("demi-pension", None, {"55523100-3"}, 1),
    ("tonte", "services", {"77310000-6", "77313000-7"}, 2),
    ("espaces verts lycée", "services", {"77310000-6"}, 1),
    ("peintre", "works", {"45442100-8", "45442110-1"}, 2),
]

# (typed, the mechanism that must come first)
MECHANISM_QUERIES = [
    ("marché réservé ESAT", "reserved_disability"),
    ("entreprises adaptées", "reserved_disability"),
    ("handicap", "reserved_disability"),
    ("réservé SIAE", "reserved_insertion"),
    ("clause d’insertion", "insertion_clause"),
    ("heures d’insertion", "insertion_clause"),
    ("critère", "insertion_criterion"),
    ("allotissement", "lots_division"),
    ("économie sociale et solidaire", "reserved_ess"),
    ("détenus", "reserved_prison"),
    ("marché d’insertion", "insertion_services_contract"),
]

# (typed, the sheet that must come first)
PRACTICE_QUERIES = [
    ("lots réservés", "lots-reserves"),
    ("facilitateur", "reseau-facilitateurs"),
    ("référent", "referent-interne-clauses"),
    ("indicateurs", "spaser-indicateurs"),
    ("interprétariat", "pays-de-la-loire-clause-interpretariat"),
    ("centrale d’achat lycées", "bourgogne-franche-comte-centrale-achat-lycees"),
]


@pytest.fixture(scope="module")
def lib() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def catalogue() -> CpvCatalogue:
    return CpvCatalogue.load(require_cpv_file())


def search(catalogue: CpvCatalogue, lib: Library) -> Callable[[str, str | None], list[str]]:
    def run(query: str, nature: str | None) -> list[str]:
        return [
            e.code
            for e in catalogue.search(
                query,
                nature=nature,
                known_sector=lambda code: lib.sector_for(code) is not None,
                terms=lib.search.terms,
            )
        ]

    return run


@pytest.mark.parametrize(
    ("query", "nature", "expected", "top"),
    CPV_QUERIES,
    ids=[f"{q}-{n or 'any'}-{sorted(e)[0]}" for q, n, e, _ in CPV_QUERIES],
)
def test_a_buyers_words_find_the_codes_a_region_uses(
    catalogue: CpvCatalogue,
    lib: Library,
    query: str,
    nature: str | None,
    expected: set[str],
    top: int,
) -> None:
    found = search(catalogue, lib)(query, nature)
    assert expected & set(found[:top]), f"{query!r} ({nature}): {found[:6]}"


def test_renovating_a_lycee_finds_no_bridge_and_electricity_no_power_station(
    catalogue: CpvCatalogue, lib: Library
) -> None:
    labels = {e.code: e.label for e in catalogue.entries}
    run = search(catalogue, lib)
    renovation = [labels[c] for c in run("rénovation lycée", "works")[:5]]
    assert not [label for label in renovation if "pont" in label.lower()], renovation
    electricity = [labels[c] for c in run("électricité", None)[:3]]
    assert all("travaux" in label.lower() for label in electricity), electricity
    # Without the terms the same words found the bridges and the energy supply.
    plain = [e.label for e in catalogue.search("rénovation lycée", nature="works")[:3]]
    assert any("ponts" in label for label in plain), plain


@pytest.mark.parametrize(
    ("query", "expected"), MECHANISM_QUERIES, ids=[q for q, _ in MECHANISM_QUERIES]
)
def test_the_mechanism_a_buyer_means_comes_first(lib: Library, query: str, expected: str) -> None:
    found = rank_mechanisms(list(lib.mechanisms.values()), query, lib.search.terms)
    assert found and found[0].id == expected, f"{query!r}: {[m.id for m in found]}"


@pytest.mark.parametrize(
    ("query", "expected"), PRACTICE_QUERIES, ids=[q for q, _ in PRACTICE_QUERIES]
)
def test_the_sheet_a_buyer_means_comes_first(lib: Library, query: str, expected: str) -> None:
    found = rank_practices(list(lib.practices.values()), query, lib.search.terms)
    assert found and found[0].id == expected, f"{query!r}: {[p.id for p in found]}"


def test_a_word_found_nowhere_does_not_empty_the_list_but_nothing_found_is_empty(
    lib: Library,
) -> None:
    mechanisms = list(lib.mechanisms.values())
    assert rank_mechanisms(mechanisms, "réservé ESAT zzqq", lib.search.terms)[0].id == (
        "reserved_disability"
    )
    assert rank_mechanisms(mechanisms, "zzqq", lib.search.terms) == []
    assert rank_mechanisms(mechanisms, "", lib.search.terms) == mechanisms


def test_a_short_form_matches_whole_words_only(lib: Library) -> None:
    """« EA » stands for entreprises adaptées: it does not find « eau » or « each »."""
    (group,) = groups_of("EA", lib.search.terms)
    assert not group.matches(("eau",)) and group.matches(("esat",))
    (plain,) = groups_of("nettoy")
    assert plain.matches(("nettoyage",))  # a word of no term still finds the start of words


def test_a_region_named_in_the_words() -> None:
    regions = {"53": "Bretagne", "93": "Provence-Alpes-Côte d’Azur", "11": "Île-de-France"}
    assert regions_named("lots réservés Bretagne", regions) == (["53"], "lot reserve")
    assert regions_named("provence alpes cote d'azur", regions)[0] == ["93"]
    assert regions_named("clauses", regions) == ([], "clause")


def test_the_library_page_points_to_the_sheets_of_a_region_typed(api: TestClient) -> None:
    page = api.get("/bibliotheque", params={"q": "Bretagne"})
    assert page.status_code == 200
    assert 'href="/fiches?region=53"' in page.text
    assert "fiche de bonnes pratiques de la région Bretagne" in page.text
    assert "Aucun mécanisme ne correspond" not in page.text  # every mechanism stays listed
    ranked = api.get("/bibliotheque", params={"q": "marché réservé ESAT"}).text
    assert ranked.index("/bibliotheque/reserved_disability") < ranked.index(
        "/bibliotheque/reserved_both"
    )


def test_the_sheets_page_and_the_api_read_a_region_typed(api: TestClient) -> None:
    page = api.get("/fiches", params={"q": "Bretagne"})
    assert page.status_code == 200
    assert "/fiches/bretagne-schema-concerte-spaser" in page.text
    assert "/fiches/grand-est-spaser-orchidee" not in page.text
    found = api.get("/api/v1/practices", params={"q": "SPASER Bretagne"}).json()
    assert [p["id"] for p in found] == ["bretagne-schema-concerte-spaser"]
    ranked = api.get("/api/v1/practices", params={"q": "facilitateur"}).json()
    assert ranked[0]["id"] == "reseau-facilitateurs"


def test_the_wizards_cpv_search_reads_a_buyers_words(browser: Browser) -> None:
    require_cpv_file()
    dossier = browser.new_dossier()
    page = browser.get(f"/dossiers/{dossier}/etapes/marche", params={"cpv_q": "lycée"}).text
    assert 'name="cpv_pick" value="45214200-2"' in page
    assert 'name="cpv_pick" value="55523100-3"' in page
