"""Narrative Markdown to HTML: CommonMark plus tables, raw HTML off.

This is the one place where rendered narrative becomes trusted markup (``Markup``).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)

# Wide tables scroll inside a focusable, labelled region instead of widening the page.
_SCROLL_OPEN = '<div class="table-scroll" role="region" aria-label="正文中的表格" tabindex="0">\n'


def render_markdown(source: str) -> Markup:
    """Headings move down a level (#, ## → h3): the page's <h2> are the official sections."""
    out: list[Token] = []
    for token in _md.parse(source):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(max(int(token.tag[1]) + 1, 3), 6)}"
        if token.type == "table_open":
            out.append(_html(_SCROLL_OPEN))
        out.append(token)
        if token.type == "table_close":
            out.append(_html("</div>\n"))
    return Markup(_md.renderer.render(out, _md.options, {}))


def _html(content: str) -> Token:
    """Markup of our own, not the author's (the author's raw HTML is never parsed)."""
    token = Token("html_block", "", 0)
    token.content = content
    return token
