"""Which grid column holds which official column, read from a real table's header cells.

A table from a PDF, Word or HTML file has its column headings as cells with spans; a value
is placed by the heading above it (and the group heading above that: the three 结果维持
of table 四 are told apart by 行政复议 / 未经复议直接起诉 / 复议后起诉 above them). A text
line has no columns: its values go in the format's column order.
"""

from __future__ import annotations

from ..formats import Node, Table, leaf_paths
from .labels import core, labels_of
from .rows import Row, Span


def leaf_ids(table: Table) -> list[tuple[tuple[Node, ...], str]]:
    """Each leaf column with its ancestors, and the id it adds to a row's id: the column
    key (table 三), or group.key (table 四, where the group is the row of report.yaml)."""
    out = []
    for path in leaf_paths(table.columns):
        if table.layout == "groups":
            group = next(n for n in reversed(path[:-1]) if n.key)
            out.append((path, f"{group.key}.{path[-1].key}"))
        else:
            out.append((path, path[-1].key or ""))
    return out


def _find(node: Node, spans: list[Span], first: int, last: int) -> Span | None:
    wanted = {core(label) for label in labels_of(node)}
    for span in spans:
        if core(span.text) in wanted and first <= span.first and span.last <= last:
            return span
    return None


def column_map(table: Table, spans: list[Span]) -> dict[int, str] | None:
    """Grid column → leaf id, when the headings name every column that must be there."""
    out: dict[int, str] = {}
    for path, leaf_id in leaf_ids(table):
        first, last = 0, 10**6
        for node in path[:-1]:
            found = _find(node, spans, first, last)
            if found is not None:
                first, last = found.first, found.last
        leaf = _find(path[-1], spans, first, last)
        if leaf is not None and leaf.last - leaf.first == 1 and leaf.first not in out:
            out[leaf.first] = leaf_id
        elif not path[-1].optional:
            return None
    return out


class Columns:
    """The column map of the table a row belongs to, carried on to the next table when a
    table is continued on the next page without repeating its headings."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.headers: dict[int, list[Span]] = {}
        self.maps: dict[int, dict[int, str] | None] = {}
        self.last: dict[int, str] | None = None

    def header(self, row: Row) -> None:
        if row.grid:
            self.headers.setdefault(row.table, []).extend(row.spans)

    def place(self, row: Row) -> list[tuple[str, int]] | None:
        """(leaf id, index of the value cell) for each value a heading names; None when
        the headings do not place every number of the row."""
        if not row.grid:
            return None
        if row.table not in self.maps:
            found = column_map(self.table, self.headers.get(row.table, []))
            self.maps[row.table] = found
            if found is not None:
                self.last = found
        colmap = self.maps[row.table] or self.last
        if colmap is None:
            return None
        placed = []
        for i, (start, cell) in enumerate(zip(row.starts, row.values, strict=True)):
            if start in colmap:
                placed.append((colmap[start], i))
            elif cell.text.strip():
                return None  # a number under no heading: do not guess
        return placed
