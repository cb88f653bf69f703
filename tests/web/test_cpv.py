"""The CPV search on what buyers type: the expected code among the first three results.

Run on the real CPV 2008 nomenclature (``CLAUSES_CPV_FILE``); the ranking takes the contract's
nature and the sectors the advisor knows, as the wizard does.
"""

from __future__ import annotations

import pytest

from clauses.library import load_library
from clauses.questionnaire.cpv import (
    CpvCatalogue,
    CpvEntry,
    fold,
    looks_like_words,
    nature_of,
    normalise_code,
    stem,
)
from tests.conftest import require_cpv_file

# (what the buyer types, the contract's nature, codes of which one must be in the top three)
QUERIES = [
    ("nettoyage", "services", {"90911000-6", "90919200-4"}),
    ("nettoyage de locaux", "services", {"90911000-6", "90919200-4"}),
    ("locaux nettoyage", "services", {"90911000-6", "90919200-4"}),
    ("Nettoyage des bureaux", "services", {"90919200-4", "90919000-2"}),
    ("espaces verts", "services", {"77310000-6"}),
    ("entretien des espaces verts", "services", {"77310000-6"}),
    ("espaces verts", "works", {"45112710-5"}),
    ("restauration scolaire", "services", {"55523100-3"}),
    ("gardiennage", "services", {"79713000-5"}),
    ("travaux de peinture", "works", {"45442100-8"}),
    ("peintures", "works", {"45442100-8"}),
    ("maçonnerie", "works", {"45262522-6", "45262500-6"}),
    ("maconnerie", "works", {"45262522-6", "45262500-6"}),
    ("formation professionnelle", "services", {"80530000-8"}),
    ("transport scolaire", "services", {"60100000-9", "60130000-8"}),
    ("impression", "services", {"79810000-5", "79800000-2"}),
    ("ordinateurs portables", "supplies", {"30213100-6"}),
    ("ordinateur portable", "supplies", {"30213100-6"}),
    ("élagage", "services", {"77341000-2", "77340000-5"}),
    ("desamiantage", "works", {"45262660-5"}),
    ("plomberie", "works", {"45330000-9"}),
    ("menuiserie", "works", {"45421000-4", "45420000-7"}),
    ("traiteur", "services", {"55520000-1"}),
    ("blanchisserie", "services", {"98310000-9"}),
    ("repas", "supplies", {"15894200-3"}),
    ("voirie", "services", {"90611000-3", "90610000-6"}),
    ("mobilier scolaire", "supplies", {"39160000-1"}),
    ("fournitures de bureau", "supplies", {"30192000-1"}),
    ("couverture", "works", {"45261210-9", "45260000-7"}),
    ("collecte des déchets", "services", {"90511100-3", "90511000-2"}),
]


@pytest.fixture(scope="module")
def catalogue() -> CpvCatalogue:
    return CpvCatalogue.load(require_cpv_file())


@pytest.fixture(scope="module")
def known_sector() -> object:
    library = load_library()
    return lambda code: library.sector_for(code) is not None


@pytest.mark.parametrize(("query", "nature", "expected"), QUERIES, ids=[q for q, _, _ in QUERIES])
def test_buyers_queries_find_the_code_in_the_first_three(
    catalogue: CpvCatalogue, known_sector: object, query: str, nature: str, expected: set[str]
) -> None:
    terms = load_library().search.terms  # as the wizard reads them, and without
    for read in (terms, ()):
        found = [
            e.code
            for e in catalogue.search(query, nature=nature, known_sector=known_sector, terms=read)  # type: ignore[arg-type]
        ]
        assert expected & set(found[:3]), f"{query!r} ({nature}, {len(read)} terms): {found[:5]}"


def test_the_contracts_nature_comes_first(catalogue: CpvCatalogue) -> None:
    services = catalogue.search("nettoyage", nature="services")
    assert all(nature_of(e.code8) == "services" for e in services[:10])
    works = catalogue.search("nettoyage", nature="works")
    assert nature_of(works[0].code8) == "works"


def test_a_word_absent_from_every_label_does_not_empty_the_list(catalogue: CpvCatalogue) -> None:
    assert catalogue.search("nettoyage zzzqqq", nature="services")[0].code8.startswith("909")
    assert catalogue.search("zzzqqq") == []


def test_check_digit_is_the_nomenclatures(catalogue: CpvCatalogue) -> None:
    wrong = catalogue.check("90911000-7")
    assert wrong.wrong_check_digit and wrong.entry is not None
    assert wrong.entry.code == "90911000-6"
    right = catalogue.check("90911000-6")
    assert right.entry is not None and not right.wrong_check_digit
    assert not catalogue.check("90911000").wrong_check_digit  # no check digit typed
    unknown = catalogue.check("12345678-9")
    assert unknown.entry is None and not unknown.wrong_check_digit


def test_folding_and_plurals() -> None:
    assert fold("Élagage des ŒUVRES") == "elagage des oeuvres"
    assert stem("bureaux") == stem("bureau") == "bureau"
    assert stem("locaux") == stem("local") == "local"
    assert stem("verts") == "vert"
    assert looks_like_words("nettoyage de locaux")
    assert not looks_like_words("90911000-6")
    assert not looks_like_words("9091 1000")
    assert not looks_like_words("90911000-6 Services de nettoyage")


def test_search_without_the_nomenclature_file() -> None:
    small = CpvCatalogue([CpvEntry("77310000-6", "77310000", "Entretien d'espaces verts", 3, "")])
    assert [e.code for e in small.search("ESPACE vert")] == ["77310000-6"]
    assert not CpvCatalogue([]).available


def test_search_find_and_normalise_on_a_small_catalogue() -> None:
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
