"""The standard tables as grids of cells, built from the format description.

A grid is what the national template prints: header rows with merged cells, caption rows,
group rows, then data rows. Every data cell names its headers by id (``headers``), so a
screen reader announces 三、（三）1.属于国家秘密 · 总计 however the merged cells fall. The
grid's shape depends only on the format, so it is built once per format and table; a
report only supplies the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from .formats import Format, Node, Table, leaf_paths
from .model import Value


@dataclass(frozen=True)
class Cell:
    header: bool  # <th> or <td>
    text: str = ""
    id: str = ""
    colspan: int = 1
    rowspan: int = 1
    scope: str = ""  # col or row (th only); spans say how far
    headers: str = ""  # space-separated ids (td, and th under a corner)
    cell: str = ""  # the cell id whose value goes here (td only)
    css: str = ""


@dataclass(frozen=True)
class Grid:
    key: str  # table key: active, requests, appeals
    number: str  # 二 三 四
    caption: str
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]
    label_columns: int
    data_columns: int
    # Table 二: one simple table per block (第二十条第（一）项 …), stacked to look like the
    # printed form. Chromium's accessibility tree ignores ``headers`` and takes every
    # column header above a cell, which in one big table would read all four blocks' heads.
    parts: tuple[Grid, ...] = ()

    @property
    def wide(self) -> bool:
        """Too wide for a phone: say that it scrolls."""
        return self.data_columns > 4


@cache
def grids(fmt: Format) -> tuple[Grid, ...]:
    """The grid of every table of a format, in section order."""
    out = []
    for section in fmt.sections:
        if section.table:
            table = fmt.tables[section.table]
            caption = section.heading.split("、", 1)[1]
            build = {"blocks": _blocks, "matrix": _matrix, "groups": _groups}[table.layout]
            out.append(build(table, caption))
    return tuple(out)


def _column_head(
    table: Table, columns: tuple[Node, ...], depth: int, prefix: str = ""
) -> tuple[list[list[Cell]], dict[str, list[str]]]:
    """Header rows for a column tree, and for each leaf (in table order) the ids of the
    headers above it."""
    rows: list[list[Cell]] = [[] for _ in range(depth)]
    above: dict[str, list[str]] = {}

    def walk(nodes: tuple[Node, ...], level: int, parents: list[str], trail: str) -> None:
        for i, n in enumerate(nodes):
            name = f"{trail}{n.key or i}"
            cid = f"t-{table.key}-c{prefix}-{name}"
            if n.children:
                rows[level].append(Cell(True, n.label, cid, colspan=len(n.leaves), scope="col"))
                walk(n.children, level + 1, [*parents, cid], name + "-")
            else:
                rows[level].append(
                    Cell(True, n.label, cid, rowspan=depth - level, scope="col", css="col")
                )
                above[name] = [*parents, cid]

    walk(columns, 0, [], "")
    return rows, above


def _matrix(table: Table, caption: str) -> Grid:
    """Table 三: a corner note, a three-level column head, a three-level row head."""
    col_depth = max(c.depth for c in table.columns)
    label_cols = max(r.depth for r in table.rows)
    head, above = _column_head(table, table.columns, col_depth)
    corner_id = f"t-{table.key}-corner"
    corner = Cell(
        True,
        table.corner,
        corner_id,
        colspan=label_cols,
        rowspan=col_depth,
        scope="col",
        css="corner",
    )
    head[0].insert(0, corner)
    leaves = table.leaf_columns
    names = list(above)  # leaf names, in table order (as _column_head walked them)
    body: list[tuple[Cell, ...]] = []
    for path in leaf_paths(table.rows):
        cells: list[Cell] = []
        row_ids: list[str] = []
        for level, node in enumerate(path):
            rid = f"t-{table.key}-r-" + "-".join(n.key or "" for n in path[: level + 1])
            row_ids.append(rid)
            if node.children:
                first_leaf = leaf_paths((node,))[0]
                if first_leaf == (node, *path[level + 1 :]):
                    cells.append(
                        Cell(
                            True,
                            node.label,
                            rid,
                            rowspan=len(node.leaves),
                            scope="row",
                            headers=corner_id,
                            css=f"group level{level + 1}",
                        )
                    )
            else:
                cells.append(
                    Cell(
                        True,
                        node.label,
                        rid,
                        colspan=label_cols - level,
                        scope="row",
                        headers=corner_id,
                        css=f"label level{level + 1}",
                    )
                )
        row_key = ".".join(n.key or "" for n in path)
        for leaf, name in zip(leaves, names, strict=True):
            headers = " ".join([*above[name], *row_ids])
            cells.append(
                Cell(False, headers=headers, cell=f"{table.key}.{row_key}.{leaf.key}", css="num")
            )
        body.append(tuple(cells))
    return Grid(
        table.key,
        table.number,
        caption,
        tuple(tuple(r) for r in head),
        tuple(body),
        label_cols,
        len(leaves),
    )


def _groups(table: Table, caption: str) -> Grid:
    """Table 四: a three-level column head over one row of data and no row head."""
    depth = max(c.depth for c in table.columns)
    head, above = _column_head(table, table.columns, depth)
    names = list(above)  # leaf names, in table order (as _column_head walked them)
    cells = []
    for path, name in zip(leaf_paths(table.columns), names, strict=True):
        group = next(n for n in reversed(path[:-1]) if n.key)
        cells.append(
            Cell(
                False,
                headers=" ".join(above[name]),
                cell=f"{table.key}.{group.key}.{path[-1].key}",
                css="num",
            )
        )
    return Grid(
        table.key,
        table.number,
        caption,
        tuple(tuple(r) for r in head),
        (tuple(cells),),
        0,
        len(cells),
    )


def _blocks(table: Table, caption: str) -> Grid:
    """Table 二: each block a table of its own, its caption the block's title. A block
    keeps its own columns (a single 本年处理决定数量 is one column, not three merged: HTML
    has no columns that no cell begins in); the stylesheet gives every block the same
    label width, so they stack like the printed form."""
    parts = []
    for index, block in enumerate(table.blocks):
        head = [Cell(True, table.corner, scope="col", css="corner")]
        head += [Cell(True, col.label, scope="col", css="col") for col in block.columns]
        body = []
        for row in block.rows:
            cells = [Cell(True, row.label, scope="row", css="label")]
            for col in block.columns:
                cid = (
                    f"{table.key}.{row.key}" if block.scalar else f"{table.key}.{row.key}.{col.key}"
                )
                cells.append(Cell(False, cell=cid, css="num"))
            body.append(tuple(cells))
        key = f"{table.key}-{index}"
        width = len(block.columns)
        parts.append(Grid(key, table.number, block.caption, (tuple(head),), tuple(body), 1, width))
    return Grid(table.key, table.number, caption, (), (), 1, table.width, tuple(parts))


def display(value: Value | None, unit: str | None = None) -> str:
    """A value as the report printed it: integers plainly, money exactly as written."""
    if value is None:
        return "—"
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return f"{text}{unit}" if unit else text
