"""The pieces of a draft agree: the summary, the notice and RC, the CCAP article, the commitment
form and the follow-up table name the same mechanisms, the same lots and the same hours.

Each part is read back from the .docx on its own (text and tables under its heading), the
figures are extracted from it, and the parts are compared with each other and with the strategy
— on every example's default strategy and on generated profiles and strategies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clauses.advisor import advise
from clauses.drafting import Draft
from clauses.drafting.sections import RESERVATIONS, SECTION_TITLES
from clauses.library import Library
from clauses.library.models import MechanismId, Section
from clauses.profile import ProfileError, load_profile, parse_profile
from tests.advisor.test_properties import LIBRARY, profiles
from tests.conftest import AS_OF, EXAMPLES
from tests.drafting.helpers import make_draft, plain, reopen, retain

M = MechanismId
HOURS = r"(\d[\d ]*) heures?"
LOT_HOURS = re.compile(rf"lot n° (\d+) « [^»]*» : {HOURS}")
TOTAL_HOURS = re.compile(rf"au moins {HOURS} de travail")
TABLE_LOT = re.compile(r"^Lot n° (\d+)")
COMMITMENT = "Engagement du candidat relatif à la clause d’insertion (annexe à l’acte d’engagement)"


@dataclass
class Part:
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)


def parts(result: Draft) -> dict[str, Part]:
    """The document cut at its level-1 and level-2 headings: « rc », « ccap », « summary »,
    and each annex by its title."""
    document = reopen(result.content)
    found: dict[str, Part] = {}
    section = ""
    current = Part()
    titles = {title: key for key, title in SECTION_TITLES.items()}
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            style = item.style.name if item.style is not None else ""
            text = plain(item.text)
            if style == "Heading 1":
                section = titles.get(item.text, item.text)
                current = found.setdefault(section, Part())
                continue
            if style == "Heading 2" and section == "annexes":
                current = found.setdefault(text.split(" – ", 1)[-1], Part())
                continue
            if style.startswith("Heading"):
                current.headings.append(text)
            current.text.append(text)
        else:
            current.tables.append(item)
    return found


def number(text: str) -> int:
    return int(text.replace(" ", ""))


def table_hours(table: Table, hours_column: int) -> dict[int | None, int]:
    """{lot number (None: the whole contract): hours} from a table's rows."""
    owed: dict[int | None, int] = {}
    for row in table.rows[1:]:
        first = plain(row.cells[0].text)
        if first == "Total" or not first:
            continue
        found = re.search(HOURS, plain(row.cells[hours_column].text))
        assert found, first
        lot = TABLE_LOT.match(first)
        owed[int(lot.group(1)) if lot else None] = number(found.group(1))
    return owed


def text_hours(lines: list[str]) -> dict[int | None, int]:
    text = " ".join(lines)
    owed: dict[int | None, int] = {int(n): number(h) for n, h in LOT_HOURS.findall(text)}
    totals = {number(h) for h in TOTAL_HOURS.findall(text)}
    assert len(totals) <= 1, totals  # the notice and the RC say the same
    if not owed and totals:
        owed[None] = totals.pop()
    return owed


def check(result: Draft, library: Library, found: dict[str, Part]) -> None:
    strategy = result.strategy
    expected = {line.lot: line.hours for line in strategy.hours}
    summary, rc, ccap = found["summary"], found["rc"], found["ccap"]
    retained = {m.id for m in strategy.mechanisms}

    # The summary's table of mechanisms is the strategy.
    mechanisms = next((t for t in summary.tables if t.rows[0].cells[0].text == "Mécanisme"), None)
    names = {library.mechanisms[m].short_title: m for m in MechanismId}
    # « Autre condition sociale : <option> » names the option after the mechanism.
    listed = (
        {names[r.cells[0].text.split("\u00a0:")[0]] for r in mechanisms.rows[1:]}
        if mechanisms
        else set()
    )
    assert listed == retained

    if M.insertion_clause not in retained:
        assert not expected
        for part in (rc, ccap):
            assert not re.search(rf"{HOURS} de travail", " ".join(part.text))
        assert COMMITMENT not in found
        return

    if strategy.framework:  # an accord-cadre: the same ratio everywhere, no fixed total
        check_framework(result, found)
        return
    # Hours: the summary, the notice and RC, the CCAP, the commitment form, the follow-up.
    summary_hours = next(t for t in summary.tables if t.rows[0].cells[-1].text == "Années-ETP")
    ccap_hours = ccap.tables[0]
    commitment = found[COMMITMENT].tables[0]
    follow_up = found["Tableau de suivi des heures d’insertion"].tables[0]
    assert table_hours(summary_hours, 2) == expected
    assert table_hours(ccap_hours, 2) == expected
    assert table_hours(commitment, 1) == expected
    assert text_hours(rc.text) == expected
    follow_up_rows = [plain(r.cells[0].text) for r in follow_up.rows[1:] if r.cells[0].text]
    assert [
        (int(m.group(1)) if (m := TABLE_LOT.match(t)) else None, number(re.search(HOURS, t)[1]))  # type: ignore[index]
        for t in follow_up_rows
    ] == list(expected.items())
    # Nothing about lots when there are none, but the motivation of not dividing the contract.
    if None in expected:
        for part in (rc, ccap, found[COMMITMENT]):
            said = [t for t in part.text if "n’est pas divisée en lots" not in t]
            assert not re.search(r"\blots?\b", " ".join(said)), said


RATIO = r"(\d+,\d\d) h"
LOT_RATIO = re.compile(r"lot n° (\d+) « [^»]*» : (\d+,\d\d) heures? de travail par tranche")


def check_framework(result: Draft, found: dict[str, Part]) -> None:
    """A framework agreement (issue 22): the ratio per 1 000 € HT ordered of each lot is the
    same in the summary, the notice and RC, the CCAP, the commitment form and the follow-up."""
    expected = {
        line.lot: f"{line.hours_per_1000_eur:.2f}".replace(".", ",")
        for line in result.strategy.hours
    }

    def ratios(table: Table, column: int) -> dict[int | None, str]:
        out: dict[int | None, str] = {}
        for row in table.rows[1:]:
            first = plain(row.cells[0].text)
            if not first:
                continue  # the follow-up table's blank rows
            found_ratio = re.search(RATIO, plain(row.cells[column].text))
            assert found_ratio, first
            lot = TABLE_LOT.match(first)
            out[int(lot.group(1)) if lot else None] = found_ratio.group(1)
        return out

    summary, ccap = found["summary"], found["ccap"]
    summary_table = next(
        t for t in summary.tables if t.rows[0].cells[-1].text == "Heures au maximum"
    )
    assert ratios(summary_table, 2) == expected
    assert ratios(ccap.tables[0], 2) == expected
    assert ratios(found[COMMITMENT].tables[0], 1) == expected
    follow_up = found["Tableau de suivi des heures d’insertion"].tables[0]
    assert ratios(follow_up, 0) == expected
    said = dict(LOT_RATIO.findall(plain(" ".join(found["rc"].text))))
    assert {int(lot): ratio for lot, ratio in said.items()} == expected
    assert not re.search(r"au moins \d[\d ]* heures? de travail", plain(" ".join(ccap.text)))


def check_reservations(result: Draft, found: dict[str, Part]) -> None:
    for mechanism in result.strategy.mechanisms:
        if mechanism.id not in RESERVATIONS:
            continue
        headings = " ".join(found["rc"].headings)
        for lot in mechanism.lots:
            assert f"n° {lot} «" in headings, headings


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_agrees_with_itself(path: Path, library: Library) -> None:
    result = make_draft(load_profile(path), library, AS_OF)
    found = parts(result)
    check(result, library, found)
    check_reservations(result, found)


# Generated profiles and strategies ---------------------------------------------------------------

simple_titles = st.from_regex(r"[A-Za-zéèà][a-zéèà ]{0,20}[a-z]", fullmatch=True)


@st.composite
def drafted(draw: st.DrawFn) -> Draft:
    data: dict[str, Any] = draw(profiles)
    data["title"] = draw(simple_titles)
    for lot in data.get("lots", []):
        lot["title"] = draw(simple_titles)
    try:
        profile = parse_profile(data)
    except ProfileError:  # a contradiction the profile refuses (social services on works…)
        assume(False)
    advice = advise(profile, LIBRARY, AS_OF)
    offered = [r.mechanism for r in advice.recommendations]
    chosen = draw(st.lists(st.sampled_from(offered), unique=True)) if offered else []
    lot_numbers = list(range(1, len(profile.lots) + 1))
    mechanisms: dict[MechanismId, list[int]] = {}
    whole_reserved = False
    for mechanism in chosen:
        lots = sorted(draw(st.sets(st.sampled_from(lot_numbers)))) if lot_numbers else []
        if mechanism in RESERVATIONS and not lots:
            if whole_reserved:
                continue  # choose() refuses two reservations of the whole contract
            whole_reserved = True
        mechanisms[mechanism] = lots
    strategy = retain(
        profile,
        LIBRARY,
        mechanisms,
        penalty_eur_per_hour=draw(st.none() | st.integers(1, 500)),
        ccap_article=draw(st.none() | st.sampled_from(["7", "9", "12"])),
    )
    return make_draft(profile, LIBRARY, AS_OF, strategy=strategy)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafted())
def test_generated_drafts_agree_with_themselves(result: Draft) -> None:
    found = parts(result)
    check(result, LIBRARY, found)
    check_reservations(result, found)
    # Every retained mechanism with a CCAP text has its article.
    articles = found["ccap"].headings
    for mechanism in result.strategy.mechanisms:
        ccap = [c for c in LIBRARY.mechanisms[mechanism.id].clauses if c.section is Section.ccap]
        for clause in ccap:
            assert any(f"– {clause.title}" in h for h in articles), articles
