"""The rows of the year page's two big tables (a row per report: 1,430 a year at 10,000
reports), filled in by joining strings instead of one macro call each.

Each row is the theme's ``_year_rows.html`` macro. It is rendered once with a marker in
every argument's place and split at the markers; a row is then its pieces with the
arguments, escaped as Jinja's autoescape does, in between (filledtables.TableRenderer does the
same for the standard tables). The first row is checked against a real macro call: a
macro that does more with its arguments than print them (templates/ may override it)
leaves the rows to the page's own loop, which calls it for each row.

A build keeps each report's two rows (its ranking row without the rank, a prefix) in the
build state (``year_page_kept``): after an edit only the changed reports' rows are made,
and the page joins them in its order. The kept rows are for the rows' shapes they were
made with: a changed macro (a template edit) makes them all again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .contentfiles import digest
from .indicators import percent_text
from .model import Site
from .records import framed, replace_file, unframed
from .region import Listed, YearPage, YearRow, year_frame
from .yearmodel import (
    REWRITE_AFTER,
    ROWS_FOLDER,
    KeptRanking,
    YearModel,
    _value,
    ranking_order,
    year_page_of,
)

MARK = "\x00"
MAGIC = b"nianbao year rows 1\n"

# A report's kept rows: what it was made from (its record's digest), its row of the
# year table and its ranking row after the rank ("": that table is left to the loop)
Kept = tuple[str, str, str]


def year_page_kept(
    site: Site, model: YearModel, env: jinja2.Environment, state: Path | None, data: str
) -> YearPage:
    """``year_page_of`` with its rows filled in (``fill_rows``), each report's rows made
    only when not kept in ``state`` for the same record, data key ``data`` and row shapes."""
    year = model.year
    rows = [YearRow(Listed(slug, e.name), list(e.shown)) for slug, e in model.entries if e.shown]
    page, fmt = year_frame(site, year, model.coverage, rows)
    if fmt is None:
        return page
    order = ranking_order(model, fmt)
    module = _module(env)
    width = {len(row.values) for row in rows}
    if order is None or module is None or len(width) > 1:  # formats mixed (V7)
        page = year_page_of(site, model)
        fill_rows(env, page)
        return page
    page.ranking = KeptRanking(model, fmt, order)
    row_parts = _parts(module.year_row, 2, width.pop() if width else 0)
    rank_parts = _parts(module.rank_row, 3, len(fmt.indicators))
    row_shape = None if row_parts is None else "%s".join(row_parts)
    rank_head, rank_shape = (
        ("", None) if rank_parts is None else (rank_parts[0], "%s".join(rank_parts[1:]))
    )
    shapes = digest(repr((page.root, row_parts, rank_parts)))
    kept = _read(state, year, data, shapes)
    made: dict[str, Kept] = {}
    fresh = 0
    for slug, e in model.entries:
        was = kept.get(slug)
        if was is not None and was[0] == e.made_from:
            made[slug] = was
            continue
        fresh += 1
        url, name = escape(page.url(f"{slug}/{year}/")), escape(e.name)
        row = (
            ""
            if row_shape is None or not e.shown
            else row_shape % (url, name, *map(escape, e.shown))
        )
        texts = map(_percent_cell, e.measured)
        tail = "" if rank_shape is None else rank_shape % (url, name, *texts)
        made[slug] = (e.made_from, row, tail)
    if made.keys() != kept.keys() or fresh > REWRITE_AFTER:  # (see yearmodel.REWRITE_AFTER)
        _write(state, year, data, shapes, made)
    if row_shape is not None and rows:
        first = rows[0]
        args = (page.url(f"{first.agency.slug}/{year}/"), first.agency.name, first.values)
        if made[first.agency.slug][1] == _call(module.year_row, args):
            page.rows_html = Markup(
                "".join([made[slug][1] for slug, e in model.entries if e.shown])
            )
    if rank_shape is not None and order:
        entries = model.entries
        first_row = page.ranking[0]
        call = (
            "—" if first_row.rank is None else str(first_row.rank),
            page.url(f"{first_row.agency.slug}/{year}/"),
            first_row.agency.name,
            [m.text for m in first_row.measured],
        )
        if _ranked(rank_head, *order[0], made, entries) == _call(module.rank_row, call):
            page.ranking_html = Markup(
                "".join([_ranked(rank_head, rank, i, made, entries) for rank, i in order])
            )
    elif rank_shape is not None:
        page.ranking_html = Markup("")
    return page


@lru_cache(maxsize=1 << 14)
def _percent_cell(measured: str | None) -> Markup:
    """An indicator's cell text, escaped, from its kept value (Decimal as text): a year's
    1,430 reports share few ratios of small counts (nine in ten are met before)."""
    return escape(percent_text(_value(measured)))


def _ranked(head: str, rank: int | None, i: int, made: dict[str, Kept], entries: list[Any]) -> str:
    """A ranking row: its rank cell's prefix, the rank, the kept rest."""
    return f"{head}{'—' if rank is None else rank}{made[entries[i][0]][2]}"


def fill_rows(env: jinja2.Environment, page: YearPage) -> None:
    """Give ``page`` its rows' markup (``rows_html``, ``ranking_html``) where the macros
    allow it."""
    module = _module(env)
    if module is None:
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


def _module(env: jinja2.Environment) -> Any:
    """The rows' macros (``_year_rows.html``), or None when it does not load."""
    try:
        return env.get_template("_year_rows.html").module
    except (jinja2.TemplateError, UnicodeDecodeError, RecursionError):
        return None


def _shape(macro: Callable[..., str], lead: int, count: int) -> str | None:
    """The macro's output with a ``%s`` in each argument's place (a row is this ``%`` its
    escaped arguments)."""
    parts = _parts(macro, lead, count)
    return None if parts is None else "%s".join(parts)


def _parts(macro: Callable[..., str], lead: int, count: int) -> list[str] | None:
    """The macro's output split at each argument's place, each piece's ``%`` doubled."""
    try:
        parts = str(macro(*[MARK] * lead, [MARK] * count)).split(MARK)
    except (jinja2.TemplateError, TypeError, RecursionError):
        return None
    if len(parts) != lead + count + 1:
        return None
    return [part.replace("%", "%%") for part in parts]


def _call(macro: Callable[..., str], row: tuple[Any, ...]) -> str:
    try:
        return str(macro(*row))
    except (jinja2.TemplateError, TypeError, RecursionError):
        return MARK  # never a row's markup: the page's loop calls it and reports the fault


# ---------------------------------------------------------------------------------------
# The kept rows (one file per year in the build state)


def _path(state: Path, year: int) -> Path:
    return state / ROWS_FOLDER / f"{year}.bin"


def _read(state: Path | None, year: int, data: str, shapes: str) -> dict[str, Kept]:
    if state is None:
        return {}
    try:
        key, kept = unframed(MAGIC, _path(state, year).read_bytes())
        if key != [data, shapes] or not isinstance(kept, dict):
            return {}
        if not all(isinstance(k, tuple) and len(k) == 3 for k in kept.values()):
            return {}
        return kept
    except Exception:  # absent, unreadable, damaged, another shape: nothing kept
        return {}


def _write(state: Path | None, year: int, data: str, shapes: str, made: dict[str, Kept]) -> None:
    if state is None:
        return
    (state / ROWS_FOLDER).mkdir(parents=True, exist_ok=True)
    replace_file(_path(state, year), framed(MAGIC, ([data, shapes], made)))
