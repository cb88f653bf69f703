"""Reading drafted documents back, as Word would: parts, styles, runs, tables."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import lru_cache
from typing import Any

import docx
from docx.document import Document as DocxDocument

from clauses.advisor import advise
from clauses.advisor.advise import decp_social
from clauses.advisor.model import Advice
from clauses.drafting import Draft, draft
from clauses.drafting.sanitize import one_line
from clauses.library import Library
from clauses.library.models import MechanismId
from clauses.profile import TenderProfile
from clauses.profile import TenderProfile as _Profile
from clauses.strategy.choose import resolved_or_raise
from clauses.strategy.model import HoursLine, ResolvedMechanism, ResolvedStrategy
from tests.conftest import AS_OF

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING_STYLES = {"Heading 1": 1, "Heading 2": 2, "Heading 3": 3}


def make_draft(
    profile: TenderProfile,
    library: Library,
    as_of: dt.date = AS_OF,
    *,
    strategy: ResolvedStrategy | None = None,
    **options: Any,
) -> Draft:
    """The draft of ``strategy``, by default the one the advice suggests."""
    advice = advise(profile, library, as_of)
    resolved = strategy or resolved_or_raise(profile, advice, None, library)
    return draft(profile, advice, resolved, library, as_of, **options)


def retain(
    profile: TenderProfile,
    library: Library,
    mechanisms: dict[MechanismId, list[int]],
    as_of: dt.date = AS_OF,
    **parameters: Any,
) -> ResolvedStrategy:
    """A strategy retaining ``mechanisms`` (id → lot numbers) of the advice, with ``parameters``
    (facilitator, penalty…), built directly rather than through ``choose()`` so that the tests
    can also draft what ``choose()`` would refuse (no derogation, say) and see what is written."""
    advice = advise(profile, library, as_of)
    retained = [
        ResolvedMechanism(
            id=m,
            title=library.mechanisms[m].title,
            level=r.level,
            legal_basis=r.legal_basis,
            lots=lots,
            weight_percent=parameters.pop(f"{m.value}_weight", None),
        )
        for m, lots in mechanisms.items()
        if (r := advice.recommendation(m)) is not None
    ]
    clause = mechanisms.get(MechanismId.insertion_clause)
    return ResolvedStrategy(
        mechanisms=retained,
        hours=[] if clause is None else hours_lines(profile, advice, clause),
        decp_social=decp_social([m.id for m in retained], library),
        **parameters,
    )


def hours_lines(profile: _Profile, advice: Advice, lots: list[int]) -> list[HoursLine]:
    """The advice's hours on ``lots`` (all lots when empty), or for the whole contract."""
    recommendation = advice.recommendation(MechanismId.insertion_clause)
    if not profile.lots or recommendation is None or not recommendation.lots:
        return [
            HoursLine(
                lot=None,
                title=one_line(profile.title),
                estimated_amount_eur=profile.estimated_amount_eur,
                hours=advice.sizing.hours,
            )
        ]
    wanted = set(lots) or set(range(1, len(recommendation.lots) + 1))
    return [
        HoursLine(
            lot=number,
            title=one_line(lot.title) or f"lot {number}",
            estimated_amount_eur=lot.estimated_amount_eur,
            hours=lot.hours,
        )
        for number, lot in enumerate(recommendation.lots, start=1)
        if number in wanted and lot.hours > 0
    ]


def reopen(content: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(content))


def part_xml(content: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name).decode("utf-8")


def outline(document: DocxDocument) -> list[tuple[int, str]]:
    """Headings in order, read from the paragraphs' styles."""
    return [
        (HEADING_STYLES[p.style.name], p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name in HEADING_STYLES
    ]


def full_text(document: DocxDocument) -> str:
    """Body paragraphs and table cells, in document order."""
    texts = []
    for block in document.element.body.iter(f"{W}p"):
        # A non-breaking hyphen (inside « L2112-2-1 ») is an element of its own.
        texts.append(
            "".join(
                "-" if t.tag == f"{W}noBreakHyphen" else (t.text or "")
                for t in block.iter(f"{W}t", f"{W}noBreakHyphen")
            )
        )
    return "\n".join(texts)


@lru_cache(maxsize=1)
def run_highlights(content: bytes) -> tuple[tuple[str, bool], ...]:
    """Every run of the body as (text, highlighted)."""
    document = reopen(content)
    runs = []
    for run in document.element.body.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        highlight = run.find(f"{W}rPr/{W}highlight")
        runs.append((text, highlight is not None and highlight.get(f"{W}val") == "yellow"))
    return tuple(runs)


def style_name(item: Any) -> str:
    """The style name of a paragraph or table, "" when it has none."""
    return item.style.name if item.style is not None else ""


def plain(text: str) -> str:
    """No-break spaces as ordinary spaces, for readable expectations."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")
