"""The Markdown of the library's sheets, rendered to HTML: its own tags only, links to web
addresses only."""

from __future__ import annotations

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
