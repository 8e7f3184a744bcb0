"""Narrative Markdown to HTML: CommonMark plus tables and footnotes, raw HTML off; and the
problems a narrative can have that the page would otherwise hide.

This is the one place where rendered narrative becomes trusted markup (``Markup``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .formats import all_formats
from .problems import Problem

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


def commonmark() -> MarkdownIt:
    """The narrative's Markdown as every output reads it: CommonMark with tables, raw HTML off."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        "table"
    )


@cache
def _parser() -> MarkdownIt:
    """The narrative pages' parser, made at its first use: markdown-it (≈ 50 ms of imports
    and setup) loads only for a narrative that is not plain text (see _plain_html) or that
    the problem checks below must parse."""
    from mdit_py_plugins.footnote import footnote_plugin

    md = commonmark().use(footnote_plugin)
    md.add_render_rule("footnote_block_open", _footnotes_open)
    md.add_render_rule("footnote_block_close", _footnotes_close)
    md.add_render_rule("footnote_anchor", _backref)
    return md


# Wide tables scroll inside a focusable, labelled region instead of widening the page.
_SCROLL_OPEN = '<div class="table-scroll" role="region" aria-label="正文中的表格" tabindex="0">\n'


# A comment on lines of its own is a note to the writer (`nianbao new` quotes last year's
# problems in one for reference): it is dropped, never published. Raw HTML stays off.
COMMENT = re.compile(r"^[ \t]*<!--.*?-->[ \t]*(?:\n|\Z)", re.S | re.M)


def strip_comments(source: str) -> str:
    """The narrative without the writer's notes (``<!-- … -->`` on lines of their own)."""
    return COMMENT.sub("", source) if "<!--" in source else source


def _footnotes_open(*_: Any) -> str:
    # A labelled list instead of the plugin's <hr> and unlabelled <section>: the notes
    # close their part of the page, under the part's own heading.
    return '<div class="footnotes" role="note" aria-label="注释">\n<ol class="footnotes-list">\n'


def _footnotes_close(*_: Any) -> str:
    return "</ol>\n</div>\n"


def _backref(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    """The way back to where the note is cited, named for screen readers (not just "↩︎")."""
    meta = tokens[idx].meta
    anchor = (
        f"fnref-{env['docId']}-{meta['id'] + 1}" if env.get("docId") else f"fnref{meta['id'] + 1}"
    )
    if meta.get("subId", 0) > 0:
        anchor += f":{meta['subId']}"
    return f' <a href="#{anchor}" class="footnote-backref" aria-label="返回引用处">↩︎</a>'


def render_markdown(source: str, doc_id: str = "") -> Markup:
    """Headings move down a level (#, ## → h3): the page's <h2> are the official sections.
    ``doc_id`` keeps footnote anchors apart when a page holds several narratives."""
    source = strip_comments(source)
    plain = _plain_html(source)
    return Markup(plain if plain is not None else parsed_html(source, doc_id))


def parsed_html(source: str, doc_id: str = "") -> str:
    """The narrative (its comments already stripped) through markdown-it."""
    env: dict[str, Any] = {"docId": doc_id} if doc_id else {}
    md = _parser()
    out: list[Token] = []
    for token in md.parse(source, env):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(max(int(token.tag[1]) + 1, 3), 6)}"
        if token.type == "table_open":
            out.append(_html(_SCROLL_OPEN))
        out.append(token)
        if token.type == "table_close":
            out.append(_html("</div>\n"))
    return str(md.renderer.render(out, md.options, env))


# Most narratives are paragraphs of plain text under ATX headings (## （一）主动公开). Such
# text renders as markdown-it renders it without being parsed: each heading one level down,
# each paragraph its lines joined by "\n", " escaped (& < > never occur). Plain means: no
# character that starts anything inline (\ ` * _ [ ] ! < > & | ~ #) or that markdown-it
# normalises (\r, NUL, other controls), no line that starts or ends with white space, none
# that starts like a list item, a rule, a setext underline or a quote. Anything else is
# parsed (tests compare both ways on every narrative at hand and on random text).
_NOT_PLAIN = re.compile(r"[\\`*_\[\]!<>&|~\x00-\x09\x0b-\x1f\x7f]")
_HEADING_LINE = re.compile(r"(#{1,6}) ([^#]+)")
_LIST_LIKE = re.compile(r"[-+=]|[0-9]+[.)]")


def _plain_html(source: str) -> str | None:
    """The HTML of a narrative of plain paragraphs and headings; None for anything else."""
    if _NOT_PLAIN.search(source):
        return None
    out: list[str] = []
    paragraph: list[str] = []
    for line in source.split("\n"):
        if not line:
            if paragraph:
                out.append(_paragraph(paragraph))
                paragraph = []
            continue
        if line != line.strip() or _LIST_LIKE.match(line):
            return None
        if line[0] == "#":
            heading = _HEADING_LINE.fullmatch(line)
            if heading is None or heading.group(2) != heading.group(2).strip():
                return None
            if paragraph:  # a heading ends a paragraph without a blank line
                out.append(_paragraph(paragraph))
                paragraph = []
            tag = f"h{min(max(len(heading.group(1)) + 1, 3), 6)}"
            text = heading.group(2).replace('"', "&quot;")
            out.append(f"<{tag}>{text}</{tag}>\n")
            continue
        if "#" in line:
            return None
        paragraph.append(line)
    if paragraph:
        out.append(_paragraph(paragraph))
    return "".join(out)


def _paragraph(lines: list[str]) -> str:
    return "<p>" + "\n".join(lines).replace('"', "&quot;") + "</p>\n"


def _html(content: str) -> Token:
    """Markup of our own, not the author's (the author's raw HTML is never parsed)."""
    from markdown_it.token import Token

    token = Token("html_block", "", 0)
    token.content = content
    return token


# ---------------------------------------------------------------------------------------
# Problems: checked at load time, so `check` finds them. Each check first looks at the
# text for what it needs (a parse costs more than reading a report's tables), and parses
# only when that is there.

_DEEP_PREFIX = re.compile(r"\n[ \t>*+\-.)0-9]{10,}")  # 10 levels need ≥ 10 such characters
# Headings found by their lines (ATX `# 标题`, setext `标题` over `---`): no parse needed.
# These run over every narrative of every report: each starts with a literal "\n", which
# the regex engine finds fast (a "^" with re.M is tried at every character).
_ATX = re.compile(r"\n {0,3}#{1,6}[ \t]+([^\n]+)")
_UNDERLINE = re.compile(r"\n {0,3}(?:=+|-+)[ \t]*(?=\n|$)")
_EXTERNAL = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")  # http:, https:, ftp:, //host


@cache
def _official_headings() -> dict[str, str]:
    """Every official section heading, normalized, and without its number (总体情况), →
    the heading as the format writes it."""
    out: dict[str, str] = {}
    for fmt in all_formats().values():
        for section in fmt.sections:
            out[_normal(section.heading)] = section.heading
            out[_normal(section.heading.split("、", 1)[-1])] = section.heading
    return out


def _normal(text: str) -> str:
    return re.sub(r"[\s\u3000。：:．.]", "", text)


def narrative_problems(source: str, shown: str) -> list[Problem]:
    """What a narrative holds that the page cannot show as written: nesting deeper than
    markdown-it keeps (H1), an official section heading written again (H2), an external
    image (H3)."""
    out = _repeated_headings(source, shown)
    deep = _DEEP_PREFIX.search("\n" + source) is not None
    image = "![" in source
    if not (deep or image):
        return out
    lines = source.splitlines()
    md = _parser()
    tokens = md.parse(source, {})
    if deep:
        deepest = int(md.options["maxNesting"])  # markdown-it drops what lies deeper
        first = next((t for t in tokens if t.level >= deepest - 1 and t.map), None)
        if first is not None and first.map is not None:
            msg = "正文中引用“>”或列表嵌套过深，从这里起更深处的文字不会显示；请减少嵌套层数"
            out.append(Problem(shown, first.map[0] + 1, 1, "warning", msg, "H1"))
    for token in tokens:
        if image and token.type == "inline" and token.map:
            for src in _image_sources(token.children or []):
                if _EXTERNAL.match(src):
                    line = token.map[0] + 1
                    line, col = _find(lines, src, line, token.map[1])
                    msg = (
                        f"正文引用了外部图片“{src}”：网站不引用任何外部资源；"
                        "请删去这张图片，或用文字说明其内容"
                    )
                    out.append(Problem(shown, line, col, "error", msg, "H3"))
    return out


def _repeated_headings(source: str, shown: str) -> list[Problem]:
    headings: list[tuple[int, str]] = []  # (offset of the heading's line, its text)
    if "#" in source:
        for found in _ATX.finditer("\n" + source):  # offsets in source: start - 1 + 1
            headings.append((found.start(), found.group(1).rstrip(" \t#")))
    for found in _UNDERLINE.finditer(source):  # setext: the line above the underline
        start = source.rfind("\n", 0, found.start()) + 1
        headings.append((start, source[start : found.start()].strip()))
    out = []
    for offset, text in headings:
        official = _official_headings().get(_normal(text))
        if official is not None:
            msg = f"正文标题“{text}”与网站自动生成的“{official}”重复，页面上会出现两次；请删去这个标题"
            line = source.count("\n", 0, offset) + 1
            out.append(Problem(shown, line, 1, "warning", msg, "H2"))
    return out


def _image_sources(children: list[Token]) -> Iterator[str]:
    for child in children:
        if child.type == "image":
            yield str(child.attrs.get("src", ""))
        if child.children:
            yield from _image_sources(child.children)


def _find(lines: list[str], text: str, first: int, end: int) -> tuple[int, int]:
    """Line and column of ``text`` within lines first..end (1-based), else of the block."""
    for number in range(first, end + 1):
        if number - 1 < len(lines):
            at = lines[number - 1].find(text)
            if at >= 0:
                return number, at + 1
    return first, 1
