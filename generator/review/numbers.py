"""Figures as prose writes them: 75件, 1,018 件, 二十一件, 1.2万件, 7545 万元, 33.9%."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千]+"
FIGURE = re.compile(
    rf"(?<![\d.第])(?P<num>{_ARABIC}|{_CHINESE})\s*(?P<wan>万)?\s*"
    r"(?:(?P<count>件|个|宗|起|份)|(?P<money>亿元|万元|元)|(?P<pct>%|％))"
    r"|百分之(?P<pctcn>" + _ARABIC + "|" + _CHINESE + ")"
)


@dataclass(frozen=True)
class Figure:
    start: int  # offset in the clause
    end: int
    value: Decimal
    kind: str  # count | money (in 元) | percent
    decimals: int  # digits after the point as written
    text: str
    step: Decimal  # the value of the last digit written: 1 for 75件, 1000 for 1.2万件


def chinese_number(text: str) -> int | None:
    """二十一 → 21, 一百零五 → 105, 十二 → 12, 三千 → 3000; None if not a number."""
    if all(c in _DIGITS for c in text):  # 一〇五: digit by digit
        if len(text) > 1 and text[0] in "两":
            return None
        return int("".join(str(_DIGITS[c]) for c in text)) if len(text) <= 6 else None
    total = current = 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c in _SMALL_UNITS:
            total += (current or 1) * _SMALL_UNITS[c]
            current = 0
        else:
            return None
    return total + current


def figures(clause: str) -> list[Figure]:
    out = []
    for m in FIGURE.finditer(clause):
        raw = m.group("num") or m.group("pctcn")
        value = _value(raw)
        if value is None:
            continue
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        step = Decimal(10) ** -decimals
        if m.group("wan"):
            value, step = value * 10000, step * 10000
        if m.group("count"):
            kind = "count"
        elif m.group("money"):
            kind = "money"
            unit = m.group("money")
            scale = {"亿元": 100_000_000, "万元": 10_000, "元": 1}[unit]
            value, step = value * scale, step * scale
        else:
            kind = "percent"
        out.append(Figure(m.start(), m.end(), value, kind, decimals, m.group(0), step))
    return out


def _value(raw: str) -> Decimal | None:
    if raw[0].isdigit():
        try:
            return Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return None
    n = chinese_number(raw)
    return None if n is None else Decimal(n)
