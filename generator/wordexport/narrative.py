"""Narrative Markdown as Word paragraphs: the same parser and options as the site.

Headings written in the narrative (# and ##: （一）主动公开情况) are the second level, under
the official section headings; ### and deeper the third. Lists keep their markers as text
(official documents number by hand: 1. （1）), indented two characters a level; a table in
the narrative becomes a plain table. Raw HTML is off, as on the site: it stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from ..markdown import commonmark, strip_comments
from .layout import BODY, HEADINGS, SANHAO, TABLE_STYLE, TABLE_TEXT, WUHAO, add_paragraph, style_id

_md = commonmark()  # the site's settings (its footnote plugin aside)

_WIDE = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")  # CJK and full-width


def add_markdown(doc: Document, source: str) -> None:
    """Append the paragraphs, headings, lists and tables of a Markdown text."""
    tokens = _md.parse(strip_comments(source))  # the writer's notes are not published
    lists: list[_List] = []
    quote = 0
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            level = 1 if t.tag in ("h1", "h2") else 2
            _inline(add_paragraph(doc, HEADINGS[level]), tokens[i + 1])
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            ordered = t.type == "ordered_list_open"
            lists.append(_List(int(t.attrGet("start") or 1) if ordered else None))
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t.type == "list_item_open":
            lists[-1].pending = True  # the item's first paragraph carries the marker
        elif t.type == "blockquote_open":
            quote += 1
        elif t.type == "blockquote_close":
            quote -= 1
        elif t.type == "paragraph_open":
            p = add_paragraph(doc, BODY)
            _indent(p, len(lists) + quote)
            if lists and lists[-1].pending:
                p.add_run(lists[-1].marker())
            _inline(p, tokens[i + 1])
            i += 3
            continue
        elif t.type in ("fence", "code_block"):
            for line in t.content.rstrip("\n").split("\n"):
                p = add_paragraph(doc, BODY, line)
                _indent(p, len(lists) + quote)
        elif t.type == "table_open":
            i = _table(doc, tokens, i)
            continue
        i += 1


@dataclass
class _List:
    number: int | None  # the next item's number; None for a bullet list
    pending: bool = False

    def marker(self) -> str:
        self.pending = False
        if self.number is None:
            return "• "
        self.number += 1
        return f"{self.number - 1}. "


def _indent(p: Paragraph, levels: int) -> None:
    if levels:
        p.paragraph_format.left_indent = Pt(SANHAO.pt * 2 * levels)


def _inline(p: Paragraph, inline: Token) -> None:
    """Text runs: bold, italic, line breaks; a link's address follows its text."""
    bold = italic = 0
    href: list[str] = []
    last = ""
    for child in inline.children or []:
        kind = child.type
        text = ""
        if kind in ("text", "code_inline"):
            text = child.content
        elif kind == "softbreak":
            # a line break inside a Chinese paragraph is no space; between Latin words it is
            text = "" if _WIDE.match(last[-1:] or "一") else " "
        elif kind == "hardbreak":
            p.add_run().add_break()
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href.append(str(child.attrGet("href") or ""))
        elif kind == "link_close":
            address = href.pop()
            if address and address != last:
                text = f"（{address}）"
        elif kind == "image":
            text = f"［图：{child.content}］" if child.content else "［图］"
        if text:
            run = p.add_run(text)
            run.bold = bold > 0 or None
            run.italic = italic > 0 or None
            last = text


def _table(doc: Document, tokens: list[Token], i: int) -> int:
    """A Markdown table as a plain grid; returns the index after table_close."""
    rows: list[list[Token]] = []
    while tokens[i].type != "table_close":
        if tokens[i].type == "tr_open":
            rows.append([])
        elif tokens[i].type == "inline":
            rows[-1].append(tokens[i])
        i += 1
    columns = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=columns)
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c, inline in enumerate(row):
            p = table.cell(r, c).paragraphs[0]
            p._p.style = style_id(TABLE_TEXT)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _inline(p, inline)
            for run in p.runs:
                run.font.size = WUHAO
                if r == 0:
                    run.bold = True
    return i + 1
