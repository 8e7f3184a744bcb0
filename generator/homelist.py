"""The home page's list of agencies, kept between builds.

The list (every agency, grouped: 10,000 entries at 10,000 agencies) depends on the agency
index alone (slug, name, group, order, years of each: ``agencyfacts.index_text``), the
data key and the home page's templates; the rest of the home page (the years, the trend)
is small. The theme's ``home.html`` prints the list with the macro ``agency_groups`` of
``_agency_list.html`` or, given it, the list's markup made before (``agencies_html``). A
build keeps that markup in the build state under a key naming all it is made from
(``list_key``): when the trend changes but no agency was added, removed or renamed, the
home page is rendered again around the kept list, and no agency is unpacked for it.

A site's own ``home.html`` (templates/) is rendered as it asks, with ``page.groups`` made
when it reads them; the kept list is only used for the theme's. Anything odd about the
kept file means "nothing kept".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .records import framed, replace_file, unframed

NAME = "home-list.bin"
MAGIC = b"nianbao home list 1\n"
TEMPLATE = "_agency_list.html"


class Groups:
    """``HomePage.groups``, made on first use (a site's own home template may read them;
    the theme's does not when the list is kept)."""

    def __init__(self, make: Callable[[], list[Any]]) -> None:
        self._make = make
        self._made: list[Any] | None = None

    def _list(self) -> list[Any]:
        if self._made is None:
            self._made = self._make()
        return self._made

    def __iter__(self) -> Iterator[Any]:
        return iter(self._list())

    def __len__(self) -> int:
        return len(self._list())

    def __getitem__(self, i: int) -> Any:
        return self._list()[i]


def agencies_html(
    env: jinja2.Environment, page: Any, state: Path | None, key: str
) -> Markup | None:
    """The list's markup for ``page`` (a HomePage): kept under ``key`` in ``state`` or
    made now with the macro (and kept). None when the macro does not load or fails (the
    page's own render then calls it and reports the fault)."""
    kept = read(state, key)
    if kept is not None:
        return Markup(kept)
    try:
        macro = env.get_template(TEMPLATE).module.agency_groups  # type: ignore[attr-defined]
        made = str(macro(page))
    except (jinja2.TemplateError, UnicodeDecodeError, RecursionError, AttributeError):
        return None
    write(state, key, made)
    return Markup(made)


def read(state: Path | None, key: str) -> str | None:
    if state is None or not key:
        return None
    try:
        kept = unframed(MAGIC, (state / NAME).read_bytes())
    except Exception:  # absent, unreadable, damaged: nothing kept
        return None
    if not isinstance(kept, tuple) or len(kept) != 2 or kept[0] != key:
        return None
    return kept[1] if isinstance(kept[1], str) else None


def write(state: Path | None, key: str, markup: str) -> None:
    if state is None or not key:
        return
    state.mkdir(parents=True, exist_ok=True)
    replace_file(state / NAME, framed(MAGIC, (key, markup)))
