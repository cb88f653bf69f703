"""Writing a clause: its sub-clauses numbered by Word (a multi-level list under the article's
number) and the references to them (« au point 3 ») as REF fields to their bookmarks."""

from __future__ import annotations

import re
from collections.abc import Callable

from clauses.drafting.blocks import clause_blocks
from clauses.drafting.ooxml import Ref, Span, Writer

NUMBER_INDENT = 709  # hanging indent of Word-numbered sub-clauses (1.25 cm)
_POINT_REFERENCE = re.compile(r"(au point |aux points? )(\d{1,2})\b")


def write_clause(
    wr: Writer,
    text: str,
    *,
    prefix: str = "",
    bookmark: str = "",
    table: Callable[[], None] | None = None,
) -> None:
    """``text`` with its numbered lines as a Word multi-level list under ``prefix`` (« 9 » gives
    « 9.1 », « 9.1.1 »); « au point 3 » becomes a REF field to point 3's bookmark."""
    blocks = clause_blocks(text)
    numbered = any(b.kind in ("point", "item") for b in blocks)
    num_id = wr.number_list.outline(prefix, NUMBER_INDENT) if numbered else None
    has_points = any(b.kind == "point" for b in blocks)
    marks = {b.items[0]: f"_Ref{bookmark}_{b.items[0]}" for b in blocks if b.kind == "point"}

    def shown(label: str) -> str:
        return f"{prefix}.{label}" if prefix else label

    def spans(line: str) -> list[Span | Ref] | str:
        if not marks or "point" not in line:
            return line
        out: list[Span | Ref] = []
        position = 0
        for match in _POINT_REFERENCE.finditer(line):
            target = marks.get(match.group(2))
            if target is None:
                continue
            out.append(Span(line[position : match.end(1)]))
            out.append(Ref(target, shown(match.group(2))))
            position = match.end()
        out.append(Span(line[position:]))
        return out if len(out) > 1 else line

    for block in blocks:
        match block.kind:
            case "point":
                wr.paragraph(
                    block.text,
                    bold=True,
                    keep_next=True,
                    num_id=num_id,
                    bookmark=marks[block.items[0]] if bookmark else None,
                )
            case "item":
                level = block.level if has_points else 0
                wr.paragraph(spans(block.text), num_id=num_id, level=level)
            case "paragraph":
                wr.paragraph(spans(block.text), markup=True)
            case "bullets":
                wr.bullets(block.items, markup=True)
            case "table":
                if table is not None:
                    table()
