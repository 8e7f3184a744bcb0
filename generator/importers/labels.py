"""Label text as published, reduced to what it says, and matched to the official labels.

Published tables bend the template: labels wrap over lines or break inside words, group
labels stand one character per line, ``1、`` replaces ``1.``, digits are full-width, the
template's own typo ``其他法律行政止公开`` is copied on. Every comparison here works on a
*core*: the text without whitespace, enumerators and punctuation, in NFKC form. The
official labels and their known variants (``aliases:`` in ``generator/formats/*.yaml``)
are read from the format description, never restated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from ..formats import Node

# Enumerators that open a label: 三、 （三） (三) 1. 1、 1． 第一
_ENUMERATOR = re.compile(
    r"[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．]"
)
# What says nothing about which row or column is meant.
_NOISE = re.compile(r"[\s\u3000、，,。．.·:：;；()（）\[\]【】“”\"'‘’《》/／\-—–_]+")

NUMERALS = "一二三四五六七八九十"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def squeeze(text: str) -> str:
    """Whitespace (line breaks inside words, one-character-per-line labels) removed."""
    return re.sub(r"\s+", "", nfkc(text))


def core(text: str) -> str:
    """What a label says: no whitespace, enumerators or punctuation (NFKC)."""
    text = nfkc(text)
    text = re.sub(r"\s+", "", text)
    text = _ENUMERATOR.sub("", text)
    return _NOISE.sub("", text)


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def labels_of(node: Node) -> tuple[str, ...]:
    """The official label and the variants seen in the wild (``aliases:``)."""
    return (node.label, *node.aliases)


@dataclass(frozen=True)
class Match:
    node: Node
    score: float  # 1.0: the text holds the label exactly; below: how alike they are


def best_match(text: str, candidates: list[Node], cutoff: float = 0.75) -> Match | None:
    """The candidate whose label (or alias) the text names: exactly, as a contained phrase
    (the longest one wins, so 行政规范性文件 beats 规范性文件), or failing that the most
    alike above ``cutoff`` (a broken glyph, a dropped character)."""
    said = core(text)
    if not said:
        return None
    best: Match | None = None
    best_len = -1
    for node in candidates:
        for label in labels_of(node):
            want = core(label)
            if not want:
                continue
            if want == said:
                return Match(node, 1.0)
            if want in said and len(want) > best_len:
                best, best_len = Match(node, 0.99), len(want)
    if best is not None:
        return best
    scored = [(similarity(core(lb), said), n) for n in candidates for lb in labels_of(n)]
    scored = [s for s in scored if s[0] >= cutoff]
    if not scored:
        return None
    score, node = max(scored, key=lambda s: s[0])
    return Match(node, score)


# ---------------------------------------------------------------------------------------
# Numbers as tables print them

_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")
_UNIT = re.compile(r"(万元|元|件|个|条|项|次|人次|家)$")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
BLANKS = {"", "-", "—", "--", "——", "/", "／", "无", "空"}


def parse_number(text: str) -> Decimal | None:
    """The number a cell shows (full-width digits, 1,018, 251000元), else None."""
    t = nfkc(text).replace("\u00a0", " ").strip()
    t = re.sub(r"\s+", "", t)
    t = _THOUSANDS.sub("", t)
    t = _UNIT.sub("", t)
    t = t.replace("−", "-")
    if not _NUMBER.fullmatch(t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def is_blank(text: str) -> bool:
    """An empty cell: nothing, a non-breaking space, or a dash standing for nothing."""
    return squeeze(text.replace("\u00a0", " ")) in BLANKS


def unit_of(text: str) -> str | None:
    m = _UNIT.search(re.sub(r"\s+", "", nfkc(text)))
    return m.group(1) if m else None
