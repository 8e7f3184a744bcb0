"""Narrative sections back into Markdown paragraphs, as the content model writes them.

Lines wrapped by the page are joined with nothing between them (Chinese has no spaces);
page numbers and running headers/footers go; a paragraph ends where its line ends a
sentence and stops short of the full line width, or where the next line is indented.
Run-in sub-headings ("（一）主动公开情况。主要通过…") become ``## （一）主动公开情况``
followed by the paragraph, as docs/content-model.md asks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .document import Block, Paragraph
from .labels import nfkc
from .sections import is_chrome, is_page_number

INDENT = "\u3000\u3000"  # what a reader puts before a line it sees indented
_END = "。！？；：.!?;:…”’）)"
_SUBHEADING = re.compile(
    r"^\s*([（(][一二三四五六七八九十]+[)）])\s*([^。，,；;：:]{2,30}?)[。：:]\s*(.*)$"
)
_SUBHEADING_ALONE = re.compile(r"^\s*([（(][一二三四五六七八九十]+[)）])\s*([^。，,；;]{2,30})$")


def width(text: str) -> float:
    """A line's width in Chinese characters: half-width characters count half."""
    return sum(0.5 if unicodedata.east_asian_width(ch) in "NaH" else 1.0 for ch in text)


def running_lines(blocks: list[Block]) -> set[str]:
    """Short lines that repeat beside the page breaks (next to a page number, or on most
    pages of a PDF): running headers and footers. Digits are masked (页码 3 of 5)."""
    paragraphs = [b for b in blocks if isinstance(b, Paragraph) and b.text.strip()]
    keys = [re.sub(r"\d+", "#", nfkc(p.text).strip()) for p in paragraphs]
    counts = Counter(k for k, p in zip(keys, paragraphs, strict=True) if len(p.text.strip()) <= 40)
    beside: Counter[str] = Counter()
    for i, p in enumerate(paragraphs):
        near = paragraphs[max(i - 2, 0) : i + 3]
        if len(p.text.strip()) <= 40 and any(is_page_number(q.text) for q in near if q is not p):
            beside[keys[i]] += 1
    out = {k for k, n in beside.items() if n >= 2 and counts[k] == n}
    pages = {p.where.page for p in paragraphs if p.where.page is not None}
    if len(pages) >= 3:
        out |= {k for k, n in counts.items() if n >= max(3, len(pages) // 2)}
    return out


def to_markdown(
    blocks: list[Block], drop: set[str] | None = None, whole_paragraphs: bool = False
) -> str:
    """The section's paragraphs as Markdown; tables inside a narrative are left out.

    whole_paragraphs: each block is a paragraph already (Word, HTML), not a wrapped line.
    """
    drop = drop or set()
    lines = []
    for b in blocks:
        if not isinstance(b, Paragraph):
            continue
        if is_page_number(b.text) or re.sub(r"\d+", "#", nfkc(b.text).strip()) in drop:
            continue
        if is_chrome(b.text):
            continue
        lines.append(b)  # a blank line (text, Markdown) ends a paragraph
    paragraphs = _join(lines, whole_paragraphs)
    out: list[str] = []
    for text in paragraphs:
        out.extend(_subheading(text))
    return "\n\n".join(out) + "\n" if out else ""


def _join(lines: list[Paragraph], whole_paragraphs: bool = False) -> list[str]:
    widths = sorted(width(p.text.strip()) for p in lines if not p.level and p.text.strip())
    full = widths[int(len(widths) * 0.8)] if widths else 0.0
    # A section's own sub-headings are ## whatever level the source gives them (Word's
    # 标题 2 under 标题 1 sections, HTML <h3> under <h2>); deeper ones nest below.
    top = min((p.level for p in lines if p.level), default=1)
    paragraphs: list[str] = []
    current = ""
    for i, p in enumerate(lines):
        text = p.text.strip().strip("\u3000")
        if not text:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if p.level:  # a heading the source marks as one (Word style, <h3>): a sub-heading
            if current:
                paragraphs.append(current)
            paragraphs.append("#" * min(p.level - top + 2, 6) + " " + text.rstrip("。"))
            current = ""
            continue
        starts = p.text.startswith(INDENT) or p.text.startswith("  ")
        if starts and current:
            paragraphs.append(current)
            current = ""
        current = _glue(current, text)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if whole_paragraphs or _ends(p.text, nxt, full):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _glue(left: str, right: str) -> str:
    if (
        left
        and right
        and left[-1].isascii()
        and left[-1].isalpha()
        and right[0].isascii()
        and right[0].isalpha()
    ):
        return f"{left} {right}"  # an English word broken at the line end
    return left + right


def _ends(text: str, nxt: Paragraph | None, full: float) -> bool:
    """Whether a paragraph ends with this line."""
    t = text.rstrip()
    if nxt is None or nxt.level:
        return True
    if _SUBHEADING_ALONE.match(t) and width(t.strip()) < full - 3:
        return True  # a sub-heading on a line of its own
    if not t or t[-1] not in _END:
        return False
    if width(t.strip()) < full - 1.5:
        return True  # a sentence that stops short of the line width
    nt = nxt.text.rstrip()
    if nxt.text.startswith(INDENT) or _SUBHEADING.match(nt) or _SUBHEADING_ALONE.match(nt):
        return True
    # a full line ending a sentence, and a next line set in by two characters (indent)
    return full - 3.0 <= width(nt.strip()) <= full - 1.5


def _subheading(text: str) -> list[str]:
    if text.startswith("#"):
        return [text]
    m = _SUBHEADING.match(text)
    if m and m.group(3):
        return [f"## {m.group(1)}{m.group(2)}", m.group(3)]
    m = _SUBHEADING_ALONE.match(text.rstrip("。"))
    if m and len(text) <= 32:
        return [f"## {m.group(1)}{m.group(2).rstrip('。')}"]
    return [text]
