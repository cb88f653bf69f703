"""Text to document blocks: the light Markdown of the practice sheets and the line-per-paragraph
layout of the model clauses, written with real Word headings and lists."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, NamedTuple

from clauses.drafting.ooxml import Writer

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*•–]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
# « 1. Objet et périmètre », « 2. Tutorat (sous-critère a) »: a short numbered line without final
# punctuation (nor comma) is the title of a point in a model clause.
_POINT_TITLE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[^.,;:!?…]{1,80}$")
# « 2. », « 2.1. » at the start of a clause line: the number Word writes instead.
_ITEM = re.compile(r"^(\d{1,2}(?:\.\d{1,2})?)\.\s+")
# The line of a clause where the drafter writes a table (the hours owed, lot by lot).
TABLE = "⟦tableau⟧"

Kind = Literal["heading", "paragraph", "point", "item", "table", "bullets", "numbered"]


class Block(NamedTuple):
    kind: Kind
    text: str = ""
    items: tuple[str, ...] = ()
    level: int = 0


@lru_cache(maxsize=256)
def markdown_blocks(text: str) -> tuple[Block, ...]:
    """Headings (#), paragraphs (blank-line separated), bullet and numbered lists."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_kind: Kind | None = None

    def flush() -> None:
        nonlocal list_kind
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()
        if items and list_kind:
            blocks.append(Block(list_kind, items=tuple(items)))
            items.clear()
        list_kind = None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(raw)
        numbered = _NUMBERED.match(raw)
        if heading:
            flush()
            blocks.append(Block("heading", heading.group(2), level=len(heading.group(1))))
        elif bullet or numbered:
            kind: Kind = "bullets" if bullet else "numbered"
            if paragraph or list_kind != kind:
                flush()
            list_kind = kind
            items.append((bullet or numbered).group(1).strip())  # type: ignore[union-attr]
        elif list_kind and raw[:1].isspace() and items:
            items[-1] += " " + line  # a wrapped list item
        else:
            if list_kind:
                flush()
            paragraph.append(line)
    flush()
    return tuple(blocks)


def clause_blocks(text: str) -> tuple[Block, ...]:
    """A model clause: one paragraph per line, « – » lines as bullets; « 2. Title » point titles
    and « 2.1. » or « 2. » numbered lines as items numbered by Word (their number is kept in
    ``items`` to find the point a text refers to); a :data:`TABLE` line marks a table."""
    blocks: list[Block] = []
    items: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line[:2] in ("– ", "- "):
            items.append(line[2:].lstrip())
            continue
        if items:
            blocks.append(Block("bullets", items=tuple(items)))
            items = []
        if not line:
            continue
        if line == TABLE:
            blocks.append(Block("table"))
            continue
        number = _ITEM.match(line) if line[0].isdigit() else None
        if number is None:
            blocks.append(Block("paragraph", line))
            continue
        label = number.group(1)
        body = line[number.end() :]
        point = _POINT_TITLE.match(line) is not None and "." not in label
        blocks.append(
            Block("point" if point else "item", body, items=(label,), level=label.count("."))
        )
    if items:
        blocks.append(Block("bullets", items=tuple(items)))
    return tuple(blocks)


def write_blocks(writer: Writer, blocks: tuple[Block, ...], *, top_heading: int) -> None:
    """Write Markdown ``blocks``; a level-2 heading becomes a Word heading of ``top_heading``."""
    for block in blocks:
        match block.kind:
            case "heading":
                level = max(top_heading, top_heading + block.level - 2)
                if 1 <= level <= 3:
                    writer.heading(level, block.text)
                else:
                    writer.paragraph(block.text, bold=True, markup=True, keep_next=True)
            case "paragraph":
                writer.paragraph(block.text, markup=True)
            case "bullets":
                writer.bullets(block.items, markup=True)
            case "numbered":
                writer.numbered(block.items, markup=True)
