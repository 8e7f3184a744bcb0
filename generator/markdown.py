"""Narrative Markdown to HTML: CommonMark plus tables, raw HTML off.

This is the one place where rendered narrative becomes trusted markup (``Markup``).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)

# Wide tables scroll inside a focusable, labelled region instead of widening the page.
_SCROLL_OPEN = '<div class="table-scroll" role="region" aria-label="正文中的表格" tabindex="0">\n'


# A comment on lines of its own is a note to the writer (`nianbao new` quotes last year's
# problems in one for reference): it is dropped, never published. Raw HTML stays off.
COMMENT = re.compile(r"^[ \t]*<!--.*?-->[ \t]*(?:\n|\Z)", re.S | re.M)


def strip_comments(source: str) -> str:
    """The narrative without the writer's notes (``<!-- … -->`` on lines of their own)."""
    return COMMENT.sub("", source) if "<!--" in source else source


def render_markdown(source: str) -> Markup:
    """Headings move down a level (#, ## → h3): the page's <h2> are the official sections."""
    out: list[Token] = []
    for token in _md.parse(strip_comments(source)):
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
