"""Figures stated in the narrative against the tables (R1 count or amount, R2 share or
change from last year).

A narrative is read sentence by sentence, clause by clause (，、；（） split clauses). A
clause that names exactly one quantity ("受理…申请", "复议", "予以公开") and states exactly
one figure is compared; a clause that only narrows the quantity in context ("其中结果维持
72 件", "其中自然人 90 件") is compared with that narrower cell. Anything that can be read
two ways is left alone: two quantities in a clause, two figures, another year, a month or
quarter, a running total. A figure matching any reading of its quantity (a total received
with or without the requests carried over) is no mismatch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..model import Report
from ..problems import Problem
from .numbers import FIGURE, Figure, figures
from .vocabulary import Term, names_a_quantity, terms

_CLAUSE = re.compile(r"[^，,、；;：:（）()]+")
_SENTENCE = re.compile(r"[^。！？!?\n]+")
# Clauses about another period, a running total or a part of the year: not this table.
_OTHER_PERIOD = re.compile(
    r"上一?年(?!度?结转)|去年(?!度?结转)|上年度(?!结转)|前年|累计|近[一二三四五六七八九十\d]+年"
    r"|\d+\s*月|[一二三四五六七八九十]+月|季度|上半年|下半年|以来|历年"
)
_CHANGE = re.compile(
    r"同比|环比|较上年|比上年|较去年|比去年|与上年相比|较\s*\d{4}\s*年|比\s*\d{4}\s*年"
)
_UP = re.compile(r"增加|增长|上升|提高|增多|多")
_DOWN = re.compile(r"减少|下降|降低|减少了|少")
_SHARE = re.compile(r"占")


@dataclass(frozen=True)
class Target:
    """What a figure is compared with: alternative readings, each a sum of cells."""

    readings: tuple[tuple[str, ...], ...]
    unit: str  # count | money


@dataclass(frozen=True)
class Mismatch:
    rule: str
    offset: int  # in the narrative source
    message: str


def check_narrative(report: Report, text: str, previous: Report | None = None) -> list[Mismatch]:
    """Every figure of ``text`` that contradicts the tables of ``report``."""
    out: list[Mismatch] = []
    vocabulary = terms(report.format)
    fmt = report.format
    for line_start, line in _lines(text):
        if line.lstrip().startswith(("#", "|", ">")) or not names_a_quantity(line, fmt):
            continue  # headings, Markdown tables, quotations; lines naming no quantity
        for s in _SENTENCE.finditer(line):
            sentence = s.group(0)
            if FIGURE.search(sentence):
                out.extend(
                    _sentence(report, previous, vocabulary, sentence, line_start + s.start())
                )
    return out


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _sentence(
    report: Report, previous: Report | None, vocabulary: tuple[Term, ...], text: str, at: int
) -> Iterator[Mismatch]:
    context: Term | None = None
    base: Target | None = None  # the sentence's first total, what 占 …% is a share of
    last: Target | None = None  # the last figure's target
    named: set[str] = set()  # the quantities the sentence has named so far
    if _year_mentioned(text, report.year):
        return
    for c in _CLAUSE.finditer(text):
        clause = c.group(0)
        found = _match(clause, vocabulary)
        quantities = [t for _, _, t in found if t.kind == "quantity"]
        narrowing = [t for _, _, t in found if t.kind != "quantity"]
        spans = [(s, e) for s, e, _ in found]
        figs = [f for f in figures(clause) if not any(s < f.end and f.start < e for s, e in spans)]
        if _OTHER_PERIOD.search(clause) and not _CHANGE.search(clause):
            context = None
            continue
        if len(quantities) > 1:
            context = None
            continue
        if quantities:
            context = quantities[0]
            named.add(context.key)
        where = at + c.start()
        if _CHANGE.search(clause):
            # "同比增长" after two quantities could be either's change: left alone
            clear = bool(quantities) or len(named) == 1
            if previous is not None and context is not None and figs and clear:
                yield from _change(
                    report, previous, _target(context, narrowing), figs, clause, where
                )
            continue
        amounts = [f for f in figs if f.kind != "percent"]
        shares = [f for f in figs if f.kind == "percent"]
        if not found and len(shares) == 1 and not amounts and _SHARE.search(clause):
            if base is not None and last is not None and last is not base:
                yield from _share(report, base, last, shares[0], clause, where)
            continue
        if not found or context is None or len(amounts) != 1:
            continue
        target = _target(context, narrowing)
        if target is None:
            continue
        figure = amounts[0]
        if (figure.kind == "money") != (target.unit == "money"):
            continue
        last = target
        if base is None and quantities and not narrowing:
            base = target
        mismatch = _compare(report, target, figure, clause, where)
        if mismatch is not None:
            yield mismatch


def _year_mentioned(sentence: str, year: int) -> bool:
    """A sentence about another year's figures (a comparison, a plan) is not checked."""
    return any(int(m.group(1)) != year for m in re.finditer(r"(\d{4})\s*年", sentence))


def _match(clause: str, vocabulary: tuple[Term, ...]) -> list[tuple[int, int, Term]]:
    """Non-overlapping term matches, the longest winning."""
    hits = [(m.start(), m.end(), t) for t in vocabulary for m in t.pattern.finditer(clause)]
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    kept: list[tuple[int, int, Term]] = []
    for h in hits:
        if h[1] > h[0] and all(h[1] <= k[0] or k[1] <= h[0] for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h[0])


def _target(quantity: Term, narrowing: list[Term]) -> Target | None:
    unit = "money" if quantity.topic in ("money", "fees") else "count"
    if not narrowing:
        return Target(tuple(_columns(r, ("total",)) for r in quantity.readings), unit)
    if len(narrowing) != 1:
        return None
    n = narrowing[0]
    if n.kind == "applicant" and quantity.topic == "requests":
        cols = tuple(n.key.split(","))
        return Target(tuple(_columns(r, cols) for r in quantity.readings), unit)
    if n.kind == "result" and quantity.topic == "appeals":
        groups = quantity.key.split(",")
        return Target(((*(f"appeals.{g}.{n.key}" for g in groups),),), unit)
    return None


def _columns(reading: tuple[str, ...], cols: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(cell.format(col=c) for cell in reading for c in cols)


def _value(report: Report, cells: tuple[str, ...]) -> Decimal | None:
    total = Decimal(0)
    for cell in cells:
        if cell == "fees.collected":
            if report.processing_fees is None:
                return None
            total += report.processing_fees.collected
            continue
        v = report.cells.get(cell)
        if v is None:
            return None
        total += Decimal(v) * (10000 if cell == "active.fees" else 1)  # 万元 → 元
    return total


def _readings(report: Report, target: Target) -> list[tuple[tuple[str, ...], Decimal]]:
    out = []
    for reading in target.readings:
        v = _value(report, reading)
        if v is None:
            return []  # a cell missing: the reading cannot be settled, so nothing is
        out.append((reading, v))
    return out


def _compare(
    report: Report, target: Target, figure: Figure, clause: str, where: int
) -> Mismatch | None:
    readings = _readings(report, target)
    if not readings:
        return None
    # a rounded figure (1.2万件, 96171.6 万元) matches what rounds to it
    near = any(abs(v - figure.value) * 2 <= figure.step for _, v in readings)
    if near and (figure.step > 1 or any(v == figure.value for _, v in readings)):
        return None
    first, value = readings[0]
    table = _describe(report, first, value, target.unit)
    others = "".join(
        f"；加上{_name(report, r[-1])}为 {_show(v, target.unit)}"
        for r, v in readings[1:]
        if v != value
    )
    msg = f"正文“{_excerpt(clause)}”写的是 {figure.text.strip()}，而{table}{others}"
    return Mismatch("R1", where + figure.start, msg)


def _share(
    report: Report, base: Target, part: Target, figure: Figure, clause: str, where: int
) -> Iterator[Mismatch]:
    bases, parts = _readings(report, base), _readings(report, part)
    if not bases or not parts:
        return
    step = Decimal(10) ** -figure.decimals
    shares = [p * 100 / b for _, p in parts for _, b in bases if b]
    if not shares or any(abs(s - figure.value) <= step for s in shares):
        return
    (pr, pv), (br, bv) = parts[0], bases[0]
    computed = (pv * 100 / bv).quantize(step) if bv else Decimal(0)
    msg = (
        f"正文“{_excerpt(clause)}”写的是 {figure.text.strip()}，而按表格"
        f"{_names(report, pr)} {_show(pv, part.unit)} ÷ {_names(report, br)} {_show(bv, base.unit)}"
        f" 为 {computed}%"
    )
    yield Mismatch("R2", where + figure.start, msg)


def _change(
    report: Report,
    previous: Report,
    target: Target | None,
    figs: list[Figure],
    clause: str,
    where: int,
) -> Iterator[Mismatch]:
    if target is None or len(figs) != 1:
        return
    up, down = bool(_UP.search(clause)), bool(_DOWN.search(clause))
    if up == down:
        return  # no direction, or both: not a change we can read
    now, before = _readings(report, target), _readings(previous, target)
    if len({v for _, v in now}) != 1 or len({v for _, v in before}) != 1:
        return  # the readings disagree: which one changed by how much is unclear
    (cells, cur), (_, prev) = now[0], before[0]
    figure = figs[0]
    sign = 1 if up else -1
    if figure.kind == "percent":
        if not prev:
            return
        stated = figure.value * sign
        actual = (cur - prev) * 100 / prev
        if abs(actual - stated) <= Decimal(10) ** -figure.decimals:
            return
        shown = f"{actual.quantize(Decimal(10) ** -max(figure.decimals, 1))}%"
    else:
        if figure.kind != ("money" if target.unit == "money" else "count"):
            return
        stated, actual = figure.value * sign, cur - prev
        if stated == actual:
            return
        shown = _show(actual, target.unit)
    msg = (
        f"正文“{_excerpt(clause)}”写的是与上年相比{'增' if up else '减'} {figure.text.strip()}，"
        f"而{_name(report, cells[-1])}由 {previous.year} 年的 {_show(prev, target.unit)}"
        f" 变为 {_show(cur, target.unit)}，变化 {shown}"
    )
    yield Mismatch("R2", where + figure.start, msg)


def _describe(report: Report, cells: tuple[str, ...], value: Decimal, unit: str) -> str:
    if len(cells) == 1:
        return f"{_name(report, cells[0])} 为 {_show(value, unit)}"
    parts = " + ".join(_show(_value(report, (c,)) or Decimal(0), unit) for c in cells)
    names = "、".join(_name(report, c) for c in cells)
    return f"{names} 之和为 {parts} = {_show(value, unit)}"


def _names(report: Report, cells: tuple[str, ...]) -> str:
    return "、".join(_name(report, c) for c in cells)


def _name(report: Report, cell: str) -> str:
    if cell == "fees.collected":
        return "六、信息处理费 实际收取总金额"
    spec = report.format.cells.get(cell)
    return spec.name if spec else cell


def _show(value: Decimal, unit: str) -> str:
    if unit == "money":
        return f"{value.normalize():f} 元"
    return f"{value.normalize():f}"


def _excerpt(clause: str) -> str:
    text = clause.strip()
    return text if len(text) <= 40 else "…" + text[-39:]


def to_problems(report: Report, path: str, text: str, found: list[Mismatch]) -> list[Problem]:
    """Mismatches as warnings located at the figure in the Markdown file."""
    out = []
    for m in found:
        line = text.count("\n", 0, m.offset) + 1
        column = m.offset - (text.rfind("\n", 0, m.offset) + 1) + 1
        out.append(Problem(path, line, column, "warning", m.message, m.rule))
    return out
