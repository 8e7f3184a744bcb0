"""report.yaml in its usual shape, read straight from its lines: no YAML nodes.

Nearly every report.yaml is a few block mappings of plain keys holding one-line flow lists
(``received: [16, 2, 0, 0, 2, 0, 20]``) and flow mappings of plain numbers. Composing
those into position-carrying YAML nodes and reading them back costs more than half of
loading a report. This module reads exactly that shape, and nothing else: the first line,
token or value it is not sure of (a quote, a tab, a placeholder, an anchor,
revisions, a number that is not plainly valid, a key out of place, anything that would be
a problem) makes it give up, and ``load`` reads the file the full way (yamlparse,
reportread), which finds and words every problem. So it returns a report only when the
full reader would return the same report with no problem at all (tests compare the two on
every fixture and on synthetic portals).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from itertools import accumulate, chain, repeat
from operator import add, sub
from re import Match
from typing import cast

from .formats import Block, Format, Table, all_formats, format_for_year
from .formats import Node as FormatNode
from .model import Loc, ProcessingFees, Report, Value
from .reportlines import Flow, Mapping, Unsure, parse
from .reportshape import REPORT_KEYS, REQUIRED_REPORT_KEYS, add_totals, keyed_groups
from .yamlsource import MAX_DIGITS

_COUNT_TEXT = r"(?:0|[1-9][0-9]{0,14})"  # at most MAX_DIGITS digits
_COUNT_LIST = rf"\[ *{_COUNT_TEXT}(?: *, *{_COUNT_TEXT})* *\]"
_COUNT_ROWS = re.compile(rf"{_COUNT_LIST}(?:\n{_COUNT_LIST})*")  # the lists, one a line
_DIGITS = re.compile(r"[0-9]+")
_COUNT = re.compile(r"0|[1-9][0-9]*")
_SIGNED = re.compile(r"-?(?:0|[1-9][0-9]*)")
_MONEY = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_YEAR = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def fast_report(text: str, folder_year: str, agency: str, shown: str) -> Report | None:
    """The report, when ``text`` is in the usual shape and has no problem; else None."""
    try:
        top, anchor = parse(text)
        return _report(top, anchor, folder_year, agency, shown)
    except Unsure:
        return None


# ---------------------------------------------------------------------------------------
# Mappings to a report, as reportread reads it when it finds no problem


def _report(
    top: Mapping, anchor: tuple[int, int], folder_year: str, agency: str, shown: str
) -> Report:
    if any(k not in REPORT_KEYS for k in top) or any(k not in top for k in REQUIRED_REPORT_KEYS):
        raise Unsure
    if "carry_over_note" in top or "revisions" in top:
        raise Unsure  # free text: the full reader
    year_text = _scalar(top["year"][0])[0]
    if not _YEAR.fullmatch(year_text) or year_text != folder_year:
        raise Unsure
    year = int(year_text)
    fmt = format_for_year(year)
    if year > dt.date.today().year or fmt is None:
        raise Unsure
    if "format" in top and all_formats().get(_scalar(top["format"][0])[0]) is not fmt:
        raise Unsure
    cells: dict[str, Value] = {}
    locs = _Positions()
    units: dict[str, str] = {}
    for key, table in fmt.tables.items():
        if key in top:
            _table(top[key][0], table, fmt, cells, locs, units)
    add_totals(fmt, cells)
    report = Report(
        agency=agency,
        year=year,
        format=fmt,
        path=shown,
        cells=cells,
        locs={},
        units=units,
        anchor=Loc(shown, *anchor),
        later=locs,
    )
    if "published" in top:
        text, line, col = _scalar(top["published"][0])
        if not _DATE.fullmatch(text):
            raise Unsure
        try:
            published = dt.date.fromisoformat(text)
        except ValueError:
            raise Unsure from None
        if published.year <= year:
            raise Unsure
        report.published = published
        locs.append(("published", (line, col)))
    if "processing_fees" in top:
        fees = _mapping(top["processing_fees"][0], ["notices", "noticed_amount", "collected"])
        report.processing_fees = ProcessingFees(
            int(_number(fees["notices"][0], "count")),
            Decimal(_number(fees["noticed_amount"][0], "money")),
            Decimal(_number(fees["collected"][0], "money")),
        )
    return report


def _scalar(value: object) -> tuple[str, int, int]:
    if not isinstance(value, tuple):
        raise Unsure
    return value  # type: ignore[return-value]


def _mapping(value: object, keys: list[str]) -> Mapping:
    """A mapping with exactly these keys (all required, none other)."""
    if not isinstance(value, dict) or len(value) != len(keys) or any(k not in value for k in keys):
        raise Unsure
    return value


def _number(value: object, vtype: str) -> Value:
    text = _scalar(value)[0]
    if len(text) > MAX_DIGITS:
        raise Unsure
    if vtype == "count" and _COUNT.fullmatch(text):
        return int(text)
    if vtype == "signed" and _SIGNED.fullmatch(text):
        return int(text)
    if vtype == "money" and _MONEY.fullmatch(text):
        return Decimal(text)
    raise Unsure


def _put(cid: str, value: object, vtype: str, cells: dict[str, Value], locs: _Positions) -> None:
    cells[cid] = _number(value, vtype)
    _, line, col = _scalar(value)
    locs.append((cid, (line, col)))


def _table(
    value: object,
    table: Table,
    fmt: Format,
    cells: dict[str, Value],
    locs: _Positions,
    units: dict[str, str],
) -> None:
    if table.layout == "blocks":
        rows, keys = _blocks_plan(table)
        m = _mapping(value, keys)
        for row_key, (row_value, _, _) in m.items():  # as written, like the full reader
            block, rid, cols, row_keys = rows[row_key]
            if block.scalar:
                _put(rid, row_value, block.value_types[0], cells, locs)
                continue
            rm = _mapping(row_value, row_keys)
            for (cid, ck), vtype in zip(cols, block.value_types, strict=True):
                _put(cid, rm[ck][0], vtype, cells, locs)
            if block.unit_field:
                unit = _scalar(rm[block.unit_field][0])[0]
                if unit not in block.units:
                    raise Unsure
                units[f"{rid}.{block.unit_column}"] = unit
    elif table.layout == "matrix":
        data_rows: list[tuple[str, Flow]] = []
        _matrix_rows(value, table.rows, table.key, data_rows)
        _fill_rows(table, data_rows, cells, locs)
    else:
        groups, keys = _groups_plan(table)
        m = _mapping(value, keys)
        flows = [m[group.key or ""][0] for group, _ in groups]
        if table.type == "count" and _group_counts(table, flows, cells, locs):
            return
        for (group, leaves), flow in zip(groups, flows, strict=True):
            if not isinstance(flow, Flow):
                raise Unsure
            items = flow.items()
            if len(items) != len(leaves):
                raise Unsure
            gid = f"{table.key}.{group.key}"
            for leaf, item in zip(leaves, items, strict=True):
                _put(f"{gid}.{leaf.key}", item, table.type, cells, locs)


def _matrix_rows(
    value: object, rows: tuple[FormatNode, ...], prefix: str, leaves: list[tuple[str, Flow]]
) -> None:
    """Each data row of a matrix table (its id and its list), in the format's order."""
    if not isinstance(value, dict):
        raise Unsure
    allowed, required, plan = _rows_plan(rows, prefix)
    if not allowed.issuperset(value) or not required.issubset(value):
        raise Unsure
    for row, rid in plan:
        if row.key not in value:
            continue
        row_value = value[row.key or ""][0]
        if row.children:
            _matrix_rows(row_value, row.children, rid, leaves)
        elif isinstance(row_value, Flow):
            leaves.append((rid, row_value))
        else:
            raise Unsure


def _fill_rows(
    table: Table, leaves: list[tuple[str, Flow]], cells: dict[str, Value], locs: _Positions
) -> None:
    """The rows' values, and what their positions are made from. Rows of plain counts
    (table 三, nearly always) are read all at once: one check, then the lists as JSON (which
    they are, once checked: the numbers plain, without leading zeros), no Python call per
    row or number."""
    texts = [flow.text for _, flow in leaves]
    joined = "\n".join(texts)
    if table.type != "count" or not _COUNT_ROWS.fullmatch(joined):
        for rid, flow in leaves:
            items = flow.items()
            for cid, item in zip(_row_ids(table, rid, len(items)), items, strict=True):
                _put(cid, item, table.type, cells, locs)
        return
    rows: list[list[int]] = json.loads("[" + ",".join(texts) + "]")
    sizes = list(map(len, rows))
    rids = tuple([r for r, _ in leaves])
    shape = (id(table), rids, tuple(sizes))  # formats live as long as the process
    ids = _SHAPE_IDS.get(shape)
    if ids is None:
        ids = tuple(chain.from_iterable(map(_row_ids, repeat(table), rids, sizes)))
        if len(_SHAPE_IDS) < 256:  # a few shapes in any portal; bounded all the same
            _SHAPE_IDS[shape] = ids
    cells.update(zip(ids, chain.from_iterable(rows), strict=True))
    locs.append(_Rows(ids, [flow for _, flow in leaves], texts, sizes))


def _group_counts(
    table: Table, flows: list[object], cells: dict[str, Value], locs: _Positions
) -> bool:
    """A groups table (表四) whose lists are all plain counts, read at once as _fill_rows
    reads a matrix table's rows (its 15 numbers were a Python call each); False, having
    read nothing, for any other, which is read number by number."""
    if not all(type(flow) is Flow for flow in flows):
        return False
    rows_of = cast(list[Flow], flows)
    texts = [flow.text for flow in rows_of]
    if not _COUNT_ROWS.fullmatch("\n".join(texts)):
        return False
    rows: list[list[int]] = json.loads("[" + ",".join(texts) + "]")
    ids, sizes = _group_ids(table)
    if list(map(len, rows)) != sizes:
        raise Unsure  # (as the numbers one by one would)
    cells.update(zip(ids, chain.from_iterable(rows), strict=True))
    locs.append(_Rows(ids, rows_of, texts, sizes))
    return True


_GROUP_IDS: dict[int, tuple[tuple[str, ...], list[int]]] = {}


def _group_ids(table: Table) -> tuple[tuple[str, ...], list[int]]:
    """A groups table's cell ids, group after group, and how many each group has."""
    found = _GROUP_IDS.get(id(table))  # formats live as long as the process
    if found is None:
        groups = _groups_plan(table)[0]
        ids = tuple(f"{table.key}.{g.key}.{leaf.key}" for g, leaves in groups for leaf in leaves)
        found = _GROUP_IDS[id(table)] = (ids, [len(leaves) for _, leaves in groups])
    return found


# the cell ids of a matrix table's rows as written (which rows, how many numbers each)
_SHAPE_IDS: dict[tuple[int, tuple[str, ...], tuple[int, ...]], tuple[str, ...]] = {}


class _Rows:
    """Rows of plain counts read at once (_fill_rows): their positions, when asked."""

    __slots__ = ("flows", "ids", "sizes", "texts")

    def __init__(self, ids: tuple[str, ...], flows: list[Flow], texts: list[str], sizes: list[int]):
        self.ids, self.flows, self.texts, self.sizes = ids, flows, texts, sizes

    def positions(self) -> Iterator[tuple[str, tuple[int, int]]]:
        flows, sizes = self.flows, self.sizes
        offsets = map(Match.start, _DIGITS.finditer("\n".join(self.texts)))
        # a number's column: its offset in the joined text, less where its row starts there,
        # plus where the row's list starts on its line
        starts = accumulate((len(text) + 1 for text in self.texts), initial=0)
        bases = map(sub, [flow.at + 1 for flow in flows], starts)
        columns = map(add, offsets, chain.from_iterable(map(repeat, bases, sizes)))
        lines = chain.from_iterable(map(repeat, [flow.line for flow in flows], sizes))
        return zip(self.ids, zip(lines, columns, strict=True), strict=True)


class _Positions(list["tuple[str, tuple[int, int]] | _Rows"]):
    """A report's positions as read, in order (Report.later): each cell's, or rows' to
    work out. A report with no problem is never asked where a cell is."""

    def positions(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for step in self:
            if isinstance(step, _Rows):
                out.update(step.positions())
            else:
                out[step[0]] = step[1]
        return out


# a row of a blocks table (表二): its block, its id, its columns (cell id, key) and the
# keys its mapping must have; and the table's row keys
BlocksPlan = tuple[dict[str, tuple[Block, str, list[tuple[str, str]], list[str]]], list[str]]
_BLOCKS_PLANS: dict[int, BlocksPlan] = {}


def _blocks_plan(table: Table) -> BlocksPlan:
    """What reading a blocks table needs of its format, worked out once (not per report)."""
    plan = _BLOCKS_PLANS.get(id(table))  # formats live as long as the process
    if plan is None:
        rows = {}
        for b in table.blocks:
            for row in b.rows:
                rid = f"{table.key}.{row.key or ''}"
                col_keys = [c.key or "" for c in b.columns]
                extra = [b.unit_field] if b.unit_field else []
                cols = [(f"{rid}.{ck}", ck) for ck in col_keys]
                rows[row.key or ""] = (b, rid, cols, col_keys + extra)
        plan = _BLOCKS_PLANS[id(table)] = (rows, list(rows))
    return plan


GroupsPlan = tuple[list[tuple[FormatNode, tuple[FormatNode, ...]]], list[str]]
_GROUPS_PLANS: dict[int, GroupsPlan] = {}


def _groups_plan(table: Table) -> GroupsPlan:
    """A table of keyed column groups (表四): each group with its leaves, and the keys."""
    plan = _GROUPS_PLANS.get(id(table))  # formats live as long as the process
    if plan is None:
        groups = [(g, g.leaves) for g in keyed_groups(table.columns)]
        plan = _GROUPS_PLANS[id(table)] = (groups, [g.key or "" for g, _ in groups])
    return plan


_ROW_IDS: dict[tuple[int, str, int], tuple[str, ...]] = {}
RowsPlan = tuple[frozenset[str], frozenset[str], tuple[tuple[FormatNode, str], ...]]
_ROWS_PLANS: dict[tuple[int, str], RowsPlan] = {}


def _rows_plan(rows: tuple[FormatNode, ...], prefix: str) -> RowsPlan:
    """The keys a level of matrix rows allows and requires, and each row with its id."""
    key = (id(rows), prefix)  # formats live as long as the process
    plan = _ROWS_PLANS.get(key)
    if plan is None:
        plan = _ROWS_PLANS[key] = (
            frozenset(row.key or "" for row in rows),
            frozenset(row.key or "" for row in rows if not row.optional),
            tuple((row, f"{prefix}.{row.key}") for row in rows),
        )
    return plan


def _row_ids(table: Table, rid: str, given: int) -> tuple[str, ...]:
    """The cell ids of a matrix row written with ``given`` numbers: every column, or
    those a report may not leave out (the 总计 column computed)."""
    key = (id(table), rid, given)  # formats live as long as the process
    ids = _ROW_IDS.get(key)
    if ids is None:
        cols = table.leaf_columns
        if given != len(cols):
            cols = tuple(c for c in cols if not c.optional)
            if given != len(cols):
                raise Unsure
        ids = _ROW_IDS[key] = tuple(f"{rid}.{c.key}" for c in cols)
    return ids


__all__ = ["fast_report"]
