"""A report's standard tables, filled from markup compiled once per format.

The ``_table.html`` macro is rendered once per format and table with a marker in every
value slot; a report then fills the slots by formatting strings, without 200 macro calls
(``TableRenderer.render``). A report page goes one step further (``render_bytes`` and
``Spliced``): the tables are filled as UTF-8 bytes and put into the page after Jinja and
after the page is encoded. A table is three quarters of a report page's bytes, and
formatting it as text, joining it into the page and encoding that cost more than all the
rest of the page; formatting ASCII-heavy bytes with ``%d`` costs a quarter of that."""

from __future__ import annotations

import os

import jinja2
from markupsafe import Markup, escape

from .formats import Format
from .model import Report
from .tables import Grid, display, grids

# (text template with %s in each slot, bytes template with %d in each slot (all counts),
# bytes template with %s in each slot (any value), the cell id of each slot, bytes
# template with %s in each money cell's slot and %d in the others', the money slots)
Compiled = tuple[str, bytes, bytes, list[str], bytes, tuple[int, ...]]


class TableRenderer:
    """The standard tables of a format, rendered once by the ``_table.html`` macro with a
    marker in every value slot, then filled per report by joining strings: a report page
    renders its 200 cells without 200 macro calls."""

    MARK = "\x00"

    def __init__(self, env: jinja2.Environment) -> None:
        self._macro = env.get_template("_table.html").module.standard_table  # type: ignore[attr-defined]
        self._compiled: dict[tuple[str, str], Compiled] = {}

    def _pieces(self, fmt: Format, grid: Grid) -> Compiled:
        """The table's markup as %-templates with a slot for each value, and the cell id
        of each slot."""
        key = (fmt.id, grid.key)
        if key not in self._compiled:
            pieces = str(self._macro(grid, _Slots(self.MARK))).split(self.MARK)
            markup, slots = pieces[0::2], pieces[1::2]
            escaped = [m.replace("%", "%%") for m in markup]
            encoded = [m.encode("utf-8") for m in escaped]
            money = tuple(i for i, cid in enumerate(slots) if fmt.cells[cid].type == "money")
            mixed = [encoded[0]]
            for i, after in enumerate(encoded[1:]):
                mixed += (b"%s" if i in money else b"%d", after)
            self._compiled[key] = (
                "%s".join(escaped),
                b"%d".join(encoded),
                b"%s".join(encoded),
                slots,
                b"".join(mixed),
                money,
            )
        return self._compiled[key]

    def render(self, report: Report) -> dict[str, Markup]:
        """Each table's markup (the reference ``render_bytes`` is tested against)."""
        cells, units = report.cells, report.units
        out = {}
        for grid in grids(report.format):
            template, _, _, slots, _, _ = self._pieces(report.format, grid)
            values: list[object] = list(map(cells.get, slots))
            if set(map(type, values)) != {int}:
                # integers need no escaping (%s writes them as str does); anything else
                # goes through escape()
                for i, cid in enumerate(slots):
                    v = cells.get(cid)
                    if type(v) is not int:
                        values[i] = escape(display(v, units.get(cid)))
            out[grid.key] = Markup(template % tuple(values))
        return out

    def render_bytes(self, report: Report) -> dict[str, bytes]:
        """Each table's markup in UTF-8: ``render``'s, encoded, made without the text."""
        cells, units = report.cells, report.units
        out = {}
        for grid in grids(report.format):
            _, counts, any_value, slots, mixed, money = self._pieces(report.format, grid)
            values = tuple(map(cells.get, slots))
            if set(map(type, values)) == {int}:  # %d writes an int as str() does
                out[grid.key] = counts % values
                continue
            if money:  # (表二's amounts): those few made text, the counts as they are
                some: list[object] = list(values)
                for i in money:
                    v = values[i]
                    text = str(v) if type(v) is int else escape(display(v, units.get(slots[i])))
                    some[i] = text.encode()
                if _INT_OR_BYTES.issuperset(map(type, some)):
                    out[grid.key] = mixed % tuple(some)
                    continue
            out[grid.key] = any_value % tuple(
                (str(v) if type(v) is int else escape(display(v, units.get(cid)))).encode()
                for v, cid in zip(values, slots, strict=True)
            )
        return out


_INT_OR_BYTES = frozenset((int, bytes))  # a count, and a money cell's made text


class _Slots(dict[str, str]):
    """Stands in for a report's values while a table is compiled: each slot names its cell."""

    def __init__(self, mark: str) -> None:
        super().__init__()
        self.mark = mark

    def __getitem__(self, key: str) -> str:
        return f"{self.mark}{key}{self.mark}"


class Spliced:
    """A filled table handed to the page template in place of its markup: printed
    (``{{ }}``, ``|safe``, ``|join``: anything that asks for its HTML) it leaves a marker,
    which ``splice`` replaces by the table's bytes once the page is encoded; read as text
    in any other way, it is the table's markup itself."""

    def __init__(self, marker: str, data: bytes) -> None:
        self.marker = marker
        self.data = data

    def __html__(self) -> str:
        return self.marker

    def __str__(self) -> str:
        return self.data.decode("utf-8")

    def __len__(self) -> int:
        return len(str(self))


class Splicer:
    """The markers of one renderer's tables: a random token and the table's key between
    two NULs, so that no content can spell one (a page with any other NUL is made again
    the plain way: see ``splice``)."""

    def __init__(self) -> None:
        self._token = os.urandom(8).hex()  # as secrets.token_hex, without its imports
        self._markers: dict[str, str] = {}  # table key → marker
        self._keys: dict[bytes, str] = {}  # a marker's bytes between its NULs → table key

    def stand_ins(self, filled: dict[str, bytes]) -> dict[str, Spliced]:
        return {key: Spliced(self._marker(key), data) for key, data in filled.items()}

    def _marker(self, key: str) -> str:
        if key not in self._markers:
            inner = f"{self._token}-{key}"
            self._markers[key] = f"\x00{inner}\x00"
            self._keys[inner.encode("ascii")] = key
        return self._markers[key]

    def splice(self, page: bytes, filled: dict[str, bytes]) -> bytes | None:
        """``page`` with each marker replaced by its table's bytes (in one pass: cut at
        the NULs, every other piece is a marker); None when any NUL is not a marker's (a
        marker cut or changed, or a NUL of the page's own)."""
        pieces = page.split(b"\x00")
        if len(pieces) % 2 == 0:
            return None
        for i in range(1, len(pieces), 2):
            key = self._keys.get(pieces[i])
            if key is None or key not in filled:
                return None
            pieces[i] = filled[key]
        return b"".join(pieces)
