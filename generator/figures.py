"""Key figures of a report and their comparison across years, read from the formats.

A figure compares across a format change only when both formats define it on the same
basis (table 三 and 四 rows do; most of table 二 changed meaning in 2021).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from .formats import Format, all_formats
from .model import Report, Summary, Value


def summarize(report: Report) -> Summary:
    values = tuple(_int(report.cells.get(k.of)) for k in report.format.key_figures)
    return Summary(report.agency, report.year, report.format.id, values)


def _int(value: Value | None) -> int | None:
    """Key figures are counts (the descriptions name no money cell among them)."""
    return int(value) if value is not None else None


@dataclass(frozen=True)
class Change:
    label: str
    previous: int | None
    current: int | None
    comparable: bool

    @property
    def delta(self) -> int | None:
        if not self.comparable or self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @property
    def delta_text(self) -> str:
        d = self.delta
        if d is None:
            return "—"
        return f"+{d}" if d > 0 else str(d).replace("-", "−")

    @property
    def percent_text(self) -> str:
        d = self.delta
        if d is None or not self.previous:
            return "—"
        return percent_change_text(d, self.previous)


def percent_change_text(delta: int, previous: int) -> str:
    """``delta`` as a percentage of ``previous`` (not 0), to one decimal rounded half away
    from zero, signed ("+12.5%", "−3.0%", "0.0%"). In whole numbers: a report page writes
    some fourteen of these, and Decimal arithmetic cost more than the rest of its
    comparison. The same text as ``decimal_percent_change_text`` for any counts (a test
    compares the two; Decimal's 28 digits never round a quotient of 15-digit counts
    across a tie)."""
    tenths, rest = divmod(abs(delta) * 1000, abs(previous))
    if 2 * rest >= abs(previous):
        tenths += 1
    text = f"{tenths // 10}.{tenths % 10}%"
    # Decimal's sign: a zero delta over a negative count is −0.0, a negative rounded to
    # zero stays −0.0
    negative = (delta < 0) != (previous < 0) if delta else previous < 0
    if negative:
        return f"−{text}"
    return f"+{text}" if tenths else text


def decimal_percent_change_text(delta: int, previous: int) -> str:
    """``percent_change_text`` in Decimal arithmetic: the definition it is tested against."""
    pct = (Decimal(delta) * 100 / Decimal(previous)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    sign = "+" if pct > 0 else ""
    return f"{sign}{pct}%".replace("-", "−")


def compare(current: Summary, previous: Summary) -> list[Change]:
    """Each key figure of this year beside last year's, where the two mean the same."""
    now, before = current.values, previous.values
    return [
        Change(label, None if j < 0 else before[j], now[i], comparable)
        for label, i, j, comparable in _comparison(current.format, previous.format)
    ]


@cache
def _comparison(format_id: str, previous_id: str) -> tuple[tuple[str, int, int, bool], ...]:
    """What compare reads for each key figure of ``format_id``, the same for every pair of
    reports of these formats: its label, its place in this year's summary, its place in
    last year's (-1: not compared, or not there) and whether it compares."""
    fmt, old_fmt = all_formats()[format_id], all_formats()[previous_id]
    old_basis = {k.key: k.basis for k in old_fmt.key_figures}
    old_place = {k.key: j for j, k in enumerate(old_fmt.key_figures)}
    out = []
    for i, spec in enumerate(fmt.key_figures):
        comparable = old_basis.get(spec.key) == spec.basis
        out.append((spec.label, i, old_place.get(spec.key, -1) if comparable else -1, comparable))
    return tuple(out)


# Figures of the multi-report tables (agency and year pages): table 三 and 四 totals,
# which mean the same in both formats.
SUMMARY_KEYS = (
    "received",
    "carried_over",
    "disclosed",
    "partly_disclosed",
    "total",
    "carried_forward",
    "review",
    "litigation_direct",
    "litigation_after_review",
)


def summary_labels(fmt: Format) -> list[str]:
    labels = {k.key: k.label for k in fmt.key_figures}
    return [labels[key] for key in SUMMARY_KEYS]


def summary_values(s: Summary) -> list[int | None]:
    return [s.get(key) for key in SUMMARY_KEYS]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: int
    y: int
    width: int
    height: int
    text: str = ""  # the value as shown, when not the bare number (85.3%)

    @property
    def shown(self) -> str:
        return self.text or str(self.value)

    @property
    def value_y(self) -> int:
        """Where the value's text stands, above the bar (agencypage fills it in: no sums
        in the template)."""
        return self.y - 6


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: int

    @property
    def description(self) -> str:
        unit = f" {self.unit}" if self.unit != "%" else ""
        return "；".join(f"{b.label} {b.shown}{unit}" for b in self.bars) + "。"


def bar_chart(
    title: str, unit: str, points: list[tuple[str, int]], texts: list[str] | None = None
) -> Chart:
    """A plain bar chart laid out in whole pixels (deterministic SVG, no script).
    ``texts`` shows each value otherwise than as the bare number."""
    bar_w, gap, top, bottom, left = 48, 24, 24, 28, 8
    plot_h = 160
    biggest = max((v for _, v in points), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(points):
        h = round(plot_h * value / biggest)
        x = left + i * (bar_w + gap)
        text = texts[i] if texts else ""
        bars.append(Bar(label, value, x, top + plot_h - h, bar_w, h, text))
    width = left * 2 + max(len(points), 1) * (bar_w + gap)
    return Chart(title, unit, tuple(bars), width, top + plot_h + bottom, top + plot_h)
