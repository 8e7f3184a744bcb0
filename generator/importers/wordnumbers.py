"""Word's automatic numbering, rendered as the reader of the document sees it.

A heading such as “一、总体情况” is often a list paragraph whose “一、” Word draws from
numbering.xml and never stores in the text. The section finder needs it, so the Word
reader asks this module for each paragraph's number: the list level's format
(chineseCounting, decimal, …) and text pattern (“%1、”, “（%1）”, “%1.%2”), counted in
document order as Word counts (per abstract list; a deeper level restarts after a
shallower one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

_DIGITS = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    suffix: str  # tab, space or nothing


def chinese(n: int) -> str:
    """一 … 九十九 as Chinese documents count (十, 十一, 二十); larger numbers in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[units] if units else "")


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting", "taiwaneseCountingThousand"):  # fmt: skip
        return chinese(n)
    if fmt == "ideographDigital":
        return "".join(_DIGITS[int(d)] for d in str(n))
    if fmt in ("ideographTraditional",) and 0 < n <= len(_HEAVENLY_STEMS):
        return _HEAVENLY_STEMS[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 0 < n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and 0 < n <= 26:
        letter = chr(ord("A") + n - 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 0 < n < 40:
        roman = "".join(
            r * c for r, c in zip(("X", "IX", "V", "IV", "I"), _roman_counts(n), strict=True)
        )
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _roman_counts(n: int) -> tuple[int, int, int, int, int]:
    tens, n = divmod(n, 10)
    nine, n = divmod(n, 9)
    five, n = divmod(n, 5)
    four, n = divmod(n, 4)
    return tens, nine, five, four, n


def _val(element: Any, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(qn("w:val"))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class Numbering:
    """Numbers of list paragraphs, counted in the order they are asked for."""

    def __init__(self, word: Any) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        root = self._numbering_root(word)
        if root is not None:
            self._read(root)
        for style in word.styles.element.iterchildren(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            based_on = _val(style, qn("w:basedOn"))
            num_id = _val(num_pr, qn("w:numId")) if num_pr is not None else None
            ilvl = _val(num_pr, qn("w:ilvl")) if num_pr is not None else None
            style_id = style.get(qn("w:styleId"))
            if style_id:
                self.styles[style_id] = (num_id, None if ilvl is None else _int(ilvl, 0), based_on)

    @staticmethod
    def _numbering_root(word: Any) -> Any:
        for rel in word.part.rels.values():
            if rel.reltype.endswith("/numbering") and not rel.is_external:
                return getattr(rel.target_part, "element", None)
        return None

    def _read(self, root: Any) -> None:
        for abstract in root.iterchildren(qn("w:abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(qn("w:lvl")):
                levels[_int(lvl.get(qn("w:ilvl")), 0)] = _Level(
                    start=_int(_val(lvl, qn("w:start")), 1),
                    fmt=_val(lvl, qn("w:numFmt")) or "decimal",
                    text=_val(lvl, qn("w:lvlText")) or "",
                    suffix=_val(lvl, qn("w:suff")) or "tab",
                )
            self.levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.iterchildren(qn("w:num")):
            overrides = {
                _int(o.get(qn("w:ilvl")), 0): _int(_val(o, qn("w:startOverride")), 1)
                for o in num.iterchildren(qn("w:lvlOverride"))
                if o.find(qn("w:startOverride")) is not None
            }
            abstract_id = _val(num, qn("w:abstractNumId"))
            if abstract_id is not None:
                self.nums[num.get(qn("w:numId"))] = (abstract_id, overrides)

    def _list_of(self, p: Any) -> tuple[str | None, int]:
        props = p.find(qn("w:pPr"))
        num_id: str | None = None
        ilvl: int | None = None
        if props is not None:
            num_pr = props.find(qn("w:numPr"))
            if num_pr is not None:
                num_id = _val(num_pr, qn("w:numId"))
                level = _val(num_pr, qn("w:ilvl"))
                ilvl = None if level is None else _int(level, 0)
            style = _val(props, qn("w:pStyle"))
            for _ in range(8):  # a style's list, through its basedOn chain
                if (num_id is not None and ilvl is not None) or style is None:
                    break
                style_num, style_level, style = self.styles.get(style, (None, None, None))
                num_id = num_id if num_id is not None else style_num
                ilvl = ilvl if ilvl is not None else style_level
        return num_id, ilvl or 0

    def label(self, p: Any) -> str:
        """The number Word shows before this paragraph ('' when it is not a numbered list)."""
        num_id, ilvl = self._list_of(p)
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.levels.get(abstract_id, {})
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:  # a list instance that restarts its numbering
            self.started.add(num_id)
            for at, start in overrides.items():
                counters[at] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = level.text
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                shown = levels.get(k - 1, level)
                value = counters.get(k - 1, shown.start)
                text = text.replace(f"%{k}", _format(value, shown.fmt))
        return text + (" " if level.suffix == "space" else "")
