"""The report page's comparison with the previous year, rendered once per pair of formats.

Which figures compare, and their labels, depend only on the two formats; a report supplies
the two years and the numbers. So the ``_compare.html`` macro (a site's own, if it has one)
is rendered once per pair with a marker in every value slot, and each report's table is
that markup filled in: the same bytes as rendering the macro for the report, without some
80 attribute lookups, filter calls and escapes per page.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from markupsafe import Markup, escape

from .figures import Change, percent_change_text
from .tables import display

MARK = "\x00"


@dataclass(frozen=True)
class _Slot:
    """A change as the macro sees it while compiled: its label and whether it compares
    are real, its values name their slots."""

    label: str
    comparable: bool
    previous: str
    current: str
    delta_text: str
    percent_text: str


class CompareRenderer:
    def __init__(self, env: jinja2.Environment) -> None:
        self._macro = env.get_template("_compare.html").module.compare_table  # type: ignore[attr-defined]
        self._compiled: dict[tuple[tuple[str, bool], ...], tuple[str, list[tuple[int, int]]]] = {}

    def _template(self, changes: list[Change]) -> tuple[str, list[tuple[int, int]]]:
        """The markup as a %-template with a %s in each value slot, and what fills each
        slot: (the change's index, its attribute's place in _ATTRIBUTES), or (-1, 0) and
        (-1, 1) for the year and the previous year."""
        shape = tuple((c.label, c.comparable) for c in changes)
        if shape not in self._compiled:
            slots = [
                _Slot(
                    c.label,
                    c.comparable,
                    *(f"{MARK}{i}.{a}{MARK}" for a in _ATTRIBUTES),
                )
                for i, c in enumerate(changes)
            ]
            html = str(self._macro(f"{MARK}previous_year{MARK}", f"{MARK}year{MARK}", slots))
            pieces = html.split(MARK)
            template = "%s".join(p.replace("%", "%%") for p in pieces[0::2])
            names = [n.split(".") if "." in n else ("-1", n) for n in pieces[1::2]]
            self._compiled[shape] = (template, [(int(i), _PLACES[a]) for i, a in names])
        return self._compiled[shape]

    def render(self, previous_year: int, year: int, changes: list[Change]) -> Markup:
        template, slots = self._template(changes)
        years = (str(year), str(previous_year))
        texts = [_texts(c) for c in changes]
        values = tuple(years[place] if index < 0 else texts[index][place] for index, place in slots)
        return Markup(template % values)


def _texts(change: Change) -> tuple[str, str, str, str]:
    """A change's four values as the macro writes them (``num`` for the two figures), each
    escaped, in _ATTRIBUTES order. Counts (the common case) and the texts made from them
    are digits, signs, '.', '%' and '—': nothing to escape, so they are not passed through
    escape() one by one."""
    previous, current = change.previous, change.current
    if (previous is None or type(previous) is int) and (current is None or type(current) is int):
        # Change.delta_text and .percent_text, the delta worked out once, not three times
        if change.comparable and previous is not None and current is not None:
            d = current - previous
            delta = f"+{d}" if d > 0 else str(d).replace("-", "−")
            percent = percent_change_text(d, previous) if previous else "—"
        else:
            delta = percent = "—"
        return (
            "—" if previous is None else str(previous),  # display() of a count
            "—" if current is None else str(current),
            delta,
            percent,
        )
    return (
        escape(display(previous)),
        escape(display(current)),
        escape(change.delta_text),
        escape(change.percent_text),
    )


_ATTRIBUTES = ("previous", "current", "delta_text", "percent_text")
# each attribute's place in a change's texts; the years' places in (year, previous year)
_PLACES = {**{a: i for i, a in enumerate(_ATTRIBUTES)}, "year": 0, "previous_year": 1}
