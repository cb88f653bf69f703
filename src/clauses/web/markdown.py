"""A small, safe Markdown renderer for the good-practice sheets.

It knows headings, paragraphs, bulleted and numbered lists, bold, italics and web addresses;
everything else is shown as text. All text is escaped first, so no markup from a sheet can reach
the page: the only tags in the output are the ones written here.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)»]")
LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")


def _inline(text: str) -> str:
    """Escaped text with bold, italics and links (only http and https addresses)."""
    out: list[str] = []
    position = 0
    for match in LINK.finditer(text):
        out.append(_emphasis(text[position : match.start()], links=True))
        out.append(
            f'<a href="{escape(match[2])}" rel="noopener noreferrer">'
            f"{_emphasis(match[1], links=False)}</a>"
        )
        position = match.end()
    out.append(_emphasis(text[position:], links=True))
    return "".join(out)


def _emphasis(text: str, *, links: bool) -> str:
    escaped = str(escape(text))
    escaped = BOLD.sub(lambda m: f"<strong>{m[1] or m[2]}</strong>", escaped)
    escaped = ITALIC.sub(lambda m: f"<em>{m[1]}</em>", escaped)
    if links:
        # Escaping turned & into &amp; inside addresses: the href keeps the escaped form.
        escaped = URL.sub(
            lambda m: f'<a href="{m[0]}" rel="noopener noreferrer">{m[0]}</a>', escaped
        )
    return escaped


def render_markdown(source: str, *, heading_offset: int = 0) -> Markup:
    """HTML for ``source``; ``heading_offset`` shifts heading levels (## → h3 with 1)."""
    html: list[str] = []
    paragraph: list[str] = []
    list_kind: str | None = None

    def close_paragraph() -> None:
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_kind
        if list_kind:
            html.append(f"</{list_kind}>")
            list_kind = None

    for line in source.splitlines():
        heading, bullet, numbered = HEADING.match(line), BULLET.match(line), NUMBERED.match(line)
        if not line.strip():
            close_paragraph()
            close_list()
        elif heading:
            close_paragraph()
            close_list()
            level = min(len(heading[1]) + heading_offset, 6)
            html.append(f"<h{level}>{_inline(heading[2])}</h{level}>")
        elif bullet or numbered:
            close_paragraph()
            kind = "ul" if bullet else "ol"
            if list_kind != kind:
                close_list()
                html.append(f"<{kind}>")
                list_kind = kind
            item = (bullet or numbered)[1]  # type: ignore[index]
            html.append(f"<li>{_inline(item)}</li>")
        elif list_kind and line.startswith((" ", "\t")) and html[-1].endswith("</li>"):
            html[-1] = html[-1][: -len("</li>")] + " " + _inline(line.strip()) + "</li>"
        else:
            close_list()
            paragraph.append(line.strip())
    close_paragraph()
    close_list()
    return Markup("\n".join(html))
