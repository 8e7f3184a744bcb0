"""Indicators (公开率, 不予公开率, …): ratios of a report's cells, as the format
descriptions define them, with the formula each page shows beside them.

A zero denominator gives no indicator ("—"), never a division error. A term naming a
group row's total (（三）不予公开 · 总计) that the tables do not print is the sum of the
group's rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from .formats import Format, Indicator, all_formats
from .model import Filed, Value

PERCENT = Decimal("0.1")


@cache
def _parts(format_id: str, term: str) -> tuple[str, ...]:
    """The printed cells a term adds up: itself, or a group row's rows in that column."""
    from .exports.layout import cell_fields  # exports imports this module (year files)

    fields = cell_fields(format_id)
    if any(f.id == term for f in fields):
        return (term,)
    column = term.rsplit(".", 1)[1]
    prefix = term[: -len(column)]
    return tuple(f.id for f in fields if f.id.startswith(prefix) and f.column_key == column)


@cache
def _cells(format_id: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    """The printed cells the terms add up (a year page asks this of every report)."""
    return tuple(c for t in terms for c in _parts(format_id, t))


def _sum(format_id: str, terms: tuple[str, ...], cells: Mapping[str, Value]) -> Value:
    return sum((cells.get(c) or 0 for c in _cells(format_id, terms)), start=0)


def ratio(fmt: Format, indicator: Indicator, cells: Mapping[str, Value]) -> Decimal | None:
    """The indicator as a fraction, or None when its denominator is zero."""
    denominator = _sum(fmt.id, indicator.denominator, cells)
    if not denominator:
        return None
    return Decimal(_sum(fmt.id, indicator.numerator, cells)) / Decimal(denominator)


def percent_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{(value * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)}%"


@cache
def term_name(format_id: str, term: str) -> str:
    """A term as the page names it: the key figure's label if it is one, else the
    official row (or column heads, in table 四)."""
    fmt = all_formats()[format_id]
    for k in fmt.key_figures:
        if k.of == term:
            return k.label
    spec = fmt.cells.get(term)
    if spec is None:
        return term
    if spec.row:
        return spec.row_name
    return "".join(n.label for n in spec.column)


def formula(fmt: Format, indicator: Indicator) -> str:
    """公开率 = （予以公开 + 部分公开）÷ 办理结果总计"""

    def side(terms: tuple[str, ...]) -> str:
        names = " + ".join(term_name(fmt.id, t) for t in terms)
        return f"（{names}）" if len(terms) > 1 else names

    below = side(indicator.denominator)
    if indicator.denominator_name:
        below = f"{indicator.denominator_name}{below if len(indicator.denominator) > 1 else f'（{below}）'}"
    return f"{indicator.label} = {side(indicator.numerator)} ÷ {below}"


@dataclass(frozen=True)
class Measured:
    indicator: Indicator
    value: Decimal | None

    @property
    def text(self) -> str:
        return percent_text(self.value)


def measure(fmt: Format, cells: Mapping[str, Value]) -> list[Measured]:
    return [Measured(i, ratio(fmt, i, cells)) for i in fmt.indicators]


def measure_record(fmt: Format, record: Filed) -> list[Measured]:
    """``measure(fmt, cells_of(record, cells_needed(fmt)))`` (a year page measures each
    of its 1,430 reports) without a dict of Python numbers per report: the usual record,
    whose terms are plain integers, is summed from its texts by position. Anything else
    (money, a decimal, a record of another length) goes the general way."""
    from .exports.layout import cell_fields, cells_of  # see _parts

    texts = record.texts()
    if len(texts) != len(cell_fields(fmt.id)):
        return measure(fmt, cells_of(record, cells_needed(fmt)))
    terms = _positions(fmt)
    used = "".join([texts[i] for top, bottom in terms for i in (*top, *bottom)])
    if "." in used or "E" in used:  # a Decimal among the terms: generally
        return measure(fmt, cells_of(record, cells_needed(fmt)))
    out = []
    for indicator, (top, bottom) in zip(fmt.indicators, terms, strict=True):
        below = sum(map(int, filter(None, [texts[i] for i in bottom])))  # ("": blank)
        if not below:
            out.append(Measured(indicator, None))
        else:
            above = sum(map(int, filter(None, [texts[i] for i in top])))
            out.append(Measured(indicator, Decimal(above) / Decimal(below)))
    return out


@cache
def _positions(fmt: Format) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Per indicator: where its numerator's and denominator's cells are in a record."""
    from .exports.layout import cell_index  # see _parts

    index = cell_index(fmt.id)
    return tuple(
        (
            tuple(index[c] for c in _cells(fmt.id, i.numerator)),
            tuple(index[c] for c in _cells(fmt.id, i.denominator)),
        )
        for i in fmt.indicators
    )


@cache
def cells_needed(fmt: Format) -> frozenset[str]:
    """Every printed cell the format's indicators read."""
    return frozenset(
        c for i in fmt.indicators for t in (*i.numerator, *i.denominator) for c in _parts(fmt.id, t)
    )
