"""The one label mapper: each number of tables 二, 三 and 四 placed by its row and column
labels, read from the format description (``generator/formats/``).

Rows are matched by the text of their labels (including group labels standing above or
beside them, wrapped lines, vertical one-character labels). In a real table values are
placed by the column headings above them (``columns.py``); a text line's values go in the
format's column order, and a row showing more or fewer numbers is not guessed at. A cell that cannot be placed or read becomes the placeholder
``待填`` and a ``Flag`` naming the official cell, the text seen and where. A blank cell is
0 only where the table's own sums leave no other possibility.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats import Format, Node, Table
from .cells import PLACEHOLDER, Flag, Mapped, Work
from .columns import Columns, leaf_ids
from .document import Cell, Where
from .labels import core, labels_of, parse_number, similarity, unit_of
from .rows import Row, rows_of
from .sections import Cut
from .settle import settle

__all__ = ["PLACEHOLDER", "Flag", "Mapped", "map_tables", "match_row"]


def map_tables(fmt: Format, cut: Cut) -> Mapped:
    work = Work(fmt, Mapped())
    for section in fmt.sections:
        if section.table is None:
            continue
        table = fmt.tables[section.table]
        region = cut.sections.get(section.number)
        rows = rows_of(region.blocks) if region is not None else []
        if table.layout == "blocks":
            _blocks(work, table, rows)
        elif table.layout == "matrix":
            _matrix(work, table, rows)
        else:
            _groups(work, table, rows)
    settle(work)
    return work.out


# ---------------------------------------------------------------------------------------
# Rows by label


@dataclass(frozen=True)
class _Target:
    row_id: str  # report.yaml path of the row (requests.results.withheld.state_secret)
    node: Node
    index: int  # order in the table


def match_row(text: str, targets: list[_Target], after: int) -> _Target | None:
    """The row a label names. The official label (or an alias) that ends the text wins,
    the longest one first (labels above and beside a row come before it); then one the
    text contains; then the most alike. Among equals, the next row in table order."""
    said = core(text)
    if not said:
        return None
    for test in (str.endswith, lambda s, w: w in s):
        found = [
            (float(len(core(lb))), t)
            for t in targets
            for lb in labels_of(t.node)
            if core(lb) and test(said, core(lb))
        ]
        if found:
            return _pick(found, after)
    scored = []
    for t in targets:
        for lb in labels_of(t.node):
            want = core(lb)
            tail = said[-len(want) :] if want else ""
            ratio = max(similarity(want, tail), similarity(want, said))
            if ratio >= 0.8:
                scored.append((ratio, t))
    return _pick(scored, after) if scored else None


def _pick(found: list[tuple[float, _Target]], after: int) -> _Target:
    best = max(score for score, _ in found)
    tied = [t for score, t in found if score == best]
    return min(tied, key=lambda t: (t.index <= after, abs(t.index - after)))


def _fit(row: Row, wanted: tuple[int, ...]) -> tuple[Cell, ...]:
    """A table row's values; in a real table a blank label cell (（六）其他处理 with an empty
    cell beside it) is not a value: leading blanks beyond the columns wanted are dropped."""
    values = row.values
    if row.grid:
        while len(values) > max(wanted) and not values[-1].text.strip():
            values = values[:-1]  # a block narrower than the table (表二 第（八）项)
        while len(values) > max(wanted) and not values[0].text.strip():
            values = values[1:]
    return values


def _names_columns(row: Row, table: Table) -> bool:
    """A real table's row holding column headings (自然人, 其他 …) as cells of their own."""
    names = {core(label) for c in table.leaf_columns for label in labels_of(c)}
    return row.grid and any(core(span.text) in names for span in row.spans)


def _all_blank(row: Row) -> bool:
    return not any(v.text.strip() for v in row.values)


def _unplaced(work: Work, row: Row, text: str, table: Table) -> None:
    seen = " ".join([text, *(v.text for v in row.values)]).strip()
    work.out.unplaced.append(
        Flag(f"表{table.number}", "这一行的标签对不上官方格式的任何一行", seen, row.where)
    )


# ---------------------------------------------------------------------------------------
# Table 二: blocks of rows with their own columns


def _blocks(work: Work, table: Table, rows: list[Row]) -> None:
    targets: list[_Target] = []
    blocks = {}
    for block in table.blocks:
        for node in block.rows:
            rid = f"{table.key}.{node.key}"
            targets.append(_Target(rid, node, len(targets)))
            blocks[rid] = block
    last = -1
    header = ""
    for row in rows:
        if not row.values:
            header = row.label
            continue
        target = match_row(row.label, targets, last)
        if target is None and _all_blank(row):
            header = row.label  # a caption or header row with empty cells beside it
            continue
        if target is None:
            _unplaced(work, row, row.label, table)
            continue
        last = target.index
        block = blocks[target.row_id]
        ids = (
            [target.row_id] if block.scalar else [f"{target.row_id}.{c.key}" for c in block.columns]
        )
        values = _fit(row, (len(ids),))
        if len(values) != len(ids):
            why = f"这一行应有 {len(ids)} 个数字，看到 {len(values)} 个"
            seen = " ".join(v.text for v in values)
            for cid in ids:
                work.flag(cid, why, seen, row.where)
            continue
        for cid, cell in zip(ids, values, strict=True):
            work.put(cid, cell)
        if block.unit_field:
            unit = next((u for v in values if (u := unit_of(v.text)) in block.units), None)
            unit = unit or next((u for u in block.units[::-1] if u in header), None)
            if unit is not None:
                work.out.units[target.row_id] = unit


# ---------------------------------------------------------------------------------------
# Table 三: a matrix of rows × applicant columns


def _row_targets(table: Table) -> list[_Target]:
    """Every data row, and every group whose rows are all data rows: a 2019-style single
    （六）其他处理 row in a 2021 table names the group."""
    out: list[_Target] = []

    def walk(nodes: tuple[Node, ...], prefix: str) -> None:
        for n in nodes:
            rid = f"{prefix}.{n.key}"
            if n.children:
                if all(not c.children for c in n.children):
                    out.append(_Target(rid, n, len(out)))
                walk(n.children, rid)
            else:
                out.append(_Target(rid, n, len(out)))

    walk(table.rows, table.key)
    return out


def _matrix(work: Work, table: Table, rows: list[Row]) -> None:
    targets = _row_targets(table)
    columns = Columns(table)
    pending: list[str] = []
    last = -1
    for row in rows:
        if not row.values:
            columns.header(row)
            pending.append(row.label)
            continue
        if _all_blank(row) and _names_columns(row, table):
            columns.header(row)  # 商业企业 … 其他 over empty cells: headings, not a row
            pending.append(row.label)
            continue
        text = " ".join([*pending, row.label])
        pending = []
        target = match_row(text, targets, last)
        if target is None and _all_blank(row):
            columns.header(row)
            pending = [text]  # a header row with empty cells
            continue
        if target is None:
            _unplaced(work, row, text, table)
            continue
        last = target.index
        pairs = _pairs(table, columns, row)
        if pairs is None:
            why = f"这一行应有 {len(table.leaf_columns)} 个数字，看到 {len(_fit(row, (len(table.leaf_columns),)))} 个"
            seen = " ".join(v.text for v in row.values)
            for leaf_id in _leaf_rows(target):
                for c in table.leaf_columns:
                    work.flag(f"{leaf_id}.{c.key}", why, seen, row.where)
            continue
        if target.node.children:  # （六）其他处理 as one row in a table with three
            _collapsed(work, target, pairs, row.where)
            continue
        for key, cell in pairs:
            work.put(f"{target.row_id}.{key}", cell)


def _pairs(table: Table, columns: Columns, row: Row) -> list[tuple[str, Cell]] | None:
    """(column key, value cell) of a row: by the headings above it in a real table, else
    in the format's column order; None when the count of numbers fits neither."""
    placed = columns.place(row)
    if placed is not None:
        return [(key, row.values[i]) for key, i in placed]
    leaves = table.leaf_columns
    required = tuple(c for c in leaves if not c.optional)
    values = _fit(row, (len(leaves), len(required)))
    if len(values) == len(leaves):
        return [(c.key or "", v) for c, v in zip(leaves, values, strict=True)]
    if len(values) == len(required) and not row.grid:
        return [(c.key or "", v) for c, v in zip(required, values, strict=True)]
    return None


def _leaf_rows(target: _Target) -> list[str]:
    if not target.node.children:
        return [target.row_id]
    return [f"{target.row_id}.{c.key}" for c in target.node.children]


def _collapsed(work: Work, target: _Target, pairs: list[tuple[str, Cell]], where: Where) -> None:
    """All zero: each sub-row is zero. Otherwise the split is unknown: flagged."""
    if all(parse_number(cell.text) == 0 for _, cell in pairs):
        for leaf_id in _leaf_rows(target):
            for key, cell in pairs:
                work.put(f"{leaf_id}.{key}", cell)
        return
    seen = f"{target.node.label} " + " ".join(cell.text for _, cell in pairs)
    why = f"报告只有一行“{target.node.label}”，无法分到{len(target.node.children)}个子项"
    for leaf_id in _leaf_rows(target):
        for key, _ in pairs:
            work.flag(f"{leaf_id}.{key}", why, seen, where)


# ---------------------------------------------------------------------------------------
# Table 四: column groups over one row of numbers


def _groups(work: Work, table: Table, rows: list[Row]) -> None:
    ids = [f"{table.key}.{leaf_id}" for _, leaf_id in leaf_ids(table)]
    columns = Columns(table)
    values: list[Cell] = []
    for row in rows:
        if _all_blank(row):  # header rows, some ending in empty cells
            columns.header(row)
            continue
        placed = columns.place(row)
        if placed is not None:
            for leaf_id, i in placed:
                work.put(f"{table.key}.{leaf_id}", row.values[i])
            continue
        values.extend(row.values)
    if not values:
        return
    if len(values) == len(ids):
        for cid, cell in zip(ids, values, strict=True):
            work.put(cid, cell)
        return
    why = f"表四应有 {len(ids)} 个数字，看到 {len(values)} 个"
    for cid in ids:
        work.flag(cid, why, " ".join(v.text for v in values), values[0].where)
