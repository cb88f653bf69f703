"""The sections of a draft, written from the tender, the advice, the strategy and the library.

The drafter writes only what the strategy retained, once: one text for the notice and the
consultation rules, one CCAP article per retained mechanism that has one (the insertion clause
with a table of the hours owed, lot by lot), one commitment form and one follow-up table with a
row per lot. Section ids (the caller selects any subset; the document keeps this order):
``summary`` (cover and synthesis), ``rc`` (notice and consultation rules), ``ccap`` (CCAP
articles), ``annexes`` (commitment form, follow-up table, memo outline), ``practices``
(good-practice sheets) and ``references`` (legal references cited).

One module per section (:mod:`.summary`, :mod:`.rc`, :mod:`.ccap`, :mod:`.annexes`,
:mod:`.practices`, :mod:`.references`); what they share: :mod:`.context` (what every section
reads), :mod:`.values` (the clauses' values, rendered), :mod:`.numbering` (Word numbering and REF
fields) and :mod:`.hours` (the tables of the hours owed).
"""

from __future__ import annotations

from collections.abc import Callable

from clauses.drafting.ooxml import Writer
from clauses.drafting.sections.annexes import annexes_of, write_annex, write_annexes
from clauses.drafting.sections.ccap import write_ccap
from clauses.drafting.sections.context import RESERVATIONS, SECTION_IDS, SECTION_TITLES, Context
from clauses.drafting.sections.practices import write_practices
from clauses.drafting.sections.rc import write_rc
from clauses.drafting.sections.references import legifrance_url, write_references
from clauses.drafting.sections.summary import write_summary

WRITERS: dict[str, Callable[[Writer, Context], None]] = {
    "summary": write_summary,
    "rc": write_rc,
    "ccap": write_ccap,
    "annexes": write_annexes,
    "practices": write_practices,
    "references": write_references,
}

__all__ = [
    "RESERVATIONS",
    "SECTION_IDS",
    "SECTION_TITLES",
    "WRITERS",
    "Context",
    "annexes_of",
    "legifrance_url",
    "write_annex",
    "write_annexes",
    "write_ccap",
    "write_practices",
    "write_rc",
    "write_references",
    "write_summary",
]
