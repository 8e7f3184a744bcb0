"""The rows of the year page's two big tables (a row per report: 1,430 a year at 10,000
reports), filled in by joining strings instead of one macro call each.

Each row is the theme's ``_year_rows.html`` macro. It is rendered once with a marker in
every argument's place and split at the markers; a row is then its pieces with the
arguments, escaped as Jinja's autoescape does, in between (filledtables.TableRenderer does the
same for the standard tables). The first row is checked against a real macro call: a
macro that does more with its arguments than print them (templates/ may override it)
leaves the rows to the page's own loop, which calls it for each row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .region import YearPage

MARK = "\x00"


def fill_rows(env: jinja2.Environment, page: YearPage) -> None:
    """Give ``page`` its rows' markup (``rows_html``, ``ranking_html``) where the macros
    allow it."""
    try:
        module: Any = env.get_template("_year_rows.html").module
    except (jinja2.TemplateError, UnicodeDecodeError, RecursionError):
        return  # the page's own render reports it
    url = page.url
    rows = [
        (url(f"{row.agency.slug}/{page.year}/"), row.agency.name, row.values) for row in page.rows
    ]
    page.rows_html = _joined(module.year_row, rows)
    ranked = [
        (
            "—" if row.rank is None else str(row.rank),
            url(f"{row.agency.slug}/{page.year}/"),
            row.agency.name,
            [m.text for m in row.measured],
        )
        for row in page.ranking
    ]
    page.ranking_html = _joined(module.rank_row, ranked)


def _joined(macro: Callable[..., str], rows: Sequence[tuple[Any, ...]]) -> Markup | None:
    """The macro's output for every row of ``rows`` (its arguments: strings, then a list
    last), or None when the macro is not a plain row of its arguments."""
    if not rows:
        return Markup("")
    shapes: dict[int, str | None] = {}
    out: list[str] = []
    for i, row in enumerate(rows):
        *lead, values = row
        if len(values) not in shapes:
            shapes[len(values)] = _shape(macro, len(lead), len(values))
        shape = shapes[len(values)]
        if shape is None:
            return None
        made = shape % (*map(escape, lead), *map(escape, values))
        if i == 0 and made != str(_call(macro, row)):
            return None
        out.append(made)
    return Markup("".join(out))


def _shape(macro: Callable[..., str], lead: int, count: int) -> str | None:
    """The macro's output with a ``%s`` in each argument's place (a row is this ``%`` its
    escaped arguments)."""
    try:
        parts = str(macro(*[MARK] * lead, [MARK] * count)).split(MARK)
    except (jinja2.TemplateError, TypeError, RecursionError):
        return None
    if len(parts) != lead + count + 1:
        return None
    return "%s".join(part.replace("%", "%%") for part in parts)


def _call(macro: Callable[..., str], row: tuple[Any, ...]) -> str:
    try:
        return str(macro(*row))
    except (jinja2.TemplateError, TypeError, RecursionError):
        return MARK  # never a row's markup: the page's loop calls it and reports the fault
